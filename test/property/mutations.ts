/**
 * Mutations of a valid spec at a random path, for the invalid-spec properties. Each case
 * says whether the mutated spec can still be valid (`mustThrow` false: a huge number may
 * be in range, a random string may be a valid name, an optional field may be deleted) or
 * can never be (`mustThrow` true: NaN, Infinity, negative numbers, wrong types, null, a
 * required field deleted, unknown keys, a Duration/Size of NaN or Infinity, a CPU amount
 * of NaN, Infinity or a negative number, a credential in config.extra). cdk8s itself
 * refuses negative Durations and Sizes when they are built, so those never reach the spec.
 */
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import fc from 'fast-check';
import { z } from 'zod';
import type { AiInferenceSpec } from '../../src';
import { specShapeSchema } from '../../src/spec/spec';
import { describeSpec, validSpecArb } from './arbitraries';

type Json = Record<string, any>;
export type Path = (string | number)[];

export const MUTATION_KINDS = [
  'wrongType',
  'nan',
  'infinity',
  'negativeInfinity',
  'negative',
  'huge',
  'null',
  'delete',
  'unknownKey',
  'typo',
  'badValueObject',
  'randomString',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** One mutated spec. */
export interface MutationCase {
  readonly kind: MutationKind;
  /** `kind at path: replacement`, for reports. */
  readonly description: string;
  readonly path: Path;
  readonly spec: AiInferenceSpec;
  /** true when no choice of the other fields could make the spec valid. */
  readonly mustThrow: boolean;
  /** A top-level key the mutation introduced (an unknown key or a typo at the root). */
  readonly newTopLevelKey?: string;
  /** Fragments of a planted credential that no error message may contain. */
  readonly secretFragments: readonly string[];
  /** A string the mutation planted that contains NaN/Infinity as a word of its own. */
  readonly plantsNumberWord: boolean;
}

// ---- the schema's keys ------------------------------------------------------------------

/** Every object key the spec schema knows, at any depth. */
function schemaKeys(schema: z.ZodTypeAny, into = new Set<string>(), seen = new Set<z.ZodTypeAny>()): Set<string> {
  if (seen.has(schema)) return into;
  seen.add(schema);
  const def = schema._def as Json;
  const next = (s: unknown) => s instanceof z.ZodType && schemaKeys(s as z.ZodTypeAny, into, seen);
  if (schema instanceof z.ZodObject) {
    for (const [k, v] of Object.entries(schema.shape as Record<string, z.ZodTypeAny>)) {
      into.add(k);
      next(v);
    }
  }
  for (const k of ['innerType', 'schema', 'type', 'valueType', 'left', 'right', 'in', 'out']) next(def[k]);
  if (typeof def.getter === 'function') next(def.getter());
  for (const o of (def.options as unknown[] | undefined) ?? []) next(o);
  if (def.optionsMap instanceof Map) for (const o of def.optionsMap.values()) next(o);
  return into;
}

export const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(Object.keys(specShapeSchema.shape));
export const KNOWN_KEYS: ReadonlySet<string> = schemaKeys(specShapeSchema);

// ---- spec structure -----------------------------------------------------------------------

const isCpu = (v: unknown): boolean => v instanceof Cpu || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as Json).amount === 'string');
const isValueObject = (v: unknown) => v instanceof Duration || v instanceof Size || isCpu(v);
function isPlainObject(v: unknown): v is Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || isValueObject(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

interface Node {
  readonly path: Path;
  readonly value: unknown;
}

/** Every node of the spec below the root, depth first. Durations, Sizes and CPU amounts are leaves. */
function nodes(value: unknown, path: Path = []): Node[] {
  const out: Node[] = path.length > 0 ? [{ path, value }] : [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...nodes(v, [...path, i])));
  else if (isPlainObject(value)) for (const k of Object.keys(value)) out.push(...nodes(value[k], [...path, k]));
  return out;
}

function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (isPlainObject(v)) return Object.fromEntries(Object.keys(v).map((k) => [k, clone(v[k])])) as T;
  return v;
}

function parentOf(root: Json, path: Path): Json {
  return path.slice(0, -1).reduce<any>((cur, k) => cur[k], root);
}

/** Sets an own, enumerable property even for `__proto__`. */
function setOwn(obj: Json, key: string | number, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export const formatPath = (path: Path) => path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), '');
const isPrefix = (a: Path, b: Path) => a.length <= b.length && a.every((k, i) => k === b[i]);

// ---- which mutations leave a spec that may still be valid ------------------------------------

/** Fields whose removal makes any spec of the generated shape invalid. */
const REQUIRED = new RegExp(
  [
    '^(release|namespace|image|model|resources|slo)$',
    '^model\\.name$',
    '^resources\\.(cpu|memory)(\\.(request|limit))?$',
    '^resources\\.gpu\\.count$',
    '^slo\\.(availability|latencyP95|latencyP99|errorRate|throughputRps)$',
    '^secretEnv\\[\\d+\\]\\.(name|secretName|key)$',
    '^traffic\\.loadBalancer\\.(scheme|accessLogs\\.bucket)$',
    '^traffic\\.loadBalancer\\.ports\\[\\d+\\]\\.(name|port)$',
    '^config\\.(caching|rateLimiting)\\.enabled$',
    '^scaling\\.signals\\.\\w+\\.(type|averageUtilization|averageValue|value)$',
    '^scaling\\.behavior\\.\\w+\\.policies\\[\\d+\\]\\.(type|value|periodSeconds)$',
    '^scaling\\.keda(\\.serverAddress)?$',
    '^scaling\\.(minReplicas|maxReplicas|pinnedReplicas)$',
    '^storage\\.(models|data)\\.(size|existingClaim)$',
    '^networkPolicy\\.webApp\\.podLabels$',
    '^networkPolicy\\.httpsEgress\\.cidr$',
    '^monitoring\\.dashboard\\.sidecarLabel\\.(key|value)$',
  ].join('|'),
);

/** Maps whose keys are data (labels, annotations, settings, flags): a renamed key may be valid. */
const DATA_MAPS = /(^|\.)(nodeLabels|podLabels|operatorSelectorLabels|extraAnnotations|extra|features)$/;

/** Fields that are `false` or an object: an object in place of `false` may be valid. */
const FALSE_OR_OBJECT = /(^|\.)(networkPolicy|monitoring|dashboard|vpa|httpsEgress)$/;

// ---- replacement values -------------------------------------------------------------------

const HUGE = [1e12, 2 ** 31, 2 ** 31 - 1, 2 ** 53, 1e21, Number.MAX_VALUE];

/** Strings near and far from valid names, images, CIDRs, URLs and numbers. */
const TRICKY_STRINGS = [
  '',
  ' ',
  'a'.repeat(63),
  'a'.repeat(64),
  `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`,
  '-a',
  'a-',
  'A',
  'a_b',
  'a.b',
  '1abc',
  'a..b',
  'a/b',
  '10.0.0.0/33',
  '256.1.1.1/8',
  '10.0.0.0',
  '::/129',
  '10.0.0.0/-1',
  '10.0.0.0/08',
  'fe80::1%eth0/64',
  ' 10.0.0.0/8',
  '0.0.0.0/0',
  'repo',
  'repo:latest',
  'Repo:1.0',
  'repo@sha256:abc',
  `repo:1.0@sha256:${'A'.repeat(64)}`,
  'ghcr.io//a:1',
  'a:1 ',
  'localhost:5000/a',
  'http://',
  'https://x#y',
  '/',
  '/a b',
  'NaN',
  'Infinity',
  '1e309',
  'null',
  'true',
  '0x10',
  '\n',
  'a\nb',
  '\u0000',
  '\u20ac',
  '\ud800',
];

export const randomStringArb = fc.oneof(
  fc.constantFrom(...TRICKY_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.stringMatching(/^[a-z0-9][-a-z0-9.]{0,70}$/),
);

/** Random object keys, including the names of Object.prototype's members. */
const unknownKeyArb = fc.oneof(
  fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_-]{0,12}$/),
  fc.constantFrom('constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'prototype'),
);

/** Near-miss spellings of `key`: wrong case, a letter dropped, doubled or swapped. */
function typos(key: string): string[] {
  const out = new Set<string>([key.toLowerCase(), key.toUpperCase(), key[0].toUpperCase() + key.slice(1), key.replace(/-/g, '_')]);
  for (let i = 0; i < key.length; i++) {
    out.add(key.slice(0, i) + key.slice(i + 1));
    out.add(key.slice(0, i) + key[i] + key.slice(i));
    if (i + 1 < key.length) out.add(key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2));
  }
  out.delete(key);
  out.delete('');
  return [...out];
}

const DURATION_UNITS = [Duration.seconds, Duration.millis, Duration.minutes];
const SIZE_UNITS = [Size.gibibytes, Size.mebibytes, Size.kibibytes];
const CPU_UNITS = [Cpu.units, Cpu.millis];
const NEVER_VALID_AMOUNTS = [NaN, Infinity, -Infinity, -1, -30];
const MAYBE_VALID_AMOUNTS = [0, 0.5, 1e-7, 1e12, 2 ** 31, 1e21];

function wrongTypeValues(v: unknown): unknown[] {
  if (v instanceof Duration) return [30, '30s', 'PT30S', Size.gibibytes(1), {}, []];
  if (v instanceof Size) return [1024, '1Gi', Duration.seconds(1), Cpu.units(1), {}, []];
  if (isCpu(v)) return [2, '2', '500m', Size.gibibytes(1), []];
  if (typeof v === 'number') return ['42', 'NaN', '', true, [], {}, [1]];
  if (typeof v === 'string') return [42, 0, true, [], {}, [v]];
  if (typeof v === 'boolean') return ['true', 1, 0, [], {}];
  if (Array.isArray(v)) return ['x', 42, {}, true];
  return ['x', 42, true, [], [v]];
}

// ---- planted credentials ---------------------------------------------------------------------

const secretArb = fc.record({
  inExtra: fc.boolean(),
  form: fc.nat(4),
  token: fc.stringMatching(/^[A-Za-z0-9]{36}$/).filter((t) => /[a-z]/.test(t) && /[A-Z]/.test(t) && /\d/.test(t)),
  // A marker keeps the password from matching another word of a message by chance.
  password: fc.stringMatching(/^[A-Za-z0-9]{12,20}$/).map((p) => `Pw7${p}`),
  key: fc.constantFrom('SOME_KEY', 'UPSTREAM_URL', 'HUB_ACCESS', 'DATA_SOURCE'),
  leaf: fc.nat(),
});

type SecretRaw = typeof secretArb extends fc.Arbitrary<infer T> ? T : never;

function plantedSecret(s: SecretRaw): { value: string; fragments: string[] } {
  const head = s.token.slice(0, 16);
  const tail = s.token.slice(-16);
  switch (s.form) {
    case 0:
      return { value: `ghp_${s.token}`, fragments: [head, tail] };
    case 1:
      return { value: `redis://:${s.password}@cache.internal:6379/0`, fragments: [s.password] };
    case 2:
      return { value: `postgres://app:${s.password}@db.internal:5432/app`, fragments: [s.password] };
    case 3:
      return { value: `sk-ant-api03-${s.token}${s.token}`, fragments: [head, tail] };
    default:
      return { value: `AKIA${s.token.slice(0, 16).toUpperCase()}`, fragments: [s.token.slice(0, 16).toUpperCase()] };
  }
}

// ---- the cases ---------------------------------------------------------------------------------

const caseRaw = (kinds: readonly MutationKind[]) =>
  fc.record({
    spec: validSpecArb,
    kind: fc.constantFrom(...kinds),
    target: fc.nat(),
    variant: fc.nat(),
    text: randomStringArb,
    key: unknownKeyArb,
    // A credential in one case of four.
    secret: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: secretArb }),
  });
type CaseRaw = ReturnType<typeof caseRaw> extends fc.Arbitrary<infer T> ? T : never;

/** Applies one mutation; undefined when the spec has no node the kind applies to. */
function mutate(raw: CaseRaw): MutationCase | undefined {
  const spec = clone(raw.spec) as Json;
  const { kind, variant } = raw;
  const pickFrom = <T>(xs: readonly T[], n: number) => xs[n % xs.length];

  // Plant a credential first: in config.extra (never valid), or in a string field (maybe valid).
  let secretFragments: string[] = [];
  let planted: Path | undefined;
  let plantedMustThrow = false;
  if (raw.secret) {
    const { value, fragments } = plantedSecret(raw.secret);
    secretFragments = fragments;
    const strings = nodes(spec).filter((n) => typeof n.value === 'string');
    if (raw.secret.inExtra || strings.length === 0) {
      spec.config = { ...spec.config, extra: { ...spec.config?.extra, [raw.secret.key]: value } };
      planted = ['config', 'extra', raw.secret.key];
      plantedMustThrow = true;
    } else {
      planted = pickFrom(strings, raw.secret.leaf).path;
      parentOf(spec, planted)[planted[planted.length - 1]] = value;
    }
  }

  const all = nodes(spec);
  const containers: Node[] = [{ path: [], value: spec }, ...all.filter((n) => isPlainObject(n.value))];
  const eligible: Node[] = (() => {
    switch (kind) {
      case 'nan':
      case 'infinity':
      case 'negativeInfinity':
      case 'negative':
      case 'huge':
        return all.filter((n) => typeof n.value === 'number');
      case 'badValueObject':
        return all.filter((n) => isValueObject(n.value));
      case 'randomString':
        return all.filter((n) => typeof n.value === 'string');
      case 'unknownKey':
        return containers;
      case 'typo':
        return all.filter((n) => typeof n.path[n.path.length - 1] === 'string');
      default:
        return all;
    }
  })();
  if (eligible.length === 0) return undefined;
  const { path, value } = pickFrom(eligible, raw.target);
  const where = formatPath(path);
  const key = path[path.length - 1];
  const parent = path.length > 0 ? parentOf(spec, path) : spec;
  let mustThrow = true;
  let replacement: unknown;
  let newTopLevelKey: string | undefined;
  let plantsNumberWord = false;
  let description: string | undefined;

  const replace = (v: unknown) => {
    replacement = v;
    parent[key] = v;
  };
  switch (kind) {
    case 'wrongType': {
      const v = pickFrom(wrongTypeValues(value), variant);
      replace(v);
      if (key === 'port' && typeof v === 'number') mustThrow = false; // healthCheck.port: 'traffic-port' or a number
      if (value === false && isPlainObject(v) && FALSE_OR_OBJECT.test(where)) mustThrow = false;
      break;
    }
    case 'nan':
      replace(NaN);
      break;
    case 'infinity':
      replace(Infinity);
      break;
    case 'negativeInfinity':
      replace(-Infinity);
      break;
    case 'negative':
      replace(pickFrom([-1, -0.5, -(Math.abs(value as number) + 1), -(2 ** 31)], variant));
      break;
    case 'huge':
      replace(pickFrom(HUGE, variant));
      mustThrow = false;
      break;
    case 'null':
      replace(null);
      break;
    case 'delete':
      if (typeof key === 'number') {
        (parent as unknown[]).splice(key, 1);
        mustThrow = false;
      } else {
        delete parent[key];
        mustThrow = REQUIRED.test(where);
      }
      break;
    case 'unknownKey': {
      let k = raw.key;
      if (KNOWN_KEYS.has(k) || Object.prototype.hasOwnProperty.call(value, k)) k = `${k}Extra`;
      if (KNOWN_KEYS.has(k) || Object.prototype.hasOwnProperty.call(value, k)) return undefined;
      const v = pickFrom([{}, [], 42], variant);
      setOwn(value as Json, k, v);
      replacement = { [k]: v };
      if (path.length === 0) newTopLevelKey = k;
      description = `unknownKey at ${where || '(root)'}: ${JSON.stringify(k)} = ${describeSpec(v)}`;
      break;
    }
    case 'typo': {
      const dataMap = DATA_MAPS.test(formatPath(path.slice(0, -1)));
      const candidates = typos(String(key)).filter((t) => dataMap || !KNOWN_KEYS.has(t));
      if (candidates.length === 0) return undefined;
      const t = pickFrom(candidates, variant);
      const v = parent[key];
      delete parent[key];
      setOwn(parent, t, v);
      replacement = t;
      mustThrow = !dataMap;
      if (path.length === 1) newTopLevelKey = t;
      description = `typo at ${where}: renamed to ${JSON.stringify(t)}`;
      break;
    }
    case 'badValueObject': {
      const units: ((n: number) => unknown)[] = value instanceof Duration ? DURATION_UNITS : value instanceof Size ? SIZE_UNITS : CPU_UNITS;
      const unit = pickFrom(units, variant >> 4);
      let amount = pickFrom([...NEVER_VALID_AMOUNTS, ...MAYBE_VALID_AMOUNTS], variant);
      let built: unknown;
      try {
        built = unit(amount);
      } catch {
        // cdk8s refuses negative Durations and Sizes itself, before the library sees them.
        amount = NaN;
        built = unit(amount);
      }
      replace(built);
      mustThrow = NEVER_VALID_AMOUNTS.includes(amount) || (amount === 0 && !(value instanceof Duration)); // a Size or CPU of 0 is never valid
      break;
    }
    case 'randomString': {
      const original = value as string;
      const near = [original.toUpperCase(), `${original}-`, `-${original}`, `${original} `, original.repeat(3), `${original}.${original}`, `${original}/x`];
      const v = variant % 2 === 0 ? raw.text : pickFrom(near, variant >> 1);
      replace(v);
      mustThrow = false;
      plantsNumberWord = /\b(nan|inf|infinity)\b/i.test(v);
      break;
    }
  }
  // A credential planted in config.extra keeps the spec invalid unless this mutation removed it.
  if (plantedMustThrow && planted && !isPrefix(path, planted)) mustThrow = true;
  description ??= `${kind} at ${where}: ${describeSpec(replacement)}`;
  if (raw.secret) description += ` (credential planted at ${formatPath(planted!)})`;
  return { kind, description, path, spec: spec as AiInferenceSpec, mustThrow, newTopLevelKey, secretFragments, plantsNumberWord };
}

/** Mutation cases of `kinds`. */
export function mutationCaseArb(kinds: readonly MutationKind[] = MUTATION_KINDS): fc.Arbitrary<MutationCase> {
  return caseRaw(kinds)
    .map(mutate)
    .filter((c): c is MutationCase => c !== undefined)
    .map((c) => {
      Object.defineProperty(c, fc.toStringMethod, { value: () => `${c.description}; mustThrow ${c.mustThrow}; spec ${describeSpec(c.spec)}`, enumerable: false });
      return c;
    });
}
