/**
 * Where the inference pods may run: node affinity to the GPU nodes, tolerations of their
 * taints, and the host anti-affinity that keeps one pod per node.
 */
import { k8s } from 'cdk8s-plus-28';
import { ResolvedGpu, ResolvedScheduling } from '../spec/workload';

/** Well-known node label naming the host: the topology of "one pod per node". */
export const HOSTNAME_TOPOLOGY_KEY = 'kubernetes.io/hostname';

/** Weight of the preferred anti-affinity term: the highest the scheduler takes. */
const PREFERRED_WEIGHT = 100;

/**
 * Required node affinity to nodes that carry every one of `nodeLabels` (one `In`
 * expression per label, all in one term, so they are ANDed), and, when `gpuProduct` is
 * given, whose product label holds one of its GPU models (one more `In` expression in the
 * same term); undefined with neither.
 */
export function gpuNodeAffinity(nodeLabels: Readonly<Record<string, string>>, gpuProduct?: ResolvedGpu['productSelector']): k8s.NodeAffinity | undefined {
  const expressions: k8s.NodeSelectorRequirement[] = Object.entries(nodeLabels).map(([key, value]) => ({ key, operator: 'In', values: [value] }));
  if (gpuProduct) expressions.push({ key: gpuProduct.label, operator: 'In', values: [...gpuProduct.values] });
  if (expressions.length === 0) return undefined;
  return {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: expressions }],
    },
  };
}

/**
 * Anti-affinity between the pods of one release on a host: `required` never co-locates
 * two of them, `preferred` does only when no other node fits, `none` gives undefined.
 */
export function hostAntiAffinity(mode: ResolvedScheduling['hostAntiAffinity'], selector: Record<string, string>): k8s.PodAntiAffinity | undefined {
  const term: k8s.PodAffinityTerm = { labelSelector: { matchLabels: selector }, topologyKey: HOSTNAME_TOPOLOGY_KEY };
  switch (mode) {
    case 'required':
      return { requiredDuringSchedulingIgnoredDuringExecution: [term] };
    case 'preferred':
      return { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: PREFERRED_WEIGHT, podAffinityTerm: term }] };
    case 'none':
      return undefined;
  }
}

/** Well-known node label holding the node's instance type (kubelet sets it from the cloud provider). */
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';

/** A preferred node-affinity term for nodes of these instance types, weight 1-100. */
export function preferredInstanceTypesTerm(types: readonly string[], weight = PREFERRED_WEIGHT): k8s.PreferredSchedulingTerm {
  return { weight, preference: { matchExpressions: [{ key: INSTANCE_TYPE_LABEL, operator: 'In', values: [...types] }] } };
}

/**
 * The pod's affinity: GPU nodes (of the GPU's product, when `gpu` names one), the preferred
 * instance types, and the host anti-affinity of the pods `selector` picks.
 */
export function podAffinity(scheduling: ResolvedScheduling, selector: Record<string, string>, gpu?: Pick<ResolvedGpu, 'productSelector'>): k8s.Affinity {
  const required = gpuNodeAffinity(scheduling.nodeLabels, gpu?.productSelector);
  const preferred = scheduling.preferredInstanceTypes.length > 0 ? [preferredInstanceTypesTerm(scheduling.preferredInstanceTypes)] : undefined;
  return {
    nodeAffinity: required || preferred ? { ...required, ...(preferred ? { preferredDuringSchedulingIgnoredDuringExecution: preferred } : {}) } : undefined,
    podAntiAffinity: hostAntiAffinity(scheduling.hostAntiAffinity, selector),
  };
}

/** Tolerations of the given taint keys, whatever their value (operator Exists, effect NoSchedule). */
export function taintTolerations(taintKeys: readonly string[]): k8s.Toleration[] {
  return taintKeys.map((key) => ({ key, operator: 'Exists', effect: 'NoSchedule' }));
}
