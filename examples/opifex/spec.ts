import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { AiInferenceSpec, PlatformSpec } from '../../src';

/**
 * Seed 003 (Opifex): four workloads in opifex-system, GPU and CPU, with priority classes,
 * a quota, per-workload scaling profiles, an ingress-nginx host and Karpenter node pools.
 * Images, sizes, probes and objectives the seed does not give are placeholders, marked so.
 */
const NAMESPACE = 'opifex-system';

/** The seed's node preferences: GPU and CPU instance types. */
export const GPU_INSTANCE_TYPES = ['p3.8xlarge', 'p3.16xlarge', 'p4d.24xlarge'];
export const CPU_INSTANCE_TYPES = ['c5.4xlarge', 'c5.9xlarge', 'c5.18xlarge'];

/** ingress-nginx's controller pods, which every routed workload's NetworkPolicy admits. */
const INGRESS_CONTROLLER = { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } };

/** What the four workloads share (placeholders where the seed is silent). */
const common = {
  namespace: NAMESPACE,
  partOf: 'opifex',
  probes: { path: '/health', startupBudget: Duration.minutes(10) },
  // The seed's load generator reaches the Services on port 8000 (.../l2o-optimizer-service...:8000/health).
  ports: { http: 8000 },
  slo: { availability: 99.5, latencyP95: Duration.seconds(30), latencyP99: Duration.seconds(60), errorRate: 1, throughputRps: 50 },
  networkPolicy: { webApp: INGRESS_CONTROLLER, monitoringNamespace: 'monitoring' },
  monitoring: { scrapeInterval: Duration.seconds(30) },
} satisfies Partial<AiInferenceSpec>;

/**
 * GPU workload resources: one GPU, Guaranteed memory (GPU pods are evicted last). Sizes are
 * placeholders, chosen so the seed's quota (200 CPUs, 800Gi) covers every workload at
 * maxReplicas plus its rollout surge pod (the chart warns, AII-W052, when it does not).
 */
const gpuResources = (memory: Size) => ({ cpu: { request: Cpu.units(4), limit: Cpu.units(8) }, memory: { request: memory, limit: memory }, gpu: { count: 1 } });

export const l2oOptimizer: AiInferenceSpec = {
  ...common,
  release: 'l2o-optimizer',
  image: 'ghcr.io/opifex/l2o-optimizer:1.0.0',
  model: { name: 'l2o-optimizer', version: '1.0.0', loadTime: Duration.minutes(3) },
  resources: gpuResources(Size.gibibytes(16)),
  // Not pinned to a node-type label: the GPU node pool is chosen by instance type.
  scheduling: { nodeLabels: {}, priorityClassName: 'gpu-workload', preferredInstanceTypes: GPU_INSTANCE_TYPES },
  scaling: {
    minReplicas: 1,
    maxReplicas: 20,
    signals: {
      // The seed's HPA Resource metric nvidia.com/gpu at 85 %: served by DCGM (warning AII-W032).
      'nvidia.com/gpu': { type: 'Utilization', averageUtilization: 85 },
      queueDepth: { type: 'AverageValue', averageValue: 10 },
    },
    behavior: {
      scaleUp: { policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
      scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
    },
    vpa: { updateMode: 'Off' },
  },
  metrics: { queueDepth: { metric: 'opifex_l2o_queue_length' } },
};

export const neuralOperator: AiInferenceSpec = {
  ...common,
  release: 'neural-operator',
  image: 'ghcr.io/opifex/neural-operator:1.0.0',
  model: { name: 'neural-operator', version: '1.0.0', loadTime: Duration.minutes(3) },
  // "high-memory preference"
  resources: gpuResources(Size.gibibytes(24)),
  scheduling: { nodeLabels: {}, priorityClassName: 'gpu-workload', preferredInstanceTypes: GPU_INSTANCE_TYPES },
  scaling: {
    minReplicas: 1,
    maxReplicas: 15,
    signals: { 'nvidia.com/gpu': { type: 'Utilization', averageUtilization: 90 } },
    behavior: {
      scaleUp: { policies: [{ type: 'Percent', value: 100, periodSeconds: 120 }] },
      scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Percent', value: 20, periodSeconds: 120 }] },
    },
    vpa: { updateMode: 'Off' },
  },
  metrics: { queueDepth: { metric: 'opifex_training_queue_length' } },
};

/** CPU-only workloads: no GPU, so no GPU toleration, node label, alerts or dashboard row. */
const cpuResources = { cpu: { request: Cpu.units(2), limit: Cpu.units(2) }, memory: { request: Size.gibibytes(4), limit: Size.gibibytes(4) }, gpu: { count: 0 } };

export const benchmarking: AiInferenceSpec = {
  ...common,
  release: 'benchmarking',
  image: 'ghcr.io/opifex/benchmarking:1.0.0',
  model: { name: 'benchmarking', version: '1.0.0' },
  resources: cpuResources,
  scheduling: { priorityClassName: 'cpu-workload', preferredInstanceTypes: CPU_INSTANCE_TYPES },
  scaling: {
    minReplicas: 1,
    maxReplicas: 10,
    // "when queue > 3": the generic preset's queue gauge (the seed names no metric for it).
    signals: { queueDepth: { type: 'AverageValue', averageValue: 3 } },
    behavior: {
      scaleUp: { policies: [{ type: 'Percent', value: 75, periodSeconds: 180 }] },
      scaleDown: { stabilizationWindowSeconds: 900, policies: [{ type: 'Percent', value: 25, periodSeconds: 180 }] },
    },
  },
};

export const communityPlatform: AiInferenceSpec = {
  ...common,
  release: 'community-platform',
  image: 'ghcr.io/opifex/community-platform:1.0.0',
  model: { name: 'community-platform', version: '1.0.0' },
  resources: { ...cpuResources, memory: { request: Size.gibibytes(2), limit: Size.gibibytes(2) } },
  // The seed gives this workload's HPA file but no thresholds: CPU 70 % (placeholder).
  scheduling: { preferredInstanceTypes: CPU_INSTANCE_TYPES },
  scaling: { minReplicas: 2, maxReplicas: 10, signals: { cpu: { type: 'Utilization', averageUtilization: 70 } } },
};

export const opifexPlatform: PlatformSpec = {
  name: 'opifex',
  namespace: NAMESPACE,
  workloads: [l2oOptimizer, neuralOperator, benchmarking, communityPlatform],
  priorityClasses: [
    { name: 'gpu-workload', value: 1000, description: 'GPU-intensive L2O and neural operator training' },
    { name: 'high-priority', value: 900, description: 'Critical operations and system components' },
    { name: 'cpu-workload', value: 500, description: 'CPU-intensive computations and data processing' },
    { name: 'normal-priority', value: 100, description: 'Standard Opifex workloads (default)', globalDefault: true },
    { name: 'low-priority', value: 50, description: 'Background tasks and cleanup jobs' },
  ],
  quota: { gpus: 50, requestsCpu: Cpu.units(200), requestsMemory: Size.gibibytes(800) },
  ingress: {
    provider: 'ingress-nginx',
    host: 'api.opifex.example.com',
    tls: { clusterIssuer: 'letsencrypt-prod' },
    routes: [
      { path: '/api/v1/l2o', workload: 'l2o-optimizer' },
      { path: '/api/v1/neural-operators', workload: 'neural-operator' },
    ],
    rateLimitPerMinute: 1000,
    timeout: Duration.seconds(300),
    maxBodySize: Size.mebibytes(100),
    controller: INGRESS_CONTROLLER,
  },
  nodePools: [
    { name: 'gpu', instanceTypes: GPU_INSTANCE_TYPES, minNodes: 1, maxNodes: 50 },
    { name: 'cpu', instanceTypes: CPU_INSTANCE_TYPES, minNodes: 2, maxNodes: 50 },
  ],
};
