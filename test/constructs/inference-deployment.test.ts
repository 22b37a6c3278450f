import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { InferenceDeployment, InferenceDeploymentProps } from '../../src';
import { errorOf, only, synth } from '../support';

const base: InferenceDeploymentProps = {
  name: 'ai-inference',
  namespace: 'pixelated-prod',
  image: 'ghcr.io/pixelated/ai-inference:1.4.2',
  resources: {
    cpu: { request: Cpu.units(2), limit: Cpu.units(4) },
    memory: { request: Size.gibibytes(8), limit: Size.gibibytes(16) },
    gpu: { count: 1 },
  },
};

function build(overrides: Partial<InferenceDeploymentProps> = {}) {
  const objects = synth((chart) => new InferenceDeployment(chart, 'Inference', { ...base, ...overrides }));
  const deployment = only(objects, 'Deployment', 'ai-inference');
  const pod = deployment.spec.template.spec;
  return { objects, deployment, pod, container: pod.containers[0] };
}

describe('InferenceDeployment', () => {
  it('sets cpu and memory requests and limits, and the GPU as a request equal to its limit', () => {
    const { container } = build();
    expect(container.resources).toEqual({
      requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': 1 },
      limits: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': 1 },
    });
  });

  it('writes a GPU request equal to the limit when one is given', () => {
    const { container } = build({ resources: { ...base.resources, gpu: { count: 2, request: 2 } } });
    expect(container.resources.requests['nvidia.com/gpu']).toBe(2);
    expect(container.resources.limits['nvidia.com/gpu']).toBe(2);
  });

  it('names the ports http and metrics', () => {
    const { container } = build({ ports: { http: 8080, metrics: 9100 } });
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9100, protocol: 'TCP' },
    ]);
  });

  it('schedules on GPU nodes, tolerates the GPU taint and spreads across hosts and zones', () => {
    const { pod } = build();
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'node-type', operator: 'In', values: ['gpu-inference'] }] },
    ]);
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    const anti = pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0];
    expect(anti.weight).toBe(100);
    expect(anti.podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
    expect(anti.podAffinityTerm.labelSelector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'ai-inference',
      'app.kubernetes.io/instance': 'ai-inference',
    });
    expect(pod.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/instance': 'ai-inference' } },
        matchLabelKeys: ['pod-template-hash'],
      },
    ]);
  });

  it('keeps one pod per node strictly when host anti-affinity is required', () => {
    const { pod } = build({ scheduling: { hostAntiAffinity: 'required', nodeLabels: { 'cloud.google.com/gke-accelerator': 'nvidia-l4' } } });
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toEqual([
      { key: 'cloud.google.com/gke-accelerator', operator: 'In', values: ['nvidia-l4'] },
    ]);
  });

  it('rolls out one extra pod at a time and never goes below the replica count', () => {
    const { deployment } = build();
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(deployment.spec.replicas).toBe(3);
  });

  it('replaces one pod at a time, without a surge pod, for clusters without a spare GPU', () => {
    const { deployment } = build({ scheduling: { rollout: { strategy: 'replace' } } });
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
  });

  it('gives a rollout step node provisioning, image pull, startup, readiness, target registration and drain before it is reported failed', () => {
    // 300 node + 300 pull + 300 startup + 10 readiness + 180 NLB registration + 160 grace
    expect(build().deployment.spec.progressDeadlineSeconds).toBe(1250);
    const quick = build({
      scheduling: { rollout: { nodeProvisioning: Duration.seconds(0), imagePull: Duration.seconds(60) } },
      probes: { startupBudget: Duration.minutes(10) },
      shutdown: { gracePeriod: Duration.seconds(60), preStopSleep: Duration.seconds(15) },
    });
    expect(quick.deployment.spec.progressDeadlineSeconds).toBe(0 + 60 + 600 + 10 + 180 + 60);
  });

  it('omits spec.replicas when an autoscaler owns the Deployment', () => {
    const { deployment } = build({ autoscaled: true, replicas: 5 });
    expect(deployment.spec).not.toHaveProperty('replicas');
  });

  it('checks liveness and startup by TCP (no dependency), readiness on the health path, with a 5 minute startup budget', () => {
    const { container } = build();
    expect(container.livenessProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 });
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/api/v1/health', port: 'http' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(container.startupProbe.tcpSocket).toEqual({ port: 'http' });
    expect(container.startupProbe).not.toHaveProperty('httpGet');
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBe(300);
  });

  it('checks liveness and startup on a process-only path when one is given', () => {
    const { container } = build({ probes: { livenessPath: '/livez' } });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/livez', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/api/v1/health', port: 'http' });
  });

  it('stretches the startup probe to a configured budget', () => {
    const { container } = build({ probes: { startupBudget: Duration.minutes(15), startupPeriod: Duration.seconds(15) } });
    expect(container.startupProbe).toMatchObject({ periodSeconds: 15, failureThreshold: 60 });
  });

  it('creates the models and data claims and mounts emptyDirs for cache, /tmp and /dev/shm', () => {
    const { objects, pod, container } = build({ storage: { sharedMemorySizeLimit: Size.gibibytes(2) } });
    const models = only(objects, 'PersistentVolumeClaim', 'ai-inference-models');
    expect(models.spec).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '50Gi' } } });
    expect(only(objects, 'PersistentVolumeClaim', 'ai-inference-data').spec.resources.requests.storage).toBe('20Gi');
    expect(pod.volumes).toEqual([
      { name: 'models', persistentVolumeClaim: { claimName: 'ai-inference-models' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'ai-inference-data' } },
      { name: 'cache', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '2Gi' } },
    ]);
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/models', '/data', '/cache', '/tmp', '/dev/shm']);
  });

  it('mounts an existing claim by name without creating one', () => {
    const { objects, pod } = build({ storage: { models: { existingClaim: 'shared-models', readOnly: true } } });
    expect(objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name)).toEqual(['ai-inference-data']);
    expect(pod.volumes[0]).toEqual({ name: 'models', persistentVolumeClaim: { claimName: 'shared-models', readOnly: true } });
  });

  it('runs as UID 1001 without a token, privileges or capabilities', () => {
    const { objects, pod, container } = build();
    expect(only(objects, 'ServiceAccount', 'ai-inference').automountServiceAccountToken).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('ai-inference');
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1001,
      runAsGroup: 1001,
      fsGroup: 1001,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 1001,
      runAsGroup: 1001,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('sleeps through the NLB drain propagation in preStop, inside a grace period that also covers the longest request', () => {
    const { pod, container } = build();
    expect(container.lifecycle.preStop.exec.command).toEqual(['sleep', '120']);
    expect(pod.terminationGracePeriodSeconds).toBe(160);
  });

  it('keeps a given grace period and sleep', () => {
    const { pod, container } = build({ shutdown: { gracePeriod: Duration.seconds(60), preStopSleep: Duration.seconds(15) } });
    expect(pod.terminationGracePeriodSeconds).toBe(60);
    expect(container.lifecycle.preStop.exec.command).toEqual(['sleep', '15']);
  });

  it('uses the native preStop sleep action for images without /bin/sleep', () => {
    const { container } = build({ shutdown: { preStopMode: 'sleepAction' } });
    expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: 120 } } });
  });

  it('reads credentials from Secret keys and never holds their values', () => {
    const { container } = build({
      secretEnv: [{ name: 'POSTGRES_PASSWORD', secretName: 'ai-inference-secrets', key: 'postgres-password' }],
    });
    expect(container.env).toEqual([
      { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'ai-inference-secrets', key: 'postgres-password' } } },
    ]);
  });

  it('renders the application config into a ConfigMap and rolls the pods when it changes', () => {
    const a = build({ config: { model: { name: 'm' }, performance: { maxBatchSize: 8 }, features: { biasDetection: true } } });
    const b = build({ config: { model: { name: 'm' }, performance: { maxBatchSize: 16 }, features: { biasDetection: true } } });
    const config = only(a.objects, 'ConfigMap', 'ai-inference-config');
    expect(config.data).toEqual({
      MODEL_NAME: 'm',
      MODEL_PATH: '/models',
      MAX_BATCH_SIZE: '8',
      FEATURE_BIAS_DETECTION: 'true',
      // The CPU math libraries' thread pools, sized to the 4-CPU limit.
      MKL_NUM_THREADS: '4',
      OMP_NUM_THREADS: '4',
    });
    expect(a.container.envFrom).toEqual([{ configMapRef: { name: 'ai-inference-config' } }]);
    const checksum = (d: any) => d.spec.template.metadata.annotations['checksum/config'];
    expect(checksum(a.deployment)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(a.deployment)).not.toBe(checksum(b.deployment));
  });

  it('selects pods by app.kubernetes.io/name and instance only, whatever the construct id', () => {
    const a = synth((chart) => new InferenceDeployment(chart, 'One', base));
    const b = synth((chart) => new InferenceDeployment(chart, 'Renamed', base));
    const selector = (objs: any[]) => only(objs, 'Deployment').spec.selector;
    expect(selector(a)).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/instance': 'ai-inference' } });
    expect(selector(b)).toEqual(selector(a));
    expect(only(b, 'Deployment').metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'cdk8s-ai-inference',
      'app.kubernetes.io/version': '1.4.2',
      'app.kubernetes.io/component': 'inference-server',
    });
  });

  describe('rejects bad input with the field, the value, the rule and the fix', () => {
    const bad = (overrides: Partial<InferenceDeploymentProps>) =>
      errorOf(() => synth((chart) => new InferenceDeployment(chart, 'Inference', { ...base, ...overrides })));

    it('refuses the :latest tag', () => {
      expect(bad({ image: 'ghcr.io/pixelated/ai-inference:latest' })).toContain(
        'image ("ghcr.io/pixelated/ai-inference:latest") must not use the mutable :latest tag; pin a version tag or @sha256:<digest>',
      );
    });

    it('refuses an untagged image, but accepts a registry port and a digest', () => {
      expect(bad({ image: 'registry.local:5000/ai-inference' })).toContain('image ("registry.local:5000/ai-inference") must be pinned by tag or digest');
      expect(() => build({ image: `registry.local:5000/ai-inference@sha256:${'a'.repeat(64)}` })).not.toThrow();
    });

    it('refuses a cpu request above its limit', () => {
      expect(bad({ resources: { ...base.resources, cpu: { request: Cpu.units(6), limit: Cpu.units(4) } } })).toContain(
        'resources.cpu.request (6 cores) must not exceed resources.cpu.limit (4); lower the request or raise the limit',
      );
    });

    it('refuses a negative, NaN or infinite CPU and a NaN size when used alone, with the field path', () => {
      const message = bad({
        resources: { ...base.resources, cpu: { request: Cpu.millis(-500), limit: Cpu.units(Infinity) } },
        storage: { tmpSizeLimit: Size.gibibytes(NaN) },
      });
      expect(message).toContain('resources.cpu.request (CPU "-500m") must be a CPU amount of at least 1 millicore; use Cpu.units(n) or Cpu.millis(n) with a positive number');
      expect(message).toContain('resources.cpu.limit (CPU "Infinity") must be a CPU amount of at least 1 millicore');
      expect(message).toContain('storage.tmpSizeLimit (a size of NaN) must be a finite cdk8s Size above 0');
      expect(message).toMatch(/^InferenceDeployment test\/Inference is invalid:/);
    });

    it('refuses an unknown prop, naming the nearest one', () => {
      expect(bad({ replica: 2 } as unknown as Partial<InferenceDeploymentProps>)).toContain('replica is not a field; did you mean replicas?');
    });

    it('refuses a memory request above its limit', () => {
      expect(bad({ resources: { ...base.resources, memory: { request: Size.gibibytes(32), limit: Size.gibibytes(16) } } })).toContain(
        'resources.memory.request (32Gi) must not exceed resources.memory.limit (16Gi)',
      );
    });

    it('refuses a GPU request different from the limit', () => {
      expect(bad({ resources: { ...base.resources, gpu: { count: 1, request: 2 } } })).toContain(
        'resources.gpu.request (2) must equal resources.gpu.count (1): extended resources cannot be overcommitted',
      );
    });

    it('refuses a memory limit at or above the node allocatable memory', () => {
      const message = bad({
        resources: { ...base.resources, memory: { request: Size.gibibytes(8), limit: Size.gibibytes(48) }, nodeAllocatableMemory: Size.gibibytes(48) },
      });
      expect(message).toContain('resources.memory.limit (48Gi) must stay below resources.nodeAllocatableMemory (48Gi)');
      expect(() =>
        build({ resources: { ...base.resources, memory: { request: Size.gibibytes(8), limit: Size.gibibytes(40) }, nodeAllocatableMemory: Size.gibibytes(48) } }),
      ).not.toThrow();
    });

    it('refuses a startup budget shorter than the declared model load time', () => {
      expect(bad({ modelLoadTime: Duration.minutes(8) })).toContain(
        'probes.startupBudget (5m by default) is shorter than the declared model load time (modelLoadTime: 8m): the kubelet would kill the pod while the model is still loading; raise probes.startupBudget to at least 480 s',
      );
    });

    it('refuses a grace period not above the preStop sleep', () => {
      expect(bad({ shutdown: { gracePeriod: Duration.seconds(15), preStopSleep: Duration.seconds(15) } })).toContain(
        'shutdown.gracePeriod (15s) must be longer than shutdown.preStopSleep (15s)',
      );
    });

    it('refuses a declared preStop sleep shorter than the declared drain propagation', () => {
      expect(bad({ shutdown: { preStopSleep: Duration.seconds(15), drain: { propagation: Duration.minutes(2) } } })).toContain(
        'shutdown.preStopSleep (15s) is shorter than shutdown.drain.propagation (2m): load balancers still open new connections to the pod after it stops accepting them, so every rollout step and scale-down refuses connections for 105 s; raise preStopSleep to 120 s or leave it out (it defaults to the propagation)',
      );
    });

    it('refuses a declared grace period shorter than the sleep, the declared longest request and the margin', () => {
      expect(bad({ shutdown: { gracePeriod: Duration.seconds(40), preStopSleep: Duration.seconds(20), drain: { longestRequest: Duration.seconds(30) } } })).toContain(
        'shutdown.gracePeriod (40s) must cover shutdown.preStopSleep (20s) + shutdown.drain.longestRequest (30s) + 10 s margin = 60 s, or the kubelet kills requests still in flight; raise the grace period to 60 s or leave it out (it is derived)',
      );
    });

    it('refuses an unknown preStop mode and rollout strategy', () => {
      expect(bad({ shutdown: { preStopMode: 'http' as 'exec' } })).toContain('shutdown.preStopMode ("http")');
      expect(bad({ scheduling: { rollout: { strategy: 'recreate' as 'surge' } } })).toContain('scheduling.rollout.strategy ("recreate")');
    });

    it('refuses a ReadWriteOnce claim shared by several replicas', () => {
      expect(bad({ storage: { models: { size: Size.gibibytes(50), accessMode: 'ReadWriteOnce' } } })).toContain(
        'storage.models.accessMode ("ReadWriteOnce") attaches to one node (or pod) only',
      );
      expect(() => build({ replicas: 1, storage: { models: { size: Size.gibibytes(50), accessMode: 'ReadWriteOnce' } } })).not.toThrow();
    });

    it('refuses an invalid Kubernetes name', () => {
      expect(bad({ name: 'AI_Inference' })).toContain('name ("AI_Inference") must be an RFC 1123 label');
    });

    it('refuses a probe timeout that reaches its period', () => {
      expect(bad({ probes: { readiness: { period: Duration.seconds(5), timeout: Duration.seconds(5) } } })).toContain(
        'probes.readiness.timeout (5s) must be shorter than probes.readiness.period (5s)',
      );
    });

    it('refuses a credential in the plain configuration', () => {
      expect(bad({ config: { extra: { REDIS_PASSWORD: 'hunter2' } } })).toContain(
        'config.extra.REDIS_PASSWORD ((value hidden)) looks like a credential',
      );
      expect(bad({ config: { extra: { MONGO_URL: 'mongodb://app:s3cret@mongo:27017' } } })).toContain('config.extra.MONGO_URL');
    });

    it('reports every problem at once', () => {
      const message = bad({ image: 'x:latest', name: 'Bad_Name' });
      expect(message).toContain('image ("x:latest")');
      expect(message).toContain('name ("Bad_Name")');
    });
  });
});
