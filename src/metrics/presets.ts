/**
 * Metric-name presets: which series an inference server exposes for each signal the
 * library reads. Pure data plus selector helpers; no cdk8s here.
 *
 * Sources: the seeds' generic names (seed 000/001, REFERENCE.md "Metrics names"), vLLM's
 * /metrics (vllm:* names; its OpenAI server also exports http_requests_total with a
 * `status` label grouped as 2xx/4xx/5xx), NVIDIA dcgm-exporter field names.
 */

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

export const GENERIC_PRESET: MetricPreset = {
  name: 'generic',
  requests: { metric: 'inference_requests_total' },
  errors: { metric: 'inference_errors_total' },
  latencyHistogram: 'inference_response_time_seconds',
  queueDepth: { metric: 'inference_queue_depth' },
  cacheHitRatio: { metric: 'cache_hit_rate' },
  highBiasScores: { metric: 'high_bias_score_total' },
  modelLoadFailures: { metric: 'inference_model_load_failures_total' },
  dbPoolInUse: { metric: 'inference_db_pool_connections_in_use' },
  dbPoolMax: { metric: 'inference_db_pool_connections_max' },
};

export const VLLM_PRESET: MetricPreset = {
  name: 'vllm',
  // vLLM's OpenAI server counts HTTP requests per handler; only the API handlers are traffic.
  requests: { metric: 'http_requests_total', matchers: 'handler=~"/v1/.*"' },
  errors: { metric: 'http_requests_total', matchers: 'handler=~"/v1/.*",status="5xx"' },
  latencyHistogram: 'vllm:e2e_request_latency_seconds',
  queueDepth: { metric: 'vllm:num_requests_waiting' },
};

export const METRIC_PRESETS: Record<MetricPresetName, MetricPreset> = {
  generic: GENERIC_PRESET,
  vllm: VLLM_PRESET,
};

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

/** Builds `metric{scope, extra}`; `extra` and the ref's own matchers are appended. */
export function selector(ref: SeriesRef, scope: MetricScope, extra?: string, suffix = ''): string {
  const parts = [`namespace="${scope.namespace}"`, `job="${scope.job}"`];
  if (ref.matchers) parts.push(ref.matchers);
  if (extra) parts.push(extra);
  return `${ref.metric}${suffix}{${parts.join(',')}}`;
}

/**
 * Regex matching a histogram bucket's `le` label for `seconds`: Go clients write `le="2"`,
 * Python clients `le="2.0"` (REFERENCE.md), so whole numbers match both.
 */
export function leRegex(seconds: number): string {
  const text = String(seconds).replace('.', '\\\\.');
  return Number.isInteger(seconds) ? `${text}(\\\\.0)?` : text;
}
