import { Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PLATFORM_WARNING_IDS } from '../../src/conventions';
import {
  GPU_NODE_TAINT,
  INSTANCE_TYPE_LABEL,
  KNOWN_INSTANCES,
  KarpenterNodePool,
  KarpenterNodePoolProps,
  clusterNodeCountNote,
  describeLimits,
  karpenterDuration,
  limitsForNodeCount,
  preferredInstanceTypes,
} from '../../src/constructs/karpenter-node-pool';
import { taintTolerations } from '../../src/pod/affinity';
import { expectValidManifests } from '../helpers/k8s-schema';
import { Manifest, errorOf, only, synth } from '../support';

/** The seed's node autoscaling (Opifex). */
const SEED = {
  cluster: { minNodes: 3, maxNodes: 100 },
  gpu: { minNodes: 1, maxNodes: 50, instanceTypes: ['p3.8xlarge', 'p3.16xlarge', 'p4d.24xlarge'] },
  cpu: { minNodes: 2, maxNodes: 50, instanceTypes: ['c5.4xlarge', 'c5.9xlarge', 'c5.18xlarge'] },
} as const;

/**
 * The published Karpenter NodePool model (@kubernetes-models/karpenter, ESM-only, loaded by
 * vitest). Its declarations extend a base class that TypeScript's node10 resolution of
 * this project cannot follow, so the constructor is typed here by what the tests call.
 */
async function publishedNodePool(): Promise<new (data: unknown) => { validate(): void }> {
  const mod = (await import('@kubernetes-models/karpenter/karpenter.sh/v1/NodePool')) as unknown as { NodePool: new (data: unknown) => { validate(): void } };
  return mod.NodePool;
}

/** Validates with the published Karpenter schema. */
async function validatePublished(obj: Manifest): Promise<void> {
  const NodePool = await publishedNodePool();
  new NodePool(obj).validate();
}

function seedPools(): Manifest[] {
  return synth((chart) => {
    const gpu = limitsForNodeCount({ pool: 'gpu', ...SEED.gpu });
    const cpu = limitsForNodeCount({ pool: 'cpu', ...SEED.cpu });
    new KarpenterNodePool(chart, 'Gpu', { name: 'gpu', nodeClassName: 'opifex-gpu', instanceTypes: SEED.gpu.instanceTypes, limits: gpu.limits, weight: 10, partOf: 'opifex' });
    new KarpenterNodePool(chart, 'Cpu', { name: 'cpu', nodeClassName: 'opifex-cpu', instanceTypes: SEED.cpu.instanceTypes, limits: cpu.limits });
  });
}

const build = (props: Partial<KarpenterNodePoolProps>) => {
  const chart = Testing.chart();
  return new KarpenterNodePool(chart, 'Pool', { name: 'gpu', nodeClassName: 'default', instanceTypes: ['p4d.24xlarge'], ...props } as KarpenterNodePoolProps);
};

describe('KarpenterNodePool', () => {
  it('emits the seed GPU pool: instance types, on-demand amd64, GPU taint, node class, limits and disruption', async () => {
    const objects = seedPools();
    expectValidManifests(objects);
    const gpu = only(objects, 'NodePool', 'gpu');
    await validatePublished(gpu);
    expect(gpu.apiVersion).toBe('karpenter.sh/v1');
    expect(gpu.metadata.labels).toEqual({ 'app.kubernetes.io/component': 'nodes', 'app.kubernetes.io/managed-by': 'cdk8s-ai-inference', 'app.kubernetes.io/part-of': 'opifex' });
    expect(gpu.spec).toEqual({
      template: {
        spec: {
          requirements: [
            { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['p3.8xlarge', 'p3.16xlarge', 'p4d.24xlarge'] },
            { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
            { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
          ],
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'opifex-gpu' },
          taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
        },
      },
      // 50 nodes of the largest type, p4d.24xlarge: 96 vCPUs, 1152 GiB, 8 GPUs each.
      limits: { cpu: '4800', memory: '57600Gi', 'nvidia.com/gpu': 400, nodes: 50 },
      disruption: { consolidationPolicy: 'WhenEmpty', consolidateAfter: '5m' },
      weight: 10,
    });
  });

  it('emits the seed CPU pool without a taint and with limits for 50 c5.18xlarge', async () => {
    const cpu = only(seedPools(), 'NodePool', 'cpu');
    await validatePublished(cpu);
    expect(cpu.spec.template.spec.requirements[0].values).toEqual(['c5.4xlarge', 'c5.9xlarge', 'c5.18xlarge']);
    expect(cpu.spec.template.spec.taints).toBeUndefined();
    expect(cpu.spec.template.spec.nodeClassRef.name).toBe('opifex-cpu');
    expect(cpu.spec.limits).toEqual({ cpu: '3600', memory: '7200Gi', nodes: 50 });
    expect(cpu.spec.weight).toBeUndefined();
  });

  it('taints GPU nodes with the key the library\'s GPU pods tolerate', () => {
    const [toleration] = taintTolerations(['nvidia.com/gpu']);
    expect(toleration).toEqual({ key: GPU_NODE_TAINT.key, operator: 'Exists', effect: GPU_NODE_TAINT.effect });
    expect(build({}).taints).toEqual([GPU_NODE_TAINT]);
    // Unknown instance types get no default taint (the library cannot tell they have GPUs).
    expect(build({ instanceTypes: ['x9.metal'] }).taints).toEqual([]);
  });

  it('notes a GPU pool without a NoSchedule taint', () => {
    const pool = build({ taints: [], limits: { nodes: 5 } });
    expect(pool.notes).toEqual([
      {
        id: PLATFORM_WARNING_IDS.gpuPoolUntainted,
        message: 'NodePool "gpu" launches GPU instance types without a NoSchedule taint: pods that need no GPU are placed on GPU nodes and keep them up; add nvidia.com/gpu:NoSchedule (the library\'s GPU pods tolerate it)',
      },
    ]);
    expect(build({ limits: { nodes: 5 } }).notes).toEqual([]);
  });

  it('notes a pool without limits', () => {
    expect(build({}).notes).toEqual([
      {
        id: PLATFORM_WARNING_IDS.nodePoolUnlimited,
        message: 'NodePool "gpu" has no limits: Karpenter launches nodes for as long as pods are pending (a runaway autoscaler or a crash-looping Job included), up to the cloud account\'s quotas; set limits (limitsForNodeCount derives them from a node count)',
      },
    ]);
    expect(build({ limits: {} }).notes.map((n) => n.id)).toEqual([PLATFORM_WARNING_IDS.nodePoolUnlimited]);
  });

  it('writes spot, arm64, node labels, expireAfter and Karpenter durations', async () => {
    const objects = synth(
      (chart) =>
        void new KarpenterNodePool(chart, 'Pool', {
          name: 'batch',
          nodeClassName: 'default',
          instanceTypes: ['c7g.4xlarge'],
          capacityTypes: ['spot', 'on-demand'],
          architectures: ['arm64'],
          nodeLabels: { 'workload-type': 'cpu', 'karpenter.sh/capacity-type': 'spot' },
          disruption: { consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: Duration.seconds(90) },
          expireAfter: 'Never',
          limits: { cpu: Cpu.units(64), memory: Size.gibibytes(256) },
          taints: [{ key: 'workload-type', value: 'batch', effect: 'NoExecute' }, { key: 'dedicated', effect: 'PreferNoSchedule' }],
        }),
    );
    expectValidManifests(objects);
    const pool = only(objects, 'NodePool');
    await validatePublished(pool);
    expect(pool.spec.template.metadata).toEqual({ labels: { 'workload-type': 'cpu', 'karpenter.sh/capacity-type': 'spot' } });
    expect(pool.spec.template.spec.requirements[1].values).toEqual(['spot', 'on-demand']);
    expect(pool.spec.template.spec.requirements[2].values).toEqual(['arm64']);
    expect(pool.spec.template.spec.expireAfter).toBe('Never');
    expect(pool.spec.template.spec.taints).toEqual([
      { key: 'workload-type', value: 'batch', effect: 'NoExecute' },
      { key: 'dedicated', effect: 'PreferNoSchedule' },
    ]);
    expect(pool.spec.disruption).toEqual({ consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '1m30s' });
    expect(pool.spec.limits).toEqual({ cpu: '64', memory: '256Gi' });
  });

  it('formats durations the way Karpenter\'s pattern takes them', () => {
    expect(karpenterDuration(Duration.seconds(0))).toBe('0s');
    expect(karpenterDuration(Duration.hours(720))).toBe('720h');
    expect(karpenterDuration(Duration.seconds(3725))).toBe('1h2m5s');
    expect(karpenterDuration('Never')).toBe('Never');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (s) => {
        const text = karpenterDuration(Duration.seconds(s));
        expect(text).toMatch(/^(([0-9]+(s|m|h))+|Never)$/);
        const [, h = '0', m = '0', sec = '0'] = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text)!;
        expect(Number(h) * 3600 + Number(m) * 60 + Number(sec)).toBe(s);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses labels and names Karpenter reserves', () => {
    expect(errorOf(() => build({ nodeLabels: { 'karpenter.sh/nodepool': 'x' } }))).toContain(
      'nodeLabels.karpenter.sh/nodepool ("karpenter.sh/nodepool") is set by Karpenter or the kubelet itself and refused in a NodePool; remove it',
    );
    expect(errorOf(() => build({ nodeLabels: { 'kubernetes.io/hostname': 'x' } }))).toContain('is set by Karpenter or the kubelet itself and refused in a NodePool; remove it');
    expect(errorOf(() => build({ nodeLabels: { 'team.karpenter.sh/owner': 'x' } }))).toContain('is in the karpenter.sh domain, which Karpenter reserves; use a label of your own domain');
    expect(errorOf(() => build({ name: 'GPU pool' }))).toContain('name ("GPU pool") must be an RFC 1123 label');
  });

  it('refuses empty or repeated lists, unknown capacity types and instance types outside the architectures', () => {
    expect(errorOf(() => build({ instanceTypes: [] }))).toContain('instanceTypes (an empty list) must hold at least one instance type; add one or leave the field out');
    expect(errorOf(() => build({ instanceTypes: ['p4d.24xlarge', 'p4d.24xlarge'] }))).toContain('instanceTypes[1] ("p4d.24xlarge") repeats "p4d.24xlarge"; remove the duplicate');
    expect(errorOf(() => build({ capacityTypes: ['spots' as never] }))).toContain('capacityTypes[0] ("spots") must be one of "on-demand", "spot", "reserved"; did you mean "spot"?');
    expect(errorOf(() => build({ architectures: ['arm64'] }))).toContain(
      'instanceTypes[0] ("p4d.24xlarge") is an amd64 instance type, outside architectures (arm64): Karpenter would never launch it; add amd64 to architectures or remove the type',
    );
  });

  it('refuses bad limits, weight, durations and taints', () => {
    expect(errorOf(() => build({ weight: 0 }))).toContain('weight (0) must be within 1-100 (NodePool weight); pick a value in range');
    expect(errorOf(() => build({ weight: 101 }))).toContain('weight (101) must be within 1-100');
    expect(errorOf(() => build({ limits: { nodes: -1, gpus: 1.5 } }))).toContain('limits.nodes (-1) must be at least 0 (nodes)');
    expect(errorOf(() => build({ limits: { gpus: 1.5 } }))).toContain('limits.gpus (1.5) must be a whole number (GPUs); round it');
    expect(errorOf(() => build({ disruption: { consolidateAfter: Duration.millis(1500) } }))).toContain(
      'disruption.consolidateAfter (1s500ms) must be a whole number of seconds (Karpenter writes s, m, h); round it',
    );
    expect(errorOf(() => build({ expireAfter: 'never' as never }))).toContain('expireAfter ("never") must be a cdk8s Duration of whole seconds (not negative), or "Never"; e.g. Duration.minutes(5)');
    expect(errorOf(() => build({ disruption: { consolidationPolicy: 'WhenEmty' as never } }))).toContain(
      'disruption.consolidationPolicy ("WhenEmty") must be one of "WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"; did you mean "WhenEmpty"?',
    );
    expect(errorOf(() => build({ taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }, { key: 'nvidia.com/gpu', value: 'x', effect: 'NoSchedule' }] }))).toContain(
      'taints[1] ("nvidia.com/gpu") repeats taints[0] (same key and effect NoSchedule): a node holds one taint per key and effect; remove one',
    );
    expect(errorOf(() => build({ taints: [{ key: 'a', effect: 'NoSchedule', value: 'not valid!' }] }))).toContain('taints[0].value ("not valid!") must be a Kubernetes label value');
  });

  it('accepts random valid pools that both schemas accept (property)', async () => {
    const NodePool = await publishedNodePool();
    const known = KNOWN_INSTANCES.map((k) => k.name);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom(...known), { minLength: 1, maxLength: 5 }),
        fc.uniqueArray(fc.constantFrom('on-demand' as const, 'spot' as const, 'reserved' as const), { minLength: 1 }),
        fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
        fc.integer({ min: 1, max: 200 }),
        fc.constantFrom('WhenEmpty' as const, 'WhenEmptyOrUnderutilized' as const),
        fc.integer({ min: 0, max: 86400 }),
        async (instanceTypes, capacityTypes, weight, maxNodes, consolidationPolicy, after) => {
          const { limits } = limitsForNodeCount({ pool: 'p', maxNodes, instanceTypes });
          const objects = synth(
            (chart) =>
              void new KarpenterNodePool(chart, 'P', {
                name: 'p',
                nodeClassName: 'default',
                instanceTypes,
                capacityTypes,
                weight,
                limits,
                disruption: { consolidationPolicy, consolidateAfter: Duration.seconds(after) },
              }),
          );
          expectValidManifests(objects);
          new NodePool(objects[0]).validate();
          expect(objects[0].spec.limits.nodes).toBe(maxNodes);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('the schemas the tests validate with', () => {
  it('refuse what Karpenter refuses, so the passing checks above are not vacuous', async () => {
    const pool = only(seedPools(), 'NodePool', 'gpu');
    const bad = { ...pool, spec: { ...pool.spec, weight: 0, disruption: { consolidationPolicy: 'Sometimes', consolidateAfter: '5 minutes' } } };
    await expect(validatePublished(bad)).rejects.toThrow();
    expect(() => expectValidManifests([bad])).toThrow(/spec\.weight: must be >= 1/);
    const typo = { ...pool, spec: { ...pool.spec, limit: {} } };
    expect(() => expectValidManifests([typo])).toThrow('NodePool/gpu: spec.limit: unknown field');
  });
});

describe('limitsForNodeCount', () => {
  it('turns "GPU nodes 1-50" into limits sized for 50 p4d.24xlarge, and says what Karpenter cannot do', () => {
    const result = limitsForNodeCount({ pool: 'gpu', ...SEED.gpu });
    expect(describeLimits(result.limits)).toBe('4800 vCPUs, 57600Gi memory, 400 GPUs, 50 nodes');
    // Without limits.nodes, 400 GPUs admit 100 p3.8xlarge (4 GPUs each; 4800 vCPUs would admit 150).
    expect(result.maxNodesByResources).toBe(100);
    expect(result.loosestType).toBe('p3.8xlarge');
    expect(result.notes.map((n) => n.id)).toEqual([PLATFORM_WARNING_IDS.nodePoolNodeCount, PLATFORM_WARNING_IDS.nodePoolNoMinimum]);
    expect(result.notes[0].message).toBe(
      'NodePool "gpu": at most 50 nodes is limits.nodes 50, which Karpenter enforces from v1.11.0 on (earlier releases ignore the key); without it the resource limits (cpu 4800, nvidia.com/gpu 400, memory 57600Gi, sized for 50 × p4d.24xlarge) admit up to 100 nodes of p3.8xlarge. Run Karpenter v1.11.0 or later, or give each size its own pool',
    );
    expect(result.notes[1].message).toContain('NodePool "gpu": a minimum of 1 node cannot be expressed: Karpenter has no minimum node count');
    expect(result.notes[1].message).toContain("What holds instead: the running pods of the workloads' minReplicas keep enough nodes up to run them");
  });

  it('holds the count with resource limits alone when the pool has one size', () => {
    const result = limitsForNodeCount({ pool: 'gpu', maxNodes: 50, instanceTypes: ['p4d.24xlarge'] });
    expect(result.maxNodesByResources).toBe(50);
    expect(result.notes).toHaveLength(1);
    expect(result.notes[0].message).toContain('the resource limits (cpu 4800, nvidia.com/gpu 400, memory 57600Gi, sized for 50 × p4d.24xlarge) also hold the pool to 50 nodes on older releases');
  });

  it('turns "CPU nodes 2-50" into limits for 50 c5.18xlarge, with no GPU limit', () => {
    const result = limitsForNodeCount({ pool: 'cpu', ...SEED.cpu });
    expect(result.limits.gpus).toBeUndefined();
    expect(result.limits.cpu.amount).toBe('3600');
    expect(result.limits.memory.asString()).toBe('7200Gi');
    expect(result.maxNodesByResources).toBe(225); // 3600 / 16 vCPUs of c5.4xlarge
    expect(result.notes[1].message).toContain('a minimum of 2 nodes cannot be expressed');
  });

  it('refuses unknown instance types, a minimum above the maximum and no nodes', () => {
    expect(errorOf(() => limitsForNodeCount({ pool: 'x', maxNodes: 5, instanceTypes: ['p9.huge'] }))).toContain('instanceTypes[0] ("p9.huge") is not an instance type whose capacity the library knows; use one of g5.xlarge');
    expect(errorOf(() => limitsForNodeCount({ pool: 'x', maxNodes: 5, minNodes: 6, instanceTypes: ['c5.4xlarge'] }))).toContain('minNodes (6) is above maxNodes (5); lower minNodes or raise maxNodes');
    expect(errorOf(() => limitsForNodeCount({ pool: 'x', maxNodes: 0, instanceTypes: ['c5.4xlarge'] }))).toContain('maxNodes (0) must be at least 1 (nodes)');
  });

  it('lets maxNodes of every listed type fit under the resource limits, and no more than maxNodesByResources (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...KNOWN_INSTANCES), { minLength: 1, maxLength: 6, selector: (k) => k.name }), fc.integer({ min: 1, max: 500 }), (types, maxNodes) => {
        const r = limitsForNodeCount({ pool: 'p', maxNodes, instanceTypes: types.map((t) => t.name) });
        const cpu = Number(r.limits.cpu.amount);
        for (const t of types) {
          expect(maxNodes * t.vcpus).toBeLessThanOrEqual(cpu);
          if (t.gpus > 0) expect(maxNodes * t.gpus).toBeLessThanOrEqual(r.limits.gpus!);
          const byCpu = Math.floor(cpu / t.vcpus);
          const admitted = t.gpus > 0 ? Math.min(byCpu, Math.floor(r.limits.gpus! / t.gpus)) : byCpu;
          expect(admitted).toBeGreaterThanOrEqual(maxNodes);
          expect(admitted).toBeLessThanOrEqual(r.maxNodesByResources);
        }
        expect(r.limits.nodes).toBe(maxNodes);
      }),
      { numRuns: 200 },
    );
  });
});

describe('clusterNodeCountNote', () => {
  it('says the seed\'s cluster 3-100 is no Karpenter object, and compares the pools\' maxima', () => {
    const note = clusterNodeCountNote(SEED.cluster, [
      { name: 'gpu', maxNodes: 50 },
      { name: 'cpu', maxNodes: 50 },
    ]);
    expect(note.id).toBe(PLATFORM_WARNING_IDS.clusterNodeCount);
    expect(note.message).toContain("cluster nodes 3-100: Karpenter limits each NodePool, not the cluster; the pools' maxima sum to 100 (gpu 50 + cpu 50), equal to the cluster's 100");
    expect(clusterNodeCountNote(SEED.cluster, [{ name: 'gpu', maxNodes: 80 }, { name: 'cpu', maxNodes: 50 }]).message).toContain("sum to 130 (gpu 80 + cpu 50), above the cluster's 100: lower a pool's maximum");
  });
});

describe('preferredInstanceTypes', () => {
  it('prefers the seed\'s GPU types on the well-known instance-type label', () => {
    expect(INSTANCE_TYPE_LABEL).toBe('node.kubernetes.io/instance-type');
    expect(preferredInstanceTypes(SEED.gpu.instanceTypes)).toEqual({
      weight: 100,
      preference: { matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['p3.8xlarge', 'p3.16xlarge', 'p4d.24xlarge'] }] },
    });
    expect(preferredInstanceTypes(['c5.9xlarge'], 30).weight).toBe(30);
  });

  it('refuses weights outside 1-100 and empty or repeated type lists', () => {
    expect(errorOf(() => preferredInstanceTypes(['c5.9xlarge'], 0))).toContain('weight (0) must be within 1-100 (preferred scheduling term weight); pick a value in range');
    expect(errorOf(() => preferredInstanceTypes([]))).toContain('types (an empty list) must hold at least one instance type');
    expect(errorOf(() => preferredInstanceTypes(['c5.9xlarge', 'c5.9xlarge']))).toContain('types[1] ("c5.9xlarge") repeats "c5.9xlarge"; remove the duplicate');
  });

  it('builds a term the Deployment schema accepts', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: {
          metadata: { labels: { a: 'b' } },
          spec: { containers: [{ name: 'c', image: 'r/i:1' }], affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [preferredInstanceTypes(SEED.cpu.instanceTypes, 50)] } } },
        },
      },
    };
    expectValidManifests([deployment]);
  });
});
