/**
 * The NLB a Service asks for: its annotations read the way the AWS Load Balancer Controller
 * (v3.5.0, pkg/service/model_build_*.go) reads them, with what a missing annotation means
 * (nlb-facts.ts). Pure: a Service object in, expected values out.
 */
import { ExpectedReplicas, K8sObject } from './nlb-manifest';
import { ANNOTATION, AWS_DEFAULTS, CONTROLLER_DEFAULTS, NLB_LOAD_BALANCER_CLASS, SERVICE_ANNOTATION_PREFIX } from './nlb-facts';

/** One expected value and where it comes from (an annotation key, or whose default). */
export interface Expect {
  readonly value: string;
  readonly from: string;
}

export interface ExpectedHealthCheck {
  readonly protocol: Expect;
  /** Undefined when the manifest cannot say (a node port Kubernetes allocates). */
  readonly port?: Expect;
  readonly path?: Expect;
  readonly successCodes?: Expect;
  readonly intervalSeconds: Expect;
  readonly timeoutSeconds: Expect;
  readonly healthyThreshold: Expect;
  readonly unhealthyThreshold: Expect;
}

export interface ExpectedTargetGroup {
  readonly protocol: Expect;
  readonly targetType: Expect;
  readonly healthCheck: ExpectedHealthCheck;
  readonly attributes: Readonly<Record<string, Expect>>;
}

export interface ExpectedListener {
  readonly port: number;
  readonly protocol: Expect;
  readonly certificates?: Expect;
  readonly sslPolicy?: Expect;
  readonly alpnPolicy?: Expect;
  readonly attributes: Readonly<Record<string, Expect>>;
  readonly targetGroup: ExpectedTargetGroup;
}

export interface ExpectedNlb {
  readonly namespace: string;
  readonly name: string;
  readonly type: Expect;
  readonly scheme: Expect;
  readonly attributes: Readonly<Record<string, Expect>>;
  readonly listeners: readonly ExpectedListener[];
  readonly replicas?: ExpectedReplicas;
  /** Things the reader should know that are not drift (printed before the table). */
  readonly notes: readonly string[];
}

const CONTROLLER = 'controller default';
const AWS = 'AWS default';

/** Go's strconv.ParseBool, which the controller's ParseBoolAnnotation uses. */
function parseBool(key: string, raw: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(raw)) return false;
  throw new Error(`annotation ${key}: "${raw}" is not a boolean; the controller refuses the Service. Write true or false`);
}

/**
 * A `k1=v1,k2=v2` annotation split as the controller splits it (pkg/annotations/parser.go,
 * splitKeyValuePairs, v3.5.0): a comma ends a pair only when an `=` follows somewhere after
 * it, a backslash takes the next character literally, keys and values are trimmed.
 */
export function parseStringMap(key: string, raw: string): Record<string, string> {
  const pairs: string[] = [];
  let current = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      current += raw[++i];
    } else if (c === ',') {
      const rest = raw.slice(i + 1).trim();
      if (rest.includes('=')) {
        pairs.push(current.trim());
        current = '';
      } else if (rest.length > 0) {
        pairs.push(current.trim(), rest);
        current = '';
        i = raw.length;
      } else {
        current += c;
      }
    } else {
      current += c;
    }
  }
  if (current.length > 0) pairs.push(current.trim());
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const k = at < 0 ? '' : pair.slice(0, at).trim();
    if (at < 0 || k === '') throw new Error(`annotation ${key}: "${raw}" is not a comma-separated list of key=value; the controller refuses the Service. Fix the pair "${pair}"`);
    map[k] = pair.slice(at + 1).trim();
  }
  return map;
}

const splitList = (raw: string): string[] => raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);

/** The NLB the Service `service` asks the controller for. */
export function expectedNlb(service: K8sObject, replicas?: ExpectedReplicas): ExpectedNlb {
  const annotations: Record<string, string> = service.metadata?.annotations ?? {};
  const key = (suffix: string) => SERVICE_ANNOTATION_PREFIX + suffix;
  const ann = (suffix: string): string | undefined => annotations[key(suffix)];
  const from = (suffix: string) => `annotation ${suffix}`;
  const notes: string[] = [];
  const namespace: string = service.metadata?.namespace ?? 'default';
  const name: string = service.metadata?.name;

  const lbType = ann(ANNOTATION.type);
  if (service.spec?.loadBalancerClass !== NLB_LOAD_BALANCER_CLASS && lbType !== 'external' && lbType !== 'nlb-ip') {
    notes.push(
      `the Service has neither spec.loadBalancerClass: ${NLB_LOAD_BALANCER_CLASS} nor ${key(ANNOTATION.type)}: external; ` +
        'the AWS Load Balancer Controller manages it only when its webhook set the class on creation',
    );
  }

  // Scheme: model_build_load_balancer.go buildLoadBalancerScheme (the scheme annotation,
  // then the legacy `internal` boolean, then the controller's --default-load-balancer-scheme).
  let scheme: Expect;
  const rawScheme = ann(ANNOTATION.scheme);
  const rawInternal = ann(ANNOTATION.internal);
  if (rawScheme !== undefined) {
    if (rawScheme !== 'internal' && rawScheme !== 'internet-facing') throw new Error(`annotation ${key(ANNOTATION.scheme)}: unknown scheme "${rawScheme}"; write internal or internet-facing`);
    scheme = { value: rawScheme, from: from(ANNOTATION.scheme) };
  } else if (rawInternal !== undefined) {
    scheme = { value: parseBool(key(ANNOTATION.internal), rawInternal) ? 'internal' : 'internet-facing', from: from(ANNOTATION.internal) };
  } else {
    scheme = { value: CONTROLLER_DEFAULTS.scheme, from: `${CONTROLLER} (--default-load-balancer-scheme)` };
    notes.push(`no ${key(ANNOTATION.scheme)}: the controller keeps an existing NLB's scheme and creates new ones ${CONTROLLER_DEFAULTS.scheme}`);
  }

  // Load balancer attributes: the specific annotations win over aws-load-balancer-attributes
  // (buildLoadBalancerAttributes merges them first, MergeStringMap keeps the first value).
  const attributes: Record<string, Expect> = {};
  const rawAttrs = ann(ANNOTATION.loadBalancerAttributes);
  if (rawAttrs !== undefined) {
    for (const [k, v] of Object.entries(parseStringMap(key(ANNOTATION.loadBalancerAttributes), rawAttrs))) attributes[k] = { value: v, from: from(ANNOTATION.loadBalancerAttributes) };
  }
  const accessLog = ann(ANNOTATION.accessLogEnabled);
  if (accessLog !== undefined) {
    const enabled = parseBool(key(ANNOTATION.accessLogEnabled), accessLog);
    attributes['access_logs.s3.enabled'] = { value: String(enabled), from: from(ANNOTATION.accessLogEnabled) };
    if (enabled) {
      const bucket = ann(ANNOTATION.accessLogBucket);
      const prefix = ann(ANNOTATION.accessLogPrefix);
      if (bucket !== undefined) attributes['access_logs.s3.bucket'] = { value: bucket, from: from(ANNOTATION.accessLogBucket) };
      if (prefix !== undefined) attributes['access_logs.s3.prefix'] = { value: prefix, from: from(ANNOTATION.accessLogPrefix) };
    }
  }
  const crossZone = ann(ANNOTATION.crossZone);
  if (crossZone !== undefined) {
    attributes['load_balancing.cross_zone.enabled'] = { value: String(parseBool(key(ANNOTATION.crossZone), crossZone)), from: from(ANNOTATION.crossZone) };
  }
  for (const [k, v] of Object.entries(AWS_DEFAULTS.loadBalancer)) attributes[k] ??= { value: v, from: AWS };

  // Target type: model_build_target_group.go buildTargetType.
  const rawTargetType = ann(ANNOTATION.targetType);
  const targetType: Expect =
    lbType === 'nlb-ip' || rawTargetType === 'ip'
      ? { value: 'ip', from: from(rawTargetType === 'ip' ? ANNOTATION.targetType : ANNOTATION.type) }
      : rawTargetType !== undefined
        ? { value: 'instance', from: from(ANNOTATION.targetType) }
        : { value: CONTROLLER_DEFAULTS.targetType, from: `${CONTROLLER} (--default-target-type)` };

  // Listeners: model_build_listener.go buildListenerConfig / buildListenerSpec.
  const certificates = splitList(ann(ANNOTATION.sslCert) ?? '');
  const tlsPorts = new Set(splitList(ann(ANNOTATION.sslPorts) ?? ''));
  const backendProtocol = ann(ANNOTATION.backendProtocol) ?? '';
  const sslPolicy: Expect = ann(ANNOTATION.sslPolicy) !== undefined
    ? { value: ann(ANNOTATION.sslPolicy)!, from: from(ANNOTATION.sslPolicy) }
    : { value: CONTROLLER_DEFAULTS.sslPolicy, from: `${CONTROLLER} (--default-ssl-policy)` };
  const ports: K8sObject[] = service.spec?.ports ?? [];
  const byNumber = new Map<number, K8sObject[]>();
  for (const p of ports) byNumber.set(p.port, [...(byNumber.get(p.port) ?? []), p]);

  const hc = healthCheck(service, ann, from, targetType.value, notes);
  const listeners: ExpectedListener[] = [];
  for (const [port, same] of byNumber) {
    const first = same[0];
    const protocols = new Set(same.map((p) => (p.protocol ?? 'TCP') as string));
    const portProtocol = protocols.size > 1 && protocols.has('TCP') && protocols.has('UDP') ? 'TCP_UDP' : [...protocols][0];
    const tls =
      portProtocol !== 'UDP' && portProtocol !== 'TCP_UDP' && certificates.length > 0 && (tlsPorts.size === 0 || tlsPorts.has(first.name) || tlsPorts.has(String(port)));
    const listenerProtocol = tls ? 'TLS' : portProtocol;
    const tgProtocol = tls && backendProtocol === 'ssl' ? 'TLS' : portProtocol;
    const protoFrom = tls ? `${from(ANNOTATION.sslCert)} + ${tlsPorts.size === 0 ? 'every port (no ssl-ports)' : from(ANNOTATION.sslPorts)}` : 'Service port';

    const listenerAttrKey = `${ANNOTATION.listenerAttributes}.${listenerProtocol}-${port}`;
    const rawListenerAttrs = ann(listenerAttrKey);
    const listenerAttributes: Record<string, Expect> = {};
    if (rawListenerAttrs !== undefined) {
      for (const [k, v] of Object.entries(parseStringMap(key(listenerAttrKey), rawListenerAttrs))) listenerAttributes[k] = { value: v, from: from(listenerAttrKey) };
    }
    const alpn = ann(ANNOTATION.alpnPolicy);

    listeners.push({
      port,
      protocol: { value: listenerProtocol, from: protoFrom },
      certificates: tls ? { value: certificates.join(','), from: from(ANNOTATION.sslCert) } : undefined,
      sslPolicy: tls ? sslPolicy : undefined,
      alpnPolicy: tls && alpn !== undefined ? { value: alpn, from: from(ANNOTATION.alpnPolicy) } : undefined,
      attributes: listenerAttributes,
      targetGroup: {
        protocol: { value: tgProtocol, from: tgProtocol === 'TLS' ? from(ANNOTATION.backendProtocol) : 'Service port' },
        targetType,
        healthCheck: hc,
        attributes: targetGroupAttributes(ann, from, key, port, targetType.value, tgProtocol),
      },
    });
  }
  listeners.sort((a, b) => a.port - b.port);

  return { namespace, name, type: { value: 'network', from: 'the controller builds NLBs for Services' }, scheme, attributes, listeners, replicas, notes };
}

/** model_build_target_group.go buildTargetGroupAttributes and buildPreserveClientIPFlag (v3.5.0). */
function targetGroupAttributes(
  ann: (suffix: string) => string | undefined,
  from: (suffix: string) => string,
  key: (suffix: string) => string,
  port: number,
  targetType: string,
  protocol: string,
): Record<string, Expect> {
  const attrs: Record<string, Expect> = { 'proxy_protocol_v2.enabled': { value: CONTROLLER_DEFAULTS.proxyProtocolV2, from: CONTROLLER } };
  const base = ann(ANNOTATION.targetGroupAttributes);
  if (base !== undefined) {
    for (const [k, v] of Object.entries(parseStringMap(key(ANNOTATION.targetGroupAttributes), base))) attrs[k] = { value: v, from: from(ANNOTATION.targetGroupAttributes) };
  }
  // Per-port attributes (`...-target-group-attributes.<port>`, controller v3.x): a non-empty value wins.
  const perPortKey = `${ANNOTATION.targetGroupAttributes}.${port}`;
  const perPort = ann(perPortKey);
  if (perPort !== undefined) {
    for (const [k, v] of Object.entries(parseStringMap(key(perPortKey), perPort))) if (v !== '') attrs[k] = { value: v, from: from(perPortKey) };
  }
  const perTg = ann(ANNOTATION.proxyProtocolPerTargetGroup);
  if (perTg !== undefined) {
    attrs['proxy_protocol_v2.enabled'] = { value: String(splitList(perTg).includes(String(port))), from: from(ANNOTATION.proxyProtocolPerTargetGroup) };
  }
  const proxy = ann(ANNOTATION.proxyProtocol);
  if (proxy !== undefined) {
    if (proxy !== '*') throw new Error(`annotation ${key(ANNOTATION.proxyProtocol)}: "${proxy}" is refused by the controller (only "*" is supported); write "*" or remove it`);
    attrs['proxy_protocol_v2.enabled'] = { value: 'true', from: from(ANNOTATION.proxyProtocol) };
  }
  for (const [k, v] of Object.entries(AWS_DEFAULTS.targetGroup)) attrs[k] ??= { value: v, from: AWS };
  attrs['preserve_client_ip.enabled'] ??= { value: AWS_DEFAULTS.preserveClientIp(targetType, protocol), from: `${AWS} (${targetType} targets, ${protocol})` };
  return attrs;
}

/** model_build_target_group.go buildTargetGroupHealthCheckConfig (v3.5.0). */
function healthCheck(
  service: K8sObject,
  ann: (suffix: string) => string | undefined,
  from: (suffix: string) => string,
  targetType: string,
  notes: string[],
): ExpectedHealthCheck {
  const local = targetType === 'instance' && service.spec?.externalTrafficPolicy === 'Local';
  const d = local ? { ...CONTROLLER_DEFAULTS.healthCheck, ...CONTROLLER_DEFAULTS.healthCheckInstanceLocal } : CONTROLLER_DEFAULTS.healthCheck;
  const defaultFrom = local ? `${CONTROLLER} (instance targets, externalTrafficPolicy Local)` : CONTROLLER;
  const pick = (suffix: string, fallback: string | number): Expect => {
    const raw = ann(suffix);
    return raw !== undefined ? { value: raw, from: from(suffix) } : { value: String(fallback), from: defaultFrom };
  };
  const protocol = pick(ANNOTATION.hcProtocol, d.protocol);
  const protocolValue = protocol.value.toUpperCase();
  const http = protocolValue !== 'TCP';

  let port: Expect | undefined;
  const rawPort = ann(ANNOTATION.hcPort);
  if (rawPort === undefined && local) {
    port = undefined;
    notes.push('the health check probes the Service healthCheckNodePort, which Kubernetes allocates: its port is not compared');
  } else if (rawPort === undefined || rawPort === 'traffic-port' || /^\d+$/.test(rawPort)) {
    port = pick(ANNOTATION.hcPort, d.port);
  } else {
    // A named port: ip targets take the Service port's numeric targetPort (buildTargetGroupHealthCheckPort).
    const named = (service.spec?.ports ?? []).find((p: K8sObject) => p.name === rawPort);
    if (!named) throw new Error(`annotation ${SERVICE_ANNOTATION_PREFIX}${ANNOTATION.hcPort}: "${rawPort}" names no port of the Service; name a Service port or give a number`);
    if (targetType === 'ip' && typeof named.targetPort === 'number') port = { value: String(named.targetPort), from: `${from(ANNOTATION.hcPort)} (Service port ${rawPort})` };
    else if (targetType === 'ip') throw new Error(`annotation ${SERVICE_ANNOTATION_PREFIX}${ANNOTATION.hcPort}: "${rawPort}" with ip targets needs the Service port's targetPort to be a number (the controller refuses a named one); give the port number`);
    else {
      port = undefined;
      notes.push(`the health check port "${rawPort}" resolves to a node port Kubernetes allocates: it is not compared`);
    }
  }

  return {
    protocol: { value: protocolValue, from: protocol.from },
    port,
    path: http ? pick(ANNOTATION.hcPath, d.path) : undefined,
    successCodes: http ? pick(ANNOTATION.hcSuccessCodes, d.successCodes) : undefined,
    intervalSeconds: pick(ANNOTATION.hcInterval, d.intervalSeconds),
    timeoutSeconds: pick(ANNOTATION.hcTimeout, d.timeoutSeconds),
    healthyThreshold: pick(ANNOTATION.hcHealthyThreshold, d.healthyThreshold),
    unhealthyThreshold: pick(ANNOTATION.hcUnhealthyThreshold, d.unhealthyThreshold),
  };
}
