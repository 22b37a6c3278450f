import { createHash } from 'node:crypto';
import { Duration, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import {
  COMPONENT,
  CONFIG_CHECKSUM_ANNOTATION,
  HTTP_PORT_NAME,
  METRICS_PORT_NAME,
  commonLabels,
  objectNames,
  selectorLabels,
} from '../conventions';
import { AppConfig, appConfigData, appConfigSchema } from '../private/app-config';
import {
  cpuCores,
  parseOrThrow,
  seconds,
  zDnsLabel,
  zDnsSubdomain,
  zDuration,
  zPort,
  zSize,
  formatDuration,
} from '../private/validation';

/** CPU, memory and GPU of the inference container. */
export interface InferenceResources {
  /** CPU request and limit, e.g. `{ request: Cpu.units(2), limit: Cpu.units(4) }`. */
  readonly cpu: { readonly request: Cpu; readonly limit: Cpu };
  /** Memory request and limit, e.g. `{ request: Size.gibibytes(8), limit: Size.gibibytes(16) }`. */
  readonly memory: { readonly request: Size; readonly limit: Size };
  /**
   * GPUs per pod, set as a limit of `resourceName`. Extended resources cannot be
   * overcommitted, so a request, when given, must equal the limit.
   * @default - { count: 1 }
   */
  readonly gpu?: GpuResources;
  /**
   * Allocatable memory of the GPU nodes (seed 004: a 48 GB node). When set, the memory
   * limit must stay below it, or the kernel OOM-kills on the node instead of in the pod.
   * @default - not checked
   */
  readonly nodeAllocatableMemory?: Size;
}

export interface GpuResources {
  /** GPUs per pod (the limit). 0 runs on CPU only. */
  readonly count: number;
  /** An explicit request; must equal `count`. @default - no request (the limit implies it) */
  readonly request?: number;
  /** Extended resource name of the device plugin. @default 'nvidia.com/gpu' */
  readonly resourceName?: string;
}

/** Where the pods may run and how they spread. */
export interface GpuScheduling {
  /** Required node labels of GPU nodes (node affinity). @default { 'node-type': 'gpu-inference' } */
  readonly nodeLabels?: Record<string, string>;
  /** Taint keys tolerated (NoSchedule, operator Exists). @default ['nvidia.com/gpu'] */
  readonly tolerateTaints?: string[];
  /**
   * One pod per node: `required` refuses to co-locate, `preferred` (weight 100) co-locates
   * only when no other node fits.
   * @default 'preferred'
   */
  readonly hostAntiAffinity?: 'required' | 'preferred' | 'none';
  /**
   * Zone spread (`topologySpreadConstraints` on `topology.kubernetes.io/zone`, maxSkew 1).
   * `DoNotSchedule` keeps pods Pending rather than skew the zones; GPU capacity is often
   * uneven across zones, hence the default.
   * @default 'ScheduleAnyway'
   */
  readonly zoneSpread?: 'DoNotSchedule' | 'ScheduleAnyway' | 'none';
  /** Pod priority class. @default - none */
  readonly priorityClassName?: string;
}

/** One HTTP probe's timing. */
export interface ProbeTiming {
  /** @default - liveness 30 s, readiness 10 s */
  readonly period?: Duration;
  /** @default Duration.seconds(5) */
  readonly timeout?: Duration;
  /** @default 3 */
  readonly failureThreshold?: number;
}

/** HTTP probes on the `http` port. */
export interface InferenceProbes {
  /** Path of all three probes unless overridden. @default '/api/v1/health' */
  readonly path?: string;
  /** @default - `path` */
  readonly livenessPath?: string;
  /** @default - `path` */
  readonly readinessPath?: string;
  /** @default - period 30 s, timeout 5 s, 3 failures */
  readonly liveness?: ProbeTiming;
  /** @default - period 10 s, timeout 5 s, 3 failures */
  readonly readiness?: ProbeTiming;
  /**
   * How long the startup probe lets the server load its model before liveness takes
   * over: failureThreshold = budget / startupPeriod.
   * @default Duration.minutes(5)
   */
  readonly startupBudget?: Duration;
  /** @default Duration.seconds(10) */
  readonly startupPeriod?: Duration;
}

/** A PersistentVolumeClaim the Deployment creates, or an existing one. */
export type VolumeClaim = NewVolumeClaim | ExistingVolumeClaim;

export interface NewVolumeClaim {
  readonly size: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * Every replica mounts the same claim, on different nodes: ReadWriteOnce cannot attach
   * to more than one node, so it is only allowed with a single replica.
   * @default 'ReadWriteMany'
   */
  readonly accessMode?: 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';
  /** Mount read-only. @default false */
  readonly readOnly?: boolean;
}

export interface ExistingVolumeClaim {
  /** Name of an existing PersistentVolumeClaim in the namespace. */
  readonly existingClaim: string;
  /** @default false */
  readonly readOnly?: boolean;
}

/** Volumes of the inference pod. The root filesystem is read-only. */
export interface InferenceStorage {
  /** Model weights, mounted at /models. @default - a new 50Gi ReadWriteMany claim */
  readonly models?: VolumeClaim;
  /** Application data, mounted at /data. @default - a new 20Gi ReadWriteMany claim */
  readonly data?: VolumeClaim;
  /** emptyDir at /cache. @default Size.gibibytes(1) */
  readonly cacheSizeLimit?: Size;
  /** emptyDir at /tmp. @default Size.gibibytes(1) */
  readonly tmpSizeLimit?: Size;
  /**
   * Memory-backed emptyDir at /dev/shm (PyTorch data loaders and NCCL need more than the
   * container runtime's 64Mi). Counts against the memory limit.
   * @default - no /dev/shm volume
   */
  readonly sharedMemorySizeLimit?: Size;
}

/** An environment variable read from a Secret key: the value never enters the manifest. */
export interface SecretEnvVar {
  /** Environment variable name, e.g. `POSTGRES_PASSWORD`. */
  readonly name: string;
  /** Secret name, e.g. `ai-inference-secrets`. */
  readonly secretName: string;
  /** Key in the Secret, e.g. `postgres-password`. */
  readonly key: string;
  /** @default false */
  readonly optional?: boolean;
}

/** Shutdown timing. */
export interface GracefulShutdown {
  /** terminationGracePeriodSeconds. @default Duration.seconds(60) */
  readonly gracePeriod?: Duration;
  /**
   * preStop sleep: keeps the server serving while the load balancer deregisters the pod.
   * Must be shorter than the grace period. @default Duration.seconds(15)
   */
  readonly preStopSleep?: Duration;
}

/** Pod identity. */
export interface PodIdentity {
  /** @default 1001 */
  readonly runAsUser?: number;
  /** @default 1001 */
  readonly runAsGroup?: number;
  /** @default 1001 */
  readonly fsGroup?: number;
}

export interface InferenceDeploymentProps {
  /** Release name: the Deployment's name and the `app.kubernetes.io/instance` label. */
  readonly name: string;
  /** @default - no namespace (the chart's) */
  readonly namespace?: string;
  /** Container image pinned by tag or digest; `:latest` and untagged images are refused. */
  readonly image: string;
  /** @default 'IfNotPresent' */
  readonly imagePullPolicy?: 'IfNotPresent' | 'Always';
  /**
   * Fixed replica count. Ignored (and `spec.replicas` omitted) when `autoscaled`.
   * @default 3
   */
  readonly replicas?: number;
  /**
   * An HPA or KEDA owns the replica count: `spec.replicas` is left out so applying the
   * manifest never resets the autoscaler's choice. @default false
   */
  readonly autoscaled?: boolean;
  /** Container ports; named `http` and `metrics`. @default { http: 8000, metrics: 9090 } */
  readonly ports?: { readonly http?: number; readonly metrics?: number };
  readonly resources: InferenceResources;
  /** @default - GPU nodes labelled node-type=gpu-inference, preferred host spread, zone spread */
  readonly scheduling?: GpuScheduling;
  /** @default - the probe defaults */
  readonly probes?: InferenceProbes;
  /**
   * Declared worst-case model load time. The startup budget must cover it.
   * @default - not checked
   */
  readonly modelLoadTime?: Duration;
  /** @default - the storage defaults */
  readonly storage?: InferenceStorage;
  /** Application configuration, rendered into the ConfigMap and injected with envFrom. */
  readonly config?: AppConfig;
  /** Credentials by Secret reference. @default [] */
  readonly secretEnv?: SecretEnvVar[];
  /** @default - 60 s grace, 15 s preStop sleep */
  readonly shutdown?: GracefulShutdown;
  /** @default - UID/GID/fsGroup 1001 */
  readonly identity?: PodIdentity;
  /** Extra labels on every object. @default {} */
  readonly labels?: Record<string, string>;
}

// ---- defaults (seed 000/001 values) ----------------------------------------------------

export const INFERENCE_DEPLOYMENT_DEFAULTS = {
  replicas: 3,
  ports: { http: 8000, metrics: 9090 },
  gpu: { count: 1, resourceName: 'nvidia.com/gpu' },
  nodeLabels: { 'node-type': 'gpu-inference' } as Record<string, string>,
  tolerateTaints: ['nvidia.com/gpu'],
  hostAntiAffinity: 'preferred' as const,
  zoneSpread: 'ScheduleAnyway' as const,
  probePath: '/api/v1/health',
  liveness: { period: Duration.seconds(30), timeout: Duration.seconds(5), failureThreshold: 3 },
  readiness: { period: Duration.seconds(10), timeout: Duration.seconds(5), failureThreshold: 3 },
  startupBudget: Duration.minutes(5),
  startupPeriod: Duration.seconds(10),
  models: { size: Size.gibibytes(50) } as VolumeClaim,
  data: { size: Size.gibibytes(20) } as VolumeClaim,
  accessMode: 'ReadWriteMany' as const,
  cacheSizeLimit: Size.gibibytes(1),
  tmpSizeLimit: Size.gibibytes(1),
  gracePeriod: Duration.seconds(60),
  preStopSleep: Duration.seconds(15),
  uid: 1001,
};

/** Mount paths of the pod's volumes. */
export const MOUNT_PATHS = { models: '/models', data: '/data', cache: '/cache', tmp: '/tmp', shm: '/dev/shm' };

/** Name of the inference container. */
export const INFERENCE_CONTAINER = 'inference';

// ---- validation ------------------------------------------------------------------------

const zCpu = z.custom<Cpu>((v) => v instanceof Cpu, { message: 'must be a cdk8s-plus Cpu; use Cpu.units(n) or Cpu.millis(n)' });

/** A tag (`name:tag`, not `latest`) or a digest (`name@sha256:<64 hex>`). */
export function imageProblem(image: string): string | undefined {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const tagSep = image.indexOf(':', lastSlash + 1);
  if (tagSep < 0) return 'must be pinned by tag or digest (no tag means :latest); add an immutable tag such as :1.4.2 or @sha256:<digest>';
  const tag = image.slice(tagSep + 1);
  if (tag === 'latest') return 'must not use the mutable :latest tag; pin a version tag or @sha256:<digest>';
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) return 'has an invalid tag; tags are 1-128 of [A-Za-z0-9_.-]';
  return undefined;
}

const zImage = z.string().superRefine((image, ctx) => {
  const problem = imageProblem(image);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

const zHttpPath = z.string().regex(/^\/\S*$/, 'must be an absolute HTTP path starting with "/"; e.g. /api/v1/health');

const zProbeTiming = z
  .object({
    period: zDuration.optional(),
    timeout: zDuration.optional(),
    failureThreshold: z.number().int().min(1, 'must be at least 1').optional(),
  })
  .strict();

const zClaim = z.union([
  z
    .object({
      size: zSize,
      storageClassName: zDnsSubdomain.optional(),
      accessMode: z.enum(['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod']).optional(),
      readOnly: z.boolean().optional(),
    })
    .strict(),
  z.object({ existingClaim: zDnsSubdomain, readOnly: z.boolean().optional() }).strict(),
]);

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const inferenceDeploymentPropsSchema = z
  .object({
    name: zDnsLabel,
    namespace: zDnsLabel.optional(),
    image: zImage,
    imagePullPolicy: z.enum(['IfNotPresent', 'Always']).optional(),
    replicas: z.number().int().min(1, 'must be at least 1; use autoscaled for an HPA-owned Deployment').optional(),
    autoscaled: z.boolean().optional(),
    ports: z.object({ http: zPort.optional(), metrics: zPort.optional() }).strict().optional(),
    resources: z
      .object({
        cpu: z.object({ request: zCpu, limit: zCpu }).strict(),
        memory: z.object({ request: zSize, limit: zSize }).strict(),
        gpu: z
          .object({
            count: z.number().int().min(0, 'must be 0 or more'),
            request: z.number().int().optional(),
            resourceName: z.string().regex(/^[a-z0-9.-]+\/[a-z0-9.-]+$/, 'must be an extended resource name like nvidia.com/gpu').optional(),
          })
          .strict()
          .optional(),
        nodeAllocatableMemory: zSize.optional(),
      })
      .strict(),
    scheduling: z
      .object({
        nodeLabels: z.record(z.string()).optional(),
        tolerateTaints: z.array(z.string().min(1)).optional(),
        hostAntiAffinity: z.enum(['required', 'preferred', 'none']).optional(),
        zoneSpread: z.enum(['DoNotSchedule', 'ScheduleAnyway', 'none']).optional(),
        priorityClassName: zDnsSubdomain.optional(),
      })
      .strict()
      .optional(),
    probes: z
      .object({
        path: zHttpPath.optional(),
        livenessPath: zHttpPath.optional(),
        readinessPath: zHttpPath.optional(),
        liveness: zProbeTiming.optional(),
        readiness: zProbeTiming.optional(),
        startupBudget: zDuration.optional(),
        startupPeriod: zDuration.optional(),
      })
      .strict()
      .optional(),
    modelLoadTime: zDuration.optional(),
    storage: z
      .object({
        models: zClaim.optional(),
        data: zClaim.optional(),
        cacheSizeLimit: zSize.optional(),
        tmpSizeLimit: zSize.optional(),
        sharedMemorySizeLimit: zSize.optional(),
      })
      .strict()
      .optional(),
    config: appConfigSchema.optional(),
    secretEnv: z
      .array(
        z
          .object({
            name: z.string().regex(ENV_NAME, 'must be a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)'),
            secretName: zDnsSubdomain,
            key: z.string().regex(/^[-._a-zA-Z0-9]+$/, 'must be a valid Secret key ([-._a-zA-Z0-9]+)'),
            optional: z.boolean().optional(),
          })
          .strict(),
      )
      .optional(),
    shutdown: z.object({ gracePeriod: zDuration.optional(), preStopSleep: zDuration.optional() }).strict().optional(),
    identity: z
      .object({
        runAsUser: z.number().int().min(1, 'must not be 0 (root); Pod Security "restricted" forbids UID 0').optional(),
        runAsGroup: z.number().int().min(0).optional(),
        fsGroup: z.number().int().min(0).optional(),
      })
      .strict()
      .optional(),
    labels: z.record(z.string()).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const problem of deploymentRelationProblems(p)) ctx.addIssue({ code: z.ZodIssueCode.custom, ...problem });
  }) satisfies z.ZodType<InferenceDeploymentProps>;

interface PathProblem {
  path: (string | number)[];
  message: string;
  /** The effective value when the field was left to its default. */
  params?: { value: unknown };
}

/** Rules between fields of one Deployment (request vs limit, probes vs model load, ...). */
function deploymentRelationProblems(p: InferenceDeploymentProps): PathProblem[] {
  const problems: PathProblem[] = [];
  const d = INFERENCE_DEPLOYMENT_DEFAULTS;
  const { cpu, memory, gpu, nodeAllocatableMemory } = p.resources;
  if (cpuCores(cpu.request.amount) > cpuCores(cpu.limit.amount)) {
    problems.push({
      path: ['resources', 'cpu', 'request'],
      message: `must not exceed resources.cpu.limit (${cpu.limit.amount}); lower the request or raise the limit`,
    });
  }
  if (memory.request.toKibibytes() > memory.limit.toKibibytes()) {
    problems.push({
      path: ['resources', 'memory', 'request'],
      message: `must not exceed resources.memory.limit (${memory.limit.asString()}); lower the request or raise the limit`,
    });
  }
  if (nodeAllocatableMemory && memory.limit.toKibibytes() >= nodeAllocatableMemory.toKibibytes()) {
    problems.push({
      path: ['resources', 'memory', 'limit'],
      message: `must stay below resources.nodeAllocatableMemory (${nodeAllocatableMemory.asString()}), or the node runs out of memory before the pod's limit stops it; lower the limit (seed 004: 40Gi on a 48 GB node)`,
    });
  }
  if (gpu && gpu.request !== undefined && gpu.request !== gpu.count) {
    problems.push({
      path: ['resources', 'gpu', 'request'],
      message: `must equal resources.gpu.count (${gpu.count}): extended resources cannot be overcommitted; drop the request or set it to ${gpu.count}`,
    });
  }
  const startupBudget = p.probes?.startupBudget ?? d.startupBudget;
  const startupPeriod = p.probes?.startupPeriod ?? d.startupPeriod;
  if (p.modelLoadTime && seconds(startupBudget) < seconds(p.modelLoadTime)) {
    problems.push({
      path: ['probes', 'startupBudget'],
      params: { value: startupBudget },
      message: `is shorter than the declared model load time (${formatDuration(p.modelLoadTime)}): the kubelet would kill the pod while the model is still loading; raise probes.startupBudget to at least ${seconds(p.modelLoadTime)} s`,
    });
  }
  if (seconds(startupPeriod) > seconds(startupBudget)) {
    problems.push({
      path: ['probes', 'startupPeriod'],
      message: `must not exceed probes.startupBudget (${formatDuration(startupBudget)}); shorten the period`,
    });
  }
  for (const kind of ['liveness', 'readiness'] as const) {
    const timing = { ...d[kind], ...p.probes?.[kind] };
    if (seconds(timing.timeout) >= seconds(timing.period)) {
      problems.push({
        path: ['probes', kind, 'timeout'],
        params: { value: timing.timeout },
        message: `must be shorter than probes.${kind}.period (${formatDuration(timing.period)}); probes would overlap`,
      });
    }
  }
  const grace = p.shutdown?.gracePeriod ?? d.gracePeriod;
  const preStop = p.shutdown?.preStopSleep ?? d.preStopSleep;
  if (seconds(grace) <= seconds(preStop)) {
    problems.push({
      path: ['shutdown', 'gracePeriod'],
      params: { value: grace },
      message: `must be longer than shutdown.preStopSleep (${formatDuration(preStop)}), or the pod is killed before the server drains; raise the grace period or shorten the sleep`,
    });
  }
  const ports = { ...d.ports, ...p.ports };
  if (ports.http === ports.metrics) {
    problems.push({ path: ['ports', 'metrics'], message: `must differ from ports.http (${ports.http}); give metrics its own port` });
  }
  const multiReplica = p.autoscaled || (p.replicas ?? d.replicas) > 1;
  for (const vol of ['models', 'data'] as const) {
    const claim = p.storage?.[vol] ?? d[vol];
    if ('size' in claim && multiReplica && (claim.accessMode === 'ReadWriteOnce' || claim.accessMode === 'ReadWriteOncePod')) {
      problems.push({
        path: ['storage', vol, 'accessMode'],
        message: `attaches to one node (or pod) only, but several replicas spread across nodes mount this claim; use ReadWriteMany (e.g. EFS) or ReadOnlyMany, or an existingClaim`,
      });
    }
  }
  const secretNames = new Set<string>();
  (p.secretEnv ?? []).forEach((s, i) => {
    if (secretNames.has(s.name)) problems.push({ path: ['secretEnv', i, 'name'], message: 'is defined twice; keep one entry per variable' });
    secretNames.add(s.name);
  });
  return problems;
}

/**
 * The GPU inference Deployment with its ServiceAccount, application ConfigMap and
 * PersistentVolumeClaims. Built on the L1 classes: cdk8s-plus' Deployment cannot express
 * topologySpreadConstraints, capability drops or stable selectors (REFERENCE.md).
 */
export class InferenceDeployment extends Construct {
  /** The Deployment as synthesized. */
  readonly deployment: k8s.KubeDeployment;
  /** Labels that select exactly this Deployment's pods. */
  readonly selectorLabels: Record<string, string>;
  /** Release name, namespace and the resolved ports (defaults filled in). */
  readonly name: string;
  readonly namespace?: string;
  readonly httpPort: number;
  readonly metricsPort: number;
  /** Replica count when not autoscaled; undefined when an autoscaler owns it. */
  readonly replicas?: number;
  /** GPUs per pod. */
  readonly gpuCount: number;
  /** CPU and memory requests, for cross-checks (VPA bounds, HPA utilization). */
  readonly requests: { readonly cpu: Cpu; readonly memory: Size };
  /** Name of the application ConfigMap. */
  readonly configMapName: string;

  constructor(scope: Construct, id: string, props: InferenceDeploymentProps) {
    super(scope, id);
    const p = parseOrThrow(inferenceDeploymentPropsSchema, props, `InferenceDeployment ${scope.node.path}/${id}`);
    const d = INFERENCE_DEPLOYMENT_DEFAULTS;
    const names = objectNames(p.name);
    const tag = imageVersion(p.image);
    const labels = (component: string) => ({ ...commonLabels(p.name, component, tag), ...p.labels });

    this.name = p.name;
    this.namespace = p.namespace;
    this.selectorLabels = selectorLabels(p.name);
    this.httpPort = p.ports?.http ?? d.ports.http;
    this.metricsPort = p.ports?.metrics ?? d.ports.metrics;
    this.replicas = p.autoscaled ? undefined : (p.replicas ?? d.replicas);
    const gpu = { ...d.gpu, ...p.resources.gpu };
    this.gpuCount = gpu.count;
    this.requests = { cpu: p.resources.cpu.request, memory: p.resources.memory.request };
    this.configMapName = names.configMap;

    const meta = (name: string, component: string) => ({ name, namespace: p.namespace, labels: labels(component) });

    // ServiceAccount: no API token in the pod; the server does not talk to the API.
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: meta(names.serviceAccount, COMPONENT.security),
      automountServiceAccountToken: false,
    });

    // Application configuration; its hash on the pod template rolls pods on change.
    const configData = appConfigData(p.config ?? {});
    new k8s.KubeConfigMap(this, 'Config', { metadata: meta(names.configMap, COMPONENT.config), data: configData });
    const checksum = createHash('sha256').update(JSON.stringify(configData)).digest('hex');

    // Storage.
    const volumes: k8s.Volume[] = [];
    const mounts: k8s.VolumeMount[] = [];
    const claimVolume = (vol: 'models' | 'data', claimName: string) => {
      const claim = p.storage?.[vol] ?? d[vol];
      let name = claimName;
      if ('existingClaim' in claim) {
        name = claim.existingClaim;
      } else {
        new k8s.KubePersistentVolumeClaim(this, `${vol}Claim`, {
          metadata: meta(claimName, COMPONENT.server),
          spec: {
            accessModes: [claim.accessMode ?? d.accessMode],
            storageClassName: claim.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(claim.size.asString()) } },
          },
        });
      }
      volumes.push({ name: vol, persistentVolumeClaim: { claimName: name, readOnly: claim.readOnly } });
      mounts.push({ name: vol, mountPath: MOUNT_PATHS[vol], readOnly: claim.readOnly });
    };
    claimVolume('models', names.modelsClaim);
    claimVolume('data', names.dataClaim);
    const emptyDir = (name: 'cache' | 'tmp' | 'shm', sizeLimit: Size, medium?: string) => {
      volumes.push({ name, emptyDir: { medium, sizeLimit: k8s.Quantity.fromString(sizeLimit.asString()) } });
      mounts.push({ name, mountPath: MOUNT_PATHS[name] });
    };
    emptyDir('cache', p.storage?.cacheSizeLimit ?? d.cacheSizeLimit);
    emptyDir('tmp', p.storage?.tmpSizeLimit ?? d.tmpSizeLimit);
    if (p.storage?.sharedMemorySizeLimit) emptyDir('shm', p.storage.sharedMemorySizeLimit, 'Memory');

    // Resources: the GPU is a limit; a request (when given) equals it.
    const limits: Record<string, k8s.Quantity> = {
      cpu: k8s.Quantity.fromString(p.resources.cpu.limit.amount),
      memory: k8s.Quantity.fromString(p.resources.memory.limit.asString()),
    };
    const requests: Record<string, k8s.Quantity> = {
      cpu: k8s.Quantity.fromString(p.resources.cpu.request.amount),
      memory: k8s.Quantity.fromString(p.resources.memory.request.asString()),
    };
    if (gpu.count > 0) limits[gpu.resourceName] = k8s.Quantity.fromNumber(gpu.count);
    if (gpu.count > 0 && gpu.request !== undefined) requests[gpu.resourceName] = k8s.Quantity.fromNumber(gpu.request);

    // Probes.
    const probePath = p.probes?.path ?? d.probePath;
    const httpGet = (path: string) => ({ path, port: k8s.IntOrString.fromString(HTTP_PORT_NAME) });
    const timed = (t: Required<ProbeTiming>) => ({
      periodSeconds: seconds(t.period),
      timeoutSeconds: seconds(t.timeout),
      failureThreshold: t.failureThreshold,
    });
    const liveness = { ...d.liveness, ...p.probes?.liveness };
    const readiness = { ...d.readiness, ...p.probes?.readiness };
    const startupPeriod = seconds(p.probes?.startupPeriod ?? d.startupPeriod);
    const startupBudget = seconds(p.probes?.startupBudget ?? d.startupBudget);

    const uid = p.identity?.runAsUser ?? d.uid;
    const gid = p.identity?.runAsGroup ?? d.uid;
    const scheduling = p.scheduling ?? {};
    const preStopSleep = seconds(p.shutdown?.preStopSleep ?? d.preStopSleep);

    const container: k8s.Container = {
      name: INFERENCE_CONTAINER,
      image: p.image,
      imagePullPolicy: p.imagePullPolicy ?? 'IfNotPresent',
      ports: [
        { name: HTTP_PORT_NAME, containerPort: this.httpPort, protocol: 'TCP' },
        { name: METRICS_PORT_NAME, containerPort: this.metricsPort, protocol: 'TCP' },
      ],
      envFrom: [{ configMapRef: { name: names.configMap } }],
      env: (p.secretEnv ?? []).map((s) => ({
        name: s.name,
        valueFrom: { secretKeyRef: { name: s.secretName, key: s.key, optional: s.optional } },
      })),
      resources: { requests, limits },
      startupProbe: {
        httpGet: httpGet(probePath),
        periodSeconds: startupPeriod,
        timeoutSeconds: Math.min(5, Math.max(1, startupPeriod - 1)),
        failureThreshold: Math.ceil(startupBudget / startupPeriod),
      },
      livenessProbe: { httpGet: httpGet(p.probes?.livenessPath ?? probePath), ...timed(liveness) },
      readinessProbe: { httpGet: httpGet(p.probes?.readinessPath ?? probePath), ...timed(readiness) },
      lifecycle: { preStop: { exec: { command: ['sleep', String(preStopSleep)] } } },
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: gid,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
      volumeMounts: mounts,
    };

    const antiAffinityTerm = { labelSelector: { matchLabels: this.selectorLabels }, topologyKey: 'kubernetes.io/hostname' };
    const hostAntiAffinity = scheduling.hostAntiAffinity ?? d.hostAntiAffinity;
    const zoneSpread = scheduling.zoneSpread ?? d.zoneSpread;
    const nodeLabels = scheduling.nodeLabels ?? d.nodeLabels;

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: meta(names.deployment, COMPONENT.server),
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: this.selectorLabels },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
        template: {
          metadata: { labels: labels(COMPONENT.server), annotations: { [CONFIG_CHECKSUM_ANNOTATION]: checksum } },
          spec: {
            serviceAccountName: names.serviceAccount,
            automountServiceAccountToken: false,
            priorityClassName: scheduling.priorityClassName,
            terminationGracePeriodSeconds: seconds(p.shutdown?.gracePeriod ?? d.gracePeriod),
            securityContext: {
              runAsNonRoot: true,
              runAsUser: uid,
              runAsGroup: gid,
              fsGroup: p.identity?.fsGroup ?? d.uid,
              // Large model volumes: chown only when the root's owner differs.
              fsGroupChangePolicy: 'OnRootMismatch',
              seccompProfile: { type: 'RuntimeDefault' },
            },
            affinity: {
              nodeAffinity:
                Object.keys(nodeLabels).length === 0
                  ? undefined
                  : {
                      requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [
                          {
                            matchExpressions: Object.entries(nodeLabels).map(([key, value]) => ({ key, operator: 'In', values: [value] })),
                          },
                        ],
                      },
                    },
              podAntiAffinity:
                hostAntiAffinity === 'required'
                  ? { requiredDuringSchedulingIgnoredDuringExecution: [antiAffinityTerm] }
                  : hostAntiAffinity === 'preferred'
                    ? { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: antiAffinityTerm }] }
                    : undefined,
            },
            tolerations: (scheduling.tolerateTaints ?? d.tolerateTaints).map((key) => ({ key, operator: 'Exists', effect: 'NoSchedule' })),
            topologySpreadConstraints:
              zoneSpread === 'none'
                ? undefined
                : [
                    {
                      maxSkew: 1,
                      topologyKey: 'topology.kubernetes.io/zone',
                      whenUnsatisfiable: zoneSpread,
                      labelSelector: { matchLabels: this.selectorLabels },
                      // Spread only the pods of the current revision during a rollout.
                      matchLabelKeys: ['pod-template-hash'],
                    },
                  ],
            containers: [container],
            volumes,
          },
        },
      },
    });
  }

}

/** The image tag used as app.kubernetes.io/version (digests give none). */
function imageVersion(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const tag = image.slice(image.lastIndexOf(':') + 1);
  return /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(tag) ? tag : undefined;
}
