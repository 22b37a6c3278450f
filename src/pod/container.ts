/** The inference container, assembled from the pod pieces and the resolved workload. */
import { k8s } from 'cdk8s-plus-28';
import { HTTP_PORT_NAME, INFERENCE_CONTAINER, METRICS_PORT_NAME, MODEL_DOWNLOAD_CONTAINER } from '../conventions';
import { InferencePorts, MODEL_DOWNLOAD_RESOURCES, ModelDownload, ResolvedResources, ResolvedShutdown, ResolvedWorkload, SecretEnvVar, seconds } from '../spec/workload';
import { livenessProbe, readinessProbe, startupProbe } from './probes';
import { sizeQuantity } from './quantity';
import { containerSecurityContext } from './security-context';

export interface InferenceContainerInput {
  readonly image: string;
  /** The application ConfigMap, injected whole with envFrom. */
  readonly configMapName: string;
  readonly workload: ResolvedWorkload;
  /** The mounts of the pod's volumes (see podVolumes). */
  readonly volumeMounts: k8s.VolumeMount[];
  /** Container args (a model server's flags). @default - the image's own */
  readonly args?: readonly string[];
  /** Plain environment variables, before the secrets. @default - none */
  readonly env?: readonly { readonly name: string; readonly value: string }[];
  /** The model server's own secret-backed variables (HF_TOKEN), before the workload's secretEnv. @default - none */
  readonly serverSecretEnv?: readonly SecretEnvVar[];
  /** Declare the separate `metrics` port. @default true */
  readonly separateMetricsPort?: boolean;
}

/** The inference server's container: ports, config and secrets, resources, probes, shutdown, security. */
export function inferenceContainer(input: InferenceContainerInput): k8s.Container {
  const w = input.workload;
  return {
    name: INFERENCE_CONTAINER,
    image: input.image,
    imagePullPolicy: w.imagePullPolicy,
    args: input.args && [...input.args],
    ports: input.separateMetricsPort === false ? containerPorts(w.ports).filter((port) => port.name !== METRICS_PORT_NAME) : containerPorts(w.ports),
    envFrom: [{ configMapRef: { name: input.configMapName } }],
    env: [...(input.env ?? []).map((e) => ({ name: e.name, value: e.value })), ...secretEnv(input.serverSecretEnv ?? []), ...secretEnv(w.secretEnv)],
    resources: containerResources(w.resources),
    startupProbe: startupProbe(w.probes),
    livenessProbe: livenessProbe(w.probes),
    readinessProbe: readinessProbe(w.probes),
    lifecycle: preStopSleep(w.shutdown),
    securityContext: containerSecurityContext(w.identity),
    volumeMounts: input.volumeMounts,
  };
}

export interface ModelDownloadContainerInput {
  readonly image: string;
  readonly workload: ResolvedWorkload;
  readonly download: ModelDownload;
  /** The models volume read-write, /cache and /tmp (see podVolumes' downloadMounts). */
  readonly volumeMounts: k8s.VolumeMount[];
  /** Secret-backed variables the download needs (HF_TOKEN). @default - none */
  readonly secretEnv?: readonly SecretEnvVar[];
}

/**
 * The init container that fills the models volume: the server's image and pull policy,
 * the same security context (Pod Security "restricted"), CPU and memory for a download
 * and no GPU ({@link MODEL_DOWNLOAD_RESOURCES}, requests equal to limits).
 */
export function modelDownloadContainer(input: ModelDownloadContainerInput): k8s.Container {
  const { cpu, memory } = MODEL_DOWNLOAD_RESOURCES;
  const amounts = { cpu: k8s.Quantity.fromString(cpu), memory: sizeQuantity(memory) };
  return {
    name: MODEL_DOWNLOAD_CONTAINER,
    image: input.image,
    imagePullPolicy: input.workload.imagePullPolicy,
    command: [...input.download.command],
    args: input.download.args && [...input.download.args],
    env: [...(input.download.env ?? []).map((e) => ({ name: e.name, value: e.value })), ...secretEnv(input.secretEnv ?? [])],
    resources: { requests: { ...amounts }, limits: { ...amounts } },
    securityContext: containerSecurityContext(input.workload.identity),
    volumeMounts: input.volumeMounts,
  };
}

/** The `http` and `metrics` container ports (TCP). */
export function containerPorts(ports: Required<InferencePorts>): k8s.ContainerPort[] {
  return [
    { name: HTTP_PORT_NAME, containerPort: ports.http, protocol: 'TCP' },
    { name: METRICS_PORT_NAME, containerPort: ports.metrics, protocol: 'TCP' },
  ];
}

/** Environment variables read from Secret keys: the manifest names the key, never the value. */
export function secretEnv(vars: readonly SecretEnvVar[]): k8s.EnvVar[] {
  return vars.map((s) => ({ name: s.name, valueFrom: { secretKeyRef: { name: s.secretName, key: s.key, optional: s.optional } } }));
}

/**
 * CPU and memory requests and limits. The GPU, when the count is above 0, is written as both
 * a request and an equal limit: extended resources cannot be overcommitted, and the API
 * server would copy the limit into the request anyway; writing it keeps the manifest saying
 * what the scheduler and a ResourceQuota (requests.nvidia.com/gpu) count.
 */
export function containerResources(resources: ResolvedResources): k8s.ResourceRequirements {
  const { cpu, memory, gpu } = resources;
  const limits: Record<string, k8s.Quantity> = { cpu: k8s.Quantity.fromString(cpu.limit.amount), memory: sizeQuantity(memory.limit) };
  const requests: Record<string, k8s.Quantity> = { cpu: k8s.Quantity.fromString(cpu.request.amount), memory: sizeQuantity(memory.request) };
  if (gpu.count > 0) {
    limits[gpu.resourceName] = k8s.Quantity.fromNumber(gpu.count);
    requests[gpu.resourceName] = k8s.Quantity.fromNumber(gpu.count);
  }
  return { requests, limits };
}

/**
 * The `exec` preStop sleep: the image's `sleep` keeps the server serving while load
 * balancers deregister the pod. Undefined with the `sleepAction` mode, whose hook the
 * L1 classes cannot express: the InferenceDeployment patches {@link nativePreStopSleep} in.
 */
export function preStopSleep(shutdown: Pick<ResolvedShutdown, 'preStopSleep' | 'preStopMode'>): k8s.Lifecycle | undefined {
  if (shutdown.preStopMode === 'sleepAction') return undefined;
  return { preStop: { exec: { command: ['sleep', String(seconds(shutdown.preStopSleep))] } } };
}

/**
 * The native preStop sleep (`lifecycle.preStop.sleep.seconds`), as JSON: no `sleep`
 * binary needed. Kubernetes 1.30 or later (PodLifecycleSleepAction: alpha 1.29, beta and on
 * by default 1.30, GA 1.34; KEP-3960); the Kubernetes 1.28 types of cdk8s-plus-28 predate it.
 */
export function nativePreStopSleep(shutdown: Pick<ResolvedShutdown, 'preStopSleep'>): { preStop: { sleep: { seconds: number } } } {
  return { preStop: { sleep: { seconds: seconds(shutdown.preStopSleep) } } };
}
