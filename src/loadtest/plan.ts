/** From a scenario and the user's overrides to one bounded run (pure). */
import { LoadPlan } from './run';
import { Scenario } from './scenarios';

/** Validated overrides (the CLI checks ranges and relations before calling). */
export interface LoadtestOverrides {
  readonly users?: number;
  readonly amount?: number;
  readonly durationSeconds?: number;
  readonly rate?: number;
  readonly method?: string;
  /** Replaces the scenario's body. */
  readonly body?: string;
  readonly timeoutSeconds?: number;
  /** The request cap in force (LIMITS.defaultMaxRequests unless --max-requests). */
  readonly maxRequests: number;
  /** The time cap in force, seconds (LIMITS.defaultMaxDurationSeconds unless --max-duration). */
  readonly maxDurationSeconds: number;
}

/** The URL a run targets: the scenario's path when `--url` has none (`http://host:8000` or `http://host:8000/`). */
export function targetUrl(url: string, scenario: Scenario): string {
  const u = new URL(url);
  if ((u.pathname === '' || u.pathname === '/') && !u.search) u.pathname = scenario.path;
  return u.toString();
}

/** The URL for people: a password in it shown as `***`. */
export function displayUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** Methods that carry no request body. */
const BODYLESS = new Set(['GET', 'HEAD']);

/**
 * Every run has both bounds: the count and the time of the scenario (or of --amount and
 * --duration) when given, the caps otherwise; the first reached ends the run. A scenario
 * count or time above a lowered cap is cut to the cap.
 */
export function planRun(url: string, scenario: Scenario, o: LoadtestOverrides): LoadPlan {
  const amount = o.amount ?? scenario.amount;
  const duration = o.durationSeconds ?? scenario.durationSeconds;
  const method = o.method ?? scenario.method;
  const body = BODYLESS.has(method) ? undefined : (o.body ?? scenario.body);
  const rate = o.rate ?? scenario.overallRate;
  return {
    url: targetUrl(url, scenario),
    method,
    ...(body !== undefined ? { body } : {}),
    headers: body !== undefined ? scenario.headers : {},
    // autocannon opens no more connections than the rate (lib/run.js, 9.0.0): say so in the plan.
    connections: Math.min(o.users ?? scenario.connections, rate ?? Infinity),
    amount: amount !== undefined && amount <= o.maxRequests ? amount : o.maxRequests,
    amountIs: amount !== undefined && amount <= o.maxRequests ? 'amount' : 'request cap',
    durationSeconds: duration !== undefined && duration <= o.maxDurationSeconds ? duration : o.maxDurationSeconds,
    durationIs: duration !== undefined && duration <= o.maxDurationSeconds ? 'duration' : 'time cap',
    ...(rate !== undefined ? { overallRate: rate } : {}),
    timeoutSeconds: o.timeoutSeconds ?? scenario.timeoutSeconds,
  };
}
