import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { AiInferenceSpec } from '../../src';

/**
 * Seeds 000/001: the AI inference service on EKS behind an AWS Network Load Balancer,
 * with the seeds' values. Account IDs, ARNs, buckets and CIDRs are placeholders.
 */
export const eksNlbSpec: AiInferenceSpec = {
  release: 'ai-inference',
  namespace: 'pixelated-prod',
  createNamespace: true,
  partOf: 'pixelated',
  image: 'ghcr.io/pixelated/ai-inference:1.4.2',
  model: { name: 'pixelated-empathy', version: '1.4.2', loadTime: Duration.minutes(4) },
  resources: {
    cpu: { request: Cpu.units(2), limit: Cpu.units(4) },
    // Seed values, kept: a request below the limit makes the GPU pod Burstable (warning
    // AII-W025); 16Gi/16Gi keeps it out of the first evictions under node memory pressure.
    memory: { request: Size.gibibytes(8), limit: Size.gibibytes(16) },
    gpu: { count: 1 },
  },
  scheduling: { nodeLabels: { 'node-type': 'gpu-inference' }, hostAntiAffinity: 'preferred', zoneSpread: 'ScheduleAnyway' },
  probes: {
    path: '/api/v1/health',
    liveness: { period: Duration.seconds(30) },
    readiness: { period: Duration.seconds(10) },
    startupBudget: Duration.minutes(5),
  },
  storage: {
    models: { size: Size.gibibytes(50), storageClassName: 'efs-sc', accessMode: 'ReadWriteMany' },
    data: { size: Size.gibibytes(20), storageClassName: 'efs-sc', accessMode: 'ReadWriteMany' },
    cacheSizeLimit: Size.gibibytes(2),
    tmpSizeLimit: Size.gibibytes(1),
    sharedMemorySizeLimit: Size.gibibytes(2),
  },
  config: {
    performance: { maxBatchSize: 8, batchTimeout: Duration.millis(50), workers: 1, connectionPoolSize: 100 },
    caching: { enabled: true, backend: 'redis', ttl: Duration.hours(1), maxSize: Size.gibibytes(1) },
    rateLimiting: { enabled: true, requestsPerSecond: 100, burst: 200 },
    features: { biasDetection: true, progressTracking: true },
  },
  secretEnv: [
    { name: 'POSTGRES_HOST', secretName: 'ai-inference-secrets', key: 'postgres-host' },
    { name: 'POSTGRES_DB', secretName: 'ai-inference-secrets', key: 'postgres-db' },
    { name: 'POSTGRES_USER', secretName: 'ai-inference-secrets', key: 'postgres-user' },
    { name: 'POSTGRES_PASSWORD', secretName: 'ai-inference-secrets', key: 'postgres-password' },
    { name: 'REDIS_PASSWORD', secretName: 'ai-inference-secrets', key: 'redis-password' },
    { name: 'MONGODB_URI', secretName: 'ai-inference-secrets', key: 'mongodb-uri' },
  ],
  // The seeds' 60-second grace period, kept as written: the 15 s sleep ends while the NLB
  // still opens new connections (about 2 min with ip targets), warning AII-W020. Leave
  // shutdown out for the derived drain: sleep 120 s inside a 160 s grace period.
  shutdown: { gracePeriod: Duration.seconds(60), preStopSleep: Duration.seconds(15) },
  identity: { runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001 },
  traffic: {
    loadBalancer: {
      scheme: 'internet-facing',
      certificateArns: ['arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b'],
      tlsPorts: [443],
      healthCheck: {
        path: '/api/v1/health',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
      stickiness: 'source_ip',
      deregistrationDelay: Duration.seconds(60),
      preserveClientIp: true,
      // The seeds' 5-minute idle timeout is the default, and AWS applies it to the TCP
      // listener (80) only: the TLS listener (443) keeps its fixed 350 s.
      accessLogs: { bucket: 'pixelated-nlb-access-logs', prefix: 'ai-inference' },
      sourceRanges: ['203.0.113.0/24', '198.51.100.0/24'],
    },
  },
  // Seed 000: minAvailable 2. As a count it does not grow with the autoscaler: at 20 pods a
  // drain could evict 18 at once (warning AII-W031). 66 % keeps the seed's 2 of 3 pods at
  // minReplicas and 14 of 20 at full scale (Kubernetes rounds a minAvailable percentage up).
  disruption: { minAvailable: '66%' },
  networkPolicy: {
    // The NLB's (public) subnets: its health checks come from its private IPs there. The
    // whole VPC CIDR would admit every pod of the cluster (VPC CNI pod IPs are VPC IPs).
    loadBalancerSubnets: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'],
    webApp: { podLabels: { 'app.kubernetes.io/name': 'web' } },
    monitoringNamespace: 'monitoring',
    databases: {
      postgres: { cidr: '10.0.64.0/20' },
      redis: { podLabels: { 'app.kubernetes.io/name': 'redis' } },
      mongodb: { cidr: '10.0.80.0/20' },
    },
  },
  scaling: {
    backend: 'prometheus-adapter',
    minReplicas: 3,
    maxReplicas: 20,
    signals: {
      cpu: { type: 'Utilization', averageUtilization: 70 },
      // Seed 000 also scales on memory at 75 %. Dropped: the model's weights and caches stay
      // resident in every pod, so adding pods never lowers a pod's memory and the HPA would
      // climb to maxReplicas and stay there (warning AII-W030). The VPA below still
      // recommends the memory request, and the alert InferenceMemoryUsageHigh watches it.
      gpu: { type: 'AverageValue', averageValue: 70 },
      requestRate: { type: 'AverageValue', averageValue: 50 },
      latencyP95: { type: 'Value', value: 1.5 },
      queueDepth: { type: 'AverageValue', averageValue: 10 },
    },
    behavior: {
      scaleUp: { stabilizationWindowSeconds: 30, policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }] },
      scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
    },
    vpa: {
      updateMode: 'Off',
      minAllowed: { cpu: Cpu.units(1), memory: Size.gibibytes(4) },
      maxAllowed: { cpu: Cpu.units(8), memory: Size.gibibytes(32) },
      controlledResources: ['cpu', 'memory'],
    },
  },
  metrics: { preset: 'generic' },
  slo: {
    availability: 99.9,
    latencyP95: Duration.seconds(2),
    latencyP99: Duration.seconds(3),
    errorRate: 1,
    throughputRps: 1000,
  },
};
