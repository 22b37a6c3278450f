import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, GkeL4LoadBalancerOptions, NlbLoadBalancerOptions } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { eksVllmSpec } from '../../examples/eks-vllm/spec';
import { Manifest } from '../support';
import { gkeSpec, synthSpec } from './fixtures';

/** Every key and string value of an object, depth first, with its path. */
function strings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [[`${path}.${k}`, k] as [string, string], ...strings(v, `${path}.${k}`)]);
  }
  return [];
}

const AWS = /aws|elbv2|amazon/i;
const GKE = /cloud\.google\.com|networking\.gke\.io|gke/i;

const found = (objects: Manifest[], pattern: RegExp, which: (o: Manifest) => unknown) =>
  objects.flatMap((o) => strings(which(o)).filter(([, s]) => pattern.test(s)).map(([p, s]) => `${o.kind}/${o.metadata.name}${p}: ${s}`));

const GKE_VARIANTS: Partial<GkeL4LoadBalancerOptions>[] = [
  {},
  { scheme: 'internal', allowGlobalAccess: true },
  { selectBy: 'loadBalancerClass' },
  { scheme: 'internal', selectBy: 'loadBalancerClass', sourceRanges: ['10.0.0.0/8'] },
  { networkTier: 'Standard', weightedLoadBalancing: true, staticIp: '203.0.113.10', sourceRanges: ['198.51.100.0/24'] },
];

const nlbVariants = (): AiInferenceSpec[] => {
  const lb = eksNlbSpec.traffic!.loadBalancer as NlbLoadBalancerOptions;
  return [
    eksNlbSpec,
    eksVllmSpec,
    { ...eksNlbSpec, traffic: { ...eksNlbSpec.traffic, loadBalancer: { ...lb, provider: 'aws-nlb', scheme: 'internal', preserveClientIp: false } } },
  ];
};

describe('no provider\'s annotations or fields leak into the other\'s output', () => {
  it('writes no AWS key or value anywhere in a GKE output, for every GKE option', () => {
    for (const lb of GKE_VARIANTS) {
      const objects = synthSpec(gkeSpec(lb));
      expect(found(objects, AWS, (o) => o)).toEqual([]);
      // The GKE Service does carry GKE's own keys.
      expect(found(objects.filter((o) => o.kind === 'Service'), GKE, (o) => o).length).toBeGreaterThan(0);
    }
  });

  it('writes no GKE key or value on an NLB\'s Services and Namespace, nor in any annotation or label of its output', () => {
    for (const spec of nlbVariants()) {
      const objects = Testing.synth(new AiInferenceChart(Testing.app(), 'eks', { spec }));
      expect(found(objects.filter((o) => o.kind === 'Service' || o.kind === 'Namespace'), GKE, (o) => o)).toEqual([]);
      expect(found(objects, GKE, (o) => ({ annotations: o.metadata.annotations, labels: o.metadata.labels }))).toEqual([]);
      // The NLB Service does carry the controller's keys.
      expect(found(objects.filter((o) => o.kind === 'Service'), AWS, (o) => o.metadata.annotations).length).toBeGreaterThan(0);
    }
  });
});
