import { describe, expect, it } from 'vitest';
import { InferenceNetworkPolicy, InferenceNetworkPolicyProps } from '../../src';
import { errorOf, only, synth } from '../support';

const seed: InferenceNetworkPolicyProps = {
  name: 'ai-inference',
  namespace: 'pixelated-prod',
  loadBalancerSourceRanges: ['203.0.113.0/24'],
  loadBalancerSubnets: ['10.0.0.0/24', '10.0.1.0/24'],
  webApp: { podLabels: { 'app.kubernetes.io/name': 'web' } },
  databases: {
    postgres: { cidr: '10.0.64.0/20' },
    redis: { podLabels: { 'app.kubernetes.io/name': 'redis' } },
    mongodb: { podLabels: { app: 'mongodb' }, namespace: 'data' },
  },
};

const policy = (props: InferenceNetworkPolicyProps = seed) =>
  only(synth((chart) => new InferenceNetworkPolicy(chart, 'NetPol', props)), 'NetworkPolicy');

describe('InferenceNetworkPolicy', () => {
  it('denies both directions by default for exactly the release pods', () => {
    const spec = policy().spec;
    expect(spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/instance': 'ai-inference' } });
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('opens the http port to the client ranges, the NLB subnets and the web application, and nothing wider', () => {
    const [http] = policy().spec.ingress;
    expect(http.ports).toEqual([{ protocol: 'TCP', port: 'http' }]);
    expect(http.from).toEqual([
      { ipBlock: { cidr: '203.0.113.0/24' } },
      { ipBlock: { cidr: '10.0.0.0/24' } },
      { ipBlock: { cidr: '10.0.1.0/24' } },
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } } },
    ]);
  });

  it('admits the VPC CIDR to the http port only when asked', () => {
    const [http] = policy({ ...seed, vpcCidr: '10.0.0.0/16' }).spec.ingress;
    expect(http.from).toContainEqual({ ipBlock: { cidr: '10.0.0.0/16' } });
  });

  it('opens a separate health-check port to the NLB subnets only', () => {
    const ingress = policy({ ...seed, loadBalancerHealthCheckPort: 8081 }).spec.ingress;
    expect(ingress[1]).toEqual({
      from: [{ ipBlock: { cidr: '10.0.0.0/24' } }, { ipBlock: { cidr: '10.0.1.0/24' } }],
      ports: [{ protocol: 'TCP', port: 8081 }],
    });
  });

  it('refuses client ranges without the NLB subnets, which would drop its health checks', () => {
    const { loadBalancerSubnets: _, ...withoutSubnets } = seed;
    expect(errorOf(() => policy(withoutSubnets))).toContain(
      "loadBalancerSubnets (not set) is needed with loadBalancerSourceRanges: the NLB's health checks (and, without client IP preservation, all its traffic) come from its private IPs in its subnets, and this default-deny policy would drop them; set it to the CIDRs of the NLB's subnets",
    );
    expect(errorOf(() => policy({ ...withoutSubnets, loadBalancerSourceRanges: undefined, loadBalancerHealthCheckPort: 8081 }))).toContain(
      'loadBalancerHealthCheckPort (8081) opens nothing without loadBalancerSubnets (the health checks come from the NLB subnets); set loadBalancerSubnets or drop it',
    );
    // Without a load balancer, nothing is needed.
    expect(() => policy({ ...withoutSubnets, loadBalancerSourceRanges: undefined })).not.toThrow();
  });

  it('refuses an empty subnet list and a malformed subnet CIDR', () => {
    expect(errorOf(() => policy({ ...seed, loadBalancerSubnets: [] }))).toContain(
      'loadBalancerSubnets (an empty list) must name at least one subnet CIDR when given; list the NLB subnets or leave it out',
    );
    expect(errorOf(() => policy({ ...seed, loadBalancerSubnets: ['10.0.0.0/33'] }))).toContain(
      'loadBalancerSubnets[0] ("10.0.0.0/33") has an IPv4 prefix length above 32; use 0-32',
    );
  });

  it('opens the metrics port to the monitoring namespace only', () => {
    const [, metrics] = policy().spec.ingress;
    expect(policy().spec.ingress).toHaveLength(2);
    expect(metrics).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ protocol: 'TCP', port: 'metrics' }],
    });
  });

  it('lets the pods reach DNS, PostgreSQL, Redis, MongoDB and HTTPS and nothing else', () => {
    const egress = policy().spec.egress;
    expect(egress.map((r: any) => r.ports.map((p: any) => `${p.protocol}/${p.port}`).join(','))).toEqual([
      'UDP/53,TCP/53',
      'TCP/5432',
      'TCP/6379',
      'TCP/27017',
      'TCP/443',
    ]);
    expect(egress[1].to).toEqual([{ ipBlock: { cidr: '10.0.64.0/20' } }]);
    expect(egress[2].to).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'redis' } } }]);
    expect(egress[3].to).toEqual([
      { podSelector: { matchLabels: { app: 'mongodb' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } } },
    ]);
    expect(egress[4].to).toEqual([{ ipBlock: { cidr: '0.0.0.0/0' } }]);
  });

  it('drops HTTPS egress when asked', () => {
    const egress = policy({ ...seed, httpsEgress: false }).spec.egress;
    expect(egress.some((r: any) => r.ports.some((p: any) => p.port === 443))).toBe(false);
  });

  it('refuses a malformed CIDR', () => {
    expect(errorOf(() => policy({ ...seed, vpcCidr: '10.0.0.0/33' }))).toContain('vpcCidr ("10.0.0.0/33") has an IPv4 prefix length above 32; use 0-32');
  });
});
