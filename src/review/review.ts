/**
 * The comparison of two manifest sets: objects paired (renames detected), each pair diffed,
 * then the rules run over the pairs. Pure: sources are read by load.ts, output by format.ts.
 */
import { diffValues } from './diff';
import { findChanges } from './findings';
import { describeId } from './load';
import { matchObjects, nameMapping } from './match';
import { redactChange, redactFinding } from './redact';
import { ManifestSet, ObjectDiff, Review } from './types';

const STATUS_ORDER: Record<ObjectDiff['status'], number> = { removed: 0, renamed: 1, changed: 2, added: 3, unchanged: 4 };

/** Compares base with head. */
export function reviewManifests(base: ManifestSet, head: ManifestSet): Review {
  const objects: ObjectDiff[] = matchObjects(base.objects, head.objects).map((p) => {
    if (p.base && p.head) {
      if (p.similarity !== undefined) {
        const changes = diffValues(p.base.object, p.head.object, { mapKey: nameMapping(p.base.id, p.head.id) });
        return { status: 'renamed', base: p.base, head: p.head, changes, similarity: p.similarity };
      }
      const changes = diffValues(p.base.object, p.head.object);
      return { status: changes.length === 0 ? 'unchanged' : 'changed', base: p.base, head: p.head, changes };
    }
    return p.base ? { status: 'removed', base: p.base, changes: [] } : { status: 'added', head: p.head, changes: [] };
  });
  objects.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || label(a).localeCompare(label(b)));
  // Rules read the real values; what is printed never holds a Secret's data or a credential.
  const findings = findChanges(objects).map((f) => {
    const d = objects.find((o) => describeId((o.base ?? o.head)!.id) === f.object && (o.base ?? o.head)!.file === f.file);
    return redactFinding(f, (d?.base ?? d?.head)?.object.kind === 'Secret');
  });
  const shown = objects.map((d) => (d.changes.length === 0 ? d : { ...d, changes: d.changes.map((c) => redactChange(c, d.base?.object, d.head?.object)) }));
  return { base, head, objects: shown, findings };
}

function label(d: ObjectDiff): string {
  const o = (d.base ?? d.head)!;
  return `${describeId(o.id)} ${o.file}`;
}

/** True when anything differs (an object added, removed, renamed or changed). */
export function hasChanges(review: Review): boolean {
  return review.objects.some((o) => o.status !== 'unchanged');
}
