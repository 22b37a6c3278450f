import { describe, expect, it } from 'vitest';
import { PdbPolicy } from '../../src';
import { expectValidManifests } from '../helpers/k8s-schema';
import { errorOf, only, synth } from '../support';
import { SEED_WORKLOAD, seedDeployment } from './workloads';

const workload = SEED_WORKLOAD;

describe('PdbPolicy', () => {
  it('keeps two pods available, selects exactly the release pods and lets unhealthy pods go', () => {
    const pdb = only(synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'ai-inference', workload, namespace: 'pixelated-prod', minAvailable: 2 })), 'PodDisruptionBudget');
    expect(pdb.metadata).toMatchObject({ name: 'ai-inference-pdb', namespace: 'pixelated-prod' });
    expect(pdb.spec).toEqual({
      minAvailable: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/instance': 'ai-inference' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  it('allows one pod down at a time by default', () => {
    const pdb = only(synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'ai-inference', workload })), 'PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec).not.toHaveProperty('minAvailable');
  });

  it('fails synth when minAvailable reaches the replica floor, since every drain would block', () => {
    const message = errorOf(() =>
      synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'ai-inference', workload, minAvailable: 3, replicaFloor: 3, replicaFloorPath: 'scaling.minReplicas' })),
    );
    expect(message).toContain('minAvailable (3) must be below scaling.minReplicas (3), or node drains block; lower minAvailable or raise the replica floor');
  });

  it('checks minAvailable against the fixed replica count of an InferenceDeployment, and not when it is autoscaled', () => {
    const message = errorOf(() => synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'ai-inference', workload: seedDeployment(chart, { replicas: 2 }), minAvailable: 2 })));
    expect(message).toContain(
      'minAvailable (2) must be below the replicas of workload "ai-inference" (2), or node drains block; lower minAvailable or raise the replica floor',
    );
    expect(() => synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'ai-inference', workload: seedDeployment(chart, { autoscaled: true }), minAvailable: 2 }))).not.toThrow();
  });

  it('selects the InferenceDeployment\'s pods in its namespace', () => {
    const objects = synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'ai-inference', workload: seedDeployment(chart), minAvailable: 2 }));
    const pdb = only(objects, 'PodDisruptionBudget');
    expect(pdb.metadata.namespace).toBe('pixelated-prod');
    expect(pdb.spec.selector.matchLabels).toEqual(only(objects, 'Deployment').spec.selector.matchLabels);
  });

  describe('relative budgets', () => {
    const pdbOf = (props: object) => only(synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'ai-inference', workload, ...props })), 'PodDisruptionBudget');

    it('writes a percentage as an IntOrString string, for minAvailable and maxUnavailable', () => {
      const min = pdbOf({ minAvailable: '66%', replicaFloor: 3 });
      expect(min.spec.minAvailable).toBe('66%');
      const max = pdbOf({ maxUnavailable: '10%' });
      expect(max.spec.maxUnavailable).toBe('10%');
      expect(max.spec).not.toHaveProperty('minAvailable');
      expectValidManifests([min, max]);
    });

    it('counts a minAvailable percentage at the floor as Kubernetes does, rounding up', () => {
      // 66 % of 3 = 1.98, rounded up to 2: one pod of three stays evictable.
      expect(() => pdbOf({ minAvailable: '66%', replicaFloor: 3 })).not.toThrow();
      // 67 % of 3 = 2.01, rounded up to 3: every pod stays, drains block.
      expect(errorOf(() => pdbOf({ minAvailable: '67%', replicaFloor: 3, replicaFloorPath: 'scaling.minReplicas' }))).toContain(
        'minAvailable ("67%") keeps all 3 pods of scaling.minReplicas up (Kubernetes rounds a minAvailable percentage up: 3 of 3), so node drains block; lower it to at most "66%" or raise the replica floor',
      );
      expect(errorOf(() => pdbOf({ minAvailable: '1%', replicaFloor: 1 }))).toContain(
        'minAvailable ("1%") keeps all 1 pods of replicaFloor up (Kubernetes rounds a minAvailable percentage up: 1 of 1), so node drains block; use maxUnavailable 1 or raise the replica floor',
      );
    });

    it('refuses percentages that are not whole, above 100 %, or 0 % for maxUnavailable', () => {
      expect(errorOf(() => pdbOf({ minAvailable: '150%' }))).toContain('minAvailable ("150%") must be a pod count or a whole percentage within 0%-100% (share of the pods that must stay up), e.g. "50%"');
      expect(errorOf(() => pdbOf({ minAvailable: '50' }))).toContain('minAvailable ("50") must be a pod count or a whole percentage within 0%-100%');
      expect(errorOf(() => pdbOf({ minAvailable: '12.5%' }))).toContain('minAvailable ("12.5%") must be a pod count or a whole percentage');
      expect(errorOf(() => pdbOf({ maxUnavailable: '0%' }))).toContain(
        'maxUnavailable ("0%") must be a pod count or a whole percentage within 1%-100% (share of the pods that may be down at once; 0% would block every drain), e.g. "50%"',
      );
    });
  });

  it('refuses both minAvailable and maxUnavailable, and a maxUnavailable of 0', () => {
    expect(errorOf(() => synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'a', workload, minAvailable: 1, maxUnavailable: 1 })))).toContain(
      'maxUnavailable (1) cannot be set together with minAvailable',
    );
    expect(errorOf(() => synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'a', workload, maxUnavailable: 0 })))).toContain(
      'maxUnavailable (0) must be at least 1, or no pod can ever be evicted and drains block',
    );
  });
});
