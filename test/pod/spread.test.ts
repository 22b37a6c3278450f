import { describe, expect, it } from 'vitest';
import { zoneSpread } from '../../src/pod/spread';
import { selector } from './fixtures';

describe('zoneSpread', () => {
  it('spreads across zones with maxSkew 1, counting only the pods of the current revision', () => {
    expect(zoneSpread('ScheduleAnyway', selector)).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: selector },
        matchLabelKeys: ['pod-template-hash'],
      },
    ]);
  });

  it('keeps pods Pending rather than skew the zones with DoNotSchedule', () => {
    const [constraint] = zoneSpread('DoNotSchedule', selector) ?? [];
    expect(constraint.whenUnsatisfiable).toBe('DoNotSchedule');
    expect(constraint.matchLabelKeys).toEqual(['pod-template-hash']);
  });

  it('sets no constraint when the zone spread is none', () => {
    expect(zoneSpread('none', selector)).toBeUndefined();
  });
});
