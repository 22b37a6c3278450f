/**
 * Values the diff must not print: everything under a Secret's data and stringData, and any
 * value that looks like a credential by the library's one detector (src/spec/credentials.ts:
 * value patterns, then the key rule). They are shown as `(value hidden)`, in every format.
 */
import { credentialFinding, HIDDEN_VALUE } from '../spec/credentials';
import { isMap } from './diff';
import { DiffFinding, FieldChange, K8sObject, PathSegment } from './types';

const isSecret = (o: K8sObject | undefined) => o !== undefined && o.kind === 'Secret' && String(o.apiVersion) === 'v1';

/** The key a value sits under: a map key, or the name of a `[name=X].value` env entry. */
function keyOf(path: readonly PathSegment[]): string {
  const last = path[path.length - 1];
  const prev = path[path.length - 2];
  if (last && 'key' in last) return last.key === 'value' && prev && 'match' in prev ? prev.value : last.key;
  if (last && 'match' in last) return last.value;
  return prev && 'key' in prev ? prev.key : '';
}

/** `value` with every credential-looking string (by its own key) replaced. */
export function hideCredentials(value: unknown, key: string): unknown {
  if (typeof value === 'string') return credentialFinding(key, value) ? HIDDEN_VALUE : value;
  if (Array.isArray(value)) return value.map((v) => hideCredentials(v, key));
  if (isMap(value)) {
    // An env entry `{ name: DB_PASSWORD, value: ... }` is judged by its name.
    const named = typeof value.name === 'string' && 'value' in value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hideCredentials(v, named && k === 'value' ? value.name : k)]));
  }
  return value;
}

function inSecretData(object: K8sObject | undefined, path: readonly PathSegment[]): boolean {
  const first = path[0];
  return isSecret(object) && (path.length === 0 || (first !== undefined && 'key' in first && (first.key === 'data' || first.key === 'stringData')));
}

/** The change with its values hidden where they are, or may be, secret. */
export function redactChange(c: FieldChange, base: K8sObject | undefined, head: K8sObject | undefined): FieldChange {
  const out: { -readonly [K in keyof FieldChange]: FieldChange[K] } = { ...c };
  const key = keyOf(c.path);
  if ('old' in c) out.old = inSecretData(base, c.path) ? HIDDEN_VALUE : hideCredentials(c.old, key);
  if ('new' in c) out.new = inSecretData(head, c.path) ? HIDDEN_VALUE : hideCredentials(c.new, key);
  return out;
}

/** The finding with its old and new values hidden where they may be secret. */
export function redactFinding(f: DiffFinding, secret: boolean): DiffFinding {
  const key = /([A-Za-z0-9_.-]+)"?\]?$/.exec(f.path ?? '')?.[1] ?? '';
  const hide = (v: unknown) => (secret ? HIDDEN_VALUE : hideCredentials(v, key));
  const out: { -readonly [K in keyof DiffFinding]: DiffFinding[K] } = { ...f };
  for (const side of ['old', 'new'] as const) {
    const raw = f[side];
    if (raw === undefined) continue;
    const hidden = hide(raw);
    out[side] = hidden;
    // A message that quotes a hidden value quotes the placeholder instead.
    if (hidden !== raw) for (const text of [typeof raw === 'string' ? raw : JSON.stringify(raw)]) if (text) out.message = out.message.split(text).join(HIDDEN_VALUE);
  }
  return out;
}
