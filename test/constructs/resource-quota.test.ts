import { Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PLATFORM_WARNING_IDS } from '../../src/conventions';
import {
  PlatformResourceQuota,
  QuotaHardLimits,
  QuotaWorkload,
  SEED_QUOTA,
  gpuQuotaKey,
  quotaShortfallNote,
  quotaShortfalls,
} from '../../src/constructs/resource-quota';
import { expectValidManifests } from '../helpers/k8s-schema';
import { errorOf, only, synth } from '../support';

const GIB = 2 ** 30;

const seedHard = (): QuotaHardLimits => ({ gpus: SEED_QUOTA.gpus, requestsCpu: Cpu.units(SEED_QUOTA.requestsCpuCores), requestsMemory: Size.gibibytes(SEED_QUOTA.requestsMemoryGib) });

const build = (hard: QuotaHardLimits, extra: Record<string, unknown> = {}) => {
  const chart = Testing.chart();
  return new PlatformResourceQuota(chart, 'Quota', { namespace: 'opifex-system', hard, ...extra });
};

describe('PlatformResourceQuota', () => {
  it('emits the seed quota with the GPUs under requests.nvidia.com/gpu', () => {
    const objects = synth((chart) => void new PlatformResourceQuota(chart, 'Quota', { namespace: SEED_QUOTA.namespace, hard: seedHard(), partOf: 'opifex' }));
    expectValidManifests(objects);
    const quota = only(objects, 'ResourceQuota');
    expect(quota.apiVersion).toBe('v1');
    expect(quota.metadata).toEqual({
      name: 'platform-quota',
      namespace: 'opifex-system',
      labels: { 'app.kubernetes.io/component': 'quota', 'app.kubernetes.io/managed-by': 'cdk8s-ai-inference', 'app.kubernetes.io/part-of': 'opifex' },
    });
    expect(quota.spec.hard).toEqual({ 'requests.nvidia.com/gpu': 50, 'requests.cpu': '200', 'requests.memory': '800Gi' });
    // A bare extended resource name is stored by the API server but never counted.
    expect(quota.spec.hard['nvidia.com/gpu']).toBeUndefined();
  });

  it('adds limits, pods and a MIG resource name when given', () => {
    const objects = synth(
      (chart) =>
        void new PlatformResourceQuota(chart, 'Quota', {
          namespace: 'ml',
          name: 'ml-quota',
          hard: { ...seedHard(), gpus: 0, gpuResourceName: 'nvidia.com/mig-1g.5gb', limitsCpu: Cpu.millis(250500), limitsMemory: Size.tebibytes(1), pods: 40 },
        }),
    );
    expectValidManifests(objects);
    expect(only(objects, 'ResourceQuota').spec.hard).toEqual({
      'requests.nvidia.com/mig-1g.5gb': 0,
      'requests.cpu': '200',
      'requests.memory': '800Gi',
      'limits.cpu': '250500m',
      'limits.memory': '1Ti',
      pods: 40,
    });
    expect(gpuQuotaKey()).toBe('requests.nvidia.com/gpu');
  });

  it('refuses a GPU resource name written with the requests. prefix, or not an extended resource', () => {
    expect(errorOf(() => build({ ...seedHard(), gpuResourceName: 'requests.nvidia.com/gpu' }))).toContain(
      'hard.gpuResourceName ("requests.nvidia.com/gpu") must be the device plugin\'s resource name without the "requests." prefix (the quota key adds it); write "nvidia.com/gpu"',
    );
    expect(errorOf(() => build({ ...seedHard(), gpuResourceName: 'gpu' }))).toContain('hard.gpuResourceName ("gpu") must be an extended resource name such as nvidia.com/gpu (a domain, "/", a name); fix the name');
    expect(errorOf(() => build({ ...seedHard(), gpuResourceName: 'kubernetes.io/gpu' }))).toContain('hard.gpuResourceName ("kubernetes.io/gpu") must not be in the kubernetes.io domain');
  });

  it('refuses bad counts and quantities with the field path', () => {
    const message = errorOf(() => build({ gpus: -1, requestsCpu: Cpu.units(0), requestsMemory: Size.gibibytes(0), pods: 2.5 }));
    expect(message).toContain('hard.gpus (-1) must be at least 0 (GPUs); pick a value in range');
    expect(message).toContain('hard.requestsCpu (0 cores) must be a CPU amount of at least 1 millicore');
    expect(message).toContain('hard.requestsMemory (0Gi) must be a finite cdk8s Size above 0');
    expect(message).toContain('hard.pods (2.5) must be a whole number (pods); round it');
  });

  it('refuses a namespace that is not a DNS label and unknown fields', () => {
    expect(errorOf(() => build(seedHard(), { namespace: 'Opifex_System' }))).toContain('namespace ("Opifex_System") must be an RFC 1123 label');
    expect(errorOf(() => build({ ...seedHard(), gpu: 4 } as never))).toContain('hard.gpu is not a field; did you mean hard.gpus?');
  });
});

describe('quotaShortfalls', () => {
  const train = (maxReplicas: number): QuotaWorkload => ({ name: 'l2o-train', maxReplicas, perPod: { gpus: 8, cpuMillis: 32000, memoryBytes: 128 * GIB } });
  const serve = (maxReplicas: number): QuotaWorkload => ({ name: 'operator-serve', maxReplicas, perPod: { gpus: 1, cpuMillis: 4000, memoryBytes: 16 * GIB } });
  const cpuJob = (maxReplicas: number): QuotaWorkload => ({ name: 'preprocess', maxReplicas, perPod: { gpus: 0, cpuMillis: 8000, memoryBytes: 32 * GIB } });

  it('finds nothing when the workloads at maxReplicas fit the seed quota', () => {
    // GPUs 5×8 + 10×1 = 50; CPU 160 + 40 + 0 = 200 cores; memory 640 + 160 = 800Gi: exactly at the quota.
    expect(quotaShortfalls(seedHard(), [train(5), serve(10)])).toEqual([]);
  });

  it('reports each resource above the quota with the total, the limit and the workloads that request it', () => {
    const shortfalls = quotaShortfalls(seedHard(), [train(6), serve(10), cpuJob(2)]);
    expect(shortfalls).toEqual([
      {
        resource: 'requests.nvidia.com/gpu',
        unit: 'GPUs',
        needed: 58,
        hard: 50,
        workloads: [
          { name: 'l2o-train', maxReplicas: 6, perPod: 8, total: 48 },
          { name: 'operator-serve', maxReplicas: 10, perPod: 1, total: 10 },
        ],
      },
      {
        resource: 'requests.cpu',
        unit: 'millicores',
        needed: 248000,
        hard: 200000,
        workloads: [
          { name: 'l2o-train', maxReplicas: 6, perPod: 32000, total: 192000 },
          { name: 'operator-serve', maxReplicas: 10, perPod: 4000, total: 40000 },
          { name: 'preprocess', maxReplicas: 2, perPod: 8000, total: 16000 },
        ],
      },
      {
        resource: 'requests.memory',
        unit: 'bytes',
        needed: 992 * GIB,
        hard: 800 * GIB,
        workloads: [
          { name: 'l2o-train', maxReplicas: 6, perPod: 128 * GIB, total: 768 * GIB },
          { name: 'operator-serve', maxReplicas: 10, perPod: 16 * GIB, total: 160 * GIB },
          { name: 'preprocess', maxReplicas: 2, perPod: 32 * GIB, total: 64 * GIB },
        ],
      },
    ]);
    const note = quotaShortfallNote('opifex-system', shortfalls[0]);
    expect(note.id).toBe(PLATFORM_WARNING_IDS.quotaShortfall);
    expect(note.message).toBe(
      "namespace opifex-system: requests.nvidia.com/gpu needs 58 GPUs with every workload at maxReplicas (l2o-train: 6 × 8 GPUs = 48 GPUs, operator-serve: 10 × 1 GPU = 10 GPUs), above the quota's 50 GPUs; the API server refuses the pods past the quota (FailedCreate on the ReplicaSet), so whichever workload scales last stays short. Raise the quota or lower maxReplicas",
    );
    expect(quotaShortfallNote('ns', shortfalls[1]).message).toContain("needs 248 cores with every workload at maxReplicas (l2o-train: 6 × 32 cores = 192 cores");
    expect(quotaShortfallNote('ns', shortfalls[2]).message).toContain("above the quota's 800Gi");
  });

  it('checks the pods quota when there is one, and counts millicores of a fractional CPU quota exactly', () => {
    const shortfalls = quotaShortfalls({ gpus: 0, requestsCpu: Cpu.millis(1500), requestsMemory: Size.gibibytes(1), pods: 2 }, [
      { name: 'a', maxReplicas: 3, perPod: { gpus: 0, cpuMillis: 500, memoryBytes: 0 } },
    ]);
    expect(shortfalls.map((s) => [s.resource, s.needed, s.hard])).toEqual([['pods', 3, 2]]);
  });

  it('refuses bad workloads with their path', () => {
    expect(errorOf(() => quotaShortfalls({ ...seedHard(), gpus: -1 }, []))).toContain('quota.gpus (-1) must be at least 0 (GPUs); pick a value in range');
    const message = errorOf(() => quotaShortfalls(seedHard(), [{ name: '', maxReplicas: -1, perPod: { gpus: 0.5, cpuMillis: NaN, memoryBytes: 0 } }]));
    expect(message).toContain('workloads[0].name ("") must not be empty; name the workload');
    expect(message).toContain('workloads[0].maxReplicas (-1) must be at least 0 (pods)');
    expect(message).toContain('workloads[0].perPod.gpus (0.5) must be a whole number (GPUs per pod); round it');
    expect(message).toContain('workloads[0].perPod.cpuMillis (NaN) must be a number, not NaN; give a real value');
  });

  it('reports a resource exactly when the sum of maxReplicas × per-pod request is above the limit (property)', () => {
    const workload = fc.record({
      name: fc.stringMatching(/^[a-z]{1,8}$/),
      maxReplicas: fc.integer({ min: 0, max: 60 }),
      perPod: fc.record({ gpus: fc.integer({ min: 0, max: 8 }), cpuMillis: fc.integer({ min: 0, max: 64000 }), memoryBytes: fc.integer({ min: 0, max: 512 }).map((g) => g * GIB) }),
    });
    fc.assert(
      fc.property(fc.array(workload, { maxLength: 6 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 4000 }), fc.integer({ min: 1, max: 8000 }), (ws, gpus, cores, memGib) => {
        const hard = { gpus, requestsCpu: Cpu.units(cores), requestsMemory: Size.gibibytes(memGib) };
        const result = quotaShortfalls(hard, ws);
        const sum = (f: (w: QuotaWorkload) => number) => ws.reduce((s, w) => s + w.maxReplicas * f(w), 0);
        const expected = [
          sum((w) => w.perPod.gpus) > gpus ? 'requests.nvidia.com/gpu' : undefined,
          sum((w) => w.perPod.cpuMillis) > cores * 1000 ? 'requests.cpu' : undefined,
          sum((w) => w.perPod.memoryBytes) > memGib * GIB ? 'requests.memory' : undefined,
        ].filter(Boolean);
        expect(result.map((s) => s.resource)).toEqual(expected);
        for (const s of result) {
          expect(s.needed).toBe(s.workloads.reduce((t, w) => t + w.total, 0));
          expect(s.workloads.every((w) => w.perPod > 0)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
