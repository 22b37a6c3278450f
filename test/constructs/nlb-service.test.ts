import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { NlbLoadBalancerOptions, NlbService, WorkloadTarget } from '../../src';
import { errorOf, only, synth } from '../support';
import { SEED_WORKLOAD, seedDeployment } from './workloads';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const A = 'service.beta.kubernetes.io/';

const seedLb: NlbLoadBalancerOptions = {
  scheme: 'internet-facing',
  certificateArns: [CERT],
  accessLogs: { bucket: 'pixelated-nlb-access-logs', prefix: 'ai-inference' },
  sourceRanges: ['203.0.113.0/24'],
};

function services(loadBalancer: NlbLoadBalancerOptions = seedLb) {
  return synth((chart) => new NlbService(chart, 'Services', { name: 'ai-inference', workload: SEED_WORKLOAD, namespace: 'pixelated-prod', loadBalancer }));
}

const annotations = (lb?: NlbLoadBalancerOptions) => only(services(lb), 'Service', 'ai-inference-lb').metadata.annotations;
const lbError = (lb: Partial<NlbLoadBalancerOptions>) => errorOf(() => services({ ...seedLb, ...lb } as NlbLoadBalancerOptions));

describe('NlbService', () => {
  it('creates the lb, headless and internal Services with the seed names', () => {
    expect(services().map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/ai-inference-lb',
      'Service/ai-inference-headless',
      'Service/ai-inference-internal',
    ]);
  });

  it('hands the external Service to the AWS Load Balancer Controller as an NLB with ip targets', () => {
    const lb = only(services(), 'Service', 'ai-inference-lb');
    expect(lb.spec.type).toBe('LoadBalancer');
    expect(lb.spec.loadBalancerClass).toBe('service.k8s.aws/nlb');
    expect(lb.spec.allocateLoadBalancerNodePorts).toBe(false);
    expect(lb.metadata.annotations[`${A}aws-load-balancer-nlb-target-type`]).toBe('ip');
    expect(lb.metadata.annotations[`${A}aws-load-balancer-scheme`]).toBe('internet-facing');
    expect(lb.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
      { name: 'https', port: 443, targetPort: 'http', protocol: 'TCP' },
    ]);
    expect(lb.spec.loadBalancerSourceRanges).toEqual(['203.0.113.0/24']);
    expect(lb.spec.selector).toEqual({ 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/instance': 'ai-inference' });
    expect(lb.spec).not.toHaveProperty('sessionAffinity');
  });

  it('terminates TLS 1.3 on 443 only, with the certificate', () => {
    const a = annotations();
    expect(a[`${A}aws-load-balancer-ssl-cert`]).toBe(CERT);
    expect(a[`${A}aws-load-balancer-ssl-ports`]).toBe('443');
    expect(a[`${A}aws-load-balancer-ssl-negotiation-policy`]).toBe('ELBSecurityPolicy-TLS13-1-2-2021-06');
  });

  it('turns cross-zone balancing and S3 access logs on', () => {
    expect(annotations()[`${A}aws-load-balancer-attributes`]).toBe(
      'load_balancing.cross_zone.enabled=true,access_logs.s3.enabled=true,access_logs.s3.bucket=pixelated-nlb-access-logs,access_logs.s3.prefix=ai-inference',
    );
  });

  it('sets source_ip stickiness, a 60 s deregistration delay and client IP preservation on the target group', () => {
    expect(annotations()[`${A}aws-load-balancer-target-group-attributes`]).toBe(
      'stickiness.enabled=true,stickiness.type=source_ip,deregistration_delay.timeout_seconds=60,preserve_client_ip.enabled=true',
    );
  });

  it('sets the 5 minute idle timeout on the TCP listener only, since AWS fixes the TLS listener at 350 s', () => {
    const a = annotations();
    expect(a[`${A}aws-load-balancer-listener-attributes.TCP-80`]).toBe('tcp.idle_timeout.seconds=300');
    expect(Object.keys(a).filter((k) => k.includes('listener-attributes'))).toEqual([`${A}aws-load-balancer-listener-attributes.TCP-80`]);
  });

  it('writes no listener attribute when every listener is TLS and no idle timeout is asked', () => {
    const a = annotations({ ...seedLb, ports: [{ name: 'https', port: 443 }] });
    expect(Object.keys(a).filter((k) => k.includes('listener-attributes'))).toEqual([]);
  });

  it('sets the idle timeout on every plaintext listener of a load balancer without TLS', () => {
    const a = annotations({ scheme: 'internal', idleTimeout: Duration.minutes(20), ports: [{ name: 'http', port: 80 }, { name: 'alt', port: 8080 }] });
    expect(a[`${A}aws-load-balancer-listener-attributes.TCP-80`]).toBe('tcp.idle_timeout.seconds=1200');
    expect(a[`${A}aws-load-balancer-listener-attributes.TCP-8080`]).toBe('tcp.idle_timeout.seconds=1200');
  });

  it('health-checks over HTTP every 10 s with 2/2 thresholds', () => {
    const a = annotations();
    expect(a[`${A}aws-load-balancer-healthcheck-protocol`]).toBe('http');
    expect(a[`${A}aws-load-balancer-healthcheck-port`]).toBe('traffic-port');
    expect(a[`${A}aws-load-balancer-healthcheck-path`]).toBe('/api/v1/health');
    expect(a[`${A}aws-load-balancer-healthcheck-interval`]).toBe('10');
    expect(a[`${A}aws-load-balancer-healthcheck-timeout`]).toBe('5');
    expect(a[`${A}aws-load-balancer-healthcheck-healthy-threshold`]).toBe('2');
    expect(a[`${A}aws-load-balancer-healthcheck-unhealthy-threshold`]).toBe('2');
  });

  it('exposes http and metrics by name on the headless and internal Services', () => {
    const objs = services();
    const headless = only(objs, 'Service', 'ai-inference-headless');
    const internal = only(objs, 'Service', 'ai-inference-internal');
    expect(headless.spec.clusterIP).toBe('None');
    expect(internal.spec.type).toBe('ClusterIP');
    for (const svc of [headless, internal]) {
      expect(svc.spec.ports).toEqual([
        { name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' },
        { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' },
      ]);
    }
    expect(internal.metadata.labels['ai-inference.cdk8s.io/service-role']).toBe('internal');
    expect(headless.metadata.labels['ai-inference.cdk8s.io/service-role']).toBe('headless');
  });

  it('selects the InferenceDeployment\'s pods and exposes its own port numbers', () => {
    const objects = synth((chart) => {
      const workload = seedDeployment(chart, { ports: { http: 8080, metrics: 9400 } });
      new NlbService(chart, 'Services', { name: 'ai-inference', workload });
    });
    const deployment = only(objects, 'Deployment');
    const internal = only(objects, 'Service', 'ai-inference-internal');
    expect(internal.metadata.namespace).toBe('pixelated-prod');
    expect(internal.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(internal.spec.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
      { name: 'metrics', port: 9400, targetPort: 'metrics', protocol: 'TCP' },
    ]);
  });

  describe('refuses Services that would reach no pod', () => {
    const around = (workload: WorkloadTarget, loadBalancer?: NlbLoadBalancerOptions, namespace?: string) =>
      errorOf(() => synth((chart) => new NlbService(chart, 'Services', { name: 'web', workload, loadBalancer, namespace })));
    const web: WorkloadTarget = { ...SEED_WORKLOAD, name: 'web', ports: { web: 8080 } };

    it('refuses a listener whose targetPort is no named port of the workload', () => {
      const message = around(web, { ...seedLb, certificateArns: undefined, ports: [{ name: 'http', port: 80, targetPort: 'api' }] });
      expect(message).toContain(
        'loadBalancer.ports[0].targetPort ("api") names no container port of workload "web" (its named ports: web); the load balancer would forward to nothing; use one of them, or add a container port named "api"',
      );
    });

    it('refuses the default listeners when the workload has no http port', () => {
      expect(around(web, { scheme: 'internal' })).toContain(
        'loadBalancer.ports ("http" by default) names no container port of workload "web" (its named ports: web); the load balancer would forward to nothing; set loadBalancer.ports with a targetPort of the workload',
      );
      expect(around(web, { scheme: 'internal', ports: [{ name: 'http', port: 80 }] })).toContain('loadBalancer.ports[0].targetPort ("http" by default) names no container port of workload "web"');
    });

    it('forwards a listener to the workload port it names', () => {
      const objects = synth((chart) => new NlbService(chart, 'Services', { name: 'web', workload: web, loadBalancer: { scheme: 'internal', ports: [{ name: 'http', port: 80, targetPort: 'web' }] } }));
      expect(only(objects, 'Service', 'web-lb').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }]);
      expect(only(objects, 'Service', 'web-internal').spec.ports).toEqual([{ name: 'web', port: 8080, targetPort: 'web', protocol: 'TCP' }]);
    });

    it('refuses pod Services for a workload without a named port', () => {
      expect(around({ ...web, ports: {} })).toContain(
        'workload.ports (an empty object) hold no named container port, so the headless and internal Services would expose nothing',
      );
    });

    it('refuses a namespace other than the workload\'s', () => {
      expect(around(web, undefined, 'default')).toContain(
        'namespace ("default") differs from the namespace of workload "web" ("pixelated-prod"), and selectors and target references reach only their own namespace; leave namespace out or set it to "pixelated-prod"',
      );
    });

    it('refuses a workload with an empty selector', () => {
      expect(around({ ...web, selectorLabels: {} })).toContain(
        'workload.selectorLabels (an empty object) must not be empty: an empty selector selects every pod of the namespace',
      );
    });
  });

  describe('rejects annotation values outside the controller ranges', () => {
    it('refuses a health-check timeout above the interval', () => {
      expect(lbError({ healthCheck: { interval: Duration.seconds(10), timeout: Duration.seconds(15) } })).toContain(
        'loadBalancer.healthCheck.timeout (15s) must not exceed healthCheck.interval (10 s); lower the timeout or raise the interval',
      );
    });

    it('refuses an idle timeout outside 60-6000 s', () => {
      expect(lbError({ idleTimeout: Duration.seconds(30) })).toContain(
        'loadBalancer.idleTimeout (30s) must be within 60-6000 s, whole seconds (AWS Load Balancer Controller); pick a value in range',
      );
      expect(lbError({ idleTimeout: Duration.hours(2) })).toContain('loadBalancer.idleTimeout (2h) must be within 60-6000 s');
    });

    it('refuses an idle timeout for a load balancer whose listeners are all TLS', () => {
      expect(lbError({ ports: [{ name: 'https', port: 443 }], idleTimeout: Duration.minutes(5) })).toContain(
        'loadBalancer.idleTimeout (5m) cannot apply: every listener (443) is TLS, and AWS fixes the TLS listener idle timeout at 350 s; drop idleTimeout, or add a TCP listener for it to act on',
      );
    });

    it('refuses health-check intervals, thresholds and deregistration delays out of range', () => {
      expect(lbError({ healthCheck: { interval: Duration.seconds(400) } })).toContain('loadBalancer.healthCheck.interval (6m40s) must be within 5-300 s');
      expect(lbError({ healthCheck: { healthyThreshold: 11 } })).toContain('loadBalancer.healthCheck.healthyThreshold (11) must be within 2-10');
      expect(lbError({ healthCheck: { unhealthyThreshold: 1 } })).toContain('loadBalancer.healthCheck.unhealthyThreshold (1) must be within 2-10');
      expect(lbError({ deregistrationDelay: Duration.seconds(4000) })).toContain('loadBalancer.deregistrationDelay (1h6m40s) must be within 0-3600 s');
      expect(lbError({ healthCheck: { successCodes: '100-200' } })).toContain('loadBalancer.healthCheck.successCodes ("100-200") must be HTTP codes within 200-599');
    });

    it('refuses a TLS port that is not a Service port', () => {
      expect(lbError({ tlsPorts: [8443] })).toContain(
        'loadBalancer.tlsPorts[0] (8443) names a TLS port that is not a Service port (80, 443)',
      );
    });

    it('refuses an empty certificate list and a malformed ARN', () => {
      expect(lbError({ certificateArns: [] })).toContain('loadBalancer.certificateArns (an empty list) must name at least one certificate ARN');
      expect(lbError({ certificateArns: ['arn:aws:acm:us-east-1:123:certificate/abc'] })).toContain(
        'loadBalancer.certificateArns[0] ("arn:aws:acm:us-east-1:123:certificate/abc") is not a certificate ARN',
      );
      expect(lbError({ certificateArns: [''] })).toContain('loadBalancer.certificateArns[0] ("") is not a certificate ARN');
    });

    it('refuses source ranges that nothing would enforce: no client IP preservation and no NLB security group', () => {
      expect(lbError({ preserveClientIp: false, extraAnnotations: { [`${A}aws-load-balancer-disable-nlb-sg`]: 'true' } })).toContain(
        'loadBalancer.sourceRanges (a list of 1) are not enforced without client IP preservation when the NLB has no controller-managed security group (extraAnnotations sets aws-load-balancer-disable-nlb-sg): every packet comes from the NLB; set preserveClientIp: true, drop the disable-nlb-sg annotation, or drop sourceRanges',
      );
    });

    it('keeps source ranges without client IP preservation, since the NLB security group enforces them', () => {
      const lb = only(services({ ...seedLb, preserveClientIp: false }), 'Service', 'ai-inference-lb');
      expect(lb.spec.loadBalancerSourceRanges).toEqual(['203.0.113.0/24']);
      expect(lb.metadata.annotations[`${A}aws-load-balancer-target-group-attributes`]).toContain('preserve_client_ip.enabled=false');
    });

    it('refuses a missing scheme', () => {
      expect(errorOf(() => services({ certificateArns: [CERT] } as unknown as NlbLoadBalancerOptions))).toContain(
        'loadBalancer.scheme (not set) must be "internet-facing" or "internal"',
      );
    });
  });
});
