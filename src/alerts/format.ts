/**
 * Small formatting helpers for PromQL and rule files. Pure functions.
 */

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

/** The `$value` templates of annotations, by the unit of the value. */
export const VALUE = {
  seconds: '{{ $value | humanizeDuration }}',
  ratio: '{{ $value | humanizePercentage }}',
  number: '{{ $value | humanize }}',
  raw: '{{ $value }}',
} as const;
