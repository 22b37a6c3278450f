/**
 * Output of `diff`: text for a terminal, Markdown for a pull-request comment (a summary table,
 * then the findings, destructive first, then per-object details), JSON for tools.
 */
import { stringify } from 'yaml';
import { describeId } from './load';
import { DiffFinding, FieldChange, FINDING_LEVELS, FindingLevel, ObjectDiff, Review } from './types';

export const FORMATS = ['text', 'markdown', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** GitHub refuses comments over 65536 characters; details stop before that. */
export const MARKDOWN_BUDGET = 60_000;

export function formatReview(review: Review, format: Format): string {
  if (format === 'json') return `${JSON.stringify(toJson(review), null, 2)}\n`;
  if (format === 'markdown') return formatMarkdown(review);
  return formatText(review);
}

function counts(review: Review): string {
  const by = new Map<string, number>();
  for (const o of review.objects) by.set(o.status, (by.get(o.status) ?? 0) + 1);
  const parts = (['removed', 'renamed', 'changed', 'added', 'unchanged'] as const).filter((s) => by.has(s)).map((s) => `${by.get(s)} ${s}`);
  return parts.length > 0 ? parts.join(', ') : 'no objects';
}

function findingCounts(findings: readonly DiffFinding[]): string {
  if (findings.length === 0) return 'no findings';
  return FINDING_LEVELS.map((l) => `${findings.filter((f) => f.level === l).length} ${l}`).join(', ');
}

function sideLine(review: Review): string {
  return `base ${review.base.source} (${review.base.objects.length} objects) -> head ${review.head.source} (${review.head.objects.length} objects)`;
}

function objectTitle(d: ObjectDiff): string {
  if (d.status === 'renamed') return `${describeId(d.base!.id)} -> ${describeId(d.head!.id)}`;
  return describeId((d.base ?? d.head)!.id);
}

function statusText(d: ObjectDiff): string {
  if (d.status === 'renamed') return `renamed (${Math.round((d.similarity ?? 0) * 100)} % alike after the name mapping), ${d.changes.length} field changes`;
  if (d.status === 'changed') return `changed, ${d.changes.length} field${d.changes.length === 1 ? '' : 's'}`;
  return d.status;
}

/** A value on one line, for messages. */
export function inline(v: unknown, max = 160): string {
  if (v === undefined) return '(unset)';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A value as lines: strings as they are, maps and lists as YAML. */
function lines(v: unknown): string[] {
  if (v === undefined) return [];
  if (typeof v === 'string') return v.includes('\n') ? v.replace(/\n$/, '').split('\n') : [JSON.stringify(v)];
  if (typeof v === 'object' && v !== null) return stringify(v, { lineWidth: 0 }).replace(/\n$/, '').split('\n');
  return [JSON.stringify(v)];
}

/** A line diff (longest common subsequence) of two multi-line values: ' ', '-', '+' prefixed. */
function lineDiff(a: string[], b: string[]): string[] {
  const n = a.length;
  const m = b.length;
  if (n * m > 4_000_000) return [...a.map((l) => `- ${l}`), ...b.map((l) => `+ ${l}`)];
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  return out;
}

/** Lines of an added or removed value shown before the rest is summarized. */
export const MAX_VALUE_LINES = 24;
/** Unchanged lines kept around each changed line of a multi-line value. */
const CONTEXT = 2;

function capped(ls: string[], mark: string): string[] {
  const shown = ls.slice(0, MAX_VALUE_LINES).map((l) => `${mark} ${l}`);
  if (ls.length > MAX_VALUE_LINES) shown.push(`${mark} … (${ls.length - MAX_VALUE_LINES} more lines)`);
  return shown;
}

/** Keeps changed lines and CONTEXT lines around them; a gap becomes `  …`. */
function withContext(diff: string[]): string[] {
  const keep = diff.map(() => false);
  diff.forEach((l, i) => {
    if (l.startsWith('  ')) return;
    for (let j = Math.max(0, i - CONTEXT); j <= Math.min(diff.length - 1, i + CONTEXT); j++) keep[j] = true;
  });
  const out: string[] = [];
  diff.forEach((l, i) => {
    if (keep[i]) out.push(l);
    else if (out[out.length - 1] !== '  …') out.push('  …');
  });
  return out;
}

/** One change as diff lines under its path. */
function changeLines(c: FieldChange): string[] {
  const a = lines(c.old);
  const b = lines(c.new);
  if (c.op === 'changed' && (a.length > 1 || b.length > 1)) return withContext(lineDiff(a, b));
  return [...capped(a, '-'), ...capped(b, '+')];
}

/** Skipped documents, once when both sides skip the same one. */
function skippedLines(review: Review): string[] {
  const key = (x: { file: string; line: number; reason: string }) => `${x.file}:${x.line}: ${x.reason}`;
  const base = review.base.skipped.map(key);
  const head = review.head.skipped.map(key);
  return [
    ...base.map((k) => `Skipped (${head.includes(k) ? 'both sides' : 'base'}) ${k}`),
    ...head.filter((k) => !base.includes(k)).map((k) => `Skipped (head) ${k}`),
  ];
}

function formatText(review: Review): string {
  const out: string[] = [`cdk8s-ai-inference diff: ${sideLine(review)}`, `Objects: ${counts(review)}`, `Findings: ${findingCounts(review.findings)}`];
  for (const s of skippedLines(review)) out.push(s);
  if (review.findings.length > 0) {
    out.push('');
    for (const f of review.findings) {
      out.push(`${f.level.toUpperCase()} ${f.id} ${f.rule}: ${f.object}`, `  ${f.message}`, `  why: ${f.why}`, `  fix: ${f.fix}`);
    }
  }
  const shown = review.objects.filter((o) => o.status !== 'unchanged');
  if (shown.length > 0) out.push('', 'Changes:');
  for (const d of shown) {
    const mark = { added: '+', removed: '-', renamed: '>', changed: '~', unchanged: ' ' }[d.status];
    out.push(`${mark} ${objectTitle(d)}: ${statusText(d)} [${(d.head ?? d.base)!.file}]`);
    for (const c of d.changes) {
      out.push(`    ${c.op === 'added' ? '+' : c.op === 'removed' ? '-' : '~'} ${c.pathText}`);
      for (const l of changeLines(c)) out.push(`        ${l}`);
    }
  }
  return `${out.join('\n')}\n`;
}

const mdCell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => {
  const run = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const tick = '`'.repeat(run + 1);
  return `${tick}${run > 0 || s.startsWith('`') || s.endsWith('`') ? ` ${s} ` : s}${tick}`;
};
function fence(body: string, lang: string): string {
  const run = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(run + 1);
  return `${f}${lang}\n${body}\n${f}`;
}

function worstLevel(d: ObjectDiff, findings: readonly DiffFinding[]): number {
  const mine = findingsOf(d, findings);
  return mine.length === 0 ? FINDING_LEVELS.length : Math.min(...mine.map((f) => FINDING_LEVELS.indexOf(f.level)));
}
function findingsOf(d: ObjectDiff, findings: readonly DiffFinding[]): DiffFinding[] {
  const subject = (d.base ?? d.head)!;
  const name = describeId(subject.id);
  return findings.filter((f) => f.object === name && f.file === subject.file);
}
const LEVEL_LABEL: Record<FindingLevel, string> = { destructive: '**destructive**', interrupting: 'interrupting', notice: 'notice' };

function formatMarkdown(review: Review): string {
  const out: string[] = ['### cdk8s-ai-inference diff', ''];
  out.push(`**base** ${code(review.base.source)} (${review.base.objects.length} objects) → **head** ${code(review.head.source)} (${review.head.objects.length} objects): ${counts(review)}.`);
  out.push(`Findings: ${findingCounts(review.findings)}.`, '');
  const shown = review.objects.filter((o) => o.status !== 'unchanged').map((d, i) => ({ d, i }));
  shown.sort((x, y) => worstLevel(x.d, review.findings) - worstLevel(y.d, review.findings) || x.i - y.i);
  if (shown.length === 0) {
    out.push('No object differs.');
    return `${out.join('\n')}\n`;
  }
  out.push('| Object | Change | Findings |', '| --- | --- | --- |');
  for (const { d } of shown) {
    const fs = findingsOf(d, review.findings);
    const cell = fs.length === 0 ? '' : [...new Set(fs.map((f) => `${f.level} ${f.id}`))].join(', ');
    out.push(`| ${mdCell(objectTitle(d))} | ${mdCell(statusText(d))} | ${mdCell(cell)} |`);
  }
  if (review.findings.length > 0) {
    out.push('', '#### Findings', '');
    for (const f of review.findings) {
      out.push(`- ${LEVEL_LABEL[f.level]} ${code(f.id)} ${f.rule}: ${f.object}: ${f.message}`);
      out.push(`  - why: ${f.why}`, `  - fix: ${f.fix}`);
    }
  }
  out.push('', '#### Details', '');
  let size = out.join('\n').length;
  let left = 0;
  for (const { d } of shown) {
    const body: string[] = [];
    if (d.status === 'added' || d.status === 'removed') body.push(`${d.status === 'added' ? 'Added' : 'Removed'} (${d.status === 'added' ? 'head' : 'base'} ${code((d.head ?? d.base)!.file)}).`);
    else {
      const diff: string[] = [];
      for (const c of d.changes) diff.push(`@@ ${c.pathText} (${c.op})`, ...changeLines(c));
      body.push(fence(diff.join('\n'), 'diff'));
    }
    const block = ['<details>', `<summary>${escapeHtml(objectTitle(d))}: ${escapeHtml(statusText(d))}</summary>`, '', ...body, '', '</details>', ''].join('\n');
    if (size + block.length > MARKDOWN_BUDGET) {
      left++;
      continue;
    }
    size += block.length;
    out.push(block);
  }
  if (left > 0) out.push(`_${left} more object${left === 1 ? '' : 's'} left out to stay within the comment size limit; run \`cdk8s-ai-inference diff\` with --format text for all._`, '');
  return `${out.join('\n')}`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The JSON report: stable keys for tools. */
export function toJson(review: Review): unknown {
  const ref = (o: ObjectDiff['base']) => (o ? { apiVersion: o.object.apiVersion, kind: o.id.kind, namespace: o.id.namespace || undefined, name: o.id.name, file: o.file, line: o.line } : undefined);
  return {
    base: { source: review.base.source, objects: review.base.objects.length, skipped: review.base.skipped },
    head: { source: review.head.source, objects: review.head.objects.length, skipped: review.head.skipped },
    summary: Object.fromEntries(['added', 'removed', 'renamed', 'changed', 'unchanged'].map((s) => [s, review.objects.filter((o) => o.status === s).length])),
    findingCounts: Object.fromEntries(FINDING_LEVELS.map((l) => [l, review.findings.filter((f) => f.level === l).length])),
    findings: review.findings,
    objects: review.objects
      .filter((o) => o.status !== 'unchanged')
      .map((o) => ({
        status: o.status,
        base: ref(o.base),
        head: ref(o.head),
        similarity: o.similarity,
        changes: o.changes.map((c) => ({ op: c.op, path: c.pathText, old: c.old, new: c.new })),
      })),
  };
}
