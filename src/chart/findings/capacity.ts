/**
 * Rules of the capacity section against the workload: GKE queued provisioning
 * (capacity.queuedProvisioning) under a Deployment.
 *
 * Facts (GKE docs, read 2026-12-01 in stored copies):
 * - how-to/provisioningrequest (https://cloud.google.com/kubernetes-engine/docs/how-to/provisioningrequest):
 *   a queued-provisioning node pool starts at zero nodes and carries the
 *   `cloud.google.com/gke-queued` taint; `maxRunDurationSeconds` is the maximum runtime of a
 *   node, up to the default of seven days, fixed at creation; once Provisioned=true the pods
 *   have 10 minutes to start, after which the cluster autoscaler removes the unused nodes.
 * - NodePool.QueuedProvisioning.enabled (GKE API reference,
 *   https://cloud.google.com/dotnet/docs/reference/Google.Cloud.Container.V1/latest/Google.Cloud.Container.V1.NodePool.Types.QueuedProvisioning):
 *   such a pool's nodes "can be only obtained through queuing via the Cluster Autoscaler
 *   ProvisioningRequest API".
 * - concepts/consumption-option (https://cloud.google.com/kubernetes-engine/docs/concepts/consumption-option):
 *   the accelerator consumption options are on-demand, reservations (including future
 *   reservations in calendar mode), Spot VMs, flex-start and flex-start with queued
 *   provisioning; flex-start capacity lasts at most seven days (concepts/dws).
 * [inferred] At the end of the run time GKE removes the nodes and the pods on them end; the
 * Deployment recreates them, but nothing provisions nodes for them in that pool, so they
 * stay Pending. GKE's wording of how the pods end was not found in the copies read.
 */
import { QUEUED_PROVISIONING, WARNING_IDS } from '../../conventions';
import { findMachineType } from '../../spec/machines';
import { DefaultedValue, formatDuration, formatProblem } from '../../spec/problems';
import { AiInferenceSpec, ResolvedSpec } from '../../spec/spec';
import { Findings, Warning } from './types';

/** Findings of the capacity section; none without queued provisioning. */
export function capacityFindings(spec: AiInferenceSpec, resolved: ResolvedSpec): Findings {
  const q = resolved.capacity.queuedProvisioning;
  if (!q) return { errors: [], warnings: [] };
  const errors: string[] = [];
  const { max, maxPath } = resolved.replicas;

  // Every pod the Deployment may run needs a node of the request: the pool grows no other way.
  if (q.pods < max) {
    errors.push(
      formatProblem(
        ['capacity', 'queuedProvisioning', 'pods'],
        q.pods,
        `is below ${maxPath} (${max}): a queued-provisioning node pool gets nodes only through a ProvisioningRequest, so ${max - q.pods} pod(s) would find no node and stay Pending; raise pods to at least ${max}, or leave it out to follow ${maxPath}`,
      ),
    );
  }

  // The class is GKE's: upstream cluster-autoscaler serves only check-capacity and
  // best-effort-atomic-scale-up (cluster-autoscaler/provisioningrequest/supported_classes.go,
  // cluster-autoscaler-1.36.1), so on EKS nothing would ever provision the request.
  const onEks: string[] = [];
  const nodeType = spec.resources.nodeType;
  const machine = nodeType === undefined ? undefined : findMachineType(nodeType);
  if (machine?.platform === 'eks') onEks.push(`resources.nodeType (${machine.name}) is an EC2 instance type`);
  const lb = spec.traffic?.loadBalancer;
  if (lb && (lb.provider ?? 'aws-nlb') === 'aws-nlb') onEks.push('traffic.loadBalancer is an AWS NLB (provider "aws-nlb")');
  if (onEks.length > 0) {
    errors.push(
      formatProblem(
        ['capacity', 'queuedProvisioning'],
        spec.capacity?.queuedProvisioning,
        `requests nodes from GKE's Dynamic Workload Scheduler (class ${QUEUED_PROVISIONING.className}), but ${onEks.join(' and ')}: on EKS no cluster autoscaler serves that class (upstream serves check-capacity and best-effort-atomic-scale-up only), so the pods would wait for its nodes forever; remove capacity.queuedProvisioning, or run the service on GKE (traffic.loadBalancer provider "gke-l4", a GKE machine type)`,
      ),
    );
  }

  // A surge rollout adds a pod before removing one; no node exists for it (the request's
  // nodes are all taken, and a spare node that no pod takes within 10 minutes of
  // provisioning is removed), so it stays Pending and the rollout stalls. The workload rule
  // says so already when the spec declares spareGpuCapacity false.
  const warnings: Warning[] = [];
  const rollout = resolved.workload.scheduling.rollout;
  if (rollout.strategy === 'surge' && rollout.spareGpuCapacity !== false) {
    warnings.push({
      id: WARNING_IDS.surgeWithoutSpareGpu,
      message: formatProblem(
        ['scheduling', 'rollout', 'strategy'],
        spec.scheduling?.rollout?.strategy ?? new DefaultedValue(rollout.strategy),
        `adds one pod (maxSurge 1, maxUnavailable 0) before removing one, but under capacity.queuedProvisioning every node is one of the request's: the extra pod finds no node (a queued-provisioning node pool grows only through a ProvisioningRequest), stays Pending and the rollout stalls until progressDeadlineSeconds reports it failed; use strategy 'replace' (maxSurge 0, maxUnavailable 1)`,
      ),
    });
  }

  const duration = formatDuration(q.maxRunDuration);
  const value = spec.capacity?.queuedProvisioning?.maxRunDuration ?? new DefaultedValue(q.maxRunDuration);
  return {
    errors,
    warnings: [
      ...warnings,
      {
        id: WARNING_IDS.queuedCapacityExpires,
        message: formatProblem(
          ['capacity', 'queuedProvisioning', 'maxRunDuration'],
          value,
          `backs a Deployment, which never completes, with nodes GKE reclaims after ${duration} (the request's maxRunDurationSeconds, at most 7 days): then the nodes of its ${q.pods} pods are removed and the pods evicted, the Deployment recreates the pods, but a queued-provisioning node pool gives no new nodes without a new ProvisioningRequest, so the replacement pods stay Pending and the service is down until a new request is provisioned (which may wait for capacity); for serving that must outlive ${duration}, run on a GKE reservation or on an on-demand or Spot GPU node pool with the cluster autoscaler, and keep DWS (flex-start, queued or not) for bounded runs such as batch jobs and load tests; suppress ${WARNING_IDS.queuedCapacityExpires} when the service is meant to end within the run time`,
        ),
      },
    ],
  };
}
