/**
 * Pack `autoscaling`: the disruption budget against the replica floor, the VPA against the
 * HPA (or KEDA), and the latency the autoscaler aims at against the SLO the alerts promise.
 */
import { ADAPTER_METRIC_NAMES, AlertName, RULE_IDS } from '../conventions';
import { DefaultedValue } from '../spec/problems';
import { problem } from './message';
import { describeObject, findTarget, isObject, nameOf, namespaceOf, quantityValue, SCALABLE_KINDS, selectorMatches } from './objects';
import { K8sObject, RawFinding, Rule, RuleContext } from './types';

/** The fewest replicas a workload runs, and what sets that floor. */
export interface ReplicaFloor {
  readonly replicas: number;
  readonly source: string;
}

function isHpa(o: K8sObject): boolean {
  return o.kind === 'HorizontalPodAutoscaler';
}
function isScaledObject(o: K8sObject): boolean {
  return o.kind === 'ScaledObject' && String(o.apiVersion ?? '').startsWith('keda.sh/');
}

/** The KEDA scaleTargetRef with its defaults (kind Deployment, apiVersion apps/v1; KEDA ScaledObject spec). */
function kedaTarget(so: K8sObject): K8sObject | undefined {
  const ref = so.spec?.scaleTargetRef;
  return isObject(ref) ? { kind: 'Deployment', ...ref } : undefined;
}

/** The autoscalers (HPAs and KEDA ScaledObjects) that scale `workload`. */
export function autoscalersOf(ctx: RuleContext, workload: K8sObject): K8sObject[] {
  // By kind and name, not by object: the same workload may appear in several files of the
  // input (alternatives of one service), and each copy is scaled by the autoscalers of either.
  const ns = namespaceOf(workload);
  const names = (ref: K8sObject | undefined) => isObject(ref) && ref.kind === workload.kind && ref.name === nameOf(workload);
  return [...ctx.inNamespace('HorizontalPodAutoscaler', ns).filter((o) => names(o.spec?.scaleTargetRef)), ...ctx.inNamespace('ScaledObject', ns).filter((o) => isScaledObject(o) && names(kedaTarget(o)))];
}

/**
 * The replica floor: an HPA's minReplicas (default 1, autoscaling/v2), a ScaledObject's
 * minReplicaCount (default 0, KEDA), else spec.replicas (default 1).
 */
export function replicaFloor(ctx: RuleContext, workload: K8sObject): ReplicaFloor {
  const scalers = autoscalersOf(ctx, workload);
  const floors = scalers.map((s) =>
    isHpa(s)
      ? { replicas: typeof s.spec?.minReplicas === 'number' ? s.spec.minReplicas : 1, source: `${describeObject(s)} spec.minReplicas` }
      : { replicas: typeof s.spec?.minReplicaCount === 'number' ? s.spec.minReplicaCount : 0, source: `${describeObject(s)} spec.minReplicaCount` },
  );
  if (floors.length) return floors.reduce((a, b) => (b.replicas < a.replicas ? b : a));
  return { replicas: typeof workload.spec?.replicas === 'number' ? workload.spec.replicas : 1, source: `${describeObject(workload)} spec.replicas` };
}

/**
 * A percentage or a count of `total`, rounded up as the disruption controller does for both
 * minAvailable and maxUnavailable (k8s.io/kubernetes pkg/controller/disruption/disruption.go,
 * getExpectedPodCount: intstr.GetScaledValueFromIntOrPercent(..., true)).
 */
export function scaledValue(v: unknown, total: number): number {
  if (typeof v === 'number') return v;
  const m = typeof v === 'string' ? /^(\d+)%$/.exec(v) : null;
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
}

/** cpu/memory an HPA or ScaledObject scales on (Resource, ContainerResource metrics; KEDA cpu/memory triggers). */
export function resourceSignals(scaler: K8sObject): string[] {
  const out = new Set<string>();
  if (isHpa(scaler)) {
    for (const m of Array.isArray(scaler.spec?.metrics) ? scaler.spec.metrics : []) {
      const name = m?.resource?.name ?? m?.containerResource?.name;
      if ((m?.type === 'Resource' || m?.type === 'ContainerResource') && (name === 'cpu' || name === 'memory')) out.add(name);
    }
    // autoscaling/v1: targetCPUUtilizationPercentage.
    if (scaler.spec?.targetCPUUtilizationPercentage !== undefined) out.add('cpu');
  } else {
    for (const t of Array.isArray(scaler.spec?.triggers) ? scaler.spec.triggers : []) {
      if (t?.type === 'cpu' || t?.type === 'memory') out.add(t.type);
    }
  }
  return [...out];
}

/**
 * The resources a VPA sets on pods: none with updateMode Off; else, per container policy not
 * in mode Off, its controlledResources (default cpu and memory); containers no policy names
 * keep the defaults unless a `*` policy speaks for them. An unset updateMode is not Off: the
 * v1 API's default is Recreate (Auto before; crds/vpa-v1-crd-gen.yaml, kubernetes/autoscaler
 * tag vertical-pod-autoscaler/v1.7.1, PodUpdatePolicy.updateMode and
 * ContainerResourcePolicy.controlledResources).
 */
export function vpaControlledResources(vpa: K8sObject, containers?: readonly string[]): string[] {
  const mode = vpa.spec?.updatePolicy?.updateMode ?? VPA_DEFAULT_UPDATE_MODE;
  if (mode === 'Off') return [];
  const policies: K8sObject[] = (Array.isArray(vpa.spec?.resourcePolicy?.containerPolicies) ? vpa.spec.resourcePolicy.containerPolicies : []).filter(isObject);
  const out = new Set<string>();
  const resourcesOf = (p: K8sObject) => (p.mode === 'Off' ? [] : Array.isArray(p.controlledResources) ? p.controlledResources : ['cpu', 'memory']);
  const star = policies.find((p) => p.containerName === '*');
  const named = policies.filter((q) => q.containerName !== '*');
  // A container without a policy of its own gets the '*' policy, or the VPA's default (cpu
  // and memory). With the target's containers known, only those without one count.
  const uncovered = containers === undefined || containers.some((c) => !named.some((p) => p.containerName === c));
  if (uncovered) for (const r of star ? resourcesOf(star) : ['cpu', 'memory']) out.add(r);
  for (const p of named) if (containers === undefined || containers.includes(p.containerName)) for (const r of resourcesOf(p)) out.add(r);
  return [...out].filter((r) => r === 'cpu' || r === 'memory');
}

/** The VPA v1 updateMode when none is given (see vpaControlledResources). */
const VPA_DEFAULT_UPDATE_MODE = 'Recreate';

/** Names under which the library's prometheus-adapter rules serve the p95 latency. */
const LATENCY_P95_METRICS: ReadonlySet<string> = new Set(Object.values(ADAPTER_METRIC_NAMES.presets).map((p) => p.latencyP95));

/** The SLO alert the library writes for the p95 latency objective (src/alerts/catalogue.ts; typed against ALERT_NAMES). */
export const LATENCY_SLO_ALERT: AlertName = 'InferenceLatencyP95SLOBreach';

/** `histogram_quantile(q, ... <name>_bucket ...)` (and a trailing `> N`): the quantile, the histogram and the threshold. */
export function parseQuantileQuery(expr: string): { quantile: number; histogram: string; threshold?: number } | undefined {
  const m = /^\s*histogram_quantile\(\s*([0-9.]+)\s*,[\s\S]*?([A-Za-z_:][A-Za-z0-9_:]*)_bucket\b[\s\S]*?\)\s*(?:>\s*([0-9.eE+-]+)\s*)?$/.exec(expr);
  if (!m) return undefined;
  return { quantile: Number(m[1]), histogram: m[2], threshold: m[3] === undefined ? undefined : Number(m[3]) };
}

/** The p95 latency objective (seconds) the PrometheusRules of a namespace alert on for a Deployment. */
export function latencySlo(ctx: RuleContext, namespace: string, deployment: string): { seconds: number; histogram: string; source: string } | undefined {
  for (const pr of ctx.inNamespace('PrometheusRule', namespace)) {
    for (const g of Array.isArray(pr.spec?.groups) ? pr.spec.groups : []) {
      for (const r of Array.isArray(g?.rules) ? g.rules : []) {
        if (r?.alert !== LATENCY_SLO_ALERT || typeof r.expr !== 'string') continue;
        if (r.labels?.deployment !== undefined && r.labels.deployment !== deployment) continue;
        const q = parseQuantileQuery(r.expr);
        if (q?.threshold !== undefined) return { seconds: q.threshold, histogram: q.histogram, source: `${describeObject(pr)} alert ${LATENCY_SLO_ALERT}` };
      }
    }
  }
  return undefined;
}

export const AUTOSCALING_RULES: readonly Rule[] = [
  {
    id: RULE_IDS.pdbBlocksDrain,
    name: 'pdb-allows-drain',
    pack: 'autoscaling',
    level: 'error',
    summary: "A PodDisruptionBudget allows at least one eviction at the workload's replica floor.",
    why: 'A budget whose minAvailable reaches the fewest replicas the workload runs (or whose maxUnavailable is 0) allows no eviction: every node drain, cluster upgrade and node-pool rotation hangs on these pods until someone deletes the budget by hand.',
    fix: 'Lower minAvailable below the replica floor (HPA minReplicas, KEDA minReplicaCount or spec.replicas), use a percentage such as 66%, or raise the floor; never maxUnavailable 0.',
    check(ctx) {
      const out: RawFinding[] = [];
      for (const pdb of ctx.ofKind('PodDisruptionBudget')) {
        const ns = namespaceOf(pdb);
        const selected = ctx.workloadsIn(ns).filter((w) => SCALABLE_KINDS.has(w.object.kind) && selectorMatches(pdb.spec?.selector ?? {}, w.template.metadata.labels ?? {}));
        for (const w of selected) {
          const floor = replicaFloor(ctx, w.object);
          if (floor.replicas < 1) continue; // scaled to zero: no pod to drain
          const spec = pdb.spec ?? {};
          if (spec.maxUnavailable !== undefined) {
            if (scaledValue(spec.maxUnavailable, floor.replicas) === 0) {
              out.push({ object: pdb, path: 'spec.maxUnavailable', message: problem('spec.maxUnavailable', spec.maxUnavailable, `allows no eviction of ${describeObject(w.object)}: every node drain blocks; allow at least 1`) });
            }
          } else if (spec.minAvailable !== undefined) {
            const min = scaledValue(spec.minAvailable, floor.replicas);
            if (min >= floor.replicas) {
              out.push({
                object: pdb,
                path: 'spec.minAvailable',
                message: problem('spec.minAvailable', spec.minAvailable, `${typeof spec.minAvailable === 'string' ? `(${min} of ${floor.replicas} pods) ` : ''}must be below the replica floor of ${describeObject(w.object)} (${floor.replicas}, ${floor.source}), or node drains block; lower minAvailable or raise the floor`),
              });
            }
          }
        }
      }
      return out;
    },
  },
  {
    id: RULE_IDS.vpaFightsHpa,
    name: 'vpa-hpa-conflict',
    pack: 'autoscaling',
    level: 'error',
    summary: 'A VPA that updates cpu or memory does not target a workload an HPA (or KEDA) scales on the same resource.',
    why: 'The HPA scales on utilization, a share of the request; a VPA in a mode other than Off rewrites that request. Each move changes the signal of the other: the VPA raises requests, utilization drops, the HPA removes pods, utilization climbs, and the two oscillate, evicting GPU pods that take minutes to reload.',
    fix: 'Set the VPA updatePolicy.updateMode to "Off" (recommendations only), or scale the HPA on a signal the VPA does not set (request rate, queue depth, latency), or exclude cpu/memory from controlledResources.',
    check(ctx) {
      const out: RawFinding[] = [];
      for (const vpa of ctx.ofKind('VerticalPodAutoscaler')) {
        const target = findTarget(ctx, namespaceOf(vpa), vpa.spec?.targetRef);
        if (!target) continue;
        const containers = target.spec?.template?.spec?.containers;
        const controlled = vpaControlledResources(vpa, Array.isArray(containers) ? containers.filter(isObject).map((c: K8sObject) => String(c.name)) : undefined);
        if (!controlled.length) continue;
        for (const scaler of autoscalersOf(ctx, target)) {
          const shared = resourceSignals(scaler).filter((r) => controlled.includes(r));
          if (!shared.length) continue;
          const mode = vpa.spec?.updatePolicy?.updateMode;
          out.push({
            object: vpa,
            path: 'spec.updatePolicy.updateMode',
            message: problem('spec.updatePolicy.updateMode', mode ?? new DefaultedValue(VPA_DEFAULT_UPDATE_MODE), `updates ${shared.join(' and ')} of ${describeObject(target)}, which ${describeObject(scaler)} scales on: the two fight; set updateMode "Off" or scale on other signals`),
          });
        }
      }
      return out;
    },
  },
  {
    id: RULE_IDS.hpaLatencyTargetAboveSlo,
    name: 'latency-target-below-slo',
    pack: 'autoscaling',
    level: 'error',
    summary: 'The p95 latency an HPA or KEDA ScaledObject aims at is below the p95 objective of the SLO alert.',
    why: 'The autoscaler adds pods only once the latency passes its target; a target at or above the SLO objective means pods are added after the SLO is already breached, and with GPU pods minutes from ready the breach lasts the whole scale-up.',
    fix: 'Set the latency target a margin below the SLO objective (the library uses 75 %), or correct the SLO alert threshold.',
    check(ctx) {
      const out: RawFinding[] = [];
      for (const hpa of ctx.ofKind('HorizontalPodAutoscaler')) {
        const target = findTarget(ctx, namespaceOf(hpa), hpa.spec?.scaleTargetRef);
        if (!target) continue;
        const slo = latencySlo(ctx, namespaceOf(hpa), nameOf(target));
        if (!slo) continue;
        (Array.isArray(hpa.spec?.metrics) ? hpa.spec.metrics : []).forEach((m: K8sObject, i: number) => {
          const source = m?.object ?? m?.pods ?? m?.external;
          if (!isObject(source) || !LATENCY_P95_METRICS.has(source.metric?.name)) return;
          const field = source.target?.value !== undefined ? 'value' : 'averageValue';
          const value = quantityValue(source.target?.[field]);
          if (!(value >= slo.seconds)) return;
          const path = `spec.metrics[${i}].${m.type === 'Object' ? 'object' : m.type === 'Pods' ? 'pods' : 'external'}.target.${field}`;
          out.push({ object: hpa, path, message: problem(path, source.target[field], `is ${value} s, not below the p95 latency objective of ${slo.seconds} s (${slo.source}): pods are added only after the SLO is breached; lower the target, e.g. to ${round(slo.seconds * 0.75)}`) });
        });
      }
      for (const so of ctx.ofKind('ScaledObject').filter(isScaledObject)) {
        const target = findTarget(ctx, namespaceOf(so), kedaTarget(so));
        if (!target) continue;
        const slo = latencySlo(ctx, namespaceOf(so), nameOf(target));
        if (!slo) continue;
        (Array.isArray(so.spec?.triggers) ? so.spec.triggers : []).forEach((t: K8sObject, i: number) => {
          if (t?.type !== 'prometheus' || typeof t.metadata?.query !== 'string') return;
          const q = parseQuantileQuery(t.metadata.query);
          if (!q || q.quantile !== 0.95 || q.histogram !== slo.histogram) return;
          const value = Number(t.metadata.threshold);
          if (!(value >= slo.seconds)) return;
          const path = `spec.triggers[${i}].metadata.threshold`;
          out.push({ object: so, path, message: problem(path, t.metadata.threshold, `is ${value} s, not below the p95 latency objective of ${slo.seconds} s (${slo.source}): pods are added only after the SLO is breached; lower the threshold, e.g. to ${round(slo.seconds * 0.75)}`) });
        });
      }
      return out;
    },
  },
];

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
