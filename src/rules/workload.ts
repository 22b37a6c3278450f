/**
 * Pack `workload`: what every container of a workload must state (a pinned image, requests
 * and limits, GPU limits the API accepts) and the probes a serving pod needs.
 */
import { RULE_IDS } from '../conventions';
import { DefaultedValue } from '../spec/problems';
import { problem } from './message';
import { ContainerAt, containersOf, isExtendedResource, isObject, keyPath, quantityValue, resourceMap, workloadsOf } from './objects';
import { K8sObject, RawFinding, Rule } from './types';

/** Kinds whose pods run until replaced: they serve, so they need readiness and liveness probes. */
const LONG_RUNNING_KINDS: ReadonlySet<string> = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController']);

/**
 * Probe field defaults of the API (k8s.io/api core/v1 Probe: periodSeconds 10,
 * failureThreshold 3, initialDelaySeconds 0) and the Deployment's progressDeadlineSeconds
 * default (apps/v1 DeploymentSpec: 600).
 */
export const PROBE_DEFAULTS = { periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 0 } as const;
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/** Why an image reference is not pinned, or undefined when it has a digest or a tag other than `latest`. */
export function unpinnedImage(image: unknown): string | undefined {
  if (typeof image !== 'string' || image.trim() === '') return 'names no image';
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return undefined;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  if (colon < 0) return 'has no tag, so it means :latest';
  return last.slice(colon + 1) === 'latest' ? 'uses the moving tag latest' : undefined;
}

function eachContainer(objects: readonly K8sObject[], visit: (object: K8sObject, c: ContainerAt, kind: string) => RawFinding[]): RawFinding[] {
  const out: RawFinding[] = [];
  for (const { object, template } of workloadsOf(objects)) {
    for (const c of containersOf(template)) out.push(...visit(object, c, object.kind));
  }
  return out;
}

/** The seconds a startup probe lets a container take: initialDelay + failureThreshold × period. */
export function startupBudgetSeconds(probe: K8sObject): number {
  const n = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
  return n(probe.initialDelaySeconds, PROBE_DEFAULTS.initialDelaySeconds) + n(probe.failureThreshold, PROBE_DEFAULTS.failureThreshold) * n(probe.periodSeconds, PROBE_DEFAULTS.periodSeconds);
}

function requestsAccelerator(c: K8sObject): boolean {
  return [...Object.keys(resourceMap(c, 'limits')), ...Object.keys(resourceMap(c, 'requests'))].some(isExtendedResource);
}

export const WORKLOAD_RULES: readonly Rule[] = [
  {
    id: RULE_IDS.imagePinned,
    name: 'image-pinned',
    pack: 'workload',
    level: 'error',
    summary: 'Every container image is pinned: a tag other than latest, or a digest.',
    why: 'An image without a tag, or with :latest, changes under the Deployment: two pods of one ReplicaSet can run different code, a node restart pulls a new model server nobody reviewed, and a rollback returns to whatever latest is today.',
    fix: 'Name a release tag (ghcr.io/org/server:1.4.2) or a digest (ghcr.io/org/server@sha256:...).',
    check: (ctx) =>
      eachContainer(ctx.objects, (object, { container, path }) => {
        const why = unpinnedImage(container.image);
        return why ? [{ object, path: `${path}.image`, message: problem(`${path}.image`, container.image, `${why} (container "${container.name}"); pin a release tag or a digest`) }] : [];
      }),
  },
  {
    id: RULE_IDS.resourcesSet,
    name: 'resources-set',
    pack: 'workload',
    level: 'error',
    summary: 'Every container and init container requests and limits cpu and memory.',
    why: 'Without requests the scheduler packs pods onto a node blind and the HPA cannot compute utilization; without a memory limit one leaking container takes the node memory of its neighbours, and a pod with no requests is the first one evicted (BestEffort).',
    fix: 'Set resources.requests.cpu, resources.requests.memory, resources.limits.cpu and resources.limits.memory on the container.',
    check: (ctx) =>
      eachContainer(ctx.objects, (object, c) => {
        if (c.list === 'ephemeralContainers') return [];
        const out: RawFinding[] = [];
        for (const which of ['requests', 'limits'] as const) {
          const map = resourceMap(c.container, which);
          const missing = ['cpu', 'memory'].filter((r) => map[r] === undefined);
          if (missing.length) {
            const path = `${c.path}.resources.${which}`;
            out.push({ object, path, message: problem(path, Object.keys(map).length ? Object.keys(map) : undefined, `sets no ${missing.join(' and ')} (container "${c.container.name}"); set ${missing.map((r) => `${which}.${r}`).join(' and ')}`) });
          }
        }
        return out;
      }),
  },
  {
    id: RULE_IDS.extendedResourceLimitEqualsRequest,
    name: 'extended-resource-limit-equals-request',
    pack: 'workload',
    level: 'error',
    summary: 'A GPU (or other extended resource) request has an equal limit.',
    why: 'Extended resources such as nvidia.com/gpu cannot be overcommitted: the API server refuses a pod whose request has no limit or differs from it, so the ReplicaSet never creates the pod.',
    fix: 'Give the extended resource in limits, and in requests only with the same value (or leave it out of requests: it then defaults to the limit).',
    check: (ctx) =>
      eachContainer(ctx.objects, (object, c) => {
        if (c.list === 'ephemeralContainers') return [];
        const requests = resourceMap(c.container, 'requests');
        const limits = resourceMap(c.container, 'limits');
        const out: RawFinding[] = [];
        for (const [name, request] of Object.entries(requests).filter(([n]) => isExtendedResource(n))) {
          const path = keyPath(`${c.path}.resources.requests`, name);
          if (limits[name] === undefined) {
            out.push({ object, path, message: problem(path, request, `has no limit (container "${c.container.name}"); the API requires ${name} in limits; add limits["${name}"]: ${request}`) });
          } else if (quantityValue(limits[name]) !== quantityValue(request)) {
            out.push({ object, path, message: problem(path, request, `differs from its limit ${limits[name]} (container "${c.container.name}"); the API requires the two equal for ${name}; make them the same`) });
          }
        }
        return out;
      }),
  },
  {
    id: RULE_IDS.gpuLimitWithoutRequest,
    name: 'gpu-limit-without-request',
    pack: 'workload',
    level: 'warning',
    summary: 'A GPU (or other extended resource) limit is also written as a request.',
    why: 'The API defaults the request of an extended resource to its limit, so the pod is right; but whoever reads the manifest (a reviewer, a capacity or cost report over requests) sees a pod that requests no GPU.',
    fix: 'Write the same value under resources.requests as under resources.limits.',
    check: (ctx) =>
      eachContainer(ctx.objects, (object, c) => {
        if (c.list === 'ephemeralContainers') return [];
        const requests = resourceMap(c.container, 'requests');
        return Object.entries(resourceMap(c.container, 'limits'))
          .filter(([n]) => isExtendedResource(n) && requests[n] === undefined)
          .map(([name, limit]) => {
            const path = keyPath(`${c.path}.resources.limits`, name);
            return { object, path, message: problem(path, limit, `has no matching request (container "${c.container.name}"); the API fills in the request, the manifest does not show it: add requests["${name}"]: ${limit}`) };
          });
      }),
  },
  {
    id: RULE_IDS.probesPresent,
    name: 'probes-present',
    pack: 'workload',
    level: 'error',
    summary: 'Every serving container (one with ports, in a long-running workload) has a readiness and a liveness probe.',
    why: 'Without a readiness probe a pod gets traffic as soon as its process starts, before the model is loaded, and keeps it when the server stops answering; without a liveness probe a hung server is never restarted.',
    fix: 'Add readinessProbe (the health path that reports the model loaded) and livenessProbe (a cheap check that the process answers) to the container.',
    check: (ctx) =>
      eachContainer(ctx.objects, (object, c, kind) => {
        if (c.list !== 'containers' || !LONG_RUNNING_KINDS.has(kind)) return [];
        if (!Array.isArray(c.container.ports) || c.container.ports.length === 0) return [];
        return (['readinessProbe', 'livenessProbe'] as const)
          .filter((p) => !isObject(c.container[p]))
          .map((p) => ({ object, path: `${c.path}.${p}`, message: problem(`${c.path}.${p}`, undefined, `is missing (container "${c.container.name}" serves ports); add a ${p === 'readinessProbe' ? 'readiness probe on the health path' : 'liveness probe'}`) }));
      }),
  },
  {
    id: RULE_IDS.gpuStartupProbe,
    name: 'gpu-startup-probe',
    pack: 'workload',
    level: 'error',
    summary: 'A GPU container has a startup probe, and a Deployment allows its startup budget before reporting the rollout failed.',
    why: "Loading a model takes minutes; without a startup probe the liveness probe kills the container before it is ready, over and over. The startup probe's budget (initialDelaySeconds + failureThreshold x periodSeconds) must fit in the Deployment's progressDeadlineSeconds (600 s by default), or every rollout is reported failed (ProgressDeadlineExceeded) while the pods still load.",
    fix: 'Add a startupProbe whose failureThreshold x periodSeconds covers the model load time, and raise spec.progressDeadlineSeconds above that budget.',
    check: (ctx) =>
      eachContainer(ctx.objects, (object, c, kind) => {
        if (c.list !== 'containers' || !LONG_RUNNING_KINDS.has(kind) || !requestsAccelerator(c.container)) return [];
        const probe = c.container.startupProbe;
        if (!isObject(probe)) {
          return [{ object, path: `${c.path}.startupProbe`, message: problem(`${c.path}.startupProbe`, undefined, `is missing on a GPU container (container "${c.container.name}"); the liveness probe would kill it while the model loads: add a startup probe that covers the load time`) }];
        }
        if (kind !== 'Deployment') return [];
        const budget = startupBudgetSeconds(probe);
        const deadline = typeof object.spec?.progressDeadlineSeconds === 'number' ? object.spec.progressDeadlineSeconds : DEFAULT_PROGRESS_DEADLINE_SECONDS;
        if (budget <= deadline) return [];
        const given = object.spec?.progressDeadlineSeconds !== undefined;
        return [
          {
            object,
            path: 'spec.progressDeadlineSeconds',
            message: problem(
              'spec.progressDeadlineSeconds',
              given ? deadline : new DefaultedValue(deadline),
              `is below the startup budget of container "${c.container.name}" (${budget} s: initialDelaySeconds + failureThreshold x periodSeconds of ${c.path}.startupProbe); a rollout is reported failed before a pod may be ready: raise progressDeadlineSeconds above ${budget}`,
            ),
          },
        ];
      }),
  },
];
