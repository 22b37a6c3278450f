/**
 * Suppressions: an object silences a rule's findings on itself with the annotation
 * SUPPRESS_RULES_ANNOTATION, a JSON list of `{"id": "AII-R0xx", "reason": "..."}`. A reason is
 * required and is printed beside every finding it silences; a malformed entry, a missing
 * reason or an unknown id is itself an error (rule AII-R001), which cannot be suppressed.
 */
import { RULE_IDS, SUPPRESS_RULES_ANNOTATION } from '../conventions';
import { annotationsOf, keyPath } from './objects';
import { K8sObject, RawFinding, Rule } from './types';

export interface Suppression {
  readonly id: string;
  readonly reason: string;
}

/** The valid suppressions of an object and the problems of the invalid ones. */
export function parseSuppressions(object: K8sObject, knownIds: ReadonlySet<string>): { suppressions: Suppression[]; problems: string[] } {
  const raw = annotationsOf(object)[SUPPRESS_RULES_ANNOTATION];
  const path = keyPath('metadata.annotations', SUPPRESS_RULES_ANNOTATION);
  if (raw === undefined) return { suppressions: [], problems: [] };
  const example = `[{"id":"${RULE_IDS.imagePinned}","reason":"why this object may break the rule"}]`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(raw));
  } catch {
    return { suppressions: [], problems: [`${path} is not JSON; write a list such as ${example}`] };
  }
  if (!Array.isArray(parsed)) return { suppressions: [], problems: [`${path} must be a JSON list of {"id","reason"} entries, e.g. ${example}`] };
  const suppressions: Suppression[] = [];
  const problems: string[] = [];
  parsed.forEach((entry, i) => {
    const at = `${path}[${i}]`;
    if (typeof entry !== 'object' || entry === null || typeof (entry as Suppression).id !== 'string') {
      problems.push(`${at} must be an object with a rule "id" and a "reason", e.g. ${example}`);
      return;
    }
    const { id, reason } = entry as { id: string; reason?: unknown };
    if (!knownIds.has(id)) {
      problems.push(`${at}.id ("${id}") is not a rule id of the pack; use one of the ids in docs/RULES.md`);
      return;
    }
    if (id === RULE_IDS.suppressionInvalid) {
      problems.push(`${at}.id ("${id}") cannot be suppressed; fix the suppression instead`);
      return;
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      problems.push(`${at}.reason (${reason === undefined ? 'not set' : JSON.stringify(reason)}) is required: a suppression says why the object may break ${id}; add a "reason"`);
      return;
    }
    suppressions.push({ id, reason: reason.trim() });
  });
  return { suppressions, problems };
}

/** Rule AII-R001, over every object; `knownIds` are the ids of the whole catalogue. */
export function suppressionRule(knownIds: () => ReadonlySet<string>): Rule {
  return {
    id: RULE_IDS.suppressionInvalid,
    name: 'suppression-valid',
    pack: 'suppressions',
    level: 'error',
    summary: `Every suppression (annotation ${SUPPRESS_RULES_ANNOTATION}) names a rule id of the pack and gives a reason.`,
    why: 'A suppression is a decision a reviewer must be able to read: without a reason nobody can tell later whether the exception still holds, and a misspelt id silences nothing while looking like it does.',
    fix: `Write the annotation as a JSON list of {"id","reason"} entries with a non-empty reason, e.g. ${SUPPRESS_RULES_ANNOTATION}: '[{"id":"${RULE_IDS.imagePinned}","reason":"pinned by digest at deploy time"}]'.`,
    check(ctx) {
      const ids = knownIds();
      const out: RawFinding[] = [];
      for (const object of ctx.objects) {
        for (const message of parseSuppressions(object, ids).problems) {
          out.push({ object, path: keyPath('metadata.annotations', SUPPRESS_RULES_ANNOTATION), message });
        }
      }
      return out;
    },
  };
}
