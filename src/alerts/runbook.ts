import { ALERT_CATALOGUE, AlertCatalogueEntry } from './catalogue';
import { promDuration } from '../private/duration';

/**
 * The default `for` of an entry in words: `5m`, `at once`, `10m (at least the startup
 * grace)`, or the tiers' `2m / 15m`.
 */
export function describeFor(entry: AlertCatalogueEntry): string {
  if (entry.for === undefined) return (entry.tiers ?? []).map((t) => promDuration(t.for)).join(' / ');
  if (entry.for.toMilliseconds() === 0) return 'at once';
  const floor = entry.forAtLeast === 'startupGrace' ? ' (at least the startup grace)' : '';
  return `${promDuration(entry.for)}${floor}`;
}

/** The runbook anchor of an alert (GitHub's anchor of a heading with the alert name). */
export function runbookAnchor(name: string): string {
  return name.toLowerCase();
}

/**
 * Markdown of the alert catalogue for the README: a table (alert, severity, fires when,
 * for) linking to one section per alert with what it means, first checks and likely
 * fixes. The section headings are the alert names, so GitHub's anchors equal the
 * `runbook_url` anchors of the rules.
 */
export function runbookMarkdown(entries: readonly AlertCatalogueEntry[] = ALERT_CATALOGUE, headingLevel = 3): string {
  const hashes = '#'.repeat(headingLevel);
  const lines = ['| Alert | Severity | Fires when (default) | For |', '|---|---|---|---|'];
  for (const e of entries) {
    lines.push(`| [${e.name}](#${runbookAnchor(e.name)}) | ${e.severity} | ${e.firesWhen} | ${describeFor(e)} |`);
  }
  for (const e of entries) {
    lines.push(
      '',
      `${hashes} ${e.name}`,
      '',
      `Severity ${e.severity}; fires when ${e.firesWhen}, for ${describeFor(e)}.`,
      '',
      `**Meaning.** ${e.meaning}`,
      '',
      '**First checks**',
      '',
      ...e.firstChecks.map((c) => `- ${c}`),
      '',
      '**Likely fixes**',
      '',
      ...e.likelyFixes.map((f) => `- ${f}`),
    );
  }
  return `${lines.join('\n')}\n`;
}
