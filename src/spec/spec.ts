import { Duration } from 'cdk8s';
import { z } from 'zod';
import {
  GpuScheduling,
  GracefulShutdown,
  InferenceProbes,
  InferenceResources,
  InferenceStorage,
  PodIdentity,
  SecretEnvVar,
} from '../constructs/inference-deployment';
import { InferenceNetworkPolicyProps } from '../constructs/inference-network-policy';
import { NlbLoadBalancerOptions } from '../constructs/nlb-service';
import { VpaContainerPolicy, VpaUpdateMode } from '../constructs/vpa-recommender';
import { ScalingBehavior } from '../autoscaling/behavior';
import { zDcgm } from '../autoscaling/common';
import { DcgmConfig, MetricPresetName } from '../metrics/presets';
import { ScalingSignals } from '../metrics/signals';
import { AlertName } from '../alerts/catalogue';
import { AlertOverride } from '../alerts/input';
import { AppConfig } from '../private/app-config';
import { formatDuration, zDnsLabel, zDuration } from '../private/validation';

/**
 * The service level objectives. Later sections derive from them: the autoscaler's latency
 * target must sit below `latencyP95`, alert thresholds and burn rates come from here.
 */
export interface SloSpec {
  /** Availability objective in percent, e.g. 99.9. */
  readonly availability: number;
  /** 95th-percentile response time objective (seed: 2 s). */
  readonly latencyP95: Duration;
  /** 99th-percentile response time objective (seed: 3 s). */
  readonly latencyP99: Duration;
  /** Error-rate objective in percent (seed: 1). */
  readonly errorRate: number;
  /** Cluster-wide throughput target in requests per second (seed: 1000). */
  readonly throughputRps: number;
  /** Window the availability objective is measured over. @default Duration.days(30) */
  readonly period?: Duration;
}

/** The model the server loads. */
export interface ModelSpec {
  /** Model identifier. */
  readonly name: string;
  /** @default - none */
  readonly version?: string;
  /**
   * Worst-case time to load the model. The startup probe budget must cover it.
   * @default - not checked
   */
  readonly loadTime?: Duration;
}

/** The three Services. */
export interface TrafficSpec {
  /** The external NLB. @default - no external Service */
  readonly loadBalancer?: NlbLoadBalancerOptions;
  /** @default true */
  readonly headless?: boolean;
  /** @default true */
  readonly internal?: boolean;
}

/** The PodDisruptionBudget: one of minAvailable / maxUnavailable. */
export interface DisruptionSpec {
  /** @default - maxUnavailable 1 */
  readonly minAvailable?: number;
  /** @default 1 */
  readonly maxUnavailable?: number;
  /** @default 'AlwaysAllow' */
  readonly unhealthyPodEvictionPolicy?: 'AlwaysAllow' | 'IfHealthyBudget';
}

/**
 * The NetworkPolicy. The load balancer's client ranges come from
 * `traffic.loadBalancer.sourceRanges`.
 */
export type NetworkPolicySpec = Omit<InferenceNetworkPolicyProps, 'name' | 'namespace' | 'loadBalancerSourceRanges' | 'labels'>;

/** Which series the server exports, for the autoscaler, the alerts and the dashboard. */
export interface MetricsSpec {
  /** `generic` (the seeds' inference_* names) or `vllm` (vllm:* names). @default 'generic' */
  readonly preset?: MetricPresetName;
  /**
   * dcgm-exporter metric and label names. Scraped without honorLabels, its pod and
   * namespace labels arrive as exported_pod / exported_namespace (the default).
   * @default - DEFAULT_DCGM
   */
  readonly dcgm?: Partial<DcgmConfig>;
}

/** The VerticalPodAutoscaler of the inference container. */
export interface VpaSpec {
  /**
   * `Off` only recommends (seed 000). An acting mode is allowed only when the HPA does not
   * scale on a resource the VPA controls.
   * @default 'Off'
   */
  readonly updateMode?: VpaUpdateMode;
  /** Lower bounds of the recommendation. @default - none */
  readonly minAllowed?: VpaContainerPolicy['minAllowed'];
  /** Upper bounds of the recommendation. @default - none */
  readonly maxAllowed?: VpaContainerPolicy['maxAllowed'];
  /** @default ['cpu', 'memory'] */
  readonly controlledResources?: VpaContainerPolicy['controlledResources'];
}

/**
 * The autoscalers. When present, an HPA (or KEDA) owns the replica count and the
 * Deployment carries no `spec.replicas`.
 */
export interface ScalingSpec {
  /**
   * How the custom metrics reach the autoscaler. `prometheus-adapter`: an HPA on
   * Pods/Object metrics plus the adapter rules that serve them. `keda`: a KEDA
   * ScaledObject with prometheus triggers instead of an HPA (never both).
   * @default 'prometheus-adapter'
   */
  readonly backend?: 'prometheus-adapter' | 'keda';
  /** Fewest replicas (seed 000: 3). Required unless `pinnedReplicas` is set. */
  readonly minReplicas?: number;
  /** Most replicas (seed 000: 20). Required unless `pinnedReplicas` is set. */
  readonly maxReplicas?: number;
  /**
   * Sustained load tests (seed 004): min = max = this count; the autoscaler holds exactly
   * this many replicas and never scales. Leave minReplicas/maxReplicas unset.
   * @default - not pinned
   */
  readonly pinnedReplicas?: number;
  /** @default - seed 000: cpu 70 %, memory 75 %, GPU 70 %, 50 rps/pod, p95 1.5 s, queue 10 */
  readonly signals?: ScalingSignals;
  /** @default - seed 000: up 30 s / 4 pods per 60 s, down 300 s / 1 pod per 60 s */
  readonly behavior?: ScalingBehavior;
  /** KEDA settings; `serverAddress` is required with the keda backend. */
  readonly keda?: {
    /** Prometheus the triggers query, e.g. http://kube-prometheus-stack-prometheus.monitoring.svc:9090 */
    readonly serverAddress: string;
    /** @default Duration.seconds(30) */
    readonly pollingInterval?: Duration;
    /** @default Duration.seconds(300) */
    readonly cooldownPeriod?: Duration;
  };
  /** The VPA; `false` for none. @default - recommendation-only VPA without bounds */
  readonly vpa?: VpaSpec | false;
}

/** The ServiceMonitor, the PrometheusRule and the Grafana dashboard. */
export interface MonitoringSpec {
  /**
   * Labels the Prometheus Operator selects ServiceMonitors and PrometheusRules by; put on
   * both. @default { release: 'kube-prometheus-stack' }
   */
  readonly operatorSelectorLabels?: Record<string, string>;
  /** @default Duration.seconds(30) */
  readonly scrapeInterval?: Duration;
  /** Not above the interval. @default Duration.seconds(10) */
  readonly scrapeTimeout?: Duration;
  /** Rule evaluation interval. @default Duration.seconds(30) */
  readonly evaluationInterval?: Duration;
  /**
   * Runbook page; every alert links to `<base>#<alert name in lower case>`.
   * @default - the runbook section of this library's README
   */
  readonly runbookBaseUrl?: string;
  /** Per-alert overrides (disable, re-threshold, change `for`); unknown names are errors. @default {} */
  readonly alerts?: Partial<Record<AlertName, AlertOverride>>;
  /** The Grafana dashboard ConfigMap, or `false`. @default - sidecar label grafana_dashboard: "1" */
  readonly dashboard?: false | DashboardSpec;
}

/** Where the dashboard ConfigMap goes and how the Grafana sidecar finds it. */
export interface DashboardSpec {
  /** @default { key: 'grafana_dashboard', value: '1' } */
  readonly sidecarLabel?: { readonly key: string; readonly value: string };
  /** Grafana folder (annotation `grafana_folder`). @default - none */
  readonly folder?: string;
  /**
   * Namespace of the ConfigMap. The Grafana sidecar reads only its own namespace unless
   * `sidecar.dashboards.searchNamespace` is `ALL` (not the kube-prometheus-stack default):
   * set this to Grafana's namespace (e.g. `monitoring`) or widen the sidecar's search.
   * @default - the service namespace
   */
  readonly namespace?: string;
}

/** Where alerts link when the spec names no runbook page: this library's README. */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://www.npmjs.com/package/cdk8s-ai-inference';

/** Everything about one inference service, in one typed spec. */
export interface AiInferenceSpec {
  /** Release name: object names derive from it (`ai-inference`, `ai-inference-lb`, ...). */
  readonly release: string;
  /** Namespace of every object. */
  readonly namespace: string;
  /**
   * Emit the Namespace, labelled `elbv2.k8s.aws/pod-readiness-gate-inject=enabled` so the
   * AWS Load Balancer Controller holds rollouts until the NLB sees new pods healthy.
   * @default false
   */
  readonly createNamespace?: boolean;
  /** `app.kubernetes.io/part-of`. @default - none */
  readonly partOf?: string;
  /** Container image pinned by tag or digest. */
  readonly image: string;
  /** @default 'IfNotPresent' */
  readonly imagePullPolicy?: 'IfNotPresent' | 'Always';
  readonly model: ModelSpec;
  /** Fixed replica count when no autoscaler owns the Deployment (not with `scaling`). @default 3 */
  readonly replicas?: number;
  readonly resources: InferenceResources;
  /** @default - GPU nodes labelled node-type=gpu-inference */
  readonly scheduling?: GpuScheduling;
  /** @default - /api/v1/health, 30 s / 10 s, 5 min startup */
  readonly probes?: InferenceProbes;
  /** Container ports. @default { http: 8000, metrics: 9090 } */
  readonly ports?: { readonly http?: number; readonly metrics?: number };
  /** @default - models 50Gi and data 20Gi claims, cache and /tmp emptyDirs */
  readonly storage?: InferenceStorage;
  /** Application configuration (the model section comes from `model`). @default {} */
  readonly config?: Omit<AppConfig, 'model'>;
  /** Credentials by Secret reference. @default [] */
  readonly secretEnv?: SecretEnvVar[];
  /** @default - 60 s grace, 15 s preStop sleep */
  readonly shutdown?: GracefulShutdown;
  /** @default - UID/GID/fsGroup 1001 */
  readonly identity?: PodIdentity;
  /** @default - internal and headless Services only */
  readonly traffic?: TrafficSpec;
  /** @default - maxUnavailable 1 */
  readonly disruption?: DisruptionSpec;
  /** `false` emits no NetworkPolicy. @default - default deny plus the seed's openings */
  readonly networkPolicy?: NetworkPolicySpec | false;
  readonly slo: SloSpec;
  /** Autoscaling. @default - fixed `replicas`, no autoscaler */
  readonly scaling?: ScalingSpec;
  /** Metric names. @default - the generic preset */
  readonly metrics?: MetricsSpec;
  /** Monitoring; `false` emits none. @default - ServiceMonitor, PrometheusRule and dashboard with defaults */
  readonly monitoring?: MonitoringSpec | false;
}

/** Default SLO window. */
export const DEFAULT_SLO_PERIOD = Duration.days(30);

const percent = (what: string) =>
  z
    .number()
    .gt(0, `must be a percentage above 0 (${what})`)
    .lt(100, `must be a percentage below 100 (${what}); 100 % leaves no error budget`);

export const sloSchema = z
  .object({
    availability: percent('availability objective, e.g. 99.9'),
    latencyP95: zDuration,
    latencyP99: zDuration,
    errorRate: percent('error-rate objective, e.g. 1'),
    throughputRps: z.number().positive('must be a positive number of requests per second'),
    period: zDuration.optional(),
  })
  .strict()
  .superRefine((slo, ctx) => {
    if (slo.latencyP99.toMilliseconds() < slo.latencyP95.toMilliseconds()) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['latencyP99'],
        message: `must not be below slo.latencyP95 (${formatDuration(slo.latencyP95)}): a 99th percentile is never faster than the 95th; raise latencyP99`,
      });
    }
  }) satisfies z.ZodType<SloSpec>;

/**
 * Spec-level shape. Sections that belong to one construct are checked by that construct's
 * own schema (see validate.ts), so each rule is written once.
 */
export const specShapeSchema = z
  .object({
    release: zDnsLabel,
    namespace: zDnsLabel,
    createNamespace: z.boolean().optional(),
    partOf: z.string().optional(),
    image: z.string(),
    imagePullPolicy: z.enum(['IfNotPresent', 'Always']).optional(),
    model: z
      .object({ name: z.string().min(1, 'must not be empty'), version: z.string().optional(), loadTime: zDuration.optional() })
      .strict(),
    replicas: z.number().optional(),
    resources: z.custom<InferenceResources>((v) => typeof v === 'object' && v !== null, 'is required'),
    scheduling: z.custom<GpuScheduling>().optional(),
    probes: z.custom<InferenceProbes>().optional(),
    ports: z.custom<{ http?: number; metrics?: number }>().optional(),
    storage: z.custom<InferenceStorage>().optional(),
    config: z.custom<Omit<AppConfig, 'model'>>().optional(),
    secretEnv: z.custom<SecretEnvVar[]>().optional(),
    shutdown: z.custom<GracefulShutdown>().optional(),
    identity: z.custom<PodIdentity>().optional(),
    traffic: z.custom<TrafficSpec>().optional(),
    disruption: z.custom<DisruptionSpec>().optional(),
    networkPolicy: z.custom<NetworkPolicySpec | false>().optional(),
    slo: sloSchema,
    scaling: z.custom<ScalingSpec>().optional(),
    monitoring: z.custom<MonitoringSpec | false>().optional(),
    metrics: z
      .object({
        preset: z.enum(['generic', 'vllm']).optional(),
        dcgm: zDcgm.optional(),
      })
      .strict()
      .optional(),
  })
  .strict() satisfies z.ZodType<AiInferenceSpec>;
