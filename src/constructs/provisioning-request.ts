import { createHash } from 'crypto';
import { ApiObject, Duration, JsonPatch, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { z } from 'zod';
import { ProvisioningRequest as ProvisioningRequestObject } from '../../imports/provreq-autoscaling.x-k8s.io';
import { COMPONENT, QUEUED_PROVISIONING, commonLabels, objectNames, provisioningRequestName } from '../conventions';
import { withDefaults } from '../private/defaults';
import { formatProblem, parseOrThrow, throwIfProblems } from '../spec/problems';
import { QUEUED_PROVISIONING_DEFAULTS, queuedProvisioningSchema } from '../spec/capacity';
import { zDnsLabel, zLabelMap } from '../spec/values';
import { InferenceDeployment } from './inference-deployment';

export interface ProvisioningRequestProps {
  /** Release name: the PodTemplate is `<name>-capacity`, the request `<name>-capacity-<hash>`. */
  readonly name: string;
  /**
   * The Deployment whose pods consume the request. Its pod template, as synthesized, is the
   * PodTemplate GKE sizes the nodes from, and its pods get the annotations, node selector
   * and toleration that bind them to the request.
   */
  readonly workload: InferenceDeployment;
  /**
   * Pods to provision nodes for (`spec.podSets[0].count`).
   * @default - the workload's fixed replica count (required when an autoscaler owns it)
   */
  readonly pods?: number;
  /**
   * The nodes' run time (`parameters.maxRunDurationSeconds`): whole seconds, above 0, at
   * most 7 days. @default Duration.days(7), GKE's default
   */
  readonly maxRunDuration?: Duration;
  /** The queued node pool, selected by `cloud.google.com/gke-nodepool`. @default - any flex-start node */
  readonly nodePool?: string;
  /** Extra labels on both objects. @default {} */
  readonly labels?: Record<string, string>;
}

/** Every prop but `workload` (the chart validates these from the spec before building). */
export const provisioningRequestPropsSchema = queuedProvisioningSchema
  .extend({ name: zDnsLabel, labels: zLabelMap.optional() })
  .strict() satisfies z.ZodType<Omit<ProvisioningRequestProps, 'workload'>>;

/**
 * GKE queued provisioning (Dynamic Workload Scheduler) for an InferenceDeployment: a
 * `v1` PodTemplate holding the Deployment's own pod template (so the nodes are sized for
 * exactly what the pods request, tolerate and select), an `autoscaling.x-k8s.io/v1`
 * ProvisioningRequest of class `queued-provisioning.gke.io` for `pods` of them, and, on the
 * Deployment's pods, what GKE requires to consume it:
 * - annotations `autoscaling.x-k8s.io/consume-provisioning-request: <request>` and
 *   `autoscaling.x-k8s.io/provisioning-class-name: queued-provisioning.gke.io` (GKE,
 *   how-to/provisioningrequest, "Configure the Pods"; the keys are cluster-autoscaler's
 *   ProvisioningRequestPodAnnotationKey / ProvisioningClassPodAnnotationKey, v1 types.go);
 * - node selector `cloud.google.com/gke-flex-start: "true"` and, with `nodePool`,
 *   `cloud.google.com/gke-nodepool: <pool>` (the PodTemplate of GKE's example);
 * - a toleration of the `cloud.google.com/gke-queued` taint (NoSchedule) that GKE puts on
 *   a queued-provisioning node pool (how-to/provisioningrequest, "Create a node pool").
 * The PodTemplate carries `cloud.google.com/apply-warden-policies: "true"`, which GKE needs
 * to apply its pod mutations to the template and compute the nodes' size.
 *
 * The request's spec is immutable (cluster-autoscaler v1 types.go: `self == oldSelf` on
 * each field), so its name ends in a hash of that spec (pod count, class, parameters): a
 * changed count or run time is a new request, with new nodes, instead of a failed apply.
 * The pods' annotation follows the name, so the Deployment rolls onto the new nodes; delete
 * the old request once they run (or apply with --prune). A new image or new settings change
 * only the PodTemplate (a mutable object) and keep the request and its nodes.
 *
 * Order: PodTemplate, then the request, then (in the chart) the Deployment.
 */
export class ProvisioningRequest extends Construct {
  /** The PodTemplate the request points at. */
  readonly podTemplate: ApiObject;
  /** The ProvisioningRequest. */
  readonly request: ProvisioningRequestObject;
  /** metadata.name of the request: what the pods' consume annotation names. */
  readonly requestName: string;
  /** Pods the request provisions nodes for. */
  readonly pods: number;
  /** The nodes' run time. */
  readonly maxRunDuration: Duration;

  constructor(scope: Construct, id: string, props: ProvisioningRequestProps) {
    super(scope, id);
    const subject = `ProvisioningRequest ${scope.node.path}/${id}`;
    const { workload, ...rest } = props;
    const p = parseOrThrow(provisioningRequestPropsSchema, rest, subject);
    throwIfProblems(subject, countProblems(p.pods, workload));
    const d = withDefaults(QUEUED_PROVISIONING_DEFAULTS, p);
    this.pods = (p.pods ?? workload.replicas) as number;
    this.maxRunDuration = d.maxRunDuration;

    const labels = { ...commonLabels(p.name, COMPONENT.capacity), ...p.labels };
    const namespace = workload.namespace;
    const templateName = objectNames(p.name).podTemplate;
    const spec = {
      podSets: [{ count: this.pods, podTemplateRef: { name: templateName } }],
      provisioningClassName: QUEUED_PROVISIONING.className,
      parameters: { [QUEUED_PROVISIONING.maxRunDurationParameter]: String(d.maxRunDuration.toSeconds()) },
    };
    this.requestName = provisioningRequestName(p.name, specHash(spec));

    // The Deployment's pod template as synthesized (after every patch), read at synth, from
    // the Deployment's own rendering as it is now: an output filter installed later on every
    // object (the chart's Helm escaping) then applies to the PodTemplate once, not twice.
    const renderDeployment = workload.deployment.toJson.bind(workload.deployment);
    this.podTemplate = new ApiObject(this, 'PodTemplate', {
      apiVersion: 'v1',
      kind: 'PodTemplate',
      metadata: { name: templateName, namespace, labels: { ...labels, [QUEUED_PROVISIONING.wardenPoliciesLabel]: 'true' } },
      template: Lazy.any({ produce: () => renderDeployment().spec.template }),
    });
    this.request = new ProvisioningRequestObject(this, 'Request', {
      metadata: { name: this.requestName, namespace, labels },
      spec,
    });
    this.request.node.addDependency(this.podTemplate);

    for (const patch of consumePatches(workload, this.requestName, p.nodePool)) workload.deployment.addJsonPatch(patch);
  }
}

/** A pod count the workload's fixed replicas outgrow, or none where an autoscaler owns the count. */
function countProblems(pods: number | undefined, workload: InferenceDeployment): string[] {
  const replicas = workload.replicas;
  if (pods === undefined && replicas === undefined) {
    return [formatProblem(['pods'], undefined, `is required: an autoscaler owns the replicas of workload "${workload.name}", so the count cannot follow them; set it to the most replicas the autoscaler may run`)];
  }
  if (pods !== undefined && replicas !== undefined && pods < replicas) {
    return [
      formatProblem(
        ['pods'],
        pods,
        `is below the ${replicas} replicas of workload "${workload.name}": a queued node pool grows only through a ProvisioningRequest, so ${replicas - pods} pod(s) would find no node and stay Pending; raise pods to at least ${replicas}`,
      ),
    ];
  }
  return [];
}

/** 8 hex digits of the SHA-256 of the request's spec (its keys in a fixed order). */
function specHash(spec: { podSets: { count: number; podTemplateRef: { name: string } }[]; provisioningClassName: string; parameters: Record<string, string> }): string {
  const canonical = JSON.stringify([
    spec.podSets.map((s) => [s.count, s.podTemplateRef.name]),
    spec.provisioningClassName,
    Object.entries(spec.parameters).sort(([a], [b]) => a.localeCompare(b)),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 8);
}

/** JSON-pointer escape of one key (RFC 6901). */
const pointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The patches that bind the Deployment's pods to the request: the two annotations, the node
 * selector and the toleration, each added beside what the pod template already holds.
 */
function consumePatches(workload: InferenceDeployment, requestName: string, nodePool: string | undefined): JsonPatch[] {
  const pod = workload.deployment.toJson().spec.template;
  const patches: JsonPatch[] = [];
  const addEntries = (base: string, current: Record<string, string> | undefined, entries: Record<string, string>) => {
    if (current === undefined) patches.push(JsonPatch.add(base, entries));
    else for (const [k, v] of Object.entries(entries)) patches.push(JsonPatch.add(`${base}/${pointer(k)}`, v));
  };
  addEntries('/spec/template/metadata/annotations', pod.metadata?.annotations, {
    [QUEUED_PROVISIONING.consumeAnnotation]: requestName,
    [QUEUED_PROVISIONING.classAnnotation]: QUEUED_PROVISIONING.className,
  });
  addEntries('/spec/template/spec/nodeSelector', pod.spec?.nodeSelector, {
    [QUEUED_PROVISIONING.flexStartNodeLabel]: 'true',
    ...(nodePool ? { [QUEUED_PROVISIONING.nodePoolLabel]: nodePool } : {}),
  });
  const toleration = { key: QUEUED_PROVISIONING.queuedTaint, operator: 'Exists', effect: 'NoSchedule' };
  if (Array.isArray(pod.spec?.tolerations)) patches.push(JsonPatch.add('/spec/template/spec/tolerations/-', toleration));
  else patches.push(JsonPatch.add('/spec/template/spec/tolerations', [toleration]));
  return patches;
}
