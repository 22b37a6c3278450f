/**
 * The platform overview: one Grafana dashboard for every inference workload of one
 * namespace, beside each workload's own dashboard (build-dashboard.ts). It shows, per
 * workload, replicas against the autoscaler's ceiling, request rate and p95 latency, GPU
 * utilization, and the namespace's ResourceQuota usage. Pure: input in, JSON model out.
 */
import { deploymentPodRegex } from '../conventions';
import { z } from 'zod';
import { MANAGED_BY } from '../conventions';
import { DcgmConfig, DEFAULT_DCGM, METRIC_PRESETS, MetricPreset, MetricPresetName, MetricScope, selector } from '../metrics/presets';
import { dcgmConfigSchema, presetSchema } from '../spec/metrics';
import { parseOrThrow } from '../spec/problems';
import { zDns1035Label, zDnsLabel, zDnsSubdomain, zInt } from '../spec/values';
import { buildGrafanaDashboard, GRAFANA_INTERVAL, GRAFANA_UID, GrafanaQuery, GRID_COLUMNS, PanelSpec, RowSpec, Step } from './grafana';
import { GrafanaDashboardJson } from './model';
import { RATE_INTERVAL } from './queries';

/** One inference workload of the platform, as the overview shows it. */
export interface PlatformWorkload {
  /** The workload's release name: the legend of its series and the title of its stat. */
  readonly release: string;
  /** Name of its Deployment (kube-state-metrics `deployment` label). */
  readonly deploymentName: string;
  /**
   * Name of its HorizontalPodAutoscaler (kube-state-metrics `horizontalpodautoscaler`
   * label). KEDA names the HPA of a ScaledObject `keda-hpa-<scaledobject name>`, or
   * `spec.advanced.horizontalPodAutoscalerConfig.name` when that is set (kedacore/keda
   * controllers/keda/hpa.go getHPAName).
   * @default - no autoscaler: the stat shows the Deployment's spec replicas beside the available ones
   */
  readonly hpaName?: string;
  /** Prometheus `job` label of its own series (the Prometheus Operator sets it to the scraped Service's name). */
  readonly job: string;
  /** Which metric names its server exports: a preset name or a full preset. */
  readonly preset: MetricPresetName | MetricPreset;
  /** Whether its pods have GPUs (dcgm-exporter has series for them). */
  readonly gpus: boolean;
  /** Its 95th-percentile response-time objective, seconds. @default - none: no objective line for it */
  readonly latencyP95Seconds?: number;
  /** Its autoscaler's replica ceiling: from it on, its stat turns orange (capacity exhausted). @default - no ceiling colour */
  readonly maxReplicas?: number;
}

/** Everything the platform overview shows. */
export interface PlatformOverviewInput {
  /** Dashboard title. */
  readonly title: string;
  /** Dashboard uid: 1-40 characters of letters, digits, `-` and `_` (Grafana's limit). */
  readonly uid: string;
  /** The namespace every workload runs in (and whose ResourceQuota the quota row reads). */
  readonly namespace: string;
  /** The workloads, in the order the dashboard lists them; release names unique. */
  readonly workloads: readonly PlatformWorkload[];
  /**
   * dcgm-exporter metric and label names.
   * @default DEFAULT_DCGM
   */
  readonly dcgm?: DcgmConfig;
  /**
   * The GPUs' extended resource name, without the `requests.` prefix the quota key adds
   * (`nvidia.com/gpu`, or a MIG profile such as `nvidia.com/mig-1g.5gb`).
   * @default 'nvidia.com/gpu'
   */
  readonly gpuResourceName?: string;
  /**
   * Dashboard tags.
   * @default ['cdk8s-ai-inference']
   */
  readonly tags?: readonly string[];
  /**
   * Auto-refresh interval, a Grafana interval string.
   * @default '30s'
   */
  readonly refresh?: string;
}

/** A PlatformWorkload with its preset resolved to the full preset. */
export type ResolvedPlatformWorkload = Omit<PlatformWorkload, 'preset'> & { readonly preset: MetricPreset };

/** PlatformOverviewInput with every default filled in. */
export type ResolvedPlatformOverviewInput = Required<Omit<PlatformOverviewInput, 'workloads'>> & {
  readonly workloads: readonly ResolvedPlatformWorkload[];
};

/** Titles of the overview's panels (stable: tests and links find panels by them); each workload's stat is titled by its release. */
export const PLATFORM_PANEL_TITLES = {
  replicas: 'Replicas per workload',
  requestRate: 'Request rate per workload',
  latencyP95: 'Response time p95 per workload',
  gpuUtilization: 'GPU utilization per workload',
  quotaGpu: 'Quota: GPUs requested',
  quotaCpu: 'Quota: CPU requested',
  quotaMemory: 'Quota: memory requested',
} as const;

/** Titles of the overview's rows. */
export const PLATFORM_ROW_TITLES = {
  workloads: 'Workloads',
  traffic: 'Traffic',
  gpu: 'GPU',
  quota: 'Quota',
} as const;

/**
 * kube-state-metrics series the overview reads, with the labels it matches on. Checked in
 * kubernetes/kube-state-metrics v2.20.0 (tag; mirror at c92fe0c5, v2.20.0-11):
 * - docs/metrics/workload/deployment-metrics.md: kube_deployment_status_replicas_available
 *   and kube_deployment_spec_replicas, labels `deployment`, `namespace` (both STABLE).
 * - docs/metrics/workload/horizontalpodautoscaler-metrics.md:
 *   kube_horizontalpodautoscaler_status_desired_replicas and _spec_max_replicas, labels
 *   `horizontalpodautoscaler`, `namespace` (STABLE).
 * - docs/metrics/policy/resourcequota-metrics.md and internal/store/resourcequota.go:
 *   kube_resourcequota, labels `resourcequota`, `namespace`, `resource` (the quota key as
 *   written in spec.hard, e.g. `requests.cpu`) and `type` (`hard` from status.hard, `used`
 *   from status.used). Values are plain numbers (internal/store/utils.go
 *   convertValueToFloat64: milli-value / 1000): CPU in cores, memory in bytes, GPUs a count.
 * Every query folds the duplicate series of a highly available kube-state-metrics with max.
 */
export const KUBE_STATE_METRICS = {
  deploymentAvailable: 'kube_deployment_status_replicas_available',
  deploymentSpecReplicas: 'kube_deployment_spec_replicas',
  hpaDesired: 'kube_horizontalpodautoscaler_status_desired_replicas',
  hpaMax: 'kube_horizontalpodautoscaler_spec_max_replicas',
  resourceQuota: 'kube_resourcequota',
} as const;

/**
 * The ResourceQuota keys the quota row shows (the keys the platform's ResourceQuota writes:
 * an extended resource counts only under `requests.`, kubernetes/kubernetes
 * pkg/quota/v1/evaluator/core/pods.go; see constructs/resource-quota.ts QUOTA_FACTS).
 */
export const PLATFORM_QUOTA_KEYS = {
  requestsPrefix: 'requests.',
  cpu: 'requests.cpu',
  memory: 'requests.memory',
  defaultGpuResource: 'nvidia.com/gpu',
} as const;

// A value embedded in a PromQL string literal: no quotes, backslashes or newlines.
const zPromLabelValue = z.string().min(1, 'must not be empty; set the name').refine((v) => !/["\\\n]/.test(v), {
  message: 'must not contain quotes, backslashes or newlines (it is embedded in PromQL); fix the name',
});

const workloadSchema = z
  .object({
    release: zDns1035Label,
    deploymentName: zDnsSubdomain,
    hpaName: zDnsSubdomain.optional(),
    job: zPromLabelValue,
    preset: presetSchema,
    gpus: z.boolean({ errorMap: () => ({ message: 'must be true or false (whether the pods have GPUs); set it' }) }),
    latencyP95Seconds: z.number().finite().positive('must be above 0 (seconds); set a positive value').optional(),
    maxReplicas: zInt(1, undefined, 'replicas').optional(),
  })
  .strict()
  .transform((w) => ({ ...w, preset: typeof w.preset === 'string' ? METRIC_PRESETS[w.preset] : w.preset }));

const GPU_RESOURCE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export const platformOverviewInputSchema = z
  .object({
    title: z.string().trim().min(1, 'must not be empty; set a title'),
    uid: z.string().regex(GRAFANA_UID, 'must be 1-40 letters, digits, "-" or "_" (Grafana uid); use dashboardUid(namespace, name)'),
    namespace: zDnsLabel,
    workloads: z.array(workloadSchema).min(1, 'must list at least one workload; add the platform\'s workloads'),
    dcgm: dcgmConfigSchema.default(DEFAULT_DCGM),
    gpuResourceName: z
      .string()
      .regex(GPU_RESOURCE, 'must be an extended resource name such as nvidia.com/gpu (a domain, "/", a name); fix the name')
      .refine((name) => !name.startsWith(PLATFORM_QUOTA_KEYS.requestsPrefix), 'must be the resource name without "requests." (the quota key adds it); e.g. nvidia.com/gpu')
      .default(PLATFORM_QUOTA_KEYS.defaultGpuResource),
    tags: z.array(z.string().min(1, 'must not be empty; remove the tag')).default([MANAGED_BY]),
    refresh: z.string().regex(GRAFANA_INTERVAL, 'must be a Grafana interval like "30s" or "1m"; fix the value').default('30s'),
  })
  .strict()
  .superRefine((input, ctx) => {
    for (const field of ['release', 'deploymentName'] as const) {
      const first = new Map<string, number>();
      input.workloads.forEach((w, i) => {
        const earlier = first.get(w[field]);
        if (earlier === undefined) first.set(w[field], i);
        else {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['workloads', i, field],
            message: `repeats workloads[${earlier}].${field}: each workload is listed once; remove the duplicate or rename it`,
          });
        }
      });
    }
  }) satisfies z.ZodType<ResolvedPlatformOverviewInput, z.ZodTypeDef, PlatformOverviewInput>;

/** Validates the input and fills in defaults; throws InferenceValidationError naming each bad field. */
export function resolvePlatformOverviewInput(input: PlatformOverviewInput): ResolvedPlatformOverviewInput {
  return parseOrThrow(platformOverviewInputSchema, input, 'Grafana platform overview dashboard', 'dashboard');
}

/**
 * Builds the platform overview dashboard (JSON model, schemaVersion 42) with the Grafana
 * Foundation SDK: rows Workloads, Traffic, GPU (only when a workload has GPUs) and Quota.
 * Every per-workload query carries the namespace and the workload's Deployment, HPA or job;
 * every query is parsed as PromQL before the dashboard is returned.
 *
 * @throws InferenceValidationError when the input is invalid
 * @throws Error naming the panel when a query does not parse
 */
export function buildPlatformOverview(input: PlatformOverviewInput): GrafanaDashboardJson {
  const resolved = resolvePlatformOverviewInput(input);
  return buildGrafanaDashboard(resolved, platformRows(resolved));
}

function platformRows(input: ResolvedPlatformOverviewInput): RowSpec[] {
  const gpuWorkloads = input.workloads.filter((w) => w.gpus);
  return [
    { title: PLATFORM_ROW_TITLES.workloads, panels: workloadPanels(input) },
    { title: PLATFORM_ROW_TITLES.traffic, panels: trafficPanels(input) },
    // Without GPUs, dcgm-exporter has nothing to say about any pod of the namespace.
    ...(gpuWorkloads.length > 0 ? [{ title: PLATFORM_ROW_TITLES.gpu, panels: [gpuPanel(input, gpuWorkloads)] }] : []),
    { title: PLATFORM_ROW_TITLES.quota, panels: quotaPanels(input) },
  ];
}

/** `max(metric{namespace, label="value"})`: max folds kube-state-metrics duplicates. */
function ksm(input: ResolvedPlatformOverviewInput, metric: string, label: string, value: string): string {
  return `max(${metric}{namespace="${input.namespace}",${label}="${value}"})`;
}

function workloadPanels(input: ResolvedPlatformOverviewInput): PanelSpec[] {
  const m = KUBE_STATE_METRICS;
  const statWidth = Math.max(4, Math.floor(GRID_COLUMNS / input.workloads.length));
  const stats = input.workloads.map((w): PanelSpec => {
    const available: GrafanaQuery = { expr: ksm(input, m.deploymentAvailable, 'deployment', w.deploymentName), legend: 'available' };
    // The ceiling's colour stays neutral: only the available replicas are judged by the thresholds.
    const ceiling: GrafanaQuery = w.hpaName
      ? { expr: ksm(input, m.hpaMax, 'horizontalpodautoscaler', w.hpaName), legend: 'max', color: 'text' }
      : { expr: ksm(input, m.deploymentSpecReplicas, 'deployment', w.deploymentName), legend: 'desired', color: 'text' };
    const atCeiling: Step[] = w.maxReplicas !== undefined && w.maxReplicas > 1 ? [[w.maxReplicas, 'orange']] : [];
    return {
      kind: 'stat',
      title: w.release,
      description: w.hpaName
        ? `Available replicas of ${w.deploymentName} and the ceiling of its autoscaler ${w.hpaName}${w.maxReplicas !== undefined ? ` (${w.maxReplicas}); orange at the ceiling: capacity exhausted` : ''}. Red: none available.`
        : `Available replicas of ${w.deploymentName} and the replicas its spec asks for (no autoscaler). Red: none available.`,
      unit: 'short',
      width: statWidth,
      queries: [available, ceiling],
      baseColor: 'red',
      steps: [[1, 'green'], ...atCeiling],
      decimals: 0,
    };
  });
  const replicas: GrafanaQuery[] = input.workloads.flatMap((w) => [
    { expr: ksm(input, m.deploymentAvailable, 'deployment', w.deploymentName), legend: `${w.release} available` },
    ...(w.hpaName
      ? [
          { expr: ksm(input, m.hpaDesired, 'horizontalpodautoscaler', w.hpaName), legend: `${w.release} desired` },
          { expr: ksm(input, m.hpaMax, 'horizontalpodautoscaler', w.hpaName), legend: `${w.release} max` },
        ]
      : []),
  ]);
  return [
    ...stats,
    {
      kind: 'timeseries',
      title: PLATFORM_PANEL_TITLES.replicas,
      description: 'Available replicas of each workload\'s Deployment, and what its autoscaler wants (desired) and allows (max), from kube-state-metrics. A workload whose desired equals max has run out of headroom.',
      unit: 'short',
      width: GRID_COLUMNS,
      queries: replicas,
      min: 0,
      decimals: 0,
    },
  ];
}

function scopeOf(input: ResolvedPlatformOverviewInput, w: ResolvedPlatformWorkload): MetricScope {
  return { namespace: input.namespace, job: w.job, podRegex: deploymentPodRegex(w.deploymentName) };
}

/** The p95 objective every workload that states one shares, or undefined when none does or they differ. */
function sharedLatencyObjective(workloads: readonly ResolvedPlatformWorkload[]): { seconds: number; releases: string[] } | undefined {
  const stated = workloads.filter((w) => w.latencyP95Seconds !== undefined);
  const values = new Set(stated.map((w) => w.latencyP95Seconds));
  return values.size === 1 ? { seconds: stated[0].latencyP95Seconds!, releases: stated.map((w) => w.release) } : undefined;
}

function trafficPanels(input: ResolvedPlatformOverviewInput): PanelSpec[] {
  const objective = sharedLatencyObjective(input.workloads);
  const stated = input.workloads.filter((w) => w.latencyP95Seconds !== undefined).length;
  const line =
    objective !== undefined
      ? `; the line is the p95 objective ${objective.seconds} s${objective.releases.length < input.workloads.length ? ` of ${objective.releases.join(', ')}` : ''}`
      : stated > 1
        ? '; no objective line: the workloads\' p95 objectives differ (each workload\'s dashboard draws its own)'
        : '';
  return [
    {
      kind: 'timeseries',
      title: PLATFORM_PANEL_TITLES.requestRate,
      description: 'Requests served per second by each workload, all its pods (each workload\'s own request counter, by its scrape job).',
      unit: 'reqps',
      width: GRID_COLUMNS / 2,
      queries: input.workloads.map((w) => ({
        expr: `sum(rate(${selector(w.preset.requests, scopeOf(input, w))}[${RATE_INTERVAL}]))`,
        legend: w.release,
      })),
      min: 0,
    },
    {
      kind: 'timeseries',
      title: PLATFORM_PANEL_TITLES.latencyP95,
      description: `95th percentile of each workload's response time, all its pods${line}.`,
      unit: 's',
      width: GRID_COLUMNS / 2,
      queries: input.workloads.map((w) => ({
        expr: `histogram_quantile(0.95, sum by (le) (rate(${selector({ metric: w.preset.latencyHistogram }, scopeOf(input, w), undefined, '_bucket')}[${RATE_INTERVAL}])))`,
        legend: w.release,
      })),
      steps: objective !== undefined ? [[objective.seconds, 'red']] : undefined,
      min: 0,
    },
  ];
}

function gpuPanel(input: ResolvedPlatformOverviewInput, workloads: readonly ResolvedPlatformWorkload[]): PanelSpec {
  const { dcgm } = input;
  return {
    kind: 'timeseries',
    title: PLATFORM_PANEL_TITLES.gpuUtilization,
    description: `Mean utilization of the GPUs of each workload with GPUs (dcgm-exporter ${dcgm.utilizationMetric}, pods matched by their Deployment's pod names).`,
    unit: 'percent',
    width: GRID_COLUMNS,
    queries: workloads.map((w) => ({
      expr: `avg(${dcgm.utilizationMetric}{${dcgm.namespaceLabel}="${input.namespace}",${dcgm.podLabel}=~"${deploymentPodRegex(w.deploymentName)}"})`,
      legend: w.release,
    })),
    min: 0,
    max: 100,
  };
}

function quotaPanels(input: ResolvedPlatformOverviewInput): PanelSpec[] {
  const gpuKey = `${PLATFORM_QUOTA_KEYS.requestsPrefix}${input.gpuResourceName}`;
  const usage = (resource: string): GrafanaQuery[] =>
    (['used', 'hard'] as const).map((type) => ({
      expr: `max by (resourcequota) (${KUBE_STATE_METRICS.resourceQuota}{namespace="${input.namespace}",resource="${resource}",type="${type}"})`,
      legend: `{{resourcequota}} ${type}`,
      ...(type === 'hard' ? { color: 'red' } : {}),
    }));
  const about = (what: string, key: string) =>
    `${what} requested by the pods of ${input.namespace} (ResourceQuota status.used, key ${key}) against the quota's limit (status.hard, red), per ResourceQuota. At the limit, the API server refuses new pods: the autoscalers cannot add replicas.`;
  return [
    {
      kind: 'timeseries',
      title: PLATFORM_PANEL_TITLES.quotaGpu,
      description: about('GPUs', gpuKey),
      unit: 'short',
      width: GRID_COLUMNS / 3,
      queries: usage(gpuKey),
      min: 0,
      decimals: 0,
    },
    {
      kind: 'timeseries',
      title: PLATFORM_PANEL_TITLES.quotaCpu,
      description: about('CPU cores', PLATFORM_QUOTA_KEYS.cpu),
      unit: 'short',
      width: GRID_COLUMNS / 3,
      queries: usage(PLATFORM_QUOTA_KEYS.cpu),
      min: 0,
    },
    {
      kind: 'timeseries',
      title: PLATFORM_PANEL_TITLES.quotaMemory,
      description: about('Memory', PLATFORM_QUOTA_KEYS.memory),
      unit: 'bytes',
      width: GRID_COLUMNS / 3,
      queries: usage(PLATFORM_QUOTA_KEYS.memory),
      min: 0,
    },
  ];
}
