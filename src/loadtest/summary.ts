/**
 * From what a run observed (every response's latency, the counts of failures) to the figures
 * a verdict is made of. Pure: the runner collects, this computes.
 */

/** Why a run ended. */
export type StopReason = 'amount' | 'duration' | 'request cap' | 'time cap';

/** What the runner observed. */
export interface RunObservation {
  /** Latency of every response, any status, in milliseconds (autocannon's `response` event). */
  readonly latenciesMs: ArrayLike<number>;
  /** Responses with a 2xx status. */
  readonly ok: number;
  /** Responses with any other status (autocannon's `non2xx`: 1xx, 3xx, 4xx, 5xx). */
  readonly non2xx: number;
  /**
   * autocannon's `errors`: connection errors AND timeouts. Its run loop counts a timeout in
   * both `errors` and `timeouts` (autocannon lib/run.js onTimeout, 9.0.0), so socket errors
   * are `errors - timeouts`.
   */
  readonly errors: number;
  readonly timeouts: number;
  readonly elapsedSeconds: number;
  readonly stoppedBy: StopReason;
  readonly statusCodes: Readonly<Record<string, number>>;
}

export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

export interface RunSummary {
  readonly requests: {
    /** Requests that got an answer or failed: responses + socket errors + timeouts. */
    readonly total: number;
    readonly ok: number;
    readonly non2xx: number;
    readonly socketErrors: number;
    readonly timeouts: number;
  };
  /** Milliseconds; undefined when no response came back. */
  readonly latencyMs?: LatencySummary;
  /** Responses (any status) per second of the run. */
  readonly throughputRps: number;
  /** (non-2xx + socket errors + timeouts) / total; undefined when nothing was sent. */
  readonly errorRate?: number;
  readonly elapsedSeconds: number;
  readonly stoppedBy: StopReason;
  readonly statusCodes: Readonly<Record<string, number>>;
}

/**
 * The p-th percentile (0 < p <= 100) of ascending values, nearest rank: the smallest value
 * with at least p % of the values at or below it. Undefined for no values.
 */
export function percentile(sortedAscending: ArrayLike<number>, p: number): number | undefined {
  const n = sortedAscending.length;
  if (n === 0) return undefined;
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return sortedAscending[rank - 1];
}

/**
 * Percentiles of every recorded latency. autocannon reports no p95 (its latency object has
 * p2_5, p50, p75, p90, p97_5, p99, p99_9, ...: hdr-histogram-percentiles-obj 3.0.0), so the
 * three percentiles are computed here, all from one data set: the latency of every response
 * as autocannon's `response` event gives it. Exact (sorted samples) rather than an HDR
 * histogram: a run is capped at LIMITS.hardMaxRequests, so the samples fit in 8 MB, and the
 * HDR library autocannon uses is not a dependency of this package. autocannon's own
 * histogram is also not used because under a rate limit (overallRate) it adds coordinated-
 * omission samples with an expected interval of ceil(1 / rate-per-connection) ms, i.e. 1 ms,
 * which fills the histogram with synthetic short latencies (lib/run.js onResponse, 9.0.0).
 */
export function summarizeLatency(latenciesMs: ArrayLike<number>): LatencySummary | undefined {
  if (latenciesMs.length === 0) return undefined;
  const sorted = Float64Array.from(latenciesMs).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    p50: percentile(sorted, 50)!,
    p95: percentile(sorted, 95)!,
    p99: percentile(sorted, 99)!,
    mean: sum / sorted.length,
    max: sorted[sorted.length - 1],
  };
}

export function summarizeRun(run: RunObservation): RunSummary {
  const socketErrors = Math.max(0, run.errors - run.timeouts);
  const responses = run.ok + run.non2xx;
  const total = responses + socketErrors + run.timeouts;
  const latencyMs = summarizeLatency(run.latenciesMs);
  return {
    requests: { total, ok: run.ok, non2xx: run.non2xx, socketErrors, timeouts: run.timeouts },
    ...(latencyMs ? { latencyMs } : {}),
    // Responses over the measured wall time, not autocannon's requests.average (the mean of
    // its per-sample counts), which a short run's partial last sample drags down.
    throughputRps: run.elapsedSeconds > 0 ? responses / run.elapsedSeconds : 0,
    ...(total > 0 ? { errorRate: (run.non2xx + socketErrors + run.timeouts) / total } : {}),
    elapsedSeconds: run.elapsedSeconds,
    stoppedBy: run.stoppedBy,
    statusCodes: run.statusCodes,
  };
}
