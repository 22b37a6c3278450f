/**
 * docs/RULES.md, generated from the catalogue (`npx tsx scripts/rules-doc.ts`); a test keeps
 * the file and the code in step.
 */
import { RULE_IDS, SUPPRESS_RULES_ANNOTATION } from '../conventions';
import { PACKS, RULES } from './catalogue';
import { PACK_NAMES, Rule } from './types';

/** One rule's section (also the SARIF help text). */
export function ruleDoc(r: Rule): string {
  return [`### ${r.id} ${r.name} (${r.level})`, '', r.summary, '', `**Why.** ${r.why}`, '', `**Fix.** ${r.fix}`, ''].join('\n');
}

/** The whole of docs/RULES.md. */
export function rulesMarkdown(): string {
  const out: string[] = [
    '# Policy rules',
    '',
    '<!-- Generated from src/rules by `npx tsx scripts/rules-doc.ts`; do not edit by hand (a test compares). -->',
    '',
    'Each rule is a pure check over synthesized Kubernetes objects (the library\'s own, or any hand-written manifest). An `error` fails the check: `cdk8s synth` with the validation plugin, and `cdk8s-ai-inference check` exits 1. A `warning` is reported and never fails.',
    '',
    '## Suppressing a rule',
    '',
    `Annotate the object the finding is about with \`${SUPPRESS_RULES_ANNOTATION}\`, a JSON list of entries with the rule id and a reason. The reason is required (a suppression without one is itself an error, ${RULE_IDS.suppressionInvalid}) and every report lists the suppressed findings with it.`,
    '',
    '```yaml',
    'metadata:',
    '  annotations:',
    `    ${SUPPRESS_RULES_ANNOTATION}: '[{"id":"${RULE_IDS.imagePinned}","reason":"the deploy pipeline pins the digest"}]'`,
    '```',
    '',
    '## Rules',
    '',
    '| id | name | pack | level |',
    '|---|---|---|---|',
    ...RULES.map((r) => `| [${r.id}](#${anchor(r)}) | ${r.name} | ${r.pack} | ${r.level} |`),
    '',
  ];
  for (const pack of PACK_NAMES) {
    out.push(`## Pack \`${pack}\``, '', PACKS[pack], '');
    for (const r of RULES.filter((x) => x.pack === pack)) out.push(ruleDoc(r));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** GitHub's heading anchor for a rule section. */
function anchor(r: Rule): string {
  return `${r.id} ${r.name} (${r.level})`.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}
