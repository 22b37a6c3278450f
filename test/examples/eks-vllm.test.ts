import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { AiInferenceChart } from '../../src';
import { eksVllmSpec } from '../../examples/eks-vllm/spec';

// The committed manifest, as a reviewer reads it (examples.test.ts proves it equals a fresh synth).
const objects = parseAllDocuments(readFileSync(join(resolve(__dirname, '../..'), 'dist/eks-vllm.k8s.yaml'), 'utf8')).map((d) => d.toJSON());
const find = (kind: string, name?: string) => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0];
};
const pod = find('Deployment').spec.template.spec;
const server = pod.containers[0];
const download = pod.initContainers[0];
const tokenRef = { secretKeyRef: { name: 'hf-token', key: 'token' } };

describe('examples/eks-vllm: vLLM serving Llama-3.1-70B-Instruct on 4 GPUs', () => {
  it('starts vllm serve with the model, the API on every interface and tensor parallel 4', () => {
    expect(server.image).toBe('vllm/vllm-openai:v0.11.0');
    expect(server.command).toBeUndefined(); // the image's entrypoint: vllm serve
    expect(server.args).toEqual([
      '--model', 'meta-llama/Llama-3.1-70B-Instruct',
      '--served-model-name', 'llama-3.1-70b-instruct',
      '--host', '0.0.0.0',
      '--port', '8000',
      '--tensor-parallel-size', '4',
      '--max-model-len', '16384',
      '--gpu-memory-utilization', '0.9',
    ]);
    expect(server.resources.limits['nvidia.com/gpu']).toBe(4);
  });

  it('serves and is scraped on the one API port, probed on /health', () => {
    expect(server.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      expect(server[probe].httpGet, probe).toEqual({ path: '/health', port: 'http' });
    }
    // 15 minutes of startup budget at 10 s: the 12-minute load fits, the download does not count.
    expect(server.startupProbe.failureThreshold).toBe(90);
    expect(find('ServiceMonitor').spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
    const monitoring = find('NetworkPolicy').spec.ingress.find((r: any) => r.from[0].namespaceSelector);
    expect(monitoring).toEqual({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 'http', protocol: 'TCP' }] });
    expect(find('Service', 'llama-70b-lb').metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-healthcheck-path']).toBe('/health');
  });

  it('downloads the weights into the models volume in an init container, then serves offline from it', () => {
    expect(download.name).toBe('model-download');
    expect(download.image).toBe(server.image);
    expect(download.command.slice(0, 2)).toEqual(['python3', '-c']);
    expect(download.args).toEqual(['meta-llama/Llama-3.1-70B-Instruct']);
    expect(download.resources.limits).toEqual({ cpu: '2', memory: '4Gi' }); // no GPU
    const env = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env(download)).toEqual({ HF_HOME: '/models', HOME: '/cache', XDG_CACHE_HOME: '/cache', NVIDIA_VISIBLE_DEVICES: 'void', HF_TOKEN: tokenRef });
    expect(env(server)).toEqual({ HF_HOME: '/models', HOME: '/cache', XDG_CACHE_HOME: '/cache', HF_HUB_OFFLINE: '1', HF_TOKEN: tokenRef });
    // The token is a reference only: no Secret object, no token text in the manifest.
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(readFileSync(join(resolve(__dirname, '../..'), 'dist/eks-vllm.k8s.yaml'), 'utf8')).not.toMatch(/hf_[A-Za-z0-9]{20,}/);
    // progressDeadlineSeconds counts the 40-minute download with the rest of a rollout step.
    expect(find('Deployment').spec.progressDeadlineSeconds).toBe(300 + 300 + 2400 + 900 + 10 + 180 + 430);
  });

  it('mounts the shared weights, writable caches and a 20Gi memory-backed /dev/shm for NCCL', () => {
    const mounts = (c: any) => c.volumeMounts.map((m: any) => [m.name, m.mountPath]);
    expect(mounts(server)).toEqual([['models', '/models'], ['data', '/data'], ['cache', '/cache'], ['tmp', '/tmp'], ['shm', '/dev/shm']]);
    expect(mounts(download)).toEqual([['models', '/models'], ['cache', '/cache'], ['tmp', '/tmp']]);
    const volume = (name: string) => pod.volumes.find((v: any) => v.name === name);
    expect(volume('shm')).toEqual({ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '20Gi' } });
    expect(volume('cache')).toEqual({ name: 'cache', emptyDir: { sizeLimit: '10Gi' } });
    expect(find('PersistentVolumeClaim', 'llama-70b-models').spec.accessModes).toEqual(['ReadWriteMany']);
    expect(server.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  it('places the pod on A100 80 GB nodes with the nvidia RuntimeClass', () => {
    expect(pod.runtimeClassName).toBe('nvidia');
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toContainEqual({
      key: 'nvidia.com/gpu.product',
      operator: 'In',
      values: ['NVIDIA-A100-SXM4-80GB'],
    });
  });

  it('is reached through an internal NLB only', () => {
    const lb = find('Service', 'llama-70b-lb');
    expect(lb.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme']).toBe('internal');
    expect(lb.spec.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }]);
    expect(lb.spec.loadBalancerSourceRanges).toEqual(['10.0.0.0/16']);
  });

  it('scales with KEDA on waiting requests and KV-cache usage per pod, as vLLM exports them', () => {
    const triggers = find('ScaledObject').spec.triggers.map((t: any) => [t.name, t.metricType, t.metadata.query, t.metadata.threshold]);
    expect(triggers).toEqual([
      ['queueDepth', 'AverageValue', 'sum(vllm:num_requests_waiting{namespace="llm-serving",job="llama-70b-internal"})', '5'],
      ['kvCacheUsage', 'AverageValue', 'sum(avg by (pod) (vllm:kv_cache_usage_perc{namespace="llm-serving",job="llama-70b-internal"}))', '0.8'],
    ]);
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
  });

  it('alerts on the time-to-first-token objective of 1 s by burn rate over vLLM\'s le="1.0" bucket', () => {
    const rules = find('PrometheusRule').spec.groups.flatMap((g: any) => g.rules);
    const slow = rules.find((r: any) => r.record === 'inference:time_to_first_token_slow:rate5m');
    expect(slow.expr).toContain('vllm:time_to_first_token_seconds_bucket{namespace="llm-serving",job="llama-70b-internal",le=~"1(\\\\.0)?"}');
    const fast = rules.filter((r: any) => r.alert === 'InferenceTimeToFirstTokenBurnFast').map((r: any) => r.expr.split('\nand\n')[0]);
    // 14.4 and 6 times the 5 % a p95 objective leaves.
    expect(fast).toEqual([
      'inference:time_to_first_token_slow:ratio_rate1h{namespace="llm-serving",job="llama-70b-internal"} > 0.72',
      'inference:time_to_first_token_slow:ratio_rate6h{namespace="llm-serving",job="llama-70b-internal"} > 0.3',
    ]);
    // No inter-token objective is declared: its alerts are left out.
    expect(rules.filter((r: any) => String(r.alert).startsWith('InferenceInterTokenLatency'))).toEqual([]);
  });

  it('synthesizes without a warning', () => {
    // Request = limit (Guaranteed), a derived drain, TLS-less internal listener only: nothing to warn about.
    expect(new AiInferenceChart(new App(), 'eks-vllm', { spec: eksVllmSpec }).warnings).toEqual([]);
  });
});
