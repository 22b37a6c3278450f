/**
 * The platform spec's checks: each workload as a service spec (its problems prefixed with
 * its place in `workloads`), then the rules between the workloads, each with an id and a fix.
 * Everything is checked before any object is built.
 */
import { PLATFORM_CHECK_IDS, objectNames, platformObjectNames } from '../conventions';
import { findInstance } from '../constructs/karpenter-node-pool';
import { adapterRulesOf } from '../constructs/prometheus-adapter-rules';
import { mergeAdapterRules } from '../metrics/signals';
import { PlatformSpec, SYSTEM_PRIORITY_CLASSES, platformSpecShapeSchema, resolveIngressController, resolvePlatform } from '../spec/platform';
import { formatProblem, throwIfProblems, zodProblems } from '../spec/problems';
import { AiInferenceSpec } from '../spec/spec';
import { Findings } from './findings/types';
import { checkSpec } from './validate';
import { ChartWirings } from './wiring';

/** One workload, validated. */
export interface CheckedWorkload {
  readonly spec: AiInferenceSpec;
  readonly wirings: ChartWirings;
  readonly findings: Findings;
  /** Its place in the platform spec, `workloads[2]`. */
  readonly path: string;
}

/** Every problem of a platform spec, as `AII-P0xx path (value) rule; fix` lines (the workloads' own without an id). */
export function validatePlatformSpec(spec: unknown): string[] {
  return checkPlatform(spec).problems;
}

interface PlatformCheck {
  readonly problems: string[];
  readonly workloads?: CheckedWorkload[];
}

function checkPlatform(input: unknown): PlatformCheck {
  const shape = zodProblems(platformSpecShapeSchema, input);
  if (shape.length > 0) return { problems: shape };
  const spec = input as PlatformSpec;
  const problems: string[] = [];
  const workloads: CheckedWorkload[] = [];
  spec.workloads.forEach((w, i) => {
    const path = `workloads[${i}]`;
    const checked = checkSpec(w);
    problems.push(...checked.problems.map((p) => `${path}.${p}`));
    if (checked.checked) workloads.push({ ...checked.checked, path });
  });
  problems.push(...relationProblems(spec));
  // The adapter's rules need every workload's wirings: only when each workload holds.
  if (problems.length === 0) problems.push(...adapterProblems(workloads));
  return problems.length > 0 ? { problems } : { problems, workloads };
}

/** Validates a platform spec; throws an InferenceValidationError listing every problem. */
export function checkedPlatform(subject: string, spec: unknown): { spec: PlatformSpec; workloads: CheckedWorkload[] } {
  const result = checkPlatform(spec);
  throwIfProblems(subject, result.problems);
  return { spec: spec as PlatformSpec, workloads: result.workloads! };
}

const id = PLATFORM_CHECK_IDS;

function relationProblems(spec: PlatformSpec): string[] {
  const problems: string[] = [];
  const add = (checkId: string, path: (string | number)[], value: unknown, message: string) => problems.push(`${checkId} ${formatProblem(path, value, message)}`);

  const releases = new Map<string, number>();
  spec.workloads.forEach((w, i) => {
    const first = releases.get(w.release);
    if (first !== undefined) {
      add(id.duplicateRelease, ['workloads', i, 'release'], w.release, `is also the release of workloads[${first}]: every object's name derives from the release, so the second would overwrite the first; give each workload its own release`);
    } else releases.set(w.release, i);
    // The overview dashboard's ConfigMap is the one shared name a workload's own can take.
    const overview = platformObjectNames(spec.name).overviewDashboard;
    if (resolvePlatform(spec).dashboard && objectNames(w.release).dashboard === overview) {
      add(id.duplicateRelease, ['workloads', i, 'release'], w.release, `names its dashboard ConfigMap ${overview}, the name of the platform's overview dashboard, so one would overwrite the other; give the workload another release, or set dashboard false`);
    }
    if (w.namespace !== spec.namespace) {
      add(id.foreignNamespace, ['workloads', i, 'namespace'], w.namespace, `differs from the platform's namespace ("${spec.namespace}"): its quota, ingress and priority checks cover that namespace only; set it to "${spec.namespace}"`);
    }
    if (w.createNamespace) {
      add(id.workloadCreatesNamespace, ['workloads', i, 'createNamespace'], true, `would write the platform's Namespace a second time; the platform creates it (createNamespace); leave it out of the workload`);
    }
  });

  // Every PriorityClass a workload names must exist, or its pods are refused at admission.
  const known = new Set<string>([...SYSTEM_PRIORITY_CLASSES, ...(spec.priorityClasses ?? []).map((c) => c.name), ...(spec.existingPriorityClasses ?? [])]);
  spec.workloads.forEach((w, i) => {
    const name = w.scheduling?.priorityClassName;
    if (name !== undefined && !known.has(name)) {
      const declared = (spec.priorityClasses ?? []).map((c) => c.name);
      add(
        id.unknownPriorityClass,
        ['workloads', i, 'scheduling', 'priorityClassName'],
        name,
        `names a PriorityClass the platform neither creates nor lists in existingPriorityClasses (${declared.length > 0 ? `it creates ${declared.join(', ')}` : 'it creates none'}): the API server refuses pods whose class does not exist; add it to priorityClasses, or to existingPriorityClasses if the cluster has it`,
      );
    }
  });

  const ingress = spec.ingress;
  if (ingress) {
    const controller = resolveIngressController(ingress);
    const paths = new Map<string, number>();
    ingress.routes.forEach((r, i) => {
      const workload = spec.workloads.find((w) => w.release === r.workload);
      if (!workload) {
        add(id.routeToUnknownWorkload, ['ingress', 'routes', i, 'workload'], r.workload, `is not the release of a workload; use one of ${[...new Set(spec.workloads.map((w) => w.release))].map((name) => JSON.stringify(name)).join(', ')}`);
      } else if (workload.traffic?.internal === false) {
        add(id.routeWithoutService, ['ingress', 'routes', i, 'workload'], r.workload, `has traffic.internal false, so it has no ClusterIP Service for the ingress to send to; leave traffic.internal out`);
      } else if (workload.networkPolicy !== false && !admitsController(workload, controller)) {
        const w = spec.workloads.indexOf(workload);
        const peer = `{ namespace: '${controller.namespace}', podLabels: ${JSON.stringify(controller.podLabels)} }`;
        add(
          id.ingressBlockedByNetworkPolicy,
          ['workloads', w, 'networkPolicy', 'webApp'],
          workload.networkPolicy?.webApp,
          `does not admit the ${ingress.provider} controller's pods (namespace ${controller.namespace}, labels ${JSON.stringify(controller.podLabels)}), so the workload's NetworkPolicy drops every request ingress.routes[${i}] sends it; set networkPolicy.webApp to ${peer} (or ingress.controller to where the controller runs)`,
        );
      }
      const key = r.path.replace(/\/+$/, '') || '/';
      const first = paths.get(key);
      if (first !== undefined) add(id.duplicateRoutePath, ['ingress', 'routes', i, 'path'], r.path, `is also the path of ingress.routes[${first}]: the controller sends a path to one backend only; give each route its own path`);
      else paths.set(key, i);
    });
  }

  (spec.nodePools ?? []).forEach((pool, i) => {
    pool.instanceTypes.forEach((t, j) => {
      if (!findInstance(t)) {
        add(id.nodePoolUnknownInstance, ['nodePools', i, 'instanceTypes', j], t, 'is not an instance type whose vCPUs, memory and GPUs the library knows, so maxNodes cannot be turned into the NodePool limits Karpenter enforces; use a known type or leave it out');
      }
    });
  });
  return problems;
}

/** Whether the workload's NetworkPolicy admits the controller's pods (its webApp peer selects them). */
function admitsController(workload: AiInferenceSpec, controller: ReturnType<typeof resolveIngressController>): boolean {
  const peer = workload.networkPolicy ? workload.networkPolicy.webApp : undefined;
  if (!peer || peer.namespace !== controller.namespace) return false;
  return Object.entries(peer.podLabels).every(([k, v]) => controller.podLabels[k] === v);
}

/**
 * One prometheus-adapter serves every workload: a custom-metrics name two workloads serve
 * with different rules would answer one of them with the other's series.
 */
function adapterProblems(workloads: readonly CheckedWorkload[]): string[] {
  const sets = workloads.flatMap((w) => {
    const props = w.wirings.adapter?.props;
    if (!props) return [];
    return [{ source: `${w.path} (${w.spec.release})`, rules: adapterRulesOf(props).map((r) => r.rule) }];
  });
  try {
    mergeAdapterRules(sets);
    return [];
  } catch (e) {
    return [`${id.adapterMetricConflict} ${(e as Error).message}`];
  }
}
