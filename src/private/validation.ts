import { Duration, Size } from 'cdk8s';
import { z } from 'zod';
import { promDuration } from './duration';

/**
 * Thrown when props or a spec fail validation. The message lists every problem, one per
 * line, each naming the field path, the value, the rule and the fix.
 */
export class InferenceValidationError extends Error {
  constructor(readonly subject: string, readonly problems: readonly string[]) {
    super(`${subject} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InferenceValidationError';
  }
}

/** A Duration as Prometheus writes it (`5m`, `1h30m`, `1500ms` as `1s500ms`). */
export const formatDuration = promDuration;

/** A value the user did not write: the default that applied. */
class DefaultedValue {
  constructor(readonly value: unknown) {}
}

/** Short human text for a value in an error message. */
export function describeValue(value: unknown): string {
  if (value instanceof DefaultedValue) return `${describeValue(value.value)} by default`;
  if (value instanceof Duration) return formatDuration(value);
  if (value instanceof Size) return value.asString();
  if (value && typeof value === 'object' && 'amount' in value && Object.keys(value).length === 1) {
    return String((value as { amount: unknown }).amount); // cdk8s-plus Cpu
  }
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** Dotted path with array indices: `traffic.loadBalancer.certificateArns[0]`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${key}` : key), '');
}

/**
 * Formats one problem as `path (value) rule; fix`. Custom rules (superRefine / refine)
 * write only `rule; fix`: the path and the value are added here.
 */
export function formatProblem(path: readonly (string | number)[], value: unknown, message: string, prefix?: string): string {
  const fullPath = [prefix, formatPath(path)].filter(Boolean).join('.');
  return `${fullPath || '(root)'} (${describeValue(value)}) ${message}`;
}

/**
 * Every problem `schema` finds in `input`, formatted `path (value) rule; fix`. `mapPath`
 * rewrites a props path into the path the user wrote (e.g. a spec path).
 */
export function zodProblems(
  schema: z.ZodTypeAny,
  input: unknown,
  mapPath: (path: (string | number)[]) => (string | number)[] = (path) => path,
  prefix?: string,
): string[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const given = valueAt(input, issue.path);
    // A rule on a defaulted field passes the effective value in params.value.
    const effective = issue.code === z.ZodIssueCode.custom ? issue.params?.value : undefined;
    const value = given === undefined && effective !== undefined ? new DefaultedValue(effective) : given;
    return formatProblem(mapPath(issue.path), value, issue.message, prefix);
  });
}

/**
 * Validates `input` with `schema`; on failure throws an InferenceValidationError naming
 * every bad field. `prefix` is prepended to paths (e.g. the props name).
 */
export function parseOrThrow<S extends z.ZodTypeAny>(schema: S, input: unknown, subject: string, prefix?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InferenceValidationError(subject, zodProblems(schema, input, undefined, prefix));
}

// ---- reusable zod pieces -------------------------------------------------------------

/** A cdk8s Duration. */
export const zDuration = z.custom<Duration>((v) => v instanceof Duration, {
  message: 'must be a cdk8s Duration; use Duration.seconds(n) / Duration.minutes(n)',
});

/** A cdk8s Size. */
export const zSize = z.custom<Size>((v) => v instanceof Size, {
  message: 'must be a cdk8s Size; use Size.gibibytes(n) / Size.mebibytes(n)',
});

/** RFC 1123 DNS label: the rule for most Kubernetes object names and namespaces. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 DNS subdomain (ConfigMap, Secret, PVC names). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const zDnsLabel = z
  .string()
  .max(63, 'must be at most 63 characters (RFC 1123 label); shorten it')
  .regex(DNS_LABEL, 'must be an RFC 1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit); rename it');

export const zDnsSubdomain = z
  .string()
  .max(253, 'must be at most 253 characters (RFC 1123 subdomain); shorten it')
  .regex(DNS_SUBDOMAIN, 'must be an RFC 1123 subdomain (lower-case letters, digits, "-" and "."); rename it');

// Kubernetes label syntax (kubernetes.io/docs/concepts/overview/working-with-objects/labels):
// an optional DNS-subdomain prefix and "/", then a name of at most 63 characters; values
// at most 63 characters, starting and ending with a letter or digit.
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

export const zLabelKey = z
  .string()
  .regex(LABEL_KEY, 'must be a Kubernetes label/annotation key ([prefix/]name, name up to 63 letters, digits, "-", "_", "."); fix the key');

export const zLabelValue = z
  .string()
  .regex(LABEL_VALUE, 'must be a Kubernetes label value (up to 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit); fix the value');

/** A map of Kubernetes labels; a bad key or value is reported at its key's path. */
export const zLabelMap = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  for (const [key, value] of Object.entries(labels)) {
    for (const [schema, what] of [[zLabelKey, key], [zLabelValue, value]] as const) {
      const result = schema.safeParse(what);
      if (!result.success) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: result.error.issues[0].message });
    }
  }
});

const CIDR = /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(3[0-2]|[12]?\d)$|^[0-9a-fA-F:]+\/\d{1,3}$/;

/** An IPv4 or IPv6 CIDR block. */
export const zCidr = z.string().regex(CIDR, 'must be a CIDR such as 10.0.0.0/16');

/** A TCP/UDP port number. */
export const zPort = z.number().int().min(1, 'must be a port 1-65535').max(65535, 'must be a port 1-65535');

/** Seconds within an inclusive range, as a Duration. */
export function zDurationBetween(minSeconds: number, maxSeconds: number, what: string) {
  return zDuration.refine(
    (d) => {
      const s = d.toMilliseconds() / 1000;
      return Number.isInteger(s) && s >= minSeconds && s <= maxSeconds;
    },
    { message: `must be a whole number of seconds within ${minSeconds}-${maxSeconds} s (${what}); pick a value in range` },
  );
}

/** Whole seconds of a Duration (rounds sub-second durations up). */
export function seconds(d: Duration): number {
  return Math.ceil(d.toMilliseconds() / 1000);
}


/** Kubernetes quantity of a cdk8s-plus Cpu as a number of cores. */
export function cpuCores(amount: string): number {
  return amount.endsWith('m') ? Number(amount.slice(0, -1)) / 1000 : Number(amount);
}
