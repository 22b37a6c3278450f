/**
 * The value schemas every section of the spec and every construct's props use: one schema
 * per kind of value a cluster accepts. Rules and limits follow the Kubernetes API
 * validation of v1.28 (k8s.io/apimachinery/pkg/util/validation: IsDNS1123Label,
 * IsDNS1123Subdomain, IsDNS1035Label, IsQualifiedName, IsValidLabelValue; pkg/api/resource
 * quantity syntax; int32 fields of the core API) and the image reference grammar of
 * distribution/reference (the grammar containerd and the kubelet parse images with).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { z } from 'zod';

// ---- numbers --------------------------------------------------------------------------

/** Largest value of an int32 API field (replicas, ports, seconds, UIDs, thresholds). */
export const INT32_MAX = 2 ** 31 - 1;

/**
 * A whole number that fits an int32 API field, within [min, max]. NaN, Infinity and
 * fractions are refused with the rule, never zod's wording.
 */
export function zInt(min: number, max: number = INT32_MAX, what?: string) {
  const range = max === INT32_MAX ? `at least ${min}` : `within ${min}-${max}`;
  const detail = what ? ` (${what})` : '';
  // One message per value: the first rule it breaks.
  return z.number().superRefine((n, ctx) => {
    const message = !Number.isFinite(n)
      ? `must be a finite whole number${detail}; give a real value`
      : !Number.isInteger(n)
        ? `must be a whole number${detail}; round it`
        : n < min || (n > max && max !== INT32_MAX)
          ? `must be ${range}${detail}; pick a value in range`
          : n > max
            ? `must fit a 32-bit integer (at most ${INT32_MAX}); lower it`
            : undefined;
    if (message) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  });
}

/** A TCP/UDP port number. */
export const zPort = zInt(1, 65535, 'a port');

// ---- names ----------------------------------------------------------------------------

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** RFC 1123 DNS label: namespaces and most object names. */
export const zDnsLabel = z
  .string()
  .max(63, 'must be at most 63 characters (RFC 1123 label); shorten it')
  .regex(DNS_LABEL, 'must be an RFC 1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit); rename it');

/** RFC 1035 DNS label: Service names (they become DNS names, so they must start with a letter). */
export const zDns1035Label = z
  .string()
  .max(63, 'must be at most 63 characters (RFC 1035 label, the rule for Service names); shorten it')
  .regex(DNS_1035_LABEL, 'must be an RFC 1035 label (lower-case letters, digits and "-", starting with a letter, ending with a letter or digit: the rule for Service names); rename it');

/** RFC 1123 DNS subdomain: ConfigMap, Secret, PVC, PriorityClass names. */
export const zDnsSubdomain = z
  .string()
  .max(253, 'must be at most 253 characters (RFC 1123 subdomain); shorten it')
  .regex(DNS_SUBDOMAIN, 'must be an RFC 1123 subdomain (lower-case letters, digits, "-" and "."); rename it');

// Label and annotation keys: an optional DNS-subdomain prefix (at most 253) and "/", then a
// name of at most 63 characters; label values at most 63 characters.
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why `key` is not a qualified name (label and annotation keys), or undefined. */
export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return 'must have a DNS-subdomain prefix before "/" (lower-case letters, digits, "-", ".", at most 253); fix the prefix';
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return 'must be a Kubernetes label/annotation key ([prefix/]name, name 1-63 letters, digits, "-", "_", ".", starting and ending with a letter or digit); fix the key';
  }
  return undefined;
}

export const zLabelKey = z.string().superRefine((key, ctx) => {
  const problem = qualifiedNameProblem(key);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

export const zLabelValue = z
  .string()
  .max(63, 'must be at most 63 characters (Kubernetes label value); shorten it')
  .regex(LABEL_VALUE, 'must be a Kubernetes label value (letters, digits, "-", "_", ".", starting and ending with a letter or digit); fix the value');

/** A map of labels; a bad key or value is reported at its key's path. */
export const zLabelMap = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  for (const [key, value] of Object.entries(labels)) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `is not a valid key: ${keyProblem}`, params: { value: key } });
    const valueResult = zLabelValue.safeParse(value);
    if (!valueResult.success) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: valueResult.error.issues[0].message });
  }
});

/** Total size limit of an object's annotations (apimachinery TotalAnnotationSizeLimitB). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** A map of annotations: qualified-name keys, any string values, 256 KiB in all. */
export const zAnnotationMap = z.record(z.string(), z.string()).superRefine((annotations, ctx) => {
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    size += key.length + value.length;
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `is not a valid key: ${keyProblem}`, params: { value: key } });
  }
  if (size > ANNOTATIONS_MAX_BYTES) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `total more than ${ANNOTATIONS_MAX_BYTES} bytes, the API server's limit for an object's annotations; shorten them` });
  }
});

/** A container port name or Service port name (IANA_SVC_NAME). */
export const zPortName = z
  .string()
  .max(15, 'must be at most 15 characters (IANA service name, the rule for port names); shorten it')
  .regex(/^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a port name (lower-case letters, digits and "-", at least one letter, no "--"); rename it')
  .refine((n) => !n.includes('--'), 'must not contain "--" (IANA service name); rename it');

/** An environment variable name as the kubelet accepts it (C identifier, the portable subset). */
export const zEnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*); rename it');

/** A key of a Secret or ConfigMap (IsConfigMapKey: at most 253 of [-._a-zA-Z0-9]). */
export const zDataKey = z
  .string()
  .min(1, 'must not be empty; name the key')
  .max(253, 'must be at most 253 characters (Secret and ConfigMap keys); shorten it')
  .regex(/^[-._a-zA-Z0-9]+$/, 'must be a Secret/ConfigMap key (letters, digits, "-", "_", "."); rename it')
  .refine((k) => k !== '.' && k !== '..', 'must not be "." or ".."; rename it');

/** An absolute HTTP path. */
export const zHttpPath = z
  .string()
  .max(1024, 'must be at most 1024 characters; shorten it')
  .regex(/^\/[^\s?#]*$/, 'must be an absolute HTTP path starting with "/", without spaces, query or fragment; e.g. /health');

// ---- images ---------------------------------------------------------------------------

// distribution/reference grammar: [domain[:port]/]path-component(/path-component)*[:tag][@digest]
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const IMAGE_REFERENCE = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);

/**
 * Why `image` is not a pinned image reference, or undefined. Pinned: a tag other than
 * `latest`, or a sha256 digest (64 hex). The name must follow the reference grammar
 * (repository path in lower case, no spaces).
 */
export function imageProblem(image: string): string | undefined {
  if (image.length > 4096 || !IMAGE_REFERENCE.test(image)) {
    return 'is not an image reference ([registry/]repository[:tag][@sha256:digest], repository in lower case, no spaces); fix the image name';
  }
  const m = IMAGE_REFERENCE.exec(image)!;
  const [, , , tag, digest] = m;
  if (digest) {
    return /^sha256:[a-f0-9]{64}$/.test(digest) ? undefined : 'has a digest that is not sha256:<64 lower-case hex>; copy the digest from the registry';
  }
  if (!tag) return 'must be pinned by tag or digest (no tag means :latest); add an immutable tag such as :1.4.2 or @sha256:<digest>';
  if (tag === 'latest') return 'must not use the mutable :latest tag; pin a version tag or @sha256:<digest>';
  return undefined;
}

export const zImage = z.string().superRefine((image, ctx) => {
  const problem = imageProblem(image);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

// ---- addresses ------------------------------------------------------------------------

/** Why `cidr` is not an IPv4 or IPv6 CIDR block, or undefined. */
export function cidrProblem(cidr: string): string | undefined {
  const slash = cidr.indexOf('/');
  const address = slash >= 0 ? cidr.slice(0, slash) : cidr;
  const prefix = slash >= 0 ? cidr.slice(slash + 1) : '';
  if (!/^\d{1,3}$/.test(prefix)) return 'must be a CIDR block with a prefix length, such as 10.0.0.0/16 or 2001:db8::/32';
  const bits = Number(prefix);
  if (isIPv4(address)) return bits <= 32 ? undefined : 'has an IPv4 prefix length above 32; use 0-32';
  if (isIPv6(address)) return bits <= 128 ? undefined : 'has an IPv6 prefix length above 128; use 0-128';
  return 'must be a CIDR block of an IPv4 or IPv6 address, such as 10.0.0.0/16 or 2001:db8::/32';
}

/** An IPv4 or IPv6 CIDR block. */
export const zCidr = z.string().superRefine((cidr, ctx) => {
  const problem = cidrProblem(cidr);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

// ---- cdk8s value types ----------------------------------------------------------------

/** Milliseconds of a Duration, NaN when it holds no finite amount (cdk8s would throw). */
export function durationMillis(d: Duration): number {
  const ms = d.toMilliseconds({ integral: false });
  return Number.isFinite(ms) ? ms : NaN;
}

/**
 * A cdk8s Duration of a finite, non-negative, whole number of milliseconds: cdk8s converts
 * no fraction of a millisecond (`Duration.millis(0.5).toMilliseconds()` throws).
 */
export const zDuration = z.custom<Duration>(
  (v) => v instanceof Duration && Number.isInteger(durationMillis(v)),
  (v) => ({
    message:
      v instanceof Duration && !Number.isNaN(durationMillis(v))
        ? 'must be a whole number of milliseconds; round it'
        : 'must be a finite cdk8s Duration; use Duration.seconds(n) / Duration.minutes(n) with a real number',
  }),
);

/** Whole seconds within an inclusive range, as a Duration. */
export function zDurationBetween(minSeconds: number, maxSeconds: number, what: string) {
  return zDuration.refine(
    (d) => {
      const s = durationMillis(d) / 1000;
      return Number.isInteger(s) && s >= minSeconds && s <= maxSeconds;
    },
    { message: `must be a whole number of seconds within ${minSeconds}-${maxSeconds} s (${what}); pick a value in range` },
  );
}

/** Whole seconds of a Duration (rounds sub-second durations up). */
export function seconds(d: Duration): number {
  return Math.ceil(durationMillis(d) / 1000);
}

/** Kibibytes of a Size, NaN when it holds no finite amount. */
export function sizeKibibytes(s: Size): number {
  const kib = s.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  return Number.isFinite(kib) ? kib : NaN;
}

/**
 * A Size as cdk8s writes it into a manifest (`asString()`: the amount, then Ki..Pi): a
 * Kubernetes quantity only when the amount has no exponent (`1e-7Gi`, `1e+21Mi` are not).
 */
const SIZE_QUANTITY = /^(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:Ki|Mi|Gi|Ti|Pi|Ei)$/;

/** A cdk8s Size of a finite amount above 0 that is written as a Kubernetes quantity. */
export const zSize = z.custom<Size>(
  (v) => v instanceof Size && sizeKibibytes(v) > 0 && SIZE_QUANTITY.test(v.asString()),
  (v) => ({
    message:
      v instanceof Size && sizeKibibytes(v) > 0
        ? 'must be written without an exponent (Kubernetes quantities have none before the unit); use a unit that makes the amount a plain number, e.g. Size.mebibytes(512)'
        : 'must be a finite cdk8s Size above 0; use Size.gibibytes(n) / Size.mebibytes(n) with a positive number',
  }),
);

/**
 * A CPU amount: the `Cpu` of any cdk8s-plus major (28 to 33 have the same shape: an
 * `amount` quantity string such as `2` or `500m`), or anything with that shape.
 */
export interface CpuValue {
  readonly amount: string;
}

const CPU_AMOUNT = /^(\d+(\.\d+)?|\.\d+)(m)?$/;

/** Cores of a CPU amount (`500m` -> 0.5), NaN when it is not a CPU quantity. */
export function cpuCores(amount: string): number {
  const m = CPU_AMOUNT.exec(amount);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[3] ? n / 1000 : n;
}

/** A CPU amount of at least 1 millicore (the API server's precision). */
export const zCpu = z.custom<CpuValue>(
  (v) => typeof v === 'object' && v !== null && typeof (v as CpuValue).amount === 'string' && cpuCores((v as CpuValue).amount) >= 0.001,
  { message: 'must be a CPU amount of at least 1 millicore; use Cpu.units(n) or Cpu.millis(n) with a positive number' },
);
