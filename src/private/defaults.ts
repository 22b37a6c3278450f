/**
 * Fills the fields of `given` that are missing or written as `undefined` from `defaults`.
 * A plain object spread would let an explicit `undefined` (common in specs assembled in
 * code, or read from JSON with optional fields) erase the default.
 */
export function withDefaults<T extends object>(defaults: T, given: Partial<T> | undefined): T {
  const out = { ...defaults } as Record<string, unknown>;
  for (const [key, value] of Object.entries(given ?? {})) {
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}
