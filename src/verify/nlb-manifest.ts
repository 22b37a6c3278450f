/**
 * Reads what verify-nlb needs from synthesized manifests (YAML, several documents): the
 * load balancer Service and how many ready pods should sit behind it.
 */
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as plain data. */
export type K8sObject = Record<string, any>;

/** How many pods the Service should have behind it, and where that number comes from. */
export interface ExpectedReplicas {
  readonly count: number;
  /** True when an autoscaler may run more: live counts above `count` are fine. */
  readonly atLeast: boolean;
  /** e.g. `HorizontalPodAutoscaler/ai-inference-hpa minReplicas`. */
  readonly source: string;
}

export interface ManifestService {
  readonly service: K8sObject;
  readonly replicas?: ExpectedReplicas;
}

/** Parses every YAML document of `text`; `file` names it in errors. */
export function parseManifests(text: string, file: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new Error(`${file}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}; pass the file cdk8s synth wrote (dist/<chart>.k8s.yaml)`);
    }
    const value = doc.toJS();
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if (value.kind === 'List' && Array.isArray(value.items)) objects.push(...value.items);
      else objects.push(value);
    }
  }
  return objects;
}

const namespaceOf = (o: K8sObject): string => o.metadata?.namespace ?? 'default';

/** The Service `<namespace>/<name>` of `objects` and the replicas of the workload it selects. */
export function findService(objects: readonly K8sObject[], namespace: string, name: string, file: string): ManifestService {
  const services = objects.filter((o) => o.kind === 'Service');
  const service = services.find((o) => o.metadata?.name === name && namespaceOf(o) === namespace);
  if (!service) {
    const lbs = services.filter((o) => o.spec?.type === 'LoadBalancer').map((o) => `${namespaceOf(o)}/${o.metadata?.name}`);
    throw new Error(
      `--service ${namespace}/${name}: no Service of that namespace and name in ${file}` +
        (lbs.length > 0 ? `; its LoadBalancer Services: ${lbs.join(', ')}` : '; it has no Service of type LoadBalancer') +
        '. Pass --service <namespace>/<name> of one of them',
    );
  }
  if (service.spec?.type !== 'LoadBalancer') {
    throw new Error(`--service ${namespace}/${name}: the Service is of type ${service.spec?.type ?? 'ClusterIP'}, not LoadBalancer, so no NLB belongs to it; pass the load balancer Service`);
  }
  return { service, replicas: expectedReplicas(objects, service) };
}

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

/**
 * The ready pods the Service should reach: the minimum of the autoscaler that owns the
 * selected workload (HPA minReplicas, KEDA ScaledObject minReplicaCount), else the workload's
 * replicas (Kubernetes defaults a missing `replicas` to 1).
 */
export function expectedReplicas(objects: readonly K8sObject[], service: K8sObject): ExpectedReplicas | undefined {
  const selector: Record<string, string> | undefined = service.spec?.selector;
  if (!selector) return undefined;
  const ns = namespaceOf(service);
  const workload = objects.find(
    (o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && namespaceOf(o) === ns && selects(selector, o.spec?.template?.metadata?.labels),
  );
  if (!workload) return undefined;
  const targets = (ref: K8sObject | undefined) => ref?.name === workload.metadata?.name && (ref?.kind ?? 'Deployment') === workload.kind;
  const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && namespaceOf(o) === ns && targets(o.spec?.scaleTargetRef));
  if (hpa) {
    // autoscaling/v2: minReplicas defaults to 1.
    return { count: hpa.spec?.minReplicas ?? 1, atLeast: true, source: `HorizontalPodAutoscaler/${hpa.metadata?.name} minReplicas` };
  }
  const scaled = objects.find((o) => o.kind === 'ScaledObject' && namespaceOf(o) === ns && targets(o.spec?.scaleTargetRef));
  if (scaled) {
    // KEDA: minReplicaCount defaults to 0.
    return { count: scaled.spec?.minReplicaCount ?? 0, atLeast: true, source: `ScaledObject/${scaled.metadata?.name} minReplicaCount` };
  }
  const replicas = workload.spec?.replicas;
  return { count: replicas ?? 1, atLeast: false, source: `${workload.kind}/${workload.metadata?.name} replicas${replicas === undefined ? ' (unset: 1)' : ''}` };
}
