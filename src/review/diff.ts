/**
 * The semantic diff of two versions of one object: the fields added, removed and changed, each
 * by its path. It compares parsed values, so key order, quoting, indentation and YAML style
 * never count. Rules that keep the paths meaningful:
 *
 * - A list whose items all carry an identifying field (`name`, or `alert`/`record` for
 *   Prometheus rules, `containerPort`, `port`) is matched item by item on that field, so
 *   inserting a container or an env var reports that one item, not a shifted tail; a second
 *   item with the same key is told apart by its occurrence (`[alert=X#2]`). Reordering such a
 *   list is not a change. Other lists compare position by position.
 * - A string holding a JSON object or list (a Grafana dashboard in a ConfigMap) is compared as
 *   parsed JSON, path `data["x.json"].(json).panels[0].title`.
 * - `null` and an absent field are the same (the API server stores neither).
 * - An added or removed map or list is one change carrying the whole value.
 */
import { FieldChange, PathSegment } from './types';

export interface DiffOptions {
  /**
   * For a renamed object: maps a base map key or list-item key to its head form (the name
   * mapping of match.ts), so `data["ns-old.json"]` pairs with `data["ns-new.json"]` and the
   * rule group `old-alerts` with `new-alerts` instead of showing as removed plus added.
   */
  readonly mapKey?: (key: string) => string;
}

/** Every difference between `a` (base) and `b` (head), in path order. */
export function diffValues(a: unknown, b: unknown, options: DiffOptions = {}): FieldChange[] {
  const out: FieldChange[] = [];
  walk(a, b, [], out, options);
  return out;
}

/** Pairs base keys with head keys: equal keys, then (with mapKey) a base key whose mapped form only head has. */
function pairKeys(ka: string[], kb: string[], mapKey: DiffOptions['mapKey']): [string | undefined, string | undefined][] {
  const inA = new Set(ka);
  const inB = new Set(kb);
  const pairs: [string | undefined, string | undefined][] = [];
  const usedB = new Set<string>();
  for (const k of ka) {
    if (inB.has(k)) {
      pairs.push([k, k]);
      usedB.add(k);
      continue;
    }
    const m = mapKey?.(k);
    if (m !== undefined && m !== k && inB.has(m) && !inA.has(m) && !usedB.has(m)) {
      pairs.push([k, m]);
      usedB.add(m);
    } else pairs.push([k, undefined]);
  }
  for (const k of kb) if (!usedB.has(k)) pairs.push([undefined, k]);
  return pairs.sort((x, y) => (x[1] ?? x[0])!.localeCompare((y[1] ?? y[0])!) || (x[0] === undefined ? 1 : 0) - (y[0] === undefined ? 1 : 0));
}

function walk(a: unknown, b: unknown, path: PathSegment[], out: FieldChange[], options: DiffOptions): void {
  const aMissing = a === undefined || a === null;
  const bMissing = b === undefined || b === null;
  if (aMissing && bMissing) return;
  if (aMissing) return void out.push(change('added', path, undefined, b));
  if (bMissing) return void out.push(change('removed', path, a, undefined));
  if (isMap(a) && isMap(b)) {
    for (const [ka, kb] of pairKeys(Object.keys(a), Object.keys(b), options.mapKey)) {
      walk(ka === undefined ? undefined : a[ka], kb === undefined ? undefined : b[kb], [...path, { key: (kb ?? ka)! }], out, options);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) return walkList(a, b, path, out, options);
  if (typeof a === 'string' && typeof b === 'string' && a !== b) {
    const ja = parseJsonContainer(a);
    const jb = parseJsonContainer(b);
    if (ja !== undefined && jb !== undefined) return walk(ja, jb, [...path, { json: true }], out, options);
  }
  if (!deepEqual(a, b)) out.push(change('changed', path, a, b));
}

/** Identifying fields tried in order; the first one every item of both lists carries wins. */
const LIST_KEYS = ['name', 'alert', 'record', 'containerPort', 'port', 'key'] as const;

function walkList(a: unknown[], b: unknown[], path: PathSegment[], out: FieldChange[], options: DiffOptions): void {
  const key = listKey(a, b);
  if (key === undefined) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) walk(a[i], b[i], [...path, { index: i }], out, options);
    return;
  }
  const ka = keyed(a, key);
  const kb = keyed(b, key);
  for (const [la, lb] of pairKeys([...ka.keys()], [...kb.keys()], options.mapKey)) {
    const seg = { match: key.field, value: (lb ?? la)! };
    walk(la === undefined ? undefined : ka.get(la), lb === undefined ? undefined : kb.get(lb), [...path, seg], out, options);
  }
}

interface ListKey {
  /** The field shown in the path (`name`, or `alert|record` for rule lists). */
  readonly field: string;
  readonly of: (item: Record<string, unknown>) => string | undefined;
}

/** The identifying field both lists share, when every item of both has it (as a string or number). */
function listKey(a: unknown[], b: unknown[]): ListKey | undefined {
  const items = [...a, ...b];
  if (items.length === 0 || !items.every(isMap)) return undefined;
  const maps = items as Record<string, unknown>[];
  const scalar = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
  // Prometheus rule groups mix alerting and recording rules: each item has one of the two.
  if (maps.every((m) => scalar(m.alert) !== undefined || scalar(m.record) !== undefined) && maps.some((m) => m.alert !== undefined)) {
    return { field: 'rule', of: (m) => (scalar(m.alert) !== undefined ? `alert:${scalar(m.alert)}` : `record:${scalar(m.record)}`) };
  }
  for (const field of LIST_KEYS) {
    if (maps.every((m) => scalar(m[field]) !== undefined)) return { field, of: (m) => scalar(m[field]) };
  }
  return undefined;
}

/** Items by key; the n-th repeat of a key (n >= 2) becomes `key#n`. */
function keyed(list: unknown[], key: ListKey): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const seen = new Map<string, number>();
  for (const item of list) {
    const k = key.of(item as Record<string, unknown>) as string;
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    out.set(n === 1 ? k : `${k}#${n}`, item);
  }
  return out;
}

function change(op: FieldChange['op'], path: PathSegment[], old: unknown, neu: unknown): FieldChange {
  const c: { -readonly [K in keyof FieldChange]: FieldChange[K] } = { op, path, pathText: formatPath(path) };
  if (op !== 'added') c.old = old;
  if (op !== 'removed') c.new = neu;
  return c;
}

function parseJsonContainer(s: string): unknown {
  const t = s.trim();
  if (!(t.startsWith('{') && t.endsWith('}')) && !(t.startsWith('[') && t.endsWith(']'))) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `spec.template.spec.containers[name=inference].image`, `metadata.annotations["a/b"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let s = '';
  for (const seg of path) {
    if ('key' in seg) s += PLAIN_KEY.test(seg.key) ? `${s === '' ? '' : '.'}${seg.key}` : `[${JSON.stringify(seg.key)}]`;
    else if ('index' in seg) s += `[${seg.index}]`;
    else if ('match' in seg) s += `[${seg.match}=${seg.value}]`;
    else s += `${s === '' ? '' : '.'}(json)`;
  }
  return s === '' ? '(whole object)' : s;
}

export function isMap(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality; key order does not count, `null` equals absent inside maps. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!deepEqual(a[k], b[k])) return false;
    return true;
  }
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  return false;
}

/** The value at `path` inside `o` (plain keys only), or undefined. */
export function getPath(o: unknown, ...keys: string[]): unknown {
  let cur: any = o;
  for (const k of keys) {
    if (!isMap(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}
