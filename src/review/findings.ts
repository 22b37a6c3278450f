/**
 * The rules of `diff`: pure predicates over one matched object (base and head), each with a
 * stable id, a level, a why and a fix. Upstream facts each rule rests on are cited beside it.
 *
 * Kubernetes API server (kubernetes/kubernetes at commit 000f26050b9b for core validation,
 * 0ac2ac87deb4 for the Deployment strategy):
 * - pkg/apis/core/validation/validation.go ValidatePersistentVolumeClaimUpdate: a claim's spec
 *   is immutable after creation except resources.requests (bound claims) and
 *   volumeAttributesClassName; a storage request below the previous value is refused
 *   ("field can not be less than previous value"; with RecoverFromExpansionFailure only down
 *   to just above status.capacity, which a claim never shrinks below, so never below the size
 *   it was created with).
 * - same file, ValidateServiceUpdate: the primary clusterIP cannot change (except to or from
 *   ExternalName); validateLoadBalancerClassField: on a LoadBalancer Service,
 *   spec.loadBalancerClass "may not change once set" (unset -> set counts as a change). A type
 *   change itself is allowed.
 * - pkg/registry/apps/deployment/strategy.go ValidateUpdate: spec.selector is immutable for
 *   apps/v1; pkg/apis/apps/validation/validation.go ValidateStatefulSetUpdate: StatefulSet
 *   spec fields other than replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
 *   persistentVolumeClaimRetentionPolicy and minReadySeconds are forbidden to change.
 *
 * AWS Load Balancer Controller, tag v3.5.0 (commit 11eb202c97e4):
 * - pkg/deploy/tracking/provider.go: every AWS resource of a Service is tagged with the stack
 *   `service.k8s.aws/stack=<namespace>/<name>`; another name or namespace is another stack,
 *   so a renamed Service gets a new NLB (a new DNS name) and the old one is deleted.
 * - pkg/deploy/elbv2/load_balancer_synthesizer.go isSDKLoadBalancerRequiresReplacement: a
 *   different load balancer type or scheme replaces the NLB. pkg/service/model_build_load_balancer.go
 *   buildLoadBalancerScheme: without the scheme annotation an existing NLB keeps its scheme,
 *   a new one gets the controller default (internal).
 * - pkg/deploy/elbv2/target_group_synthesizer.go isSDKTargetGroupRequiresReplacement: a
 *   different target type, protocol, protocol version or target control port replaces the
 *   target group; health-check protocol, matcher, interval and timeout do too only when the
 *   feature gate NLBHealthCheckAdvancedConfig is off (pkg/config/feature_gates.go: on by
 *   default), otherwise they are modified in place. Target groups are matched by the resource
 *   id `<namespace>/<service>:<port>` (pkg/service/model_build_target_group.go
 *   buildTargetGroupResourceID), so a changed Service port number is a new target group.
 * - pkg/config/controller_config.go: `--default-target-type` defaults to `instance` when the
 *   target-type annotation is absent.
 */
import { RULE_GROUP_KINDS } from '../conventions';
import { NLB_LOAD_BALANCER_CLASS } from '../providers/aws-nlb';
import { ALERT_NAMES } from '../conventions';
import { deepEqual, getPath, isMap } from './diff';
import { describeId } from './load';
import { parseQuantity } from './quantity';
import { DiffFinding, FINDING_LEVELS, FindingLevel, K8sObject, ObjectDiff } from './types';

/** A rule's hit on one object. */
interface Hit {
  readonly message: string;
  readonly path?: string;
  readonly old?: unknown;
  readonly new?: unknown;
}

/** One rule of `diff`. */
export interface DiffRule {
  /** Stable id (`AII-D0xx`), never reused once retired. */
  readonly id: string;
  readonly rule: string;
  readonly level: FindingLevel;
  readonly why: string;
  readonly fix: string;
  /** `all` is every matched object, for rules that look across objects. */
  check(d: ObjectDiff, all: readonly ObjectDiff[]): Hit[];
}

const AWS = 'service.beta.kubernetes.io/aws-load-balancer-';
/** Annotation keys the AWS Load Balancer Controller reads (pkg/annotations/constants.go at v3.5.0). */
export const NLB_ANNOTATIONS = {
  scheme: `${AWS}scheme`,
  targetType: `${AWS}nlb-target-type`,
  type: `${AWS}type`,
  backendProtocol: `${AWS}backend-protocol`,
  healthCheck: [`${AWS}healthcheck-protocol`, `${AWS}healthcheck-interval`, `${AWS}healthcheck-timeout`, `${AWS}healthcheck-success-codes`],
} as const;

/**
 * Alerts whose thresholds the library derives from the spec's SLO (src/alerts/catalogue.ts:
 * thresholds `derived` from slo.*, burn-rate tiers from slo.availability, the throughput floor).
 */
const SLO_ALERTS: ReadonlySet<string> = new Set<(typeof ALERT_NAMES)[number]>([
  'InferenceLatencyP95SLOBreach',
  'InferenceLatencyP99High',
  'InferenceErrorRateHigh',
  'InferenceErrorBudgetBurnFast',
  'InferenceErrorBudgetBurnSlow',
  'InferenceErrorBudgetExhausted',
  'InferenceTimeToFirstTokenBurnFast',
  'InferenceTimeToFirstTokenBurnSlow',
  'InferenceInterTokenLatencyBurnFast',
  'InferenceInterTokenLatencyBurnSlow',
  'InferenceThroughputLow',
]);

const is = (o: K8sObject | undefined, group: string, ...kinds: string[]) => o !== undefined && apiGroup(o) === group && kinds.includes(o.kind);
function apiGroup(o: K8sObject): string {
  const v = String(o.apiVersion ?? '');
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : '';
}
const ann = (o: K8sObject | undefined, key: string): string | undefined => {
  const v = getPath(o, 'metadata', 'annotations', key);
  return v === undefined || v === null ? undefined : String(v);
};
const isLoadBalancer = (o: K8sObject | undefined) => is(o, '', 'Service') && getPath(o, 'spec', 'type') === 'LoadBalancer';
/** A Service the AWS Load Balancer Controller serves (its class, its type annotation, or its annotations). */
function isAwsNlb(o: K8sObject | undefined): boolean {
  if (!isLoadBalancer(o)) return false;
  if (getPath(o, 'spec', 'loadBalancerClass') === NLB_LOAD_BALANCER_CLASS) return true;
  const anns = getPath(o, 'metadata', 'annotations');
  return isMap(anns) && Object.keys(anns).some((k) => k.startsWith(AWS));
}
const gone = (d: ObjectDiff) => d.status === 'removed' || d.status === 'renamed';
const changed = (d: ObjectDiff): d is ObjectDiff & { base: NonNullable<ObjectDiff['base']>; head: NonNullable<ObjectDiff['head']> } => d.status === 'changed';
function goneMessage(d: ObjectDiff, what: string): string {
  return d.status === 'renamed' && d.head ? `renamed to ${describeId(d.head.id)}: ${what}` : `deleted: ${what}`;
}
const show = (v: unknown) => (v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v));
function fieldHit(path: string, old: unknown, neu: unknown, message?: string): Hit {
  return { path, old, new: neu, message: message ?? `${path}: ${show(old)} -> ${show(neu)}` };
}
const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];

export const DIFF_RULES: readonly DiffRule[] = [
  {
    id: 'AII-D001',
    rule: 'pvc-deleted',
    level: 'destructive',
    why: 'Deleting a PersistentVolumeClaim releases its volume; with the reclaim policy Delete (the default of dynamically provisioned volumes) the volume and its data are deleted. A renamed claim is a new, empty claim: the model cache and data start from nothing.',
    fix: 'Keep the release name. If the rename is intended, point the new release at the old claim (storage.models / storage.data: { existingClaim: \'<old name>\' }) and keep your deploy tool from pruning it, or copy the data first and set the PersistentVolume\'s persistentVolumeReclaimPolicy to Retain.',
    check: (d) => (gone(d) && is(d.base?.object, '', 'PersistentVolumeClaim') ? [{ message: goneMessage(d, 'the claim and (reclaim policy Delete) its data are deleted') }] : []),
  },
  {
    id: 'AII-D002',
    rule: 'load-balancer-deleted',
    level: 'destructive',
    why: 'A Service of type LoadBalancer owns its cloud load balancer. Deleting it deletes the load balancer; the AWS Load Balancer Controller keys an NLB by the Service\'s namespace/name, so a renamed Service gets a new NLB with a new DNS name while the old one is deleted. DNS records, client configs and allow-lists that name the old DNS name stop working.',
    fix: 'Keep the load-balancer Service\'s name and namespace. If a new NLB is intended, create the new Service first, move DNS to its hostname (status.loadBalancer.ingress[0].hostname), wait out the DNS TTL, then delete the old one.',
    check: (d) => (gone(d) && isLoadBalancer(d.base?.object) ? [{ message: goneMessage(d, 'its load balancer is deleted; a new one gets a new DNS name') }] : []),
  },
  {
    id: 'AII-D003',
    rule: 'namespace-deleted',
    level: 'destructive',
    why: 'Deleting a Namespace deletes every object in it, including claims and load-balancer Services that this diff may not show.',
    fix: 'Keep the Namespace (drop createNamespace only after moving its objects), or move the objects and their data first.',
    check: (d) => (gone(d) && is(d.base?.object, '', 'Namespace') ? [{ message: goneMessage(d, 'every object in the namespace is deleted with it') }] : []),
  },
  {
    id: 'AII-D004',
    rule: 'workload-deleted',
    level: 'interrupting',
    why: 'The old workload\'s pods are deleted when it is pruned, while the new workload\'s pods still have to be scheduled on GPU nodes, pull the image and load the model: without an overlap the service has no ready pods for that time.',
    fix: 'Keep the workload\'s name; if a new name is intended, apply the new workload first, wait until it is ready and receives traffic, then delete the old one.',
    check: (d) => (gone(d) && WORKLOADS.some((k) => is(d.base?.object, 'apps', k)) ? [{ message: goneMessage(d, 'its pods are deleted; the new pods start from scratch') }] : []),
  },
  {
    id: 'AII-D005',
    rule: 'object-deleted',
    level: 'notice',
    why: 'An object present in base is missing in head: kubectl apply --prune, Argo CD or Flux delete it from the cluster.',
    fix: 'Check that nothing else uses it; keep its name if the deletion is a side effect of a rename.',
    check: (d) => {
      const o = d.base?.object;
      // A renamed ConfigMap, ServiceAccount or policy is replaced by its new self: no finding.
      if (d.status !== 'removed' || is(o, '', 'PersistentVolumeClaim', 'Namespace') || isLoadBalancer(o) || WORKLOADS.some((k) => is(o, 'apps', k))) return [];
      return [{ message: goneMessage(d, 'the object is deleted from the cluster') }];
    },
  },
  {
    id: 'AII-D010',
    rule: 'workload-selector-immutable',
    level: 'destructive',
    why: 'The API server refuses a change of spec.selector on an apps/v1 Deployment, StatefulSet, DaemonSet or ReplicaSet ("field is immutable"): the apply fails, and the only way through is deleting and recreating the workload, which takes its pods down.',
    fix: 'Keep the selector labels (app.kubernetes.io/name and app.kubernetes.io/instance come from the release name); change other labels instead. If the selector must change, create a workload under a new name and delete the old one after it is ready.',
    check: (d) => {
      if (!changed(d) || !WORKLOADS.some((k) => is(d.base.object, 'apps', k))) return [];
      const a = getPath(d.base.object, 'spec', 'selector');
      const b = getPath(d.head.object, 'spec', 'selector');
      return deepEqual(a, b) ? [] : [fieldHit('spec.selector', a, b, 'spec.selector changes: the API server refuses the update')];
    },
  },
  {
    id: 'AII-D011',
    rule: 'statefulset-spec-immutable',
    level: 'destructive',
    why: 'The API server refuses changes to a StatefulSet\'s spec other than replicas, ordinals, template, updateStrategy, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and minReadySeconds (volumeClaimTemplates, serviceName, podManagementPolicy among others).',
    fix: 'Revert the field; to change it, delete the StatefulSet with --cascade=orphan (pods and claims stay) and apply the new one.',
    check: (d) => {
      if (!changed(d) || !is(d.base.object, 'apps', 'StatefulSet')) return [];
      const mutable = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds', 'selector']);
      const a = (getPath(d.base.object, 'spec') ?? {}) as Record<string, unknown>;
      const b = (getPath(d.head.object, 'spec') ?? {}) as Record<string, unknown>;
      return [...new Set([...Object.keys(a), ...Object.keys(b)])]
        .sort()
        .filter((k) => !mutable.has(k) && !deepEqual(a[k], b[k]))
        .map((k) => fieldHit(`spec.${k}`, a[k], b[k], `spec.${k} changes: the API server refuses the update`));
    },
  },
  {
    id: 'AII-D012',
    rule: 'service-cluster-ip-immutable',
    level: 'destructive',
    why: 'A Service\'s clusterIP cannot change once allocated (the API server refuses it, except to or from type ExternalName); a headless Service (clusterIP: None) cannot become a normal one or the reverse.',
    fix: 'Leave spec.clusterIP out of the manifest (the server allocates and keeps it) and keep the Service headless or not; to change it, create a Service under a new name.',
    check: (d) => {
      if (!changed(d) || !is(d.base.object, '', 'Service')) return [];
      if (getPath(d.base.object, 'spec', 'type') === 'ExternalName' || getPath(d.head.object, 'spec', 'type') === 'ExternalName') return [];
      const a = getPath(d.base.object, 'spec', 'clusterIP');
      const b = getPath(d.head.object, 'spec', 'clusterIP');
      if (deepEqual(a, b)) return [];
      // An allocated address left out of head is kept by the server; None <-> unset is a headless change.
      if (b === undefined && a !== 'None') return [];
      if (a === undefined && b !== 'None') return [];
      return [fieldHit('spec.clusterIP', a, b, `spec.clusterIP: ${show(a)} -> ${show(b)}: the API server refuses the update`)];
    },
  },
  {
    id: 'AII-D013',
    rule: 'service-load-balancer-class-immutable',
    level: 'destructive',
    why: 'On a Service of type LoadBalancer, spec.loadBalancerClass may not change once set (the API server refuses the update, unset -> set included); the class decides which controller owns the load balancer.',
    fix: 'Keep spec.loadBalancerClass (service.k8s.aws/nlb for the AWS Load Balancer Controller). To move controllers, create a Service under a new name, move DNS, then delete the old one.',
    check: (d) => {
      if (!changed(d) || !isLoadBalancer(d.base.object) || !isLoadBalancer(d.head.object)) return [];
      const a = getPath(d.base.object, 'spec', 'loadBalancerClass');
      const b = getPath(d.head.object, 'spec', 'loadBalancerClass');
      return deepEqual(a, b) ? [] : [fieldHit('spec.loadBalancerClass', a, b, `spec.loadBalancerClass: ${show(a)} -> ${show(b)}: the API server refuses the update`)];
    },
  },
  {
    id: 'AII-D014',
    rule: 'service-leaves-load-balancer',
    level: 'destructive',
    why: 'Changing a Service from type LoadBalancer to another type deletes its cloud load balancer and its DNS name.',
    fix: 'Keep type LoadBalancer while clients use the DNS name; move them to another entry point first.',
    check: (d) => {
      if (!changed(d) || !isLoadBalancer(d.base.object) || isLoadBalancer(d.head.object)) return [];
      return [fieldHit('spec.type', 'LoadBalancer', getPath(d.head.object, 'spec', 'type'), `spec.type: LoadBalancer -> ${show(getPath(d.head.object, 'spec', 'type'))}: the load balancer is deleted`)];
    },
  },
  {
    id: 'AII-D015',
    rule: 'service-type-changed',
    level: 'notice',
    why: 'A Service type change other than leaving LoadBalancer changes how the Service is reached: becoming LoadBalancer creates a cloud load balancer (cost, a public address when internet-facing); NodePort opens a port on every node.',
    fix: 'Check that the new entry point is intended and firewalled.',
    check: (d) => {
      if (!changed(d) || !is(d.base.object, '', 'Service') || isLoadBalancer(d.base.object)) return [];
      const a = getPath(d.base.object, 'spec', 'type');
      const b = getPath(d.head.object, 'spec', 'type');
      return deepEqual(a ?? 'ClusterIP', b ?? 'ClusterIP') ? [] : [fieldHit('spec.type', a, b)];
    },
  },
  {
    id: 'AII-D016',
    rule: 'load-balancer-added',
    level: 'notice',
    why: 'A new Service of type LoadBalancer creates a cloud load balancer: it costs money from the first hour, and an internet-facing one is a new public entry point.',
    fix: 'Check that the new load balancer is intended, its scheme and its loadBalancerSourceRanges.',
    check: (d) => {
      const o = d.head?.object;
      if (d.status !== 'added' || !isLoadBalancer(o)) return [];
      const scheme = ann(o, NLB_ANNOTATIONS.scheme);
      return [{ message: `a new load balancer is created${scheme ? ` (scheme ${scheme})` : ''}` }];
    },
  },
  {
    id: 'AII-D020',
    rule: 'pvc-spec-immutable',
    level: 'destructive',
    why: 'A PersistentVolumeClaim\'s spec is immutable after creation except resources.requests and volumeAttributesClassName: the API server refuses a change of storageClassName, accessModes, volumeMode, selector or data source, so the apply fails.',
    fix: 'Revert the field. To move to another storage class or access mode, create a claim under a new name, copy the data, switch the pods to it, then delete the old claim.',
    check: (d) => {
      if (!changed(d) || !is(d.base.object, '', 'PersistentVolumeClaim')) return [];
      const strip = (o: K8sObject) => {
        const spec = { ...((getPath(o, 'spec') ?? {}) as Record<string, unknown>) };
        delete spec.volumeAttributesClassName;
        const res = isMap(spec.resources) ? { ...spec.resources } : undefined;
        if (res && isMap(res.requests)) {
          const req = { ...res.requests };
          delete req.storage;
          res.requests = req;
        }
        if (res) spec.resources = res;
        return spec;
      };
      const a = strip(d.base.object);
      const b = strip(d.head.object);
      // volumeName may be set once, when the claim binds.
      if (a.volumeName === undefined) delete b.volumeName;
      return [...new Set([...Object.keys(a), ...Object.keys(b)])]
        .sort()
        .filter((k) => !deepEqual(a[k], b[k]))
        .map((k) => fieldHit(`spec.${k}`, getPath(d.base.object, 'spec', k), getPath(d.head.object, 'spec', k), `spec.${k}: ${show(getPath(d.base.object, 'spec', k))} -> ${show(getPath(d.head.object, 'spec', k))}: the API server refuses the update`));
    },
  },
  {
    id: 'AII-D021',
    rule: 'pvc-shrink',
    level: 'destructive',
    why: 'Kubernetes cannot shrink a volume: the API server refuses a storage request below the previous value ("field can not be less than previous value"), so the apply fails.',
    fix: 'Keep the size (or grow it). To get a smaller volume, create a new claim under a new name and copy the data.',
    check: (d) => {
      const r = storageSizes(d);
      return r && r.newSize < r.oldSize ? [fieldHit('spec.resources.requests.storage', r.old, r.new, `spec.resources.requests.storage: ${show(r.old)} -> ${show(r.new)}: a volume cannot shrink; the API server refuses the update`)] : [];
    },
  },
  {
    id: 'AII-D022',
    rule: 'pvc-grow',
    level: 'notice',
    why: 'Growing a claim works only when its StorageClass has allowVolumeExpansion: true (otherwise the update is refused), and the resize cannot be undone. Some drivers ignore the size (EFS).',
    fix: 'Check allowVolumeExpansion on the StorageClass before merging.',
    check: (d) => {
      const r = storageSizes(d);
      return r && r.newSize > r.oldSize ? [fieldHit('spec.resources.requests.storage', r.old, r.new)] : [];
    },
  },
  {
    id: 'AII-D030',
    rule: 'nlb-scheme-changed',
    level: 'destructive',
    why: 'The scheme (internal or internet-facing) of an AWS load balancer cannot be modified: the AWS Load Balancer Controller deletes the NLB and creates a new one, with a new DNS name and a gap with no load balancer. Going internet-facing also exposes the service to the internet.',
    fix: 'Keep the scheme annotation. To change it, create a second Service with the new scheme, move DNS to its hostname, then delete the old one.',
    check: (d) => {
      if (!changed(d) || !isAwsNlb(d.base.object) || !isAwsNlb(d.head.object)) return [];
      const a = ann(d.base.object, NLB_ANNOTATIONS.scheme);
      const b = ann(d.head.object, NLB_ANNOTATIONS.scheme);
      // Without the annotation an existing NLB keeps its scheme; it was created with the default, internal.
      if (a === b || b === undefined || (a === undefined && b === 'internal')) return [];
      return [fieldHit(`metadata.annotations["${NLB_ANNOTATIONS.scheme}"]`, a, b, `scheme ${show(a ?? 'internal (default)')} -> ${show(b)}: the NLB is replaced and gets a new DNS name`)];
    },
  },
  {
    id: 'AII-D031',
    rule: 'nlb-load-balancer-type-changed',
    level: 'destructive',
    why: 'The aws-load-balancer-type annotation decides which controller builds the load balancer (external/nlb-ip: the AWS Load Balancer Controller; otherwise the legacy in-tree provider); changing it hands the Service to another controller, which creates a new load balancer with a new DNS name.',
    fix: 'Never add, remove or change the type annotation on an existing Service; create a new Service instead and move DNS.',
    check: (d) => {
      if (!changed(d) || !isLoadBalancer(d.base.object) || !isLoadBalancer(d.head.object)) return [];
      const a = ann(d.base.object, NLB_ANNOTATIONS.type);
      const b = ann(d.head.object, NLB_ANNOTATIONS.type);
      return a === b ? [] : [fieldHit(`metadata.annotations["${NLB_ANNOTATIONS.type}"]`, a, b)];
    },
  },
  {
    id: 'AII-D032',
    rule: 'nlb-target-group-replaced',
    level: 'interrupting',
    why: 'The AWS Load Balancer Controller replaces a target group when its target type (ip/instance) or protocol changes, and a changed Service port number is a new target group: the listener moves to a new, empty target group whose targets must register and pass health checks, and connections on the old one are cut.',
    fix: 'Change target type, protocol or ports in a quiet window, or stand up a second Service and move DNS.',
    check: (d) => {
      if (!changed(d) || !isAwsNlb(d.base.object) || !isAwsNlb(d.head.object)) return [];
      const hits: Hit[] = [];
      const ta = ann(d.base.object, NLB_ANNOTATIONS.targetType) ?? 'instance';
      const tb = ann(d.head.object, NLB_ANNOTATIONS.targetType) ?? 'instance';
      if (ta !== tb) hits.push(fieldHit(`metadata.annotations["${NLB_ANNOTATIONS.targetType}"]`, ann(d.base.object, NLB_ANNOTATIONS.targetType), ann(d.head.object, NLB_ANNOTATIONS.targetType), `target type ${ta} -> ${tb}: the target groups are replaced`));
      const pa = ann(d.base.object, NLB_ANNOTATIONS.backendProtocol);
      const pb = ann(d.head.object, NLB_ANNOTATIONS.backendProtocol);
      if (pa !== pb) hits.push(fieldHit(`metadata.annotations["${NLB_ANNOTATIONS.backendProtocol}"]`, pa, pb, `backend protocol ${show(pa)} -> ${show(pb)}: the target groups are replaced`));
      const ports = (o: K8sObject) => new Map(((getPath(o, 'spec', 'ports') ?? []) as K8sObject[]).map((p) => [Number(p.port), String(p.protocol ?? 'TCP')]));
      const a = ports(d.base.object);
      const b = ports(d.head.object);
      for (const [port, proto] of a) {
        if (!b.has(port)) hits.push(fieldHit('spec.ports', port, undefined, `port ${port} is gone: its listener and target group are deleted`));
        else if (b.get(port) !== proto) hits.push(fieldHit('spec.ports', `${port}/${proto}`, `${port}/${b.get(port)}`, `port ${port} protocol ${proto} -> ${b.get(port)}: its target group is replaced`));
      }
      return hits;
    },
  },
  {
    id: 'AII-D033',
    rule: 'nlb-health-check-changed',
    level: 'notice',
    why: 'With the controller\'s feature gate NLBHealthCheckAdvancedConfig on (the default at v3.5.0) health-check protocol, interval, timeout and success codes are modified in place; with the gate off the target group is replaced. Either way targets are re-evaluated under the new check.',
    fix: 'Check that the health-check path answers under the new settings; if your controller runs with NLBHealthCheckAdvancedConfig=false, treat this as a target-group replacement.',
    check: (d) => {
      if (!changed(d) || !isAwsNlb(d.base.object) || !isAwsNlb(d.head.object)) return [];
      return NLB_ANNOTATIONS.healthCheck
        .filter((k) => ann(d.base.object, k) !== ann(d.head.object, k))
        .map((k) => fieldHit(`metadata.annotations["${k}"]`, ann(d.base.object, k), ann(d.head.object, k)));
    },
  },
  {
    id: 'AII-D040',
    rule: 'max-replicas-lowered',
    level: 'interrupting',
    why: 'A lower maximum caps scale-out: under the load the old maximum was sized for, latency and errors rise instead of pods being added; if more pods run now, the autoscaler removes the excess at once.',
    fix: 'Check the load test or the recent peak replica count (kube_horizontalpodautoscaler_status_current_replicas) against the new maximum.',
    check: (d) => replicaBound(d, 'max', (a, b) => b < a),
  },
  {
    id: 'AII-D041',
    rule: 'min-replicas-lowered',
    level: 'notice',
    why: 'A lower minimum leaves less warm capacity for a burst: new GPU pods take minutes to schedule and load the model.',
    fix: 'Check that the remaining minimum covers the quiet-hour load and a zone outage.',
    check: (d) => replicaBound(d, 'min', (a, b) => b < a),
  },
  {
    id: 'AII-D042',
    rule: 'replicas-lowered',
    level: 'interrupting',
    why: 'Applying a lower spec.replicas removes pods at once (an autoscaler may add them back later).',
    fix: 'Lower replicas in steps, or leave spec.replicas out when an autoscaler owns the count.',
    check: (d) => {
      if (!changed(d) || !['Deployment', 'StatefulSet'].some((k) => is(d.base.object, 'apps', k))) return [];
      const a = getPath(d.base.object, 'spec', 'replicas');
      const b = getPath(d.head.object, 'spec', 'replicas');
      return typeof a === 'number' && typeof b === 'number' && b < a ? [fieldHit('spec.replicas', a, b)] : [];
    },
  },
  {
    id: 'AII-D043',
    rule: 'disruption-budget-loosened',
    level: 'interrupting',
    why: 'A looser PodDisruptionBudget lets node drains and upgrades evict more pods at once: fewer pods serve traffic during a drain.',
    fix: 'Check that the pods left during a drain carry the peak load.',
    check: (d) => pdbChange(d, 'loosened'),
  },
  {
    id: 'AII-D044',
    rule: 'disruption-budget-tightened',
    level: 'notice',
    why: 'A tighter PodDisruptionBudget blocks node drains sooner: with minAvailable at or above the running pods, a drain waits forever and cluster upgrades stall.',
    fix: 'Keep minAvailable below the minimum replica count (or maxUnavailable at 1 or more).',
    check: (d) => pdbChange(d, 'tightened'),
  },
  {
    id: 'AII-D045',
    rule: 'disruption-budget-changed',
    level: 'notice',
    why: 'The budget switched between minAvailable and maxUnavailable, or between a count and a percentage: how many pods a drain may evict changes in a way that depends on the replica count.',
    fix: 'Work out the allowed disruptions at the minimum and maximum replica counts.',
    check: (d) => pdbChange(d, 'incomparable'),
  },
  {
    id: 'AII-D050',
    rule: 'slo-alert-changed',
    level: 'notice',
    why: 'An alert derived from the SLO (latency objective, availability burn rates, error-rate objective, throughput floor) fires at a different level or after a different time: pages come earlier, later or not at all, and the error budget means something else.',
    fix: 'Confirm the SLO change with the service owner and the on-call rotation; record it where the SLO is published.',
    check: (d) => alertChanges(d, true),
  },
  {
    id: 'AII-D051',
    rule: 'alert-rule-changed',
    level: 'notice',
    why: 'An alerting rule\'s expression or `for` changed: it fires under other conditions.',
    fix: 'Check the new expression (promtool test rules) and tell the on-call rotation.',
    check: (d) => alertChanges(d, false),
  },
  {
    id: 'AII-D052',
    rule: 'alert-rule-removed',
    level: 'notice',
    why: 'An alerting rule is gone: the condition it watched no longer pages anyone.',
    fix: 'Check that another alert covers the condition.',
    check: (d) => {
      if (!changed(d) || !holdsRuleGroups(d.base.object)) return [];
      const a = alertRules(d.base.object);
      const b = alertRules(d.head.object);
      return [...a.keys()].filter((k) => !b.has(k)).map((k) => ({ path: `spec.groups[name=${a.get(k)!.group}].rules[rule=alert:${k}]`, old: a.get(k)!.rule.expr, message: `alert ${k} is removed` }));
    },
  },
  {
    id: 'AII-D053',
    rule: 'recording-rule-changed',
    level: 'notice',
    why: 'A recording rule is removed or computes something else: the alerts and dashboards that read its series (the SLI ratios, the burn-rate windows) go silent or see other values, without their own expressions changing.',
    fix: 'Check which alerts and panels read the series (grep the record name) and that they still mean what they say.',
    check: (d) => {
      if (!changed(d) || !holdsRuleGroups(d.base.object)) return [];
      const records = (o: K8sObject) => {
        const out = new Map<string, { group: string; expr: unknown }>();
        for (const g of (getPath(o, 'spec', 'groups') ?? []) as K8sObject[]) {
          for (const r of (g?.rules ?? []) as K8sObject[]) if (typeof r?.record === 'string' && !out.has(r.record)) out.set(r.record, { group: String(g.name), expr: r.expr });
        }
        return out;
      };
      const a = records(d.base.object);
      const b = records(d.head.object);
      const hits: Hit[] = [];
      for (const [name, ra] of a) {
        const rb = b.get(name);
        if (!rb) hits.push({ path: `spec.groups[name=${ra.group}].rules[rule=record:${name}]`, old: ra.expr, message: `recording rule ${name} is removed` });
        else if (!deepEqual(ra.expr, rb.expr)) hits.push(fieldHit(`spec.groups[name=${rb.group}].rules[rule=record:${name}].expr`, ra.expr, rb.expr, `recording rule ${name}: expr changes`));
      }
      return hits;
    },
  },
  {
    id: 'AII-D060',
    rule: 'pod-template-changed',
    level: 'notice',
    why: 'A change of the pod template replaces every pod by a rolling update: each new GPU pod is scheduled, pulls the image and loads the model (minutes), and the rollout holds surge capacity while it runs.',
    fix: 'Roll out when the spare GPU capacity allows a surge pod; watch the rollout (kubectl rollout status) and the readiness of the new pods.',
    check: (d) => {
      if (!changed(d) || !WORKLOADS.some((k) => is(d.base.object, 'apps', k))) return [];
      const n = d.changes.filter((c) => c.pathText.startsWith('spec.template.')).length;
      return n === 0 ? [] : [{ path: 'spec.template', message: `the pod template changes (${n} field${n === 1 ? '' : 's'}): every pod is replaced` }];
    },
  },
  {
    id: 'AII-D061',
    rule: 'config-change-not-rolled-out',
    level: 'notice',
    why: 'Environment variables from a ConfigMap or Secret are read when a container starts: changing the data does not change running pods, which keep the old values until they restart (a mounted volume is refreshed by the kubelet, environment variables never).',
    fix: 'Restart the workload after applying (kubectl rollout restart), or make the pod template change with the data (a hash of it in a pod annotation).',
    check: (d, all) => {
      if (!changed(d) || !is(d.base.object, '', 'ConfigMap', 'Secret')) return [];
      if (deepEqual(d.base.object.data, d.head.object.data) && deepEqual(d.base.object.stringData, d.head.object.stringData)) return [];
      const { kind, namespace, name } = d.head.id;
      const refKey = kind === 'ConfigMap' ? 'configMapRef' : 'secretRef';
      const keyRef = kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef';
      const hits: Hit[] = [];
      for (const w of all) {
        const o = w.head?.object;
        if (!w.head || w.head.id.namespace !== namespace || !WORKLOADS.some((k) => is(o, 'apps', k))) continue;
        if (w.status === 'changed' && w.changes.some((c) => c.pathText.startsWith('spec.template.'))) continue;
        const pod = getPath(o, 'spec', 'template', 'spec') as K8sObject | undefined;
        const containers = [...((pod?.containers ?? []) as K8sObject[]), ...((pod?.initContainers ?? []) as K8sObject[])];
        const uses = containers.some(
          (c) => ((c.envFrom ?? []) as K8sObject[]).some((e) => e?.[refKey]?.name === name) || ((c.env ?? []) as K8sObject[]).some((e) => e?.valueFrom?.[keyRef]?.name === name),
        );
        if (uses) hits.push({ message: `${describeId(w.head.id)} reads it as environment variables and its pod template is unchanged: its pods keep the old values` });
      }
      return hits;
    },
  },
];

function storageSizes(d: ObjectDiff): { old: unknown; new: unknown; oldSize: number; newSize: number } | undefined {
  if (!changed(d) || !is(d.base.object, '', 'PersistentVolumeClaim')) return undefined;
  const a = getPath(d.base.object, 'spec', 'resources', 'requests', 'storage');
  const b = getPath(d.head.object, 'spec', 'resources', 'requests', 'storage');
  const qa = parseQuantity(a);
  const qb = parseQuantity(b);
  return qa === undefined || qb === undefined ? undefined : { old: a, new: b, oldSize: qa, newSize: qb };
}

/** HPA min/maxReplicas, KEDA ScaledObject min/maxReplicaCount (KEDA defaults: min 0, max 100). */
function replicaBound(d: ObjectDiff, which: 'min' | 'max', hit: (a: number, b: number) => boolean): Hit[] {
  if (!changed(d)) return [];
  let field: string;
  let dflt: number | undefined;
  if (is(d.base.object, 'autoscaling', 'HorizontalPodAutoscaler')) [field, dflt] = which === 'max' ? ['maxReplicas', undefined] : ['minReplicas', 1];
  else if (is(d.base.object, 'keda.sh', 'ScaledObject')) [field, dflt] = which === 'max' ? ['maxReplicaCount', 100] : ['minReplicaCount', 0];
  else return [];
  const a = getPath(d.base.object, 'spec', field);
  const b = getPath(d.head.object, 'spec', field);
  const na = typeof a === 'number' ? a : dflt;
  const nb = typeof b === 'number' ? b : dflt;
  return na !== undefined && nb !== undefined && hit(na, nb) ? [fieldHit(`spec.${field}`, a, b)] : [];
}

function pdbChange(d: ObjectDiff, want: 'loosened' | 'tightened' | 'incomparable'): Hit[] {
  if (!changed(d) || !is(d.base.object, 'policy', 'PodDisruptionBudget')) return [];
  const read = (o: K8sObject) => {
    for (const field of ['minAvailable', 'maxUnavailable'] as const) {
      const v = getPath(o, 'spec', field);
      if (v === undefined || v === null) continue;
      const pct = typeof v === 'string' && v.endsWith('%');
      return { field, raw: v, pct, n: pct ? Number(String(v).slice(0, -1)) : Number(v) };
    }
    return undefined;
  };
  const a = read(d.base.object);
  const b = read(d.head.object);
  if (!a || !b || deepEqual(a.raw, b.raw)) return [];
  if (a.field !== b.field || a.pct !== b.pct || Number.isNaN(a.n) || Number.isNaN(b.n)) {
    return want === 'incomparable' ? [{ path: 'spec', old: { [a.field]: a.raw }, new: { [b.field]: b.raw }, message: `${a.field} ${show(a.raw)} -> ${b.field} ${show(b.raw)}` }] : [];
  }
  // minAvailable down or maxUnavailable up lets more pods go at once.
  const loosened = a.field === 'minAvailable' ? b.n < a.n : b.n > a.n;
  return (want === 'loosened') === loosened && want !== 'incomparable' ? [fieldHit(`spec.${a.field}`, a.raw, b.raw)] : [];
}

interface AlertRule {
  readonly group: string;
  readonly rule: K8sObject;
}

/** Alerting rules by name (a repeated name gets `#n`, as in the diff paths). */
function alertRules(o: K8sObject): Map<string, AlertRule> {
  const out = new Map<string, AlertRule>();
  const seen = new Map<string, number>();
  for (const g of (getPath(o, 'spec', 'groups') ?? []) as K8sObject[]) {
    for (const r of (g?.rules ?? []) as K8sObject[]) {
      if (typeof r?.alert !== 'string') continue;
      const n = (seen.get(r.alert) ?? 0) + 1;
      seen.set(r.alert, n);
      out.set(n === 1 ? r.alert : `${r.alert}#${n}`, { group: String(g.name), rule: r });
    }
  }
  return out;
}

/** An alert the SLO feeds: one of the library's SLO alerts, or one whose texts speak of the SLO. */
function isSloAlert(name: string, rule: K8sObject): boolean {
  if (SLO_ALERTS.has(name.replace(/#\d+$/, ''))) return true;
  const texts = Object.values(rule.annotations ?? {}).join(' ');
  return /\bSLO\b|objective/i.test(texts);
}

function alertChanges(d: ObjectDiff, slo: boolean): Hit[] {
  if (!changed(d) || !holdsRuleGroups(d.base.object)) return [];
  const a = alertRules(d.base.object);
  const b = alertRules(d.head.object);
  const hits: Hit[] = [];
  for (const [name, ra] of a) {
    const rb = b.get(name);
    if (!rb || isSloAlert(name, ra.rule) !== slo) continue;
    for (const field of ['expr', 'for'] as const) {
      if (deepEqual(ra.rule[field], rb.rule[field])) continue;
      hits.push(fieldHit(`spec.groups[name=${rb.group}].rules[rule=alert:${name}].${field}`, ra.rule[field], rb.rule[field], `alert ${name}: ${field} changes`));
    }
  }
  return hits;
}

const LEVEL_ORDER = new Map(FINDING_LEVELS.map((l, i) => [l, i]));

/** Every finding of every rule over the matched objects, destructive first. */
export function findChanges(objects: readonly ObjectDiff[], rules: readonly DiffRule[] = DIFF_RULES): DiffFinding[] {
  const out: DiffFinding[] = [];
  for (const d of objects) {
    const subject = d.base ?? d.head;
    if (!subject) continue;
    for (const rule of rules) {
      for (const hit of rule.check(d, objects)) {
        const f: { -readonly [K in keyof DiffFinding]: DiffFinding[K] } = {
          id: rule.id,
          rule: rule.rule,
          level: rule.level,
          object: describeId(subject.id),
          file: subject.file,
          message: hit.message,
          why: rule.why,
          fix: rule.fix,
        };
        if (hit.path !== undefined) f.path = hit.path;
        if (hit.old !== undefined) f.old = hit.old;
        if (hit.new !== undefined) f.new = hit.new;
        out.push(f);
      }
    }
  }
  return out
    .map((f, i) => ({ f, i }))
    .sort((x, y) => LEVEL_ORDER.get(x.f.level)! - LEVEL_ORDER.get(y.f.level)! || x.i - y.i)
    .map(({ f }) => f);
}

/** Whether an object holds rule groups (PrometheusRule, or GMP's Rules and ClusterRules). */
function holdsRuleGroups(o: Parameters<typeof is>[0]): boolean {
  return RULE_GROUP_KINDS.some(([group, kind]) => is(o, group, kind));
}
