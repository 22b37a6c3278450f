/**
 * Relations of the LLM objectives and scaling signals (time to first token, inter-token
 * latency, KV-cache usage) with the server section and the metric preset: they need the
 * series only vLLM exports, and a p95 objective must sit on a bucket bound of vLLM's
 * histogram, since the SLI counts the observations at or below that bound.
 */
import { Duration } from 'cdk8s';
import { HistogramRef, MetricPresetName, VLLM_TOKEN_HISTOGRAMS, bucketBoundaryProblem } from './metrics';
import { formatProblem } from './problems';
import type { AiInferenceSpec } from './spec';
import { LLM_SIGNAL_NAMES } from './signals';

/** The LLM objectives of the SLO section and the vLLM histogram each one is measured on. */
export const LLM_OBJECTIVES = {
  timeToFirstTokenP95: VLLM_TOKEN_HISTOGRAMS.timeToFirstToken,
  interTokenLatencyP95: VLLM_TOKEN_HISTOGRAMS.interTokenLatency,
} as const satisfies Record<string, HistogramRef>;

export type LlmObjectiveName = keyof typeof LLM_OBJECTIVES;
export const LLM_OBJECTIVE_NAMES = Object.keys(LLM_OBJECTIVES) as LlmObjectiveName[];

/** The preset the spec's series follow: vllm with the vLLM engine, else metrics.preset (generic). */
function presetOf(spec: AiInferenceSpec): MetricPresetName {
  return spec.server?.engine === 'vllm' ? 'vllm' : (spec.metrics?.preset ?? 'generic');
}

/** Why the spec's series cannot serve an LLM field, or undefined when they can. */
function withoutLlmSeries(spec: AiInferenceSpec): string | undefined {
  const engine = spec.server?.engine ?? 'generic';
  if (engine === 'ollama') return 'Ollama (server.engine "ollama") exports no Prometheus metrics';
  const preset = presetOf(spec);
  if (preset !== 'vllm') return `the ${preset} metric preset has no such series (only vLLM exports them)`;
  return undefined;
}

/** Problems of the LLM objectives and signals of a shape-valid spec. */
export function llmSloProblems(spec: AiInferenceSpec): string[] {
  const problems: string[] = [];
  const missing = withoutLlmSeries(spec);
  const fix = spec.server?.engine === 'ollama' ? 'leave it out' : 'run vLLM (server.engine "vllm") or leave it out';
  for (const name of LLM_OBJECTIVE_NAMES) {
    const objective: Duration | undefined = spec.slo[name];
    if (objective === undefined) continue;
    const seconds = objective.toMilliseconds() / 1000;
    const histogram = LLM_OBJECTIVES[name];
    if (missing) {
      problems.push(formatProblem(['slo', name], objective, `needs vLLM's ${histogram.metric} histogram, but ${missing}; ${fix}`));
      continue;
    }
    const boundary = bucketBoundaryProblem(seconds, histogram);
    if (boundary) problems.push(formatProblem(['slo', name], objective, `${boundary}; use one of them`));
  }
  const signals = spec.scaling?.signals;
  for (const name of LLM_SIGNAL_NAMES) {
    if (signals?.[name] === undefined || !missing) continue;
    const [series, field, value] =
      name === 'kvCacheUsage'
        ? ['vllm:kv_cache_usage_perc gauge', 'averageValue', signals.kvCacheUsage?.averageValue]
        : [`${VLLM_TOKEN_HISTOGRAMS.timeToFirstToken.metric} histogram`, 'value', signals.timeToFirstTokenP95?.value];
    problems.push(formatProblem(['scaling', 'signals', name, field], value, `needs vLLM's ${series}, but ${missing}; ${fix}`));
  }
  if (signals?.timeToFirstTokenP95 !== undefined && spec.traffic?.internal === false) {
    problems.push(
      formatProblem(['traffic', 'internal'], false, 'turns off the internal Service, but the timeToFirstTokenP95 scaling signal is an Object metric on it; keep it, or drop scaling.signals.timeToFirstTokenP95'),
    );
  }
  return problems;
}
