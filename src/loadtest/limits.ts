/**
 * How far a load test may go. A load test is traffic aimed at a real service: every run is
 * bounded both in requests and in time, whatever the scenario or the flags say, and the caps
 * themselves can be raised only up to a hard maximum.
 */

export const LIMITS = {
  /** Requests a run may send unless --max-requests says otherwise: the largest seed scenario (sustained, 100,000). */
  defaultMaxRequests: 100_000,
  /** The most --max-requests may allow. Also bounds the latency samples kept in memory (8 bytes each). */
  hardMaxRequests: 1_000_000,
  /** Seconds a run may last unless --max-duration says otherwise: 20 min covers sustained (100,000 at 100 req/s, 16 min 40 s). */
  defaultMaxDurationSeconds: 20 * 60,
  /** The most --max-duration may allow: 2 h. */
  hardMaxDurationSeconds: 2 * 60 * 60,
  /** The shortest --duration: below a second the run is mostly connection setup. */
  minDurationSeconds: 1,
  /** Concurrent connections: one socket each; the seeds go up to 100. */
  maxUsers: 1_000,
  /** Requests per second over all connections (--rate). */
  maxRate: 10_000,
  /** Per-request timeout bounds (--timeout), seconds. */
  minTimeoutSeconds: 1,
  maxTimeoutSeconds: 10 * 60,
  /** Largest --body file. */
  maxBodyBytes: 1024 * 1024,
  /** Largest --slo file (a platform chart's manifests run to a few MB). */
  maxSloBytes: 64 * 1024 * 1024,
} as const;

/** HTTP methods --method accepts. */
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * Seconds of a duration flag: `90`, `90s`, `1500ms`, `5m`, `1h`, `1.5m` (a bare number is
 * seconds, as in seed 004's `--duration 60`). Undefined when the text is not one.
 */
export function parseDurationSeconds(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] ?? 's'];
  return Number.isFinite(seconds) ? seconds : undefined;
}

/** `90 s`, `16 min 40 s`, `2 h`: a number of seconds for people. */
export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  const whole = Math.round(seconds * 100) / 100;
  if (whole < 60) return `${whole} s`;
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = Math.round(whole % 60);
  return [h ? `${h} h` : '', m ? `${m} min` : '', s ? `${s} s` : ''].filter(Boolean).join(' ');
}
