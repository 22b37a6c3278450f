import { Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, ScalingSpec } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { errorOf, only } from '../support';

const seedScaling = eksNlbSpec.scaling!;
const chartOf = (spec: AiInferenceSpec) => new AiInferenceChart(Testing.app(), 'eks-nlb', { spec });
const synthSpec = (spec: AiInferenceSpec) => Testing.synth(chartOf(spec));
const withScaling = (patch: Partial<ScalingSpec>, rest: Partial<AiInferenceSpec> = {}) =>
  ({ ...eksNlbSpec, ...rest, scaling: { ...seedScaling, ...patch } }) as AiInferenceSpec;
const scalingError = (patch: Partial<ScalingSpec>, rest: Partial<AiInferenceSpec> = {}) => errorOf(() => synthSpec(withScaling(patch, rest)));

describe('AiInferenceChart autoscaling', () => {
  it('emits an HPA between 3 and 20 replicas and leaves spec.replicas to it', () => {
    const objects = synthSpec(eksNlbSpec);
    const hpa = only(objects, 'HorizontalPodAutoscaler', 'ai-inference-hpa');
    expect(hpa.spec.minReplicas).toBe(3);
    expect(hpa.spec.maxReplicas).toBe(20);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'ai-inference' });
    expect(only(objects, 'Deployment').spec).not.toHaveProperty('replicas');
    expect(objects.filter((o) => o.kind === 'ScaledObject')).toEqual([]);
  });

  it('serves exactly the metrics the HPA names through the adapter rules, installed with the adapter and not beside the service', () => {
    const chart = chartOf(eksNlbSpec);
    const objects = Testing.synth(chart);
    const hpa = only(objects, 'HorizontalPodAutoscaler');
    const named = hpa.spec.metrics
      .filter((m: any) => m.type !== 'Resource')
      .map((m: any) => (m.pods ?? m.object).metric.name)
      .sort();
    const served = chart.adapterRules!.helmValues().rules.custom.map((r) => r.name.as).sort();
    expect(served).toEqual(named);
    // The adapter reads its config from its own namespace only: no rules ConfigMap here.
    expect(objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).not.toContain('ai-inference-adapter-rules');
    expect(named).toEqual(['dcgm_gpu_utilization_per_pod', 'inference_queue_depth_per_pod', 'inference_request_rate', 'inference_response_time_p95_seconds']);
  });

  it('uses a ScaledObject and no HPA with the keda backend, with the same bounds and behavior', () => {
    const objects = synthSpec(withScaling({ backend: 'keda', keda: { serverAddress: 'http://prometheus.monitoring.svc:9090' } }));
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
    expect(objects.filter((o) => o.metadata.name === 'ai-inference-adapter-rules')).toEqual([]);
    const so = only(objects, 'ScaledObject', 'ai-inference-scaler');
    expect(so.spec.minReplicaCount).toBe(3);
    expect(so.spec.maxReplicaCount).toBe(20);
    const hpa = only(synthSpec(eksNlbSpec), 'HorizontalPodAutoscaler');
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior).toEqual(hpa.spec.behavior);
    expect(so.spec.triggers.map((t: any) => `${t.type}:${t.metricType}:${t.metadata.value ?? t.metadata.threshold}`)).toEqual([
      'cpu:Utilization:70',
      'prometheus:AverageValue:70',
      'prometheus:AverageValue:50',
      'prometheus:Value:1.5',
      'prometheus:AverageValue:10',
    ]);
  });

  it('gives the KEDA backend a fallback to minReplicas after 3 failed polls, configurable and removable', () => {
    const keda = { serverAddress: 'http://prometheus.monitoring.svc:9090' };
    const so = (k: object) => only(synthSpec(withScaling({ backend: 'keda', keda: { ...keda, ...k } })), 'ScaledObject');
    expect(so({}).spec.fallback).toEqual({ failureThreshold: 3, replicas: 3, behavior: 'currentReplicasIfHigher' });
    expect(so({ fallback: { replicas: 10, behavior: 'currentReplicasIfHigher' } }).spec.fallback).toEqual({ failureThreshold: 3, replicas: 10, behavior: 'currentReplicasIfHigher' });
    expect(so({ fallback: false }).spec).not.toHaveProperty('fallback');
    // Only cpu/memory: KEDA has nothing to fall back for, so none by default.
    expect(so({}).spec.triggers.length).toBeGreaterThan(1);
    const cpuOnly = only(synthSpec(withScaling({ backend: 'keda', keda, signals: { cpu: seedScaling.signals!.cpu } })), 'ScaledObject');
    expect(cpuOnly.spec).not.toHaveProperty('fallback');
  });

  it('refuses a KEDA fallback outside the replica range or on cpu/memory alone, naming the spec path', () => {
    const keda = { serverAddress: 'http://prometheus.monitoring.svc:9090' };
    expect(scalingError({ backend: 'keda', keda: { ...keda, fallback: { replicas: 25 } } })).toContain(
      'scaling.keda.fallback.replicas (25) is above maxReplicas (20), which the HPA never exceeds; lower it to at most 20',
    );
    expect(scalingError({ backend: 'keda', keda: { ...keda, fallback: { failureThreshold: 3 } }, signals: { cpu: seedScaling.signals!.cpu } })).toContain(
      'scaling.keda.fallback (an object) needs a trigger that is not cpu or memory',
    );
    expect(scalingError({ backend: 'keda', keda: { ...keda, fallback: { behavior: 'sometimes' as 'static' } } })).toContain('scaling.keda.fallback.behavior ("sometimes")');
  });

  it('pins the replica count for load tests and says so on the HPA', () => {
    const objects = synthSpec(withScaling({ minReplicas: undefined, maxReplicas: undefined, pinnedReplicas: 10 }, { disruption: { minAvailable: 2 }, slo: { ...eksNlbSpec.slo, throughputRps: 400 } }));
    const hpa = only(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec.minReplicas).toBe(10);
    expect(hpa.spec.maxReplicas).toBe(10);
    expect(hpa.metadata.annotations['ai-inference.cdk8s.io/pinned']).toContain('holds exactly 10 replicas for a sustained load test and never scales');
  });

  it('emits a recommendation-only VPA with the seed bounds', () => {
    const vpa = only(synthSpec(eksNlbSpec), 'VerticalPodAutoscaler', 'ai-inference-vpa');
    expect(vpa.spec.updatePolicy.updateMode).toBe('Off');
    expect(vpa.spec.resourcePolicy.containerPolicies).toEqual([
      { containerName: 'inference', controlledResources: ['cpu', 'memory'], minAllowed: { cpu: '1', memory: '4Gi' }, maxAllowed: { cpu: '8', memory: '32Gi' } },
    ]);
  });

  describe('consistency with the SLO and the rest of the spec', () => {
    it('refuses minReplicas above maxReplicas', () => {
      expect(scalingError({ minReplicas: 5, maxReplicas: 4 })).toContain('scaling.maxReplicas (4) must be at least minReplicas (5)');
    });

    it('refuses a PDB that keeps as many pods as the autoscaler floor', () => {
      expect(scalingError({ minReplicas: 2 }, { disruption: { minAvailable: 2 } })).toContain('disruption.minAvailable (2) must be below scaling.minReplicas (2), or node drains block');
    });

    it('refuses a latency target at or above the SLO p95', () => {
      const signals = { ...seedScaling.signals, latencyP95: { type: 'Value' as const, value: 2 } };
      expect(scalingError({ signals })).toContain(
        'scaling.signals.latencyP95.value (2) must be below slo.latencyP95 (2s): at or above the objective the autoscaler adds pods only after the SLO is already broken',
      );
    });

    it('refuses too little capacity for the throughput objective', () => {
      expect(scalingError({ maxReplicas: 15 })).toContain(
        'scaling.maxReplicas (15) caps capacity below slo.throughputRps (1000): 50 rps/pod × 15 replicas = 750 rps; raise scaling.maxReplicas to at least 20',
      );
    });

    it('warns, without failing, when capacity exactly meets the throughput objective', () => {
      const chart = chartOf(eksNlbSpec);
      expect(chart.warnings.filter((w) => w.id === 'AII-W001')).toEqual([
        {
          id: 'AII-W001',
          message:
            'scaling.maxReplicas (20) gives exactly slo.throughputRps (1000) at full scale (50 rps/pod × 20 replicas = 1000 rps): no headroom for a failed pod or a burst; consider raising scaling.maxReplicas',
        },
      ]);
      expect(() => Testing.synth(chart)).not.toThrow();
      expect(chartOf(withScaling({ maxReplicas: 24 })).warnings.map((w) => w.id)).not.toContain('AII-W001');
    });

    it('warns that a written memory signal ratchets a model server to maxReplicas; the default signals leave memory out', () => {
      const memory = { type: 'Utilization', averageUtilization: 75 } as const;
      const written = chartOf(withScaling({ signals: { ...seedScaling.signals, memory } })).warnings.filter((w) => w.id === 'AII-W030');
      expect(written).toEqual([
        {
          id: 'AII-W030',
          message:
            "scaling.signals.memory.averageUtilization (75) scales a model server on memory, which its loaded weights and caches hold whatever the load: adding pods does not lower each pod's memory, so once the working set passes 75 % of resources.memory.request the autoscaler climbs to scaling.maxReplicas (20) and never scales down (the largest desired count of all signals wins); drop scaling.signals.memory and scale on load (requestRate, queueDepth, latencyP95, gpu), or suppress AII-W030 with the measured reason",
        },
      ]);
      // The default signals are the seed's without memory (DEFAULT_SIGNALS): no ratchet, no warning.
      expect(chartOf(withScaling({ signals: undefined })).warnings.filter((w) => w.id === 'AII-W030')).toEqual([]);
    });

    it('keeps the seed example free of the memory signal, and so of its warning', () => {
      expect(seedScaling.signals).not.toHaveProperty('memory');
      expect(chartOf(eksNlbSpec).warnings.map((w) => w.id)).not.toContain('AII-W030');
      const keda = only(synthSpec(withScaling({ backend: 'keda', keda: { serverAddress: 'http://prometheus.monitoring.svc:9090' } })), 'ScaledObject');
      expect(keda.spec.triggers.map((t: any) => t.type)).not.toContain('memory');
    });

    describe('the disruption budget at full scale', () => {
      const w031 = (spec: AiInferenceSpec) => chartOf(spec).warnings.filter((w) => w.id === 'AII-W031');

      it('warns that an absolute minAvailable far below maxReplicas lets most pods go at once, offering a percentage', () => {
        expect(w031(withScaling({}, { disruption: { minAvailable: 2 } }))).toEqual([
          {
            id: 'AII-W031',
            message:
              'disruption.minAvailable (2) lets 18 of 20 pods be evicted at once at full scale (scaling.maxReplicas): an absolute budget does not grow with the fleet; use a share instead, disruption.minAvailable "66%" (Kubernetes rounds it up: 2 of 3 pods at scaling.minReplicas, 14 of 20 at full scale), or disruption.maxUnavailable 1 (the default) or a percentage such as "10%"',
          },
        ]);
        expect(w031(withScaling({ minReplicas: 1 }, { disruption: { minAvailable: 0 } }))[0].message).toContain(
          'lets 20 of 20 pods be evicted at once at full scale (scaling.maxReplicas): an absolute budget does not grow with the fleet; use a share instead, disruption.maxUnavailable 1',
        );
      });

      it('does not warn for a relative budget, a count of at least half maxReplicas, or a fixed fleet', () => {
        expect(w031(withScaling({}, { disruption: { minAvailable: '66%' } }))).toEqual([]);
        expect(w031(withScaling({}, { disruption: { maxUnavailable: 1 } }))).toEqual([]);
        expect(w031(withScaling({ minReplicas: 12 }, { disruption: { minAvailable: 10 } }))).toEqual([]);
        expect(w031(withScaling({ minReplicas: undefined, maxReplicas: undefined, pinnedReplicas: 20 }, { disruption: { minAvailable: 2 } }))).toEqual([]);
      });

      it('gives the seed example a 66 % budget: the seed\'s 2 of 3 at the floor, without the warning', () => {
        const chart = chartOf(eksNlbSpec);
        expect(only(Testing.synth(chart), 'PodDisruptionBudget').spec.minAvailable).toBe('66%');
        expect(chart.warnings.map((w) => w.id)).not.toContain('AII-W031');
      });

      it('refuses a percentage that keeps every pod of the floor up, naming the largest that does not', () => {
        expect(scalingError({}, { disruption: { minAvailable: '67%' } })).toContain(
          'disruption.minAvailable ("67%") keeps all 3 pods of scaling.minReplicas up (Kubernetes rounds a minAvailable percentage up: 3 of 3), so node drains block; lower it to at most "66%" or raise the replica floor',
        );
        expect(scalingError({ minReplicas: 1 }, { disruption: { minAvailable: '50%' } })).toContain(
          'disruption.minAvailable ("50%") keeps all 1 pods of scaling.minReplicas up (Kubernetes rounds a minAvailable percentage up: 1 of 1), so node drains block; use maxUnavailable 1 or raise the replica floor',
        );
        expect(scalingError({}, { disruption: { maxUnavailable: '0%' } })).toContain('disruption.maxUnavailable ("0%") must be a pod count or a whole percentage within 1%-100%');
      });
    });

    it('refuses the GPU signal on a Deployment without a GPU, once (not again from the HPA)', () => {
      const message = scalingError({}, { resources: { ...eksNlbSpec.resources, gpu: { count: 0 } } });
      expect(message).toContain('scaling.signals.gpu (an object) needs a GPU on the Deployment');
      expect(message.match(/needs a GPU/g)).toHaveLength(1);
    });

    it('refuses VPA bounds that do not contain the Deployment requests, each once (not again from the VPA)', () => {
      const vpa = { minAllowed: { cpu: Cpu.units(3) }, maxAllowed: { memory: Size.gibibytes(6) } };
      const message = scalingError({ vpa });
      expect(message).toContain('scaling.vpa.minAllowed.cpu (3 cores) must not exceed resources.cpu.request (2)');
      expect(message).toContain('scaling.vpa.maxAllowed.memory (6Gi) must not be below resources.memory.request (8Gi)');
      expect(message.match(/the VPA bounds must contain/g)).toHaveLength(2);
    });

    it('refuses an acting VPA on a resource the HPA scales on, naming both ways out', () => {
      const message = scalingError({ vpa: { updateMode: 'Auto' } });
      expect(message).toContain('scaling.vpa.updateMode ("Auto") lets the VPA change the pods\' cpu requests while the HPA scales on cpu utilization (70 % of those requests)');
      expect(message).toContain('set updateMode "Off" so the VPA only recommends, or remove cpu from the VPA\'s controlledResources or from the HPA\'s signals');
    });

    it('allows an acting VPA when the HPA does not scale on what it controls', () => {
      const signals = { gpu: seedScaling.signals!.gpu, requestRate: seedScaling.signals!.requestRate, queueDepth: seedScaling.signals!.queueDepth };
      expect(() => synthSpec(withScaling({ signals, vpa: { updateMode: 'Auto' } }))).not.toThrow();
    });

    it('refuses replicas next to scaling, a keda backend without a server and missing bounds', () => {
      expect(scalingError({}, { replicas: 3 })).toContain('replicas (3) is owned by the autoscaler when scaling is set');
      expect(scalingError({ backend: 'keda' })).toContain('scaling.keda (not set) is required; add it');
      expect(scalingError({ maxReplicas: undefined })).toContain('scaling.maxReplicas (not set) is required');
      expect(scalingError({ behavior: { scaleUp: { stabilizationWindowSeconds: 4000 } } })).toContain('scaling.behavior.scaleUp.stabilizationWindowSeconds (4000)');
    });

    it('moves the latency check with the SLO objective', () => {
      const tighter = { slo: { ...eksNlbSpec.slo, latencyP95: Duration.millis(1500), latencyP99: Duration.seconds(3) } };
      expect(scalingError({}, tighter)).toContain('scaling.signals.latencyP95.value (1.5) must be below slo.latencyP95 (1s500ms)');
    });
  });
});
