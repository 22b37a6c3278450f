import { Duration } from 'cdk8s';

/**
 * Small formatting helpers for PromQL and rule files. Pure functions.
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
export function toPromDuration(d: Duration): string {
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

/**
 * A number as short PromQL text: 12 significant digits, so 14.4 × (1 − 0.999) prints as
 * `0.0144` and not `0.014400000000000012`.
 */
export function promNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`${n} is not a finite number`);
  return String(Number(n.toPrecision(12)));
}

/** A string as a double-quoted PromQL string literal (escapes `\`, `"` and newlines). */
export function promString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Human text of a number in a unit, for summaries and descriptions: `2s`, `5%`, `10`. */
export function humanThreshold(value: number, unit: string): string {
  switch (unit) {
    case 'seconds':
      return `${promNumber(value)}s`;
    case 'ratio':
      return `${promNumber(value * 100)}%`;
    case 'percent':
      return `${promNumber(value)}%`;
    case 'requests/s':
      return `${promNumber(value)} req/s`;
    default:
      return promNumber(value);
  }
}
