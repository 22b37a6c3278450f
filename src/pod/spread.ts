/** How the inference pods spread across zones. */
import { k8s } from 'cdk8s-plus-28';
import { ResolvedScheduling } from '../spec/workload';

/** Well-known node label naming the zone. */
export const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';

/** Label the Deployment controller puts on the pods of one ReplicaSet (one revision). */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/**
 * One zone topologySpreadConstraint, maxSkew 1, over the pods `selector` picks:
 * `DoNotSchedule` keeps a pod Pending rather than skew the zones, `ScheduleAnyway` only
 * scores; `none` gives undefined. `matchLabelKeys: [pod-template-hash]` counts only the
 * pods of the same revision, so a rollout is not skewed by the old ReplicaSet's pods.
 */
export function zoneSpread(mode: ResolvedScheduling['zoneSpread'], selector: Record<string, string>): k8s.TopologySpreadConstraint[] | undefined {
  if (mode === 'none') return undefined;
  return [
    {
      maxSkew: 1,
      topologyKey: ZONE_TOPOLOGY_KEY,
      whenUnsatisfiable: mode,
      labelSelector: { matchLabels: selector },
      matchLabelKeys: [POD_TEMPLATE_HASH_LABEL],
    },
  ];
}
