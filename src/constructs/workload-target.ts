import { Size } from 'cdk8s';
import { z } from 'zod';
import { HTTP_PORT_NAME, INFERENCE_CONTAINER, METRICS_PORT_NAME } from '../conventions';
import { DefaultedValue, formatProblem, parseOrThrow, parsedByChart, throwIfProblems, zodProblems } from '../spec/problems';
import { CpuValue, zCpu, zDnsLabel, zDnsSubdomain, zInt, zLabelMap, zPort, zPortName, zSize } from '../spec/values';
import { InferenceDeployment } from './inference-deployment';

/** The requests of one container of a workload's pods. */
export interface WorkloadRequests {
  /** The container these are the requests of (what a VPA container policy names). */
  readonly container: string;
  /** @default - not known */
  readonly cpu?: CpuValue;
  /** @default - not known */
  readonly memory?: Size;
}

/**
 * What a construct needs from the workload it acts on: the Services and the PDB select
 * its pods by `selectorLabels` and forward to its named `ports`; the autoscalers point
 * their scale target at `apiVersion`/`kind`/`name`; relations (PDB vs replicas, VPA
 * bounds vs requests, the GPU signal vs GPUs) are checked against what is known.
 *
 * Build one with `workloadOf(inferenceDeployment)` or `fromPlusWorkload(cdk8sPlusWorkload)`;
 * the constructs also take an InferenceDeployment as it is.
 */
export interface WorkloadTarget {
  /** metadata.name of the workload (the scale target's name). */
  readonly name: string;
  /** @default - none (the chart's) */
  readonly namespace?: string;
  /** API version of the workload, e.g. `apps/v1`. */
  readonly apiVersion: string;
  /** Kind of the workload, e.g. `Deployment`. */
  readonly kind: string;
  /** `spec.selector.matchLabels`: the labels that select exactly the workload's pods. Never empty. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** The pods' named TCP container ports, name -> number, in container order. */
  readonly ports: Readonly<Record<string, number>>;
  /** Requests of the workload's main container. @default - not known: VPA bounds are not checked */
  readonly requests?: WorkloadRequests;
  /** GPUs per pod. @default - not known: the GPU scaling signal is not checked */
  readonly gpuCount?: number;
  /**
   * The fixed replica count the workload's manifest sets. Undefined when an autoscaler
   * owns the count. Read when a construct validates (at synth), not when it is created.
   * @default - not known: the PDB is not checked against it
   */
  readonly replicas?: number;
}

/** The WorkloadTarget of an InferenceDeployment. */
export function workloadOf(deployment: InferenceDeployment): WorkloadTarget {
  return {
    name: deployment.name,
    namespace: deployment.namespace,
    apiVersion: deployment.deployment.apiVersion,
    kind: deployment.deployment.kind,
    selectorLabels: { ...deployment.selectorLabels },
    ports: deployment.separateMetricsPort ? { [HTTP_PORT_NAME]: deployment.httpPort, [METRICS_PORT_NAME]: deployment.metricsPort } : { [HTTP_PORT_NAME]: deployment.httpPort },
    requests: { container: INFERENCE_CONTAINER, cpu: deployment.requests.cpu, memory: deployment.requests.memory },
    gpuCount: deployment.gpuCount,
    replicas: deployment.replicas,
  };
}

// ---- cdk8s-plus ------------------------------------------------------------------------

/** A container of a cdk8s-plus workload, as far as `fromPlusWorkload` reads it. */
export interface PlusContainer {
  readonly name: string;
  /** cdk8s-plus `Container.ports` (the `portNumber` port included, unnamed). */
  readonly ports: readonly { readonly name?: string; readonly number: number; readonly protocol?: string }[];
  readonly resources?: { readonly cpu?: { readonly request?: CpuValue }; readonly memory?: { readonly request?: Size } };
}

/**
 * A cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job) of any major from
 * cdk8s-plus-28 to -33, read structurally: the properties below exist with these types
 * in each of them.
 */
export interface PlusWorkload {
  readonly name: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly namespace?: string };
  /** `Workload.matchLabels`: the selector's labels. */
  readonly matchLabels: Readonly<Record<string, string>>;
  /** `Workload.matchExpressions`. */
  readonly matchExpressions: readonly unknown[];
  readonly containers: readonly PlusContainer[];
  /** Deployment and StatefulSet: the replica count given. */
  readonly replicas?: number;
  /** Deployment and StatefulSet: set by `markHasAutoscaler()`; the manifest then has no replicas. */
  readonly hasAutoscaler?: boolean;
  readonly node: { readonly path: string };
}

export interface FromPlusWorkloadOptions {
  /** The container whose requests are the workload's (checked against VPA bounds). @default - the first container */
  readonly container?: string;
}

/**
 * The WorkloadTarget of a cdk8s-plus workload: its name, namespace, apiVersion and kind,
 * its selector (`matchLabels`), the named TCP ports of its containers and the requests of
 * one container, read when this is called (add containers and selectors before), and its
 * replica count, read at synth (`replicas` unless `hasAutoscaler`; a count cdk8s-plus
 * fills in by default is not known). cdk8s-plus says nothing of GPUs, so `gpuCount` is
 * not known. Refuses a workload with an empty selector or one with match expressions (a
 * Service selects by labels only).
 */
export function fromPlusWorkload(workload: PlusWorkload, options: FromPlusWorkloadOptions = {}): WorkloadTarget {
  const subject = `fromPlusWorkload(${workload.kind} ${workload.node.path})`;
  const opts = parseOrThrow(z.object({ container: zDnsLabel.optional() }).strict(), options, subject);
  const selector = { ...workload.matchLabels };
  const containers = workload.containers;
  const problems: string[] = [];
  if (Object.keys(selector).length === 0) {
    problems.push(
      formatProblem(
        ['matchLabels'],
        selector,
        'must not be empty: an empty selector selects every pod of the namespace; keep cdk8s-plus\' default `select: true`, or call `select(LabelSelector.of({ labels }))`',
      ),
    );
  }
  if (workload.matchExpressions.length > 0) {
    problems.push(
      formatProblem(
        ['matchExpressions'],
        workload.matchExpressions,
        'cannot be carried over: a Service selects by labels only, so the Services would select more pods than the workload; select the workload by labels only',
      ),
    );
  }
  const main = opts.container === undefined ? containers[0] : containers.find((c) => c.name === opts.container);
  if (opts.container !== undefined && main === undefined) {
    problems.push(
      formatProblem(['container'], opts.container, `names no container of the workload (${containers.map((c) => c.name).join(', ') || 'it has none'}); name one of them`),
    );
  }
  throwIfProblems(subject, problems);

  const ports: Record<string, number> = {};
  for (const c of containers) {
    for (const port of c.ports) {
      if (port.name !== undefined && (port.protocol ?? 'TCP') === 'TCP') ports[port.name] = port.number;
    }
  }
  const requests = main && { container: main.name, cpu: main.resources?.cpu?.request, memory: main.resources?.memory?.request };
  return {
    name: workload.name,
    namespace: workload.metadata.namespace,
    apiVersion: workload.apiVersion,
    kind: workload.kind,
    selectorLabels: selector,
    ports,
    requests,
    // Read when asked (a PDB asks at synth): an autoscaler may be attached after this call.
    get replicas() {
      return workload.hasAutoscaler ? undefined : workload.replicas;
    },
  };
}

// ---- used by the constructs ------------------------------------------------------------

const workloadTargetSchema = z.object({
  name: zDnsSubdomain,
  namespace: zDnsLabel.optional(),
  apiVersion: z.string().min(1, 'must name the API version; e.g. apps/v1'),
  kind: z.string().min(1, 'must name the kind; e.g. Deployment'),
  selectorLabels: zLabelMap.refine((l) => Object.keys(l).length > 0, {
    message: 'must not be empty: an empty selector selects every pod of the namespace; give the labels of the workload\'s selector (spec.selector.matchLabels)',
  }),
  ports: z.record(zPortName, zPort),
  requests: z.object({ container: zDnsLabel, cpu: zCpu.optional(), memory: zSize.optional() }).optional(),
  gpuCount: zInt(0, 64, 'GPUs per pod').optional(),
  replicas: zInt(0).optional(),
}) satisfies z.ZodType<WorkloadTarget>;

/** Problems of a `workload` prop, with paths under `workload`. */
function workloadProblems(workload: unknown): string[] {
  if (workload instanceof InferenceDeployment) return [];
  if (workload === undefined || workload === null) {
    return [formatProblem(['workload'], workload, 'is required: the workload this acts on; pass the InferenceDeployment, or fromPlusWorkload(deployment) for a cdk8s-plus workload')];
  }
  if (typeof workload === 'object' && 'matchLabels' in workload && 'containers' in workload && !('selectorLabels' in workload)) {
    return [formatProblem(['workload'], workload, 'is a cdk8s-plus workload; pass fromPlusWorkload(workload), which reads its selector and ports')];
  }
  return zodProblems(workloadTargetSchema, workload, (path) => ['workload', ...path]);
}

/** The WorkloadTarget of a `workload` prop (valid: see parseWithWorkload). */
function targetOf(workload: InferenceDeployment | WorkloadTarget): WorkloadTarget {
  return workload instanceof InferenceDeployment ? workloadOf(workload) : workload;
}

/**
 * Validates a construct's props: `schema` checks every prop but `workload`, and the
 * workload is checked (an InferenceDeployment, or a well-formed WorkloadTarget); then
 * `relations` checks the props against the workload. Every problem of a stage at once.
 */
export function parseWithWorkload<S extends z.ZodTypeAny>(
  schema: S,
  props: { readonly workload: InferenceDeployment | WorkloadTarget },
  subject: string,
  relations: (p: z.output<S>, workload: WorkloadTarget) => string[],
): { p: z.output<S>; workload: WorkloadTarget } {
  const { workload, ...rest } = props;
  throwIfProblems(subject, [...(parsedByChart(schema, rest) ? [] : zodProblems(schema, rest)), ...workloadProblems(workload)]);
  const p = parseOrThrow(schema, rest, subject);
  const target = targetOf(workload);
  throwIfProblems(subject, relations(p, target));
  return { p, workload: target };
}

/**
 * A namespace (at `path`) that is not the workload's, where it must be: selectors and
 * target references reach only their own namespace.
 */
export function namespaceProblems(namespace: string | undefined, workload: WorkloadTarget, path: readonly (string | number)[] = ['namespace']): string[] {
  if (namespace === undefined || workload.namespace === undefined || namespace === workload.namespace) return [];
  return [
    formatProblem(
      path,
      namespace,
      `differs from the namespace of workload "${workload.name}" ("${workload.namespace}"), and selectors and target references reach only their own namespace; leave ${path[path.length - 1]} out or set it to "${workload.namespace}"`,
    ),
  ];
}

/**
 * A problem when `port` (the value at `path`; `defaulted` when the user did not write it)
 * is no named container port of the workload.
 */
export function missingPortProblem(
  workload: WorkloadTarget,
  port: string,
  path: readonly (string | number)[],
  consequence: string,
  defaulted = false,
): string[] {
  if (Object.prototype.hasOwnProperty.call(workload.ports, port)) return [];
  const names = Object.keys(workload.ports);
  const has = names.length > 0 ? `its named ports: ${names.join(', ')}` : 'it has no named container port';
  const fix = names.length > 0 ? `use one of them, or add a container port named "${port}"` : `name the container's port "${port}" (cdk8s-plus: ports: [{ number, name: '${port}' }])`;
  return [formatProblem(path, defaulted ? new DefaultedValue(port) : port, `names no container port of workload "${workload.name}" (${has}); ${consequence}; ${fix}`)];
}
