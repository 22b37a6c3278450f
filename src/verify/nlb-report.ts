/**
 * Renders verify-nlb's rows: an aligned text table for people, JSON for machines. Pure.
 */
import { Row } from './nlb-compare';

export interface ReportHeader {
  readonly service: string;
  readonly cluster: string;
  readonly region?: string;
  readonly loadBalancer?: { readonly arn?: string; readonly name?: string; readonly dnsName?: string };
  /** How the load balancer was found (tags, count scanned). */
  readonly foundBy: string;
  readonly notes: readonly string[];
}

export function summaryOf(rows: readonly Row[]): { ok: number; drift: number; missing: number } {
  return {
    ok: rows.filter((r) => r.status === 'ok').length,
    drift: rows.filter((r) => r.status === 'drift').length,
    missing: rows.filter((r) => r.status === 'missing').length,
  };
}

/** Longest EXPECTED / LIVE cell of the text table; longer values keep their head and tail (JSON has them whole). */
export const TEXT_CELL_MAX = 48;

function clip(value: string): string {
  if (value.length <= TEXT_CELL_MAX) return value;
  // ARNs differ in their tail (the id), so keep more of it.
  const head = 14;
  return `${value.slice(0, head)}…${value.slice(value.length - (TEXT_CELL_MAX - head - 1))}`;
}

/** The text report: header lines, the table (STATUS CHECK EXPECTED LIVE FROM), the summary. */
export function formatText(header: ReportHeader, rows: readonly Row[]): string {
  const lines: string[] = [];
  const lb = header.loadBalancer;
  lines.push(`Service ${header.service} in cluster ${header.cluster}${header.region ? ` (region ${header.region})` : ''}`);
  if (lb) lines.push(`NLB ${lb.name ?? '?'} ${lb.arn ?? ''}`.trimEnd(), ...(lb.dnsName ? [`  DNS ${lb.dnsName}`] : []));
  lines.push(`  ${header.foundBy}`);
  for (const note of header.notes) lines.push(`note: ${note}`);
  lines.push('');
  const table = [['STATUS', 'CHECK', 'EXPECTED', 'LIVE', 'FROM'], ...rows.map((r) => [r.status.toUpperCase(), r.check, clip(r.expected), clip(r.live), r.from])];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((cells) => cells[i].length)));
  for (const cells of table) lines.push(cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c)).join('  ').trimEnd());
  const s = summaryOf(rows);
  lines.push('', `${s.ok} ok, ${s.drift} drift, ${s.missing} missing`);
  return lines.join('\n');
}

/** The JSON report (one object; `exitCode` is the command's). */
export function formatJson(header: ReportHeader, rows: readonly Row[], exitCode: number): string {
  return JSON.stringify({ ...header, rows, summary: summaryOf(rows), exitCode }, null, 2);
}
