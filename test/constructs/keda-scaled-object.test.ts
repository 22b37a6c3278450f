import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { GpuHpa } from '../../src/constructs/gpu-hpa';
import { KedaScaledObject, KedaScaledObjectProps } from '../../src/constructs/keda-scaled-object';
import { findPromqlSyntaxError } from '../../src/metrics/promql';
import { SEED_SIGNALS } from '../../src/spec/signals';
import { expectValidManifests } from '../helpers/k8s-schema';
import { Manifest, errorOf, only, synth } from '../support';
import { SEED_WORKLOAD } from './workloads';

const PROMETHEUS = 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090';
const SEED: KedaScaledObjectProps = {
  name: 'ai-inference',
  workload: SEED_WORKLOAD,
  namespace: 'pixelated-prod',
  minReplicas: 3,
  maxReplicas: 20,
  signals: SEED_SIGNALS,
  serverAddress: PROMETHEUS,
};

function scaledObjectOf(props: Partial<KedaScaledObjectProps> = {}): Manifest {
  return only(synth((chart) => new KedaScaledObject(chart, 'Keda', { ...SEED, ...props })), 'ScaledObject');
}

function trigger(so: Manifest, name: string): Manifest {
  const found = so.spec.triggers.filter((t: Manifest) => t.name === name);
  expect(found, `trigger ${name}`).toHaveLength(1);
  return found[0];
}

describe('KedaScaledObject', () => {
  it('scales the ai-inference Deployment between 3 and 20 replicas, polling every 30 s with a 300 s cooldown', () => {
    const so = scaledObjectOf();
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    expect(so.metadata).toEqual({
      name: 'ai-inference-scaler',
      namespace: 'pixelated-prod',
      labels: {
        'app.kubernetes.io/name': 'ai-inference',
        'app.kubernetes.io/instance': 'ai-inference',
        'app.kubernetes.io/component': 'autoscaling',
        'app.kubernetes.io/managed-by': 'cdk8s-ai-inference',
      },
    });
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'ai-inference' });
    expect(so.spec.minReplicaCount).toBe(3);
    expect(so.spec.maxReplicaCount).toBe(20);
    expect(so.spec.pollingInterval).toBe(30);
    expect(so.spec.cooldownPeriod).toBe(300);
  });

  it('turns cpu 70 % and memory 75 % into cpu/memory triggers with metricType Utilization', () => {
    const so = scaledObjectOf();
    expect(trigger(so, 'cpu')).toEqual({ type: 'cpu', name: 'cpu', metricType: 'Utilization', metadata: { value: '70' } });
    expect(trigger(so, 'memory')).toEqual({ type: 'memory', name: 'memory', metricType: 'Utilization', metadata: { value: '75' } });
  });

  it('turns the per-pod signals into prometheus triggers summed over the Deployment with AverageValue thresholds', () => {
    const so = scaledObjectOf();
    expect(trigger(so, 'gpu')).toEqual({
      type: 'prometheus',
      name: 'gpu',
      metricType: 'AverageValue',
      metadata: {
        serverAddress: PROMETHEUS,
        query: 'sum(avg by (exported_pod) (DCGM_FI_DEV_GPU_UTIL{exported_namespace="pixelated-prod",exported_pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+"}))',
        threshold: '70',
      },
    });
    expect(trigger(so, 'requestRate')).toEqual({
      type: 'prometheus',
      name: 'requestRate',
      metricType: 'AverageValue',
      metadata: {
        serverAddress: PROMETHEUS,
        query: 'sum(rate(inference_requests_total{namespace="pixelated-prod",job="ai-inference-internal"}[2m]))',
        threshold: '50',
      },
    });
    expect(trigger(so, 'queueDepth')).toEqual({
      type: 'prometheus',
      name: 'queueDepth',
      metricType: 'AverageValue',
      metadata: {
        serverAddress: PROMETHEUS,
        query: 'sum(inference_queue_depth{namespace="pixelated-prod",job="ai-inference-internal"})',
        threshold: '10',
      },
    });
  });

  it('compares the p95 of 1.5 s as a Value', () => {
    expect(trigger(scaledObjectOf(), 'latencyP95')).toEqual({
      type: 'prometheus',
      name: 'latencyP95',
      metricType: 'Value',
      metadata: {
        serverAddress: PROMETHEUS,
        query:
          'histogram_quantile(0.95, sum by (le) (rate(inference_response_time_seconds_bucket{namespace="pixelated-prod",job="ai-inference-internal"}[2m])))',
        threshold: '1.5',
      },
    });
  });

  it('writes the triggers in signal order and only for the signals that are set', () => {
    expect(scaledObjectOf().spec.triggers.map((t: Manifest) => t.name)).toEqual(['cpu', 'memory', 'gpu', 'requestRate', 'latencyP95', 'queueDepth']);
    expect(scaledObjectOf({ signals: { queueDepth: SEED_SIGNALS.queueDepth } }).spec.triggers.map((t: Manifest) => t.name)).toEqual(['queueDepth']);
  });

  it('gives the HPA KEDA creates the same behavior as GpuHpa', () => {
    const objects = synth((chart) => {
      new KedaScaledObject(chart, 'Keda', SEED);
      new GpuHpa(chart, 'Hpa', { name: 'ai-inference', workload: SEED_WORKLOAD, minReplicas: 3, maxReplicas: 20, signals: SEED_SIGNALS });
    });
    const so = only(objects, 'ScaledObject');
    expect(so.spec.advanced).toEqual({
      horizontalPodAutoscalerConfig: {
        behavior: {
          scaleUp: { stabilizationWindowSeconds: 30, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }] },
          scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
        },
      },
    });
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior).toEqual(only(objects, 'HorizontalPodAutoscaler').spec.behavior);
  });

  it('passes a custom behavior through', () => {
    const so = scaledObjectOf({ behavior: { scaleDown: { selectPolicy: 'Disabled' } } });
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 300,
      selectPolicy: 'Disabled',
      policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
    });
  });

  it('synthesizes a ScaledObject that matches the KEDA CRD schema', () => {
    expectValidManifests(synth((chart) => new KedaScaledObject(chart, 'Keda', SEED)));
  });

  it('reads the vllm series, a custom scope, rate window and polling settings', () => {
    const so = scaledObjectOf({
      preset: 'vllm',
      scope: { job: 'ai-inference-metrics', podRegex: 'ai-inference-[a-z0-9]+-[a-z0-9]+' },
      rateWindow: Duration.minutes(1),
      pollingInterval: Duration.seconds(15),
      cooldownPeriod: Duration.minutes(10),
    });
    expect(trigger(so, 'requestRate').metadata.query).toBe(
      'sum(rate(http_requests_total{namespace="pixelated-prod",job="ai-inference-metrics",handler=~"/v1/.*"}[1m]))',
    );
    expect(trigger(so, 'queueDepth').metadata.query).toBe('sum(vllm:num_requests_waiting{namespace="pixelated-prod",job="ai-inference-metrics"})');
    expect(trigger(so, 'gpu').metadata.query).toBe(
      'sum(avg by (exported_pod) (DCGM_FI_DEV_GPU_UTIL{exported_namespace="pixelated-prod",exported_pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+"}))',
    );
    expect(so.spec.pollingInterval).toBe(15);
    expect(so.spec.cooldownPeriod).toBe(600);
  });

  it('writes queries that parse with the Prometheus grammar', () => {
    for (const preset of ['generic', 'vllm'] as const) {
      for (const t of scaledObjectOf({ preset }).spec.triggers.filter((x: Manifest) => x.type === 'prometheus')) {
        expect(findPromqlSyntaxError(t.metadata.query), `${preset} ${t.name}`).toBeUndefined();
      }
    }
  });

  it('scales to zero with activation thresholds when a custom trigger can wake it', () => {
    const so = scaledObjectOf({ minReplicas: 0, activationThresholds: { queueDepth: 1 } });
    expect(so.spec.minReplicaCount).toBe(0);
    expect(trigger(so, 'queueDepth').metadata).toMatchObject({ threshold: '10', activationThreshold: '1' });
    expect(trigger(so, 'requestRate').metadata).not.toHaveProperty('activationThreshold');
  });

  describe('fallback while Prometheus cannot be queried', () => {
    it('falls back by default to minReplicas after 3 failed polls (static), so scaling goes on', () => {
      expect(scaledObjectOf().spec.fallback).toEqual({ failureThreshold: 3, replicas: 3, behavior: 'currentReplicasIfHigher' });
      expect(scaledObjectOf({ minReplicas: 5 }).spec.fallback).toEqual({ failureThreshold: 3, replicas: 5, behavior: 'currentReplicasIfHigher' });
    });

    it('never falls back to 0 replicas when the workload scales to zero', () => {
      expect(scaledObjectOf({ minReplicas: 0, activationThresholds: { queueDepth: 1 } }).spec.fallback).toEqual({ failureThreshold: 3, replicas: 1, behavior: 'currentReplicasIfHigher' });
    });

    it('passes given values and a KEDA behavior through, and leaves the fallback out when turned off', () => {
      expect(scaledObjectOf({ fallback: { failureThreshold: 5, replicas: 8, behavior: 'currentReplicasIfHigher' } }).spec.fallback).toEqual({
        failureThreshold: 5,
        replicas: 8,
        behavior: 'currentReplicasIfHigher',
      });
      expect(scaledObjectOf({ fallback: false }).spec).not.toHaveProperty('fallback');
    });

    it('writes no fallback when every trigger is cpu/memory, which KEDA cannot fall back for', () => {
      expect(scaledObjectOf({ signals: { cpu: SEED_SIGNALS.cpu } }).spec).not.toHaveProperty('fallback');
    });

    it('matches the KEDA CRD schema with a fallback', () => {
      expectValidManifests([scaledObjectOf({ fallback: { behavior: 'currentReplicas' } })]);
    });

    it('refuses a fallback on cpu/memory triggers alone, as the KEDA webhook does', () => {
      expect(errorOf(() => scaledObjectOf({ signals: { cpu: SEED_SIGNALS.cpu }, fallback: {} }))).toContain(
        'fallback (an empty object) needs a trigger that is not cpu or memory: KEDA falls back only for the triggers it serves itself, and its webhook refuses the ScaledObject ("at least one trigger (that is not cpu or memory) has to have the `AverageValue` type for the fallback to be enabled"); add a custom signal or drop the fallback',
      );
    });

    it('refuses fallback replicas outside the replica bounds, a zero threshold and an unknown behavior', () => {
      expect(errorOf(() => scaledObjectOf({ fallback: { replicas: 21 } }))).toContain(
        'fallback.replicas (21) is above maxReplicas (20), which the HPA never exceeds; lower it to at most 20',
      );
      expect(errorOf(() => scaledObjectOf({ fallback: { replicas: 2 } }))).toContain(
        'fallback.replicas (2) is below minReplicas (3), which the HPA never goes under, so it would act as 3; raise it to at least 3 or leave it out (the default is minReplicas)',
      );
      const zero = errorOf(() => scaledObjectOf({ fallback: { replicas: 0 } }));
      expect(zero).toContain('fallback.replicas (0) must be within 1-10000 (replicas a failing trigger stands for; 0 lets KEDA scale the workload to zero while Prometheus is down); pick a value in range');
      expect(zero).not.toContain('is below minReplicas');
      expect(errorOf(() => scaledObjectOf({ fallback: { failureThreshold: 0 } }))).toContain(
        'fallback.failureThreshold (0) must be within 1-100 (failed polls in a row before the fallback applies; 0 would fall back on one failed poll); pick a value in range',
      );
      expect(errorOf(() => scaledObjectOf({ fallback: { behavior: 'scalingModifiers' as 'static' } }))).toContain('fallback.behavior ("scalingModifiers")');
    });
  });

  it('scales the workload it is given and scopes the GPU query to its pods', () => {
    const so = scaledObjectOf({ workload: { ...SEED_WORKLOAD, kind: 'StatefulSet', name: 'llm' } });
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'llm' });
    expect(trigger(so, 'gpu').metadata.query).toContain('exported_pod=~"llm-[a-z0-9]+-[a-z0-9]+"');
  });

  it('fails synth on the GPU signal of a workload without a GPU', () => {
    expect(errorOf(() => scaledObjectOf({ workload: { ...SEED_WORKLOAD, gpuCount: 0 } }))).toContain(
      'signals.gpu (an object) needs a GPU on the workload ("ai-inference" has 0 GPUs per pod)',
    );
  });

  it('refuses minReplicas above maxReplicas and a maxReplicas below 1', () => {
    expect(errorOf(() => scaledObjectOf({ minReplicas: 21 }))).toContain(
      'maxReplicas (20) must be at least minReplicas (21); raise maxReplicas or lower minReplicas',
    );
    expect(errorOf(() => scaledObjectOf({ minReplicas: 0, maxReplicas: 0 }))).toContain('maxReplicas (0) must be at least 1; raise it');
    expect(errorOf(() => scaledObjectOf({ minReplicas: -1 }))).toContain('minReplicas (-1) must be 0 or more; raise it');
  });

  it('refuses scaling to zero on cpu/memory alone', () => {
    expect(errorOf(() => scaledObjectOf({ minReplicas: 0, signals: { cpu: SEED_SIGNALS.cpu } }))).toContain(
      'minReplicas (0) is 0 but only cpu/memory triggers are set, and KEDA cannot scale to zero on them (an idle pod has no utilization to wake on); add a custom signal or raise minReplicas',
    );
  });

  it('refuses an activation threshold that has no effect or no trigger', () => {
    expect(errorOf(() => scaledObjectOf({ activationThresholds: { queueDepth: 1 } }))).toContain(
      'activationThresholds.queueDepth (1) has no effect with minReplicas 3: KEDA uses activation only between 0 and 1 replica; drop it or set minReplicas 0',
    );
    expect(errorOf(() => scaledObjectOf({ minReplicas: 0, signals: { queueDepth: SEED_SIGNALS.queueDepth }, activationThresholds: { gpu: 5 } }))).toContain(
      'activationThresholds.gpu (5) belongs to no trigger (signals.gpu is not set); drop it or set the signal',
    );
    expect(errorOf(() => scaledObjectOf({ minReplicas: 0, activationThresholds: { gpu: -5 } }))).toContain(
      'activationThresholds.gpu (-5) must be 0 or more; raise it',
    );
  });

  it('refuses a serverAddress that is not an http(s) URL and polling settings out of range', () => {
    expect(errorOf(() => scaledObjectOf({ serverAddress: 'kube-prometheus-stack-prometheus:9090' }))).toContain(
      'serverAddress ("kube-prometheus-stack-prometheus:9090") must be an http(s) URL of Prometheus; e.g. http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
    );
    expect(errorOf(() => scaledObjectOf({ pollingInterval: Duration.millis(500) }))).toContain(
      'pollingInterval (500ms) must be a whole number of seconds within 1-3600 s (KEDA polling interval); pick a value in range',
    );
  });

  it('refuses a signal target of the wrong type and a bad behavior, like GpuHpa', () => {
    const signals = { latencyP95: { type: 'AverageValue', averageValue: 1.5 } } as unknown as KedaScaledObjectProps['signals'];
    expect(errorOf(() => scaledObjectOf({ signals }))).toContain("signals.latencyP95.type (\"AverageValue\") latencyP95 takes only a Value target");
    expect(errorOf(() => scaledObjectOf({ behavior: { scaleUp: { stabilizationWindowSeconds: 4000 } } }))).toContain(
      'behavior.scaleUp.stabilizationWindowSeconds (4000) must be within 0-3600 s (HPA limit); pick a window in range',
    );
  });

  it('fails naming the metric when a custom preset makes a query unparsable', () => {
    const preset = { name: 'generic', requests: { metric: 'r' }, errors: { metric: 'e' }, latencyHistogram: 'h', queueDepth: { metric: 'queue', matchers: 'state=waiting' } } as const;
    expect(errorOf(() => scaledObjectOf({ preset, signals: { queueDepth: SEED_SIGNALS.queueDepth } }))).toContain(
      'queueDepth signal, KEDA prometheus trigger on queue: PromQL does not parse at offset',
    );
  });
});

describe('KedaScaledObject on the LLM signals', () => {
  it('refuses the KV-cache signal with the generic preset, naming the signal', () => {
    expect(errorOf(() => scaledObjectOf({ signals: { kvCacheUsage: { type: 'AverageValue', averageValue: 0.8 } } }))).toContain(
      'signals.kvCacheUsage (an object) needs the kvCacheUsage series of the metric preset, which the generic preset does not have (only vLLM exports it); use the vllm preset or drop the signal',
    );
  });

  it('queries vLLM\'s KV-cache gauge and TTFT histogram with the vllm preset', () => {
    const so = scaledObjectOf({ preset: 'vllm', signals: { kvCacheUsage: { type: 'AverageValue', averageValue: 0.8 }, timeToFirstTokenP95: { type: 'Value', value: 0.5 } } });
    expect(trigger(so, 'kvCacheUsage').metadata.query).toBe('sum(avg by (pod) (vllm:kv_cache_usage_perc{namespace="pixelated-prod",job="ai-inference-internal"}))');
    expect(trigger(so, 'timeToFirstTokenP95').metricType).toBe('Value');
  });
});
