import { Size, Yaml } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { GpuHpa, GpuHpaProps } from '../../src/constructs/gpu-hpa';
import { SEED_SIGNALS } from '../../src/spec/signals';
import { expectValidManifests } from '../helpers/k8s-schema';
import { Manifest, errorOf, only, synth } from '../support';
import { SEED_WORKLOAD, seedDeployment } from './workloads';

const SEED: GpuHpaProps = { name: 'ai-inference', workload: SEED_WORKLOAD, namespace: 'pixelated-prod', minReplicas: 3, maxReplicas: 20, signals: SEED_SIGNALS };

const SEED_RESOURCES = { cpu: { request: Cpu.units(2), limit: Cpu.units(4) }, memory: { request: Size.gibibytes(8), limit: Size.gibibytes(16) } };

function hpaOf(props: Partial<GpuHpaProps> = {}): Manifest {
  return only(synth((chart) => new GpuHpa(chart, 'Hpa', { ...SEED, ...props })), 'HorizontalPodAutoscaler');
}

function metricNamed(hpa: Manifest, name: string): Manifest {
  const found = hpa.spec.metrics.filter((m: Manifest) => (m.resource ?? m.pods ?? m.object).metric?.name === name || m.resource?.name === name);
  expect(found, `metric ${name}`).toHaveLength(1);
  return found[0];
}

describe('GpuHpa', () => {
  it('scales the ai-inference Deployment between 3 and 20 replicas with explicit name, namespace and labels', () => {
    const hpa = hpaOf();
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.metadata).toEqual({
      name: 'ai-inference-hpa',
      namespace: 'pixelated-prod',
      labels: {
        'app.kubernetes.io/name': 'ai-inference',
        'app.kubernetes.io/instance': 'ai-inference',
        'app.kubernetes.io/component': 'autoscaling',
        'app.kubernetes.io/managed-by': 'cdk8s-ai-inference',
      },
    });
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'ai-inference' });
    expect(hpa.spec.minReplicas).toBe(3);
    expect(hpa.spec.maxReplicas).toBe(20);
  });

  it('scales on cpu 70 % and memory 75 % utilization as Resource metrics', () => {
    const hpa = hpaOf();
    expect(metricNamed(hpa, 'cpu')).toEqual({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } });
    expect(metricNamed(hpa, 'memory')).toEqual({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } });
  });

  it('scales on GPU 70 %, 50 requests/s and 10 queued requests per pod as Pods metrics with quantity targets', () => {
    const hpa = hpaOf();
    expect(metricNamed(hpa, 'dcgm_gpu_utilization_per_pod')).toEqual({
      type: 'Pods',
      pods: { metric: { name: 'dcgm_gpu_utilization_per_pod' }, target: { type: 'AverageValue', averageValue: '70' } },
    });
    expect(metricNamed(hpa, 'inference_request_rate')).toEqual({
      type: 'Pods',
      pods: { metric: { name: 'inference_request_rate' }, target: { type: 'AverageValue', averageValue: '50' } },
    });
    expect(metricNamed(hpa, 'inference_queue_depth_per_pod')).toEqual({
      type: 'Pods',
      pods: { metric: { name: 'inference_queue_depth_per_pod' }, target: { type: 'AverageValue', averageValue: '10' } },
    });
  });

  it('scales on a p95 of 1.5 s as an Object metric on the internal Service', () => {
    expect(metricNamed(hpaOf(), 'inference_response_time_p95_seconds')).toEqual({
      type: 'Object',
      object: {
        describedObject: { apiVersion: 'v1', kind: 'Service', name: 'ai-inference-internal' },
        metric: { name: 'inference_response_time_p95_seconds' },
        target: { type: 'Value', value: '1500m' },
      },
    });
    const other = hpaOf({ metricsService: 'ai-inference-metrics' });
    expect(metricNamed(other, 'inference_response_time_p95_seconds').object.describedObject.name).toBe('ai-inference-metrics');
  });

  it('writes the six metrics in signal order and only the signals that are set', () => {
    expect(hpaOf().spec.metrics.map((m: Manifest) => m.type)).toEqual(['Resource', 'Resource', 'Pods', 'Pods', 'Object', 'Pods']);
    const cpuOnly = hpaOf({ signals: { cpu: { type: 'Utilization', averageUtilization: 60 } } });
    expect(cpuOnly.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
  });

  it('references the vllm preset metric names served by the adapter', () => {
    const names = hpaOf({ preset: 'vllm' }).spec.metrics.map((m: Manifest) => (m.pods ?? m.object)?.metric.name).filter(Boolean);
    expect(names).toEqual([
      'dcgm_gpu_utilization_per_pod',
      'vllm_request_rate',
      'vllm_e2e_request_latency_p95_seconds',
      'vllm_num_requests_waiting_per_pod',
    ]);
  });

  it('scales up fast and down slowly by default (seed 000)', () => {
    expect(hpaOf().spec.behavior).toEqual({
      scaleUp: { stabilizationWindowSeconds: 30, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }] },
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
    });
  });

  it('fills a partly given behavior from the defaults, field by field', () => {
    const behavior = hpaOf({
      behavior: { scaleUp: { policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], selectPolicy: 'Min' }, scaleDown: { stabilizationWindowSeconds: 600 } },
    }).spec.behavior;
    expect(behavior).toEqual({
      scaleUp: { stabilizationWindowSeconds: 30, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 600, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
    });
  });

  it('synthesizes an HPA that matches the autoscaling/v2 schema and keeps its quantities as strings in YAML', () => {
    const objects = synth((chart) => new GpuHpa(chart, 'Hpa', SEED));
    expectValidManifests(objects);
    const yaml = Yaml.stringify(...objects);
    expect(yaml).toContain('averageValue: "70"');
    expect(yaml).toContain('value: 1500m');
  });

  it('pins the replica count for sustained load tests: min = max, so the HPA holds 10 and never scales', () => {
    let pinned: GpuHpa | undefined;
    const hpa = only(
      synth((chart) => {
        const { minReplicas: _min, maxReplicas: _max, ...rest } = SEED;
        pinned = GpuHpa.pinned(chart, 'Hpa', { ...rest, replicas: 10 });
      }),
      'HorizontalPodAutoscaler',
    );
    expect(hpa.spec.minReplicas).toBe(10);
    expect(hpa.spec.maxReplicas).toBe(10);
    expect(pinned?.pinned).toBe(true);
    expect(hpa.spec.metrics).toHaveLength(6);
  });

  it('is not pinned when min and max differ', () => {
    let hpa: GpuHpa | undefined;
    synth((chart) => {
      hpa = new GpuHpa(chart, 'Hpa', SEED);
    });
    expect(hpa?.pinned).toBe(false);
  });

  it('refuses minReplicas above maxReplicas', () => {
    expect(errorOf(() => hpaOf({ minReplicas: 5, maxReplicas: 4 }))).toContain(
      'maxReplicas (4) must be at least minReplicas (5); raise maxReplicas or lower minReplicas (for a fixed count set both equal: the pinned mode)',
    );
  });

  it('refuses replica counts below 1 or not whole, also in pinned mode', () => {
    expect(errorOf(() => hpaOf({ minReplicas: 0 }))).toContain(
      'minReplicas (0) must be at least 1 (scaling to zero needs an alpha feature gate on the HPA); raise it',
    );
    expect(errorOf(() => hpaOf({ maxReplicas: 2.5 }))).toContain('maxReplicas (2.5) must be a whole number of pods; round it');
    const { minReplicas: _min, maxReplicas: _max, ...rest } = SEED;
    expect(errorOf(() => synth((chart) => GpuHpa.pinned(chart, 'Hpa', { ...rest, replicas: 0 })))).toContain(
      'replicas (0) must be at least 1 (scaling to zero needs an alpha feature gate on the HPA); raise it',
    );
  });

  it('range-checks every behavior field', () => {
    const bad = (behavior: unknown) => errorOf(() => hpaOf({ behavior: behavior as GpuHpaProps['behavior'] }));
    expect(bad({ scaleUp: { stabilizationWindowSeconds: 3601 } })).toContain(
      'behavior.scaleUp.stabilizationWindowSeconds (3601) must be within 0-3600 s (HPA limit); pick a window in range',
    );
    expect(bad({ scaleDown: { stabilizationWindowSeconds: -1 } })).toContain(
      'behavior.scaleDown.stabilizationWindowSeconds (-1) must be within 0-3600 s (HPA limit); pick a window in range',
    );
    expect(bad({ scaleDown: { stabilizationWindowSeconds: 1.5 } })).toContain(
      'behavior.scaleDown.stabilizationWindowSeconds (1.5) must be a whole number of seconds; round it',
    );
    expect(bad({ scaleUp: { policies: [{ type: 'Pods', value: 0, periodSeconds: 60 }] } })).toContain(
      'behavior.scaleUp.policies[0].value (0) must be above 0 (a policy that allows no change blocks scaling); use selectPolicy "Disabled" to turn a direction off',
    );
    expect(bad({ scaleUp: { policies: [{ type: 'Pods', value: 1.5, periodSeconds: 60 }] } })).toContain(
      'behavior.scaleUp.policies[0].value (1.5) must be a whole number; round it',
    );
    expect(bad({ scaleUp: { policies: [{ type: 'Pods', value: 1e12, periodSeconds: 60 }] } })).toContain(
      "behavior.scaleUp.policies[0].value (1000000000000) must fit the HPA's 32-bit field (at most 2147483647); lower it",
    );
    expect(bad({ scaleUp: { policies: [{ type: 'Pods', value: 4, periodSeconds: 0 }] } })).toContain(
      'behavior.scaleUp.policies[0].periodSeconds (0) must be within 1-1800 s (HPA limit); pick a period in range',
    );
    expect(bad({ scaleDown: { policies: [{ type: 'Pods', value: 1, periodSeconds: 1801 }] } })).toContain(
      'behavior.scaleDown.policies[0].periodSeconds (1801) must be within 1-1800 s (HPA limit); pick a period in range',
    );
    expect(bad({ scaleDown: { policies: [{ type: 'Pod', value: 1, periodSeconds: 60 }] } })).toContain(
      'behavior.scaleDown.policies[0].type ("Pod") must be "Pods" (a number of pods) or "Percent" (of the current replicas); pick one',
    );
    expect(bad({ scaleDown: { policies: [] } })).toContain(
      'behavior.scaleDown.policies (an empty list) must name at least one policy (the API server refuses an empty list); add one or leave policies out for the default',
    );
    expect(bad({ scaleDown: { selectPolicy: 'Maximum' } })).toContain(
      'behavior.scaleDown.selectPolicy ("Maximum") must be "Max", "Min" or "Disabled"; pick one',
    );
  });

  it('refuses a signal target of the wrong type', () => {
    const signals = { cpu: { type: 'AverageValue', averageValue: 2 } } as unknown as GpuHpaProps['signals'];
    expect(errorOf(() => hpaOf({ signals }))).toContain(
      "signals.cpu.type (\"AverageValue\") cpu takes only a Utilization target { type: 'Utilization', averageUtilization }",
    );
  });

  it('scales an autoscaled InferenceDeployment by its apiVersion, kind and name, in its namespace', () => {
    const objects = synth((chart) => {
      const workload = seedDeployment(chart, { name: 'llm', autoscaled: true });
      new GpuHpa(chart, 'Hpa', { name: 'llm', workload, minReplicas: 2, maxReplicas: 4, signals: { cpu: SEED_SIGNALS.cpu } });
    });
    const hpa = only(objects, 'HorizontalPodAutoscaler');
    expect(hpa.metadata.namespace).toBe('pixelated-prod');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: only(objects, 'Deployment').metadata.name });
  });

  it('fails synth when it scales on the GPU signal of pods without a GPU', () => {
    const message = errorOf(() =>
      synth((chart) => {
        const workload = seedDeployment(chart, { autoscaled: true, resources: { ...SEED_RESOURCES, gpu: { count: 0 } } });
        new GpuHpa(chart, 'Hpa', { ...SEED, workload });
      }),
    );
    expect(message).toContain(
      'signals.gpu (an object) needs a GPU on the workload ("ai-inference" has 0 GPUs per pod): dcgm-exporter reports nothing for the pods, so the signal is always missing; request a GPU or drop the gpu signal',
    );
  });

  it('refuses a namespace other than the workload\'s, also in pinned mode', () => {
    const { minReplicas: _min, maxReplicas: _max, ...rest } = SEED;
    const expected = 'namespace ("other") differs from the namespace of workload "ai-inference" ("pixelated-prod")';
    expect(errorOf(() => hpaOf({ namespace: 'other' }))).toContain(expected);
    expect(errorOf(() => synth((chart) => GpuHpa.pinned(chart, 'Hpa', { ...rest, namespace: 'other', replicas: 4 })))).toContain(expected);
  });

  it('refuses an unknown preset name', () => {
    expect(errorOf(() => hpaOf({ preset: 'triton' as 'generic' }))).toContain(
      'preset ("triton") must be "generic", "vllm" or a MetricPreset object; pick a preset',
    );
  });
});

describe('GpuHpa on the LLM signals', () => {
  const llm = { kvCacheUsage: { type: 'AverageValue' as const, averageValue: 0.8 }, timeToFirstTokenP95: { type: 'Value' as const, value: 0.5 } };

  it('references the vLLM KV-cache Pods metric and the TTFT Object metric on the internal Service', () => {
    expect(hpaOf({ signals: llm, preset: 'vllm' }).spec.metrics).toEqual([
      { type: 'Pods', pods: { metric: { name: 'vllm_kv_cache_usage_per_pod' }, target: { type: 'AverageValue', averageValue: '800m' } } },
      {
        type: 'Object',
        object: { describedObject: { apiVersion: 'v1', kind: 'Service', name: 'ai-inference-internal' }, metric: { name: 'vllm_time_to_first_token_p95_seconds' }, target: { type: 'Value', value: '500m' } },
      },
    ]);
  });

  it('refuses them with a preset that has no such series', () => {
    const message = errorOf(() => hpaOf({ signals: llm }));
    expect(message).toContain(
      'signals.kvCacheUsage (an object) needs the kvCacheUsage series of the metric preset, which the generic preset does not have (only vLLM exports it); use the vllm preset or drop the signal',
    );
    expect(message).toContain('signals.timeToFirstTokenP95 (an object) needs the timeToFirstTokenHistogram series of the metric preset, which the generic preset does not have');
  });
});
