import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, NlbLoadBalancerOptions } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { resolveServer, ServerSpec } from '../../src/spec/server';
import { serverArgs } from '../../src/pod/server';
import { errorOf, only } from '../support';

const { path: _seedPath, ...probesWithoutPath } = eksNlbSpec.probes!;
const healthCheck = (path: string) => ({ ...eksNlbSpec.traffic!, loadBalancer: { ...(eksNlbSpec.traffic!.loadBalancer! as NlbLoadBalancerOptions), healthCheck: { ...(eksNlbSpec.traffic!.loadBalancer! as NlbLoadBalancerOptions).healthCheck!, path } } });

const vllmSpec = (server: Partial<Extract<ServerSpec, { engine: 'vllm' }>> = {}): AiInferenceSpec => ({
  ...eksNlbSpec,
  probes: probesWithoutPath,
  metrics: undefined,
  traffic: healthCheck('/health'),
  server: { engine: 'vllm', model: 'meta-llama/Llama-3.1-8B-Instruct', ...server },
});

const ollamaSpec = (server: Partial<Extract<ServerSpec, { engine: 'ollama' }>> = {}): AiInferenceSpec => ({
  ...eksNlbSpec,
  probes: probesWithoutPath,
  metrics: undefined,
  traffic: healthCheck('/'),
  scaling: { ...eksNlbSpec.scaling!, signals: { cpu: { type: 'Utilization', averageUtilization: 70 }, gpu: { type: 'AverageValue', averageValue: 70 } } },
  server: { engine: 'ollama', ...server },
});

const synthSpec = (spec: AiInferenceSpec) => Testing.synth(new AiInferenceChart(Testing.app(), 'server', { spec }));
const container = (objects: any[]) => only(objects, 'Deployment').spec.template.spec.containers[0];
const monitoringIngress = (objects: any[]) =>
  only(objects, 'NetworkPolicy').spec.ingress.filter((r: any) => r.from.some((f: any) => f.namespaceSelector?.matchLabels));

describe('the server section', () => {
  it('leaves out, for Ollama, the alerts that read series the server does not export, and keeps the GPU, pod and autoscaler alerts', () => {
    const alerts = only(synthSpec(ollamaSpec()), 'PrometheusRule')
      .spec.groups.flatMap((g: any) => g.rules)
      .map((r: any) => r.alert)
      .filter(Boolean);
    for (const gone of ['InferenceErrorRateHigh', 'InferenceLatencyP95SLOBreach', 'InferenceErrorBudgetBurnFast', 'InferenceThroughputLow', 'InferenceQueueDepthHigh']) {
      expect(alerts).not.toContain(gone);
    }
    for (const kept of ['InferencePodNotReady', 'InferenceGpuUtilizationHigh', 'InferenceMemoryUsageHigh', 'InferenceHpaAtMaxReplicas']) {
      expect(alerts).toContain(kept);
    }
  });

  it("points the NLB health check at the engine's health path when the spec gives none", () => {
    const lbHealthPath = (spec: AiInferenceSpec) =>
      only(synthSpec(spec), 'Service', 'ai-inference-lb').metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-healthcheck-path'];
    const { path: _given, ...hcWithoutPath } = (eksNlbSpec.traffic!.loadBalancer! as NlbLoadBalancerOptions).healthCheck!;
    const traffic = { ...eksNlbSpec.traffic!, loadBalancer: { ...(eksNlbSpec.traffic!.loadBalancer! as NlbLoadBalancerOptions), healthCheck: hcWithoutPath } };
    expect(lbHealthPath({ ...vllmSpec(), traffic })).toBe('/health');
    expect(lbHealthPath({ ...ollamaSpec(), traffic })).toBe('/');
    // The generic engine: the pods' readiness path, not a fixed one.
    expect(lbHealthPath({ ...eksNlbSpec, probes: { ...eksNlbSpec.probes, path: '/ready' }, traffic })).toBe('/ready');
    // A path the user gives wins.
    expect(lbHealthPath(vllmSpec())).toBe('/health');
  });

  it('keeps the generic engine exactly as before: no args, metrics on the separate port, /api/v1/health', () => {
    const objects = synthSpec({ ...eksNlbSpec, server: { engine: 'generic' } });
    expect(objects).toEqual(synthSpec(eksNlbSpec));
    const c = container(objects);
    expect(c.args).toBeUndefined();
    expect(c.ports.map((p: any) => [p.name, p.containerPort])).toEqual([['http', 8000], ['metrics', 9090]]);
    expect(c.readinessProbe.httpGet.path).toBe('/api/v1/health');
    expect(only(objects, 'ServiceMonitor').spec.endpoints[0].port).toBe('metrics');
  });

  it('runs vLLM with its flags, probes /health and scrapes /metrics on the API port', () => {
    const objects = synthSpec(
      vllmSpec({ revision: 'main', servedModelName: 'llama', maxModelLen: 8192, gpuMemoryUtilization: 0.9, maxNumSeqs: 128, extraArgs: ['--enable-prefix-caching'] }),
    );
    const c = container(objects);
    expect(c.args).toEqual([
      '--model', 'meta-llama/Llama-3.1-8B-Instruct',
      '--revision', 'main',
      '--served-model-name', 'llama',
      '--host', '0.0.0.0',
      '--port', '8000',
      '--tensor-parallel-size', '1',
      '--max-model-len', '8192',
      '--gpu-memory-utilization', '0.9',
      '--max-num-seqs', '128',
      '--enable-prefix-caching',
    ]);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(c.startupProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(only(objects, 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
    const internal = only(objects, 'Service', 'ai-inference-internal');
    expect(internal.spec.ports.map((p: any) => p.name)).toEqual(['http']);
    expect(monitoringIngress(objects).flatMap((r: any) => r.ports)).toEqual([{ protocol: 'TCP', port: 'http' }]);
    // The metric preset follows from the engine.
    const rules = JSON.stringify(only(objects, 'PrometheusRule').spec);
    expect(rules).toContain('vllm:e2e_request_latency_seconds');
  });

  it('defaults the tensor parallel size to the GPU count and the port to 8000', () => {
    const four = resolveServer({ engine: 'vllm', model: 'm' }, 4);
    expect(serverArgs(four)).toEqual(['--model', 'm', '--host', '0.0.0.0', '--port', '8000', '--tensor-parallel-size', '4']);
    expect(serverArgs(resolveServer({ engine: 'vllm', model: 'm', port: 8080, tensorParallelSize: 2 }, 4))).toEqual(['--model', 'm', '--host', '0.0.0.0', '--port', '8080', '--tensor-parallel-size', '2']);
  });

  it('runs Ollama on OLLAMA_HOST 0.0.0.0:8000 with 8 parallel requests and its models on the models volume, without a ServiceMonitor', () => {
    const objects = synthSpec(ollamaSpec());
    const c = container(objects);
    expect(c.args).toBeUndefined();
    expect(c.env.slice(0, 3)).toEqual([
      { name: 'OLLAMA_HOST', value: '0.0.0.0:8000' },
      { name: 'OLLAMA_NUM_PARALLEL', value: '8' },
      { name: 'OLLAMA_MODELS', value: '/models' },
    ]);
    expect(c.volumeMounts.map((m: any) => m.mountPath)).toContain('/models');
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/', port: 'http' });
    expect(objects.filter((o) => o.kind === 'ServiceMonitor')).toEqual([]);
    expect(monitoringIngress(objects)).toEqual([]);
  });

  it('sets the Ollama port and parallelism from the spec', () => {
    const c = container(synthSpec(ollamaSpec({ port: 11434, numParallel: 4 })));
    expect(c.env.slice(0, 2)).toEqual([
      { name: 'OLLAMA_HOST', value: '0.0.0.0:11434' },
      { name: 'OLLAMA_NUM_PARALLEL', value: '4' },
    ]);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 11434, protocol: 'TCP' }]);
  });
});

describe('the server section refuses', () => {
  it('an unknown engine', () => {
    expect(errorOf(() => synthSpec({ ...eksNlbSpec, server: { engine: 'tgi' } as any }))).toContain('server.engine ("tgi") must name an engine: "generic", "vllm" or "ollama"');
  });

  it('a vLLM server without a model', () => {
    expect(errorOf(() => synthSpec(vllmSpec({ model: '' })))).toContain('server.model ("") must name the model');
  });

  it('a GPU memory utilization outside 0-1', () => {
    expect(errorOf(() => synthSpec(vllmSpec({ gpuMemoryUtilization: 1.5 })))).toContain('server.gpuMemoryUtilization (1.5) must be at most 1');
    expect(errorOf(() => synthSpec(vllmSpec({ gpuMemoryUtilization: 0 })))).toContain('server.gpuMemoryUtilization (0) must be above 0');
  });

  it('extra arguments that repeat a flag the library sets, listing them', () => {
    const message = errorOf(() => synthSpec(vllmSpec({ extraArgs: ['--max-model-len=4096'] })));
    expect(message).toContain('server.extraArgs[0] ("--max-model-len=4096") repeats --max-model-len, which the library sets from the server section (it sets --model, --revision, --served-model-name, --host, --port, --tensor-parallel-size, --max-model-len, --gpu-memory-utilization, --max-num-seqs); use the typed field instead');
    expect(errorOf(() => synthSpec(vllmSpec({ extraArgs: ['-tp', '2'] })))).toContain('repeats --tensor-parallel-size');
  });

  it('fields of another engine', () => {
    // `model` is Ollama's too (the model to pull); `revision` is vLLM's only.
    expect(errorOf(() => synthSpec(ollamaSpec({ revision: 'main' } as any)))).toContain('server.revision is not a field');
  });

  it('a metric preset that does not match vLLM', () => {
    expect(errorOf(() => synthSpec({ ...vllmSpec(), metrics: { preset: 'generic' } }))).toContain('metrics.preset ("generic") does not match server.engine "vllm"');
  });

  it('a probe path or ports the engine decides', () => {
    expect(errorOf(() => synthSpec({ ...vllmSpec(), probes: eksNlbSpec.probes }))).toContain('probes.path ("/api/v1/health") is decided by server.engine "vllm" (/health)');
    expect(errorOf(() => synthSpec({ ...vllmSpec(), ports: { http: 8000 } }))).toContain('ports (an object) are decided by server.engine "vllm" (set server.port); leave ports out');
  });

  it('scaling signals that need Ollama series it does not export', () => {
    const spec = ollamaSpec();
    const message = errorOf(() => synthSpec({ ...spec, scaling: { ...spec.scaling!, signals: { ...spec.scaling!.signals, queueDepth: { type: 'AverageValue', averageValue: 10 } } } }));
    expect(message).toContain('scaling.signals.queueDepth (an object) needs the server\'s own series, but Ollama (server.engine "ollama") exports no Prometheus metrics; scale on cpu, memory or gpu (DCGM) instead');
  });

  it('a metric preset with Ollama', () => {
    expect(errorOf(() => synthSpec({ ...ollamaSpec(), metrics: { preset: 'generic' } }))).toContain('metrics.preset ("generic") names series Ollama (server.engine "ollama") does not export');
  });
});
