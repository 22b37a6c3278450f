/** Thresholds against a run's figures: one verdict per threshold, pass or fail. */
import { Metric, Threshold } from './scenarios';
import { RunSummary } from './summary';

export interface Verdict extends Threshold {
  /** The figure the threshold compared; undefined when the run has none (no response came back). */
  readonly measured?: number;
  readonly pass: boolean;
}

export function measuredValue(summary: RunSummary, metric: Metric): number | undefined {
  switch (metric) {
    case 'p50':
    case 'p95':
    case 'p99':
    case 'mean':
      return summary.latencyMs?.[metric];
    case 'errorRate':
      return summary.errorRate;
    case 'throughput':
      return summary.throughputRps;
  }
}

/** A threshold with no measured figure fails: a run that got no answer proves nothing. */
export function judge(summary: RunSummary, thresholds: readonly Threshold[]): Verdict[] {
  return thresholds.map((t) => {
    const measured = measuredValue(summary, t.metric);
    const pass = measured !== undefined && (t.op === '<' ? measured < t.limit : t.op === '<=' ? measured <= t.limit : measured >= t.limit);
    return { ...t, ...(measured !== undefined ? { measured } : {}), pass };
  });
}

/**
 * The thresholds of a run with an SLO read from manifests: the SLO's threshold REPLACES the
 * scenario's for the same metric (the deployed service's own objective is what it promises;
 * the seeds' figures are generic), and the scenario's thresholds for other metrics stay.
 * Order: the scenario's order, then SLO metrics the scenario lacks.
 */
export function combineThresholds(scenario: readonly Threshold[], slo: readonly Threshold[]): Threshold[] {
  const fromSlo = new Map(slo.map((t) => [t.metric, t]));
  const merged = scenario.map((t) => fromSlo.get(t.metric) ?? t);
  const present = new Set(scenario.map((t) => t.metric));
  return [...merged, ...slo.filter((t) => !present.has(t.metric))];
}
