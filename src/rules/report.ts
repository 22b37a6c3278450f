/** Reports of a check: text for people, JSON for scripts, SARIF 2.1.0 for code scanning. */
import { CheckResult } from './check';
import { Finding } from './types';

function where(f: Finding): string {
  const ns = f.object.namespace ? `${f.object.namespace}/` : '';
  const at = f.location ? `${f.location.file}:${f.location.line}: ` : '';
  return `${at}${f.object.kind} ${ns}${f.object.name}`;
}

/**
 * One finding on one line, `AII-R020 image-pinned: Deployment shop/llm: <message>`: what a
 * chart hands `node.addValidation` when it runs the pack at synth.
 */
export function formatFinding(f: Finding): string {
  const ns = f.object.namespace ? `${f.object.namespace}/` : '';
  return `${f.ruleId} ${f.ruleName}: ${f.object.kind} ${ns}${f.object.name}: ${f.message}`;
}

/** The text report: one block per finding, then the suppressed findings with their reasons, then a summary line. */
export function formatText(result: CheckResult): string {
  const lines: string[] = [];
  let last = -2;
  for (const f of result.findings) {
    // One heading per object; its findings below it.
    if (f.object.index !== last) lines.push(where(f));
    last = f.object.index;
    lines.push(`  ${f.level} ${f.ruleId} ${f.ruleName}: ${f.message}`);
  }
  if (result.suppressed.length) {
    if (lines.length) lines.push('');
    lines.push(`Suppressed (${result.suppressed.length}):`);
    for (const f of result.suppressed) {
      lines.push(`${where(f)}`, `  ${f.level} ${f.ruleId} ${f.ruleName}, suppressed: ${f.reason}`, `    ${f.message}`);
    }
  }
  if (lines.length) lines.push('');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(
    `${plural(result.objectCount, 'object')} checked against ${plural(result.rules.length, 'rule')}: ${plural(result.errorCount, 'error')}, ${plural(result.warningCount, 'warning')}, ${result.suppressed.length} suppressed${result.failed ? ' (failed)' : ''}`,
  );
  return lines.join('\n');
}

/** The JSON report (stable field names; `version` changes if they do). */
export function toJsonReport(result: CheckResult): object {
  const finding = (f: Finding) => ({
    ruleId: f.ruleId,
    rule: f.ruleName,
    pack: f.pack,
    level: f.level,
    message: f.message,
    ...(f.path ? { path: f.path } : {}),
    object: { ...(f.object.apiVersion ? { apiVersion: f.object.apiVersion } : {}), kind: f.object.kind, name: f.object.name, ...(f.object.namespace ? { namespace: f.object.namespace } : {}) },
    ...(f.location ? { file: f.location.file, line: f.location.line } : {}),
  });
  return {
    version: 1,
    failed: result.failed,
    summary: { objects: result.objectCount, rules: result.rules.length, errors: result.errorCount, warnings: result.warningCount, suppressed: result.suppressed.length },
    findings: result.findings.map(finding),
    suppressed: result.suppressed.map((f) => ({ ...finding(f), reason: f.reason })),
  };
}
