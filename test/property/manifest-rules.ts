/**
 * Checks of synthesized output that hold for every valid spec: the API schemas
 * (expectValidManifests), Pod Security "restricted", and the Kubernetes value rules the
 * JSON schemas do not carry (apimachinery name and label syntax, int32 ranges, quantity
 * syntax, no NaN or Infinity anywhere in the YAML).
 */
import { expectValidManifests } from '../helpers/k8s-schema';
import { podSecurityRestrictedViolations, podTemplateOf } from '../helpers/pod-security';
import { NUMBER_WORDS } from './arbitraries';

type Json = Record<string, any>;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

// k8s.io/apimachinery/pkg/util/validation (v1.28).
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
// k8s.io/apimachinery/pkg/api/resource quantity syntax: <signedNumber><suffix>, where the
// suffix is binary (Ki..Ei), decimal (n u m "" k M G T P E) or a decimal exponent.
const QUANTITY = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;
/** KEDA parses trigger thresholds with strconv.ParseFloat. */
const FLOAT = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** int32 fields of the objects the library writes (core, autoscaling/v2, policy/v1, KEDA). */
const INT32_FIELDS = new Set([
  'replicas',
  'minReplicas',
  'maxReplicas',
  'minReplicaCount',
  'maxReplicaCount',
  'containerPort',
  'port',
  'targetPort',
  'periodSeconds',
  'timeoutSeconds',
  'failureThreshold',
  'successThreshold',
  'initialDelaySeconds',
  'weight',
  'maxSkew',
  'stabilizationWindowSeconds',
  'averageUtilization',
  'pollingInterval',
  'cooldownPeriod',
  'minAvailable',
  'maxUnavailable',
  'maxSurge',
]);
/** int64 fields: whole and exact in a double. */
const INT64_FIELDS = new Set(['terminationGracePeriodSeconds', 'runAsUser', 'runAsGroup', 'fsGroup']);

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return 'has an invalid prefix';
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) return 'has an invalid name part';
  return undefined;
}

/**
 * Every Kubernetes value rule the objects break, as `Kind/name: path: problem`. `yamlText`
 * is the YAML the objects were written as; `searchNumberWords` false skips the NaN/Infinity
 * text search (for inputs that planted such a word in a free-text field themselves).
 */
export function kubernetesValueProblems(objs: readonly Json[], yamlText: string, searchNumberWords = true): string[] {
  const out: string[] = [];
  for (const obj of objs) {
    const who = `${obj.kind}/${obj.metadata?.name}`;
    const bad = (path: string, problem: string, value: unknown) => out.push(`${who}: ${path}: ${problem} (got ${JSON.stringify(value) ?? String(value)})`);

    // Object names: Services are RFC 1035 labels, Namespaces RFC 1123 labels, the rest subdomains.
    const name = obj.metadata?.name;
    if (typeof name !== 'string') bad('metadata.name', 'must be a string', name);
    else if (obj.kind === 'Service' ? !(name.length <= 63 && DNS_1035_LABEL.test(name)) : obj.kind === 'Namespace' ? !(name.length <= 63 && DNS_LABEL.test(name)) : !(name.length <= 253 && DNS_SUBDOMAIN.test(name))) {
      bad('metadata.name', obj.kind === 'Service' ? 'must be an RFC 1035 label of at most 63 characters' : 'must be a DNS name', name);
    }

    const labelMap = (path: string, map: unknown) => {
      if (!isObject(map)) {
        bad(path, 'must be a map', map);
        return;
      }
      for (const [k, v] of Object.entries(map)) {
        const keyProblem = qualifiedNameProblem(k);
        if (keyProblem) bad(`${path}[${JSON.stringify(k)}]`, `key ${keyProblem}`, k);
        if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) bad(`${path}[${JSON.stringify(k)}]`, 'must be a label value', v);
      }
    };
    const quantity = (path: string, v: unknown) => {
      if (typeof v === 'number' ? !Number.isFinite(v) : typeof v !== 'string' || !QUANTITY.test(v)) bad(path, 'must be a quantity', v);
    };

    const walk = (node: unknown, path: string, key: string, parent: Json | undefined): void => {
      if (typeof node === 'number') {
        if (!Number.isFinite(node)) bad(path, 'must be a finite number', node);
        const policyValue = key === 'value' && parent !== undefined && 'periodSeconds' in parent && 'type' in parent;
        if ((INT32_FIELDS.has(key) || policyValue) && !(Number.isInteger(node) && node >= INT32_MIN && node <= INT32_MAX)) bad(path, 'must be an int32', node);
        if (INT64_FIELDS.has(key) && !Number.isSafeInteger(node)) bad(path, 'must be a whole number', node);
        return;
      }
      if (Array.isArray(node)) {
        node.forEach((v, i) => walk(v, `${path}[${i}]`, key, parent));
        return;
      }
      if (!isObject(node)) return;
      // Prometheus rule labels and annotations are Prometheus data, not Kubernetes labels.
      if (obj.kind === 'PrometheusRule' && key === 'groups') return;
      for (const [k, v] of Object.entries(node)) {
        const at = path ? `${path}.${k}` : k;
        if (k === 'metadata' && isObject(v)) {
          if (v.labels !== undefined) labelMap(`${at}.labels`, v.labels);
          for (const a of Object.keys(v.annotations ?? {})) {
            const problem = qualifiedNameProblem(a);
            if (problem) bad(`${at}.annotations[${JSON.stringify(a)}]`, `key ${problem}`, a);
          }
          if (v.namespace !== undefined && !(typeof v.namespace === 'string' && v.namespace.length <= 63 && DNS_LABEL.test(v.namespace))) {
            bad(`${at}.namespace`, 'must be an RFC 1123 label', v.namespace);
          }
        }
        if (k === 'matchLabels') labelMap(at, v);
        if (k === 'matchExpressions' && Array.isArray(v)) {
          v.forEach((e: Json, i: number) => {
            const problem = qualifiedNameProblem(String(e.key));
            if (problem) bad(`${at}[${i}].key`, `key ${problem}`, e.key);
            (e.values ?? []).forEach((x: unknown, j: number) => {
              if (typeof x !== 'string' || x.length > 63 || !LABEL_VALUE.test(x)) bad(`${at}[${i}].values[${j}]`, 'must be a label value', x);
            });
          });
        }
        if (k === 'matchNames' && Array.isArray(v)) {
          v.forEach((x: unknown, i: number) => {
            if (!(typeof x === 'string' && x.length <= 63 && DNS_LABEL.test(x))) bad(`${at}[${i}]`, 'must be a namespace name', x);
          });
        }
        if ((k === 'requests' || k === 'limits' || k === 'minAllowed' || k === 'maxAllowed') && isObject(v)) {
          for (const [r, q] of Object.entries(v)) quantity(`${at}.${r}`, q);
        }
        if (k === 'sizeLimit') quantity(at, v);
        if (k === 'target' && isObject(v)) {
          for (const f of ['averageValue', 'value']) if (v[f] !== undefined) quantity(`${at}.${f}`, v[f]);
        }
        if (k === 'triggers' && Array.isArray(v)) {
          v.forEach((t: Json, i: number) => {
            for (const f of ['threshold', 'activationThreshold', 'value']) {
              const x = t.metadata?.[f];
              if (x !== undefined && !(typeof x === 'string' && FLOAT.test(x) && Number.isFinite(Number(x)))) bad(`${at}[${i}].metadata.${f}`, 'must be a finite decimal number', x);
            }
          });
        }
        walk(v, at, k, node);
      }
    };
    walk(obj, '', '', undefined);
  }
  if (searchNumberWords) {
    yamlText.split('\n').forEach((line, i) => {
      if (NUMBER_WORDS.test(line)) out.push(`YAML line ${i + 1}: a number word (NaN/Infinity/.inf): ${line.trim().slice(0, 160)}`);
    });
  }
  return out;
}

/**
 * All checks of synthesized output: API schemas, Pod Security, Kubernetes value rules.
 * Throws a plain Error (not vitest's expect, whose failures are retained while fast-check
 * shrinks and exhaust the heap).
 */
export function assertValidOutput(objs: readonly Json[], yamlText: string, searchNumberWords = true): void {
  expectValidManifests(objs);
  const problems: string[] = [];
  let pods = 0;
  for (const obj of objs) {
    const template = podTemplateOf(obj);
    if (!template) continue;
    pods++;
    for (const v of podSecurityRestrictedViolations(template.spec, template.metadata.annotations)) problems.push(`${obj.kind}/${obj.metadata?.name}: ${v}`);
  }
  if (pods === 0) problems.push('no pod template to check for Pod Security');
  problems.push(...kubernetesValueProblems(objs, yamlText, searchNumberWords));
  if (problems.length > 0) throw new Error(`${problems.length} problem(s) in the synthesized objects:\n  - ${problems.join('\n  - ')}`);
}
