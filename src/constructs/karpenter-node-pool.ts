import { INSTANCE_TYPE_LABEL, preferredInstanceTypesTerm } from '../pod/affinity';
import { ApiObject, Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { Cpu, k8s } from 'cdk8s-plus-28';
import { z } from 'zod';
import { PLATFORM_COMPONENT, PLATFORM_WARNING_IDS, PlatformNote, platformLabels } from '../conventions';
import { EKS_GPU_INSTANCES } from '../spec/machines';
import { formatProblem, parseOrThrow, throwIfProblems } from '../spec/problems';
import { CpuValue, cpuCores, durationMillis, seconds, sizeKibibytes, zCpu, zDnsLabel, zDnsSubdomain, zInt, zLabelKey, zLabelMap, zLabelValue, zSize } from '../spec/values';

/**
 * Facts of Karpenter's v1 API, read in kubernetes-sigs/karpenter at tag v1.14.1 (commit
 * 6e7eab7a): pkg/apis/v1/nodepool.go, nodeclaim.go, labels.go and the CRD
 * pkg/apis/crds/karpenter.sh_nodepools.yaml (copied into crds/ for the tests).
 * - `spec.template.spec.requirements[]` {key, operator, values, minValues}: at most 100;
 *   keys in the `karpenter.sh` domain are refused except `karpenter.sh/capacity-type`, and
 *   `karpenter.sh/nodepool` and `kubernetes.io/hostname` are refused (CEL rules); the same
 *   rules hold for `template.metadata.labels`.
 * - `spec.template.spec.nodeClassRef` {group, kind, name}, all required; group and kind
 *   immutable. The AWS provider's class is `karpenter.k8s.aws` / `EC2NodeClass`.
 * - `spec.template.spec.taints[]`: core v1 Taints (effect NoSchedule, PreferNoSchedule,
 *   NoExecute).
 * - `spec.limits`: a ResourceList. The scheduler drops instance types whose capacity
 *   exceeds what is left of a limit (`filterByRemainingResources` in
 *   pkg/controllers/provisioning/scheduling/scheduler.go), the usage being the capacity of
 *   the pool's nodes. A `nodes` key counts nodes: added for static NodePools in v1.8.0,
 *   and enforced for ordinary (dynamic) NodePools from v1.11.0 (#2526, commit 9f749d9f:
 *   every node counts `nodes: 1`); earlier releases store the key and never count it.
 * - `spec.disruption.consolidationPolicy`: WhenEmpty | WhenEmptyOrUnderutilized (default),
 *   and Balanced from v1.14.0; `consolidateAfter`: `^(([0-9]+(s|m|h))+|Never)$`, default 0s.
 * - `spec.weight`: 1-100, higher first; none is 0.
 * - `spec.template.spec.expireAfter`: same pattern, default 720h.
 * - There is no minimum node count. `spec.replicas` (v1.8.0, alpha, feature gate
 *   StaticCapacity off by default) makes a static pool of a fixed count, which cannot be
 *   combined with resource limits or weight and cannot turn into a dynamic pool.
 * - Preferred node affinity: the provisioner first treats a pod's preferred terms as
 *   required and drops them one at a time, heaviest first, when the pod cannot be placed
 *   (`Relax` in pkg/controllers/provisioning/scheduling/preferences.go).
 * What a node counts against the limits before it reports its own capacity is the AWS
 * provider's estimate (aws/karpenter-provider-aws tag v1.14.1,
 * pkg/providers/instancetype/types.go `computeCapacity`): cpu = the instance's default
 * vCPUs, memory = its MiB minus VM_MEMORY_OVERHEAD_PERCENT (7.5 % by default),
 * `nvidia.com/gpu` = its NVIDIA GPUs. The provider's API group `karpenter.k8s.aws`
 * (pkg/apis/apis.go) and kind EC2NodeClass (pkg/apis/v1/ec2nodeclass.go).
 */
export const KARPENTER = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  /** The release the facts above were read at. */
  checkedRelease: 'v1.14.1',
  /** First release that enforces `limits.nodes` on dynamic NodePools. */
  nodesLimitSince: 'v1.11.0',
  /** First release with consolidationPolicy Balanced. */
  balancedSince: 'v1.14.0',
  capacityTypeLabel: 'karpenter.sh/capacity-type',
  capacityTypes: ['on-demand', 'spot', 'reserved'],
  consolidationPolicies: ['WhenEmpty', 'WhenEmptyOrUnderutilized', 'Balanced'],
  nodesLimitKey: 'nodes',
  /** The AWS provider's node class (aws/karpenter-provider-aws, pkg/apis/v1). */
  awsNodeClass: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass' },
  restrictedLabelDomain: 'karpenter.sh',
  restrictedLabels: ['karpenter.sh/nodepool', 'kubernetes.io/hostname'],
  allowedKarpenterLabels: ['karpenter.sh/capacity-type'],
} as const;

/**
 * Well-known node labels (k8s.io/api core/v1 well_known_labels.go: LabelInstanceTypeStable,
 * LabelArchStable; Kubernetes docs "Well-Known Labels, Annotations and Taints"). The
 * kubelet and the cloud provider set them on every node; the seed's `instance-type` is not
 * a label any node carries (the old `beta.kubernetes.io/instance-type` is deprecated).
 */
export { INSTANCE_TYPE_LABEL } from '../pod/affinity';
export const ARCH_LABEL = 'kubernetes.io/arch';

/**
 * The taint of GPU nodes: the key the library's inference pods tolerate by default
 * (`scheduling.tolerateTaints: ['nvidia.com/gpu']`, operator Exists, effect NoSchedule:
 * src/spec/workload.ts, src/pod/affinity.ts), so they land on these nodes and pods that
 * need no GPU stay off them.
 */
export const GPU_NODE_TAINT: NodePoolTaint = { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' };

// ---- instance types -------------------------------------------------------------------

/** What Karpenter counts against a pool's limits for one node of an instance type. */
export interface InstanceCapacity {
  readonly name: string;
  readonly vcpus: number;
  readonly memoryMib: number;
  readonly gpus: number;
  readonly arch: 'amd64' | 'arm64';
}

/**
 * EC2 instance types the seed names that src/spec/machines.ts (GPU types of inference) does
 * not hold: vCPUs, memory (MiB) and GPUs from cluster-autoscaler
 * cloudprovider/aws/ec2_instance_types.go (kubernetes/autoscaler @ 55c37cd5, static list
 * of 2026-01-22), the same source as machines.ts. p3 carries NVIDIA V100 16GB.
 */
const EXTRA_INSTANCES: readonly InstanceCapacity[] = [
  { name: 'p3.8xlarge', vcpus: 32, memoryMib: 249856, gpus: 4, arch: 'amd64' },
  { name: 'p3.16xlarge', vcpus: 64, memoryMib: 499712, gpus: 8, arch: 'amd64' },
  { name: 'c5.4xlarge', vcpus: 16, memoryMib: 32768, gpus: 0, arch: 'amd64' },
  { name: 'c5.9xlarge', vcpus: 36, memoryMib: 73728, gpus: 0, arch: 'amd64' },
  { name: 'c5.18xlarge', vcpus: 72, memoryMib: 147456, gpus: 0, arch: 'amd64' },
];

/** Every EC2 instance type whose capacity the library knows (the EKS rows of machines.ts are all x86). */
export const KNOWN_INSTANCES: readonly InstanceCapacity[] = [
  ...EKS_GPU_INSTANCES.map((m) => ({ name: m.name, vcpus: m.vcpus, memoryMib: m.memoryMib, gpus: m.gpus, arch: 'amd64' as const })),
  ...EXTRA_INSTANCES,
];

/** The capacity of an instance type, or undefined. */
export function findInstance(name: string): InstanceCapacity | undefined {
  return KNOWN_INSTANCES.find((i) => i.name === name);
}

// ---- props ----------------------------------------------------------------------------

export type CapacityType = (typeof KARPENTER.capacityTypes)[number];
export type ConsolidationPolicy = (typeof KARPENTER.consolidationPolicies)[number];

export interface NodePoolTaint {
  /** A qualified name, e.g. `nvidia.com/gpu`. */
  readonly key: string;
  /** @default - no value */
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Most capacity the pool may hold in all; a resource left out is not limited. */
export interface NodePoolLimits {
  /** Sum of the nodes' vCPUs. */
  readonly cpu?: CpuValue;
  /** Sum of the nodes' memory (as the nodes report it: below the instance's). */
  readonly memory?: Size;
  /** Sum of the nodes' GPUs (`limits.<gpuResourceName>`). */
  readonly gpus?: number;
  /** Nodes (`limits.nodes`): enforced from Karpenter v1.11.0; earlier releases ignore it. */
  readonly nodes?: number;
}

export interface NodePoolDisruption {
  /**
   * Which nodes consolidation may remove: `WhenEmpty` only nodes without pods (other
   * than DaemonSets); `WhenEmptyOrUnderutilized` also moves pods to pack nodes;
   * `Balanced` (Karpenter v1.14.0+) weighs savings against moves.
   * @default 'WhenEmpty': moving a GPU pod reloads its model or restarts a training step,
   * which costs more than an underused node (Karpenter's own default is WhenEmptyOrUnderutilized)
   */
  readonly consolidationPolicy?: ConsolidationPolicy;
  /**
   * How long a node must stay consolidatable before it is removed; whole seconds, or
   * 'Never'.
   * @default Duration.minutes(5): a node emptied by a rollout is kept for the pods the
   * rollout brings back (Karpenter's own default is 0s)
   */
  readonly consolidateAfter?: Duration | 'Never';
}

export interface KarpenterNodePoolProps {
  /** metadata.name; nodes carry it as label `karpenter.sh/nodepool`, so it is an RFC 1123 label. */
  readonly name: string;
  /** Name of the EC2NodeClass the nodes use (installed separately; not emitted here). */
  readonly nodeClassName: string;
  /** EC2 instance types the pool may launch (`node.kubernetes.io/instance-type In [...]`); Karpenter picks the cheapest that fits. */
  readonly instanceTypes: readonly string[];
  /** @default ['on-demand']: spot capacity can be reclaimed with two minutes' notice */
  readonly capacityTypes?: readonly CapacityType[];
  /** @default ['amd64'] */
  readonly architectures?: readonly ('amd64' | 'arm64')[];
  /** @default - no limit: the pool grows as long as pods are pending (see {@link limitsForNodeCount}) */
  readonly limits?: NodePoolLimits;
  /**
   * Taints of the nodes.
   * @default - [GPU_NODE_TAINT] when every instance type is a known GPU type, else none
   */
  readonly taints?: readonly NodePoolTaint[];
  /** @default - WhenEmpty after 5 minutes (see NodePoolDisruption) */
  readonly disruption?: NodePoolDisruption;
  /** Order among pools that fit a pod, 1-100, higher first. @default - none (Karpenter counts it as 0) */
  readonly weight?: number;
  /** Node lifetime (`expireAfter`): whole seconds or 'Never'. @default - Karpenter's 720h: nodes are replaced every 30 days, their pods evicted */
  readonly expireAfter?: Duration | 'Never';
  /** Labels the nodes get (`template.metadata.labels`), for pods to select. @default {} */
  readonly nodeLabels?: Record<string, string>;
  /** Device plugin resource name of the GPUs, for `limits`. @default 'nvidia.com/gpu' */
  readonly gpuResourceName?: string;
  /** `app.kubernetes.io/part-of` of the NodePool. @default - not set */
  readonly partOf?: string;
  /** Extra labels on the NodePool object. @default {} */
  readonly labels?: Record<string, string>;
}

/** A Duration of whole, non-negative seconds, or 'Never' (Karpenter's `^(([0-9]+(s|m|h))+|Never)$`). */
const zKarpenterDuration = z.custom<Duration | 'Never'>(
  (v) => v === 'Never' || (v instanceof Duration && Number.isInteger(durationMillis(v) / 1000) && durationMillis(v) >= 0),
  (v) => ({
    message:
      v instanceof Duration && Number.isFinite(durationMillis(v)) && durationMillis(v) >= 0
        ? 'must be a whole number of seconds (Karpenter writes s, m, h); round it'
        : 'must be a cdk8s Duration of whole seconds (not negative), or "Never"; e.g. Duration.minutes(5)',
  }),
);

function uniqueList<T extends z.ZodTypeAny>(item: T, what: string) {
  return z
    .array(item)
    .min(1, `must hold at least one ${what}; add one or leave the field out`)
    .superRefine((list, ctx) => {
      list.forEach((v, i) => {
        if (list.indexOf(v) !== i) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: `repeats ${JSON.stringify(v)}; remove the duplicate` });
      });
    });
}

/** Node label keys Karpenter refuses in a NodePool (CEL rules of the CRD, see KARPENTER). */
export function restrictedLabelProblem(key: string): string | undefined {
  if ((KARPENTER.restrictedLabels as readonly string[]).includes(key)) return `is set by Karpenter or the kubelet itself and refused in a NodePool; remove it`;
  const domain = key.includes('/') ? key.slice(0, key.indexOf('/')) : '';
  if (domain.endsWith(KARPENTER.restrictedLabelDomain) && !(KARPENTER.allowedKarpenterLabels as readonly string[]).includes(key)) {
    return `is in the ${KARPENTER.restrictedLabelDomain} domain, which Karpenter reserves; use a label of your own domain`;
  }
  return undefined;
}

const zNodeLabels = zLabelMap.superRefine((labels, ctx) => {
  for (const key of Object.keys(labels)) {
    const problem = restrictedLabelProblem(key);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: problem, params: { value: key } });
  }
});

const taintSchema = z
  .object({
    key: zLabelKey,
    value: zLabelValue.optional(),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
  })
  .strict() satisfies z.ZodType<NodePoolTaint>;

const zGpuResourceName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'must be an extended resource name like nvidia.com/gpu; fix the name');

export const karpenterNodePoolPropsSchema = z
  .object({
    name: zDnsLabel,
    nodeClassName: zDnsSubdomain,
    instanceTypes: uniqueList(zLabelValue.pipe(z.string().min(1, 'must not be empty; give an instance type such as p4d.24xlarge')), 'instance type'),
    capacityTypes: uniqueList(z.enum(KARPENTER.capacityTypes), 'capacity type').optional(),
    architectures: uniqueList(z.enum(['amd64', 'arm64']), 'architecture').optional(),
    limits: z
      .object({
        cpu: zCpu.optional(),
        memory: zSize.optional(),
        gpus: zInt(0, undefined, 'GPUs').optional(),
        nodes: zInt(0, undefined, 'nodes').optional(),
      })
      .strict()
      .optional(),
    taints: z.array(taintSchema).optional(),
    disruption: z
      .object({
        consolidationPolicy: z.enum(KARPENTER.consolidationPolicies).optional(),
        consolidateAfter: zKarpenterDuration.optional(),
      })
      .strict()
      .optional(),
    weight: zInt(1, 100, 'NodePool weight').optional(),
    expireAfter: zKarpenterDuration.optional(),
    nodeLabels: zNodeLabels.optional(),
    gpuResourceName: zGpuResourceName.optional(),
    partOf: z.string().optional(),
    labels: zLabelMap.optional(),
  })
  .strict() satisfies z.ZodType<KarpenterNodePoolProps>;

/** Karpenter's duration syntax: `90s` -> `1m30s`, `0` -> `0s`, `Never` as is. */
export function karpenterDuration(d: Duration | 'Never'): string {
  if (d === 'Never') return d;
  const total = seconds(d);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const text = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return text || '0s';
}

const DEFAULT_DISRUPTION = { consolidationPolicy: 'WhenEmpty' as ConsolidationPolicy, consolidateAfter: Duration.minutes(5) as Duration | 'Never' };

/** Relations the schema cannot see: taints unique by key and effect; known instance types of the given architectures. */
function nodePoolProblems(p: z.output<typeof karpenterNodePoolPropsSchema>): string[] {
  const problems: string[] = [];
  const architectures = p.architectures ?? ['amd64'];
  p.instanceTypes.forEach((t, i) => {
    const known = findInstance(t);
    if (known && !architectures.includes(known.arch)) {
      problems.push(formatProblem(['instanceTypes', i], t, `is an ${known.arch} instance type, outside architectures (${architectures.join(', ')}): Karpenter would never launch it; add ${known.arch} to architectures or remove the type`));
    }
  });
  const seen = new Map<string, number>();
  (p.taints ?? []).forEach((t, i) => {
    const key = `${t.key}:${t.effect}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) problems.push(formatProblem(['taints', i], t.key, `repeats taints[${earlier}] (same key and effect ${t.effect}): a node holds one taint per key and effect; remove one`));
    else seen.set(key, i);
  });
  return problems;
}

/**
 * A Karpenter `karpenter.sh/v1` NodePool: which EC2 instance types, capacity types and
 * architectures nodes may have (requirements on the well-known labels), how much the pool
 * may hold in all (`limits`), the nodes' taints and labels, the EC2NodeClass they use (a
 * reference only: the EC2NodeClass, like Karpenter itself, is installed by its own chart),
 * when empty or underused nodes go (`disruption`) and the pool's weight.
 *
 * What a NodePool is not: a node group with a size. Karpenter launches a node when a pod is
 * pending that fits no existing node and removes nodes consolidation finds unneeded; there
 * is no minimum. The workloads' minReplicas keep nodes up (each running pod holds its
 * node); a maximum is a limit ({@link limitsForNodeCount}).
 */
export class KarpenterNodePool extends Construct {
  readonly nodePool: ApiObject;
  readonly name: string;
  /** Taints as emitted (the default GPU taint included). */
  readonly taints: readonly NodePoolTaint[];
  /** What the pool cannot do as asked, for synth warnings. */
  readonly notes: readonly PlatformNote[];

  constructor(scope: Construct, id: string, props: KarpenterNodePoolProps) {
    super(scope, id);
    const subject = `KarpenterNodePool ${scope.node.path}/${id}`;
    const p = parseOrThrow(karpenterNodePoolPropsSchema, props, subject);
    throwIfProblems(subject, nodePoolProblems(p));
    this.name = p.name;

    const known = p.instanceTypes.map(findInstance);
    const allGpu = known.every((k) => k !== undefined && k.gpus > 0);
    this.taints = p.taints ?? (allGpu ? [GPU_NODE_TAINT] : []);
    const anyGpu = known.some((k) => k !== undefined && k.gpus > 0);
    const notes: PlatformNote[] = [];
    if (anyGpu && !this.taints.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) {
      notes.push({
        id: PLATFORM_WARNING_IDS.gpuPoolUntainted,
        message: `NodePool "${p.name}" launches GPU instance types without a NoSchedule taint: pods that need no GPU are placed on GPU nodes and keep them up; add ${GPU_NODE_TAINT.key}:${GPU_NODE_TAINT.effect} (the library's GPU pods tolerate it)`,
      });
    }
    if (!p.limits || Object.values(p.limits).every((v) => v === undefined)) {
      notes.push({
        id: PLATFORM_WARNING_IDS.nodePoolUnlimited,
        message: `NodePool "${p.name}" has no limits: Karpenter launches nodes for as long as pods are pending (a runaway autoscaler or a crash-looping Job included), up to the cloud account's quotas; set limits (limitsForNodeCount derives them from a node count)`,
      });
    }
    this.notes = notes;

    const disruption = { ...DEFAULT_DISRUPTION, ...stripUndefined(p.disruption ?? {}) };
    const requirements: { key: string; operator: 'In'; values: string[] }[] = [
      { key: INSTANCE_TYPE_LABEL, operator: 'In', values: [...p.instanceTypes] },
      { key: KARPENTER.capacityTypeLabel, operator: 'In', values: [...(p.capacityTypes ?? ['on-demand'])] },
      { key: ARCH_LABEL, operator: 'In', values: [...(p.architectures ?? ['amd64'])] },
    ];
    const limits = p.limits ? limitsJson(p.limits, p.gpuResourceName ?? GPU_NODE_TAINT.key) : undefined;

    this.nodePool = new ApiObject(this, 'Resource', {
      apiVersion: KARPENTER.apiVersion,
      kind: KARPENTER.kind,
      metadata: { name: p.name, labels: { ...platformLabels(PLATFORM_COMPONENT.nodes, p.partOf), ...p.labels } },
      spec: {
        template: {
          ...(p.nodeLabels && Object.keys(p.nodeLabels).length > 0 ? { metadata: { labels: p.nodeLabels } } : {}),
          spec: {
            requirements,
            nodeClassRef: { group: KARPENTER.awsNodeClass.group, kind: KARPENTER.awsNodeClass.kind, name: p.nodeClassName },
            ...(this.taints.length > 0 ? { taints: this.taints.map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect })) } : {}),
            ...(p.expireAfter !== undefined ? { expireAfter: karpenterDuration(p.expireAfter) } : {}),
          },
        },
        ...(limits && Object.keys(limits).length > 0 ? { limits } : {}),
        disruption: { consolidationPolicy: disruption.consolidationPolicy, consolidateAfter: karpenterDuration(disruption.consolidateAfter) },
        ...(p.weight !== undefined ? { weight: p.weight } : {}),
      },
    });
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `spec.limits`: quantities as strings, counts as numbers. */
function limitsJson(limits: NodePoolLimits, gpuResourceName: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (limits.cpu) out.cpu = limits.cpu.amount;
  if (limits.memory) out.memory = limits.memory.asString();
  if (limits.gpus !== undefined) out[gpuResourceName] = limits.gpus;
  if (limits.nodes !== undefined) out[KARPENTER.nodesLimitKey] = limits.nodes;
  return out;
}

// ---- node counts as limits ------------------------------------------------------------

export interface NodeCountInput {
  /** The NodePool's name, for the notes. */
  readonly pool: string;
  /** Most nodes the pool may hold. */
  readonly maxNodes: number;
  /** Fewest nodes the seed asks for: Karpenter cannot hold it (a note says what holds instead). @default 0 */
  readonly minNodes?: number;
  /** The pool's instance types; each must be a known type (KNOWN_INSTANCES). */
  readonly instanceTypes: readonly string[];
}

export interface NodeCountLimits {
  /** cpu, memory and GPUs sized for maxNodes of the largest type, and `nodes: maxNodes`. */
  readonly limits: Required<Pick<NodePoolLimits, 'cpu' | 'memory' | 'nodes'>> & Pick<NodePoolLimits, 'gpus'>;
  /**
   * Most nodes the cpu and GPU limits admit without `limits.nodes` (Karpenter before
   * v1.11.0): maxNodes when every type has the same vCPUs and GPUs, more when some are
   * smaller. Memory is left out: Karpenter counts less memory per node than the instance
   * has (the 7.5 % VM overhead, then the kernel's share), so the memory limit admits at
   * least as many.
   */
  readonly maxNodesByResources: number;
  /** The type that reaches maxNodesByResources. */
  readonly loosestType: string;
  readonly notes: readonly PlatformNote[];
}

const nodeCountInputSchema = z
  .object({
    pool: z.string().min(1, 'must not be empty; name the NodePool'),
    maxNodes: zInt(1, undefined, 'nodes'),
    minNodes: zInt(0, undefined, 'nodes').optional(),
    instanceTypes: z
      .array(z.string())
      .min(1, 'must hold at least one instance type; add one')
      .superRefine((types, ctx) => {
        types.forEach((t, i) => {
          if (!findInstance(t)) {
            ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: `is not an instance type whose capacity the library knows; use one of ${KNOWN_INSTANCES.map((k) => k.name).join(', ')}, or give the pool's limits yourself` });
          }
        });
      }),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.minNodes !== undefined && v.minNodes > v.maxNodes) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['minNodes'], message: `is above maxNodes (${v.maxNodes}); lower minNodes or raise maxNodes` });
    }
  }) satisfies z.ZodType<NodeCountInput>;

/**
 * A node count turned into limits Karpenter enforces: `nodes: maxNodes` (exact, from
 * Karpenter v1.11.0) and cpu, memory and GPUs of maxNodes nodes of the largest type, so
 * that maxNodes of any listed type fit under them. "GPU nodes max 50 of p4d.24xlarge"
 * becomes `{ cpu: 4800, memory: 57600Gi, nvidia.com/gpu: 400, nodes: 50 }`.
 *
 * With several sizes the resource limits alone admit more nodes of the smaller types
 * (reported in maxNodesByResources and a note); a minimum count cannot be expressed at all
 * (a note says what holds instead).
 */
export function limitsForNodeCount(input: NodeCountInput): NodeCountLimits {
  const v = parseOrThrow(nodeCountInputSchema, input, 'limitsForNodeCount input');
  const types = v.instanceTypes.map((t) => findInstance(t)!);
  const maxOf = (f: (i: InstanceCapacity) => number) => Math.max(...types.map(f));
  const cpu = v.maxNodes * maxOf((i) => i.vcpus);
  const memoryMib = v.maxNodes * maxOf((i) => i.memoryMib);
  const gpus = v.maxNodes * maxOf((i) => i.gpus);

  // Per type: the most nodes of it the cpu and GPU limits leave room for.
  let maxNodesByResources = 0;
  let loosestType = types[0].name;
  for (const t of types) {
    const byCpu = Math.floor(cpu / t.vcpus);
    const count = t.gpus > 0 ? Math.min(byCpu, Math.floor(gpus / t.gpus)) : byCpu;
    if (count > maxNodesByResources) {
      maxNodesByResources = count;
      loosestType = t.name;
    }
  }

  const largest = types.reduce((a, b) => (b.vcpus > a.vcpus ? b : a));
  const resourceText = `cpu ${cpu}${gpus > 0 ? `, nvidia.com/gpu ${gpus}` : ''}, memory ${memoryMib / 1024}Gi, sized for ${v.maxNodes} × ${largest.name}`;
  const notes: PlatformNote[] = [
    {
      id: PLATFORM_WARNING_IDS.nodePoolNodeCount,
      message:
        `NodePool "${v.pool}": at most ${v.maxNodes} nodes is limits.nodes ${v.maxNodes}, which Karpenter enforces from ${KARPENTER.nodesLimitSince} on (earlier releases ignore the key); ` +
        (maxNodesByResources > v.maxNodes
          ? `without it the resource limits (${resourceText}) admit up to ${maxNodesByResources} nodes of ${loosestType}. Run Karpenter ${KARPENTER.nodesLimitSince} or later, or give each size its own pool`
          : `the resource limits (${resourceText}) also hold the pool to ${v.maxNodes} nodes on older releases`),
    },
  ];
  if ((v.minNodes ?? 0) > 0) {
    notes.push({
      id: PLATFORM_WARNING_IDS.nodePoolNoMinimum,
      message:
        `NodePool "${v.pool}": a minimum of ${v.minNodes} node${v.minNodes === 1 ? '' : 's'} cannot be expressed: Karpenter has no minimum node count; it launches nodes only for pending pods and consolidation removes nodes without them. ` +
        `What holds instead: the running pods of the workloads' minReplicas keep enough nodes up to run them. To keep idle capacity, run placeholder pods of a negative-priority class that real pods preempt, ` +
        `or a static NodePool (spec.replicas: alpha since v1.8.0, feature gate StaticCapacity off by default, no resource limits or weight)`,
    });
  }
  return {
    limits: { cpu: Cpu.units(cpu), memory: memoryMib % 1024 === 0 ? Size.gibibytes(memoryMib / 1024) : Size.mebibytes(memoryMib), nodes: v.maxNodes, ...(gpus > 0 ? { gpus } : {}) },
    maxNodesByResources,
    loosestType,
    notes,
  };
}

/**
 * The cluster-wide node count the seed asks for ("cluster nodes 3-100"), which no Karpenter
 * object holds: limits are per NodePool. Compares the pools' maxima with the cluster's.
 */
export function clusterNodeCountNote(cluster: { readonly minNodes: number; readonly maxNodes: number }, pools: readonly { readonly name: string; readonly maxNodes: number }[]): PlatformNote {
  const sum = pools.reduce((s, p) => s + p.maxNodes, 0);
  const parts = pools.map((p) => `${p.name} ${p.maxNodes}`).join(' + ');
  const relation = sum > cluster.maxNodes ? `above the cluster's ${cluster.maxNodes}: lower a pool's maximum` : sum < cluster.maxNodes ? `below the cluster's ${cluster.maxNodes}` : `equal to the cluster's ${cluster.maxNodes}`;
  return {
    id: PLATFORM_WARNING_IDS.clusterNodeCount,
    message:
      `cluster nodes ${cluster.minNodes}-${cluster.maxNodes}: Karpenter limits each NodePool, not the cluster; the pools' maxima sum to ${sum} (${parts}), ${relation}. ` +
      `Nodes Karpenter does not manage (the node group Karpenter itself runs on) come on top, and the minimum of ${cluster.minNodes} holds only through pods that run (see ${PLATFORM_WARNING_IDS.nodePoolNoMinimum})`,
  };
}

// ---- pod side -------------------------------------------------------------------------

/**
 * The pod's preferred node affinity term for `types` on the well-known label
 * `node.kubernetes.io/instance-type` (one term, every type alike): for
 * `affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution`. kube-scheduler
 * scores nodes of these types higher; Karpenter first provisions as if the term were
 * required and drops it only when the pod fits nowhere else. Weight 1-100 (the API's range).
 */
export function preferredInstanceTypes(types: readonly string[], weight = 100): k8s.PreferredSchedulingTerm {
  const input = parseOrThrow(preferredInstanceTypesSchema, { types, weight }, 'preferredInstanceTypes');
  return preferredInstanceTypesTerm(input.types, input.weight);
}

const preferredInstanceTypesSchema = z
  .object({
    types: uniqueList(zLabelValue.pipe(z.string().min(1, 'must not be empty; give an instance type such as p4d.24xlarge')), 'instance type'),
    weight: zInt(1, 100, 'preferred scheduling term weight'),
  })
  .strict();

/** Cores and GiB of NodePoolLimits, for people. */
export function describeLimits(limits: NodePoolLimits): string {
  const parts: string[] = [];
  if (limits.cpu) parts.push(`${cpuCores(limits.cpu.amount)} vCPUs`);
  if (limits.memory) parts.push(`${sizeKibibytes(limits.memory) / 1024 / 1024}Gi memory`);
  if (limits.gpus !== undefined) parts.push(`${limits.gpus} GPUs`);
  if (limits.nodes !== undefined) parts.push(`${limits.nodes} nodes`);
  return parts.join(', ');
}
