import { Size, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, ROW_TITLES, ServerSpec, NlbLoadBalancerOptions } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { only } from '../support';

// The seed service with a model server and a scaling section that names no signal.
const { signals: _seedSignals, ...scalingWithoutSignals } = eksNlbSpec.scaling!;
const { path: _seedPath, ...probes } = eksNlbSpec.probes!;
const lb = (eksNlbSpec.traffic!.loadBalancer! as NlbLoadBalancerOptions);
const withEngine = (server: ServerSpec | undefined, healthPath: string, backend: 'prometheus-adapter' | 'keda' = 'prometheus-adapter'): AiInferenceSpec => ({
  ...eksNlbSpec,
  resources: { ...eksNlbSpec.resources, memory: { request: Size.gibibytes(16), limit: Size.gibibytes(16) } },
  storage: { models: eksNlbSpec.storage!.models, data: eksNlbSpec.storage!.data },
  probes: server ? probes : eksNlbSpec.probes,
  metrics: server ? undefined : eksNlbSpec.metrics,
  traffic: { ...eksNlbSpec.traffic!, loadBalancer: { ...lb, healthCheck: { ...lb.healthCheck!, path: healthPath } } },
  server,
  scaling:
    backend === 'keda'
      ? { ...scalingWithoutSignals, backend: 'keda', keda: { serverAddress: 'http://prometheus.monitoring.svc:9090' } }
      : { ...scalingWithoutSignals, backend: 'prometheus-adapter' },
});
const hpaMetrics = (spec: AiInferenceSpec) =>
  only(Testing.synth(new AiInferenceChart(Testing.app(), 'signals', { spec })), 'HorizontalPodAutoscaler').spec.metrics.map((m: any) =>
    m.type === 'Resource' ? [m.resource.name, m.resource.target.averageUtilization] : [(m.pods ?? m.object).metric.name, (m.pods ?? m.object).target.averageValue ?? (m.pods ?? m.object).target.value],
  );

describe('the signals an autoscaler uses when the spec names none', () => {
  it('are the seed\'s (without memory) for the generic engine', () => {
    expect(hpaMetrics(withEngine(undefined, '/api/v1/health'))).toEqual([
      ['cpu', 70],
      ['dcgm_gpu_utilization_per_pod', '70'],
      ['inference_request_rate', '50'],
      ['inference_response_time_p95_seconds', '1500m'],
      ['inference_queue_depth_per_pod', '10'],
    ]);
  });

  it('are waiting requests and KV-cache usage for vLLM, not the seed app\'s 1.5 s end-to-end p95 that a streamed completion never meets', () => {
    const vllm = withEngine({ engine: 'vllm', model: 'meta-llama/Llama-3.1-8B-Instruct' }, '/health');
    expect(hpaMetrics(vllm)).toEqual([
      ['vllm_num_requests_waiting_per_pod', '5'],
      ['vllm_kv_cache_usage_per_pod', '800m'],
    ]);
    const keda = only(Testing.synth(new AiInferenceChart(Testing.app(), 'signals', { spec: withEngine({ engine: 'vllm', model: 'm/m' }, '/health', 'keda') })), 'ScaledObject');
    expect(keda.spec.triggers.map((t: any) => [t.name, t.metadata.threshold])).toEqual([
      ['queueDepth', '5'],
      ['kvCacheUsage', '0.8'],
    ]);
  });

  it('are GPU utilization alone for Ollama, which exports no series of its own', () => {
    expect(hpaMetrics(withEngine({ engine: 'ollama' }, '/'))).toEqual([['dcgm_gpu_utilization_per_pod', '70']]);
  });
});

describe('the dashboard of each engine', () => {
  const rowsOf = (spec: AiInferenceSpec) => {
    const cm = only(Testing.synth(new AiInferenceChart(Testing.app(), 'signals', { spec })), 'ConfigMap', 'ai-inference-dashboard');
    const json = JSON.parse(Object.values(cm.data as Record<string, string>)[0]);
    return json.panels.filter((p: any) => p.type === 'row').map((p: any) => p.title);
  };

  it('draws no service-level or traffic row for Ollama, whose series do not exist', () => {
    expect(rowsOf(withEngine({ engine: 'ollama' }, '/'))).toEqual([ROW_TITLES.gpu, ROW_TITLES.capacity]);
    expect(rowsOf(withEngine(undefined, '/api/v1/health'))).toEqual([ROW_TITLES.serviceLevel, ROW_TITLES.traffic, ROW_TITLES.gpu, ROW_TITLES.capacity]);
  });
});

describe('the rules of each engine', () => {
  const rulesOf = (spec: AiInferenceSpec) => {
    const rule = only(Testing.synth(new AiInferenceChart(Testing.app(), 'signals', { spec })), 'PrometheusRule');
    const all = rule.spec.groups.flatMap((g: any) => g.rules);
    return { records: all.filter((r: any) => r.record).map((r: any) => r.record), alerts: [...new Set(all.filter((r: any) => r.alert).map((r: any) => r.alert))] };
  };

  it('records no SLI for Ollama, whose request and error counters do not exist, and keeps the pod, GPU, memory and autoscaler alerts', () => {
    const ollama = rulesOf(withEngine({ engine: 'ollama' }, '/'));
    expect(ollama.records).toEqual(['inference:kube_pod_owner:deployment']);
    expect(ollama.alerts).toEqual([
      'InferencePodNotReady',
      'InferenceModelLoadFailed',
      'InferenceGpuUtilizationHigh',
      'InferenceMemoryUsageHigh',
      'InferenceHpaAtMaxReplicas',
      'InferenceHpaScalingStuck',
      'InferenceGpuUnderutilized',
    ]);
    expect(rulesOf(withEngine(undefined, '/api/v1/health')).records).toContain('inference:request_errors:ratio_rate30d');
  });
});

describe('the default GPU node label on each cloud', () => {
  const affinityKeys = (spec: AiInferenceSpec) =>
    only(Testing.synth(new AiInferenceChart(Testing.app(), 'nodes', { spec })), 'Deployment').spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions.map(
      (e: any) => e.key,
    );
  const { nodeLabels: _seedLabels, ...schedulingWithoutLabels } = eksNlbSpec.scheduling!;
  const gpu = { count: 1, product: 'nvidia-l4', productLabel: 'cloud.google.com/gke-accelerator' };

  it("is the seeds' node-type label on EKS, and none on GKE, where nodes carry no such label and pods would stay Pending", () => {
    const eks: AiInferenceSpec = { ...eksNlbSpec, scheduling: schedulingWithoutLabels };
    expect(affinityKeys(eks)).toEqual(['node-type']);
    const gke: AiInferenceSpec = {
      ...eks,
      resources: { ...eks.resources, memory: { request: Size.gibibytes(16), limit: Size.gibibytes(16) }, gpu, nodeType: 'g2-standard-12' },
      traffic: { loadBalancer: { provider: 'gke-l4', scheme: 'external' } },
      networkPolicy: false,
    };
    expect(affinityKeys(gke)).toEqual(['cloud.google.com/gke-accelerator']);
    // Written labels always win.
    expect(affinityKeys({ ...gke, scheduling: { ...schedulingWithoutLabels, nodeLabels: { pool: 'l4' } } })).toEqual(['pool', 'cloud.google.com/gke-accelerator']);
  });
});
