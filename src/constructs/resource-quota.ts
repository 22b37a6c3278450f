import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { z } from 'zod';
import { PLATFORM_COMPONENT, PLATFORM_QUOTA_NAME, PLATFORM_WARNING_IDS, PlatformNote, platformLabels } from '../conventions';
import { sizeQuantity } from '../pod/quantity';
import { parseOrThrow } from '../spec/problems';
import { CpuValue, cpuCores, sizeKibibytes, zCpu, zDnsLabel, zDnsSubdomain, zInt, zLabelMap, zSize } from '../spec/values';

/**
 * How the API server treats quota keys (kubernetes/kubernetes sources of recent releases,
 * read through the code index without a tag; the rules date from 1.10, when quota of
 * extended resources arrived, and hold for the 1.28 API this library targets):
 * - pkg/quota/v1/evaluator/core/pods.go `isExtendedResourceNameForQuota`: an extended
 *   resource (a name with a domain, outside kubernetes.io) is counted only under the
 *   `requests.` prefix: `requests.nvidia.com/gpu`. Overcommit of extended resources is not
 *   allowed, so there is no `limits.` form.
 * - pkg/apis/core/validation/validation.go `ValidateResourceQuotaResourceName`: a key with
 *   a "/" passes validation whatever it is, so a bare `nvidia.com/gpu: 50` is STORED, but
 *   no evaluator matches it: the quota never counts a GPU against it, and GPUs are
 *   unlimited while `kubectl describe quota` shows the line. Kubernetes docs "Resource
 *   Quotas", section "Quota for extended resources", give the `requests.` form.
 * - pods.go `validationSet` and the evaluator's Constraints: when a quota in the namespace
 *   tracks cpu or memory (requests.* or limits.*), the API server REFUSES every pod whose
 *   containers (init containers too) do not each set that request or limit ("must specify
 *   requests.cpu for: <containers>"), unless a LimitRange of the namespace fills defaults
 *   in first. Extended resources carry no such rule.
 */
export const QUOTA_FACTS = {
  requestsPrefix: 'requests.',
  cpuRequests: 'requests.cpu',
  memoryRequests: 'requests.memory',
  cpuLimits: 'limits.cpu',
  memoryLimits: 'limits.memory',
  pods: 'pods',
  defaultGpuResource: 'nvidia.com/gpu',
} as const;

/** The hard limits of the namespace's quota. */
export interface QuotaHardLimits {
  /** GPUs requested in the namespace at once, in all (`requests.<gpuResourceName>`); 0 forbids GPU pods. */
  readonly gpus: number;
  /**
   * The device plugin's extended resource name, WITHOUT the `requests.` prefix (the quota
   * key adds it): `nvidia.com/gpu`, or a MIG profile such as `nvidia.com/mig-1g.5gb`.
   * @default 'nvidia.com/gpu'
   */
  readonly gpuResourceName?: string;
  /** Sum of the pods' CPU requests (`requests.cpu`), e.g. `Cpu.units(200)`. */
  readonly requestsCpu: CpuValue;
  /** Sum of the pods' memory requests (`requests.memory`), e.g. `Size.gibibytes(800)`. */
  readonly requestsMemory: Size;
  /** Sum of the pods' CPU limits (`limits.cpu`): every container must then set a CPU limit. @default - not limited */
  readonly limitsCpu?: CpuValue;
  /** Sum of the pods' memory limits (`limits.memory`): every container must then set a memory limit. @default - not limited */
  readonly limitsMemory?: Size;
  /** Pods in a non-terminal phase (`pods`). @default - not limited */
  readonly pods?: number;
}

export interface PlatformResourceQuotaProps {
  /** The namespace the quota applies to (quotas are per namespace). */
  readonly namespace: string;
  /** metadata.name. @default 'platform-quota' */
  readonly name?: string;
  readonly hard: QuotaHardLimits;
  /** `app.kubernetes.io/part-of`: the platform's name. @default - not set */
  readonly partOf?: string;
  /** Extra labels. @default {} */
  readonly labels?: Record<string, string>;
}

// An extended resource name as the API accepts it in a container's resources: a DNS
// subdomain prefix outside kubernetes.io, "/", a name (IsExtendedResourceName).
const EXTENDED_RESOURCE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

const zGpuResourceName = z.string().superRefine((name, ctx) => {
  const message = name.startsWith(QUOTA_FACTS.requestsPrefix)
    ? `must be the device plugin's resource name without the "${QUOTA_FACTS.requestsPrefix}" prefix (the quota key adds it); write "${name.slice(QUOTA_FACTS.requestsPrefix.length)}"`
    : !EXTENDED_RESOURCE.test(name) || name.length > 253
      ? 'must be an extended resource name such as nvidia.com/gpu (a domain, "/", a name); fix the name'
      : /(^|\.)kubernetes\.io\//.test(name)
        ? 'must not be in the kubernetes.io domain (those are native resources, not device-plugin resources); give the device plugin\'s name, e.g. nvidia.com/gpu'
        : undefined;
  if (message) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
});

const quotaHardSchema = z
  .object({
    gpus: zInt(0, undefined, 'GPUs'),
    gpuResourceName: zGpuResourceName.optional(),
    requestsCpu: zCpu,
    requestsMemory: zSize,
    limitsCpu: zCpu.optional(),
    limitsMemory: zSize.optional(),
    pods: zInt(0, undefined, 'pods').optional(),
  })
  .strict() satisfies z.ZodType<QuotaHardLimits>;

export const platformResourceQuotaPropsSchema = z
  .object({
    namespace: zDnsLabel,
    name: zDnsSubdomain.optional(),
    hard: quotaHardSchema,
    partOf: z.string().optional(),
    labels: zLabelMap.optional(),
  })
  .strict() satisfies z.ZodType<PlatformResourceQuotaProps>;

/** The seed's quota (Opifex, namespace opifex-system), as numbers and units. */
export const SEED_QUOTA = {
  namespace: 'opifex-system',
  gpus: 50,
  requestsCpuCores: 200,
  requestsMemoryGib: 800,
} as const;

/** The quota key of the GPUs: `requests.nvidia.com/gpu`. */
export function gpuQuotaKey(gpuResourceName: string = QUOTA_FACTS.defaultGpuResource): string {
  return `${QUOTA_FACTS.requestsPrefix}${gpuResourceName}`;
}

/** `spec.hard` of the quota, keys as the API server counts them. */
export function quotaHard(hard: QuotaHardLimits): Record<string, k8s.Quantity> {
  const out: Record<string, k8s.Quantity> = {
    [gpuQuotaKey(hard.gpuResourceName)]: k8s.Quantity.fromNumber(hard.gpus),
    [QUOTA_FACTS.cpuRequests]: k8s.Quantity.fromString(hard.requestsCpu.amount),
    [QUOTA_FACTS.memoryRequests]: sizeQuantity(hard.requestsMemory),
  };
  if (hard.limitsCpu) out[QUOTA_FACTS.cpuLimits] = k8s.Quantity.fromString(hard.limitsCpu.amount);
  if (hard.limitsMemory) out[QUOTA_FACTS.memoryLimits] = sizeQuantity(hard.limitsMemory);
  if (hard.pods !== undefined) out[QUOTA_FACTS.pods] = k8s.Quantity.fromNumber(hard.pods);
  return out;
}

/**
 * A `v1` ResourceQuota for one namespace of the platform: GPUs under
 * `requests.nvidia.com/gpu` (the only key the API server counts for an extended resource;
 * a bare `nvidia.com/gpu` is accepted and never enforced), `requests.cpu`,
 * `requests.memory`, and optionally `limits.cpu`, `limits.memory` and `pods`.
 *
 * Side effect on every pod of the namespace: because the quota tracks CPU and memory, the
 * API server refuses any pod whose containers do not each request CPU and memory (and,
 * with limitsCpu/limitsMemory, set those limits), init containers included, unless a
 * LimitRange in the namespace supplies defaults. The library's inference pods always set
 * requests; sidecars injected by other tools (service meshes, log agents) must too.
 * Pods over the quota are refused at creation, so a Deployment that cannot add a pod shows
 * it in its ReplicaSet's events (FailedCreate), not as a Pending pod: check the workloads'
 * maximum with {@link quotaShortfalls}.
 */
export class PlatformResourceQuota extends Construct {
  readonly quota: k8s.KubeResourceQuota;
  readonly namespace: string;
  readonly name: string;
  /** The hard limits as given. */
  readonly hard: QuotaHardLimits;

  constructor(scope: Construct, id: string, props: PlatformResourceQuotaProps) {
    super(scope, id);
    const subject = `PlatformResourceQuota ${scope.node.path}/${id}`;
    const p = parseOrThrow(platformResourceQuotaPropsSchema, props, subject);
    this.namespace = p.namespace;
    this.name = p.name ?? PLATFORM_QUOTA_NAME;
    this.hard = p.hard;
    this.quota = new k8s.KubeResourceQuota(this, 'Resource', {
      metadata: { name: this.name, namespace: p.namespace, labels: { ...platformLabels(PLATFORM_COMPONENT.quota, p.partOf), ...p.labels } },
      spec: { hard: quotaHard(p.hard) },
    });
  }
}

// ---- the workloads against the quota -----------------------------------------------------

/** What one pod of a workload requests (its containers' requests summed). */
export interface PodRequests {
  readonly gpus: number;
  readonly cpuMillis: number;
  readonly memoryBytes: number;
}

/** A workload of the namespace at its most pods. */
export interface QuotaWorkload {
  readonly name: string;
  /** Most pods at once: maxReplicas, plus the rollout surge when the rollout adds pods before removing old ones. */
  readonly maxReplicas: number;
  readonly perPod: PodRequests;
}

/** One workload's part in a resource the quota cannot cover. */
export interface QuotaContribution {
  readonly name: string;
  readonly maxReplicas: number;
  /** Per pod, in the resource's unit. */
  readonly perPod: number;
  /** maxReplicas × perPod. */
  readonly total: number;
}

/** A resource the workloads at maxReplicas need more of than the quota allows. */
export interface QuotaShortfall {
  /** The quota key: `requests.nvidia.com/gpu`, `requests.cpu`, `requests.memory`, `pods`. */
  readonly resource: string;
  readonly unit: 'GPUs' | 'millicores' | 'bytes' | 'pods';
  /** Sum over the workloads of maxReplicas × the per-pod request. */
  readonly needed: number;
  /** The quota's hard limit, in the same unit. */
  readonly hard: number;
  /** The workloads that request the resource (per pod above 0), in the order given. */
  readonly workloads: readonly QuotaContribution[];
}

const quotaWorkloadSchema = z
  .object({
    name: z.string().min(1, 'must not be empty; name the workload'),
    maxReplicas: zInt(0, undefined, 'pods'),
    perPod: z
      .object({
        gpus: zInt(0, undefined, 'GPUs per pod'),
        cpuMillis: zInt(0, Number.MAX_SAFE_INTEGER, 'millicores per pod'),
        memoryBytes: zInt(0, Number.MAX_SAFE_INTEGER, 'bytes per pod'),
      })
      .strict(),
  })
  .strict() satisfies z.ZodType<QuotaWorkload>;

const quotaShortfallsInputSchema = z.object({ quota: quotaHardSchema, workloads: z.array(quotaWorkloadSchema) }).strict();

/**
 * Which resources of the quota the workloads cannot all reach maxReplicas under: for each
 * resource the quota limits (GPUs, requests.cpu, requests.memory, pods), the sum over the
 * workloads of maxReplicas × the per-pod request, compared with the hard limit; a resource
 * appears when the sum is above it. Exact integer arithmetic (millicores, bytes); limits.*
 * are not checked (workloads give requests only). Empty when everything fits.
 *
 * Why the sum at maxReplicas: the quota admits pods first come, first served; when the
 * sum is above the limit, whichever workload scales last is refused, whatever the others'
 * minimums.
 */
export function quotaShortfalls(quota: QuotaHardLimits, workloads: readonly QuotaWorkload[]): QuotaShortfall[] {
  const hard = parseOrThrow(quotaShortfallsInputSchema, { quota, workloads }, 'quotaShortfalls input').quota;

  const checks: { resource: string; unit: QuotaShortfall['unit']; hard: number; perPod: (w: QuotaWorkload) => number }[] = [
    { resource: gpuQuotaKey(hard.gpuResourceName), unit: 'GPUs', hard: hard.gpus, perPod: (w) => w.perPod.gpus },
    { resource: QUOTA_FACTS.cpuRequests, unit: 'millicores', hard: cpuMillicores(hard.requestsCpu), perPod: (w) => w.perPod.cpuMillis },
    { resource: QUOTA_FACTS.memoryRequests, unit: 'bytes', hard: sizeBytes(hard.requestsMemory), perPod: (w) => w.perPod.memoryBytes },
  ];
  if (hard.pods !== undefined) checks.push({ resource: QUOTA_FACTS.pods, unit: 'pods', hard: hard.pods, perPod: () => 1 });

  const shortfalls: QuotaShortfall[] = [];
  for (const check of checks) {
    const contributions = workloads
      .map((w) => ({ name: w.name, maxReplicas: w.maxReplicas, perPod: check.perPod(w), total: w.maxReplicas * check.perPod(w) }))
      .filter((c) => c.perPod > 0);
    const needed = contributions.reduce((sum, c) => sum + c.total, 0);
    if (needed > check.hard) shortfalls.push({ resource: check.resource, unit: check.unit, needed, hard: check.hard, workloads: contributions });
  }
  return shortfalls;
}

/**
 * A shortfall as a note for the platform chart's warnings:
 * `namespace opifex-system: requests.nvidia.com/gpu needs 64 GPUs at maxReplicas (train: 8 × 8 = 64), above the quota's 50; ...`.
 */
export function quotaShortfallNote(namespace: string, s: QuotaShortfall): PlatformNote {
  const parts = s.workloads.map((w) => `${w.name}: ${w.maxReplicas} × ${formatAmount(w.perPod, s.unit)} = ${formatAmount(w.total, s.unit)}`).join(', ');
  return {
    id: PLATFORM_WARNING_IDS.quotaShortfall,
    message:
      `namespace ${namespace}: ${s.resource} needs ${formatAmount(s.needed, s.unit)} with every workload at maxReplicas (${parts}), above the quota's ${formatAmount(s.hard, s.unit)}; ` +
      'the API server refuses the pods past the quota (FailedCreate on the ReplicaSet), so whichever workload scales last stays short. Raise the quota or lower maxReplicas',
  };
}

/** Whole millicores of a CPU amount (the API's precision). */
export function cpuMillicores(cpu: CpuValue): number {
  return Math.round(cpuCores(cpu.amount) * 1000);
}

/** Bytes of a Size. */
export function sizeBytes(size: Size): number {
  return Math.round(sizeKibibytes(size) * 1024);
}

function formatAmount(n: number, unit: QuotaShortfall['unit']): string {
  switch (unit) {
    case 'GPUs':
      return `${n} GPU${n === 1 ? '' : 's'}`;
    case 'pods':
      return `${n} pod${n === 1 ? '' : 's'}`;
    case 'millicores':
      return n % 1000 === 0 ? `${n / 1000} cores` : `${n}m CPU`;
    case 'bytes': {
      const gib = n / 2 ** 30;
      if (Number.isInteger(gib)) return `${gib}Gi`;
      const mib = n / 2 ** 20;
      return Number.isInteger(mib) ? `${mib}Mi` : `${n} bytes`;
    }
  }
}
