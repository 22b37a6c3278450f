/**
 * The capacity section: where the GPU nodes of the service come from, when the spec says.
 * Today one option, GKE queued provisioning (Dynamic Workload Scheduler): the chart asks
 * for all the nodes at once with a ProvisioningRequest and binds the pods to it.
 *
 * Facts (checked 2026-12-01):
 * - kubernetes/autoscaler, cluster-autoscaler/apis/provisioningrequest/autoscaling.x-k8s.io/v1/types.go
 *   at tag cluster-autoscaler-1.36.1: `podSets` holds 1-32 pod sets, each a PodTemplate
 *   reference and a pod `count` (at least 1); `parameters` is a map of strings; the whole
 *   spec is immutable ("to make changes to the request users are expected to delete an
 *   existing and create a new object"; each field carries `self == oldSelf`).
 * - GKE, "Run a large-scale workload with flex-start with queued provisioning"
 *   (https://cloud.google.com/kubernetes-engine/docs/how-to/provisioningrequest, read in a
 *   stored copy of docs.cloud.google.com): `maxRunDurationSeconds` is "the maximum runtime
 *   of a node in seconds, up to the default of seven days", and cannot change after the
 *   request is created; COUNT is the number of pods, whose nodes are provisioned atomically
 *   in one zone; the queued-provisioning integration supports one pod set only.
 * - GKE, "About flex-start" (https://cloud.google.com/kubernetes-engine/docs/concepts/dws):
 *   capacity for up to seven days; without `maxRunDurationSeconds` the default is seven days.
 */
import { Duration } from 'cdk8s';
import { z } from 'zod';
import { withDefaults } from '../private/defaults';
import { ReplicaBounds } from './scaling';
import { durationMillis, zDuration, zInt, zLabelValue } from './values';

/** Where the service's GPU nodes come from. */
export interface CapacitySpec {
  /**
   * GKE queued provisioning (Dynamic Workload Scheduler, flex-start with queued
   * provisioning): a ProvisioningRequest (class `queued-provisioning.gke.io`) for all the
   * pods at once, with the PodTemplate it sizes the nodes from (the Deployment's own pod
   * template), and the pods bound to it. Its nodes are reclaimed after `maxRunDuration`
   * (at most 7 days): warning AII-W040 says what that does to the service.
   * @default - no ProvisioningRequest: the nodes come from the cluster's ordinary node pools
   */
  readonly queuedProvisioning?: QueuedProvisioningSpec;
}

/** A ProvisioningRequest for the service's pods on GKE. */
export interface QueuedProvisioningSpec {
  /**
   * Pods the request provisions nodes for (`spec.podSets[0].count`: GKE counts pods, and
   * provisions the nodes they need; with one GPU pod per single-GPU node, such as
   * g2-standard-12 with one L4, pods = nodes). At least the most replicas the Deployment
   * runs: a queued node pool grows only through a ProvisioningRequest, so a pod beyond the
   * count finds no node.
   * @default - the most replicas: `replicas`, `scaling.pinnedReplicas` or `scaling.maxReplicas`
   */
  readonly pods?: number;
  /**
   * How long the nodes run (`parameters.maxRunDurationSeconds`): whole seconds, above 0, at
   * most 7 days (GKE's limit and default). GKE then reclaims the nodes.
   * @default Duration.days(7)
   */
  readonly maxRunDuration?: Duration;
  /**
   * The node pool created with `--enable-queued-provisioning --flex-start`; the pods select
   * it by `cloud.google.com/gke-nodepool`. Leave it out with node auto-provisioning, which
   * creates the pool.
   * @default - any flex-start node (`cloud.google.com/gke-flex-start: "true"`)
   */
  readonly nodePool?: string;
}

/** GKE's limit (and default) of maxRunDurationSeconds: seven days. */
export const MAX_RUN_DURATION_LIMIT = Duration.days(7);

/** Defaults of the queued-provisioning section (the pod count follows the replicas). */
export const QUEUED_PROVISIONING_DEFAULTS: Required<Pick<QueuedProvisioningSpec, 'maxRunDuration'>> = {
  maxRunDuration: MAX_RUN_DURATION_LIMIT,
};

const LIMIT_SECONDS = MAX_RUN_DURATION_LIMIT.toSeconds();

/** One message per value: the first rule it breaks. */
const zMaxRunDuration = zDuration.superRefine((d, ctx) => {
  const ms = durationMillis(d);
  const message =
    ms <= 0
      ? 'must be above 0 (GKE reclaims the nodes when it ends); give the run time, e.g. Duration.days(7)'
      : ms % 1000 !== 0
        ? 'must be a whole number of seconds (GKE takes maxRunDurationSeconds in seconds); round it'
        : ms / 1000 > LIMIT_SECONDS
          ? `must be at most 7 days (${LIMIT_SECONDS} s), GKE's limit for nodes of a queued-provisioning request; lower it, or leave it out for the 7-day default`
          : undefined;
  if (message) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
});

export const queuedProvisioningSchema = z
  .object({
    pods: zInt(1, 10_000, 'pods to provision nodes for').optional(),
    maxRunDuration: zMaxRunDuration.optional(),
    nodePool: zLabelValue.refine((v) => v.length > 0, 'must name the node pool; leave it out instead').optional(),
  })
  .strict() satisfies z.ZodType<QueuedProvisioningSpec>;

export const capacitySchema = z
  .object({
    queuedProvisioning: queuedProvisioningSchema.optional(),
  })
  .strict() satisfies z.ZodType<CapacitySpec>;

/** The queued-provisioning request with its defaults. */
export interface ResolvedQueuedProvisioning {
  readonly pods: number;
  /** Spec path of the pod count: `capacity.queuedProvisioning.pods`, or the replica field it defaults to. */
  readonly podsPath: string;
  /** Whether `pods` was written (false: it follows the replicas). */
  readonly podsGiven: boolean;
  readonly maxRunDuration: Duration;
  readonly maxRunDurationGiven: boolean;
  readonly nodePool?: string;
}

export interface ResolvedCapacity {
  /** Undefined: no ProvisioningRequest. */
  readonly queuedProvisioning?: ResolvedQueuedProvisioning;
}

/**
 * Fills the capacity section: the pod count defaults to the most replicas the service runs
 * (`replicas.max`, from the path it came from), the run time to GKE's 7 days. A field
 * written as `undefined` takes its default.
 */
export function resolveCapacity(capacity: CapacitySpec | undefined, replicas: ReplicaBounds): ResolvedCapacity {
  const q = capacity?.queuedProvisioning;
  if (!q) return {};
  const d = withDefaults<QueuedProvisioningSpec & typeof QUEUED_PROVISIONING_DEFAULTS>(QUEUED_PROVISIONING_DEFAULTS, q);
  const podsGiven = q.pods !== undefined;
  return {
    queuedProvisioning: {
      pods: podsGiven ? (q.pods as number) : replicas.max,
      podsPath: podsGiven ? 'capacity.queuedProvisioning.pods' : replicas.maxPath,
      podsGiven,
      maxRunDuration: d.maxRunDuration,
      maxRunDurationGiven: q.maxRunDuration !== undefined,
      nodePool: q.nodePool,
    },
  };
}
