import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, NlbLoadBalancerOptions } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { errorOf, only } from '../support';

const A = 'service.beta.kubernetes.io/';

/** The README's quick start spec, as written there (README.md "## Quick start"). */
const quickStart: AiInferenceSpec = {
  release: 'ai-inference',
  namespace: 'pixelated-prod',
  image: 'ghcr.io/pixelated/ai-inference:1.4.2',
  model: { name: 'pixelated-empathy', loadTime: Duration.minutes(4) },
  resources: {
    cpu: { request: Cpu.units(2), limit: Cpu.units(4) },
    memory: { request: Size.gibibytes(16), limit: Size.gibibytes(16) },
    gpu: { count: 1 },
  },
  traffic: {
    loadBalancer: {
      scheme: 'internet-facing',
      certificateArns: ['arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b'],
    },
  },
  // The subnets the NLB sits in: its health checks come from its private IPs there.
  networkPolicy: { loadBalancerSubnets: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'] },
  disruption: { minAvailable: 2 },
  slo: { availability: 99.9, latencyP95: Duration.seconds(2), latencyP99: Duration.seconds(3), errorRate: 1, throughputRps: 1000 },
};

const seedLb = (eksNlbSpec.traffic!.loadBalancer! as NlbLoadBalancerOptions);
const seedPolicy = eksNlbSpec.networkPolicy as Exclude<AiInferenceSpec['networkPolicy'], false | undefined>;
const chartOf = (spec: AiInferenceSpec) => new AiInferenceChart(Testing.app(), 'net', { spec });
const synthSpec = (spec: AiInferenceSpec) => Testing.synth(chartOf(spec));
const specError = (spec: AiInferenceSpec) => errorOf(() => synthSpec(spec));
const withLb = (patch: Partial<NlbLoadBalancerOptions>, rest: Partial<AiInferenceSpec> = {}): AiInferenceSpec => ({
  ...eksNlbSpec,
  ...rest,
  traffic: { loadBalancer: { ...seedLb, ...patch } },
});
const httpFrom = (objects: any[]) => only(objects, 'NetworkPolicy').spec.ingress.find((r: any) => r.ports.some((p: any) => p.port === 'http')).from;
const warningIds = (spec: AiInferenceSpec) => chartOf(spec).warnings.map((w) => w.id);

describe('AiInferenceChart network policy and the NLB', () => {
  describe('the README quick start', () => {
    it('synthesizes, and its policy admits the clients the NLB admits and its subnets to the http port', () => {
      expect(httpFrom(synthSpec(quickStart))).toEqual([
        // No sourceRanges: the NLB's security group admits everyone, and with client IP
        // preservation the pods see the clients' own addresses.
        { ipBlock: { cidr: '0.0.0.0/0' } },
        { ipBlock: { cidr: '10.0.0.0/24' } },
        { ipBlock: { cidr: '10.0.1.0/24' } },
        { ipBlock: { cidr: '10.0.2.0/24' } },
      ]);
    });

    it('fails, naming the field, when the NLB subnets are not given (the policy would drop its health checks)', () => {
      const { networkPolicy: _, ...withoutPolicy } = quickStart;
      expect(specError(withoutPolicy)).toContain(
        "networkPolicy.loadBalancerSubnets (not set) is needed with traffic.loadBalancer: its health checks come from the NLB's private IPs in its subnets, and the default-deny NetworkPolicy would drop them; set it to the CIDRs of the NLB's subnets (e.g. ['10.0.0.0/24', '10.0.1.0/24']), or set networkPolicy: false",
      );
      expect(() => synthSpec({ ...withoutPolicy, networkPolicy: false })).not.toThrow();
    });

    it('prints exactly the one warning the README says (AII-W003)', () => {
      expect(warningIds(quickStart)).toEqual(['AII-W003']);
    });

    it('warns that port 80 is plaintext and unlogged', () => {
      expect(chartOf(quickStart).warnings).toContainEqual({
        id: 'AII-W003',
        message:
          "traffic.loadBalancer.ports[0] (80 by default) is a plaintext TCP listener beside TLS ones: an NLB cannot redirect it to HTTPS and writes access logs for TLS listeners only, so its requests travel unencrypted and are never logged; to turn it off, set traffic.loadBalancer.ports without it (e.g. [{ name: 'https', port: 443 }])",
      });
    });
  });

  describe('the seed example', () => {
    it('admits exactly the client ranges, the NLB subnets and the web app, not the VPC', () => {
      expect(httpFrom(synthSpec(eksNlbSpec))).toEqual([
        { ipBlock: { cidr: '203.0.113.0/24' } },
        { ipBlock: { cidr: '198.51.100.0/24' } },
        { ipBlock: { cidr: '10.0.0.0/24' } },
        { ipBlock: { cidr: '10.0.1.0/24' } },
        { ipBlock: { cidr: '10.0.2.0/24' } },
        { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } },
      ]);
    });

    it('sets the 5-minute idle timeout on the TCP listener 80 only; the TLS listener keeps 350 s', () => {
      const annotations = only(synthSpec(eksNlbSpec), 'Service', 'ai-inference-lb').metadata.annotations;
      expect(Object.entries(annotations).filter(([k]) => k.includes('listener-attributes'))).toEqual([
        [`${A}aws-load-balancer-listener-attributes.TCP-80`, 'tcp.idle_timeout.seconds=300'],
      ]);
    });
  });

  it('admits only the NLB subnets without client IP preservation (every packet comes from the NLB; its security group enforces the source ranges)', () => {
    const objects = synthSpec(withLb({ preserveClientIp: false }, { networkPolicy: { ...seedPolicy, webApp: undefined } }));
    expect(only(objects, 'Service', 'ai-inference-lb').spec.loadBalancerSourceRanges).toEqual(['203.0.113.0/24', '198.51.100.0/24']);
    expect(httpFrom(objects)).toEqual([
      { ipBlock: { cidr: '10.0.0.0/24' } },
      { ipBlock: { cidr: '10.0.1.0/24' } },
      { ipBlock: { cidr: '10.0.2.0/24' } },
    ]);
  });

  it('admits the NLB subnets to a numeric health-check port', () => {
    const ingress = only(synthSpec(withLb({ healthCheck: { port: 8081 } })), 'NetworkPolicy').spec.ingress;
    expect(ingress).toContainEqual({
      from: [{ ipBlock: { cidr: '10.0.0.0/24' } }, { ipBlock: { cidr: '10.0.1.0/24' } }, { ipBlock: { cidr: '10.0.2.0/24' } }],
      ports: [{ protocol: 'TCP', port: 8081 }],
    });
  });

  it('refuses NLB subnets without a load balancer', () => {
    expect(specError({ ...eksNlbSpec, traffic: {} })).toContain(
      'networkPolicy.loadBalancerSubnets (a list of 3) admit a load balancer the spec does not have (no traffic.loadBalancer); drop loadBalancerSubnets or add the load balancer',
    );
  });

  it('warns when the VPC CIDR sits beside a web app rule, since it admits every pod', () => {
    const chart = chartOf({ ...eksNlbSpec, networkPolicy: { ...seedPolicy, vpcCidr: '10.0.0.0/16' } });
    expect(chart.warnings).toContainEqual({
      id: 'AII-W002',
      message:
        'networkPolicy.vpcCidr ("10.0.0.0/16") admits every pod of the cluster to the http port (under the VPC CNI pod IPs are VPC IPs), so the webApp rule restricts nothing; the NLB needs only networkPolicy.loadBalancerSubnets: drop vpcCidr, or narrow it to the non-pod clients that need it',
    });
    expect(warningIds(eksNlbSpec)).not.toContain('AII-W002');
  });

  it('warns when an NLB open to everyone makes the web app rule meaningless', () => {
    expect(chartOf(withLb({ sourceRanges: undefined })).warnings).toContainEqual({
      id: 'AII-W004',
      message:
        "traffic.loadBalancer.sourceRanges (not set) let the NLB admit every client (0.0.0.0/0), so with client IP preservation the NetworkPolicy admits 0.0.0.0/0 to the http port, which under the VPC CNI includes every pod of the cluster and makes the webApp rule restrict nothing; set sourceRanges to the clients' CIDRs",
    });
    expect(warningIds(eksNlbSpec)).not.toContain('AII-W004');
    expect(warningIds(quickStart)).not.toContain('AII-W004');
  });

  it('stops warning about port 80 when the listener list leaves it out', () => {
    expect(warningIds(eksNlbSpec)).toContain('AII-W003');
    expect(warningIds(withLb({ ports: [{ name: 'https', port: 443 }] }))).not.toContain('AII-W003');
    // Without TLS at all the listeners are plaintext by choice: no warning.
    expect(warningIds(withLb({ certificateArns: undefined, tlsPorts: undefined, accessLogs: undefined }))).not.toContain('AII-W003');
  });

  it('refuses an idle timeout asked for a TLS-only listener set', () => {
    expect(specError(withLb({ ports: [{ name: 'https', port: 443 }], idleTimeout: Duration.minutes(5) }))).toContain(
      'traffic.loadBalancer.idleTimeout (5m) cannot apply: every listener (443) is TLS, and AWS fixes the TLS listener idle timeout at 350 s; drop idleTimeout, or add a TCP listener for it to act on',
    );
  });

  describe('readiness gates', () => {
    const order = (objects: any[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

    it('emits the Services before the Deployment, so its first pods get the readiness gate', () => {
      const names = order(synthSpec(eksNlbSpec));
      const deployment = names.indexOf('Deployment/ai-inference');
      for (const svc of ['Service/ai-inference-lb', 'Service/ai-inference-headless', 'Service/ai-inference-internal']) {
        expect(names.indexOf(svc)).toBeGreaterThan(names.indexOf('Namespace/pixelated-prod'));
        expect(names.indexOf(svc)).toBeLessThan(deployment);
      }
    });

    it('writes the same order into the YAML file cdk8s synthesizes', () => {
      const outdir = mkdtempSync(join(tmpdir(), 'net-order-'));
      const app = new App({ outdir });
      new AiInferenceChart(app, 'eks-nlb', { spec: eksNlbSpec });
      app.synth();
      const [file] = readdirSync(outdir);
      const docs = parseAllDocuments(readFileSync(join(outdir, file), 'utf8')).map((d) => d.toJS());
      const names = order(docs);
      expect(names.indexOf('Service/ai-inference-lb')).toBeLessThan(names.indexOf('Deployment/ai-inference'));
      expect(names[0]).toBe('Namespace/pixelated-prod');
    });
  });
});
