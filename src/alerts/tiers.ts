import { Duration } from 'cdk8s';

/**
 * The multi-window, multi-burn-rate table of the SRE Workbook for a 30-day objective.
 * Source: REFERENCE.md "SLO alerting" (Google SRE Workbook ch. 5, the four-tier form that
 * sloth and kube-prometheus ship). Pure data; the burn-rate alerts of the catalogue take
 * their tiers from here.
 */

/** One tier: the ratio must exceed burnRate × (1 − objective) over both windows. */
export interface BurnRateWindows {
  readonly longWindow: Duration;
  readonly shortWindow: Duration;
  /** Multiple of the budget-neutral error ratio (1 − objective). */
  readonly burnRate: number;
  /** Share of a 30-day budget spent when the tier fires. */
  readonly budgetSpent: number;
  readonly for: Duration;
}

/** The two page tiers (critical) and the two ticket tiers (warning). */
export const SRE_WORKBOOK_TIERS: { readonly page: readonly BurnRateWindows[]; readonly ticket: readonly BurnRateWindows[] } = {
  page: [
    { longWindow: Duration.hours(1), shortWindow: Duration.minutes(5), burnRate: 14.4, budgetSpent: 0.02, for: Duration.minutes(2) },
    { longWindow: Duration.hours(6), shortWindow: Duration.minutes(30), burnRate: 6, budgetSpent: 0.05, for: Duration.minutes(15) },
  ],
  ticket: [
    { longWindow: Duration.days(1), shortWindow: Duration.hours(2), burnRate: 3, budgetSpent: 0.1, for: Duration.hours(1) },
    { longWindow: Duration.days(3), shortWindow: Duration.hours(6), burnRate: 1, budgetSpent: 0.1, for: Duration.hours(3) },
  ],
};

/** Every window of the table, shortest first. */
export const TIER_WINDOWS: readonly Duration[] = uniqueSorted([...SRE_WORKBOOK_TIERS.page, ...SRE_WORKBOOK_TIERS.ticket].flatMap((t) => [t.shortWindow, t.longWindow]));

/** Longest window of the table (3 d): the SLO period must not be shorter. */
export const LONGEST_TIER_WINDOW: Duration = TIER_WINDOWS[TIER_WINDOWS.length - 1];

/** Durations without repeats, shortest first. */
export function uniqueSorted(durations: readonly Duration[]): Duration[] {
  const byMs = new Map<number, Duration>();
  for (const d of durations) byMs.set(d.toMilliseconds(), d);
  return [...byMs.entries()].sort((a, b) => a[0] - b[0]).map(([, d]) => d);
}
