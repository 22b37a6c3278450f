import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectedNlb, parseStringMap } from '../../src/verify/nlb-expected';
import { findService, parseManifests } from '../../src/verify/nlb-manifest';
import { errorOf } from '../support';
import { CERT, NAMESPACE, SERVICE, eksNlbManifests } from './nlb-fixture';

const A = 'service.beta.kubernetes.io/';

/** A bare LoadBalancer Service for the controller, with `annotations`. */
function service(annotations: Record<string, string> = {}, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop', annotations },
    spec: { type: 'LoadBalancer', loadBalancerClass: 'service.k8s.aws/nlb', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
  };
}

describe('expectedNlb on the eks-nlb example', () => {
  const objects = eksNlbManifests();
  const { service: svc, replicas } = findService(objects, NAMESPACE, SERVICE, 'eks-nlb');
  const e = expectedNlb(svc, replicas);

  it('asks for an internet-facing NLB with cross-zone and access logs', () => {
    expect(e.scheme).toEqual({ value: 'internet-facing', from: 'annotation aws-load-balancer-scheme' });
    expect(e.type.value).toBe('network');
    expect(Object.fromEntries(Object.entries(e.attributes).map(([k, v]) => [k, v.value]))).toEqual({
      'load_balancing.cross_zone.enabled': 'true',
      'access_logs.s3.enabled': 'true',
      'access_logs.s3.bucket': 'pixelated-nlb-access-logs',
      'access_logs.s3.prefix': 'ai-inference',
    });
    expect(e.notes).toEqual([]);
  });

  it('asks for a TCP listener on 80 with its idle timeout and a TLS listener on 443 with the certificate and TLS 1.3 policy', () => {
    const [http, https] = e.listeners;
    expect(http.port).toBe(80);
    expect(http.protocol.value).toBe('TCP');
    expect(http.certificates).toBeUndefined();
    expect(http.attributes['tcp.idle_timeout.seconds']).toEqual({ value: '300', from: 'annotation aws-load-balancer-listener-attributes.TCP-80' });
    expect(https.port).toBe(443);
    expect(https.protocol.value).toBe('TLS');
    expect(https.certificates?.value).toBe(CERT);
    expect(https.sslPolicy?.value).toBe('ELBSecurityPolicy-TLS13-1-2-2021-06');
    expect(https.attributes).toEqual({});
  });

  it('asks for ip target groups with the HTTP health check and the annotated attributes', () => {
    const tg = e.listeners[1].targetGroup;
    expect(tg.protocol.value).toBe('TCP');
    expect(tg.targetType.value).toBe('ip');
    const hc = Object.fromEntries(Object.entries(tg.healthCheck).map(([k, v]) => [k, v?.value]));
    expect(hc).toEqual({ protocol: 'HTTP', port: 'traffic-port', path: '/api/v1/health', successCodes: '200-399', intervalSeconds: '10', timeoutSeconds: '5', healthyThreshold: '2', unhealthyThreshold: '2' });
    expect(Object.fromEntries(Object.entries(tg.attributes).map(([k, v]) => [k, v.value]))).toEqual({
      'proxy_protocol_v2.enabled': 'false',
      'stickiness.enabled': 'true',
      'stickiness.type': 'source_ip',
      'deregistration_delay.timeout_seconds': '60',
      'preserve_client_ip.enabled': 'true',
    });
  });

  it('expects at least the HPA minimum of healthy targets', () => {
    expect(e.replicas).toEqual({ count: 3, atLeast: true, source: 'HorizontalPodAutoscaler/ai-inference-hpa minReplicas' });
  });
});

describe('expectedNlb: what a missing annotation means to the controller (v3.5.0)', () => {
  const bare = expectedNlb(service());

  it('defaults the scheme to internal and says the controller keeps an existing scheme', () => {
    expect(bare.scheme).toEqual({ value: 'internal', from: 'controller default (--default-load-balancer-scheme)' });
    expect(bare.notes).toContain(`no ${A}aws-load-balancer-scheme: the controller keeps an existing NLB's scheme and creates new ones internal`);
  });

  it('defaults to instance targets, TCP health checks of 10 s / 10 s and thresholds 3 / 3', () => {
    const tg = bare.listeners[0].targetGroup;
    expect(tg.targetType).toEqual({ value: 'instance', from: 'controller default (--default-target-type)' });
    expect(tg.healthCheck.protocol.value).toBe('TCP');
    expect(tg.healthCheck.path).toBeUndefined();
    expect(tg.healthCheck.successCodes).toBeUndefined();
    expect([tg.healthCheck.intervalSeconds.value, tg.healthCheck.timeoutSeconds.value, tg.healthCheck.healthyThreshold.value, tg.healthCheck.unhealthyThreshold.value]).toEqual(['10', '10', '3', '3']);
    expect(tg.healthCheck.port).toEqual({ value: 'traffic-port', from: 'controller default' });
  });

  it('expects the AWS defaults for attributes nobody set: cross-zone off, no access logs, 300 s delay, no stickiness', () => {
    expect(bare.attributes['load_balancing.cross_zone.enabled']).toEqual({ value: 'false', from: 'AWS default' });
    expect(bare.attributes['access_logs.s3.enabled']).toEqual({ value: 'false', from: 'AWS default' });
    const attrs = bare.listeners[0].targetGroup.attributes;
    expect(attrs['deregistration_delay.timeout_seconds']).toEqual({ value: '300', from: 'AWS default' });
    expect(attrs['stickiness.enabled'].value).toBe('false');
    expect(attrs['proxy_protocol_v2.enabled']).toEqual({ value: 'false', from: 'controller default' });
  });

  it('expects client IP preservation on for instance targets and off for ip targets on TCP, as AWS defaults it', () => {
    expect(bare.listeners[0].targetGroup.attributes['preserve_client_ip.enabled']).toEqual({ value: 'true', from: 'AWS default (instance targets, TCP)' });
    const ip = expectedNlb(service({ [`${A}aws-load-balancer-nlb-target-type`]: 'ip' }));
    expect(ip.listeners[0].targetGroup.attributes['preserve_client_ip.enabled']).toEqual({ value: 'false', from: 'AWS default (ip targets, TCP)' });
    const udp = expectedNlb(service({ [`${A}aws-load-balancer-nlb-target-type`]: 'ip' }, { ports: [{ name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' }] }));
    expect(udp.listeners[0].targetGroup.attributes['preserve_client_ip.enabled'].value).toBe('true');
  });

  it('uses the old ELBSecurityPolicy-2016-08 when TLS has no negotiation policy', () => {
    const e = expectedNlb(service({ [`${A}aws-load-balancer-ssl-cert`]: CERT }));
    expect(e.listeners[0].protocol.value).toBe('TLS');
    expect(e.listeners[0].sslPolicy).toEqual({ value: 'ELBSecurityPolicy-2016-08', from: 'controller default (--default-ssl-policy)' });
  });

  it('makes every port TLS when ssl-cert is set without ssl-ports, and only the listed ones with it (by number or name)', () => {
    const ports = [
      { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
      { name: 'https', port: 443, targetPort: 8080, protocol: 'TCP' },
    ];
    const all = expectedNlb(service({ [`${A}aws-load-balancer-ssl-cert`]: CERT }, { ports }));
    expect(all.listeners.map((l) => l.protocol.value)).toEqual(['TLS', 'TLS']);
    const byName = expectedNlb(service({ [`${A}aws-load-balancer-ssl-cert`]: CERT, [`${A}aws-load-balancer-ssl-ports`]: 'https' }, { ports }));
    expect(byName.listeners.map((l) => l.protocol.value)).toEqual(['TCP', 'TLS']);
  });

  it('gives a TLS target group only with backend-protocol ssl', () => {
    const e = expectedNlb(service({ [`${A}aws-load-balancer-ssl-cert`]: CERT, [`${A}aws-load-balancer-backend-protocol`]: 'ssl' }));
    expect(e.listeners[0].targetGroup.protocol).toEqual({ value: 'TLS', from: 'annotation aws-load-balancer-backend-protocol' });
  });

  it('lets the specific legacy annotations win over aws-load-balancer-attributes', () => {
    const e = expectedNlb(
      service({
        [`${A}aws-load-balancer-attributes`]: 'load_balancing.cross_zone.enabled=false,access_logs.s3.enabled=false',
        [`${A}aws-load-balancer-cross-zone-load-balancing-enabled`]: 'true',
        [`${A}aws-load-balancer-access-log-enabled`]: 'true',
        [`${A}aws-load-balancer-access-log-s3-bucket-name`]: 'logs',
      }),
    );
    expect(e.attributes['load_balancing.cross_zone.enabled']).toEqual({ value: 'true', from: 'annotation aws-load-balancer-cross-zone-load-balancing-enabled' });
    expect(e.attributes['access_logs.s3.enabled'].value).toBe('true');
    expect(e.attributes['access_logs.s3.bucket']).toEqual({ value: 'logs', from: 'annotation aws-load-balancer-access-log-s3-bucket-name' });
  });

  it('reads the legacy internal annotation when no scheme is given', () => {
    expect(expectedNlb(service({ [`${A}aws-load-balancer-internal`]: 'false' })).scheme).toEqual({ value: 'internet-facing', from: 'annotation aws-load-balancer-internal' });
  });

  it('turns proxy protocol v2 on for every target group with "*", and per port with proxy-protocol-per-target-group', () => {
    expect(expectedNlb(service({ [`${A}aws-load-balancer-proxy-protocol`]: '*' })).listeners[0].targetGroup.attributes['proxy_protocol_v2.enabled'].value).toBe('true');
    const ports = [
      { name: 'a', port: 80, targetPort: 8080 },
      { name: 'b', port: 81, targetPort: 8081 },
    ];
    const per = expectedNlb(service({ [`${A}aws-load-balancer-proxy-protocol-per-target-group`]: '81' }, { ports }));
    expect(per.listeners.map((l) => l.targetGroup.attributes['proxy_protocol_v2.enabled'].value)).toEqual(['false', 'true']);
  });

  it('lets a per-port target group attribute annotation win over the shared one', () => {
    const e = expectedNlb(
      service({
        [`${A}aws-load-balancer-target-group-attributes`]: 'deregistration_delay.timeout_seconds=60',
        [`${A}aws-load-balancer-target-group-attributes.80`]: 'deregistration_delay.timeout_seconds=10',
      }),
    );
    expect(e.listeners[0].targetGroup.attributes['deregistration_delay.timeout_seconds']).toEqual({ value: '10', from: 'annotation aws-load-balancer-target-group-attributes.80' });
  });

  it('resolves a named health check port to the Service port targetPort for ip targets', () => {
    const e = expectedNlb(service({ [`${A}aws-load-balancer-nlb-target-type`]: 'ip', [`${A}aws-load-balancer-healthcheck-port`]: 'http' }));
    expect(e.listeners[0].targetGroup.healthCheck.port?.value).toBe('8080');
  });

  it('uses the kube-proxy health check defaults for instance targets with externalTrafficPolicy Local', () => {
    const e = expectedNlb(service({}, { externalTrafficPolicy: 'Local' }));
    const hc = e.listeners[0].targetGroup.healthCheck;
    expect([hc.protocol.value, hc.path?.value, hc.timeoutSeconds.value, hc.healthyThreshold.value]).toEqual(['HTTP', '/healthz', '6', '2']);
    expect(hc.port).toBeUndefined();
  });

  it('merges a TCP and a UDP port of one number into a TCP_UDP listener', () => {
    const e = expectedNlb(service({}, { ports: [{ name: 't', port: 53, protocol: 'TCP' }, { name: 'u', port: 53, protocol: 'UDP' }] }));
    expect(e.listeners.map((l) => l.protocol.value)).toEqual(['TCP_UDP']);
  });

  it('notes a Service the controller may not own', () => {
    const e = expectedNlb(service({}, { loadBalancerClass: undefined }));
    expect(e.notes[0]).toContain('the Service has neither spec.loadBalancerClass: service.k8s.aws/nlb nor service.beta.kubernetes.io/aws-load-balancer-type: external');
  });
});

describe('expectedNlb refuses annotations the controller refuses', () => {
  it('refuses an unknown scheme', () => {
    expect(errorOf(() => expectedNlb(service({ [`${A}aws-load-balancer-scheme`]: 'public' })))).toBe(
      `annotation ${A}aws-load-balancer-scheme: unknown scheme "public"; write internal or internet-facing`,
    );
  });

  it('refuses a boolean annotation that Go would not parse', () => {
    expect(errorOf(() => expectedNlb(service({ [`${A}aws-load-balancer-cross-zone-load-balancing-enabled`]: 'yes' })))).toBe(
      `annotation ${A}aws-load-balancer-cross-zone-load-balancing-enabled: "yes" is not a boolean; the controller refuses the Service. Write true or false`,
    );
  });

  it('refuses a proxy protocol value other than "*"', () => {
    expect(errorOf(() => expectedNlb(service({ [`${A}aws-load-balancer-proxy-protocol`]: 'v2' })))).toContain('is refused by the controller (only "*" is supported)');
  });

  it('refuses an attribute list with a pair that has no "="', () => {
    expect(errorOf(() => expectedNlb(service({ [`${A}aws-load-balancer-attributes`]: 'deletion_protection.enabled' })))).toBe(
      `annotation ${A}aws-load-balancer-attributes: "deletion_protection.enabled" is not a comma-separated list of key=value; the controller refuses the Service. Fix the pair "deletion_protection.enabled"`,
    );
  });

  it('refuses a named health check port the Service does not have', () => {
    expect(errorOf(() => expectedNlb(service({ [`${A}aws-load-balancer-healthcheck-port`]: 'metrics' })))).toContain('"metrics" names no port of the Service');
  });
});

describe('parseStringMap splits like the controller', () => {
  it('keeps a comma inside a value when no "=" follows it, and takes escaped characters literally', () => {
    expect(parseStringMap('k', 'a=1, b = 2')).toEqual({ a: '1', b: '2' });
    expect(parseStringMap('k', 'access_logs.s3.prefix=x\\,y,b=2')).toEqual({ 'access_logs.s3.prefix': 'x,y', b: '2' });
    expect(parseStringMap('k', 'a=1,')).toEqual({ a: '1,' });
  });

  it('reads back any map written as k=v pairs (property)', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_.]{0,20}$/);
    const value = fc.stringMatching(/^[A-Za-z0-9_./:-]{0,20}$/);
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 }), (map) => {
        const raw = Object.entries(map).map(([k, v]) => `${k}=${v}`).join(',');
        expect(parseStringMap('k', raw)).toEqual(map);
      }),
    );
  });
});

describe('reading the manifest', () => {
  it('finds the workload replicas when no autoscaler owns it', () => {
    const objects = parseManifests(
      [
        'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}',
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 4, template: {metadata: {labels: {app: web, tier: x}}}}',
      ].join('\n---\n'),
      'm.yaml',
    );
    expect(findService(objects, 'shop', 'web', 'm.yaml').replicas).toEqual({ count: 4, atLeast: false, source: 'Deployment/web replicas' });
  });

  it('reads a KEDA ScaledObject minimum', () => {
    const objects = parseManifests(
      [
        'kind: Service\nmetadata: {name: web, namespace: shop}\nspec: {type: LoadBalancer, selector: {app: web}}',
        'kind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {template: {metadata: {labels: {app: web}}}}',
        'kind: ScaledObject\nmetadata: {name: web, namespace: shop}\nspec: {scaleTargetRef: {name: web}, minReplicaCount: 2}',
      ].join('\n---\n'),
      'm.yaml',
    );
    expect(findService(objects, 'shop', 'web', 'm.yaml').replicas).toEqual({ count: 2, atLeast: true, source: 'ScaledObject/web minReplicaCount' });
  });

  it('refuses a file that is not YAML, naming it', () => {
    expect(errorOf(() => parseManifests('kind: [Service', 'dist/x.yaml'))).toMatch(/^dist\/x\.yaml: not valid YAML: .*; pass the file cdk8s synth wrote/);
  });
});
