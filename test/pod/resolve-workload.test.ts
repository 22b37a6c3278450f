import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { GracefulShutdown, resolveWorkload, workloadRelationProblems } from '../../src/spec/workload';
import { minimalWorkload, resolved } from './fixtures';

describe('resolveWorkload', () => {
  it('fills every default of the seed values when only the resources are given', () => {
    const w = resolved();
    expect(w.imagePullPolicy).toBe('IfNotPresent');
    expect(w.autoscaled).toBe(false);
    expect(w.replicas).toBe(3);
    expect(w.ports).toEqual({ http: 8000, metrics: 9090 });
    expect(w.resources.gpu).toEqual({ count: 1, request: undefined, resourceName: 'nvidia.com/gpu' });
    expect(w.scheduling).toEqual({
      nodeLabels: { 'node-type': 'gpu-inference' },
      tolerateTaints: ['nvidia.com/gpu'],
      hostAntiAffinity: 'preferred',
      zoneSpread: 'ScheduleAnyway',
      priorityClassName: undefined,
      preferredInstanceTypes: [],
      rollout: { strategy: 'surge', spareGpuCapacity: undefined, nodeProvisioning: Duration.minutes(5), imagePull: Duration.minutes(5) },
    });
    expect(w.probes.path).toBe('/api/v1/health');
    expect(w.probes.livenessPath).toBeUndefined();
    expect(w.probes.readinessPath).toBe('/api/v1/health');
    expect(w.probes.liveness.period.toSeconds()).toBe(30);
    expect(w.probes.liveness.timeout.toSeconds()).toBe(5);
    expect(w.probes.liveness.failureThreshold).toBe(3);
    expect(w.probes.readiness.period.toSeconds()).toBe(10);
    expect(w.probes.readiness.timeout.toSeconds()).toBe(5);
    expect(w.probes.readiness.failureThreshold).toBe(3);
    expect(w.probes.startupBudget.toSeconds()).toBe(300);
    expect(w.probes.startupPeriod.toSeconds()).toBe(10);
    expect(w.storage.models).toMatchObject({ accessMode: 'ReadWriteMany', readOnly: false });
    expect(w.storage.data).toMatchObject({ accessMode: 'ReadWriteMany', readOnly: false });
    expect('size' in w.storage.models && w.storage.models.size.toGibibytes()).toBe(50);
    expect('size' in w.storage.data && w.storage.data.size.toGibibytes()).toBe(20);
    expect(w.storage.cacheSizeLimit.toGibibytes()).toBe(1);
    expect(w.storage.tmpSizeLimit.toGibibytes()).toBe(1);
    expect(w.storage.sharedMemorySizeLimit).toBeUndefined();
    expect(w.secretEnv).toEqual([]);
    // preStop covers the ip-target NLB's ~2 min propagation; grace adds 30 s + 10 s margin.
    expect(w.shutdown.preStopSleep.toSeconds()).toBe(120);
    expect(w.shutdown.gracePeriod.toSeconds()).toBe(160);
    expect(w.shutdown.drain.propagation.toSeconds()).toBe(120);
    expect(w.shutdown.drain.longestRequest.toSeconds()).toBe(30);
    expect(w.shutdown.preStopMode).toBe('exec');
    expect(w.identity).toEqual({ runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001 });
    expect(w.modelLoadTime).toBeUndefined();
  });

  it('keeps every value the user gave', () => {
    const secret = { name: 'TOKEN', secretName: 's', key: 'k', optional: true };
    const w = resolveWorkload({
      resources: {
        cpu: { request: Cpu.units(1), limit: Cpu.units(2) },
        memory: { request: Size.gibibytes(4), limit: Size.gibibytes(8) },
        gpu: { count: 2, request: 2, resourceName: 'amd.com/gpu' },
        nodeAllocatableMemory: Size.gibibytes(48),
      },
      imagePullPolicy: 'Always',
      replicas: 5,
      ports: { http: 8080, metrics: 9100 },
      scheduling: {
        nodeLabels: { pool: 'l4' },
        tolerateTaints: [],
        hostAntiAffinity: 'required',
        zoneSpread: 'DoNotSchedule',
        priorityClassName: 'gpu-high',
        preferredInstanceTypes: ['g6.xlarge'],
        rollout: { strategy: 'replace', spareGpuCapacity: false, nodeProvisioning: Duration.minutes(2), imagePull: Duration.seconds(30) },
      },
      probes: {
        path: '/health',
        livenessPath: '/live',
        readinessPath: '/ready',
        liveness: { period: Duration.seconds(20), timeout: Duration.seconds(2), failureThreshold: 6 },
        readiness: { period: Duration.seconds(7), timeout: Duration.seconds(3), failureThreshold: 2 },
        startupBudget: Duration.minutes(15),
        startupPeriod: Duration.seconds(15),
      },
      modelLoadTime: Duration.minutes(8),
      storage: {
        models: { existingClaim: 'shared-models', readOnly: true },
        data: { size: Size.gibibytes(5), storageClassName: 'efs', accessMode: 'ReadOnlyMany' },
        cacheSizeLimit: Size.gibibytes(3),
        tmpSizeLimit: Size.mebibytes(512),
        sharedMemorySizeLimit: Size.gibibytes(2),
      },
      secretEnv: [secret],
      shutdown: {
        gracePeriod: Duration.seconds(90),
        preStopSleep: Duration.seconds(20),
        drain: { propagation: Duration.seconds(10), longestRequest: Duration.seconds(5) },
        preStopMode: 'sleepAction',
      },
      identity: { runAsUser: 2000, runAsGroup: 3000, fsGroup: 4000 },
    });
    expect(w.imagePullPolicy).toBe('Always');
    expect(w.replicas).toBe(5);
    expect(w.ports).toEqual({ http: 8080, metrics: 9100 });
    expect(w.resources.gpu).toEqual({ count: 2, request: 2, resourceName: 'amd.com/gpu' });
    expect(w.resources.nodeAllocatableMemory?.toGibibytes()).toBe(48);
    expect(w.scheduling).toEqual({
      nodeLabels: { pool: 'l4' },
      tolerateTaints: [],
      hostAntiAffinity: 'required',
      zoneSpread: 'DoNotSchedule',
      priorityClassName: 'gpu-high',
      preferredInstanceTypes: ['g6.xlarge'],
      rollout: { strategy: 'replace', spareGpuCapacity: false, nodeProvisioning: Duration.minutes(2), imagePull: Duration.seconds(30) },
    });
    expect([w.probes.path, w.probes.livenessPath, w.probes.readinessPath]).toEqual(['/health', '/live', '/ready']);
    expect(w.probes.liveness.period.toSeconds()).toBe(20);
    expect(w.probes.liveness.failureThreshold).toBe(6);
    expect(w.probes.readiness.timeout.toSeconds()).toBe(3);
    expect(w.probes.startupBudget.toSeconds()).toBe(900);
    expect(w.probes.startupPeriod.toSeconds()).toBe(15);
    expect(w.modelLoadTime?.toSeconds()).toBe(480);
    expect(w.storage.models).toEqual({ existingClaim: 'shared-models', readOnly: true });
    expect(w.storage.data).toMatchObject({ storageClassName: 'efs', accessMode: 'ReadOnlyMany', readOnly: false });
    expect(w.storage.cacheSizeLimit.toGibibytes()).toBe(3);
    expect(w.storage.tmpSizeLimit.toMebibytes()).toBe(512);
    expect(w.storage.sharedMemorySizeLimit?.toGibibytes()).toBe(2);
    expect(w.secretEnv).toEqual([secret]);
    expect(w.shutdown.gracePeriod.toSeconds()).toBe(90);
    expect(w.shutdown.preStopSleep.toSeconds()).toBe(20);
    expect(w.shutdown.drain).toEqual({ propagation: Duration.seconds(10), longestRequest: Duration.seconds(5) });
    expect(w.shutdown.preStopMode).toBe('sleepAction');
    expect(w.identity).toEqual({ runAsUser: 2000, runAsGroup: 3000, fsGroup: 4000 });
  });

  it('leaves spec.replicas to the autoscaler when autoscaled, whatever replicas says', () => {
    const w = resolved({ autoscaled: true, replicas: 5 });
    expect(w.autoscaled).toBe(true);
    expect(w.replicas).toBeUndefined();
  });

  it('fills the liveness timing field by field, keeping the fields that are given', () => {
    const w = resolved({ probes: { liveness: { failureThreshold: 10 } } });
    expect(w.probes.liveness.failureThreshold).toBe(10);
    expect(w.probes.liveness.period.toSeconds()).toBe(30);
    expect(w.probes.liveness.timeout.toSeconds()).toBe(5);
  });

  it('keeps liveness off the dependency-aware path unless a process-only livenessPath is given', () => {
    const w = resolved({ probes: { path: '/healthz', readinessPath: '/ready' } });
    expect(w.probes.livenessPath).toBeUndefined();
    expect(w.probes.readinessPath).toBe('/ready');
  });

  it('gives a field written as undefined its default, as if it were left out', () => {
    const w = resolveWorkload({
      ...minimalWorkload,
      resources: { ...minimalWorkload.resources, gpu: { count: 1, resourceName: undefined } },
      ports: { http: undefined, metrics: undefined },
      probes: { liveness: { period: undefined } },
    });
    expect(w.resources.gpu.resourceName).toBe('nvidia.com/gpu');
    expect(w.ports).toEqual({ http: 8000, metrics: 9090 });
    expect(w.probes.liveness.period.toSeconds()).toBe(30);
  });

  it('fills the access mode of a new claim and keeps its size and storage class', () => {
    const w = resolved({ storage: { models: { size: Size.gibibytes(80), storageClassName: 'gp3' } } });
    expect(w.storage.models).toEqual({ size: Size.gibibytes(80), storageClassName: 'gp3', accessMode: 'ReadWriteMany', readOnly: false });
  });
});

describe('workloadRelationProblems on resolved values', () => {
  it('checks a probe whose timing is written as undefined against the defaults instead of throwing', () => {
    expect(workloadRelationProblems({ ...minimalWorkload, probes: { liveness: { period: undefined } } })).toEqual([]);
  });

  it('does not report two ports written as undefined as equal: both take their distinct defaults', () => {
    expect(workloadRelationProblems({ ...minimalWorkload, ports: { http: undefined, metrics: undefined } })).toEqual([]);
  });

  it('reports the defaulted startup budget as the value when the model loads for longer', () => {
    const [problem] = workloadRelationProblems({ ...minimalWorkload, modelLoadTime: Duration.minutes(8) });
    expect(problem.path).toEqual(['probes', 'startupBudget']);
    expect((problem.params?.value as Duration).toSeconds()).toBe(300);
    expect(problem.message).toBe(
      'is shorter than the declared model load time (modelLoadTime: 8m): the kubelet would kill the pod while the model is still loading; raise probes.startupBudget to at least 480 s',
    );
  });

  it('treats an autoscaled workload as several replicas for a ReadWriteOnce claim', () => {
    const problems = workloadRelationProblems({ ...minimalWorkload, autoscaled: true, replicas: 1, storage: { data: { size: Size.gibibytes(1), accessMode: 'ReadWriteOnce' } } });
    expect(problems.map((p) => p.path)).toEqual([['storage', 'data', 'accessMode']]);
  });
});

describe('the shutdown drain', () => {
  const shutdownOf = (shutdown: GracefulShutdown) => resolved({ shutdown }).shutdown;
  const problemsOf = (shutdown: GracefulShutdown) => workloadRelationProblems({ ...minimalWorkload, shutdown });

  it('derives the preStop sleep from the propagation and the grace period from the sleep, the longest request and 10 s', () => {
    const s = shutdownOf({ drain: { propagation: Duration.seconds(20), longestRequest: Duration.seconds(5) } });
    expect(s.preStopSleep.toSeconds()).toBe(20);
    expect(s.gracePeriod.toSeconds()).toBe(35);
  });

  it('derives the grace period from a given preStop sleep', () => {
    expect(shutdownOf({ preStopSleep: Duration.seconds(150) }).gracePeriod.toSeconds()).toBe(190);
  });

  it('fits the sleep into a given grace period, at least 1 s and at most the propagation', () => {
    expect(shutdownOf({ gracePeriod: Duration.seconds(60) }).preStopSleep.toSeconds()).toBe(20);
    expect(shutdownOf({ gracePeriod: Duration.seconds(30) }).preStopSleep.toSeconds()).toBe(1);
    expect(shutdownOf({ gracePeriod: Duration.seconds(600) }).preStopSleep.toSeconds()).toBe(120);
    expect(problemsOf({ gracePeriod: Duration.seconds(30) })).toEqual([]);
  });

  it('refuses a declared preStop sleep shorter than a declared propagation', () => {
    expect(problemsOf({ preStopSleep: Duration.seconds(15), drain: { propagation: Duration.minutes(2) } })).toEqual([
      {
        path: ['shutdown', 'preStopSleep'],
        message:
          'is shorter than shutdown.drain.propagation (2m): load balancers still open new connections to the pod after it stops accepting them, so every rollout step and scale-down refuses connections for 105 s; raise preStopSleep to 120 s or leave it out (it defaults to the propagation)',
      },
    ]);
  });

  it('refuses a declared grace period that does not cover the sleep, a declared longest request and the margin', () => {
    expect(problemsOf({ gracePeriod: Duration.seconds(60), preStopSleep: Duration.seconds(30), drain: { longestRequest: Duration.seconds(30) } })).toEqual([
      {
        path: ['shutdown', 'gracePeriod'],
        message:
          'must cover shutdown.preStopSleep (30s) + shutdown.drain.longestRequest (30s) + 10 s margin = 70 s, or the kubelet kills requests still in flight; raise the grace period to 70 s or leave it out (it is derived)',
      },
    ]);
  });

  it('still refuses a grace period not longer than the sleep', () => {
    expect(problemsOf({ gracePeriod: Duration.seconds(20), preStopSleep: Duration.seconds(20) }).map((p) => p.path)).toEqual([['shutdown', 'gracePeriod']]);
  });
});
