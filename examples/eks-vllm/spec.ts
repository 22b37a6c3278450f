import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { AiInferenceSpec } from '../../src';

/**
 * vLLM serving Llama-3.1-70B-Instruct on EKS: tensor parallel over the 4 GPUs of one pod,
 * weights downloaded once into a shared ReadWriteMany volume by an init container (140 GB:
 * about 25 min at 100 MB/s, kept out of the startup probe), an internal NLB, KEDA on
 * vLLM's waiting requests and KV-cache usage, and a time-to-first-token objective.
 * ARNs, CIDRs and storage classes are placeholders.
 */
export const eksVllmSpec: AiInferenceSpec = {
  release: 'llama-70b',
  namespace: 'llm-serving',
  createNamespace: true,
  partOf: 'llm-platform',
  // The image's entrypoint is `vllm serve`; the library passes the flags.
  image: 'vllm/vllm-openai:v0.11.0',
  // Loading 140 GB of weights from the volume into 4 GPUs, CUDA graphs included.
  model: { name: 'meta-llama/Llama-3.1-70B-Instruct', loadTime: Duration.minutes(12) },
  server: {
    engine: 'vllm',
    model: 'meta-llama/Llama-3.1-70B-Instruct',
    servedModelName: 'llama-3.1-70b-instruct',
    tensorParallelSize: 4,
    maxModelLen: 16384,
    gpuMemoryUtilization: 0.9,
    huggingFaceToken: { secretName: 'hf-token', key: 'token' },
    preDownload: true,
    downloadTime: Duration.minutes(40),
  },
  resources: {
    // Request = limit: a Guaranteed pod is the last to be evicted, and an eviction costs a
    // 12-minute reload.
    cpu: { request: Cpu.units(16), limit: Cpu.units(16) },
    memory: { request: Size.gibibytes(160), limit: Size.gibibytes(160) },
    // p4de.24xlarge: 8 A100 80 GB, so two pods per node.
    gpu: { count: 4, product: 'NVIDIA-A100-SXM4-80GB' },
  },
  scheduling: { nodeLabels: { 'node-type': 'gpu-inference' }, runtimeClassName: 'nvidia' },
  probes: { startupBudget: Duration.minutes(15) },
  storage: {
    models: { size: Size.gibibytes(300), storageClassName: 'efs-sc', accessMode: 'ReadWriteMany' },
    data: { size: Size.gibibytes(1), storageClassName: 'efs-sc', accessMode: 'ReadWriteMany' },
  },
  // Streamed completions of a 70B model run for minutes: the drain lets them finish.
  shutdown: { drain: { longestRequest: Duration.minutes(5) } },
  traffic: {
    loadBalancer: {
      scheme: 'internal',
      ports: [{ name: 'http', port: 80 }],
      sourceRanges: ['10.0.0.0/16'],
    },
  },
  disruption: { maxUnavailable: 1 },
  networkPolicy: {
    loadBalancerSubnets: ['10.0.32.0/24', '10.0.33.0/24', '10.0.34.0/24'],
    monitoringNamespace: 'monitoring',
  },
  scaling: {
    backend: 'keda',
    keda: { serverAddress: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090' },
    minReplicas: 2,
    maxReplicas: 6,
    signals: {
      // vllm:num_requests_waiting per pod under the vllm preset.
      queueDepth: { type: 'AverageValue', averageValue: 5 },
      kvCacheUsage: { type: 'AverageValue', averageValue: 0.8 },
    },
  },
  slo: {
    availability: 99.9,
    latencyP95: Duration.seconds(30),
    latencyP99: Duration.seconds(60),
    timeToFirstTokenP95: Duration.seconds(1),
    errorRate: 1,
    throughputRps: 20,
  },
};
