/**
 * The one typed input: every section's type and the schema of the whole spec. Every
 * section, nested object and union is checked; unknown keys are errors naming the nearest
 * valid one; relations that can be known from the spec alone are checked here too, so
 * `validateSpec` reports every problem of a spec at once.
 */
import { Duration } from 'cdk8s';
import { z } from 'zod';
import { ResolvedServer, ServerSpec, resolveServer, serverRelationProblems, serverSchema } from './server';
import { APP_CONFIG_KEYS, HTTP_PORT_NAME, RULE_IDS, RuleId, WARNING_IDS, WarningId, longestDerivedName } from '../conventions';
import { withDefaults } from '../private/defaults';
import { AppConfig, appConfigSchema } from './config';
import { CapacitySpec, ResolvedCapacity, capacitySchema, resolveCapacity } from './capacity';
import { looksLikeCredentialValue } from './credentials';
import { findMachineType } from './machines';
import { MetricsSpec, ResolvedMetrics, metricsSchema, resolveMetrics } from './metrics';
import { DEFAULT_QUEUE_DEPTH_TARGET, GMP_DCGM_LABELS, MonitoringSpec, ResolvedMonitoring, monitoringBackend, monitoringSchema, resolveMonitoring } from './monitoring';
import { NetworkPolicySpec, networkPolicySchema } from './network';
import { PathMapper, formatDuration, formatProblem, nearest, zodProblems } from './problems';
import { ReplicaBounds, ResolvedScaling, ScalingSpec, resolveScaling, scalingSchema } from './scaling';
import { DEFAULT_SIGNALS_BY_ENGINE, ScalingSignals } from './signals';
import { llmSloProblems } from './llm-slo';
import { ResolvedTraffic, TrafficSpec, resolveTraffic, trafficSchema } from './traffic';
import { cpuCores, durationMillis, sizeKibibytes, zDns1035Label, zDnsLabel, zDuration, zImage, zInt, zLabelValue } from './values';
import {
  GpuScheduling,
  GracefulShutdown,
  InferencePorts,
  InferenceProbes,
  InferenceResources,
  InferenceStorage,
  PodIdentity,
  ResolvedWorkload,
  SecretEnvVar,
  WorkloadFields,
  identitySchema,
  portsSchema,
  probesSchema,
  resolveGpu,
  resolveWorkload,
  resourcesSchema,
  schedulingSchema,
  secretEnvSchema,
  shutdownSchema,
  storageSchema,
  workloadRelationProblems,
} from './workload';

export type { TrafficSpec, NetworkPolicySpec, MetricsSpec, MonitoringSpec, ScalingSpec };
// The table lives with the monitoring section; kept here for the modules that read it from the spec.
export { DEFAULT_RUNBOOK_BASE_URL } from './monitoring';

/**
 * The service level objectives. Later sections derive from them: the autoscaler's latency
 * target must sit below `latencyP95`, alert thresholds and burn rates come from here.
 */
export interface SloSpec {
  /** Availability objective in percent, e.g. 99.9. */
  readonly availability: number;
  /** 95th-percentile response time objective (seed: 2 s). */
  readonly latencyP95: Duration;
  /** 99th-percentile response time objective (seed: 3 s). */
  readonly latencyP99: Duration;
  /** Error-rate objective in percent (seed: 1). */
  readonly errorRate: number;
  /** Cluster-wide throughput target in requests per second (seed: 1000). */
  readonly throughputRps: number;
  /** Window the availability objective is measured over. @default Duration.days(30) */
  readonly period?: Duration;
  /**
   * 95th-percentile time to the first token (LLM servers: vLLM's
   * vllm:time_to_first_token_seconds). 5 % of requests may be slower; burn-rate alerts
   * guard that budget. Must be a bucket bound of vLLM's histogram (e.g. 0.5 s, 1 s, 2.5 s).
   * @default - no TTFT objective
   */
  readonly timeToFirstTokenP95?: Duration;
  /**
   * 95th-percentile time between output tokens (vLLM's vllm:inter_token_latency_seconds):
   * 5 % of tokens may be slower. Must be a bucket bound of vLLM's histogram (e.g. 0.05 s,
   * 0.1 s). @default - no inter-token objective
   */
  readonly interTokenLatencyP95?: Duration;
}

/** The model the server loads. */
export interface ModelSpec {
  /** Model identifier. */
  readonly name: string;
  /** @default - none */
  readonly version?: string;
  /**
   * Worst-case time to load the model. The startup probe budget must cover it.
   * @default - not checked
   */
  readonly loadTime?: Duration;
}

/** A share of the workload's replicas, as a PodDisruptionBudget takes it: `'50%'`. */
export type PodPercentage = `${number}%`;

/**
 * The PodDisruptionBudget: one of minAvailable / maxUnavailable, each a pod count or a
 * percentage of the workload's replicas (Kubernetes IntOrString). A percentage follows the
 * autoscaler: the disruption controller scales it by the workload's current replicas and
 * rounds UP, for minAvailable and maxUnavailable alike (kubernetes/kubernetes
 * pkg/controller/disruption/disruption.go getExpectedPodCount:
 * `intstr.GetScaledValueFromIntOrPercent(pdb.Spec.MinAvailable, int(expectedCount), true)`,
 * the same for MaxUnavailable). An absolute minAvailable does not grow with the fleet
 * (warning AII-W031 when it is far below maxReplicas).
 */
export interface DisruptionSpec {
  /** Pods (or share of pods, `'66%'`) that must stay up. @default - maxUnavailable 1 */
  readonly minAvailable?: number | PodPercentage;
  /** Pods (or share of pods, `'10%'`) that may be down at once. @default 1 */
  readonly maxUnavailable?: number | PodPercentage;
  /** @default 'AlwaysAllow' */
  readonly unhealthyPodEvictionPolicy?: 'AlwaysAllow' | 'IfHealthyBudget';
}

/**
 * The pods a budget value stands for at `replicas` pods: a count as is, a percentage scaled
 * and rounded up, as the disruption controller does (see {@link DisruptionSpec}).
 */
export function budgetPods(value: number | PodPercentage, replicas: number): number {
  if (typeof value === 'number') return value;
  return Math.ceil((parseFloat(value) * replicas) / 100);
}

/**
 * The largest whole minAvailable percentage that still leaves a pod evictable at `floor`
 * replicas (rounded up, ceil(p × floor / 100) < floor); 0 when floor is 1.
 */
export function largestMinAvailablePercent(floor: number): number {
  let p = Math.floor(((floor - 1) / floor) * 100);
  while (p > 0 && Math.ceil((p * floor) / 100) >= floor) p--;
  return p;
}

/** Everything about one inference service, in one typed spec. */
export interface AiInferenceSpec {
  /** Release name: object names derive from it (`ai-inference`, `ai-inference-lb`, ...). */
  readonly release: string;
  /** Namespace of every object. */
  readonly namespace: string;
  /**
   * Emit the Namespace, labelled `elbv2.k8s.aws/pod-readiness-gate-inject=enabled` so the
   * AWS Load Balancer Controller holds rollouts until the NLB sees new pods healthy.
   * @default false
   */
  readonly createNamespace?: boolean;
  /** `app.kubernetes.io/part-of`. @default - none */
  readonly partOf?: string;
  /** Container image pinned by tag or digest. */
  readonly image: string;
  /** @default 'IfNotPresent' */
  readonly imagePullPolicy?: 'IfNotPresent' | 'Always';
  readonly model: ModelSpec;
  /**
   * The model server the container runs: `generic` (the seeds' application), `vllm` or
   * `ollama`. It decides the container's args or env, the serving port, the probe paths
   * and where metrics are scraped.
   * @default { engine: 'generic' }
   */
  readonly server?: ServerSpec;
  /** Fixed replica count when no autoscaler owns the Deployment (not with `scaling`). @default 3 */
  readonly replicas?: number;
  readonly resources: InferenceResources;
  /** @default - GPU nodes labelled node-type=gpu-inference */
  readonly scheduling?: GpuScheduling;
  /** @default - readiness on /api/v1/health every 10 s; liveness and startup TCP on the http port (30 s, 5 min startup budget) */
  readonly probes?: InferenceProbes;
  /** Container ports. @default { http: 8000, metrics: 9090 } */
  readonly ports?: InferencePorts;
  /** @default - models 50Gi and data 20Gi claims, cache and /tmp emptyDirs */
  readonly storage?: InferenceStorage;
  /** Application configuration (the model section comes from `model`). @default {} */
  readonly config?: Omit<AppConfig, 'model'>;
  /** Credentials by Secret reference. @default [] */
  readonly secretEnv?: SecretEnvVar[];
  /** @default - derived from the drain: 2 min preStop sleep (NLB ip-target propagation), grace = sleep + 30 s longest request + 10 s margin */
  readonly shutdown?: GracefulShutdown;
  /** @default - UID/GID/fsGroup 1001 */
  readonly identity?: PodIdentity;
  /** @default - internal and headless Services only */
  readonly traffic?: TrafficSpec;
  /** @default - maxUnavailable 1 */
  readonly disruption?: DisruptionSpec;
  /** `false` emits no NetworkPolicy. @default - default deny plus the seed's openings */
  readonly networkPolicy?: NetworkPolicySpec | false;
  readonly slo: SloSpec;
  /** Autoscaling. @default - fixed `replicas`, no autoscaler */
  readonly scaling?: ScalingSpec;
  /**
   * Where the GPU nodes come from: `queuedProvisioning` requests them from GKE's Dynamic
   * Workload Scheduler with a ProvisioningRequest (capacity.ts).
   * @default - the cluster's ordinary node pools
   */
  readonly capacity?: CapacitySpec;
  /** Metric names. @default - the generic preset */
  readonly metrics?: MetricsSpec;
  /** Monitoring; `false` emits none. @default - ServiceMonitor, PrometheusRule and dashboard with defaults */
  readonly monitoring?: MonitoringSpec | false;
  /** Warnings the service accepts, each with its reason. @default - every warning is printed */
  readonly warnings?: WarningsSpec;
}

/** What the chart does with its warnings (findings that do not fail synth). */
export interface WarningsSpec {
  /**
   * Warnings not to print. Each suppression, id and reason, is written into the output
   * (the Deployment's `ai-inference.cdk8s.io/suppressed-warnings` annotation).
   * @default []
   */
  readonly suppress?: WarningSuppression[];
}

/** One accepted warning, or a policy rule the service's objects may break. */
export interface WarningSuppression {
  /**
   * The warning's id, as printed (`AII-W001`; conventions.ts WARNING_IDS), or a policy rule's
   * (`AII-R020`; docs/RULES.md): every object of the service then carries the suppression in
   * its `ai-inference.cdk8s.io/suppress-rules` annotation, which the rule pack reads at synth,
   * in the cdk8s plugin and in `check`.
   */
  readonly id: WarningId | RuleId;
  /** Why the warning does not apply to this service; written into the output. */
  readonly reason: string;
}

/** The error budget of an availability objective: 1 − objective as a ratio, to 12 significant digits (99.9 → 0.001). */
export function errorBudget(availabilityPercent: number): number {
  return Number(((100 - availabilityPercent) / 100).toPrecision(12));
}

/** Default SLO window. */
export const DEFAULT_SLO_PERIOD = Duration.days(30);

/** Defaults of the SLO section. */
export const SLO_DEFAULTS: Required<Pick<SloSpec, 'period'>> = { period: DEFAULT_SLO_PERIOD };

/** The SLO with its window filled in (the LLM objectives stay optional: no default). */
export type ResolvedSlo = Required<Omit<SloSpec, 'timeToFirstTokenP95' | 'interTokenLatencyP95'>> & Pick<SloSpec, 'timeToFirstTokenP95' | 'interTokenLatencyP95'>;

/** Fills the SLO's window from {@link SLO_DEFAULTS} (30 days); `period: undefined` takes it too. */
export function resolveSlo(slo: SloSpec): ResolvedSlo {
  return { ...slo, period: withDefaults(SLO_DEFAULTS, slo).period };
}

/** Defaults of the PodDisruptionBudget: one pod down at a time, unhealthy pods always evictable. */
export const DISRUPTION_DEFAULTS: Required<Omit<DisruptionSpec, 'minAvailable'>> = {
  maxUnavailable: 1,
  unhealthyPodEvictionPolicy: 'AlwaysAllow',
};

/** The budget with its defaults: exactly one of minAvailable and maxUnavailable. */
export type ResolvedDisruption = Required<Pick<DisruptionSpec, 'unhealthyPodEvictionPolicy'>> &
  ({ readonly minAvailable: number | PodPercentage; readonly maxUnavailable?: undefined } | { readonly minAvailable?: undefined; readonly maxUnavailable: number | PodPercentage });

/**
 * Fills the disruption section from {@link DISRUPTION_DEFAULTS}: minAvailable when given,
 * else maxUnavailable (1 unless given); the eviction policy `AlwaysAllow` unless given.
 * A field written as `undefined` takes its default.
 */
export function resolveDisruption(disruption: DisruptionSpec | undefined): ResolvedDisruption {
  const d = withDefaults<DisruptionSpec & typeof DISRUPTION_DEFAULTS>(DISRUPTION_DEFAULTS, disruption);
  const { unhealthyPodEvictionPolicy } = d;
  return d.minAvailable !== undefined ? { minAvailable: d.minAvailable, unhealthyPodEvictionPolicy } : { maxUnavailable: d.maxUnavailable, unhealthyPodEvictionPolicy };
}


const percent = (what: string) =>
  z
    .number()
    .gt(0, `must be a percentage above 0 (${what})`)
    .lt(100, `must be a percentage below 100 (${what}); 100 % leaves no error budget`);

export const sloSchema = z
  .object({
    availability: percent('availability objective, e.g. 99.9'),
    latencyP95: zDuration,
    latencyP99: zDuration,
    errorRate: percent('error-rate objective, e.g. 1'),
    throughputRps: z.number().finite('must be a finite number of requests per second; give a real value').positive('must be a positive number of requests per second'),
    // Whole days from the longest burn-rate window (3 d) to 90 d: the alert rules read the
    // raw counters over the whole period and the dashboard's budget panels count days.
    period: zDuration
      .refine((d) => {
        const days = durationMillis(d) / 86_400_000;
        return Number.isInteger(days) && days >= 3 && days <= 90;
      }, 'must be a whole number of days within 3-90 (at least the 3-day burn-rate window; at most 90, beyond which Prometheus rarely keeps the counters the budget is computed from); use Duration.days(n), 30 is the usual')
      .optional(),
    // On a bucket bound of the engine's histogram and only with vLLM: llm-slo.ts.
    timeToFirstTokenP95: zDuration.refine((d) => durationMillis(d) > 0, 'must be above 0; pick the p95 time to first token').optional(),
    interTokenLatencyP95: zDuration.refine((d) => durationMillis(d) > 0, 'must be above 0; pick the p95 time between output tokens').optional(),
  })
  .strict()
  .superRefine((slo, ctx) => {
    if (slo.latencyP99.toMilliseconds() < slo.latencyP95.toMilliseconds()) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['latencyP99'],
        message: `must not be below slo.latencyP95 (${formatDuration(slo.latencyP95)}): a 99th percentile is never faster than the 95th; raise latencyP99`,
      });
    }
  }) satisfies z.ZodType<SloSpec>;

/** A whole percentage within `min`-100 %, e.g. `'50%'`. */
export function zPodPercentage(min: number, what: string): z.ZodType<PodPercentage> {
  return z
    .string()
    .refine((v) => /^(0|[1-9][0-9]?|100)%$/.test(v) && parseInt(v, 10) >= min, `must be a pod count or a whole percentage within ${min}%-100% (${what}), e.g. "50%"`) as unknown as z.ZodType<PodPercentage>;
}

export const disruptionSchema = z
  .object({
    minAvailable: z.union([zInt(0, undefined, 'pods that must stay up'), zPodPercentage(0, 'share of the pods that must stay up')]).optional(),
    maxUnavailable: z
      .union([zInt(1, undefined, 'pods that may be down at once; 0 would block every drain'), zPodPercentage(1, 'share of the pods that may be down at once; 0% would block every drain')])
      .optional(),
    unhealthyPodEvictionPolicy: z.enum(['AlwaysAllow', 'IfHealthyBudget']).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.minAvailable !== undefined && p.maxUnavailable !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['maxUnavailable'], message: 'cannot be set together with minAvailable (Kubernetes allows one); keep one of them' });
    }
  }) satisfies z.ZodType<DisruptionSpec>;

export const modelSchema = z
  .object({
    name: z.string().min(1, 'must not be empty; name the model'),
    version: z.string().min(1, 'must not be empty; leave it out instead').optional(),
    loadTime: zDuration.optional(),
  })
  .strict() satisfies z.ZodType<ModelSpec>;

// AII-R001 (a broken suppression) cannot itself be suppressed.
const warningIds = [...Object.values(WARNING_IDS), ...Object.values(RULE_IDS).filter((id) => id !== RULE_IDS.suppressionInvalid)] as [WarningId | RuleId, ...(WarningId | RuleId)[]];

/** The schema of a `warnings` section whose suppressions may name any of `ids`. */
export function warningsSchemaOf<I extends string>(ids: readonly [I, ...I[]]) {
  return z
  .object({
    suppress: z
      .array(
        z
          .object({
            id: z.enum(ids as [I, ...I[]], {
              errorMap: (issue, ctx) => {
                if (issue.code !== z.ZodIssueCode.invalid_enum_value) return { message: ctx.defaultError };
                const near = nearest(String(issue.received), ids);
                return {
                  message: `names no warning of this library; the ids are ${ids.map((id) => JSON.stringify(id)).join(', ')}${near ? `; did you mean ${JSON.stringify(near)}?` : '; copy the id the printed warning starts with'}`,
                };
              },
            }),
            reason: z
              .string()
              .refine((r) => r.trim().length > 0, 'must say why the warning does not apply (the reason is written into the output); write the reason, or remove the suppression')
              .superRefine((r, ctx) => {
                const found = looksLikeCredentialValue(r);
                if (found) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `looks like a credential (${found.reason}), and the reason is written into the manifest in clear; say why without it` });
              }),
          })
          .strict(),
      )
      .superRefine((list, ctx) => {
        list.forEach((s, i) => {
          const first = list.findIndex((t) => t.id === s.id);
          if (first < i) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i, 'id'], message: `is suppressed already by warnings.suppress[${first}]; keep one entry` });
        });
      })
      .optional(),
  })
  .strict();
}

export const warningsSchema = warningsSchemaOf(warningIds) satisfies z.ZodType<WarningsSpec>;

/** The shape of the whole spec, section by section. */
export const specShapeSchema = z
  .object({
    release: zDns1035Label,
    namespace: zDnsLabel,
    createNamespace: z.boolean().optional(),
    partOf: zLabelValue.optional(),
    image: zImage,
    imagePullPolicy: z.enum(['IfNotPresent', 'Always']).optional(),
    model: modelSchema,
    server: serverSchema.optional(),
    replicas: zInt(1, 10_000, 'replicas').optional(),
    resources: resourcesSchema,
    scheduling: schedulingSchema.optional(),
    probes: probesSchema.optional(),
    ports: portsSchema.optional(),
    storage: storageSchema.optional(),
    config: appConfigSchema.omit({ model: true }).optional(),
    secretEnv: secretEnvSchema.optional(),
    shutdown: shutdownSchema.optional(),
    identity: identitySchema.optional(),
    traffic: trafficSchema.optional(),
    disruption: disruptionSchema.optional(),
    networkPolicy: z.union([z.literal(false), networkPolicySchema]).optional(),
    slo: sloSchema,
    scaling: scalingSchema.optional(),
    capacity: capacitySchema.optional(),
    metrics: metricsSchema.optional(),
    monitoring: z.union([z.literal(false), monitoringSchema]).optional(),
    warnings: warningsSchema.optional(),
  })
  .strict() satisfies z.ZodType<AiInferenceSpec, z.ZodTypeDef, unknown>;

/**
 * A spec with the defaults of every section filled in, as {@link resolveSpec} returns it.
 * The fields without defaults (release, namespace, image, model, partOf) are read from the
 * spec itself; `config` and `networkPolicy` are filled by the pod builders and the
 * InferenceNetworkPolicy, which own their defaults.
 */
export interface ResolvedSpec {
  /** The Deployment's fields (image pull policy, replicas, ports, resources, probes, ...). */
  readonly workload: ResolvedWorkload;
  readonly traffic: ResolvedTraffic;
  readonly disruption: ResolvedDisruption;
  readonly slo: ResolvedSlo;
  /** Undefined: no autoscaler, the Deployment runs `workload.replicas`. */
  readonly scaling?: ResolvedScaling;
  /**
   * The replica range of the service and the spec path of each end: the autoscaler's
   * bounds, or the fixed count (min = max, path `replicas`).
   */
  readonly replicas: ReplicaBounds;
  /** Where the nodes come from (a queued-provisioning request, or nothing to build). */
  readonly capacity: ResolvedCapacity;
  readonly metrics: ResolvedMetrics;
  /** The model server: container args/env, serving port, health path, where metrics are. */
  readonly server: ResolvedServer;
  /** false: no ServiceMonitor, PrometheusRule or dashboard. */
  readonly monitoring: ResolvedMonitoring | false;
  /**
   * Queue depth per pod the alerts and the dashboard compare against: the autoscaler's
   * queue-depth target, else DEFAULT_QUEUE_DEPTH_TARGET.
   */
  readonly queueDepthTarget: number;
}

/**
 * Resolves every section of a spec once, with the section resolvers (resolveWorkload,
 * resolveTraffic, resolveDisruption, resolveSlo, resolveScaling, resolveMetrics,
 * resolveMonitoring): the one place the chart's defaults are applied. A field written as
 * `undefined` takes its default. Expects a shape-valid spec (specShapeSchema) and never
 * throws on it.
 */
export function resolveSpec(spec: AiInferenceSpec): ResolvedSpec {
  const server = specServer(spec);
  const workload = resolveWorkload(workloadFields(spec, server));
  const scaling = spec.scaling && resolveScaling(spec.scaling, DEFAULT_SIGNALS_BY_ENGINE[server.engine]);
  const replicas = scaling ? scaling.bounds : fixedReplicas(workload);
  return {
    workload,
    traffic: resolveTraffic(spec.traffic),
    disruption: resolveDisruption(spec.disruption),
    slo: resolveSlo(spec.slo),
    scaling,
    replicas,
    capacity: resolveCapacity(spec.capacity, replicas),
    metrics: resolveMetrics(withBackendDcgm(spec.server?.engine === 'vllm' ? { ...spec.metrics, preset: 'vllm' } : spec.metrics, spec.monitoring)),
    server,
    monitoring: resolveMonitoring(spec.monitoring, spec.namespace),
    queueDepthTarget: scaling?.signals.queueDepth?.averageValue ?? DEFAULT_QUEUE_DEPTH_TARGET,
  };
}

/** Under GMP, dcgm-exporter's pod and namespace labels default to the unrenamed ones (GMP_DCGM_LABELS). */
function withBackendDcgm(metrics: MetricsSpec | undefined, monitoring: AiInferenceSpec['monitoring']): MetricsSpec | undefined {
  if (monitoringBackend(monitoring) !== 'gmp') return metrics;
  return { ...metrics, dcgm: { ...GMP_DCGM_LABELS, ...definedOnly(metrics?.dcgm) } };
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The server section resolved; the GPU count is the default tensor parallel size. */
function specServer(spec: AiInferenceSpec): ResolvedServer {
  return resolveServer(spec.server, resolveGpu(spec.resources.gpu).count);
}

/** The workload fields of a spec: its sections, and what the server section adds (download, storage defaults). */
function workloadFields(spec: AiInferenceSpec, server: ResolvedServer): WorkloadFields {
  return { ...spec, scheduling: platformScheduling(spec), autoscaled: spec.scaling !== undefined, modelLoadTime: spec.model.loadTime, modelLoadTimePath: 'model.loadTime', ...server.workload };
}

/**
 * The default GPU node label (`node-type: gpu-inference`) is the seeds' EKS node-group
 * convention. GKE labels GPU nodes by accelerator (`cloud.google.com/gke-accelerator`) and
 * carries no such label, so a required affinity on it would keep every pod Pending: on GKE
 * (a gke-l4 load balancer, a GKE machine type or queued provisioning) the default is no
 * node label; select the GPU with resources.gpu.product instead.
 */
export function platformScheduling(spec: AiInferenceSpec): AiInferenceSpec['scheduling'] {
  if (spec.scheduling?.nodeLabels !== undefined) return spec.scheduling;
  const onGke =
    spec.traffic?.loadBalancer?.provider === 'gke-l4' ||
    (spec.resources.nodeType !== undefined && findMachineType(spec.resources.nodeType)?.platform === 'gke') ||
    spec.capacity?.queuedProvisioning !== undefined;
  return onGke ? { ...spec.scheduling, nodeLabels: {} } : spec.scheduling;
}

/** The fixed count of a Deployment no autoscaler owns, as a range. */
function fixedReplicas(workload: ResolvedWorkload): ReplicaBounds {
  // Not autoscaled, so resolveWorkload filled the count in.
  const n = workload.replicas as number;
  return { min: n, max: n, minPath: 'replicas', maxPath: 'replicas' };
}

/** The spec path of a workload rule's props path (only `modelLoadTime` is named differently). */
const workloadPath: PathMapper = (path) => (path[0] === 'modelLoadTime' ? ['model', 'loadTime', ...path.slice(1)] : path);

/**
 * Every problem of a spec, formatted `path (value) rule; fix`: the shape of each section,
 * then (when the shape holds) the relations between sections.
 */
export function specProblems(spec: unknown): string[] {
  const shape = zodProblems(specShapeSchema, spec);
  if (shape.length > 0) return shape;
  return relationProblems(spec as AiInferenceSpec);
}

/** Relations between sections that the spec alone decides. */
function relationProblems(spec: AiInferenceSpec): string[] {
  const problems: string[] = [];
  const add = (path: (string | number)[], value: unknown, message: string) => problems.push(formatProblem(path, value, message));

  // Derived names: every object name must stay a valid name after its suffix.
  const longest = longestDerivedName(spec.release);
  if (longest.length > 63) {
    add(['release'], spec.release, `is too long: the derived name "${longest}" has ${longest.length} characters, above the 63 of a Kubernetes name; shorten release to at most ${63 - (longest.length - spec.release.length)} characters`);
  }

  // The workload: requests vs limits, probes vs model load, shutdown, storage.
  for (const p of workloadRelationProblems(workloadFields(spec, specServer(spec)))) {
    const given = p.path.reduce<unknown>((cur, key) => (cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[key] : undefined), spec);
    add(workloadPath(p.path), given === undefined && p.params ? p.params.value : given, p.message);
  }

  // Config keys become environment variables next to the generated ones and the secrets.
  const extra = spec.config?.extra ?? {};
  const secretNames = new Set((spec.secretEnv ?? []).map((s) => s.name));
  for (const key of Object.keys(extra)) {
    if ((APP_CONFIG_KEYS as readonly string[]).includes(key)) {
      add(['config', 'extra', key], extra[key], `overrides a key the library generates from the spec (${key}); set the typed field instead (e.g. model.name for MODEL_NAME) or rename the key`);
    }
    if (secretNames.has(key)) {
      add(['config', 'extra', key], extra[key], `is also a secretEnv variable; the Secret's value would win and this one would be silently ignored; remove one of them`);
    }
  }

  // The server against the GPUs, the storage and the secrets (tensor parallelism, MIG, HF_TOKEN).
  const models = spec.storage?.models;
  for (const p of serverRelationProblems(spec.server, {
    gpu: resolveGpu(spec.resources.gpu),
    secretEnv: spec.secretEnv,
    modelsAccessMode: models && 'accessMode' in models ? models.accessMode : undefined,
  })) {
    add(p.path, p.value, p.message);
  }

  // The engine decides which series exist.
  problems.push(...llmSloProblems(spec));
  const engine = spec.server?.engine ?? 'generic';
  if (engine === 'ollama') {
    for (const name of ['requestRate', 'latencyP95', 'queueDepth'] as const) {
      if (spec.scaling?.signals?.[name] !== undefined) {
        add(['scaling', 'signals', name], spec.scaling.signals[name], `needs the server's own series, but Ollama (server.engine "ollama") exports no Prometheus metrics; scale on cpu, memory or gpu (DCGM) instead`);
      }
    }
    if (spec.metrics?.preset !== undefined) {
      add(['metrics', 'preset'], spec.metrics.preset, `names series Ollama (server.engine "ollama") does not export; leave metrics.preset out`);
    }
  }
  if (engine === 'vllm' && spec.metrics?.preset !== undefined && spec.metrics.preset !== 'vllm') {
    add(['metrics', 'preset'], spec.metrics.preset, `does not match server.engine "vllm", which exports the vllm series; use "vllm" or leave metrics.preset out`);
  }
  if (engine !== 'generic' && spec.probes?.path !== undefined) {
    add(['probes', 'path'], spec.probes.path, `is decided by server.engine "${engine}" (${engine === 'vllm' ? '/health' : '/'}); leave probes.path out`);
  }
  if (engine !== 'generic' && spec.ports !== undefined) {
    add(['ports'], spec.ports, `are decided by server.engine "${engine}" (set server.port); leave ports out`);
  }

  if (spec.scaling) {
    if (spec.replicas !== undefined) {
      add(['replicas'], spec.replicas, 'is owned by the autoscaler when scaling is set; remove replicas (use scaling.minReplicas)');
    }
    problems.push(...signalReachProblems(spec.resources, spec.scaling.signals));
  }

  // The load balancer forwards to the inference container's serving port by name.
  (spec.traffic?.loadBalancer?.ports ?? []).forEach((port, i) => {
    if (port.targetPort !== undefined && port.targetPort !== HTTP_PORT_NAME) {
      add(['traffic', 'loadBalancer', 'ports', i, 'targetPort'], port.targetPort, `names no serving port of the inference pods (${HTTP_PORT_NAME}); the load balancer would forward to nothing, or expose the metrics port; use ${HTTP_PORT_NAME} or leave it out`);
    }
  });

  // A budget that keeps every pod of the smallest fleet up blocks every node drain.
  const resolved = resolveSpec(spec);
  const minAvailable = resolved.disruption.minAvailable;
  const floor = resolved.replicas;
  if (typeof minAvailable === 'number' && minAvailable >= floor.min) {
    add(['disruption', 'minAvailable'], minAvailable, `must be below ${floor.minPath} (${floor.min}), or node drains block; lower minAvailable or raise the replica floor`);
  } else if (typeof minAvailable === 'string' && budgetPods(minAvailable, floor.min) >= floor.min) {
    const largest = largestMinAvailablePercent(floor.min);
    add(
      ['disruption', 'minAvailable'],
      minAvailable,
      `keeps all ${floor.min} pods of ${floor.minPath} up (Kubernetes rounds a minAvailable percentage up: ${budgetPods(minAvailable, floor.min)} of ${floor.min}), so node drains block; ${largest > 0 ? `lower it to at most "${largest}%"` : 'use maxUnavailable 1'} or raise the replica floor`,
    );
  }

  // The internal Service carries the scrape target and the latency Object metric.
  if (!resolved.traffic.internal) {
    if (resolved.monitoring !== false) {
      add(['traffic', 'internal'], false, 'turns off the internal Service, but the ServiceMonitor scrapes the pods through it (and every alert reads those series); keep it, or set monitoring: false');
    }
    if (resolved.scaling?.signals.latencyP95 !== undefined) {
      add(['traffic', 'internal'], false, 'turns off the internal Service, but the latencyP95 scaling signal is an Object metric on it; keep it, or drop scaling.signals.latencyP95');
    }
  }
  return problems;
}

/**
 * A utilization target above limit/request × 100 % can never be reached: usage stops at the
 * limit, so the autoscaler never scales out on that signal.
 */
function signalReachProblems(resources: InferenceResources, signals: ScalingSignals | undefined): string[] {
  if (!signals) return [];
  const problems: string[] = [];
  const ceilings = {
    cpu: (cpuCores(resources.cpu.limit.amount) / cpuCores(resources.cpu.request.amount)) * 100,
    memory: (sizeKibibytes(resources.memory.limit) / sizeKibibytes(resources.memory.request)) * 100,
  };
  for (const r of ['cpu', 'memory'] as const) {
    const target = signals[r]?.averageUtilization;
    if (target !== undefined && target > ceilings[r]) {
      problems.push(
        formatProblem(
          ['scaling', 'signals', r, 'averageUtilization'],
          target,
          `can never be reached: usage stops at the ${r} limit, which is ${Math.floor(ceilings[r])} % of the request (resources.${r}), so the autoscaler never scales out on ${r}; lower the target below ${Math.floor(ceilings[r])} or raise the limit`,
        ),
      );
    }
  }
  return problems;
}

