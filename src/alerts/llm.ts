import { Duration } from 'cdk8s';
import { HistogramRef, MetricPreset, bucketBoundaryProblem } from '../spec/metrics';
import { promDuration } from '../private/duration';
import type { ResolvedAlertRulesInput, SloObjectives } from './input';
import type { AlertQueries } from './queries';
import { BASE_RATE_WINDOW, RECORDS } from './records';
import { TIER_WINDOWS } from './tiers';
import { RecordingRule } from './types';

/**
 * The LLM service levels: the share of requests whose first token, and of output tokens
 * whose gap to the previous one, is slower than a p95 objective. A p95 objective lets 5 %
 * of the observations be slower: that share is the budget the burn-rate tiers of
 * tiers.ts spend, exactly as the availability budget is spent by the error ratio.
 *
 * The slow share is counted from the histogram at the objective's bucket bound:
 * slow = all observations (`_count`) − those at or below the bound (`_bucket{le=...}`),
 * recorded as 5m rates and summed over every burn-rate window like the error ratio
 * (sli.ts), so a quiet hour weighs less than a busy one.
 */

/** Share of observations a p95 objective allows to be slower. */
export const P95_BUDGET = 0.05;

export interface LlmSli {
  /** The objective in AlertRulesInput.slo, seconds. */
  readonly objective: keyof Pick<SloObjectives, 'timeToFirstTokenP95Seconds' | 'interTokenLatencyP95Seconds'>;
  /** The spec field the objective comes from (for texts). */
  readonly specField: string;
  /** The preset's histogram. */
  readonly histogram: keyof Pick<MetricPreset, 'timeToFirstTokenHistogram' | 'interTokenLatencyHistogram'>;
  /** What one observation is: `requests`, `output tokens`. */
  readonly unit: string;
  readonly rate: string;
  readonly slowRate: string;
  readonly slowRatio: (window: Duration) => string;
}

export const LLM_SLIS = {
  timeToFirstToken: {
    objective: 'timeToFirstTokenP95Seconds',
    specField: 'slo.timeToFirstTokenP95',
    histogram: 'timeToFirstTokenHistogram',
    unit: 'requests',
    rate: RECORDS.timeToFirstTokenRate,
    slowRate: RECORDS.timeToFirstTokenSlowRate,
    slowRatio: RECORDS.timeToFirstTokenSlowRatio,
  },
  interTokenLatency: {
    objective: 'interTokenLatencyP95Seconds',
    specField: 'slo.interTokenLatencyP95',
    histogram: 'interTokenLatencyHistogram',
    unit: 'output tokens',
    rate: RECORDS.interTokenLatencyRate,
    slowRate: RECORDS.interTokenLatencySlowRate,
    slowRatio: RECORDS.interTokenLatencySlowRatio,
  },
} as const satisfies Record<string, LlmSli>;

export type LlmSliName = keyof typeof LLM_SLIS;
export const LLM_SLI_NAMES = Object.keys(LLM_SLIS) as LlmSliName[];

/**
 * The `le` matcher of a bucket bound, for both spellings: Python's prometheus_client (vLLM)
 * writes floats (`le="1.0"`, `le="0.05"`), Go clients write `le="1"`; Prometheus 2.x stores
 * the text as scraped and Prometheus 3 normalises it on ingestion, so a whole number is
 * matched with and without `.0` (REFERENCE.md "Metrics names").
 */
export function leMatcher(seconds: number): string {
  const text = String(Number(seconds.toPrecision(12)));
  const pattern = Number.isInteger(seconds) ? `${text}(\\\\.0)?` : text.replace('.', '\\\\.');
  return `le=~"${pattern}"`;
}

/** Why an LLM SLI cannot be built for `input`, or undefined when it can. */
export function llmSliOmitted(sli: LlmSli, input: ResolvedAlertRulesInput): string | undefined {
  if (input.slo[sli.objective] === undefined) return `${sli.specField} is not set`;
  if (input.preset[sli.histogram] === undefined) return `the ${input.preset.name} metric preset has no ${sli.histogram}`;
  return undefined;
}

/** A problem of an LLM objective against the preset's histogram, or undefined. */
export function llmObjectiveProblem(sli: LlmSli, seconds: number, preset: MetricPreset): string | undefined {
  const histogram: HistogramRef | undefined = preset[sli.histogram];
  if (histogram === undefined) return `needs the ${sli.histogram} of the metric preset, which the ${preset.name} preset does not have (only vLLM exports it); leave it out or use the vllm preset`;
  const boundary = bucketBoundaryProblem(seconds, histogram);
  return boundary && `${boundary}; use one of them`;
}

/** The recording rules of the LLM SLIs that are set: fast (≤ 1h) and long windows. */
export function llmSliRecords(input: ResolvedAlertRulesInput, q: AlertQueries, fastLimit: Duration): { fast: RecordingRule[]; long: RecordingRule[] } {
  const fast: RecordingRule[] = [];
  const long: RecordingRule[] = [];
  const base = promDuration(BASE_RATE_WINDOW);
  for (const name of LLM_SLI_NAMES) {
    const sli: LlmSli = LLM_SLIS[name];
    if (llmSliOmitted(sli, input)) continue;
    const metric = input.preset[sli.histogram]!.metric;
    const seconds = input.slo[sli.objective]!;
    const all = `sum by (namespace, job) (rate(${q.own({ metric }, undefined, '_count')}[${base}]))`;
    const fastEnough = `sum by (namespace, job) (rate(${q.own({ metric }, leMatcher(seconds), '_bucket')}[${base}]))`;
    const rate = q.recorded(sli.rate);
    const slow = q.recorded(sli.slowRate);
    fast.push({ record: sli.rate, expr: all }, { record: sli.slowRate, expr: `${all}\n-\n${fastEnough}` });
    for (const window of TIER_WINDOWS) {
      const w = promDuration(window);
      const rule: RecordingRule = {
        record: sli.slowRatio(window),
        expr: window.toMilliseconds() === BASE_RATE_WINDOW.toMilliseconds() ? `${slow}\n/\n${rate}` : `sum_over_time(${slow}[${w}])\n/\nsum_over_time(${rate}[${w}])`,
      };
      (window.toMilliseconds() <= fastLimit.toMilliseconds() ? fast : long).push(rule);
    }
  }
  return { fast, long };
}
