import { describe, expect, it } from 'vitest';
import { AiInferenceSpec, GKE_L4_HEALTH_CHECK_RANGES, GkeL4LoadBalancerOptions, InferenceNetworkPolicy, InferenceNetworkPolicyProps, validateSpec } from '../../src';
import { GKE_L4, GKE_L4_DEFAULTS, gkeL4Annotations, gkeL4ServiceSpec, resolveGkeL4LoadBalancer } from '../../src/providers/gke-l4';
import { resolveTraffic } from '../../src/spec/traffic';
import { expectValidManifests } from '../helpers/k8s-schema';
import { errorOf, only, synth } from '../support';
import { SEED_GKE_LB, chartOf, gkeSpec, synthSpec } from './fixtures';

const lbOf = (spec: AiInferenceSpec, name = 'ai-inference') => only(synthSpec(spec), 'Service', name);
const problems = (lb: Record<string, unknown>, rest: Partial<AiInferenceSpec> = {}) => validateSpec(gkeSpec(lb as Partial<GkeL4LoadBalancerOptions>, rest));
const httpFrom = (spec: AiInferenceSpec) =>
  only(synthSpec(spec), 'NetworkPolicy').spec.ingress.find((r: any) => r.ports.some((p: any) => p.port === 'http'))?.from;

describe('gke-l4: defaults', () => {
  it('resolves every default once: annotation selection, http 80 to the http port, Local, no global access, no weighting', () => {
    const lb = resolveGkeL4LoadBalancer({ provider: 'gke-l4', scheme: 'external' });
    expect(lb).toEqual({
      provider: 'gke-l4',
      scheme: 'external',
      selectBy: 'annotation',
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      externalTrafficPolicy: 'Local',
      allowGlobalAccess: false,
      weightedLoadBalancing: false,
    });
    expect(GKE_L4_DEFAULTS.externalTrafficPolicy).toBe('Local');
  });

  it('takes the default for a field written as undefined', () => {
    const lb = resolveGkeL4LoadBalancer({ provider: 'gke-l4', scheme: 'internal', externalTrafficPolicy: undefined, ports: [{ name: 'api', port: 8000, targetPort: undefined }] });
    expect(lb.externalTrafficPolicy).toBe('Local');
    expect(lb.ports).toEqual([{ name: 'api', port: 8000, targetPort: 'http' }]);
  });

  it('resolves through the traffic section with provider set', () => {
    expect(resolveTraffic({ loadBalancer: SEED_GKE_LB }).loadBalancer?.provider).toBe('gke-l4');
    expect(resolveTraffic({ loadBalancer: { scheme: 'internal' } }).loadBalancer?.provider).toBe('aws-nlb');
  });
});

describe('gke-l4: the Service', () => {
  it('is seed 004\'s: one external Service ai-inference on 8000 to the pod\'s http port, backend-service NLB, client IPs preserved', () => {
    const svc = lbOf(gkeSpec());
    expect(svc.metadata.name).toBe('ai-inference');
    expect(svc.metadata.namespace).toBe('ai-inference');
    expect(svc.metadata.annotations).toEqual({ 'cloud.google.com/l4-rbs': 'enabled' });
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.spec.externalTrafficPolicy).toBe('Local');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }]);
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/instance': 'ai-inference' });
    expect(svc.metadata.labels['ai-inference.cdk8s.io/service-role']).toBe('load-balancer');
    expect(svc.spec).not.toHaveProperty('loadBalancerClass');
    expect(svc.spec).not.toHaveProperty('loadBalancerIP');
    expect(svc.spec).not.toHaveProperty('loadBalancerSourceRanges');
    expect(svc.spec).not.toHaveProperty('allocateLoadBalancerNodePorts');
    // The pod's http port is the one the Service targets by name.
    const container = only(synthSpec(gkeSpec()), 'Deployment').spec.template.spec.containers.find((c: any) => c.name === 'inference');
    expect(container.ports.map((p: any) => p.name)).toContain('http');
  });

  it('names the Service <release>-lb when no name is given, beside the shared headless and internal Services', () => {
    const objects = synthSpec(gkeSpec({ name: undefined }));
    expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['ai-inference-lb', 'ai-inference-headless', 'ai-inference-internal']);
  });

  it('asks for an internal passthrough NLB by annotation', () => {
    expect(lbOf(gkeSpec({ scheme: 'internal' })).metadata.annotations).toEqual({ 'networking.gke.io/load-balancer-type': 'Internal' });
  });

  it('asks by loadBalancerClass instead when selectBy says the cluster is new enough, with no selecting annotation', () => {
    const ext = lbOf(gkeSpec({ selectBy: 'loadBalancerClass' }));
    expect(ext.spec.loadBalancerClass).toBe('networking.gke.io/l4-regional-external');
    expect(ext.metadata).not.toHaveProperty('annotations');
    const int = lbOf(gkeSpec({ scheme: 'internal', selectBy: 'loadBalancerClass' }));
    expect(int.spec.loadBalancerClass).toBe('networking.gke.io/l4-regional-internal');
    expect(int.metadata).not.toHaveProperty('annotations');
  });

  it('writes global access for an internal load balancer', () => {
    expect(lbOf(gkeSpec({ scheme: 'internal', allowGlobalAccess: true })).metadata.annotations).toEqual({
      'networking.gke.io/load-balancer-type': 'Internal',
      'networking.gke.io/internal-load-balancer-allow-global-access': 'true',
    });
    expect(lbOf(gkeSpec({ scheme: 'internal', allowGlobalAccess: false })).metadata.annotations).toEqual({ 'networking.gke.io/load-balancer-type': 'Internal' });
  });

  it('writes the network tier, weighted load balancing, the static IP, the source ranges and the traffic policy', () => {
    const svc = lbOf(
      gkeSpec(
        { networkTier: 'Standard', weightedLoadBalancing: true, staticIp: '203.0.113.10', sourceRanges: ['198.51.100.0/24'], externalTrafficPolicy: 'Local' },
        { networkPolicy: false },
      ),
    );
    expect(svc.metadata.annotations).toEqual({
      'cloud.google.com/l4-rbs': 'enabled',
      'cloud.google.com/network-tier': 'Standard',
      'networking.gke.io/weighted-load-balancing': 'pods-per-node',
    });
    expect(svc.spec.loadBalancerIP).toBe('203.0.113.10');
    expect(svc.spec.loadBalancerSourceRanges).toEqual(['198.51.100.0/24']);
    expect(svc.spec.externalTrafficPolicy).toBe('Local');
    expect(lbOf(gkeSpec({ externalTrafficPolicy: 'Cluster' }, { networkPolicy: false })).spec.externalTrafficPolicy).toBe('Cluster');
  });

  it('lets extraAnnotations win over the generated ones', () => {
    expect(gkeL4Annotations({ ...SEED_GKE_LB, extraAnnotations: { [GKE_L4.rbsAnnotation]: 'enabled', 'example.com/owner': 'ml' } })).toEqual({
      'cloud.google.com/l4-rbs': 'enabled',
      'example.com/owner': 'ml',
    });
  });

  it('forwards several ports, each to its named target', () => {
    const { spec } = gkeL4ServiceSpec({ provider: 'gke-l4', scheme: 'external', ports: [{ name: 'http', port: 8000 }, { name: 'alt', port: 80, targetPort: 'http' }] }, { app: 'x' });
    expect(spec.ports?.map((p) => [p.name, p.port, p.targetPort?.value])).toEqual([
      ['http', 8000, 'http'],
      ['alt', 80, 'http'],
    ]);
  });

  it('validates against the Kubernetes Service schema with every option', () => {
    for (const lb of [
      {},
      { name: undefined },
      { scheme: 'internal', allowGlobalAccess: true, selectBy: 'loadBalancerClass' },
      { networkTier: 'Premium', weightedLoadBalancing: true, staticIp: '203.0.113.10', sourceRanges: ['198.51.100.0/24', '192.0.2.0/24'] },
      { extraAnnotations: { 'example.com/team': 'ml' } },
    ] as Partial<GkeL4LoadBalancerOptions>[]) {
      expectValidManifests(synthSpec(gkeSpec(lb)));
    }
    expectValidManifests(synthSpec(gkeSpec({ externalTrafficPolicy: 'Cluster' }, { networkPolicy: false })));
  });
});

describe('gke-l4: validation', () => {
  it('refuses each bad value with the path, the value, the rule and the fix', () => {
    expect(problems({ scheme: 'internet-facing' })).toEqual(['traffic.loadBalancer.scheme ("internet-facing") must be "external" or "internal"; say which load balancer GKE should build']);
    expect(problems({ selectBy: 'class' })).toEqual([
      'traffic.loadBalancer.selectBy ("class") must be "annotation" (every supported GKE version) or "loadBalancerClass" (GKE 1.33.1-gke.1779000 or later)',
    ]);
    expect(problems({ name: 'AI_Inference' })[0]).toMatch(/^traffic\.loadBalancer\.name \("AI_Inference"\) must be an RFC 1035 label/);
    expect(problems({ ports: [] })).toEqual(['traffic.loadBalancer.ports (an empty list) must list at least one port; leave ports out for http 80']);
    expect(problems({ ports: [{ name: 'http', port: 70000 }] })[0]).toMatch(/^traffic\.loadBalancer\.ports\[0\]\.port \(70000\) /);
    expect(problems({ sourceRanges: [] })).toEqual([
      'traffic.loadBalancer.sourceRanges (an empty list) must name at least one CIDR when given (an empty list admits everyone); list the client CIDRs or leave sourceRanges out',
    ]);
    expect(problems({ sourceRanges: ['10.0.0.1'] })[0]).toMatch(/^traffic\.loadBalancer\.sourceRanges\[0\] \("10\.0\.0\.1"\) /);
    expect(problems({ externalTrafficPolicy: 'local' })).toEqual(['traffic.loadBalancer.externalTrafficPolicy ("local") must be "Local" or "Cluster"']);
    expect(problems({ networkTier: 'Gold' })).toEqual(['traffic.loadBalancer.networkTier ("Gold") must be "Premium" or "Standard" (GKE ignores any other value)']);
    expect(problems({ staticIp: '203.0.113.300' })).toEqual(['traffic.loadBalancer.staticIp ("203.0.113.300") must be an IPv4 address (the reserved static address, e.g. "203.0.113.10")']);
    expect(problems({ allowGlobalAccess: 'yes' })).toEqual(['traffic.loadBalancer.allowGlobalAccess ("yes") must be true or false, not a string; fix the type']);
  });

  it('refuses options of the other scheme and combinations GKE ignores', () => {
    expect(problems({ allowGlobalAccess: true })).toEqual([
      'traffic.loadBalancer.allowGlobalAccess (true) applies to an internal load balancer only (an external one is reachable from everywhere); drop it, or use scheme "internal"',
    ]);
    expect(problems({ scheme: 'internal', networkTier: 'Premium' })).toEqual([
      'traffic.loadBalancer.networkTier ("Premium") applies to an external load balancer only (an internal address has no network tier); drop it, or use scheme "external"',
    ]);
    expect(problems({ weightedLoadBalancing: true, externalTrafficPolicy: 'Cluster' }, { networkPolicy: false })).toEqual([
      'traffic.loadBalancer.weightedLoadBalancing (true) has no effect with externalTrafficPolicy "Cluster" (GKE reports UnsupportedConfiguration and balances evenly); use "Local" or drop weightedLoadBalancing',
    ]);
  });

  it('refuses duplicate port names and numbers', () => {
    expect(problems({ ports: [{ name: 'http', port: 8000 }, { name: 'http', port: 8000 }] })).toEqual([
      'traffic.loadBalancer.ports[1].name ("http") is used twice; port names must be unique',
      'traffic.loadBalancer.ports[1].port (8000) is used twice; the API server refuses two Service ports with the same number and protocol; give each port its own number',
    ]);
  });

  it('refuses a target port other than the pods\' serving port', () => {
    expect(problems({ ports: [{ name: 'http', port: 8000, targetPort: 'metrics' }] })).toEqual([
      'traffic.loadBalancer.ports[0].targetPort ("metrics") names no serving port of the inference pods (http); the load balancer would forward to nothing, or expose the metrics port; use http or leave it out',
    ]);
  });

  it('refuses a Service name the headless or internal Service already has', () => {
    expect(problems({ name: 'ai-inference-internal' })).toEqual([
      'traffic.loadBalancer.name ("ai-inference-internal") is the name of the internal Service of the release; give the load balancer another name',
    ]);
    expect(problems({ name: 'ai-inference-headless' })).toEqual([
      'traffic.loadBalancer.name ("ai-inference-headless") is the name of the headless Service of the release; give the load balancer another name',
    ]);
  });

  it('refuses AWS annotations on a GKE Service', () => {
    expect(problems({ extraAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' } })).toEqual([
      'traffic.loadBalancer.extraAnnotations.service.beta.kubernetes.io/aws-load-balancer-scheme ("internal") is an AWS annotation (service.beta.kubernetes.io/aws-, elbv2.k8s.aws/) on a GKE Service; drop it, or use provider \'aws-nlb\' for an AWS NLB',
    ]);
  });

  it('refuses NLB fields on a GKE load balancer, and names an unknown provider', () => {
    expect(problems({ certificateArns: ['arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b'] })).toEqual([
      'traffic.loadBalancer.certificateArns is not a field; known fields of traffic.loadBalancer: provider, scheme, selectBy, name, ports, sourceRanges, externalTrafficPolicy, allowGlobalAccess, networkTier, weightedLoadBalancing, staticIp, extraAnnotations',
    ]);
    expect(problems({ provider: 'gke-14' })).toEqual(['traffic.loadBalancer.provider ("gke-14") must be "aws-nlb" or "gke-l4" (left out, it means "aws-nlb"); did you mean "gke-l4"?']);
    expect(problems({ provider: 'azure' })).toEqual(['traffic.loadBalancer.provider ("azure") must be "aws-nlb" or "gke-l4" (left out, it means "aws-nlb"); pick one']);
  });
});

describe('gke-l4: the NetworkPolicy admits the load balancer\'s real sources', () => {
  it('admits everyone to the http port without source ranges (GKE\'s firewall admits 0.0.0.0/0, client IPs are preserved)', () => {
    expect(httpFrom(gkeSpec())).toEqual([{ ipBlock: { cidr: '0.0.0.0/0' } }]);
  });

  it('admits exactly the source ranges when given, for an external and an internal load balancer', () => {
    expect(httpFrom(gkeSpec({ sourceRanges: ['198.51.100.0/24', '192.0.2.0/24'] }))).toEqual([{ ipBlock: { cidr: '198.51.100.0/24' } }, { ipBlock: { cidr: '192.0.2.0/24' } }]);
    expect(httpFrom(gkeSpec({ scheme: 'internal', sourceRanges: ['10.128.0.0/9'] }))).toEqual([{ ipBlock: { cidr: '10.128.0.0/9' } }]);
  });

  it('does not open the pods to Google\'s health-check ranges: the checks probe the node\'s health port, not the pod', () => {
    const policy = only(synthSpec(gkeSpec({ sourceRanges: ['198.51.100.0/24'] })), 'NetworkPolicy');
    const cidrs = policy.spec.ingress.flatMap((r: any) => (r.from ?? []).map((f: any) => f.ipBlock?.cidr)).filter(Boolean);
    for (const range of GKE_L4_HEALTH_CHECK_RANGES) expect(cidrs).not.toContain(range);
    expect(GKE_L4_HEALTH_CHECK_RANGES).toEqual(['130.211.0.0/22', '35.191.0.0/16', '209.85.152.0/22', '209.85.204.0/22']);
    // Only the http and the metrics rules: no health-check port rule as with an NLB.
    expect(policy.spec.ingress.every((r: any) => r.ports.every((p: any) => p.port !== 10256))).toBe(true);
  });

  it('refuses networkPolicy.loadBalancerSubnets, an NLB concept', () => {
    expect(problems({}, { networkPolicy: { loadBalancerSubnets: ['10.0.0.0/24'] } })).toEqual([
      "networkPolicy.loadBalancerSubnets (a list of 1) are an AWS NLB setting: GKE's passthrough load balancer (traffic.loadBalancer.provider 'gke-l4') has no subnet of its own; client packets keep their addresses and its health checks reach the node, not the pod; drop loadBalancerSubnets",
    ]);
  });

  it('refuses externalTrafficPolicy Cluster while the NetworkPolicy is on (pods would see node IPs), and accepts it without the policy', () => {
    expect(problems({ externalTrafficPolicy: 'Cluster' })).toEqual([
      "traffic.loadBalancer.externalTrafficPolicy (\"Cluster\") lets a node forward load balancer traffic to a pod on another node after SNAT to its own IP, so the pods see node addresses, which the default-deny NetworkPolicy does not admit (it admits the client ranges); use 'Local' (the default: client IPs preserved, health-checked per node), or set networkPolicy: false",
    ]);
    expect(problems({ externalTrafficPolicy: 'Cluster' }, { networkPolicy: false })).toEqual([]);
  });

  it('warns AII-W004 when no source ranges sit beside a webApp rule, suppressibly, and not with source ranges', () => {
    const webApp = { networkPolicy: { webApp: { podLabels: { app: 'web' }, namespace: 'web' } } };
    const w = chartOf(gkeSpec({}, webApp)).warnings;
    expect(w.map((x) => x.id)).toContain('AII-W004');
    expect(w.find((x) => x.id === 'AII-W004')?.message).toBe(
      "traffic.loadBalancer.sourceRanges (not set) let GKE's load balancer admit every client (its firewall rule's source is 0.0.0.0/0), so with client IPs preserved the NetworkPolicy admits 0.0.0.0/0 to the http port, which may include every pod of the cluster and makes the webApp rule restrict nothing; set sourceRanges to the clients' CIDRs",
    );
    expect(chartOf(gkeSpec({ sourceRanges: ['198.51.100.0/24'] }, webApp)).warnings.map((x) => x.id)).not.toContain('AII-W004');
    expect(chartOf(gkeSpec({}, { ...webApp, warnings: { suppress: [{ id: 'AII-W004', reason: 'public API' }] } })).warnings.map((x) => x.id)).not.toContain('AII-W004');
    expect(chartOf(gkeSpec()).warnings.map((x) => x.id)).not.toContain('AII-W004');
  });

  it('warns AII-W002 for a VPC CIDR beside a webApp rule, in GKE\'s words', () => {
    const w = chartOf(gkeSpec({ sourceRanges: ['198.51.100.0/24'] }, { networkPolicy: { vpcCidr: '10.0.0.0/8', webApp: { podLabels: { app: 'web' } } } })).warnings;
    expect(w.find((x) => x.id === 'AII-W002')?.message).toMatch(/^networkPolicy\.vpcCidr \("10\.0\.0\.0\/8"\) admits every pod of the cluster .* GKE's load balancer needs no vpcCidr/);
  });
});

describe('gke-l4: what only an AWS NLB gets', () => {
  it('labels the Namespace for AWS readiness gates only with an NLB', () => {
    const ns = only(synthSpec(gkeSpec()), 'Namespace');
    expect(ns.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'cdk8s-ai-inference' });
  });

  it('writes no health-check path (GKE checks the nodes), and no NLB drain warning', () => {
    const svc = lbOf(gkeSpec());
    expect(JSON.stringify(svc)).not.toMatch(/healthcheck|health-check/i);
    expect(chartOf(gkeSpec()).warnings.map((x) => x.id)).not.toContain('AII-W020');
  });
});

describe('gke-l4: InferenceNetworkPolicy with loadBalancerProvider gke-l4', () => {
  const policy = (props: Partial<InferenceNetworkPolicyProps>) =>
    synth((chart) => new InferenceNetworkPolicy(chart, 'NetworkPolicy', { name: 'ai-inference', namespace: 'ai-inference', loadBalancerProvider: 'gke-l4', ...props }));

  it('admits the client ranges without NLB subnets', () => {
    const np = only(policy({ loadBalancerSourceRanges: ['198.51.100.0/24'] }), 'NetworkPolicy');
    expect(np.spec.ingress[0]).toEqual({ from: [{ ipBlock: { cidr: '198.51.100.0/24' } }], ports: [{ protocol: 'TCP', port: 'http' }] });
  });

  it('refuses the NLB-only openings', () => {
    expect(errorOf(() => policy({ loadBalancerSourceRanges: ['0.0.0.0/0'], loadBalancerSubnets: ['10.0.0.0/24'] }))).toContain(
      "loadBalancerSubnets (a list of 1) are an AWS NLB setting: GKE's passthrough load balancer has no subnet of its own (client packets keep their addresses, health checks reach the node, not the pod); drop loadBalancerSubnets",
    );
    expect(errorOf(() => policy({ loadBalancerHealthCheckPort: 8080 }))).toContain(
      "loadBalancerHealthCheckPort (8080) is an AWS NLB setting: GKE's health checks probe the node's health port, not the pod; drop it",
    );
    expect(errorOf(() => policy({ loadBalancerProvider: 'gce' as never }))).toContain('loadBalancerProvider ("gce") must be one of "aws-nlb", "gke-l4"');
  });
});
