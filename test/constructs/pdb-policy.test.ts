import { describe, expect, it } from 'vitest';
import { PdbPolicy } from '../../src';
import { errorOf, only, synth } from '../support';

describe('PdbPolicy', () => {
  it('keeps two pods available, selects exactly the release pods and lets unhealthy pods go', () => {
    const pdb = only(synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'ai-inference', namespace: 'pixelated-prod', minAvailable: 2 })), 'PodDisruptionBudget');
    expect(pdb.metadata).toMatchObject({ name: 'ai-inference-pdb', namespace: 'pixelated-prod' });
    expect(pdb.spec).toEqual({
      minAvailable: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/instance': 'ai-inference' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  it('allows one pod down at a time by default', () => {
    const pdb = only(synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'ai-inference' })), 'PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec).not.toHaveProperty('minAvailable');
  });

  it('fails synth when minAvailable reaches the replica floor, since every drain would block', () => {
    const message = errorOf(() =>
      synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'ai-inference', minAvailable: 3, replicaFloor: 3, replicaFloorPath: 'scaling.minReplicas' })),
    );
    expect(message).toContain('minAvailable (3) must be below scaling.minReplicas (3), or node drains block; lower minAvailable or raise the replica floor');
  });

  it('refuses both minAvailable and maxUnavailable, and a maxUnavailable of 0', () => {
    expect(errorOf(() => synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'a', minAvailable: 1, maxUnavailable: 1 })))).toContain(
      'maxUnavailable (1) cannot be set together with minAvailable',
    );
    expect(errorOf(() => synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'a', maxUnavailable: 0 })))).toContain(
      'maxUnavailable (0) must be at least 1, or no pod can ever be evicted and drains block',
    );
  });
});
