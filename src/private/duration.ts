import { Duration } from 'cdk8s';
import { z } from 'zod';

/**
 * The one Duration-to-text formatter: rule `for`/windows, adapter and KEDA query windows,
 * and the values in error messages all use it. (cdk8s' toHumanString() prints
 * Duration.hours(2) as "1 hour 60 minutes".)
 */

const UNITS: readonly (readonly [string, number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/**
 * Prometheus duration text of a Duration: `5m`, `1h`, `30d`, `1h30m`, `0s`. Days are the
 * largest unit (weeks and years are valid Prometheus units but read worse).
 */
export function promDuration(d: Duration): string {
  let ms = d.toMilliseconds();
  if (!Number.isInteger(ms) || ms < 0) {
    throw new Error(`duration (${ms} ms) must be a non-negative whole number of milliseconds`);
  }
  if (ms === 0) return '0s';
  let text = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(ms / size);
    if (n > 0) {
      text += `${n}${unit}`;
      ms -= n * size;
    }
  }
  return text;
}

/** Prometheus duration text (`30s`, `5m`, `1h30m`), as rule files take it in `for` and `interval`. */
const PROM_DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
export const zPromDuration = z.string().regex(PROM_DURATION, 'must be a Prometheus duration like 30s, 5m, 1h30m; fix it');
