import { Duration, JsonPatch, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import { COMPONENT, CONFIG_CHECKSUM_ANNOTATION, commonLabels, objectNames, selectorLabels } from '../conventions';
import { podAffinity, taintTolerations } from '../pod/affinity';
import { appConfigData, configChecksum } from '../pod/app-config';
import { inferenceContainer, modelDownloadContainer, nativePreStopSleep } from '../pod/container';
import { podSecurityContext } from '../pod/security-context';
import { zoneSpread } from '../pod/spread';
import { podVolumes } from '../pod/volumes';
import { AppConfig, appConfigSchema } from '../spec/config';
import { parseOrThrow } from '../spec/problems';
import { CpuValue, zDnsLabel, zDuration, zDurationBetween, zImage, zInt, zLabelMap } from '../spec/values';
import {
  GpuScheduling,
  GracefulShutdown,
  InferencePorts,
  InferenceProbes,
  InferenceResources,
  InferenceStorage,
  ModelDownload,
  PodIdentity,
  SecretEnvVar,
  identitySchema,
  portsSchema,
  probesSchema,
  resolveWorkload,
  resourcesSchema,
  rolloutBudget,
  rolloutProgressDeadline,
  schedulingSchema,
  secretEnvSchema,
  seconds,
  shutdownSchema,
  storageSchema,
  workloadRelationProblems,
} from '../spec/workload';

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
  readonly ports?: InferencePorts;
  readonly resources: InferenceResources;
  /** @default - GPU nodes labelled node-type=gpu-inference, preferred host spread, zone spread, surge rollout */
  readonly scheduling?: GpuScheduling;
  /** @default - liveness and startup TCP on `http`, readiness on /api/v1/health */
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
  /**
   * @default - preStop sleep 2 min (the ip-target NLB's drain propagation), grace 2m40s
   * (sleep + 30 s longest request + 10 s margin), `exec` sleep
   */
  readonly shutdown?: GracefulShutdown;
  /** @default - UID/GID/fsGroup 1001 */
  readonly identity?: PodIdentity;
  /** Extra labels on every object. @default {} */
  readonly labels?: Record<string, string>;
  /** Container args (a model server's flags). @default - the image's own */
  readonly args?: string[];
  /** Plain environment variables (a model server's settings; never secrets: use secretEnv). @default - none */
  readonly env?: { readonly name: string; readonly value: string }[];
  /**
   * Whether the server serves its metrics on the separate `metrics` port. `false`: no
   * `metrics` container port (vLLM serves /metrics on its API port; Ollama exports none).
   * @default true
   */
  readonly separateMetricsPort?: boolean;
  /** The model server's own credentials by Secret reference (vLLM's HF_TOKEN), in the server and the download container. @default [] */
  readonly serverSecretEnv?: SecretEnvVar[];
  /**
   * An init container (the same image) that fills the models volume before the server
   * starts; a read-only models claim stays writable for it. @default - none: the server
   * finds or fetches the weights itself
   */
  readonly modelDownload?: ModelDownload;
  /**
   * Declared worst-case time to download the weights: with `modelDownload` added to
   * progressDeadlineSeconds, without it covered by the startup budget (with the model
   * load time).
   * @default - not counted
   */
  readonly downloadTime?: Duration;
}

// ---- validation ------------------------------------------------------------------------

export const inferenceDeploymentPropsSchema = z
  .object({
    name: zDnsLabel,
    namespace: zDnsLabel.optional(),
    image: zImage,
    imagePullPolicy: z.enum(['IfNotPresent', 'Always']).optional(),
    replicas: zInt(1, 10_000, 'replicas; use autoscaled for an HPA-owned Deployment').optional(),
    autoscaled: z.boolean().optional(),
    ports: portsSchema.optional(),
    resources: resourcesSchema,
    scheduling: schedulingSchema.optional(),
    probes: probesSchema.optional(),
    modelLoadTime: zDuration.optional(),
    storage: storageSchema.optional(),
    config: appConfigSchema.optional(),
    secretEnv: secretEnvSchema.optional(),
    shutdown: shutdownSchema.optional(),
    identity: identitySchema.optional(),
    labels: zLabelMap.optional(),
    args: z.array(z.string()).optional(),
    env: z.array(z.object({ name: z.string().min(1, 'must name the variable'), value: z.string() }).strict()).optional(),
    separateMetricsPort: z.boolean().optional(),
    serverSecretEnv: secretEnvSchema.optional(),
    modelDownload: z
      .object({
        command: z.array(z.string()).min(1, 'must hold the command; add it'),
        args: z.array(z.string()).optional(),
        env: z.array(z.object({ name: z.string().min(1, 'must name the variable'), value: z.string() }).strict()).optional(),
      })
      .strict()
      .optional(),
    downloadTime: zDurationBetween(1, 86_400, 'worst-case download time').optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const problem of workloadRelationProblems(withDownload(p))) ctx.addIssue({ code: z.ZodIssueCode.custom, ...problem });
  }) satisfies z.ZodType<InferenceDeploymentProps>;

/** The props as workload fields: an init container downloads when modelDownload is given. */
function withDownload<P extends Pick<InferenceDeploymentProps, 'modelDownload'>>(p: P): P & { downloadInInitContainer: boolean } {
  return { ...p, downloadInInitContainer: p.modelDownload !== undefined };
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
  /** Whether the pods declare the separate `metrics` port (false: metrics, if any, on `http`). */
  readonly separateMetricsPort: boolean;
  /** Replica count when not autoscaled; undefined when an autoscaler owns it. */
  readonly replicas?: number;
  /** GPUs per pod. */
  readonly gpuCount: number;
  /** CPU and memory requests, for cross-checks (VPA bounds, HPA utilization). */
  readonly requests: { readonly cpu: CpuValue; readonly memory: Size };
  /** Name of the application ConfigMap. */
  readonly configMapName: string;

  constructor(scope: Construct, id: string, props: InferenceDeploymentProps) {
    super(scope, id);
    const p = parseOrThrow(inferenceDeploymentPropsSchema, props, `InferenceDeployment ${scope.node.path}/${id}`);
    const w = resolveWorkload(withDownload(p));
    const names = objectNames(p.name);
    const tag = imageVersion(p.image);
    const labels = (component: string) => ({ ...commonLabels(p.name, component, tag), ...p.labels });
    const meta = (name: string, component: string) => ({ name, namespace: p.namespace, labels: labels(component) });

    this.name = p.name;
    this.namespace = p.namespace;
    this.selectorLabels = selectorLabels(p.name);
    this.httpPort = w.ports.http;
    this.separateMetricsPort = p.separateMetricsPort ?? true;
    this.metricsPort = this.separateMetricsPort ? w.ports.metrics : w.ports.http;
    this.replicas = w.replicas;
    this.gpuCount = w.resources.gpu.count;
    this.requests = { cpu: w.resources.cpu.request, memory: w.resources.memory.request };
    this.configMapName = names.configMap;

    // ServiceAccount: no API token in the pod; the server does not talk to the API.
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: meta(names.serviceAccount, COMPONENT.security),
      automountServiceAccountToken: false,
    });

    // Application configuration; its hash on the pod template rolls pods on change.
    const configData = appConfigData(p.config ?? {}, { cpuLimit: w.resources.cpu.limit });
    new k8s.KubeConfigMap(this, 'Config', { metadata: meta(names.configMap, COMPONENT.config), data: configData });

    const storage = podVolumes(w.storage, { models: names.modelsClaim, data: names.dataClaim }, { modelsDownloaded: p.modelDownload !== undefined });
    for (const claim of storage.claims) {
      new k8s.KubePersistentVolumeClaim(this, `${claim.volume}Claim`, { metadata: meta(claim.name, COMPONENT.server), spec: claim.spec });
    }

    const budget = rolloutBudget(w.scheduling.rollout.strategy);
    // The native preStop sleep is not in the Kubernetes 1.28 L1 types: it is patched into
    // the JSON after the L1 conversion, which would drop it.
    const finalPatches =
      w.shutdown.preStopMode === 'sleepAction' ? [JsonPatch.add('/spec/template/spec/containers/0/lifecycle', nativePreStopSleep(w.shutdown))] : [];
    this.deployment = new PatchedKubeDeployment(this, 'Deployment', finalPatches, {
      metadata: meta(names.deployment, COMPONENT.server),
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: this.selectorLabels },
        // 'surge': one extra pod at a time, never below the replica count; 'replace': one
        // pod down at a time, for clusters without a spare GPU node.
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(budget.maxSurge), maxUnavailable: k8s.IntOrString.fromNumber(budget.maxUnavailable) },
        },
        // Kubernetes' 600 s default is shorter than one GPU rollout step (node, pull, model
        // load, target registration, drain): healthy rollouts would be reported failed.
        progressDeadlineSeconds: rolloutProgressDeadline(w),
        template: {
          metadata: { labels: labels(COMPONENT.server), annotations: { [CONFIG_CHECKSUM_ANNOTATION]: configChecksum(configData) } },
          spec: {
            serviceAccountName: names.serviceAccount,
            automountServiceAccountToken: false,
            priorityClassName: w.scheduling.priorityClassName,
            runtimeClassName: w.scheduling.runtimeClassName,
            terminationGracePeriodSeconds: seconds(w.shutdown.gracePeriod),
            securityContext: podSecurityContext(w.identity),
            affinity: podAffinity(w.scheduling, this.selectorLabels, w.resources.gpu),
            tolerations: taintTolerations(w.scheduling.tolerateTaints),
            topologySpreadConstraints: zoneSpread(w.scheduling.zoneSpread, this.selectorLabels),
            initContainers: p.modelDownload && [
              modelDownloadContainer({ image: p.image, workload: w, download: p.modelDownload, volumeMounts: storage.downloadMounts, secretEnv: p.serverSecretEnv }),
            ],
            containers: [
              inferenceContainer({
                image: p.image,
                configMapName: names.configMap,
                workload: w,
                volumeMounts: storage.mounts,
                args: p.args,
                env: p.env,
                serverSecretEnv: p.serverSecretEnv,
                separateMetricsPort: this.separateMetricsPort,
              }),
            ],
            volumes: storage.volumes,
          },
        },
      },
    });
  }
}

/**
 * A KubeDeployment that applies JSON patches to its final JSON, after the L1 conversion
 * (which keeps only the fields of the Kubernetes 1.28 types; `addJsonPatch` runs before it).
 */
class PatchedKubeDeployment extends k8s.KubeDeployment {
  constructor(scope: Construct, id: string, private readonly finalPatches: JsonPatch[], props: k8s.KubeDeploymentProps) {
    super(scope, id, props);
  }

  override toJson(): any {
    const json = super.toJson();
    return this.finalPatches.length > 0 ? JsonPatch.apply(json, ...this.finalPatches) : json;
  }
}

/** The image tag used as app.kubernetes.io/version (digests give none). */
function imageVersion(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const tag = image.slice(image.lastIndexOf(':') + 1);
  return /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(tag) ? tag : undefined;
}
