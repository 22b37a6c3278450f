/**
 * The metrics section: which series the server exports (a metric preset) and the names
 * dcgm-exporter's series carry, with their schemas, shared by the autoscaling, alert and
 * dashboard inputs. The presets' data lives in metrics/presets.ts.
 */
import { z } from 'zod';
import { withDefaults } from '../private/defaults';

/** One series, by metric name plus fixed extra label matchers. */
export interface SeriesRef {
  /** Metric name, e.g. `inference_requests_total`. */
  readonly metric: string;
  /** Extra matchers joined into the selector, e.g. `status="5xx"`. @default - none */
  readonly matchers?: string;
}

export type MetricPresetName = 'generic' | 'vllm';

/** A histogram by base name (without `_bucket`) and the upper bounds of its buckets. */
export interface HistogramRef {
  /** Base name, e.g. `vllm:time_to_first_token_seconds`. */
  readonly metric: string;
  /** The finite bucket bounds the server writes (`le`), ascending, in seconds. */
  readonly buckets: readonly number[];
}

/**
 * vLLM's token-latency histograms and their fixed buckets. Checked in vllm-project/vllm
 * vllm/v1/metrics/loggers.py (PrometheusStatLogger, the newest version the code index
 * holds, read by content id since the index does not name its commit; the stored commit
 * 005a810b still has only vllm:time_per_output_token_seconds, which the newer code marks
 * "deprecated in 0.11" and shows only with --show-hidden-metrics-for-version):
 * every series carries the labels model_name and engine; prometheus_client writes each
 * bound as a Python float (`le="1.0"`, `le="0.05"`).
 */
export const VLLM_TOKEN_HISTOGRAMS = {
  timeToFirstToken: {
    metric: 'vllm:time_to_first_token_seconds',
    buckets: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560],
  },
  interTokenLatency: {
    metric: 'vllm:inter_token_latency_seconds',
    buckets: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80],
  },
} as const satisfies Record<string, HistogramRef>;

/**
 * Why `seconds` cannot be the objective of a `le` ratio SLI on `histogram`, or undefined
 * when it sits on a bucket bound. A ratio of a histogram counts exactly only at a bound:
 * the message names the two nearest.
 */
export function bucketBoundaryProblem(seconds: number, histogram: HistogramRef): string | undefined {
  const ms = (n: number) => Math.round(n * 1e6);
  if (histogram.buckets.some((b) => ms(b) === ms(seconds))) return undefined;
  const below = [...histogram.buckets].reverse().find((b) => b < seconds);
  const above = histogram.buckets.find((b) => b > seconds);
  const near = [below, above].filter((b): b is number => b !== undefined).map((b) => `${b} s`);
  const nearest = near.length === 1 ? `the nearest is ${near[0]}` : `the nearest are ${near.join(' and ')}`;
  return `must sit on a bucket bound of ${histogram.metric} (a share of slow observations can only be counted at a bound); ${nearest}`;
}

export interface MetricPreset {
  readonly name: MetricPresetName;
  /** Counter of all requests served. */
  readonly requests: SeriesRef;
  /** Counter of failed requests (same population as `requests`). */
  readonly errors: SeriesRef;
  /** Histogram of end-to-end response time in seconds (base name, without `_bucket`). */
  readonly latencyHistogram: string;
  /** Gauge: requests waiting per pod. */
  readonly queueDepth: SeriesRef;
  /** Gauge 0-1 of the cache hit ratio, if the server exports one. */
  readonly cacheHitRatio?: SeriesRef;
  /** Counter of responses flagged with a high bias score, if exported. */
  readonly highBiasScores?: SeriesRef;
  /** Counter of failed model loads, if exported. */
  readonly modelLoadFailures?: SeriesRef;
  /** Gauges of database pool connections in use and pool size, if exported. */
  readonly dbPoolInUse?: SeriesRef;
  readonly dbPoolMax?: SeriesRef;
  /** Histogram of the time to the first token per request, if exported (LLM servers). */
  readonly timeToFirstTokenHistogram?: HistogramRef;
  /** Histogram of the time between output tokens, one observation per token, if exported. */
  readonly interTokenLatencyHistogram?: HistogramRef;
  /** Gauge 0-1 of the KV-cache blocks in use, if exported. */
  readonly kvCacheUsage?: SeriesRef;
  /** Gauge: requests being processed (in the running batch) per pod, if exported. */
  readonly runningRequests?: SeriesRef;
}

/** NVIDIA dcgm-exporter series and the labels that carry the pod and namespace. */
export interface DcgmConfig {
  /** GPU utilization, percent 0-100. @default 'DCGM_FI_DEV_GPU_UTIL' */
  readonly utilizationMetric: string;
  /** Frame-buffer memory used, MiB. @default 'DCGM_FI_DEV_FB_USED' */
  readonly memoryUsedMetric: string;
  /** Frame-buffer memory free, MiB. @default 'DCGM_FI_DEV_FB_FREE' */
  readonly memoryFreeMetric: string;
  /**
   * Label holding the workload pod's name. dcgm-exporter scraped without honorLabels
   * renames its `pod` label to `exported_pod`. @default 'exported_pod'
   */
  readonly podLabel: string;
  /** Label holding the workload pod's namespace. @default 'exported_namespace' */
  readonly namespaceLabel: string;
}

/**
 * dcgm-exporter's own field names (NVIDIA dcgm-exporter default counters), and the labels
 * its pod and namespace arrive in when Prometheus scrapes it without honorLabels.
 */
export const DEFAULT_DCGM: DcgmConfig = {
  utilizationMetric: 'DCGM_FI_DEV_GPU_UTIL',
  memoryUsedMetric: 'DCGM_FI_DEV_FB_USED',
  memoryFreeMetric: 'DCGM_FI_DEV_FB_FREE',
  podLabel: 'exported_pod',
  namespaceLabel: 'exported_namespace',
};

/** Where the service's own series live: namespace and scrape job. */
export interface MetricScope {
  readonly namespace: string;
  /** Prometheus `job` label: the Prometheus Operator sets it to the scraped Service's name. */
  readonly job: string;
  /** Regex matching the Deployment's pod names (for cAdvisor, kube-state-metrics, DCGM). */
  readonly podRegex: string;
}

// Names follow the Prometheus data model (prometheus.io/docs/concepts/data_model).
export const zMetricName = z
  .string()
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*); fix the name');

export const zLabelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*); fix the name');

export const seriesRefSchema = z
  .object({ metric: zMetricName, matchers: z.string().min(1, 'must not be empty; leave it out instead').optional() })
  .strict();

export const histogramRefSchema = z
  .object({
    metric: zMetricName,
    buckets: z.array(z.number().finite().positive('must be a positive bucket bound')).min(1, 'must name at least one bucket bound'),
  })
  .strict() satisfies z.ZodType<HistogramRef>;

/** A full MetricPreset object. */
export const metricPresetSchema = z
  .object({
    name: z.enum(['generic', 'vllm']),
    requests: seriesRefSchema,
    errors: seriesRefSchema,
    latencyHistogram: zMetricName,
    queueDepth: seriesRefSchema,
    cacheHitRatio: seriesRefSchema.optional(),
    highBiasScores: seriesRefSchema.optional(),
    modelLoadFailures: seriesRefSchema.optional(),
    dbPoolInUse: seriesRefSchema.optional(),
    dbPoolMax: seriesRefSchema.optional(),
    timeToFirstTokenHistogram: histogramRefSchema.optional(),
    interTokenLatencyHistogram: histogramRefSchema.optional(),
    kvCacheUsage: seriesRefSchema.optional(),
    runningRequests: seriesRefSchema.optional(),
  })
  // Presets are shared data that may gain series for other consumers; unknown keys pass.
  .passthrough() satisfies z.ZodType<MetricPreset>;

/** A full DcgmConfig. */
export const dcgmConfigSchema = z
  .object({
    utilizationMetric: zMetricName,
    memoryUsedMetric: zMetricName,
    memoryFreeMetric: zMetricName,
    podLabel: zLabelName,
    namespaceLabel: zLabelName,
  })
  .strict() satisfies z.ZodType<DcgmConfig>;

/** dcgm-exporter overrides, field by field. */
export const dcgmOverridesSchema = dcgmConfigSchema.partial() satisfies z.ZodType<Partial<DcgmConfig>>;

export const METRIC_PRESET_NAMES = ['generic', 'vllm'] as const satisfies readonly MetricPresetName[];

/** A preset by name, or a full preset object. */
export const presetSchema = z.union([z.enum(METRIC_PRESET_NAMES), metricPresetSchema], {
  errorMap: () => ({ message: 'must be "generic", "vllm" or a MetricPreset object; pick a preset' }),
}) as z.ZodType<MetricPresetName | MetricPreset>;

/** Which series the server exports, for the autoscaler, the alerts and the dashboard. */
export interface MetricsSpec {
  /** `generic` (the seeds' inference_* names) or `vllm` (vllm:* names). @default 'generic' */
  readonly preset?: MetricPresetName;
  /**
   * dcgm-exporter metric and label names. Scraped without honorLabels, its pod and
   * namespace labels arrive as exported_pod / exported_namespace (the default).
   * @default - DEFAULT_DCGM
   */
  readonly dcgm?: Partial<DcgmConfig>;
  /**
   * The gauge of requests waiting per pod, when the server exports its own (e.g.
   * `opifex_l2o_queue_length`): the queueDepth signal, the queue alert and the dashboard
   * read it instead of the preset's. Its custom-metrics name is `<metric>_per_pod`, so
   * workloads with different queues never share one adapter metric.
   * @default - the preset's (generic: inference_queue_depth)
   */
  readonly queueDepth?: SeriesRef;
  /**
   * The server's own counter of requests, when its names are not the preset's (seed 002:
   * `sutazai_inference_requests_total`): the SLO's recording rules, alerts, dashboard and the
   * requestRate signal (adapter name `<metric>_per_second`) read it. @default - the preset's
   */
  readonly requests?: SeriesRef;
  /** The counter of failed requests, same population as `requests` (e.g. a status matcher). @default - the preset's */
  readonly errors?: SeriesRef;
  /**
   * The server's latency histogram, base name without `_bucket` (seed 002:
   * `sutazai_inference_duration_seconds`); the latencyP95 signal's adapter name is
   * `<metric>_p95`. @default - the preset's
   */
  readonly latencyHistogram?: string;
}

/** The series a metrics section may put in place of its preset's. */
export const SERIES_OVERRIDES = ['queueDepth', 'requests', 'errors', 'latencyHistogram'] as const;

export const metricsSchema = z
  .object({
    preset: z.enum(METRIC_PRESET_NAMES).optional(),
    dcgm: dcgmOverridesSchema.optional(),
    queueDepth: seriesRefSchema.optional(),
    requests: seriesRefSchema.optional(),
    errors: seriesRefSchema.optional(),
    latencyHistogram: zMetricName.optional(),
  })
  .strict() satisfies z.ZodType<MetricsSpec>;

/** Defaults of the metrics section: the generic preset, dcgm-exporter's own names. */
export const METRICS_DEFAULTS: ResolvedMetrics = { preset: 'generic', dcgm: DEFAULT_DCGM };

/** The metrics section with every default filled in. */
export interface ResolvedMetrics {
  readonly preset: MetricPresetName;
  /** Every dcgm-exporter name: the overrides given, DEFAULT_DCGM for the rest. */
  readonly dcgm: DcgmConfig;
  /** The server's own series, where they replace the preset's. */
  readonly queueDepth?: SeriesRef;
  readonly requests?: SeriesRef;
  readonly errors?: SeriesRef;
  readonly latencyHistogram?: string;
}

/**
 * Fills the metrics section from {@link METRICS_DEFAULTS}: the preset name, and the
 * dcgm-exporter names field by field over DEFAULT_DCGM. A field written as `undefined`
 * takes its default. The preset stays a name; metrics/presets.ts holds the series.
 */
export function resolveMetrics(metrics: MetricsSpec | undefined): ResolvedMetrics {
  return {
    preset: withDefaults<Pick<ResolvedMetrics, 'preset'>>(METRICS_DEFAULTS, metrics).preset,
    dcgm: withDefaults(METRICS_DEFAULTS.dcgm, metrics?.dcgm),
    ...Object.fromEntries(SERIES_OVERRIDES.filter((k) => metrics?.[k] !== undefined).map((k) => [k, metrics![k]])),
  };
}
