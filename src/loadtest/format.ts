/** A load-test report as text, Markdown or JSON, and the progress bar (pure). */
import { formatSeconds } from './limits';
import { LoadPlan } from './run';
import { Metric, Threshold } from './scenarios';
import { RunSummary } from './summary';
import { Verdict } from './verdict';

export type ReportFormat = 'text' | 'json' | 'markdown';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'markdown'];

export interface LoadtestReport {
  readonly scenario: string;
  /** The target, a password in it hidden. */
  readonly url: string;
  readonly plan: Omit<LoadPlan, 'url' | 'body' | 'headers'>;
  /** The --slo file the SLO thresholds came from. */
  readonly sloFile?: string;
  readonly summary: RunSummary;
  readonly verdicts: readonly Verdict[];
  /** Every threshold held. */
  readonly pass: boolean;
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

/** `21.3 ms`, `1.52 s`. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${round(ms / 1000, 3)} s`;
  return `${round(ms, ms < 10 ? 2 : 1)} ms`;
}

/** `5 %`, `0.1 %`, `0.05 %`. */
export function formatRatio(ratio: number): string {
  return `${round(ratio * 100, 3)} %`;
}

const METRIC_LABEL: Readonly<Record<Metric, string>> = {
  p50: 'p50 latency',
  p95: 'p95 latency',
  p99: 'p99 latency',
  mean: 'mean latency',
  errorRate: 'error rate',
  throughput: 'throughput',
};

export function formatValue(metric: Metric, value: number | undefined): string {
  if (value === undefined) return 'n/a (no response)';
  if (metric === 'errorRate') return formatRatio(value);
  if (metric === 'throughput') return `${round(value, 1)} req/s`;
  return formatMs(value);
}

export function formatLimit(t: Threshold): string {
  return `${t.op} ${formatValue(t.metric, t.limit)}`;
}

function planLine(r: LoadtestReport): string {
  const p = r.plan;
  const count = `${p.amount.toLocaleString('en-US')} requests${p.amountIs === 'request cap' ? ' (request cap)' : ''}`;
  const time = `${formatSeconds(p.durationSeconds)}${p.durationIs === 'time cap' ? ' (time cap)' : ''}`;
  const rate = p.overallRate !== undefined ? `${p.overallRate} req/s` : 'no rate limit';
  return `${p.connections} users, ${p.method}, up to ${count} or ${time}, whichever first; ${rate}; timeout ${formatSeconds(p.timeoutSeconds)}`;
}

function stopLine(s: RunSummary): string {
  const why = { amount: 'all requests done', duration: 'duration reached', 'request cap': 'request cap reached', 'time cap': 'time cap reached' }[s.stoppedBy];
  return `${why} after ${formatSeconds(s.elapsedSeconds)}`;
}

function verdictLine(r: LoadtestReport): string {
  const missed = r.verdicts.filter((v) => !v.pass).length;
  if (r.verdicts.length === 0) return 'PASS: no thresholds to judge';
  const total = r.verdicts.length;
  if (missed === 0) return total === 1 ? 'PASS: the threshold holds' : `PASS: all ${total} thresholds hold`;
  return total === 1 ? 'FAIL: the threshold is missed' : `FAIL: ${missed} of ${total} thresholds missed`;
}

export function formatText(r: LoadtestReport): string {
  const s = r.summary;
  const q = s.requests;
  const l = s.latencyMs;
  const lines = [
    `loadtest ${r.scenario}: ${r.url}`,
    `  ${planLine(r)}`,
    `  ${stopLine(s)}`,
    '',
    `  requests     ${q.total} (2xx ${q.ok}, non-2xx ${q.non2xx}, socket errors ${q.socketErrors}, timeouts ${q.timeouts})`,
    `  latency      ${l ? `p50 ${formatMs(l.p50)}, p95 ${formatMs(l.p95)}, p99 ${formatMs(l.p99)}, mean ${formatMs(l.mean)}, max ${formatMs(l.max)}` : 'n/a (no response)'}`,
    `  throughput   ${formatValue('throughput', s.throughputRps)}`,
    `  error rate   ${formatValue('errorRate', s.errorRate)}`,
  ];
  if (r.verdicts.length > 0) {
    const rows = r.verdicts.map((v) => [v.pass ? 'pass' : 'FAIL', METRIC_LABEL[v.metric], formatValue(v.metric, v.measured), formatLimit(v), v.source]);
    const head = ['', 'threshold', 'measured', 'limit', 'source'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const fmt = (row: string[]) => `  ${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}`.trimEnd();
    lines.push('', fmt(head), ...rows.map(fmt));
  }
  if (r.sloFile) lines.push('', `  SLO thresholds from ${r.sloFile} replace the scenario's for the same metric.`);
  lines.push('', verdictLine(r));
  return lines.join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function formatMarkdown(r: LoadtestReport): string {
  const s = r.summary;
  const q = s.requests;
  const l = s.latencyMs;
  const lines = [
    `### Load test \`${r.scenario}\`: ${cell(r.url)}`,
    '',
    `${planLine(r)}; ${stopLine(s)}.`,
    '',
    '| figure | value |',
    '| :--- | ---: |',
    `| requests | ${q.total} |`,
    `| 2xx / non-2xx / socket errors / timeouts | ${q.ok} / ${q.non2xx} / ${q.socketErrors} / ${q.timeouts} |`,
    `| p50 latency | ${l ? formatMs(l.p50) : 'n/a'} |`,
    `| p95 latency | ${l ? formatMs(l.p95) : 'n/a'} |`,
    `| p99 latency | ${l ? formatMs(l.p99) : 'n/a'} |`,
    `| mean latency | ${l ? formatMs(l.mean) : 'n/a'} |`,
    `| throughput | ${formatValue('throughput', s.throughputRps)} |`,
    `| error rate | ${formatValue('errorRate', s.errorRate)} |`,
  ];
  if (r.verdicts.length > 0) {
    lines.push('', '| verdict | threshold | measured | limit | source |', '| :--- | :--- | ---: | ---: | :--- |');
    for (const v of r.verdicts) {
      lines.push(`| ${v.pass ? 'pass' : '**FAIL**'} | ${METRIC_LABEL[v.metric]} | ${formatValue(v.metric, v.measured)} | ${cell(formatLimit(v))} | ${cell(v.source)} |`);
    }
  }
  lines.push('', `**${verdictLine(r)}**`);
  return lines.join('\n');
}

/** The report as JSON: figures in their units (milliseconds, ratio, req/s), one verdict per threshold. */
export function formatJson(r: LoadtestReport): string {
  return JSON.stringify(
    {
      scenario: r.scenario,
      url: r.url,
      plan: r.plan,
      ...(r.sloFile ? { sloFile: r.sloFile } : {}),
      requests: r.summary.requests,
      latencyMs: r.summary.latencyMs ?? null,
      throughputRps: r.summary.throughputRps,
      errorRate: r.summary.errorRate ?? null,
      elapsedSeconds: r.summary.elapsedSeconds,
      stoppedBy: r.summary.stoppedBy,
      statusCodes: r.summary.statusCodes,
      verdicts: r.verdicts.map((v) => ({ metric: v.metric, op: v.op, limit: v.limit, measured: v.measured ?? null, pass: v.pass, source: v.source })),
      pass: r.pass,
    },
    null,
    2,
  );
}

export function formatReport(r: LoadtestReport, format: ReportFormat): string {
  return format === 'json' ? formatJson(r) : format === 'markdown' ? formatMarkdown(r) : formatText(r);
}

/** `[#########...........]  45 %  450 requests  1.2 s` */
export function progressBar(fraction: number, done: number, elapsedSeconds: number, width = 30): string {
  const f = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(f * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(f * 100)).padStart(3)} %  ${done} requests  ${formatSeconds(elapsedSeconds)}`;
}
