import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { SEED_BEHAVIOR } from '../../src/spec/behavior';
import { DEFAULT_CONTROLLED_RESOURCES, KEDA_DEFAULTS, ScalingSpec, resolveScaling, resolveVpa } from '../../src/spec/scaling';
import { DEFAULT_SIGNALS } from '../../src/spec/signals';

const PROMETHEUS = 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090';

describe('resolveScaling', () => {
  it('fills every default of the scaling section when only the bounds are given', () => {
    const s = resolveScaling({ minReplicas: 3, maxReplicas: 20 });
    expect(s.backend).toBe('prometheus-adapter');
    expect(s.bounds).toEqual({ min: 3, max: 20, minPath: 'scaling.minReplicas', maxPath: 'scaling.maxReplicas' });
    expect(s.signals).toEqual(DEFAULT_SIGNALS);
    expect(s.behavior).toEqual(SEED_BEHAVIOR);
    expect(s.vpa).toEqual({ updateMode: 'Off', controlledResources: ['cpu', 'memory'] });
    expect('keda' in s).toBe(false);
  });

  it('gives a pinned count as min = max, with pinnedReplicas as the path of both', () => {
    expect(resolveScaling({ pinnedReplicas: 10 }).bounds).toEqual({ min: 10, max: 10, minPath: 'scaling.pinnedReplicas', maxPath: 'scaling.pinnedReplicas' });
  });

  it("fills KEDA's polling interval (30 s) and cooldown (300 s) on the keda backend", () => {
    const s = resolveScaling({ backend: 'keda', minReplicas: 2, maxReplicas: 8, keda: { serverAddress: PROMETHEUS } });
    expect(s.backend).toBe('keda');
    if (s.backend !== 'keda') throw new Error('expected the keda backend');
    expect(s.keda.serverAddress).toBe(PROMETHEUS);
    expect(s.keda.pollingInterval.toSeconds()).toBe(30);
    expect(s.keda.cooldownPeriod.toSeconds()).toBe(300);
    expect(KEDA_DEFAULTS.pollingInterval.toSeconds()).toBe(30);
  });

  it('keeps every value the user gave', () => {
    const signals = { cpu: { type: 'Utilization', averageUtilization: 60 } } as const;
    const s = resolveScaling({
      backend: 'keda',
      minReplicas: 1,
      maxReplicas: 4,
      signals,
      behavior: { scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } },
      vpa: { updateMode: 'Initial', minAllowed: { cpu: Cpu.units(1) }, maxAllowed: { memory: Size.gibibytes(32) }, controlledResources: ['memory'] },
      keda: { serverAddress: PROMETHEUS, pollingInterval: Duration.seconds(15), cooldownPeriod: Duration.minutes(10) },
    });
    expect(s.signals).toEqual(signals);
    expect(s.behavior.scaleUp).toEqual({ stabilizationWindowSeconds: 0, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
    expect(s.behavior.scaleDown).toEqual(SEED_BEHAVIOR.scaleDown);
    expect(s.vpa).toMatchObject({ updateMode: 'Initial', controlledResources: ['memory'] });
    expect(s.vpa && s.vpa.minAllowed?.cpu?.amount).toBe('1');
    expect(s.vpa && s.vpa.maxAllowed?.memory?.toGibibytes()).toBe(32);
    if (s.backend !== 'keda') throw new Error('expected the keda backend');
    expect(s.keda.pollingInterval.toSeconds()).toBe(15);
    expect(s.keda.cooldownPeriod.toSeconds()).toBe(600);
  });

  it('takes the default for a field written as undefined, instead of erasing it', () => {
    const spec: ScalingSpec = {
      backend: undefined,
      minReplicas: 3,
      maxReplicas: 20,
      signals: undefined,
      behavior: undefined,
      vpa: { updateMode: undefined, controlledResources: undefined },
    };
    const s = resolveScaling(spec);
    expect(s.backend).toBe('prometheus-adapter');
    expect(s.signals).toEqual(DEFAULT_SIGNALS);
    expect(s.behavior).toEqual(SEED_BEHAVIOR);
    expect(s.vpa).toEqual({ updateMode: 'Off', controlledResources: DEFAULT_CONTROLLED_RESOURCES });
    const keda = resolveScaling({ backend: 'keda', minReplicas: 1, maxReplicas: 2, keda: { serverAddress: PROMETHEUS, pollingInterval: undefined, cooldownPeriod: undefined } });
    if (keda.backend !== 'keda') throw new Error('expected the keda backend');
    expect(keda.keda.pollingInterval.toSeconds()).toBe(30);
    expect(keda.keda.cooldownPeriod.toSeconds()).toBe(300);
  });

  it('keeps vpa: false as no VPA', () => {
    expect(resolveScaling({ minReplicas: 1, maxReplicas: 2, vpa: false }).vpa).toBe(false);
  });
});

describe('resolveVpa', () => {
  it('resolves an absent section to the recommendation-only VPA on cpu and memory', () => {
    expect(resolveVpa(undefined)).toEqual({ updateMode: 'Off', controlledResources: ['cpu', 'memory'] });
  });

  it('keeps false, and leaves the bounds as given', () => {
    expect(resolveVpa(false)).toBe(false);
    expect(resolveVpa({ maxAllowed: { cpu: Cpu.units(8) } })).toMatchObject({ updateMode: 'Off', maxAllowed: { cpu: { amount: '8' } } });
  });
});

describe('the default scaling signals', () => {
  it('are the seed signals without memory, so a spec that names none gets no memory ratchet', () => {
    expect(DEFAULT_SIGNALS).toEqual({
      cpu: { type: 'Utilization', averageUtilization: 70 },
      gpu: { type: 'AverageValue', averageValue: 70 },
      requestRate: { type: 'AverageValue', averageValue: 50 },
      latencyP95: { type: 'Value', value: 1.5 },
      queueDepth: { type: 'AverageValue', averageValue: 10 },
    });
  });
});
