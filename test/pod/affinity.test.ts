import { describe, expect, it } from 'vitest';
import { gpuNodeAffinity, hostAntiAffinity, podAffinity, taintTolerations } from '../../src/pod/affinity';
import { resolved, selector } from './fixtures';

describe('gpuNodeAffinity', () => {
  it('requires every node label in one term, each with operator In and its one value', () => {
    expect(gpuNodeAffinity({ 'node-type': 'gpu-inference', 'cloud.google.com/gke-accelerator': 'nvidia-l4' })).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: 'node-type', operator: 'In', values: ['gpu-inference'] },
              { key: 'cloud.google.com/gke-accelerator', operator: 'In', values: ['nvidia-l4'] },
            ],
          },
        ],
      },
    });
  });

  it('sets no node affinity when no node labels are asked for', () => {
    expect(gpuNodeAffinity({})).toBeUndefined();
  });
});

describe('hostAntiAffinity', () => {
  it('refuses two pods of the release on one host when required', () => {
    expect(hostAntiAffinity('required', selector)).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' }],
    });
  });

  it('only prefers separate hosts, with weight 100, when preferred', () => {
    const anti = hostAntiAffinity('preferred', selector);
    expect(anti).toEqual({
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' } },
      ],
    });
    expect(anti?.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
  });

  it('sets no anti-affinity when none', () => {
    expect(hostAntiAffinity('none', selector)).toBeUndefined();
  });
});

describe('podAffinity', () => {
  it('combines the default GPU node affinity with the preferred host anti-affinity', () => {
    const affinity = podAffinity(resolved().scheduling, selector);
    expect(affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0].matchExpressions).toEqual([
      { key: 'node-type', operator: 'In', values: ['gpu-inference'] },
    ]);
    expect(affinity.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0].weight).toBe(100);
  });
});

describe('taintTolerations', () => {
  it('tolerates each taint key with any value for NoSchedule', () => {
    expect(taintTolerations(['nvidia.com/gpu', 'dedicated'])).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' },
    ]);
  });

  it('tolerates nothing when no taint keys are given', () => {
    expect(taintTolerations([])).toEqual([]);
  });
});

describe('preferred instance types (scheduling.preferredInstanceTypes)', () => {
  it('add a preferred node-affinity term on node.kubernetes.io/instance-type beside the required GPU term', async () => {
    const { podAffinity } = await import('../../src/pod/affinity');
    const { resolveWorkload } = await import('../../src/spec/workload');
    const { eksNlbSpec } = await import('../../examples/eks-nlb/spec');
    const w = resolveWorkload({ resources: eksNlbSpec.resources, scheduling: { preferredInstanceTypes: ['p3.8xlarge', 'p3.16xlarge', 'p4d.24xlarge'] } } as any);
    const a = podAffinity(w.scheduling, { app: 'x' });
    expect(a.nodeAffinity!.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      { weight: 100, preference: { matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['p3.8xlarge', 'p3.16xlarge', 'p4d.24xlarge'] }] } },
    ]);
    expect(a.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0].matchExpressions).toEqual([{ key: 'node-type', operator: 'In', values: ['gpu-inference'] }]);
  });

  it('are refused empty or repeated', async () => {
    const { validateSpec } = await import('../../src');
    const { eksNlbSpec } = await import('../../examples/eks-nlb/spec');
    expect(validateSpec({ ...eksNlbSpec, scheduling: { ...eksNlbSpec.scheduling, preferredInstanceTypes: [] } })).toEqual([
      'scheduling.preferredInstanceTypes (an empty list) must name at least one instance type; leave preferredInstanceTypes out for no preference',
    ]);
    expect(validateSpec({ ...eksNlbSpec, scheduling: { ...eksNlbSpec.scheduling, preferredInstanceTypes: ['c5.4xlarge', 'c5.4xlarge'] } })[0]).toMatch(/^scheduling\.preferredInstanceTypes \(a list of 2\) names an instance type twice; keep one$/);
  });
});
