import { Duration } from 'cdk8s';
import { promDuration } from '../private/duration';
import type { ResolvedAlertRulesInput } from './input';
import type { AlertQueries } from './queries';
import { BASE_RATE_WINDOW, RECORDS } from './records';
import { TIER_WINDOWS, uniqueSorted } from './tiers';
import { RecordingRule, RuleGroup } from './types';
import { llmSliRecords } from './llm';

/**
 * The SLI recording rules: the service's request and error rates over 5m, read from the
 * raw counters once, and the error ratio over every burn-rate window and the SLO period,
 * summed from those recorded rates:
 *
 *   ratio over W = sum_over_time(errors:rate5m[W]) / sum_over_time(requests:rate5m[W])
 *
 * which weighs every 5m step by its traffic, as rate(errors[W]) / rate(requests[W]) does
 * (an avg_over_time of 5m ratios would weigh a quiet night like a busy day). Reading 30
 * days of raw counters of every pod each evaluation is what it replaces.
 *
 * Windows up to FAST_WINDOW_LIMIT (the 5m and 1h windows of the 14.4× page tier, the 30m
 * of the 6× tier) stay in the fast group, evaluated with the alerts; the longer ones go to
 * their own group every SLI_LONG_INTERVAL. That interval stays under Prometheus' 5 minute
 * lookback (--query.lookback-delta default), so the alerts reading those series never see
 * a gap even when one evaluation is skipped.
 */

/** Longest window recorded in the fast group. */
export const FAST_WINDOW_LIMIT = Duration.hours(1);

/** Evaluation interval of the long-window group (at least the input's evaluationInterval). */
export const SLI_LONG_INTERVAL = Duration.minutes(2);

/** Recording rule: error ratio (errors / requests) of the service over `window`. */
export function errorRatioRecordName(window: Duration): string {
  return RECORDS.errorRatio(window);
}

/** The windows the error ratio is recorded over: every burn-rate window plus the SLO period. */
export function sliWindows(period: Duration): Duration[] {
  return uniqueSorted([BASE_RATE_WINDOW, ...TIER_WINDOWS, period]);
}

/** The fast and the long-window SLI groups of one service. */
export function sliRecordingGroups(
  input: ResolvedAlertRulesInput,
  q: AlertQueries,
  names: { readonly recording: string; readonly longRecording: string },
): RuleGroup[] {
  const p = input.preset;
  const base = promDuration(BASE_RATE_WINDOW);
  const requests = q.recorded(RECORDS.requestRate);
  const errors = q.recorded(RECORDS.errorRate);
  const ratioOver = (window: Duration): RecordingRule => ({
    record: RECORDS.errorRatio(window),
    expr:
      window.toMilliseconds() === BASE_RATE_WINDOW.toMilliseconds()
        ? `${errors}\n/\n${requests}`
        : `sum_over_time(${errors}[${promDuration(window)}])\n/\nsum_over_time(${requests}[${promDuration(window)}])`,
  });
  const windows = sliWindows(input.slo.period);
  const fast = windows.filter((w) => w.toMilliseconds() <= FAST_WINDOW_LIMIT.toMilliseconds());
  const long = windows.filter((w) => w.toMilliseconds() > FAST_WINDOW_LIMIT.toMilliseconds());
  const interval = input.evaluationInterval;
  const longInterval = interval.toMilliseconds() > SLI_LONG_INTERVAL.toMilliseconds() ? interval : SLI_LONG_INTERVAL;
  // The LLM objectives' slow shares (llm.ts), after the error ratio; none without them.
  const llm = llmSliRecords(input, q, FAST_WINDOW_LIMIT);
  return [
    {
      name: names.recording,
      interval: promDuration(interval),
      rules: [
        { record: RECORDS.requestRate, expr: `sum by (namespace, job) (rate(${q.own(p.requests)}[${base}]))` },
        // An error counter with no series yet (no error so far, or vLLM's status="5xx") is 0 errors.
        { record: RECORDS.errorRate, expr: `sum by (namespace, job) (rate(${q.own(p.errors)}[${base}]))\nor\n0 * ${requests}` },
        ...fast.map(ratioOver),
        ...llm.fast,
      ],
    },
    { name: names.longRecording, interval: promDuration(longInterval), rules: [...long.map(ratioOver), ...llm.long] },
  ];
}
