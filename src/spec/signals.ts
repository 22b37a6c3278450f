/**
 * The scaling signals section: the six signals of an inference service (seed 000), the
 * target type each accepts, and the schema that refuses a wrong pairing. What each signal
 * queries is built in metrics/signals.ts.
 */
import { z } from 'zod';
import type { ServerEngine } from './server';

// ---- targets -----------------------------------------------------------------------------

/** Target of a Resource metric: average utilization in percent of the pods' request. */
export interface UtilizationTarget {
  readonly type: 'Utilization';
  /** Percent of the containers' request, averaged over the pods; a whole number ≥ 1. */
  readonly averageUtilization: number;
}

/** Target of a per-pod metric: the metric's total divided by the pod count. */
export interface AverageValueTarget {
  readonly type: 'AverageValue';
  /** Value per pod, in the signal's unit; exact to 0.001. */
  readonly averageValue: number;
}

/** Target of a metric compared as is (an Object metric). */
export interface ValueTarget {
  readonly type: 'Value';
  /** Value, in the signal's unit; exact to 0.001. */
  readonly value: number;
}

/** HPA metric target (autoscaling/v2 MetricTarget): a type never carries another type's field. */
export type MetricTarget = UtilizationTarget | AverageValueTarget | ValueTarget;
export type MetricTargetType = MetricTarget['type'];

/**
 * What the autoscaler scales on. Each signal accepts exactly one target type, so a wrong
 * pairing (e.g. `cpu: { type: 'AverageValue', ... }`) does not type-check and is refused at
 * runtime. An absent signal is not used.
 */
export interface ScalingSignals {
  /** CPU utilization, % of the CPU request (Resource metric, served by metrics-server). @default - not used */
  readonly cpu?: UtilizationTarget;
  /** Memory utilization, % of the memory request (Resource metric, served by metrics-server). @default - not used */
  readonly memory?: UtilizationTarget;
  /**
   * GPU utilization per pod, percent 0-100: the average of dcgm-exporter's utilization
   * over the pod's GPUs (Pods metric). @default - not used
   */
  readonly gpu?: AverageValueTarget;
  /** Requests per second per pod (Pods metric). @default - not used */
  readonly requestRate?: AverageValueTarget;
  /** p95 response time in seconds over the Service (Object metric on the Service). @default - not used */
  readonly latencyP95?: ValueTarget;
  /**
   * Requests waiting per pod (Pods metric); with the vllm preset, vLLM's
   * vllm:num_requests_waiting. @default - not used
   */
  readonly queueDepth?: AverageValueTarget;
  /**
   * KV-cache usage per pod, a fraction 0-1 (vLLM's vllm:kv_cache_usage_perc averaged over
   * the pod's engines; Pods metric). vllm preset only. @default - not used
   */
  readonly kvCacheUsage?: AverageValueTarget;
  /**
   * p95 time to first token in seconds over the Service (Object metric on the Service, like
   * latencyP95). vllm preset only; below slo.timeToFirstTokenP95 when that is set.
   * @default - not used
   */
  readonly timeToFirstTokenP95?: ValueTarget;
  /**
   * GPU utilization written as an HPA Resource metric named `nvidia.com/gpu`, as seed 003 does.
   * The HPA serves resource metrics for cpu and memory only (the metrics API has no GPU
   * usage), so such an HPA never scales. Read as the closest real signal: `gpu`, dcgm-exporter's
   * utilization per pod through the custom-metrics path, with the same percent as its
   * AverageValue (the chart warns, AII-W032). Not together with `gpu`.
   * @default - not used
   */
  readonly 'nvidia.com/gpu'?: UtilizationTarget;
}

/** The signal names the spec accepts as written, beside the signals themselves. */
export type SignalAlias = 'nvidia.com/gpu';
export type SignalName = Exclude<keyof ScalingSignals, SignalAlias>;
/** Signals served by metrics-server through the resource metrics API. */
export type ResourceSignalName = 'cpu' | 'memory';
/** Signals that need a custom-metrics server (prometheus-adapter) or KEDA. */
export type CustomSignalName = Exclude<SignalName, ResourceSignalName>;

/** All signals in manifest order. */
export const SIGNAL_NAMES: readonly SignalName[] = ['cpu', 'memory', 'gpu', 'requestRate', 'latencyP95', 'queueDepth', 'kvCacheUsage', 'timeToFirstTokenP95'];
export const CUSTOM_SIGNAL_NAMES: readonly CustomSignalName[] = ['gpu', 'requestRate', 'latencyP95', 'queueDepth', 'kvCacheUsage', 'timeToFirstTokenP95'];
/** Signals only an LLM server's series can serve (the vllm preset). */
export const LLM_SIGNAL_NAMES = ['kvCacheUsage', 'timeToFirstTokenP95'] as const satisfies readonly CustomSignalName[];

/** How one signal is measured and which target type it takes. */
export interface SignalDescription {
  readonly name: SignalName;
  /** autoscaling/v2 MetricSpec type. */
  readonly source: 'Resource' | 'Pods' | 'Object';
  readonly targetType: MetricTargetType;
  /** Unit of the target value. */
  readonly unit: string;
  /** Who serves the value to the HPA. */
  readonly servedBy: 'metrics-server' | 'custom metrics API';
}

/**
 * The six signals of seed 000. Source kinds and target types follow the autoscaling/v2
 * rules (REFERENCE.md "Kubernetes HPA": Utilization only for Resource metrics, AverageValue
 * for per-pod metrics, Value for Object metrics).
 */
export const SIGNALS: { readonly [K in SignalName]: SignalDescription } = {
  cpu: { name: 'cpu', source: 'Resource', targetType: 'Utilization', unit: '% of the CPU request', servedBy: 'metrics-server' },
  memory: { name: 'memory', source: 'Resource', targetType: 'Utilization', unit: '% of the memory request', servedBy: 'metrics-server' },
  gpu: { name: 'gpu', source: 'Pods', targetType: 'AverageValue', unit: '% GPU utilization per pod', servedBy: 'custom metrics API' },
  requestRate: { name: 'requestRate', source: 'Pods', targetType: 'AverageValue', unit: 'requests/s per pod', servedBy: 'custom metrics API' },
  latencyP95: { name: 'latencyP95', source: 'Object', targetType: 'Value', unit: 'seconds (p95 over the Service)', servedBy: 'custom metrics API' },
  queueDepth: { name: 'queueDepth', source: 'Pods', targetType: 'AverageValue', unit: 'waiting requests per pod', servedBy: 'custom metrics API' },
  kvCacheUsage: { name: 'kvCacheUsage', source: 'Pods', targetType: 'AverageValue', unit: 'KV-cache fraction 0-1 per pod', servedBy: 'custom metrics API' },
  timeToFirstTokenP95: { name: 'timeToFirstTokenP95', source: 'Object', targetType: 'Value', unit: 'seconds (p95 time to first token over the Service)', servedBy: 'custom metrics API' },
};

/** Seed 000 targets: cpu 70 %, memory 75 %, GPU 70 %, 50 requests/s per pod, p95 1.5 s, queue 10. */
export const SEED_SIGNALS: ScalingSignals = {
  cpu: { type: 'Utilization', averageUtilization: 70 },
  memory: { type: 'Utilization', averageUtilization: 75 },
  gpu: { type: 'AverageValue', averageValue: 70 },
  requestRate: { type: 'AverageValue', averageValue: 50 },
  latencyP95: { type: 'Value', value: 1.5 },
  queueDepth: { type: 'AverageValue', averageValue: 10 },
};

/**
 * The signals an autoscaler uses when the spec names none: the seed's, without memory. A
 * model server's resident weights and caches do not shrink as pods are added, so a memory
 * target ratchets the autoscaler to maxReplicas (warning AII-W030); a default must not do
 * that. Name `memory` in `scaling.signals` to scale on it anyway.
 */
export const DEFAULT_SIGNALS: ScalingSignals = (({ memory: _memory, ...rest }) => rest)(SEED_SIGNALS);

/**
 * The signals an autoscaler uses when the spec names none, by model server. The seed's
 * targets describe the seeds' own application; on an LLM server they would pin the
 * autoscaler at maxReplicas: a streamed completion takes seconds, so an end-to-end p95 of
 * 1.5 s is never met, and vLLM keeps the GPU busy whenever it decodes any batch, so GPU
 * utilization reads high at low load.
 * - vllm: requests waiting for a batch slot, 5 per pod (a waiting request's time to first
 *   token grows with the queue), and KV-cache usage, 0.8 per pod (a full cache preempts
 *   running sequences). vLLM's own autoscaling guides scale on the same two gauges
 *   (vllm-project/production-stack docs/source/use_cases/autoscaling-keda.rst: the queue
 *   length `vllm:num_requests_waiting`; KServe's KEDA guide: waiting requests or KV-cache
 *   usage); the target values are this library's.
 * - ollama: it exports no series of its own, so GPU utilization (DCGM), 70 % per pod.
 */
export const DEFAULT_SIGNALS_BY_ENGINE: { readonly [E in ServerEngine]: ScalingSignals } = {
  generic: DEFAULT_SIGNALS,
  vllm: {
    queueDepth: { type: 'AverageValue', averageValue: 5 },
    kvCacheUsage: { type: 'AverageValue', averageValue: 0.8 },
  },
  ollama: { gpu: { type: 'AverageValue', averageValue: 70 } },
};

/**
 * The signals with the GPU Resource-metric alias replaced by what it can really be: the `gpu`
 * signal (dcgm-exporter, custom metrics API) with the same percent. The one place the alias
 * is read.
 */
export function resolveSignalAliases(signals: ScalingSignals): ScalingSignals {
  const { 'nvidia.com/gpu': gpuResource, ...rest } = signals;
  if (gpuResource === undefined) return signals;
  return { ...rest, gpu: rest.gpu ?? { type: 'AverageValue', averageValue: gpuResource.averageUtilization } };
}

/** The signals that are set, in manifest order. */
export function usedSignals(signals: ScalingSignals): SignalName[] {
  return SIGNAL_NAMES.filter((s) => signals[s] !== undefined);
}

/** The custom signals that are set, in manifest order. */
export function usedCustomSignals(signals: ScalingSignals): CustomSignalName[] {
  return CUSTOM_SIGNAL_NAMES.filter((s) => signals[s] !== undefined);
}

/** The number a target compares against, whatever its type. */
export function targetNumber(target: MetricTarget): number {
  switch (target.type) {
    case 'Utilization':
      return target.averageUtilization;
    case 'AverageValue':
      return target.averageValue;
    case 'Value':
      return target.value;
  }
}

// ---- zod -----------------------------------------------------------------------------------

const TARGET_SHAPE: Record<MetricTargetType, string> = {
  Utilization: "{ type: 'Utilization', averageUtilization }",
  AverageValue: "{ type: 'AverageValue', averageValue }",
  Value: "{ type: 'Value', value }",
};

function pairingMessage(signal: SignalName | SignalAlias): string {
  const d = signal === 'nvidia.com/gpu' ? { ...SIGNALS.cpu, unit: '% GPU utilization' } : SIGNALS[signal];
  const article = (word: string) => (/^[AEIO]/.test(word) ? 'an' : 'a'); // "a Utilization", "an Object"
  return `${signal} takes only ${article(d.targetType)} ${d.targetType} target ${TARGET_SHAPE[d.targetType]} (${article(d.source)} ${d.source} metric in ${d.unit}); write the target in that shape`;
}

const isMilliExact = (n: number) => Math.abs(n * 1000 - Math.round(n * 1000)) < 1e-6;

type NumberRule = (n: z.ZodNumber) => z.ZodType<number>;

function zNumberOf(signal: SignalName | SignalAlias, rule: NumberRule) {
  const type = signal === 'nvidia.com/gpu' ? 'Utilization' : SIGNALS[signal].targetType;
  return rule(z.number({ required_error: `is required by a ${type} target; set it`, invalid_type_error: 'must be a number' }).finite('must be a finite number; give a real value'));
}

function zUtilizationTarget(signal: 'cpu' | 'memory' | SignalAlias) {
  return z
    .object({
      type: z.literal('Utilization', { errorMap: () => ({ message: pairingMessage(signal) }) }),
      averageUtilization: zNumberOf(signal, (n) =>
        n.int('must be a whole percent; round it').min(1, 'must be at least 1 %; a utilization target of 0 scales to maxReplicas at once'),
      ),
    })
    .strict(pairingMessage(signal));
}

const milli = (n: z.ZodType<number>) =>
  n.refine(isMilliExact, { message: 'must be exact to 0.001 (Kubernetes quantities end at milli-units); round it' });

function zAverageValueTarget(signal: 'gpu' | 'requestRate' | 'queueDepth' | 'kvCacheUsage', rule: NumberRule) {
  return z
    .object({
      type: z.literal('AverageValue', { errorMap: () => ({ message: pairingMessage(signal) }) }),
      averageValue: zNumberOf(signal, (n) => milli(rule(n))),
    })
    .strict(pairingMessage(signal));
}

function zValueTarget(signal: 'latencyP95' | 'timeToFirstTokenP95', rule: NumberRule) {
  return z
    .object({
      type: z.literal('Value', { errorMap: () => ({ message: pairingMessage(signal) }) }),
      value: zNumberOf(signal, (n) => milli(rule(n))),
    })
    .strict(pairingMessage(signal));
}

/** zod schema of ScalingSignals; refuses a target paired with the wrong type or field. */
export const scalingSignalsSchema = z
  .object({
    cpu: zUtilizationTarget('cpu').optional(),
    memory: zUtilizationTarget('memory').optional(),
    gpu: zAverageValueTarget('gpu', (n) =>
      n
        .gt(0, 'must be above 0 %; pick the per-pod GPU utilization to hold (seed: 70)')
        .max(100, 'must be at most 100 (dcgm-exporter reports percent 0-100, a higher target never triggers); lower it'),
    ).optional(),
    requestRate: zAverageValueTarget('requestRate', (n) =>
      n.gt(0, 'must be above 0 requests/s per pod; pick the rate one pod serves within the SLO (seed: 50)'),
    ).optional(),
    latencyP95: zValueTarget('latencyP95', (n) => n.gt(0, 'must be above 0 s; pick a p95 below the SLO objective (seed: 1.5)')).optional(),
    queueDepth: zAverageValueTarget('queueDepth', (n) =>
      n.gt(0, 'must be above 0 waiting requests per pod; pick the queue one pod may hold (seed: 10)'),
    ).optional(),
    kvCacheUsage: zAverageValueTarget('kvCacheUsage', (n) =>
      n
        .gt(0, 'must be above 0 (a KV-cache fraction per pod); pick the share of the cache one pod may fill, e.g. 0.8')
        .max(1, 'must be at most 1 (vLLM reports the KV-cache usage as a fraction 0-1, a higher target never triggers); write 80 % as 0.8'),
    ).optional(),
    timeToFirstTokenP95: zValueTarget('timeToFirstTokenP95', (n) => n.gt(0, 'must be above 0 s; pick a p95 time to first token below slo.timeToFirstTokenP95')).optional(),
    'nvidia.com/gpu': zUtilizationTarget('nvidia.com/gpu')
      .refine((t) => t.averageUtilization <= 100, {
        message: 'must be at most 100 (dcgm-exporter reports percent 0-100, a higher target never triggers); lower it',
        path: ['averageUtilization'],
      })
      .optional(),
  })
  .strict('names a signal that does not exist; use cpu, memory, gpu, requestRate, latencyP95, queueDepth, kvCacheUsage, timeToFirstTokenP95 or nvidia.com/gpu')
  .superRefine((s, ctx) => {
    if (s['nvidia.com/gpu'] !== undefined && s.gpu !== undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['nvidia.com/gpu'],
        message: 'sets GPU utilization a second time beside gpu (the library reads nvidia.com/gpu as the gpu signal); keep one of them',
      });
    }
  })
  .refine((s) => SIGNAL_NAMES.some((name) => s[name] !== undefined) || s['nvidia.com/gpu'] !== undefined, {
    message: 'names no signal; set at least one of cpu, memory, gpu, requestRate, latencyP95, queueDepth, kvCacheUsage, timeToFirstTokenP95',
  })
  // A construct given the alias (GpuHpa, KedaScaledObject) scales on what it can mean.
  .transform(resolveSignalAliases) satisfies z.ZodType<ScalingSignals, z.ZodTypeDef, ScalingSignals>;

