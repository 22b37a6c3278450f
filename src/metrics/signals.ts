/**
 * The six scaling signals of an inference service (seed 000) and, for each custom one,
 * how its value reaches an autoscaler: the prometheus-adapter rule that serves it to an
 * HPA through the custom metrics API, or the PromQL a KEDA prometheus trigger runs.
 * Pure data and functions; no constructs here (only the cdk8s Duration value type).
 *
 * Every query built here is parsed with the Prometheus grammar (assertPromql); a syntax
 * error throws an Error naming the signal and the metric.
 */
import { Duration } from 'cdk8s';
import { z } from 'zod';
import { promDuration } from '../private/duration';
import { DEFAULT_DCGM, DcgmConfig, METRIC_PRESETS, MetricPreset, MetricPresetName, MetricScope, selector } from './presets';
import { ADAPTER_METRIC_NAMES } from '../conventions';
import { assertPromql, renderAdapterTemplate } from './promql';

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
  /** Requests waiting per pod (Pods metric). @default - not used */
  readonly queueDepth?: AverageValueTarget;
}

export type SignalName = keyof ScalingSignals;
/** Signals served by metrics-server through the resource metrics API. */
export type ResourceSignalName = 'cpu' | 'memory';
/** Signals that need a custom-metrics server (prometheus-adapter) or KEDA. */
export type CustomSignalName = Exclude<SignalName, ResourceSignalName>;

/** All signals in manifest order. */
export const SIGNAL_NAMES: readonly SignalName[] = ['cpu', 'memory', 'gpu', 'requestRate', 'latencyP95', 'queueDepth'];
export const CUSTOM_SIGNAL_NAMES: readonly CustomSignalName[] = ['gpu', 'requestRate', 'latencyP95', 'queueDepth'];

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

/**
 * Kubernetes quantity text of a target value, canonical as the API server writes it back:
 * whole numbers as is (`50`), fractions in milli-units (`1.5` -> `1500m`).
 */
export function quantityText(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return `${Math.round(value * 1000)}m`;
}

/** Decimal text for KEDA thresholds (KEDA parses them as floats): `1.5`, `50`. */
export function decimalText(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

// ---- zod -----------------------------------------------------------------------------------

const TARGET_SHAPE: Record<MetricTargetType, string> = {
  Utilization: "{ type: 'Utilization', averageUtilization }",
  AverageValue: "{ type: 'AverageValue', averageValue }",
  Value: "{ type: 'Value', value }",
};

function pairingMessage(signal: SignalName): string {
  const d = SIGNALS[signal];
  const article = (word: string) => (/^[AEIO]/.test(word) ? 'an' : 'a'); // "a Utilization", "an Object"
  return `${signal} takes only ${article(d.targetType)} ${d.targetType} target ${TARGET_SHAPE[d.targetType]} (${article(d.source)} ${d.source} metric in ${d.unit}); write the target in that shape`;
}

const isMilliExact = (n: number) => Math.abs(n * 1000 - Math.round(n * 1000)) < 1e-6;

type NumberRule = (n: z.ZodNumber) => z.ZodType<number>;

function zNumberOf(signal: SignalName, rule: NumberRule) {
  const type = SIGNALS[signal].targetType;
  return rule(z.number({ required_error: `is required by a ${type} target; set it`, invalid_type_error: 'must be a number' }));
}

function zUtilizationTarget(signal: 'cpu' | 'memory') {
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

function zAverageValueTarget(signal: 'gpu' | 'requestRate' | 'queueDepth', rule: NumberRule) {
  return z
    .object({
      type: z.literal('AverageValue', { errorMap: () => ({ message: pairingMessage(signal) }) }),
      averageValue: zNumberOf(signal, (n) => milli(rule(n))),
    })
    .strict(pairingMessage(signal));
}

function zValueTarget(signal: 'latencyP95', rule: NumberRule) {
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
  })
  .strict('names a signal that does not exist; use cpu, memory, gpu, requestRate, latencyP95 or queueDepth')
  .refine((s) => SIGNAL_NAMES.some((name) => s[name] !== undefined), {
    message: 'names no signal; set at least one of cpu, memory, gpu, requestRate, latencyP95, queueDepth',
  }) satisfies z.ZodType<ScalingSignals>;

// ---- query options ---------------------------------------------------------------------

/** Where the series come from and how they are windowed. */
export interface SignalQueryOptions {
  /** Metric preset (series names of the inference server). @default 'generic' */
  readonly preset?: MetricPresetName | MetricPreset;
  /** dcgm-exporter series and label names, field by field. @default DEFAULT_DCGM */
  readonly dcgm?: Partial<DcgmConfig>;
  /** Window of rate() and of the p95 histogram rate. @default 120 */
  readonly rateWindowSeconds?: number;
}

/** Quantile of the latency signal. */
export const LATENCY_QUANTILE = 0.95;
/** Default rate() window: four scrapes at a 30 s interval. */
export const DEFAULT_RATE_WINDOW_SECONDS = 120;

export function resolvePreset(preset: MetricPresetName | MetricPreset | undefined): MetricPreset {
  if (preset === undefined) return METRIC_PRESETS.generic;
  return typeof preset === 'string' ? METRIC_PRESETS[preset] : preset;
}

export function resolveDcgm(dcgm: Partial<DcgmConfig> | undefined): DcgmConfig {
  return { ...DEFAULT_DCGM, ...dcgm };
}


// ---- metric names served by the adapter -------------------------------------------------

/** The custom-metrics API name the HPA references for a custom signal. */
export function adapterMetricName(signal: CustomSignalName, preset?: MetricPresetName | MetricPreset): string {
  if (signal === 'gpu') return ADAPTER_METRIC_NAMES.gpu;
  return ADAPTER_METRIC_NAMES.presets[resolvePreset(preset).name][signal];
}

// ---- prometheus-adapter rules -------------------------------------------------------------

/** One rule of prometheus-adapter's `rules:` list (custom metrics API). */
export interface AdapterRule {
  /** Series discovery query: the raw series, with the resource labels required non-empty. */
  readonly seriesQuery: string;
  /** Which series labels name which Kubernetes resources. */
  readonly resources: { readonly overrides: { readonly [label: string]: { readonly resource: string } } };
  /** Renames the series (`matches`, a regex on the series name) to the served name (`as`). */
  readonly name: { readonly matches: string; readonly as: string };
  /** Go template the adapter renders per request (<<.Series>>, <<.LabelMatchers>>, <<.GroupBy>>). */
  readonly metricsQuery: string;
}

/** A rule plus the signal it serves and the metric name the HPA must reference. */
export interface SignalAdapterRule {
  readonly signal: CustomSignalName;
  /** Name in the custom metrics API: the HPA's `metric.name`. */
  readonly metricName: string;
  /** The raw series the rule reads. */
  readonly series: string;
  readonly rule: AdapterRule;
}

function regexLiteral(name: string): string {
  return `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

/** Adds fixed matchers to a template selector: `{<<.LabelMatchers>>,handler=~"/v1/.*"}`. */
function templateSelector(extra: string | undefined): string {
  return extra ? `{<<.LabelMatchers>>,${extra}}` : '{<<.LabelMatchers>>}';
}

/** Builds the seriesQuery: `metric{extra,a!="",b!=""}`. */
function seriesQuery(series: string, extra: string | undefined, labels: readonly string[]): string {
  const parts = [...(extra ? [extra] : []), ...labels.map((l) => `${l}!=""`)];
  return `${series}{${parts.join(',')}}`;
}

/**
 * The prometheus-adapter rule serving one custom signal, and the metric name the HPA must
 * reference. Pods metrics map the `namespace`/`pod` labels (dcgm-exporter: the configured
 * labels, `exported_namespace`/`exported_pod` by default) to their resources; the latency
 * Object metric maps `namespace`/`service` (the Prometheus Operator sets `service` to the
 * scraped Service). Every query is parsed; a syntax error throws naming the metric.
 */
export function adapterRule(signal: CustomSignalName, options: SignalQueryOptions = {}): SignalAdapterRule {
  const preset = resolvePreset(options.preset);
  const window = promDuration(Duration.seconds(options.rateWindowSeconds ?? DEFAULT_RATE_WINDOW_SECONDS));
  const metricName = adapterMetricName(signal, preset);
  const podResources = { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } };
  let built: Omit<SignalAdapterRule, 'signal' | 'metricName'>;
  switch (signal) {
    case 'gpu': {
      const dcgm = resolveDcgm(options.dcgm);
      const series = dcgm.utilizationMetric;
      built = {
        series,
        rule: {
          seriesQuery: seriesQuery(series, undefined, [dcgm.namespaceLabel, dcgm.podLabel]),
          resources: {
            overrides: { [dcgm.namespaceLabel]: { resource: 'namespace' }, [dcgm.podLabel]: { resource: 'pod' } },
          },
          name: { matches: regexLiteral(series), as: metricName },
          // A pod with several GPUs has one series per GPU: average them.
          metricsQuery: 'avg by (<<.GroupBy>>) (<<.Series>>{<<.LabelMatchers>>})',
        },
      };
      break;
    }
    case 'requestRate': {
      const { metric: series, matchers } = preset.requests;
      built = {
        series,
        rule: {
          seriesQuery: seriesQuery(series, matchers, ['namespace', 'pod']),
          resources: { overrides: podResources },
          name: { matches: regexLiteral(series), as: metricName },
          metricsQuery: `sum by (<<.GroupBy>>) (rate(<<.Series>>${templateSelector(matchers)}[${window}]))`,
        },
      };
      break;
    }
    case 'queueDepth': {
      const { metric: series, matchers } = preset.queueDepth;
      built = {
        series,
        rule: {
          seriesQuery: seriesQuery(series, matchers, ['namespace', 'pod']),
          resources: { overrides: podResources },
          name: { matches: regexLiteral(series), as: metricName },
          metricsQuery: `sum by (<<.GroupBy>>) (<<.Series>>${templateSelector(matchers)})`,
        },
      };
      break;
    }
    case 'latencyP95': {
      const series = `${preset.latencyHistogram}_bucket`;
      built = {
        series,
        rule: {
          seriesQuery: seriesQuery(series, undefined, ['namespace', 'service']),
          resources: { overrides: { namespace: { resource: 'namespace' }, service: { resource: 'service' } } },
          name: { matches: regexLiteral(series), as: metricName },
          metricsQuery: `histogram_quantile(${LATENCY_QUANTILE}, sum by (le, <<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>}[${window}])))`,
        },
      };
      break;
    }
  }
  const what = `${signal} signal, adapter metric ${metricName} (series ${built.series})`;
  assertPromql(`${what} seriesQuery`, built.rule.seriesQuery);
  assertPromql(`${what} metricsQuery`, renderAdapterTemplate(built.rule.metricsQuery, built.series));
  return { signal, metricName, ...built };
}

/** The adapter rules for exactly the custom signals that are set, in manifest order. */
export function adapterRules(signals: ScalingSignals, options: SignalQueryOptions = {}): SignalAdapterRule[] {
  return usedCustomSignals(signals).map((s) => adapterRule(s, options));
}

// ---- KEDA prometheus trigger queries --------------------------------------------------------

/** How a KEDA prometheus trigger reads one custom signal. */
export interface KedaSignalQuery {
  readonly signal: CustomSignalName;
  /**
   * PromQL returning one value for the whole Deployment. For AverageValue the HPA that
   * KEDA creates divides it by the replica count, so per-pod signals are summed here.
   */
  readonly query: string;
  readonly metricType: 'AverageValue' | 'Value';
  /** The raw series the query reads. */
  readonly series: string;
}

/**
 * The PromQL a KEDA prometheus trigger runs for one custom signal, scoped by namespace
 * and scrape job (the service's series) or by namespace and pod regex (dcgm-exporter).
 * Parsed with the Prometheus grammar; a syntax error throws naming the metric.
 */
export function kedaQuery(signal: CustomSignalName, scope: MetricScope, options: SignalQueryOptions = {}): KedaSignalQuery {
  const preset = resolvePreset(options.preset);
  const window = promDuration(Duration.seconds(options.rateWindowSeconds ?? DEFAULT_RATE_WINDOW_SECONDS));
  let query: string;
  let series: string;
  switch (signal) {
    case 'gpu': {
      const dcgm = resolveDcgm(options.dcgm);
      series = dcgm.utilizationMetric;
      const sel = `${series}{${dcgm.namespaceLabel}="${scope.namespace}",${dcgm.podLabel}=~"${scope.podRegex}"}`;
      // Per-pod average over the pod's GPUs, summed: KEDA's AverageValue divides by replicas.
      query = `sum(avg by (${dcgm.podLabel}) (${sel}))`;
      break;
    }
    case 'requestRate':
      series = preset.requests.metric;
      query = `sum(rate(${selector(preset.requests, scope)}[${window}]))`;
      break;
    case 'queueDepth':
      series = preset.queueDepth.metric;
      query = `sum(${selector(preset.queueDepth, scope)})`;
      break;
    case 'latencyP95':
      series = `${preset.latencyHistogram}_bucket`;
      query = `histogram_quantile(${LATENCY_QUANTILE}, sum by (le) (rate(${selector({ metric: preset.latencyHistogram }, scope, undefined, '_bucket')}[${window}])))`;
      break;
  }
  assertPromql(`${signal} signal, KEDA prometheus trigger on ${series}`, query);
  return { signal, query, series, metricType: SIGNALS[signal].targetType === 'Value' ? 'Value' : 'AverageValue' };
}
