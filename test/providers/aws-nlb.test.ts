import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, NlbLoadBalancerOptions, NlbService, validateSpec } from '../../src';
import { nlbAnnotations, nlbServiceSpec } from '../../src/providers/aws-nlb';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { eksVllmSpec } from '../../examples/eks-vllm/spec';
import { SEED_WORKLOAD } from '../constructs/workloads';
import { errorOf, only, synth } from '../support';

const dist = resolve(__dirname, '../../dist');
const load = (file: string) => parseAllDocuments(readFileSync(join(dist, file), 'utf8')).map((d) => d.toJSON());
const nlbOf = (spec: AiInferenceSpec) => spec.traffic!.loadBalancer as NlbLoadBalancerOptions;
const withProvider = (spec: AiInferenceSpec): AiInferenceSpec => ({ ...spec, traffic: { ...spec.traffic, loadBalancer: { ...nlbOf(spec), provider: 'aws-nlb' } } });
const synthChart = (id: string, spec: AiInferenceSpec) => Testing.synth(new AiInferenceChart(Testing.app(), id, { spec }));

describe('aws-nlb: the provider left out means aws-nlb', () => {
  it('leaves the EKS examples\' specs without a provider (every existing spec stays valid)', () => {
    expect(nlbOf(eksNlbSpec).provider).toBeUndefined();
    expect(validateSpec(eksNlbSpec)).toEqual([]);
  });

  it('writes the objects of dist/ for the EKS examples whether provider is left out or "aws-nlb"', () => {
    for (const [id, spec] of [
      ['eks-nlb', eksNlbSpec],
      ['eks-vllm', eksVllmSpec],
    ] as const) {
      const inDist = load(`${id}.k8s.yaml`);
      expect(synthChart(id, spec)).toEqual(inDist);
      expect(synthChart(id, withProvider(spec))).toEqual(inDist);
    }
  });

  it('builds the same Service in NlbService with provider "aws-nlb" as without', () => {
    const lb: NlbLoadBalancerOptions = { scheme: 'internal', sourceRanges: ['10.0.0.0/8'] };
    const svc = (loadBalancer: NlbLoadBalancerOptions) =>
      only(synth((chart) => new NlbService(chart, 'Services', { name: 'ai-inference', workload: SEED_WORKLOAD, loadBalancer })), 'Service', 'ai-inference-lb');
    expect(svc({ ...lb, provider: 'aws-nlb' })).toEqual(svc(lb));
    expect(nlbAnnotations({ ...lb, provider: 'aws-nlb' })).toEqual(nlbAnnotations(lb));
    expect(nlbServiceSpec(lb, { app: 'x' }).spec.loadBalancerClass).toBe('service.k8s.aws/nlb');
  });
});

describe('aws-nlb: validation', () => {
  it('refuses GKE annotations on an NLB Service', () => {
    const spec = { ...eksNlbSpec, traffic: { ...eksNlbSpec.traffic, loadBalancer: { ...nlbOf(eksNlbSpec), extraAnnotations: { 'cloud.google.com/l4-rbs': 'enabled' } } } };
    expect(validateSpec(spec)).toEqual([
      "traffic.loadBalancer.extraAnnotations.cloud.google.com/l4-rbs (\"enabled\") is a GKE annotation (cloud.google.com/, networking.gke.io/) on an AWS NLB Service; drop it, or use provider 'gke-l4' for a GKE load balancer",
    ]);
    const construct = errorOf(() =>
      synth((chart) => new NlbService(chart, 'Services', { name: 'ai-inference', workload: SEED_WORKLOAD, loadBalancer: { scheme: 'internal', extraAnnotations: { 'networking.gke.io/load-balancer-type': 'Internal' } } })),
    );
    expect(construct).toContain('loadBalancer.extraAnnotations.networking.gke.io/load-balancer-type ("Internal") is a GKE annotation');
  });

  it('refuses GKE fields on an NLB, naming the NLB\'s own fields', () => {
    const spec = { ...eksNlbSpec, traffic: { ...eksNlbSpec.traffic, loadBalancer: { ...nlbOf(eksNlbSpec), selectBy: 'annotation' } } };
    expect(validateSpec(spec)).toEqual([
      'traffic.loadBalancer.selectBy is not a field; known fields of traffic.loadBalancer: provider, scheme, ports, certificateArns, tlsPorts, sslPolicy, healthCheck, crossZone, stickiness, deregistrationDelay, preserveClientIp, idleTimeout, accessLogs, sourceRanges, extraAnnotations',
    ]);
  });

  it('still requires networkPolicy.loadBalancerSubnets with an NLB', () => {
    const spec = { ...eksNlbSpec, networkPolicy: { ...(eksNlbSpec.networkPolicy as object), loadBalancerSubnets: undefined } };
    expect(validateSpec(spec)[0]).toMatch(/^networkPolicy\.loadBalancerSubnets \(not set\) is needed with traffic\.loadBalancer: its health checks come from the NLB's private IPs/);
  });

  it('keeps the readiness-gate label on the Namespace with an NLB', () => {
    const ns = only(synthChart('eks-nlb', withProvider(eksNlbSpec)), 'Namespace');
    expect(ns.metadata.labels['elbv2.k8s.aws/pod-readiness-gate-inject']).toBe('enabled');
  });
});

describe('aws-nlb: an empty sourceRanges', () => {
  it('is refused: Kubernetes reads an empty loadBalancerSourceRanges as everyone, while the NetworkPolicy would admit no client', async () => {
    const { validateSpec } = await import('../../src');
    const { eksNlbSpec } = await import('../../examples/eks-nlb/spec');
    const lb = eksNlbSpec.traffic!.loadBalancer as any;
    expect(validateSpec({ ...eksNlbSpec, traffic: { ...eksNlbSpec.traffic, loadBalancer: { ...lb, sourceRanges: [] } } })).toEqual([
      'traffic.loadBalancer.sourceRanges (an empty list) must name at least one CIDR when given (an empty list admits everyone); list the client CIDRs or leave sourceRanges out',
    ]);
  });
});
