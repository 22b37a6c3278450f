/**
 * Pack `aws-nlb`: the Service annotations the AWS Load Balancer Controller reads (known keys,
 * values within the ranges it and the ELBv2 API accept) and the namespace label that makes
 * the controller inject pod readiness gates for ip targets.
 *
 * Known keys: kubernetes-sigs/aws-load-balancer-controller pkg/annotations/constants.go
 * (the `SvcLBSuffix*` constants, read at commit 00c019c9b860ae61b1709454ac97004ce8cb0e98 of
 * the main branch, after v3.5.0), under the prefix `service.beta.kubernetes.io/`;
 * `aws-load-balancer-listener-attributes.<Protocol>-<port>` is a prefix (SvcLBSuffixlsAttsAnnotationPrefix).
 * Ranges: NLB_LIMITS in src/providers/aws-nlb.ts (the same table the spec schemas use).
 * Default preserve_client_ip: enabled for instance targets, disabled for ip targets with
 * TCP/TLS (ELB docs, network/edit-target-group-attributes "Client IP preservation").
 */
import { POD_READINESS_GATE_LABEL, RULE_IDS } from '../conventions';
import { NLB_ANNOTATION_PREFIX, NLB_LIMITS, NLB_LOAD_BALANCER_CLASS, successCodesOk } from '../providers/aws-nlb';
import { nearest } from '../spec/problems';
import { problem } from './message';
import { annotationsOf, describeObject, keyPath, labelsOf, mapSelectorMatches, nameOf, namespaceOf } from './objects';
import { K8sObject, RawFinding, Rule } from './types';

/** Suffixes (after `service.beta.kubernetes.io/`) the controller reads on a Service. */
export const NLB_ANNOTATION_SUFFIXES: readonly string[] = [
  'load-balancer-source-ranges',
  'aws-load-balancer-type',
  'aws-load-balancer-nlb-target-type',
  'aws-load-balancer-name',
  'aws-load-balancer-scheme',
  'aws-load-balancer-internal',
  'aws-load-balancer-proxy-protocol',
  'aws-load-balancer-proxy-protocol-per-target-group',
  'aws-load-balancer-ip-address-type',
  'aws-load-balancer-access-log-enabled',
  'aws-load-balancer-access-log-s3-bucket-name',
  'aws-load-balancer-access-log-s3-bucket-prefix',
  'aws-load-balancer-cross-zone-load-balancing-enabled',
  'aws-load-balancer-ssl-cert',
  'aws-load-balancer-ssl-ports',
  'aws-load-balancer-ssl-negotiation-policy',
  'aws-load-balancer-backend-protocol',
  'aws-load-balancer-additional-resource-tags',
  'aws-load-balancer-healthcheck-healthy-threshold',
  'aws-load-balancer-healthcheck-unhealthy-threshold',
  'aws-load-balancer-healthcheck-timeout',
  'aws-load-balancer-healthcheck-interval',
  'aws-load-balancer-healthcheck-protocol',
  'aws-load-balancer-healthcheck-port',
  'aws-load-balancer-healthcheck-path',
  'aws-load-balancer-healthcheck-success-codes',
  'aws-load-balancer-target-group-attributes',
  'aws-load-balancer-subnets',
  'aws-load-balancer-eip-allocations',
  'aws-load-balancer-eip-allocations-discovery-tags',
  'aws-load-balancer-private-ipv4-addresses',
  'aws-load-balancer-ipv6-addresses',
  'aws-load-balancer-alpn-policy',
  'aws-load-balancer-target-node-labels',
  'aws-load-balancer-attributes',
  'aws-load-balancer-security-groups',
  'aws-load-balancer-manage-backend-security-group-rules',
  'aws-load-balancer-inbound-sg-rules-on-private-link-traffic',
  'aws-load-balancer-security-group-prefix-lists',
  'aws-load-balancer-multi-cluster-target-group',
  'aws-load-balancer-enable-prefix-for-ipv6-source-nat',
  'aws-load-balancer-source-nat-ipv6-prefixes',
  'aws-load-balancer-minimum-load-balancer-capacity',
  'aws-load-balancer-enable-icmp-for-path-mtu-discovery',
  'aws-load-balancer-enable-tcp-udp-listener',
  'aws-load-balancer-disable-nlb-sg',
  'aws-load-balancer-quic-enabled-ports',
];

/** Prefix of the per-listener attribute annotations (`...listener-attributes.TCP-80`). */
const LISTENER_ATTRIBUTES = 'aws-load-balancer-listener-attributes.';

const AWS_KEY_PREFIX = `${NLB_ANNOTATION_PREFIX}aws-load-balancer-`;

/** The loadBalancerClass that hands a Service to the AWS Load Balancer Controller. */
export const AWS_NLB_CLASS = NLB_LOAD_BALANCER_CLASS;

function ann(svc: K8sObject, suffix: string): string | undefined {
  const v = annotationsOf(svc)[NLB_ANNOTATION_PREFIX + suffix];
  return typeof v === 'string' ? v : undefined;
}

/**
 * A LoadBalancer Service the AWS Load Balancer Controller provisions an NLB for: its
 * loadBalancerClass when it has one (the controller's default class), else the type
 * annotation `nlb-ip`, or `external` with a target type of ip or instance
 * (pkg/service/service_utils.go, IsServiceSupported and checkAWSLoadBalancerTypeAnnotation,
 * at the commit named above).
 */
export function isAwsNlbService(svc: K8sObject): boolean {
  if (svc.kind !== 'Service' || svc.spec?.type !== 'LoadBalancer') return false;
  if (typeof svc.spec?.loadBalancerClass === 'string') return svc.spec.loadBalancerClass === AWS_NLB_CLASS;
  const type = ann(svc, 'aws-load-balancer-type');
  const target = ann(svc, 'aws-load-balancer-nlb-target-type');
  return type === 'nlb-ip' || (type === 'external' && (target === 'ip' || target === 'instance'));
}

/** `ip` or `instance` (the default; the legacy type `nlb-ip` means ip: pkg/service/model_build_target_group.go, buildTargetType). */
export function nlbTargetType(svc: K8sObject): string {
  return ann(svc, 'aws-load-balancer-nlb-target-type') ?? (ann(svc, 'aws-load-balancer-type') === 'nlb-ip' ? 'ip' : 'instance');
}

/** `k=v,k=v` attribute list as a map. */
export function attributeMap(value: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (value ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** Whether the NLB hands the pods the client's address (target group attribute, default by target type). */
export function preservesClientIp(svc: K8sObject): boolean {
  const v = attributeMap(ann(svc, 'aws-load-balancer-target-group-attributes')).get('preserve_client_ip.enabled');
  return v === undefined ? nlbTargetType(svc) !== 'ip' : v.toLowerCase() === 'true';
}

/** The health-check port: `traffic-port` (the default) or a number / name. */
export function healthCheckPort(svc: K8sObject): string {
  return ann(svc, 'aws-load-balancer-healthcheck-port') ?? 'traffic-port';
}

function intIn(value: string, [min, max]: readonly [number, number]): boolean {
  if (!/^\d+$/.test(value.trim())) return false;
  const n = Number(value);
  return n >= min && n <= max;
}


/** Problems with the values of the controller's annotations on one Service. */
function annotationValueProblems(svc: K8sObject): { key: string; value: string; message: string }[] {
  const out: { key: string; value: string; message: string }[] = [];
  const a = annotationsOf(svc);
  const get = (suffix: string) => {
    const key = NLB_ANNOTATION_PREFIX + suffix;
    return typeof a[key] === 'string' ? { key, value: a[key] as string } : undefined;
  };
  const range = (suffix: string, limit: readonly [number, number], what: string) => {
    const v = get(suffix);
    if (v && !intIn(v.value, limit)) out.push({ ...v, message: `must be a whole number of ${what} within ${limit[0]}-${limit[1]}; pick a value in range` });
  };
  const oneOf = (suffix: string, values: readonly string[]) => {
    const v = get(suffix);
    if (v && !values.includes(v.value)) out.push({ ...v, message: `must be one of ${values.join(', ')}` });
  };
  oneOf('aws-load-balancer-nlb-target-type', ['ip', 'instance']);
  oneOf('aws-load-balancer-scheme', ['internal', 'internet-facing']);
  oneOf('aws-load-balancer-healthcheck-protocol', ['tcp', 'http', 'https', 'TCP', 'HTTP', 'HTTPS']);
  range('aws-load-balancer-healthcheck-interval', NLB_LIMITS.healthCheckIntervalSeconds, 'seconds');
  range('aws-load-balancer-healthcheck-timeout', NLB_LIMITS.healthCheckTimeoutSeconds, 'seconds');
  range('aws-load-balancer-healthcheck-healthy-threshold', NLB_LIMITS.healthCheckThreshold, 'checks');
  range('aws-load-balancer-healthcheck-unhealthy-threshold', NLB_LIMITS.healthCheckThreshold, 'checks');
  const interval = get('aws-load-balancer-healthcheck-interval');
  const timeout = get('aws-load-balancer-healthcheck-timeout');
  if (interval && timeout && intIn(interval.value, NLB_LIMITS.healthCheckIntervalSeconds) && intIn(timeout.value, NLB_LIMITS.healthCheckTimeoutSeconds) && Number(timeout.value) > Number(interval.value)) {
    out.push({ ...timeout, message: `must not exceed the health-check interval (${interval.value} s); lower the timeout or raise the interval` });
  }
  const path = get('aws-load-balancer-healthcheck-path');
  if (path) {
    const [min, max] = NLB_LIMITS.healthCheckPathLength;
    if (path.value.length < min || path.value.length > max || !path.value.startsWith('/')) out.push({ ...path, message: `must start with "/" and be ${min}-${max} characters long` });
  }
  const port = get('aws-load-balancer-healthcheck-port');
  if (port && port.value !== 'traffic-port' && !intIn(port.value, [1, 65535])) out.push({ ...port, message: 'must be traffic-port or a port number 1-65535' });
  const codes = get('aws-load-balancer-healthcheck-success-codes');
  if (codes && !successCodesOk(codes.value)) out.push({ ...codes, message: `must be HTTP codes within ${NLB_LIMITS.successCodes[0]}-${NLB_LIMITS.successCodes[1]}, e.g. 200-399 or 200,204` });
  const tg = get('aws-load-balancer-target-group-attributes');
  const delay = attributeMap(tg?.value).get('deregistration_delay.timeout_seconds');
  if (tg && delay !== undefined && !intIn(delay, NLB_LIMITS.deregistrationDelaySeconds)) {
    out.push({ ...tg, message: `sets deregistration_delay.timeout_seconds=${delay}, which must be within ${NLB_LIMITS.deregistrationDelaySeconds[0]}-${NLB_LIMITS.deregistrationDelaySeconds[1]}` });
  }
  for (const [key, value] of Object.entries(a)) {
    if (!key.startsWith(NLB_ANNOTATION_PREFIX + LISTENER_ATTRIBUTES) || typeof value !== 'string') continue;
    const idle = attributeMap(value).get('tcp.idle_timeout.seconds');
    if (idle !== undefined && !intIn(idle, NLB_LIMITS.idleTimeoutSeconds)) {
      out.push({ key, value, message: `sets tcp.idle_timeout.seconds=${idle}, which must be within ${NLB_LIMITS.idleTimeoutSeconds[0]}-${NLB_LIMITS.idleTimeoutSeconds[1]}` });
    }
    if (!/^(TCP|UDP|TCP_UDP|TLS|QUIC|TCP_QUIC)-\d+$/.test(key.slice((NLB_ANNOTATION_PREFIX + LISTENER_ATTRIBUTES).length))) {
      out.push({ key, value, message: `names no listener: the key must end in .<protocol>-<port>, e.g. ${NLB_ANNOTATION_PREFIX}${LISTENER_ATTRIBUTES}TCP-80` });
    }
  }
  return out;
}

export const AWS_NLB_RULES: readonly Rule[] = [
  {
    id: RULE_IDS.nlbAnnotationKnown,
    name: 'nlb-annotation-known',
    pack: 'aws-nlb',
    level: 'error',
    summary: 'Every service.beta.kubernetes.io/aws-load-balancer-* annotation on an NLB Service is one the AWS Load Balancer Controller reads.',
    why: 'The controller ignores a key it does not know, silently: a misspelt health-check or attribute annotation leaves the NLB on its defaults (internal scheme, 10 s health checks, 300 s deregistration delay) while the manifest says otherwise. Keys of the legacy in-tree controller do nothing on a Service the AWS Load Balancer Controller owns.',
    fix: 'Correct the key to one the controller documents (see the suggestion), or remove it.',
    check(ctx) {
      const out: RawFinding[] = [];
      for (const svc of ctx.ofKind('Service').filter(isAwsNlbService)) {
        for (const key of Object.keys(annotationsOf(svc))) {
          if (!key.startsWith(AWS_KEY_PREFIX)) continue;
          const suffix = key.slice(NLB_ANNOTATION_PREFIX.length);
          if (NLB_ANNOTATION_SUFFIXES.includes(suffix) || suffix.startsWith(LISTENER_ATTRIBUTES)) continue;
          const near = nearest(suffix, NLB_ANNOTATION_SUFFIXES);
          const path = keyPath('metadata.annotations', key);
          out.push({ object: svc, path, message: `${path} is not an annotation the AWS Load Balancer Controller reads; it is ignored${near ? `: did you mean ${NLB_ANNOTATION_PREFIX}${near}?` : '; remove it'}` });
        }
      }
      return out;
    },
  },
  {
    id: RULE_IDS.nlbAnnotationValue,
    name: 'nlb-annotation-value',
    pack: 'aws-nlb',
    level: 'error',
    summary: "The values of an NLB Service's annotations are within the ranges the controller and the ELBv2 API accept.",
    why: 'An out-of-range value (a 2 s health-check interval, a deregistration delay above 3600 s) makes the controller fail to reconcile the Service: the NLB is not created or not updated, and the event on the Service is the only trace.',
    fix: 'Use a value within the documented range (health-check interval 5-300 s, timeout 2-120 s and not above the interval, thresholds 2-10, deregistration delay 0-3600 s, TCP idle timeout 60-6000 s).',
    check(ctx) {
      const out: RawFinding[] = [];
      for (const svc of ctx.ofKind('Service').filter(isAwsNlbService)) {
        for (const p of annotationValueProblems(svc)) {
          const path = keyPath('metadata.annotations', p.key);
          out.push({ object: svc, path, message: problem(path, p.value, p.message) });
        }
      }
      return out;
    },
  },
  {
    id: RULE_IDS.nlbReadinessGateNamespace,
    name: 'nlb-readiness-gate-namespace',
    pack: 'aws-nlb',
    level: 'error',
    summary: `The Namespace of the pods behind an ip-target NLB carries ${POD_READINESS_GATE_LABEL}: enabled (checked when the Namespace is in the input).`,
    why: 'With ip targets the NLB registers pod IPs directly. Without the readiness gate a pod counts as ready before the NLB sees it healthy, so a rolling update removes old pods while the new ones are still "initial" in the target group: requests fail during every rollout.',
    fix: `Add the label ${POD_READINESS_GATE_LABEL}: enabled to the Namespace (before the pods are created: the gate is injected at pod creation).`,
    check(ctx) {
      const out: RawFinding[] = [];
      const flagged = new Set<string>();
      for (const svc of ctx.ofKind('Service').filter((s) => isAwsNlbService(s) && nlbTargetType(s) === 'ip')) {
        const ns = namespaceOf(svc);
        if (!ns || flagged.has(ns)) continue;
        const namespace = ctx.ofKind('Namespace').find((n) => nameOf(n) === ns);
        if (!namespace) continue;
        const selector = svc.spec?.selector ?? {};
        if (!ctx.workloadsIn(ns).some((w) => mapSelectorMatches(selector, labelsOf(w.template.metadata)))) continue;
        if (labelsOf(namespace.metadata)[POD_READINESS_GATE_LABEL] === 'enabled') continue;
        flagged.add(ns);
        const path = keyPath('metadata.labels', POD_READINESS_GATE_LABEL);
        out.push({ object: namespace, path, message: problem(path, labelsOf(namespace.metadata)[POD_READINESS_GATE_LABEL], `must be "enabled": ${describeObject(svc)} is an ip-target NLB, and without readiness gates a rollout replaces pods before the NLB routes to the new ones; add the label`) });
      }
      return out;
    },
  },
];
