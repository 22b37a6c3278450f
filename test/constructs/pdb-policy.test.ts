import { describe, expect, it } from 'vitest';
import { PdbPolicy } from '../../src';
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

  it('refuses both minAvailable and maxUnavailable, and a maxUnavailable of 0', () => {
    expect(errorOf(() => synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'a', workload, minAvailable: 1, maxUnavailable: 1 })))).toContain(
      'maxUnavailable (1) cannot be set together with minAvailable',
    );
    expect(errorOf(() => synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'a', workload, maxUnavailable: 0 })))).toContain(
      'maxUnavailable (0) must be at least 1, or no pod can ever be evicted and drains block',
    );
  });
});
