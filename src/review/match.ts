/**
 * Pairs the objects of base and head. First by identity (API group, kind, namespace, name:
 * what the API server keys an object by, so a version bump `autoscaling/v2beta2` -> `v2` is
 * the same object changed). When one identity appears more than once on a side (two example
 * charts under dist/ that both define `Service pixelated-prod/ai-inference-lb`), those objects
 * pair by file too.
 *
 * Then renames. The API server has no rename: a new name is a delete plus a create, which is
 * exactly what a reviewer must see. An object left unpaired in base and one left unpaired in
 * head are taken for a rename when
 *
 * 1. they have the same API group and kind;
 * 2. their selectors (`spec.selector`, `spec.podSelector`) are equal once name-derived
 *    strings are mapped (below), or neither has one;
 * 3. at least {@link RENAME_SIMILARITY} (80 %) of their fields are equal once name-derived
 *    strings are mapped: the share of base leaf fields that head has at the same path, or at
 *    the mapped path, with the same value or the mapped value, out of the larger leaf count of
 *    the two (metadata.name, metadata.namespace and status are left out).
 *
 * Name-derived strings: the part of the name that differs, between the segments (split on
 * `-` and `.`) both names share at the start and the end, e.g. `ai-inference-models` ->
 * `chat-models` maps `ai-inference` to `chat`; a namespace change maps the old namespace to
 * the new one. A mapped string replaces each occurrence bounded by non-alphanumerics, so
 * `job="ai-inference-internal"` maps to `job="chat-internal"` and the release label
 * `app.kubernetes.io/instance: ai-inference` to `chat`. Pairs are taken best first.
 */
import { isMap } from './diff';
import { LoadedObject, ObjectId } from './types';

/** The least share of equal fields (after mapping) for an unpaired pair to count as a rename. */
export const RENAME_SIMILARITY = 0.8;

export interface ObjectPair {
  readonly base?: LoadedObject;
  readonly head?: LoadedObject;
  /** Set for renames. */
  readonly similarity?: number;
}

function idKey(id: ObjectId): string {
  return `${id.group}|${id.kind}|${id.namespace}|${id.name}`;
}

/** Pairs objects by identity, then detects renames among the rest. */
export function matchObjects(base: readonly LoadedObject[], head: readonly LoadedObject[]): ObjectPair[] {
  const count = (list: readonly LoadedObject[]) => {
    const m = new Map<string, number>();
    for (const o of list) m.set(idKey(o.id), (m.get(idKey(o.id)) ?? 0) + 1);
    return m;
  };
  const cb = count(base);
  const ch = count(head);
  // An identity repeated on either side pairs by file as well; a repeat inside one file by occurrence.
  const fullKey = (o: LoadedObject, occurrence: Map<string, number>) => {
    const k = idKey(o.id);
    if ((cb.get(k) ?? 0) <= 1 && (ch.get(k) ?? 0) <= 1) return k;
    const fk = `${k}|${o.file}`;
    const n = (occurrence.get(fk) ?? 0) + 1;
    occurrence.set(fk, n);
    return `${fk}|${n}`;
  };
  const headByKey = new Map<string, LoadedObject>();
  const occH = new Map<string, number>();
  for (const o of head) headByKey.set(fullKey(o, occH), o);
  const pairs: ObjectPair[] = [];
  const unpairedBase: LoadedObject[] = [];
  const occB = new Map<string, number>();
  for (const o of base) {
    const k = fullKey(o, occB);
    const h = headByKey.get(k);
    if (h) {
      pairs.push({ base: o, head: h });
      headByKey.delete(k);
    } else unpairedBase.push(o);
  }
  const unpairedHead = [...headByKey.values()];
  const renames = detectRenames(unpairedBase, unpairedHead);
  const renamedBase = new Set(renames.map((r) => r.base));
  const renamedHead = new Set(renames.map((r) => r.head));
  pairs.push(...renames);
  for (const o of unpairedBase) if (!renamedBase.has(o)) pairs.push({ base: o });
  for (const o of unpairedHead) if (!renamedHead.has(o)) pairs.push({ head: o });
  return pairs;
}

interface Rename {
  readonly base: LoadedObject;
  readonly head: LoadedObject;
  readonly similarity: number;
}

function detectRenames(removed: readonly LoadedObject[], added: readonly LoadedObject[]): Rename[] {
  const candidates: Rename[] = [];
  for (const b of removed) {
    for (const h of added) {
      if (b.id.group !== h.id.group || b.id.kind !== h.id.kind) continue;
      const similarity = renameSimilarity(b, h);
      if (similarity >= RENAME_SIMILARITY) candidates.push({ base: b, head: h, similarity });
    }
  }
  candidates.sort((x, y) => y.similarity - x.similarity || idKey(x.base.id).localeCompare(idKey(y.base.id)) || idKey(x.head.id).localeCompare(idKey(y.head.id)));
  const taken = new Set<LoadedObject>();
  const out: Rename[] = [];
  for (const c of candidates) {
    if (taken.has(c.base) || taken.has(c.head)) continue;
    taken.add(c.base);
    taken.add(c.head);
    out.push(c);
  }
  return out;
}

/** A function mapping base strings to their head form (name-derived parts replaced). */
export type NameMapping = (s: string) => string;

/** The mapping between two names: the differing middle, between shared leading and trailing segments. */
export function nameMapping(oldId: ObjectId, newId: ObjectId): NameMapping {
  const pairs: [string, string][] = [];
  const mid = differingMiddle(oldId.name, newId.name);
  if (mid) pairs.push(mid);
  if (oldId.namespace !== newId.namespace && oldId.namespace !== '' && newId.namespace !== '') pairs.push([oldId.namespace, newId.namespace]);
  const res = pairs.map(([from, to]) => ({ re: new RegExp(`(?<![A-Za-z0-9])${escapeRe(from)}(?![A-Za-z0-9])`, 'g'), to }));
  return (s) => res.reduce((acc, { re, to }) => acc.replace(re, to), s);
}

function differingMiddle(a: string, b: string): [string, string] | undefined {
  const sa = a.split(/(?=[-.])|(?<=[-.])/);
  const sb = b.split(/(?=[-.])|(?<=[-.])/);
  let pre = 0;
  while (pre < sa.length && pre < sb.length && sa[pre] === sb[pre]) pre++;
  let suf = 0;
  while (suf < sa.length - pre && suf < sb.length - pre && sa[sa.length - 1 - suf] === sb[sb.length - 1 - suf]) suf++;
  const trim = (s: string) => s.replace(/^[-.]+|[-.]+$/g, '');
  const from = trim(sa.slice(pre, sa.length - suf).join(''));
  const to = trim(sb.slice(pre, sb.length - suf).join(''));
  return from === '' || to === '' ? undefined : [from, to];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const IGNORED_TOP = new Set(['status']);
const IGNORED_META = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields']);

/** Leaf fields as path -> JSON text of the value. */
function leaves(o: unknown, path: string, out: Map<string, string>, top = true): Map<string, string> {
  if (isMap(o)) {
    for (const [k, v] of Object.entries(o)) {
      if (top && IGNORED_TOP.has(k)) continue;
      if (path === 'metadata' && IGNORED_META.has(k)) continue;
      leaves(v, path === '' ? k : `${path}\u0000${k}`, out, false);
    }
    if (Object.keys(o).length === 0) out.set(path, '{}');
  } else if (Array.isArray(o)) {
    o.forEach((v, i) => leaves(v, `${path}\u0000${i}`, out, false));
    if (o.length === 0) out.set(path, '[]');
  } else if (o !== null && o !== undefined) out.set(path, JSON.stringify(o));
  return out;
}

/** How alike two objects are once name-derived strings are mapped (0..1); 0 when selectors differ. */
export function renameSimilarity(b: LoadedObject, h: LoadedObject): number {
  const map = nameMapping(b.id, h.id);
  const lb = leaves(b.object, '', new Map());
  const lh = leaves(h.object, '', new Map());
  const sameLeaf = (path: string, value: string) => {
    for (const p of new Set([path, map(path)])) {
      const v = lh.get(p);
      if (v !== undefined && (v === value || v === map(value))) return true;
    }
    return false;
  };
  for (const sel of ['spec\u0000selector', 'spec\u0000podSelector']) {
    const inB = [...lb].filter(([p]) => p === sel || p.startsWith(`${sel}\u0000`));
    const inH = [...lh].filter(([p]) => p === sel || p.startsWith(`${sel}\u0000`));
    if (inB.length !== inH.length || !inB.every(([p, v]) => sameLeaf(p, v))) return 0;
  }
  const total = Math.max(lb.size, lh.size);
  if (total === 0) return 1;
  let equal = 0;
  for (const [p, v] of lb) if (sameLeaf(p, v)) equal++;
  return equal / total;
}
