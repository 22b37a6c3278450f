import { createHash } from 'node:crypto';
import { Duration, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import {
  COMPONENT,
  CONFIG_CHECKSUM_ANNOTATION,
  HTTP_PORT_NAME,
  INFERENCE_CONTAINER,
  METRICS_PORT_NAME,
  MOUNT_PATHS,
  commonLabels,
  objectNames,
  selectorLabels,
} from '../conventions';
import { appConfigData } from '../private/app-config';
import { AppConfig, appConfigSchema } from '../spec/config';
import { parseOrThrow } from '../spec/problems';
import { CpuValue, zDnsLabel, zDuration, zImage, zInt, zLabelMap } from '../spec/values';
import {
  GpuScheduling,
  GracefulShutdown,
  INFERENCE_DEPLOYMENT_DEFAULTS,
  InferencePorts,
  InferenceProbes,
  InferenceResources,
  InferenceStorage,
  PodIdentity,
  ProbeTiming,
  SecretEnvVar,
  identitySchema,
  portsSchema,
  probesSchema,
  resourcesSchema,
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
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const problem of workloadRelationProblems(p)) ctx.addIssue({ code: z.ZodIssueCode.custom, ...problem });
  }) satisfies z.ZodType<InferenceDeploymentProps>;

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
  readonly requests: { readonly cpu: CpuValue; readonly memory: Size };
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
