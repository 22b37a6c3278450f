import { Duration, Size } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceSpec } from '../../src';
import { consistencyFindings } from '../../src/chart/consistency';
import { WARNING_IDS } from '../../src/conventions';
import { resolveSpec } from '../../src/spec/spec';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';

const findings = (patch: Partial<AiInferenceSpec>) => {
  const spec = { ...eksNlbSpec, ...patch } as AiInferenceSpec;
  return consistencyFindings(spec, resolveSpec(spec));
};
const warningsOf = (id: string, patch: Partial<AiInferenceSpec>) => findings(patch).warnings.filter((w) => w.id === id).map((w) => w.message);
const noLoadBalancer = { traffic: { ...eksNlbSpec.traffic, loadBalancer: undefined } };

describe('the connection drain', () => {
  it("warns that the seeds' 15 s preStop sleep stops the server while the NLB still sends it connections", () => {
    expect(warningsOf(WARNING_IDS.drainPropagation, {})).toEqual([
      'shutdown.preStopSleep (15s) is shorter than shutdown.drain.propagation (2m by default): an ip-target NLB goes on opening new connections to a deregistering pod for about 2m (aws-load-balancer-controller #2366, #3270), whatever traffic.loadBalancer.deregistrationDelay says, so on every rollout step and scale-down the stopped server refuses new connections for about 105 s; raise preStopSleep to 120 s (and the grace period with it) or leave both out (they are derived)',
    ]);
  });

  it('warns about a sleep fitted into a short grace period, naming it as derived', () => {
    expect(warningsOf(WARNING_IDS.drainPropagation, { shutdown: { gracePeriod: Duration.seconds(60) } })[0]).toContain('shutdown.preStopSleep (20s by default) is shorter than');
  });

  it('is quiet with the derived defaults: a 2 min sleep inside a 2m40s grace period', () => {
    const f = findings({ shutdown: undefined });
    expect(f.warnings.map((w) => w.id)).not.toContain(WARNING_IDS.drainPropagation);
    expect(f.warnings.map((w) => w.id)).not.toContain(WARNING_IDS.drainGrace);
    expect(f.errors).toEqual([]);
  });

  it('applies the NLB propagation only with an NLB, or when the spec declares one', () => {
    expect(warningsOf(WARNING_IDS.drainPropagation, noLoadBalancer)).toEqual([]);
    expect(warningsOf(WARNING_IDS.drainPropagation, { ...noLoadBalancer, shutdown: { gracePeriod: Duration.seconds(60), drain: { propagation: Duration.seconds(30) } } })).toEqual([
      'shutdown.preStopSleep (20s by default) is shorter than shutdown.drain.propagation (30s): load balancers go on opening new connections to the pod for that long, so on every rollout step and scale-down the stopped server refuses new connections for about 10 s; raise preStopSleep to 30 s (and the grace period with it) or leave both out (they are derived)',
    ]);
  });

  it('warns when the grace period does not cover the sleep, the default longest request and the margin', () => {
    expect(warningsOf(WARNING_IDS.drainGrace, { shutdown: { gracePeriod: Duration.seconds(150), preStopSleep: Duration.seconds(120) } })).toEqual([
      'shutdown.gracePeriod (2m30s) is shorter than shutdown.preStopSleep (2m) + shutdown.drain.longestRequest (30s by default) + 10 s margin = 160 s: the kubelet kills requests still in flight; raise the grace period to 160 s, or declare a shorter drain.longestRequest',
    ]);
    expect(warningsOf(WARNING_IDS.drainGrace, { shutdown: { gracePeriod: Duration.seconds(150), preStopSleep: Duration.seconds(120), drain: { longestRequest: Duration.seconds(20) } } })).toEqual([]);
  });

  it('refuses, rather than warns, when the declared drain contradicts the declared timing', () => {
    const f = findings({ shutdown: { preStopSleep: Duration.seconds(15), drain: { propagation: Duration.minutes(2) } } });
    expect(f.warnings.map((w) => w.id)).not.toContain(WARNING_IDS.drainPropagation);
  });

  it('keeps refusing a deregistration delay longer than the grace period', () => {
    const lb = { ...eksNlbSpec.traffic!.loadBalancer!, deregistrationDelay: Duration.seconds(200) };
    expect(findings({ shutdown: undefined, traffic: { loadBalancer: lb } }).errors).toContain(
      'traffic.loadBalancer.deregistrationDelay (3m20s) exceeds shutdown.gracePeriod (160s): the pod is killed while the NLB still drains its connections; lower the delay or raise the grace period',
    );
  });
});

describe('probes', () => {
  it('warns when liveness is pointed at the dependency-aware readiness path', () => {
    expect(warningsOf(WARNING_IDS.livenessOnReadinessPath, { probes: { path: '/api/v1/health', livenessPath: '/api/v1/health' } })).toEqual([
      'probes.livenessPath ("/api/v1/health") is also the readiness path: if that endpoint checks the databases, one database blip fails liveness (and startup) on every pod at once, the kubelet restarts them all and each reloads its model; point livenessPath at a process-only endpoint, or leave it out for a TCP check on the http port',
    ]);
    expect(warningsOf(WARNING_IDS.livenessOnReadinessPath, { probes: { livenessPath: '/livez' } })).toEqual([]);
    expect(warningsOf(WARNING_IDS.livenessOnReadinessPath, {})).toEqual([]);
  });
});

describe('memory of the GPU pod', () => {
  const memory = (request: number, limit: number) => ({ resources: { ...eksNlbSpec.resources, memory: { request: Size.gibibytes(request), limit: Size.gibibytes(limit) } } });

  it('warns that a memory request below the limit makes the GPU pod an early eviction', () => {
    expect(warningsOf(WARNING_IDS.gpuMemoryBurstable, memory(8, 16))).toEqual([
      'resources.memory.request (8Gi) is below resources.memory.limit (16Gi) on a GPU pod (Burstable QoS): once the server uses more than its request, node memory pressure evicts it among the first, and the replacement spends minutes reloading the model; set the request to the limit',
    ]);
    expect(warningsOf(WARNING_IDS.gpuMemoryBurstable, memory(16, 16))).toEqual([]);
  });

  it('does not warn for a CPU-only pod', () => {
    expect(warningsOf(WARNING_IDS.gpuMemoryBurstable, { ...memory(8, 16), resources: { ...memory(8, 16).resources, gpu: { count: 0 } }, scaling: undefined })).toEqual([]);
  });

  it('warns when the request plus a full /dev/shm exceed the limit', () => {
    const shm = (gi: number) => ({ ...memory(15, 16), storage: { ...eksNlbSpec.storage, sharedMemorySizeLimit: Size.gibibytes(gi) } });
    expect(warningsOf(WARNING_IDS.sharedMemoryOverLimit, shm(2))).toEqual([
      'storage.sharedMemorySizeLimit (2Gi) plus resources.memory.request (15Gi) exceeds resources.memory.limit (16Gi): /dev/shm is memory-backed and counts against the limit, so a full /dev/shm beside the server\'s expected working set OOM-kills the pod; lower it or raise the limit',
    ]);
    expect(warningsOf(WARNING_IDS.sharedMemoryOverLimit, shm(1))).toEqual([]);
  });

  it('does not warn about /dev/shm on a Guaranteed pod, whose limit is the whole budget', () => {
    // request = limit is what AII-W025 asks of a GPU pod; the two warnings must not contradict.
    const guaranteed = { ...memory(16, 16), storage: { ...eksNlbSpec.storage, sharedMemorySizeLimit: Size.gibibytes(4) } };
    expect(warningsOf(WARNING_IDS.sharedMemoryOverLimit, guaranteed)).toEqual([]);
    expect(warningsOf(WARNING_IDS.gpuMemoryBurstable, guaranteed)).toEqual([]);
  });
});
