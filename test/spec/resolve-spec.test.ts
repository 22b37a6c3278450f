import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { validateSpec } from '../../src';
import { DEFAULT_DCGM, resolveMetrics } from '../../src/spec/metrics';
import { DEFAULT_QUEUE_DEPTH_TARGET } from '../../src/spec/monitoring';
import { DEFAULT_SIGNALS } from '../../src/spec/signals';
import { AiInferenceSpec, DEFAULT_SLO_PERIOD, resolveDisruption, resolveSlo, resolveSpec } from '../../src/spec/spec';
import { resolveTraffic } from '../../src/spec/traffic';
import { NLB_DEFAULTS, ResolvedNlbLoadBalancer } from '../../src/spec/traffic';

const slo = { availability: 99.9, latencyP95: Duration.seconds(2), latencyP99: Duration.seconds(3), errorRate: 1, throughputRps: 1000 };

/** The seed spec without the sections whose defaults are under test. */
const minimal: AiInferenceSpec = {
  release: eksNlbSpec.release,
  namespace: 'inference',
  image: eksNlbSpec.image,
  model: { name: 'm' },
  resources: eksNlbSpec.resources,
  slo,
};

describe('resolveSlo', () => {
  it('fills the 30-day window, also for period: undefined', () => {
    expect(resolveSlo(slo).period.toDays()).toBe(30);
    expect(resolveSlo({ ...slo, period: undefined }).period).toBe(DEFAULT_SLO_PERIOD);
  });

  it('keeps the window and the objectives given', () => {
    expect(resolveSlo({ ...slo, period: Duration.days(7) })).toEqual({ ...slo, period: Duration.days(7) });
  });
});

describe('resolveDisruption', () => {
  it('allows one pod down at a time and always evicts unhealthy pods by default', () => {
    expect(resolveDisruption(undefined)).toEqual({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  it('keeps minAvailable instead of the default maxUnavailable, and the policy given', () => {
    expect(resolveDisruption({ minAvailable: 2, unhealthyPodEvictionPolicy: 'IfHealthyBudget' })).toEqual({ minAvailable: 2, unhealthyPodEvictionPolicy: 'IfHealthyBudget' });
    expect(resolveDisruption({ maxUnavailable: 3 })).toEqual({ maxUnavailable: 3, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  it('takes the default for a field written as undefined', () => {
    expect(resolveDisruption({ minAvailable: undefined, maxUnavailable: undefined, unhealthyPodEvictionPolicy: undefined })).toEqual({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });
});

describe('resolveTraffic', () => {
  it('creates the headless and internal Services and no load balancer by default', () => {
    expect(resolveTraffic(undefined)).toEqual({ headless: true, internal: true, loadBalancer: undefined });
    expect(resolveTraffic({ headless: undefined, internal: undefined })).toEqual({ headless: true, internal: true, loadBalancer: undefined });
  });

  it('keeps the Services turned off and resolves the load balancer', () => {
    const t = resolveTraffic({ headless: false, internal: false, loadBalancer: { scheme: 'internal' } });
    expect([t.headless, t.internal]).toEqual([false, false]);
    expect(t.loadBalancer?.scheme).toBe('internal');
    expect((t.loadBalancer as ResolvedNlbLoadBalancer | undefined)?.healthCheck).toEqual(NLB_DEFAULTS.healthCheck);
  });
});

describe('resolveMetrics', () => {
  it('takes the generic preset and the dcgm-exporter names by default', () => {
    expect(resolveMetrics(undefined)).toEqual({ preset: 'generic', dcgm: DEFAULT_DCGM });
  });

  it('merges dcgm overrides field by field and keeps the preset given', () => {
    expect(resolveMetrics({ preset: 'vllm', dcgm: { podLabel: 'pod' } })).toEqual({ preset: 'vllm', dcgm: { ...DEFAULT_DCGM, podLabel: 'pod' } });
  });

  it('takes the default for a field written as undefined, instead of erasing it', () => {
    expect(resolveMetrics({ preset: undefined, dcgm: { podLabel: undefined, namespaceLabel: 'namespace' } })).toEqual({
      preset: 'generic',
      dcgm: { ...DEFAULT_DCGM, namespaceLabel: 'namespace' },
    });
  });
});

describe('resolveSpec', () => {
  it('resolves every section of a spec that gives only what is required', () => {
    const r = resolveSpec(minimal);
    expect(r.workload.replicas).toBe(3);
    expect(r.workload.autoscaled).toBe(false);
    expect(r.traffic).toEqual({ headless: true, internal: true, loadBalancer: undefined });
    expect(r.disruption).toEqual({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expect(r.slo.period.toDays()).toBe(30);
    expect(r.scaling).toBeUndefined();
    expect(r.replicas).toEqual({ min: 3, max: 3, minPath: 'replicas', maxPath: 'replicas' });
    expect(r.metrics).toEqual({ preset: 'generic', dcgm: DEFAULT_DCGM });
    expect(r.monitoring && r.monitoring.dashboard && r.monitoring.dashboard.namespace).toBe('inference');
    expect(r.queueDepthTarget).toBe(DEFAULT_QUEUE_DEPTH_TARGET);
  });

  it('takes the replica range and the queue-depth target from the autoscaler', () => {
    const r = resolveSpec({ ...minimal, scaling: { minReplicas: 2, maxReplicas: 9 } });
    expect(r.workload.autoscaled).toBe(true);
    expect(r.workload.replicas).toBeUndefined();
    expect(r.replicas).toEqual({ min: 2, max: 9, minPath: 'scaling.minReplicas', maxPath: 'scaling.maxReplicas' });
    expect(r.scaling?.signals).toEqual(DEFAULT_SIGNALS);
    expect(r.queueDepthTarget).toBe(10);
    const custom = resolveSpec({ ...minimal, scaling: { pinnedReplicas: 4, signals: { queueDepth: { type: 'AverageValue', averageValue: 6 } } } });
    expect(custom.replicas).toEqual({ min: 4, max: 4, minPath: 'scaling.pinnedReplicas', maxPath: 'scaling.pinnedReplicas' });
    expect(custom.queueDepthTarget).toBe(6);
    expect(resolveSpec({ ...minimal, scaling: { minReplicas: 2, maxReplicas: 9, signals: { cpu: { type: 'Utilization', averageUtilization: 60 } } } }).queueDepthTarget).toBe(DEFAULT_QUEUE_DEPTH_TARGET);
  });

  it('keeps the values of the seed spec', () => {
    const r = resolveSpec(eksNlbSpec);
    expect(r.disruption).toEqual({ minAvailable: '66%', unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expect(r.traffic.loadBalancer?.scheme).toBe('internet-facing');
    expect(r.traffic.loadBalancer?.sourceRanges).toEqual(['203.0.113.0/24', '198.51.100.0/24']);
    expect(r.scaling?.backend).toBe('prometheus-adapter');
    expect(r.scaling?.vpa).toMatchObject({ updateMode: 'Off', controlledResources: ['cpu', 'memory'] });
    expect(r.monitoring && r.monitoring.dashboard && r.monitoring.dashboard.namespace).toBe('pixelated-prod');
    expect(r.workload.resources.gpu.count).toBe(1);
  });

  it('takes the default for a section or field written as undefined', () => {
    const r = resolveSpec({ ...minimal, replicas: undefined, traffic: undefined, disruption: undefined, scaling: undefined, metrics: undefined, monitoring: undefined, slo: { ...slo, period: undefined } });
    expect(r).toEqual(resolveSpec(minimal));
  });

  it('keeps monitoring: false as no monitoring', () => {
    expect(resolveSpec({ ...minimal, monitoring: false }).monitoring).toBe(false);
  });
});

describe('the drain check', () => {
  it('says the deregistration delay is the default one when it outlasts a shorter grace period', () => {
    const problems = validateSpec({
      ...minimal,
      shutdown: { gracePeriod: Duration.seconds(30), preStopSleep: Duration.seconds(10) },
      traffic: { loadBalancer: { scheme: 'internal' } },
    });
    expect(problems).toContain(
      'traffic.loadBalancer.deregistrationDelay (1m by default) exceeds shutdown.gracePeriod (30s): the pod is killed while the NLB still drains its connections; lower the delay or raise the grace period',
    );
  });
});
