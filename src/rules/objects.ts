/**
 * Reading plain Kubernetes objects: pod templates and their containers, label selectors,
 * quantities, the workload an autoscaler or budget points at. Shared by the rules; no rule
 * logic here.
 */
import { K8sObject, RuleContext } from './types';

/** Kinds whose pods are described by `spec.template` (CronJob: `spec.jobTemplate.spec.template`). */
const TEMPLATE_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController']);

/** Kinds with a replica count that HPAs, KEDA and PDBs act on. */
export const SCALABLE_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/** The pod template of an object that runs pods, with the field path of its `spec`. */
export interface PodTemplate {
  readonly metadata: K8sObject;
  readonly spec: K8sObject;
  /** Path of the template's pod spec in the object: `spec.template.spec`, `spec` for a Pod. */
  readonly specPath: string;
}

/**
 * The pod template of a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job or CronJob; undefined for other kinds (a PodTemplate runs no
 * pods: GKE's ProvisioningRequest only sizes nodes from it) and for objects missing it.
 */
export function podTemplateOf(o: K8sObject): PodTemplate | undefined {
  let template: K8sObject | undefined;
  let specPath: string;
  if (o.kind === 'Pod') {
    template = o;
    specPath = 'spec';
  } else if (o.kind === 'CronJob') {
    template = o.spec?.jobTemplate?.spec?.template;
    specPath = 'spec.jobTemplate.spec.template.spec';
  } else if (TEMPLATE_KINDS.has(o.kind)) {
    template = o.spec?.template;
    specPath = 'spec.template.spec';
  } else {
    return undefined;
  }
  if (!isObject(template) || !isObject(template.spec)) return undefined;
  return { metadata: isObject(template.metadata) ? template.metadata : {}, spec: template.spec, specPath };
}

/** One container of a pod spec with its list and the field path to it. */
export interface ContainerAt {
  readonly container: K8sObject;
  readonly list: 'containers' | 'initContainers' | 'ephemeralContainers';
  readonly path: string;
  /** An init container with `restartPolicy: Always` (a sidecar): it runs beside the app. */
  readonly sidecar: boolean;
}

/** Every container of a pod template: app containers, init containers, ephemeral ones. */
export function containersOf(t: PodTemplate): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const list of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    const items = t.spec[list];
    if (!Array.isArray(items)) continue;
    items.forEach((c, i) => {
      if (isObject(c)) out.push({ container: c, list, path: `${t.specPath}.${list}[${i}]`, sidecar: list === 'initContainers' && c.restartPolicy === 'Always' });
    });
  }
  return out;
}

export function isObject(v: unknown): v is K8sObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function nameOf(o: K8sObject): string {
  return typeof o.metadata?.name === 'string' ? o.metadata.name : '<no name>';
}

/** The namespace, '' when the object names none (it lands wherever it is applied). */
export function namespaceOf(o: K8sObject): string {
  return typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : '';
}

export function labelsOf(o: K8sObject | undefined): Record<string, string> {
  return isObject(o?.labels) ? o.labels : {};
}

export function annotationsOf(o: K8sObject): Record<string, string> {
  return isObject(o.metadata?.annotations) ? o.metadata.annotations : {};
}

/** `Kind namespace/name` for messages. */
export function describeObject(o: K8sObject): string {
  const ns = namespaceOf(o);
  return `${o.kind} ${ns ? `${ns}/` : ''}${nameOf(o)}`;
}

/**
 * Whether a LabelSelector (`matchLabels` and `matchExpressions`) selects these labels. An
 * empty selector selects everything, as in the API.
 */
export function selectorMatches(selector: K8sObject | undefined, labels: Record<string, string>): boolean {
  if (!isObject(selector)) return true;
  for (const [k, v] of Object.entries(isObject(selector.matchLabels) ? selector.matchLabels : {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    if (!isObject(e)) continue;
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values: unknown[] = Array.isArray(e.values) ? e.values : [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A Service's `spec.selector` (a plain map) matches these labels; an empty map matches none (the API selects no pods then). */
export function mapSelectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** An object that runs pods, with its template. */
export interface Workload {
  readonly object: K8sObject;
  readonly template: PodTemplate;
}

/** Every object of the input that runs pods. */
export function workloadsOf(objects: readonly K8sObject[]): Workload[] {
  const out: Workload[] = [];
  for (const object of objects) {
    const template = podTemplateOf(object);
    if (template) out.push({ object, template });
  }
  return out;
}

/** The lookups of a RuleContext over these objects, each index built once. */
export function ruleContext(objects: readonly K8sObject[]): RuleContext {
  portsOf = new WeakMap();
  const byKind = new Map<string, K8sObject[]>();
  const byKindNs = new Map<string, K8sObject[]>();
  const workloads = new Map<string, Workload[]>();
  const push = <T>(m: Map<string, T[]>, key: string, v: T) => {
    const list = m.get(key);
    if (list) list.push(v);
    else m.set(key, [v]);
  };
  for (const o of objects) {
    push(byKind, o.kind, o);
    push(byKindNs, `${o.kind}\u0000${namespaceOf(o)}`, o);
    const template = podTemplateOf(o);
    if (template) push(workloads, namespaceOf(o), { object: o, template });
  }
  return {
    objects,
    ofKind: (kind) => byKind.get(kind) ?? [],
    inNamespace: (kind, namespace) => byKindNs.get(`${kind}\u0000${namespace}`) ?? [],
    workloadsIn: (namespace) => workloads.get(namespace) ?? [],
  };
}

/** The workload a `scaleTargetRef` / `targetRef` (kind, name, apiVersion) names in a namespace. */
export function findTarget(ctx: RuleContext, namespace: string, ref: K8sObject | undefined): K8sObject | undefined {
  if (!isObject(ref) || typeof ref.kind !== 'string') return undefined;
  return ctx.inNamespace(ref.kind, namespace).find((o) => nameOf(o) === ref.name && podTemplateOf(o) !== undefined);
}

const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };

/** A Kubernetes quantity (`1500m`, `16Gi`, `2`, `1e3`, a number) as a number; NaN when not one. */
export function quantityValue(q: unknown): number {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return NaN;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE]?))$/.exec(q.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  if (m[3]) return n * BINARY[m[3]];
  return n * DECIMAL[m[4] ?? ''];
}

/** A resource map (`requests`/`limits`) of a container. */
export function resourceMap(c: K8sObject, which: 'requests' | 'limits'): Record<string, unknown> {
  const r = c.resources?.[which];
  return isObject(r) ? r : {};
}

/**
 * Extended resources (GPUs and other device-plugin resources): names outside the
 * `kubernetes.io` domain that contain a `/` (`nvidia.com/gpu`, `amd.com/gpu`,
 * `aws.amazon.com/neuron`). The API requires them in limits and, when also in requests,
 * the two equal (k8s.io/kubernetes pkg/apis/core/validation, "must be equal to ... limit"
 * for extended resources: they cannot be overcommitted).
 */
export function isExtendedResource(name: string): boolean {
  if (!name.includes('/')) return false;
  const domain = name.slice(0, name.indexOf('/'));
  return domain !== 'kubernetes.io' && !domain.endsWith('.kubernetes.io');
}

/** Whether a pod template asks for an extended resource (a GPU) in any app container. */
export function usesAccelerator(t: PodTemplate): boolean {
  return containersOf(t).some(({ container }) =>
    [...Object.keys(resourceMap(container, 'limits')), ...Object.keys(resourceMap(container, 'requests'))].some(isExtendedResource),
  );
}

/** The container ports of a pod template, by name and by number. */
export function containerPorts(t: PodTemplate): ContainerPorts {
  const known = portsOf.get(t.spec);
  if (known) return known;
  const ports = collectPorts(t);
  portsOf.set(t.spec, ports);
  return ports;
}

export interface ContainerPorts {
  readonly names: Map<string, number>;
  readonly numbers: Set<number>;
  readonly declared: boolean;
}

/**
 * Ports by pod spec object: the rules ask for the same template's ports once per Service port
 * and policy. Renewed by ruleContext, so it lives for one check (objects may change between checks).
 */
let portsOf = new WeakMap<K8sObject, ContainerPorts>();

function collectPorts(t: PodTemplate): ContainerPorts {
  const names = new Map<string, number>();
  const numbers = new Set<number>();
  let declared = false;
  for (const { container, list, sidecar } of containersOf(t)) {
    if (list !== 'containers' && !sidecar) continue;
    for (const p of Array.isArray(container.ports) ? container.ports : []) {
      if (!isObject(p)) continue;
      declared = true;
      if (typeof p.containerPort === 'number') numbers.add(p.containerPort);
      if (typeof p.name === 'string' && typeof p.containerPort === 'number') names.set(p.name, p.containerPort);
    }
  }
  return { names, numbers, declared };
}

/** Field path with a map key that may hold dots or slashes: `metadata.annotations["a/b"]`. */
export function keyPath(base: string, key: string): string {
  return `${base}[${JSON.stringify(key)}]`;
}
