import { createHash } from 'node:crypto';
import { z } from 'zod';
import { dcgmConfigSchema, metricPresetSchema } from '../spec/metrics';
import { MANAGED_BY } from '../conventions';
import { DEFAULT_DCGM, DcgmConfig, MetricPreset, MetricScope } from '../metrics/presets';
import { parseOrThrow } from '../spec/problems';

/** The service-level objective the dashboard draws its thresholds from. */
export interface DashboardSlo {
  /** Availability objective in percent, e.g. 99.9. */
  readonly availabilityPercent: number;
  /** 95th-percentile response-time objective, seconds. */
  readonly latencyP95Seconds: number;
  /** 99th-percentile response-time objective, seconds (not below the p95 objective). */
  readonly latencyP99Seconds: number;
  /** Request rate the service must sustain, requests per second. */
  readonly throughputRps: number;
  /**
   * Window over which availability and the error budget are counted, days.
   * @default 30
   */
  readonly periodDays?: number;
  /** p95 time-to-first-token objective, seconds (drawn on the TTFT panel). @default - none drawn */
  readonly timeToFirstTokenP95Seconds?: number;
  /** p95 inter-token latency objective, seconds (drawn on the ITL panel). @default - none drawn */
  readonly interTokenLatencyP95Seconds?: number;
}

/** Everything the dashboard shows and every value it draws as a threshold. */
export interface DashboardInput {
  /** Dashboard title. */
  readonly title: string;
  /**
   * Dashboard uid: 1-40 characters of letters, digits, `-` and `_` (Grafana's limit).
   * Use `dashboardUid(namespace, release)` for a stable one.
   */
  readonly uid: string;
  /** Where the service's own series live (namespace, scrape job, pod-name regex). */
  readonly scope: MetricScope;
  /** Which metric names the inference server exports. */
  readonly preset: MetricPreset;
  /**
   * dcgm-exporter metric and label names.
   * @default DEFAULT_DCGM
   */
  readonly dcgm?: DcgmConfig;
  /** Name of the Deployment (kube-state-metrics `deployment` label). */
  readonly deploymentName: string;
  /** Name of the HorizontalPodAutoscaler (kube-state-metrics `horizontalpodautoscaler` label). */
  readonly hpaName: string;
  /** The objective whose values become the drawn thresholds. */
  readonly slo: DashboardSlo;
  /** Queue depth per pod the autoscaler aims for (its AverageValue target). */
  readonly queueDepthTarget: number;
  /** Replica floor of the autoscaler. */
  readonly minReplicas: number;
  /** Replica ceiling of the autoscaler. */
  readonly maxReplicas: number;
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
  /**
   * Whether the server exports series of its own. `false` (Ollama): the service-level and
   * traffic rows, which read them, are left out rather than drawn empty; the GPU and
   * capacity rows stay.
   * @default true
   */
  readonly serverSeries?: boolean;
  /**
   * Whether the pods have GPUs. `false` (a CPU-only workload, gpu.count 0): the GPU row,
   * which reads dcgm-exporter's series, is left out.
   * @default true
   */
  readonly gpuSeries?: boolean;
}

/** DashboardInput with every default filled in. */
export type ResolvedDashboardInput = Required<Omit<DashboardInput, 'slo'>> & {
  readonly slo: Required<Omit<DashboardSlo, LlmObjective>> & Pick<DashboardSlo, LlmObjective>;
};

type LlmObjective = 'timeToFirstTokenP95Seconds' | 'interTokenLatencyP95Seconds';

// Grafana dashboard uid: at most 40 characters, letters, digits, '-' and '_'.
const GRAFANA_UID = /^[a-zA-Z0-9_-]{1,40}$/;
const GRAFANA_INTERVAL = /^[1-9][0-9]*(ms|s|m|h|d|w|y)$/;

const zLabelValue = z.string().min(1, 'must not be empty; set the name').refine((v) => !/["\\\n]/.test(v), {
  message: 'must not contain quotes, backslashes or newlines (it is embedded in PromQL); fix the name',
});
const zPositive = (what: string) => z.number().finite().positive(`must be above 0 (${what}); set a positive value`);

const zSlo = z
  .object({
    availabilityPercent: z
      .number()
      .gt(0, 'must be above 0 and below 100 (percent); e.g. 99.9')
      .lt(100, 'must be above 0 and below 100 (percent): 100 % leaves no error budget; e.g. 99.9'),
    latencyP95Seconds: zPositive('seconds'),
    latencyP99Seconds: zPositive('seconds'),
    throughputRps: zPositive('requests per second'),
    periodDays: z.number().int('must be a whole number of days; e.g. 30').min(1, 'must be at least 1 day; e.g. 30').max(90, 'must be at most 90 days (beyond typical Prometheus retention); e.g. 30').default(30),
    timeToFirstTokenP95Seconds: zPositive('seconds').optional(),
    interTokenLatencyP95Seconds: zPositive('seconds').optional(),
  })
  .superRefine((slo, ctx) => {
    if (slo.latencyP99Seconds < slo.latencyP95Seconds) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['latencyP99Seconds'],
        message: `must not be below latencyP95Seconds (${slo.latencyP95Seconds}); raise the p99 objective or lower the p95 one`,
      });
    }
  });

const zReplicas = z.number().int('must be a whole number of replicas; fix the value').min(1, 'must be at least 1; raise it');

export const dashboardInputSchema = z
  .object({
    title: z.string().trim().min(1, 'must not be empty; set a title'),
    uid: z.string().regex(GRAFANA_UID, 'must be 1-40 letters, digits, "-" or "_" (Grafana uid); use dashboardUid(namespace, release)'),
    scope: z.object({ namespace: zLabelValue, job: zLabelValue, podRegex: zLabelValue }),
    preset: metricPresetSchema,
    dcgm: dcgmConfigSchema.default(DEFAULT_DCGM),
    deploymentName: zLabelValue,
    hpaName: zLabelValue,
    slo: zSlo,
    queueDepthTarget: zPositive('requests waiting per pod'),
    minReplicas: zReplicas,
    maxReplicas: zReplicas,
    tags: z.array(z.string().min(1, 'must not be empty; remove the tag')).default([MANAGED_BY]),
    refresh: z.string().regex(GRAFANA_INTERVAL, 'must be a Grafana interval like "30s" or "1m"; fix the value').default('30s'),
    serverSeries: z.boolean().default(true),
    gpuSeries: z.boolean().default(true),
  })
  .superRefine((input, ctx) => {
    if (input.maxReplicas < input.minReplicas) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['maxReplicas'],
        message: `must not be below minReplicas (${input.minReplicas}); raise maxReplicas or lower minReplicas`,
      });
    }
  }) satisfies z.ZodType<ResolvedDashboardInput, z.ZodTypeDef, DashboardInput>;

/** Validates the input and fills in defaults; throws InferenceValidationError naming each bad field. */
export function resolveDashboardInput(input: DashboardInput): ResolvedDashboardInput {
  return parseOrThrow(dashboardInputSchema, input, 'Grafana dashboard', 'dashboard');
}

/** Grafana's limit on a dashboard uid. */
export const MAX_DASHBOARD_UID_LENGTH = 40;

/**
 * A stable dashboard uid for one release: `<namespace>-<release>` when that fits Grafana's
 * 40 characters, else its first 31 characters, `-`, and 8 hex digits of its SHA-256 (so
 * two long names that share a prefix still differ). Same input, same uid.
 */
export function dashboardUid(namespace: string, release: string): string {
  const full = `${namespace}-${release}`;
  if (full.length <= MAX_DASHBOARD_UID_LENGTH) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  const head = full.slice(0, MAX_DASHBOARD_UID_LENGTH - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}
