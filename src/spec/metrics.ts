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
}

export const metricsSchema = z
  .object({ preset: z.enum(METRIC_PRESET_NAMES).optional(), dcgm: dcgmOverridesSchema.optional() })
  .strict() satisfies z.ZodType<MetricsSpec>;

/** Defaults of the metrics section: the generic preset, dcgm-exporter's own names. */
export const METRICS_DEFAULTS: ResolvedMetrics = { preset: 'generic', dcgm: DEFAULT_DCGM };

/** The metrics section with every default filled in. */
export interface ResolvedMetrics {
  readonly preset: MetricPresetName;
  /** Every dcgm-exporter name: the overrides given, DEFAULT_DCGM for the rest. */
  readonly dcgm: DcgmConfig;
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
  };
}
