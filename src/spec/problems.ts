/**
 * How validation problems reach the user: `path (value) rule; fix`, one per line, every
 * problem of an input at once. The path is the one the user wrote; values are shown for
 * people (`NaN`, `30s`, `16Gi`, `4 cores`); a value that looks like a credential, or sits
 * under a key that names one, is shown as `(value hidden)`; zod's own wording never
 * reaches the user.
 */
import { Duration, Size } from 'cdk8s';
import { z } from 'zod';
import { promDuration } from '../private/duration';
import { HIDDEN_VALUE, credentialFinding, looksLikeCredentialValue } from './credentials';
import { cpuCores, durationMillis, sizeKibibytes } from './values';

/**
 * Thrown when props or a spec fail validation. The message lists every problem, one per
 * line, each naming the field path, the value, the rule and the fix.
 */
export class InferenceValidationError extends Error {
  constructor(
    readonly subject: string,
    readonly problems: readonly string[],
  ) {
    super(`${subject} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InferenceValidationError';
  }
}

/** A Duration as Prometheus writes it (`5m`, `1h30m`, `1500ms` as `1s500ms`). */
export function formatDuration(d: Duration): string {
  const ms = durationMillis(d);
  if (Number.isNaN(ms)) return 'a duration of NaN';
  if (!Number.isInteger(ms) || ms < 0) return `${ms} ms`;
  return promDuration(d);
}

/** A value the user did not write: the default that applied. */
export class DefaultedValue {
  constructor(readonly value: unknown) {}
}

/** A value that must not be printed. */
export class HiddenValue {}

/** Short human text for a value in an error message. Never a JSON dump of an object. */
export function describeValue(value: unknown): string {
  if (value instanceof HiddenValue) return HIDDEN_VALUE;
  if (value instanceof DefaultedValue) return `${describeValue(value.value)} by default`;
  if (value instanceof Duration) return formatDuration(value);
  if (value instanceof Size) return Number.isNaN(sizeKibibytes(value)) ? 'a size of NaN' : value.asString();
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined) return 'not set';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const text = JSON.stringify(value);
    return text.length > 72 ? `${text.slice(0, 68)}..."` : text;
  }
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (typeof value === 'object') {
    const amount = (value as { amount?: unknown }).amount;
    if (typeof amount === 'string' && Object.keys(value).length === 1) {
      const cores = cpuCores(amount);
      return Number.isNaN(cores) ? `CPU ${JSON.stringify(amount)}` : `${cores} ${cores === 1 ? 'core' : 'cores'}`;
    }
    return Object.keys(value).length === 0 ? 'an empty object' : 'an object';
  }
  return typeof value;
}

/** Dotted path with array indices: `traffic.loadBalancer.certificateArns[0]`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${key}` : String(key)), '');
}

/** Formats one problem as `path (value) rule; fix`. */
export function formatProblem(path: readonly (string | number)[], value: unknown, message: string, prefix?: string): string {
  const fullPath = [prefix, formatPath(path)].filter(Boolean).join('.');
  return `${fullPath || '(root)'} (${describeValue(hideSecret(path, value))}) ${message}`;
}

/** The value, or a HiddenValue when its key names a credential or it looks like one. */
export function hideSecret(path: readonly (string | number)[], value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const key = [...path].reverse().find((k): k is string => typeof k === 'string');
  if (key !== undefined && credentialFinding(key, value)) return new HiddenValue();
  return looksLikeCredentialValue(value) ? new HiddenValue() : value;
}

// ---- zod issues to problems -----------------------------------------------------------

type Path = (string | number)[];

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  integer: 'a whole number',
  float: 'a number with a fraction',
  nan: 'NaN',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
  undefined: 'nothing',
  function: 'a function',
  bigint: 'a bigint',
  symbol: 'a symbol',
  date: 'a date',
  map: 'a Map',
  set: 'a Set',
  infinity: 'Infinity',
};

const typeWord = (t: string) => TYPE_WORDS[t] ?? t;

/** The message of an issue a schema gave no message of its own. */
function defaultMessage(issue: z.ZodIssueOptionalMessage): string {
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      if (issue.received === 'undefined') return 'is required; add it';
      if (issue.received === 'null') return `must be ${typeWord(issue.expected)}, not null; give a value (an optional field may be left out)`;
      if (issue.received === 'nan') return `must be ${typeWord(issue.expected)}, not NaN; give a real value`;
      return `must be ${typeWord(issue.expected)}, not ${typeWord(issue.received)}; fix the type`;
    case z.ZodIssueCode.invalid_literal:
      return `must be ${JSON.stringify(issue.expected)}`;
    case z.ZodIssueCode.invalid_enum_value: {
      const near = nearest(String(issue.received), issue.options.map(String));
      const options = issue.options.map((o) => JSON.stringify(o)).join(', ');
      return `must be one of ${options}${near ? `; did you mean ${JSON.stringify(near)}?` : '; pick one'}`;
    }
    case z.ZodIssueCode.invalid_union_discriminator:
      return `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}; pick one`;
    case z.ZodIssueCode.too_small: {
      const min = Number(issue.minimum);
      if (issue.type === 'array') return `must hold at least ${min} ${min === 1 ? 'entry' : 'entries'}; add one or leave the field out`;
      if (issue.type === 'string') return min === 1 ? 'must not be empty; give a value' : `must be at least ${min} characters long`;
      return `must be ${issue.inclusive ? 'at least' : 'above'} ${min}; raise it`;
    }
    case z.ZodIssueCode.too_big: {
      const max = Number(issue.maximum);
      if (issue.type === 'array') return `must hold at most ${max} entries; remove some`;
      if (issue.type === 'string') return `must be at most ${max} characters long; shorten it`;
      return `must be ${issue.inclusive ? 'at most' : 'below'} ${max}; lower it`;
    }
    case z.ZodIssueCode.not_finite:
      return 'must be a finite number; give a real value';
    case z.ZodIssueCode.not_multiple_of:
      return `must be a multiple of ${issue.multipleOf}`;
    case z.ZodIssueCode.invalid_string:
      return 'has an invalid format';
    case z.ZodIssueCode.invalid_union:
      return ''; // replaced by the options' own problems (see flatten)
    default:
      return 'is not valid here';
  }
}

/**
 * A contextual error map: messages a schema gives (in a check or its own error map) win;
 * where only zod's default wording would remain, the project's words replace it.
 */
const errorMap: z.ZodErrorMap = (issue, ctx) => {
  if (issue.message !== undefined) return { message: issue.message };
  const zodDefault = z.defaultErrorMap(issue, ctx).message;
  return { message: ctx.defaultError !== zodDefault ? ctx.defaultError : defaultMessage(issue) };
};

/** The closest candidate within a small edit distance, case-insensitively. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** Unwraps optional, nullable, default, effects and lazy wrappers. */
function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  for (;;) {
    if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) schema = schema.unwrap();
    else if (schema instanceof z.ZodDefault) schema = schema.removeDefault();
    else if (schema instanceof z.ZodEffects) schema = schema.innerType();
    else if (schema instanceof z.ZodLazy) schema = schema.schema;
    else if (schema instanceof z.ZodBranded) schema = schema.unwrap();
    else return schema;
  }
}

/**
 * The object schemas that may describe the value at `path` (several under a union; under a
 * discriminated union the one its discriminator in `value`, the input there, picks).
 */
function objectsAt(schema: z.ZodTypeAny, path: readonly (string | number)[], value?: unknown): z.AnyZodObject[] {
  const s = unwrap(schema);
  if (s instanceof z.ZodDiscriminatedUnion && value !== null && typeof value === 'object') {
    const picked = s.optionsMap.get((value as Record<string, unknown>)[s.discriminator] as z.Primitive) as z.ZodTypeAny | undefined;
    if (picked) return objectsAt(picked, path, value);
  }
  if (s instanceof z.ZodUnion || s instanceof z.ZodDiscriminatedUnion) {
    return (s.options as z.ZodTypeAny[]).flatMap((o) => objectsAt(o, path, value));
  }
  if (s instanceof z.ZodIntersection) return [...objectsAt(s._def.left, path, value), ...objectsAt(s._def.right, path, value)];
  if (path.length === 0) return s instanceof z.ZodObject ? [s] : [];
  const [head, ...rest] = path;
  const child = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[head] : undefined;
  if (s instanceof z.ZodObject) {
    const field = (s.shape as Record<string, z.ZodTypeAny>)[String(head)];
    return field ? objectsAt(field, rest, child) : [];
  }
  if (s instanceof z.ZodArray) return objectsAt(s.element, rest, child);
  if (s instanceof z.ZodRecord) return objectsAt(s.valueSchema, rest, child);
  if (s instanceof z.ZodTuple) {
    const item = s.items[Number(head)] as z.ZodTypeAny | undefined;
    return item ? objectsAt(item, rest, child) : [];
  }
  return [];
}

/** A discriminated union's options are preferred by their discriminator value. */
function isRootTypeIssue(issue: z.ZodIssue, depth: number): boolean {
  return (
    issue.path.length === depth &&
    (issue.code === z.ZodIssueCode.invalid_type || issue.code === z.ZodIssueCode.invalid_literal || issue.code === z.ZodIssueCode.invalid_enum_value)
  );
}

/**
 * Flattens union issues: when some option matches the value's shape, its issues are
 * reported (the option with the fewest, ties to the first); when none does, one problem
 * lists what the field may be.
 */
function flatten(issue: z.ZodIssue): z.ZodIssue[] {
  if (issue.code !== z.ZodIssueCode.invalid_union) return [issue];
  const depth = issue.path.length;
  const options = issue.unionErrors.map((e) => e.issues.flatMap(flatten));
  const candidates = options.filter((issues) => !issues.some((i) => isRootTypeIssue(i, depth)));
  if (candidates.length === 0) {
    const expected = [
      ...new Set(
        options.flatMap((issues) =>
          issues
            .filter((i) => isRootTypeIssue(i, depth))
            .map((i) =>
              i.code === z.ZodIssueCode.invalid_literal ? JSON.stringify(i.expected) : i.code === z.ZodIssueCode.invalid_type ? typeWord(i.expected) : i.message,
            ),
        ),
      ),
    ];
    const custom = issue.message && issue.message !== 'Invalid input' ? issue.message : undefined;
    return [{ ...issue, code: z.ZodIssueCode.custom, message: custom ?? `must be ${expected.join(' or ')}; fix the value` }];
  }
  return candidates.reduce((best, c) => (c.length < best.length ? c : best));
}

/** Rewrites a props path into the path the user wrote. */
export type PathMapper = (path: Path) => Path;

/**
 * Every problem `schema` finds in `input`, formatted `path (value) rule; fix`. `mapPath`
 * rewrites a props path into the path the user wrote (e.g. a spec path).
 */
export function zodProblems(schema: z.ZodTypeAny, input: unknown, mapPath: PathMapper = (p) => p, prefix?: string): string[] {
  const result = schema.safeParse(input, { errorMap });
  return result.success ? [] : issueProblems(schema, input, result.error, mapPath, prefix);
}

/**
 * Where the chart has validated a construct's props (its wiring), the parsed value, keyed by
 * a symbol on the props object: no schema reads symbol keys as fields, and the spread the
 * chart hands the construct (`{ ...props, workload }`) and the construct's rest of it carry
 * the key along, so the construct does not parse the same props a second time.
 */
const PARSED_BY_CHART = Symbol('cdk8s-ai-inference: props parsed by the chart');

interface ParsedByChart {
  readonly schema: z.ZodTypeAny;
  readonly data: unknown;
  /** The fields as parsed: a spread that overrides one of them is parsed again. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * zodProblems for props the library built itself and hands to one construct: when they
 * pass, the parsed value is recorded on them for that construct's parseOrThrow. Never call
 * it on a user's object (it adds a key) or on props that change before the construct reads them.
 */
export function recordedProblems(schema: z.ZodTypeAny, input: object, mapPath: PathMapper): string[] {
  const result = schema.safeParse(input, { errorMap });
  if (!result.success) return issueProblems(schema, input, result.error, mapPath);
  const parsed: ParsedByChart = { schema, data: result.data, fields: { ...input } };
  Object.defineProperty(input, PARSED_BY_CHART, { value: parsed, enumerable: true });
  return [];
}

/** The value the chart recorded for `input` under this very schema, if any. */
export function parsedByChart<S extends z.ZodTypeAny>(schema: S, input: unknown): { data: z.output<S> } | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  const parsed = (input as { [PARSED_BY_CHART]?: ParsedByChart })[PARSED_BY_CHART];
  if (parsed?.schema !== schema) return undefined;
  const keys = Object.keys(input);
  const same = keys.length === Object.keys(parsed.fields).length && keys.every((k) => (input as Record<string, unknown>)[k] === parsed.fields[k]);
  return same ? { data: parsed.data as z.output<S> } : undefined;
}

function issueProblems(schema: z.ZodTypeAny, input: unknown, error: z.ZodError, mapPath: PathMapper, prefix?: string): string[] {
  const problems: string[] = [];
  for (const issue of error.issues.flatMap(flatten)) {
    if (issue.code === z.ZodIssueCode.unrecognized_keys) {
      const known = [...new Set(objectsAt(schema, issue.path, input).flatMap((o) => Object.keys(o.shape)))];
      for (const key of issue.keys) {
        const near = nearest(key, known);
        const where = [prefix, formatPath(mapPath([...issue.path]))].filter(Boolean).join('.');
        const suggestion = near ? `did you mean ${[prefix, formatPath(mapPath([...issue.path, near]))].filter(Boolean).join('.')}?` : `known fields${where ? ` of ${where}` : ''}: ${known.join(', ')}`;
        problems.push(`${[prefix, formatPath(mapPath([...issue.path, key]))].filter(Boolean).join('.')} is not a field; ${suggestion}`);
      }
      continue;
    }
    const given = valueAt(input, issue.path);
    if (issue.code === z.ZodIssueCode.invalid_union_discriminator && typeof given === 'string') {
      const near = nearest(given, issue.options.map(String));
      if (near) issue.message = issue.message.replace(/; pick one$/, `; did you mean ${JSON.stringify(near)}?`);
    }
    // A rule on a defaulted field passes the effective value in params.value.
    const effective = issue.code === z.ZodIssueCode.custom ? issue.params?.value : undefined;
    const value = effective !== undefined ? (given === undefined ? new DefaultedValue(effective) : effective) : given;
    problems.push(formatProblem(mapPath([...issue.path]), value, issue.message, prefix));
  }
  return [...new Set(problems)];
}

/**
 * Validates `input` with `schema`; on failure throws an InferenceValidationError naming
 * every bad field. `prefix` is prepended to paths (e.g. the props name).
 */
export function parseOrThrow<S extends z.ZodTypeAny>(schema: S, input: unknown, subject: string, prefix?: string): z.output<S> {
  const before = parsedByChart(schema, input);
  if (before) return before.data;
  const result = schema.safeParse(input, { errorMap });
  if (result.success) return result.data;
  throw new InferenceValidationError(subject, zodProblems(schema, input, undefined, prefix));
}

/** Throws an InferenceValidationError listing every problem, or returns when there is none. */
export function throwIfProblems(subject: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new InferenceValidationError(subject, [...new Set(problems)]);
}
