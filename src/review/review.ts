/**
 * The comparison of two manifest sets: objects paired (renames detected), each pair diffed,
 * then the rules run over the pairs. Pure: sources are read by load.ts, output by format.ts.
 */
import { diffValues } from './diff';
import { findChanges } from './findings';
import { describeId } from './load';
import { matchObjects, nameMapping } from './match';
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
  return { base, head, objects, findings: findChanges(objects) };
}

function label(d: ObjectDiff): string {
  const o = (d.base ?? d.head)!;
  return `${describeId(o.id)} ${o.file}`;
}

/** True when anything differs (an object added, removed, renamed or changed). */
export function hasChanges(review: Review): boolean {
  return review.objects.some((o) => o.status !== 'unchanged');
}
