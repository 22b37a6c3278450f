/**
 * The workload sections of the spec (resources, scheduling, probes, storage, credentials,
 * shutdown, identity, ports): their types, their schemas and their defaults. The
 * InferenceDeployment's props are built from these; the chart's spec holds them as is.
 */
import { Duration, Size } from 'cdk8s';
import { z } from 'zod';
import { describeAllocatableMemory, findMachineType, formatMib, GPU_MACHINE_TYPES, GpuMachineType, knownMachineTypesText, nodeAllocatable } from './machines';
import { formatDuration, nearest } from './problems';
import {
  CpuValue,
  cpuCores,
  seconds,
  sizeKibibytes,
  zCpu,
  zDataKey,
  zDnsSubdomain,
  zDurationBetween,
  zEnvName,
  zHttpPath,
  zInt,
  zLabelMap,
  zLabelKey,
  zLabelValue,
  zPort,
  zSize,
} from './values';

// Kept here for the modules that read it with the workload defaults.
export { seconds };

/** CPU, memory and GPU of the inference container. */
export interface InferenceResources {
  /** CPU request and limit, e.g. `{ request: Cpu.units(2), limit: Cpu.units(4) }`. */
  readonly cpu: { readonly request: CpuValue; readonly limit: CpuValue };
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
  /**
   * The GPU nodes' machine type: a GKE machine type (`g2-standard-12`, `a2-highgpu-1g`,
   * `a3-highgpu-8g`, ...) or an EKS instance type (`g5.xlarge`, `g6.12xlarge`,
   * `p5.48xlarge`, ...) from the library's table (`GPU_MACHINE_TYPES`). The node's
   * allocatable memory is derived from it by the platform's documented kubelet reservation
   * (GKE: tiered on the machine memory; EKS AMI: 11 MiB × max pods + 255 MiB; both: 100 MiB
   * eviction threshold), and the memory limit must stay below it; the GPUs per pod must not
   * exceed the machine's, nor the CPU request its vCPUs less the kubelet's share. When
   * `nodeAllocatableMemory` is given too, that (measured) value is used for the memory
   * check instead, and must not exceed the machine's memory.
   * @default - no machine type: only nodeAllocatableMemory, when given, is checked
   */
  readonly nodeType?: string;
}

export interface GpuResources {
  /** GPUs per pod (the limit). 0 runs on CPU only. */
  readonly count: number;
  /** An explicit request; must equal `count`. @default - no request (the limit implies it) */
  readonly request?: number;
  /**
   * Extended resource name of the device plugin: `nvidia.com/gpu`, or a MIG device such as
   * `nvidia.com/mig-1g.10gb` (the device plugin's "mixed" MIG strategy).
   * @default 'nvidia.com/gpu'
   */
  readonly resourceName?: string;
  /**
   * GPU model(s) the pods need, matched against `productLabel` with a required node
   * affinity (`In`), e.g. `'NVIDIA-A100-SXM4-80GB'` or `['NVIDIA-L4', 'NVIDIA-A10G']`.
   * @default - any GPU the node labels admit
   */
  readonly product?: string | string[];
  /**
   * Node label holding the GPU model: GPU feature discovery's `nvidia.com/gpu.product`, or
   * the cloud's (`cloud.google.com/gke-accelerator`, `node.kubernetes.io/instance-type`).
   * @default 'nvidia.com/gpu.product'
   */
  readonly productLabel?: string;
}

/** Where the pods may run and how they spread. */
export interface GpuScheduling {
  /** Required node labels (node affinity). @default - { 'node-type': 'gpu-inference' } for a GPU pod, none for a CPU-only one (gpu.count 0) */
  readonly nodeLabels?: Record<string, string>;
  /** Taint keys tolerated (NoSchedule, operator Exists). @default - ['nvidia.com/gpu'] for a GPU pod, none for a CPU-only one (gpu.count 0) */
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
  /**
   * Instance types the pods prefer (seed 003: GPU p3.8xlarge, p3.16xlarge, p4d.24xlarge; CPU
   * c5.4xlarge, ...): a preferred node affinity, weight 100, on the well-known label
   * `node.kubernetes.io/instance-type`. The scheduler scores those nodes higher and takes
   * others when none fits; Karpenter first provisions as if it were required.
   * @default - no preference
   */
  readonly preferredInstanceTypes?: string[];
  /**
   * The pods' RuntimeClass (`runtimeClassName`), e.g. `nvidia` where the NVIDIA container
   * runtime is not the node's default.
   * @default - the node's default runtime
   */
  readonly runtimeClassName?: string;
  /** How rollouts replace pods when GPUs are scarce. @default - surge one pod, never below the replica count */
  readonly rollout?: RolloutOptions;
}

/**
 * Rolling updates on scarce GPU nodes, and the allowances `progressDeadlineSeconds` is
 * derived from (see {@link rolloutProgressDeadline}).
 */
export interface RolloutOptions {
  /**
   * `surge`: maxSurge 1, maxUnavailable 0 (zero downtime, but the extra pod needs a spare
   * GPU node, or a node the autoscaler adds). `replace`: maxSurge 0, maxUnavailable 1, for
   * clusters without spare GPU capacity: one pod is down during each step, and the new pod
   * schedules only once the old one has drained and freed its GPU.
   * @default 'surge'
   */
  readonly strategy?: 'surge' | 'replace';
  /**
   * Whether the cluster has (or adds) a GPU node for the surge pod. `false` with the
   * `surge` strategy is warned about: the extra pod stays Pending and the rollout stalls.
   * @default - not declared, not checked
   */
  readonly spareGpuCapacity?: boolean;
  /** Allowance for a new GPU node to join (autoscaler, boot, GPU driver and device plugin). @default Duration.minutes(5) */
  readonly nodeProvisioning?: Duration;
  /** Allowance for pulling the (multi-GB) image on a fresh node. @default Duration.minutes(5) */
  readonly imagePull?: Duration;
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

/**
 * Probes on the `http` port. Liveness is not readiness: the health path of the seeds checks
 * the databases, and a liveness (or startup) probe on it would restart every pod, each
 * reloading its model, on a database blip. So liveness and startup check the process only
 * (a TCP connect to the serving port, or `livenessPath` when the server has a process-only
 * endpoint); readiness (and the NLB health check) keep the dependency-aware path.
 */
export interface InferenceProbes {
  /** The dependency-aware health path: readiness, unless `readinessPath` is given. @default '/api/v1/health' */
  readonly path?: string;
  /**
   * A process-only HTTP path for the liveness and startup probes (it must not check
   * dependencies).
   * @default - no path: a TCP check on the http port
   */
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

/**
 * The connection drain of a stopping pod: how long load balancers go on opening new
 * connections to it, and how long a request in flight may still run.
 */
export interface ConnectionDrain {
  /**
   * From the pod's deletion until no load balancer opens a new connection to it. With an
   * ip-target NLB this is about 2 minutes whatever the deregistration delay says
   * (aws-load-balancer-controller issues #2366, #3270: measured by users, not in AWS docs).
   * Behind kube-proxy or an in-cluster ingress only, endpoints propagate in seconds: lower it.
   * @default Duration.minutes(2)
   */
  readonly propagation?: Duration;
  /** The longest request the server must still finish after SIGTERM. @default Duration.seconds(30) */
  readonly longestRequest?: Duration;
}

/**
 * Shutdown timing: a preStop sleep keeps the server serving while load balancers stop
 * sending it connections, then SIGTERM, then the server finishes its requests in flight.
 */
export interface GracefulShutdown {
  /**
   * terminationGracePeriodSeconds: must cover the preStop sleep, the longest request and a
   * margin ({@link SHUTDOWN_MARGIN}).
   * @default - preStopSleep + drain.longestRequest + 10 s (2m40s with the defaults)
   */
  readonly gracePeriod?: Duration;
  /**
   * preStop sleep: keeps the server serving while the load balancer deregisters the pod.
   * Must be shorter than the grace period, and should cover `drain.propagation`.
   * @default - drain.propagation; when only gracePeriod is given, what it leaves after drain.longestRequest and the margin (at least 1 s, at most drain.propagation)
   */
  readonly preStopSleep?: Duration;
  /** @default - propagation 2 min (ip-target NLB), longest request 30 s */
  readonly drain?: ConnectionDrain;
  /**
   * How the preStop sleep runs: `exec` runs `sleep N` in the container (the image needs a
   * `sleep` binary); `sleepAction` is the kubelet's native `lifecycle.preStop.sleep`, for
   * images without /bin/sleep (distroless): it needs Kubernetes 1.30 or later
   * (PodLifecycleSleepAction: alpha 1.29, beta and on by default 1.30, GA 1.34; KEP-3960).
   * @default 'exec'
   */
  readonly preStopMode?: 'exec' | 'sleepAction';
}

/**
 * The init container that fills the models volume before the server starts. It runs the
 * server's image with the pod's security context, its own modest resources (no GPU), the
 * models volume read-write, /cache and /tmp.
 */
export interface ModelDownload {
  /** The command, e.g. `['python3', '-c', script]`. */
  readonly command: string[];
  /** Its arguments (model names go here, never into the command's script). @default [] */
  readonly args?: string[];
  /** Plain environment variables (never secrets: see serverSecretEnv). @default [] */
  readonly env?: { readonly name: string; readonly value: string }[];
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


/** Container ports of the inference server. */
export interface InferencePorts {
  /** @default 8000 */
  readonly http?: number;
  /** @default 9090 */
  readonly metrics?: number;
}

// ---- defaults (seed 000/001 values) ----------------------------------------------------

/** Defaults of the workload sections (seed 000/001 values). */
export const INFERENCE_DEPLOYMENT_DEFAULTS = {
  replicas: 3,
  ports: { http: 8000, metrics: 9090 },
  // GPU feature discovery (NVIDIA gpu-feature-discovery, part of the GPU operator) labels nodes with it.
  gpu: { count: 1, resourceName: 'nvidia.com/gpu', productLabel: 'nvidia.com/gpu.product' },
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
  // Sources: REFERENCE.md "AWS Load Balancer Controller"; aws-load-balancer-controller
  // issues #2366 and #3270 (new connections reach a deregistering ip target for ~2 minutes).
  drainPropagation: Duration.minutes(2),
  longestRequest: Duration.seconds(30),
  preStopMode: 'exec' as const,
  rolloutStrategy: 'surge' as const,
  nodeProvisioning: Duration.minutes(5),
  imagePull: Duration.minutes(5),
  identity: { runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001 },
  imagePullPolicy: 'IfNotPresent' as const,
};

/**
 * Resources of the model download container: no GPU, a few cores for hashing and
 * decompressing, memory for the client's buffers. Requests equal limits, so a pod whose
 * server container is Guaranteed stays Guaranteed (every container must be); the pod's
 * effective request is the larger of this and the server's, so it adds nothing to it.
 */
export const MODEL_DOWNLOAD_RESOURCES = { cpu: '2', memory: Size.gibibytes(4) };

/**
 * Time the grace period keeps beyond the preStop sleep and the longest request: the
 * server's own exit (closing connections, flushing logs) and signal delivery.
 */
export const SHUTDOWN_MARGIN = Duration.seconds(10);

/**
 * Allowance for a new pod's NLB target to register and pass its health checks before the
 * pod's readiness gate opens: the first health check comes "a few minutes" after
 * registration (awsdocs/elb-network-load-balancers-user-guide PR #11: about 120 s;
 * aws-load-balancer-controller issue #1834), then healthyThreshold × interval (2 × 10 s).
 */
export const TARGET_REGISTRATION_ALLOWANCE = Duration.minutes(3);

// ---- resolution ------------------------------------------------------------------------

/** The workload fields of a spec or of the Deployment props, each optional section as given. */
export interface WorkloadFields {
  readonly resources: InferenceResources;
  readonly imagePullPolicy?: 'IfNotPresent' | 'Always';
  readonly replicas?: number;
  readonly autoscaled?: boolean;
  readonly ports?: InferencePorts;
  readonly scheduling?: GpuScheduling;
  readonly probes?: InferenceProbes;
  readonly modelLoadTime?: Duration;
  /** Field path named in messages about the model load time. @default 'modelLoadTime' */
  readonly modelLoadTimePath?: string;
  readonly storage?: InferenceStorage;
  readonly secretEnv?: SecretEnvVar[];
  readonly shutdown?: GracefulShutdown;
  readonly identity?: PodIdentity;
  /**
   * Declared worst-case time to download the model weights. Counted in the startup budget
   * check when the server downloads at startup, in progressDeadlineSeconds when an init
   * container does (`downloadInInitContainer`).
   * @default - not counted
   */
  readonly downloadTime?: Duration;
  /** Field path named in messages about the download time. @default 'downloadTime' */
  readonly downloadTimePath?: string;
  /** Whether an init container downloads the weights before the server starts. @default false */
  readonly downloadInInitContainer?: boolean;
  /** Storage sizes the model server implies when the storage section gives none. @default - the workload defaults */
  readonly storageDefaults?: { readonly cacheSizeLimit?: Size; readonly sharedMemorySizeLimit?: Size };
}

/** GPUs per pod with the device plugin's resource name filled in. */
export interface ResolvedGpu {
  readonly count: number;
  /** An explicit request; undefined when the limit alone implies it. */
  readonly request?: number;
  readonly resourceName: string;
  /** Required GPU models and the node label naming them; undefined: any GPU. */
  readonly productSelector?: { readonly label: string; readonly values: readonly string[] };
}

/** The GPUs per pod with their defaults: 1 `nvidia.com/gpu`, GPU feature discovery's product label. */
export function resolveGpu(gpu: GpuResources | undefined): ResolvedGpu {
  const d = INFERENCE_DEPLOYMENT_DEFAULTS.gpu;
  const product = gpu?.product;
  return {
    count: gpu?.count ?? d.count,
    request: gpu?.request,
    resourceName: gpu?.resourceName ?? d.resourceName,
    productSelector: product === undefined ? undefined : { label: gpu?.productLabel ?? d.productLabel, values: typeof product === 'string' ? [product] : [...product] },
  };
}

export interface ResolvedResources extends InferenceResources {
  readonly gpu: ResolvedGpu;
}

export interface ResolvedScheduling {
  readonly nodeLabels: Readonly<Record<string, string>>;
  readonly tolerateTaints: readonly string[];
  readonly hostAntiAffinity: NonNullable<GpuScheduling['hostAntiAffinity']>;
  readonly zoneSpread: NonNullable<GpuScheduling['zoneSpread']>;
  /** Undefined: no priority class (there is no default one). */
  readonly priorityClassName?: string;
  /** Empty: no preference. */
  readonly preferredInstanceTypes: readonly string[];
  /** Undefined: the node's default runtime. */
  readonly runtimeClassName?: string;
  readonly rollout: ResolvedRollout;
}

export interface ResolvedRollout {
  readonly strategy: NonNullable<RolloutOptions['strategy']>;
  /** Undefined: not declared. */
  readonly spareGpuCapacity?: boolean;
  readonly nodeProvisioning: Duration;
  readonly imagePull: Duration;
}

export interface ResolvedShutdown {
  readonly gracePeriod: Duration;
  readonly preStopSleep: Duration;
  readonly drain: Required<ConnectionDrain>;
  readonly preStopMode: NonNullable<GracefulShutdown['preStopMode']>;
}

export interface ResolvedProbes {
  readonly path: string;
  /** Undefined: liveness and startup are a TCP check on the http port. */
  readonly livenessPath?: string;
  readonly readinessPath: string;
  readonly liveness: Required<ProbeTiming>;
  readonly readiness: Required<ProbeTiming>;
  readonly startupBudget: Duration;
  readonly startupPeriod: Duration;
}

/** A claim the Deployment creates, with its access mode filled in. */
export interface ResolvedNewClaim {
  readonly size: Size;
  /** Undefined: the cluster's default StorageClass. */
  readonly storageClassName?: string;
  readonly accessMode: NonNullable<NewVolumeClaim['accessMode']>;
  readonly readOnly: boolean;
}

export interface ResolvedExistingClaim {
  readonly existingClaim: string;
  readonly readOnly: boolean;
}

export type ResolvedVolumeClaim = ResolvedNewClaim | ResolvedExistingClaim;

export interface ResolvedStorage {
  readonly models: ResolvedVolumeClaim;
  readonly data: ResolvedVolumeClaim;
  readonly cacheSizeLimit: Size;
  readonly tmpSizeLimit: Size;
  /** Undefined: no /dev/shm volume. */
  readonly sharedMemorySizeLimit?: Size;
}

/** The workload with every default of {@link INFERENCE_DEPLOYMENT_DEFAULTS} filled in. */
export interface ResolvedWorkload {
  readonly imagePullPolicy: NonNullable<WorkloadFields['imagePullPolicy']>;
  readonly autoscaled: boolean;
  /** `spec.replicas`: the fixed count, undefined when an autoscaler owns it. */
  readonly replicas: number | undefined;
  readonly ports: Required<InferencePorts>;
  readonly resources: ResolvedResources;
  readonly scheduling: ResolvedScheduling;
  readonly probes: ResolvedProbes;
  /** Undefined: no declared model load time, so none is checked. */
  readonly modelLoadTime?: Duration;
  readonly storage: ResolvedStorage;
  readonly secretEnv: readonly SecretEnvVar[];
  readonly shutdown: ResolvedShutdown;
  readonly identity: Required<PodIdentity>;
  /** The weights' download: its declared time (undefined: not counted) and whether an init container runs it. */
  readonly download: { readonly time?: Duration; readonly initContainer: boolean };
}

/**
 * Fills every optional workload field from {@link INFERENCE_DEPLOYMENT_DEFAULTS}, field by
 * field: a field given as `undefined` takes its default too. The one place defaults of the
 * workload are applied; builders and relation rules read the result only.
 *
 * Expects shape-valid input (types right; ranges may still be wrong, as when the relation
 * rules run beside the range checks) and never throws on it.
 */
export function resolveWorkload(p: WorkloadFields): ResolvedWorkload {
  const d = INFERENCE_DEPLOYMENT_DEFAULTS;
  const { scheduling = {}, probes = {}, storage = {}, shutdown = {}, identity = {} } = p;
  const autoscaled = p.autoscaled ?? false;
  const timing = (kind: 'liveness' | 'readiness'): Required<ProbeTiming> => ({
    period: probes[kind]?.period ?? d[kind].period,
    timeout: probes[kind]?.timeout ?? d[kind].timeout,
    failureThreshold: probes[kind]?.failureThreshold ?? d[kind].failureThreshold,
  });
  const path = probes.path ?? d.probePath;
  const gpu = resolveGpu(p.resources.gpu);
  return {
    imagePullPolicy: p.imagePullPolicy ?? d.imagePullPolicy,
    autoscaled,
    replicas: autoscaled ? undefined : (p.replicas ?? d.replicas),
    ports: { http: p.ports?.http ?? d.ports.http, metrics: p.ports?.metrics ?? d.ports.metrics },
    resources: {
      ...p.resources,
      gpu,
    },
    scheduling: {
      // The GPU node label and the GPU taint's toleration are GPU defaults: a CPU-only pod
      // (gpu.count 0) would otherwise be pinned to, and allowed onto, the GPU nodes.
      nodeLabels: scheduling.nodeLabels ?? (gpu.count > 0 ? d.nodeLabels : {}),
      tolerateTaints: scheduling.tolerateTaints ?? (gpu.count > 0 ? d.tolerateTaints : []),
      hostAntiAffinity: scheduling.hostAntiAffinity ?? d.hostAntiAffinity,
      zoneSpread: scheduling.zoneSpread ?? d.zoneSpread,
      priorityClassName: scheduling.priorityClassName,
      preferredInstanceTypes: scheduling.preferredInstanceTypes ?? [],
      runtimeClassName: scheduling.runtimeClassName,
      rollout: {
        strategy: scheduling.rollout?.strategy ?? d.rolloutStrategy,
        spareGpuCapacity: scheduling.rollout?.spareGpuCapacity,
        nodeProvisioning: scheduling.rollout?.nodeProvisioning ?? d.nodeProvisioning,
        imagePull: scheduling.rollout?.imagePull ?? d.imagePull,
      },
    },
    probes: {
      path,
      livenessPath: probes.livenessPath,
      readinessPath: probes.readinessPath ?? path,
      liveness: timing('liveness'),
      readiness: timing('readiness'),
      startupBudget: probes.startupBudget ?? d.startupBudget,
      startupPeriod: probes.startupPeriod ?? d.startupPeriod,
    },
    modelLoadTime: p.modelLoadTime,
    storage: {
      models: resolveClaim(storage.models ?? d.models),
      data: resolveClaim(storage.data ?? d.data),
      cacheSizeLimit: storage.cacheSizeLimit ?? p.storageDefaults?.cacheSizeLimit ?? d.cacheSizeLimit,
      tmpSizeLimit: storage.tmpSizeLimit ?? d.tmpSizeLimit,
      sharedMemorySizeLimit: storage.sharedMemorySizeLimit ?? p.storageDefaults?.sharedMemorySizeLimit,
    },
    secretEnv: p.secretEnv ?? [],
    shutdown: resolveShutdown(shutdown),
    identity: {
      runAsUser: identity.runAsUser ?? d.identity.runAsUser,
      runAsGroup: identity.runAsGroup ?? d.identity.runAsGroup,
      fsGroup: identity.fsGroup ?? d.identity.fsGroup,
    },
    download: { time: p.downloadTime, initContainer: p.downloadInInitContainer ?? false },
  };
}

/**
 * The shutdown timing: preStop covers the drain propagation, grace covers preStop, the
 * longest request and the margin. With only the grace period given, the sleep takes what
 * the grace period leaves (at least 1 s, at most the propagation); the chart warns when
 * that is shorter than the propagation.
 */
function resolveShutdown(shutdown: GracefulShutdown): ResolvedShutdown {
  const d = INFERENCE_DEPLOYMENT_DEFAULTS;
  const drain = { propagation: shutdown.drain?.propagation ?? d.drainPropagation, longestRequest: shutdown.drain?.longestRequest ?? d.longestRequest };
  const tail = seconds(drain.longestRequest) + seconds(SHUTDOWN_MARGIN);
  let preStopSleep = shutdown.preStopSleep;
  if (preStopSleep === undefined) {
    const grace = shutdown.gracePeriod;
    preStopSleep = grace === undefined ? drain.propagation : Duration.seconds(Math.max(1, Math.min(seconds(drain.propagation), seconds(grace) - tail)));
  }
  const gracePeriod = shutdown.gracePeriod ?? Duration.seconds(seconds(preStopSleep) + tail);
  return { gracePeriod, preStopSleep, drain, preStopMode: shutdown.preStopMode ?? d.preStopMode };
}

/** The grace period the drain needs: preStop + longest request + margin, in seconds. */
export function drainGraceSeconds(shutdown: ResolvedShutdown): number {
  return seconds(shutdown.preStopSleep) + seconds(shutdown.drain.longestRequest) + seconds(SHUTDOWN_MARGIN);
}

/**
 * `progressDeadlineSeconds`: the longest a rollout step may go without progress. A step
 * runs from a new pod's creation until it is available: node provisioning and image pull
 * allowances, the startup budget (with the declared download time when an init container
 * downloads the weights first), one readiness period, the NLB target registration
 * allowance, plus the grace period of the pod it replaces (with the `replace` strategy, or
 * a full cluster, the new pod's GPU frees only once that pod has drained). Kubernetes'
 * default of 600 s is shorter than this for a GPU model server, so healthy rollouts would be
 * reported failed (ProgressDeadlineExceeded). Source: Kubernetes DeploymentSpec
 * (progressDeadlineSeconds: time for a deployment to make progress before it is considered
 * failed; default 600 s).
 */
export function rolloutProgressDeadline(w: ResolvedWorkload): number {
  const r = w.scheduling.rollout;
  return (
    seconds(r.nodeProvisioning) +
    seconds(r.imagePull) +
    seconds(startupAllowance(w)) +
    seconds(w.probes.readiness.period) +
    seconds(TARGET_REGISTRATION_ALLOWANCE) +
    seconds(w.shutdown.gracePeriod)
  );
}

/**
 * How long a new pod may take from its start until the server is up: the startup budget,
 * plus the declared download time when an init container downloads the weights before the
 * server (and its startup probe) starts. The budget itself, unchanged, otherwise.
 */
export function startupAllowance(w: Pick<ResolvedWorkload, 'probes' | 'download'>): Duration {
  const { time, initContainer } = w.download;
  const budget = probedStartupBudget(w.probes);
  if (!initContainer || time === undefined) return budget;
  return Duration.seconds(seconds(budget) + seconds(time));
}

/** Failures the startup probe allows so that they cover the budget: ceil(budget / period). */
export function startupFailureThreshold(budget: Duration, period: Duration): number {
  return Math.ceil(seconds(budget) / seconds(period));
}

/**
 * The time the startup probe really grants: its failure threshold times its period, the
 * budget rounded up to a whole period (a 1712 s budget polled every 1332 s is 2 polls, 2664 s).
 * What a rollout deadline and the not-ready alert must cover.
 */
export function probedStartupBudget(probes: Pick<ResolvedProbes, 'startupBudget' | 'startupPeriod'>): Duration {
  return Duration.seconds(startupFailureThreshold(probes.startupBudget, probes.startupPeriod) * seconds(probes.startupPeriod));
}

/** maxSurge and maxUnavailable of the rollout strategy. */
export function rolloutBudget(strategy: ResolvedRollout['strategy']): { maxSurge: number; maxUnavailable: number } {
  return strategy === 'surge' ? { maxSurge: 1, maxUnavailable: 0 } : { maxSurge: 0, maxUnavailable: 1 };
}

function resolveClaim(claim: VolumeClaim): ResolvedVolumeClaim {
  const readOnly = claim.readOnly ?? false;
  if ('existingClaim' in claim) return { existingClaim: claim.existingClaim, readOnly };
  return { size: claim.size, storageClassName: claim.storageClassName, accessMode: claim.accessMode ?? INFERENCE_DEPLOYMENT_DEFAULTS.accessMode, readOnly };
}

// ---- schemas ---------------------------------------------------------------------------

export const portsSchema = z.object({ http: zPort.optional(), metrics: zPort.optional() }).strict() satisfies z.ZodType<InferencePorts>;

/** A machine type of the table, or a problem naming the nearest one and listing them all. */
const zNodeType = z.string().superRefine((name, ctx) => {
  if (findMachineType(name)) return;
  const near = nearest(name, GPU_MACHINE_TYPES.map((m) => m.name));
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    message: `is not a GPU machine type the library knows; ${near ? `did you mean ${JSON.stringify(near)}? ` : ''}known: ${knownMachineTypesText()}; for another machine type leave nodeType out and give resources.nodeAllocatableMemory (kubectl get node <name> -o jsonpath='{.status.allocatable.memory}')`,
  });
});

export const resourcesSchema = z
  .object({
    cpu: z.object({ request: zCpu, limit: zCpu }).strict(),
    memory: z.object({ request: zSize, limit: zSize }).strict(),
    gpu: z
      .object({
        count: zInt(0, 64, 'GPUs per pod'),
        request: zInt(0, 64, 'GPUs per pod').optional(),
        resourceName: z
          .string()
          .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/, 'must be an extended resource name like nvidia.com/gpu; fix the name')
          .optional(),
        product: z.union([zLabelValue.refine((v) => v.length > 0, 'must name a GPU model; fix the value'), z.array(zLabelValue.refine((v) => v.length > 0, 'must name a GPU model; fix the value')).min(1)]).optional(),
        productLabel: zLabelKey.optional(),
      })
      .strict()
      .optional(),
    nodeAllocatableMemory: zSize.optional(),
    nodeType: zNodeType.optional(),
  })
  .strict() satisfies z.ZodType<InferenceResources>;

export const schedulingSchema = z
  .object({
    nodeLabels: zLabelMap.optional(),
    tolerateTaints: z.array(zLabelKey).optional(),
    hostAntiAffinity: z.enum(['required', 'preferred', 'none']).optional(),
    zoneSpread: z.enum(['DoNotSchedule', 'ScheduleAnyway', 'none']).optional(),
    priorityClassName: zDnsSubdomain.optional(),
    preferredInstanceTypes: z
      .array(zLabelValue.refine((t) => t.length > 0, 'must name an instance type such as p4d.24xlarge; fix the value'))
      .min(1, 'must name at least one instance type; leave preferredInstanceTypes out for no preference')
      .refine((list) => new Set(list).size === list.length, 'names an instance type twice; keep one')
      .optional(),
    runtimeClassName: zDnsSubdomain.optional(),
    rollout: z
      .object({
        strategy: z.enum(['surge', 'replace']).optional(),
        spareGpuCapacity: z.boolean().optional(),
        nodeProvisioning: zDurationBetween(0, 86_400, 'node provisioning allowance').optional(),
        imagePull: zDurationBetween(0, 86_400, 'image pull allowance').optional(),
      })
      .strict()
      .optional(),
  })
  .strict() satisfies z.ZodType<GpuScheduling>;

/** Probe timing: kubelet int32 fields, periods of at least 1 s. */
const probeTimingSchema = z
  .object({
    period: zDurationBetween(1, 3600, 'probe period').optional(),
    timeout: zDurationBetween(1, 3600, 'probe timeout').optional(),
    failureThreshold: zInt(1, 1000, 'failures before the kubelet acts').optional(),
  })
  .strict() satisfies z.ZodType<ProbeTiming>;

export const probesSchema = z
  .object({
    path: zHttpPath.optional(),
    livenessPath: zHttpPath.optional(),
    readinessPath: zHttpPath.optional(),
    liveness: probeTimingSchema.optional(),
    readiness: probeTimingSchema.optional(),
    startupBudget: zDurationBetween(1, 86_400, 'startup budget').optional(),
    startupPeriod: zDurationBetween(1, 3600, 'startup probe period').optional(),
  })
  .strict() satisfies z.ZodType<InferenceProbes>;

const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const;

const claimSchema = z.union([
  z
    .object({
      size: zSize,
      storageClassName: zDnsSubdomain.optional(),
      accessMode: z.enum(ACCESS_MODES).optional(),
      readOnly: z.boolean().optional(),
    })
    .strict(),
  z.object({ existingClaim: zDnsSubdomain, readOnly: z.boolean().optional() }).strict(),
]) satisfies z.ZodType<VolumeClaim>;

export const storageSchema = z
  .object({
    models: claimSchema.optional(),
    data: claimSchema.optional(),
    cacheSizeLimit: zSize.optional(),
    tmpSizeLimit: zSize.optional(),
    sharedMemorySizeLimit: zSize.optional(),
  })
  .strict() satisfies z.ZodType<InferenceStorage>;

export const secretEnvSchema = z.array(
  z
    .object({
      name: zEnvName,
      secretName: zDnsSubdomain,
      key: zDataKey,
      optional: z.boolean().optional(),
    })
    .strict(),
) satisfies z.ZodType<SecretEnvVar[]>;

export const shutdownSchema = z
  .object({
    gracePeriod: zDurationBetween(1, 86_400, 'termination grace period').optional(),
    preStopSleep: zDurationBetween(1, 86_400, 'preStop sleep').optional(),
    drain: z
      .object({
        propagation: zDurationBetween(0, 86_400, 'drain propagation').optional(),
        longestRequest: zDurationBetween(0, 86_400, 'longest request').optional(),
      })
      .strict()
      .optional(),
    preStopMode: z.enum(['exec', 'sleepAction']).optional(),
  })
  .strict() satisfies z.ZodType<GracefulShutdown>;

export const identitySchema = z
  .object({
    runAsUser: zInt(1, undefined, 'a non-root UID: Pod Security "restricted" forbids UID 0').optional(),
    runAsGroup: zInt(0, undefined, 'a GID').optional(),
    fsGroup: zInt(0, undefined, 'a GID').optional(),
  })
  .strict() satisfies z.ZodType<PodIdentity>;

// ---- relations -------------------------------------------------------------------------

/** A problem found between fields; `params.value` is the effective value when defaulted. */
export interface PathProblem {
  readonly path: (string | number)[];
  readonly message: string;
  readonly params?: { readonly value: unknown };
}

/** Rules between fields of one workload (request vs limit, probes vs model load, ...). */
export function workloadRelationProblems(p: WorkloadFields): PathProblem[] {
  const problems: PathProblem[] = [];
  const w = resolveWorkload(p);
  const { cpu, memory, nodeAllocatableMemory } = w.resources;
  const gpu = w.resources.gpu;
  if (cpuCores(cpu.request.amount) > cpuCores(cpu.limit.amount)) {
    problems.push({
      path: ['resources', 'cpu', 'request'],
      message: `must not exceed resources.cpu.limit (${cpu.limit.amount}); lower the request or raise the limit`,
    });
  }
  if (sizeKibibytes(memory.request) > sizeKibibytes(memory.limit)) {
    problems.push({
      path: ['resources', 'memory', 'request'],
      message: `must not exceed resources.memory.limit (${memory.limit.asString()}); lower the request or raise the limit`,
    });
  }
  if (nodeAllocatableMemory && sizeKibibytes(memory.limit) >= sizeKibibytes(nodeAllocatableMemory)) {
    problems.push({
      path: ['resources', 'memory', 'limit'],
      message: `must stay below resources.nodeAllocatableMemory (${nodeAllocatableMemory.asString()}), or the node runs out of memory before the pod's limit stops it; lower the limit (seed 004: 40Gi on a 48 GB node)`,
    });
  }
  problems.push(...nodeFitProblems(w.resources, w.scheduling));
  if (gpu.request !== undefined && gpu.request !== gpu.count) {
    problems.push({
      path: ['resources', 'gpu', 'request'],
      message: `must equal resources.gpu.count (${gpu.count}): extended resources cannot be overcommitted; drop the request or set it to ${gpu.count}`,
    });
  }
  const shm = w.storage.sharedMemorySizeLimit;
  if (shm && sizeKibibytes(shm) >= sizeKibibytes(memory.limit)) {
    problems.push({
      path: ['storage', 'sharedMemorySizeLimit'],
      params: { value: shm },
      message: `must stay below resources.memory.limit (${memory.limit.asString()}): /dev/shm is memory-backed and counts against the container's limit, so filling it OOM-kills the pod; lower it (a few Gi is typical) or raise the limit${p.storage?.sharedMemorySizeLimit === undefined ? " (the size is the model server's default for tensor parallelism: set storage.sharedMemorySizeLimit to choose another)" : ''}`,
    });
  }
  const product = gpu.productSelector;
  if (p.resources.gpu?.productLabel !== undefined && product === undefined) {
    problems.push({
      path: ['resources', 'gpu', 'productLabel'],
      message: 'names the label to match resources.gpu.product, but no product is given; add resources.gpu.product or leave productLabel out',
    });
  }
  if (product && w.scheduling.nodeLabels[product.label] !== undefined) {
    problems.push({
      path: ['scheduling', 'nodeLabels', product.label],
      message: `pins the GPU product label that resources.gpu.product already matches; both must hold, so a mismatch leaves the pods Pending; keep resources.gpu.product and remove this node label`,
    });
  }
  const { startupBudget, startupPeriod } = w.probes;
  const download = w.download;
  const serverDownload = download.time !== undefined && !download.initContainer ? download.time : undefined;
  if (serverDownload) {
    // The server downloads the weights at startup: the budget covers the download and the load.
    const loadPath = p.modelLoadTimePath ?? 'modelLoadTime';
    const downloadPath = p.downloadTimePath ?? 'downloadTime';
    const needed = seconds(serverDownload) + (w.modelLoadTime ? seconds(w.modelLoadTime) : 0);
    if (seconds(startupBudget) < needed) {
      const parts = [`${downloadPath}: ${formatDuration(serverDownload)}`, ...(w.modelLoadTime ? [`${loadPath}: ${formatDuration(w.modelLoadTime)}`] : [])];
      problems.push({
        path: ['probes', 'startupBudget'],
        params: { value: startupBudget },
        message: `is shorter than the declared download ${w.modelLoadTime ? 'and model load time' : 'time'} (${parts.join(' + ')}): the server downloads the weights at startup, so the kubelet would kill it while the weights are still coming; raise probes.startupBudget to at least ${needed} s, or download in an init container first (server.preDownload)`,
      });
    }
  } else if (w.modelLoadTime && seconds(startupBudget) < seconds(w.modelLoadTime)) {
    problems.push({
      path: ['probes', 'startupBudget'],
      params: { value: startupBudget },
      message: `is shorter than the declared model load time (${p.modelLoadTimePath ?? 'modelLoadTime'}: ${formatDuration(w.modelLoadTime)}): the kubelet would kill the pod while the model is still loading; raise probes.startupBudget to at least ${seconds(w.modelLoadTime)} s`,
    });
  }
  if (seconds(startupPeriod) > seconds(startupBudget)) {
    problems.push({
      path: ['probes', 'startupPeriod'],
      message: `must not exceed probes.startupBudget (${formatDuration(startupBudget)}); shorten the period`,
    });
  }
  for (const kind of ['liveness', 'readiness'] as const) {
    const timing = w.probes[kind];
    if (seconds(timing.timeout) >= seconds(timing.period)) {
      problems.push({
        path: ['probes', kind, 'timeout'],
        params: { value: timing.timeout },
        message: `must be shorter than probes.${kind}.period (${formatDuration(timing.period)}); probes would overlap`,
      });
    }
  }
  const { gracePeriod: grace, preStopSleep: preStop, drain } = w.shutdown;
  const given = p.shutdown ?? {};
  if (seconds(grace) <= seconds(preStop)) {
    problems.push({
      path: ['shutdown', 'gracePeriod'],
      params: { value: grace },
      message: `must be longer than shutdown.preStopSleep (${formatDuration(preStop)}), or the pod is killed before the server drains; raise the grace period or shorten the sleep`,
    });
  } else if (given.gracePeriod !== undefined && given.drain?.longestRequest !== undefined && seconds(grace) < drainGraceSeconds(w.shutdown)) {
    // Both declared: a contradiction, not a default assumption (the chart warns about those).
    problems.push({
      path: ['shutdown', 'gracePeriod'],
      message: `must cover shutdown.preStopSleep (${formatDuration(preStop)}) + shutdown.drain.longestRequest (${formatDuration(drain.longestRequest)}) + ${seconds(SHUTDOWN_MARGIN)} s margin = ${drainGraceSeconds(w.shutdown)} s, or the kubelet kills requests still in flight; raise the grace period to ${drainGraceSeconds(w.shutdown)} s or leave it out (it is derived)`,
    });
  }
  if (given.preStopSleep !== undefined && given.drain?.propagation !== undefined && seconds(preStop) < seconds(drain.propagation)) {
    problems.push({
      path: ['shutdown', 'preStopSleep'],
      message: `is shorter than shutdown.drain.propagation (${formatDuration(drain.propagation)}): load balancers still open new connections to the pod after it stops accepting them, so every rollout step and scale-down refuses connections for ${seconds(drain.propagation) - seconds(preStop)} s; raise preStopSleep to ${seconds(drain.propagation)} s or leave it out (it defaults to the propagation)`,
    });
  }
  const ports = w.ports;
  if (ports.http === ports.metrics) {
    problems.push({ path: ['ports', 'metrics'], params: { value: ports.metrics }, message: `must differ from ports.http (${ports.http}); give metrics its own port` });
  }
  const multiReplica = w.replicas === undefined || w.replicas > 1;
  for (const vol of ['models', 'data'] as const) {
    const claim = w.storage[vol];
    if ('size' in claim && multiReplica && (claim.accessMode === 'ReadWriteOnce' || claim.accessMode === 'ReadWriteOncePod')) {
      problems.push({
        path: ['storage', vol, 'accessMode'],
        message: `attaches to one node (or pod) only, but several replicas spread across nodes mount this claim; use ReadWriteMany (e.g. EFS) or ReadOnlyMany, or an existingClaim`,
      });
    }
  }
  const secretNames = new Set<string>();
  w.secretEnv.forEach((s, i) => {
    if (secretNames.has(s.name)) problems.push({ path: ['secretEnv', i, 'name'], message: 'is defined twice; keep one entry per variable' });
    secretNames.add(s.name);
  });
  return problems;
}

/**
 * The pod against the machine type of its nodes (`resources.nodeType`): the memory limit
 * below the derived allocatable memory (unless `nodeAllocatableMemory` gives a measured
 * value, which wins), the GPUs per pod within the machine's, the CPU request within its
 * allocatable CPU, and the GPU product or node label, when they name the machine's label,
 * naming this machine. An unknown machine type is a shape problem (see the schema).
 */
export function nodeFitProblems(r: ResolvedResources, scheduling: Pick<ResolvedScheduling, 'nodeLabels'>): PathProblem[] {
  const machine = r.nodeType === undefined ? undefined : findMachineType(r.nodeType);
  if (!machine) return [];
  const problems: PathProblem[] = [];
  const node = nodeAllocatable(machine);
  const limitMib = sizeKibibytes(r.memory.limit) / 1024;
  const explicit = r.nodeAllocatableMemory;
  if (explicit) {
    if (sizeKibibytes(explicit) / 1024 > machine.memoryMib) {
      problems.push({
        path: ['resources', 'nodeAllocatableMemory'],
        message: `exceeds the memory of ${machine.name} (${formatMib(machine.memoryMib)}), which allocatable memory never reaches; give the node's measured allocatable memory (kubectl get node <name> -o jsonpath='{.status.allocatable.memory}') or leave it out to derive it (${describeAllocatableMemory(node)})`,
      });
    }
  } else if (limitMib >= node.memoryMib) {
    problems.push({
      path: ['resources', 'memory', 'limit'],
      message: `must stay below the allocatable memory of ${machine.name} (${describeAllocatableMemory(node)}), or the node runs out of memory before the pod's limit stops it; lower the limit to ${fittingLimit(node.memoryMib)} or less${largerMachineHint(machine, (m) => nodeAllocatable(m).memoryMib > limitMib, 'more memory')}`,
    });
  }
  const gpu = r.gpu;
  if (gpu.resourceName === 'nvidia.com/gpu' && gpu.count > machine.gpus) {
    problems.push({
      path: ['resources', 'gpu', 'count'],
      message: `must not exceed the ${machine.gpus} ${machine.gpus === 1 ? 'GPU' : 'GPUs'} of ${machine.name} (resources.nodeType): a pod's GPUs come from one node, so it would stay Pending; lower the count${largerMachineHint(machine, (m) => m.gpus >= gpu.count && m.gpuModel === machine.gpuModel, `${gpu.count} GPUs`)}`,
    });
  }
  const requestMillicores = cpuCores(r.cpu.request.amount) * 1000;
  if (requestMillicores > node.cpuMillicores) {
    problems.push({
      path: ['resources', 'cpu', 'request'],
      message: `must not exceed the allocatable CPU of ${machine.name} (${node.cpuMillicores / 1000} cores: ${machine.vcpus} vCPUs minus the kubelet's ${node.cpuReservedMillicores}m), or no node can schedule the pod; lower the request${largerMachineHint(machine, (m) => nodeAllocatable(m).cpuMillicores >= requestMillicores, 'more vCPUs')}`,
    });
  }
  const label = machine.nodeLabel;
  const product = gpu.productSelector;
  if (product && product.label === label.key && !product.values.includes(label.value)) {
    problems.push({
      path: ['resources', 'gpu', 'product'],
      message: `matches ${label.key} against ${product.values.map((v) => JSON.stringify(v)).join(', ')}, but nodes of ${machine.name} (resources.nodeType) carry ${label.key}=${label.value}, so the pods would stay Pending or run on other machines than the ones their memory was checked against; use ${JSON.stringify(label.value)} or fix resources.nodeType`,
    });
  }
  const pinned = scheduling.nodeLabels[label.key];
  if (pinned !== undefined && pinned !== label.value) {
    problems.push({
      path: ['scheduling', 'nodeLabels', label.key],
      message: `requires ${label.key}=${pinned}, but nodes of ${machine.name} (resources.nodeType) carry ${label.key}=${label.value}; use ${JSON.stringify(label.value)} or fix resources.nodeType`,
    });
  }
  return problems;
}

/** The largest limit below `allocatableMib`, as a quantity: whole Gi when one fits, else Mi. */
function fittingLimit(allocatableMib: number): string {
  const gib = Math.floor(allocatableMib / 1024);
  if (gib >= 1 && gib * 1024 < allocatableMib) return `${gib}Gi`;
  return `${Math.max(1, Math.ceil(allocatableMib) - 1)}Mi`;
}

/** `, or choose a machine type with <what> (e.g. x)` naming the smallest fitting one of the platform. */
function largerMachineHint(machine: GpuMachineType, fits: (m: GpuMachineType) => boolean, what: string): string {
  const candidates = GPU_MACHINE_TYPES.filter((m) => m.platform === machine.platform && m.name !== machine.name && fits(m));
  const sameGpu = candidates.filter((m) => m.gpuModel === machine.gpuModel);
  const pick = [...(sameGpu.length > 0 ? sameGpu : candidates)].sort((a, b) => a.memoryMib - b.memoryMib || a.vcpus - b.vcpus)[0];
  return pick ? `, or choose a machine type with ${what} (e.g. ${pick.name})` : '';
}
