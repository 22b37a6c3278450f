/**
 * Metric-name presets: which series an inference server exposes for each signal the
 * library reads. Pure data plus selector helpers; no cdk8s here.
 *
 * Sources: the seeds' generic names (seed 000/001, REFERENCE.md "Metrics names"), vLLM's
 * /metrics (vllm:* names; its OpenAI server also exports http_requests_total with a
 * `status` label grouped as 2xx/4xx/5xx), NVIDIA dcgm-exporter field names.
 */

import { MetricPreset, MetricPresetName, MetricScope, SeriesRef, VLLM_TOKEN_HISTOGRAMS } from '../spec/metrics';

export type { DcgmConfig, HistogramRef, MetricPreset, MetricPresetName, MetricScope, SeriesRef } from '../spec/metrics';
// The table lives with the metrics section (spec/metrics.ts), which fills it in.
export { DEFAULT_DCGM } from '../spec/metrics';

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
  // vllm-project/vllm vllm/v1/metrics/loggers.py (PrometheusStatLogger): the TTFT and
  // inter-token histograms with their fixed buckets (spec/metrics.ts VLLM_TOKEN_HISTOGRAMS),
  // the scheduler gauges, and the KV-cache gauge, a fraction 0-1 (vllm:kv_cache_usage_perc;
  // the code marks vllm:gpu_cache_usage_perc "deprecated in 0.9.2" and hides it behind
  // --show-hidden-metrics-for-version from 0.11).
  timeToFirstTokenHistogram: VLLM_TOKEN_HISTOGRAMS.timeToFirstToken,
  interTokenLatencyHistogram: VLLM_TOKEN_HISTOGRAMS.interTokenLatency,
  kvCacheUsage: { metric: 'vllm:kv_cache_usage_perc' },
  runningRequests: { metric: 'vllm:num_requests_running' },
};

export const METRIC_PRESETS: Record<MetricPresetName, MetricPreset> = {
  generic: GENERIC_PRESET,
  vllm: VLLM_PRESET,
};

/** Builds `metric{scope, extra}`; `extra` and the ref's own matchers are appended. */
export function selector(ref: SeriesRef, scope: MetricScope, extra?: string, suffix = ''): string {
  const parts = [`namespace="${scope.namespace}"`, `job="${scope.job}"`];
  if (ref.matchers) parts.push(ref.matchers);
  if (extra) parts.push(extra);
  return `${ref.metric}${suffix}{${parts.join(',')}}`;
}
