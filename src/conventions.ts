/**
 * Every name the library invents lives here: object names, labels, annotation keys,
 * recording-rule and alert names. Change a convention in one place.
 */

/** Label keys of the Kubernetes recommended label set. */
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_VERSION = 'app.kubernetes.io/version';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';

/** Value of app.kubernetes.io/name on every object of an inference service. */
export const APP_NAME = 'ai-inference';
/** Value of app.kubernetes.io/managed-by. */
export const MANAGED_BY = 'cdk8s-ai-inference';

/** Pod-template annotation carrying the hash of the application ConfigMap. */
export const CONFIG_CHECKSUM_ANNOTATION = 'checksum/config';

/**
 * Label telling the three Services of a release apart (`load-balancer`, `headless`,
 * `internal`), so a ServiceMonitor scrapes the pods once, through the internal Service.
 */
export const SERVICE_ROLE_LABEL = 'ai-inference.cdk8s.io/service-role';

/** Namespace label that makes the AWS Load Balancer Controller inject pod readiness gates. */
export const POD_READINESS_GATE_LABEL = 'elbv2.k8s.aws/pod-readiness-gate-inject';

/** The two container ports every inference pod exposes, by name. */
export const HTTP_PORT_NAME = 'http';
export const METRICS_PORT_NAME = 'metrics';

/** Name of the inference container. */
export const INFERENCE_CONTAINER = 'inference';

/** Name of the init container that fills the models volume before the server starts (vLLM preDownload, Ollama model pull). */
export const MODEL_DOWNLOAD_CONTAINER = 'model-download';

/**
 * GKE queued provisioning (Dynamic Workload Scheduler): the class of the ProvisioningRequest,
 * the pod annotations that bind pods to a request, and the node label and taint of the
 * nodes it provisions. Sources: the annotation keys are cluster-autoscaler's
 * (kubernetes/autoscaler cluster-autoscaler/apis/provisioningrequest/autoscaling.x-k8s.io/v1/types.go
 * ProvisioningRequestPodAnnotationKey, ProvisioningClassPodAnnotationKey, tag
 * cluster-autoscaler-1.36.1); the class, the PodTemplate label, the node label and the taint
 * are GKE's ("Run a large-scale workload with flex-start with queued provisioning",
 * https://cloud.google.com/kubernetes-engine/docs/how-to/provisioningrequest: the pod
 * annotations and the class in "Configure the Pods", the PodTemplate's label and node
 * selector in "Define a ProvisioningRequest object", the taint in "Create a node pool").
 */
export const QUEUED_PROVISIONING = {
  className: 'queued-provisioning.gke.io',
  consumeAnnotation: 'autoscaling.x-k8s.io/consume-provisioning-request',
  classAnnotation: 'autoscaling.x-k8s.io/provisioning-class-name',
  /** ProvisioningRequest parameter: the nodes' run time in whole seconds, as a string. */
  maxRunDurationParameter: 'maxRunDurationSeconds',
  /** PodTemplate label that makes GKE apply its pod mutations to the template, so it can size the nodes. */
  wardenPoliciesLabel: 'cloud.google.com/apply-warden-policies',
  /** Node label of flex-start nodes (value "true"), which the pods select. */
  flexStartNodeLabel: 'cloud.google.com/gke-flex-start',
  /** Node label naming the node pool. */
  nodePoolLabel: 'cloud.google.com/gke-nodepool',
  /** Taint GKE puts on a queued-provisioning node pool (NoSchedule). */
  queuedTaint: 'cloud.google.com/gke-queued',
} as const;

/** Mount paths of the pod's volumes. */
export const MOUNT_PATHS = { models: '/models', data: '/data', cache: '/cache', tmp: '/tmp', shm: '/dev/shm' } as const;

/** Names of the objects of one release, derived in this one place. */
export interface ObjectNames {
  readonly deployment: string;
  readonly serviceAccount: string;
  readonly configMap: string;
  readonly loadBalancer: string;
  readonly headless: string;
  readonly internal: string;
  readonly pdb: string;
  readonly networkPolicy: string;
  readonly hpa: string;
  readonly scaledObject: string;
  readonly vpa: string;
  readonly adapterRules: string;
  readonly serviceMonitor: string;
  readonly prometheusRule: string;
  /** GMP PodMonitoring: its name is the series' `job` label under backend `gmp`. */
  readonly podMonitoring: string;
  /** GMP Rules. */
  readonly gmpRules: string;
  readonly dashboard: string;
  readonly modelsClaim: string;
  readonly dataClaim: string;
  /** The PodTemplate a ProvisioningRequest points at (queued provisioning). */
  readonly podTemplate: string;
}

/**
 * Name of the ProvisioningRequest of a release: `<release>-capacity-<hash>`, the hash of its
 * spec (8 hex digits), so a changed request is a new object (its spec is immutable).
 */
export function provisioningRequestName(release: string, specHash: string): string {
  return `${release}-capacity-${specHash}`;
}

export function objectNames(release: string): ObjectNames {
  return {
    deployment: release,
    serviceAccount: release,
    configMap: `${release}-config`,
    loadBalancer: `${release}-lb`,
    headless: `${release}-headless`,
    internal: `${release}-internal`,
    pdb: `${release}-pdb`,
    networkPolicy: `${release}-netpol`,
    hpa: `${release}-hpa`,
    scaledObject: `${release}-scaler`,
    vpa: `${release}-vpa`,
    adapterRules: `${release}-adapter-rules`,
    serviceMonitor: `${release}-monitor`,
    prometheusRule: `${release}-rules`,
    podMonitoring: release,
    gmpRules: `${release}-rules`,
    dashboard: `${release}-dashboard`,
    modelsClaim: `${release}-models`,
    dataClaim: `${release}-data`,
    podTemplate: `${release}-capacity`,
  };
}

/**
 * The longest derived name that must be an RFC 1035 label (63 characters at most): the
 * Service names, which become DNS names. Other objects take DNS subdomains (253).
 */
export function longestDerivedName(release: string): string {
  const n = objectNames(release);
  return [n.loadBalancer, n.headless, n.internal].reduce((a, b) => (b.length > a.length ? b : a));
}

/**
 * ConfigMap keys the library generates from typed settings (the application reads them
 * as environment variables); `config.extra` may not override them. Feature flags become
 * `FEATURE_<NAME>`.
 */
export const APP_CONFIG_KEYS = [
  'MODEL_NAME',
  'MODEL_VERSION',
  'MODEL_PATH',
  'MAX_BATCH_SIZE',
  'BATCH_TIMEOUT_MS',
  'WORKERS',
  'DB_POOL_SIZE',
  'CACHE_ENABLED',
  'CACHE_BACKEND',
  'CACHE_TTL_SECONDS',
  'CACHE_MAX_SIZE_BYTES',
  'RATE_LIMIT_ENABLED',
  'RATE_LIMIT_RPS',
  'RATE_LIMIT_BURST',
] as const;

/** Prefix of the ConfigMap keys of feature flags. */
export const FEATURE_FLAG_PREFIX = 'FEATURE_';

/** The labels that select the pods of one release. Never derived from a construct path. */
export function selectorLabels(release: string): Record<string, string> {
  return { [LABEL_NAME]: APP_NAME, [LABEL_INSTANCE]: release };
}

/** The full recommended label set for an object of one release. */
export function commonLabels(release: string, component: string, version?: string, partOf?: string): Record<string, string> {
  const labels: Record<string, string> = {
    ...selectorLabels(release),
    [LABEL_COMPONENT]: component,
    [LABEL_MANAGED_BY]: MANAGED_BY,
  };
  if (partOf) labels[LABEL_PART_OF] = partOf;
  if (version) labels[LABEL_VERSION] = version;
  return labels;
}

/** Component label values. */
export const COMPONENT = {
  server: 'inference-server',
  traffic: 'traffic',
  availability: 'availability',
  security: 'security',
  autoscaling: 'autoscaling',
  monitoring: 'monitoring',
  config: 'config',
  capacity: 'capacity',
} as const;

/**
 * Names under which the prometheus-adapter rules serve the custom scaling signals, and
 * which the HPA therefore references. Distinct from what the adapter chart's default
 * rules derive from the raw series (`X_total` -> `X_per_second`), so the two never compete
 * for a name, and distinct per metric preset, so services on different presets can share
 * one adapter.
 */
export const ADAPTER_METRIC_NAMES = {
  gpu: 'dcgm_gpu_utilization_per_pod',
  /** A server's own per-pod gauge (metrics.queueDepth): `<metric>_per_pod`, a colon written as `_`. */
  perPod: (metric: string) => `${metric.replace(/:/g, '_')}_per_pod`,
  /** A server's own request counter (metrics.requests): `<metric without _total>_per_second`. */
  perSecond: (metric: string) => `${metric.replace(/:/g, '_').replace(/_total$/, '')}_per_second`,
  /** A server's own latency histogram (metrics.latencyHistogram): `<metric>_p95`. */
  p95: (histogram: string) => `${histogram.replace(/:/g, '_')}_p95`,
  presets: {
    generic: {
      requestRate: 'inference_request_rate',
      latencyP95: 'inference_response_time_p95_seconds',
      queueDepth: 'inference_queue_depth_per_pod',
    },
    vllm: {
      requestRate: 'vllm_request_rate',
      latencyP95: 'vllm_e2e_request_latency_p95_seconds',
      queueDepth: 'vllm_num_requests_waiting_per_pod',
      kvCacheUsage: 'vllm_kv_cache_usage_per_pod',
      timeToFirstTokenP95: 'vllm_time_to_first_token_p95_seconds',
    },
  },
} as const;

/** Recording-rule names of the SLI ratios, by Prometheus window (`5m`, `30d`, ...). */
export const RECORDING_RULES = {
  /** Error ratio (errors / requests) of the service over the window. */
  errorRatio: (window: string) => `inference:request_errors:ratio_rate${window}`,
  /** Requests per second of the service over the window, by namespace and job. */
  requestRate: (window: string) => `inference:requests:rate${window}`,
  /** Errors per second over the window (0 while the error counter has no series). */
  errorRate: (window: string) => `inference:request_errors:rate${window}`,
  /**
   * 1 for each pod of the service's Deployment (labels namespace, pod, deployment), from
   * kube-state-metrics' owner references: pod -> ReplicaSet -> Deployment.
   */
  deploymentPods: 'inference:kube_pod_owner:deployment',
  /** Time-to-first-token observations (requests) per second over the window. */
  timeToFirstTokenRate: (window: string) => `inference:time_to_first_token:rate${window}`,
  /** Requests per second whose first token came later than slo.timeToFirstTokenP95, over the window. */
  timeToFirstTokenSlowRate: (window: string) => `inference:time_to_first_token_slow:rate${window}`,
  /** Share of requests whose first token came later than slo.timeToFirstTokenP95, over the window. */
  timeToFirstTokenSlowRatio: (window: string) => `inference:time_to_first_token_slow:ratio_rate${window}`,
  /** Inter-token observations (output tokens) per second over the window. */
  interTokenLatencyRate: (window: string) => `inference:inter_token_latency:rate${window}`,
  /** Output tokens per second that came later than slo.interTokenLatencyP95 after the previous one. */
  interTokenLatencySlowRate: (window: string) => `inference:inter_token_latency_slow:rate${window}`,
  /** Share of output tokens slower than slo.interTokenLatencyP95, over the window. */
  interTokenLatencySlowRatio: (window: string) => `inference:inter_token_latency_slow:ratio_rate${window}`,
} as const;

/** Every alert name the library emits, in catalogue order (critical, warning, info). */
export const ALERT_NAMES = [
  'InferenceLatencyP95SLOBreach',
  'InferenceErrorRateHigh',
  'InferencePodNotReady',
  'InferenceModelLoadFailed',
  'InferenceErrorBudgetBurnFast',
  'InferenceErrorBudgetExhausted',
  'InferenceTimeToFirstTokenBurnFast',
  'InferenceInterTokenLatencyBurnFast',
  'InferenceLatencyP99High',
  'InferenceErrorBudgetBurnSlow',
  'InferenceTimeToFirstTokenBurnSlow',
  'InferenceInterTokenLatencyBurnSlow',
  'InferenceGpuUtilizationHigh',
  'InferenceMemoryUsageHigh',
  'InferenceQueueDepthHigh',
  'InferenceCacheHitRateLow',
  'InferenceDbPoolSaturated',
  'InferenceHpaAtMaxReplicas',
  'InferenceHpaScalingStuck',
  'InferenceThroughputLow',
  'InferenceBiasScoreHigh',
  'InferenceGpuUnderutilized',
] as const;

export type AlertName = (typeof ALERT_NAMES)[number];

export function isAlertName(name: string): name is AlertName {
  return (ALERT_NAMES as readonly string[]).includes(name);
}

/**
 * Ids of the warnings the chart prints (stable: users suppress them by id in the spec).
 * Never reuse a retired id.
 */
export const WARNING_IDS = {
  /** maxReplicas × the per-pod request-rate target equals the throughput objective exactly. */
  noCapacityHeadroom: 'AII-W001',
  /** networkPolicy.vpcCidr beside a webApp rule: under the VPC CNI the VPC CIDR admits every pod. */
  vpcCidrAdmitsEveryPod: 'AII-W002',
  /** A plaintext (TCP) NLB listener beside TLS ones: no redirect to HTTPS, no access logs. */
  plaintextListener: 'AII-W003',
  /** No traffic.loadBalancer.sourceRanges with client IP preservation: the policy admits 0.0.0.0/0 beside a webApp rule. */
  openClientRanges: 'AII-W004',
  /** shutdown.preStopSleep shorter than the drain propagation (about 2 min with an ip-target NLB). */
  drainPropagation: 'AII-W020',
  /** shutdown.gracePeriod shorter than preStop + the longest request + the margin. */
  drainGrace: 'AII-W021',
  /** The liveness (and startup) probe on the dependency-aware readiness path. */
  livenessOnReadinessPath: 'AII-W022',
  /** The surge rollout strategy where the spec says there is no spare GPU capacity. */
  surgeWithoutSpareGpu: 'AII-W023',
  /** The replace rollout strategy with a replica floor of 1: every rollout is an outage. */
  replaceSinglePod: 'AII-W024',
  /** A GPU pod's memory request below its limit: evicted early, then a model reload. */
  gpuMemoryBurstable: 'AII-W025',
  /** The memory request plus a full /dev/shm exceed the memory limit. */
  sharedMemoryOverLimit: 'AII-W026',
  /** connectionPoolSize × the most pods (maxReplicas + surge) above config.performance.databaseMaxConnections. */
  databasePoolsExceedLimit: 'AII-W027',
  /** scaling.signals.memory on a model server: resident weights do not shrink as pods are added, the HPA ratchets to maxReplicas. */
  memorySignalRatchets: 'AII-W030',
  /** An absolute disruption.minAvailable far below maxReplicas: at full scale most pods may be evicted at once. */
  absoluteBudgetBelowScale: 'AII-W031',
  /** scaling.signals['nvidia.com/gpu'], a Resource metric the HPA cannot read: scaled on DCGM GPU utilization (the gpu signal) instead. */
  gpuResourceMetric: 'AII-W032',
  /** capacity.queuedProvisioning backs the Deployment: its nodes are reclaimed after maxRunDuration and a queued node pool gives no new ones without a new ProvisioningRequest. */
  queuedCapacityExpires: 'AII-W040',
} as const;

export type WarningId = (typeof WARNING_IDS)[keyof typeof WARNING_IDS];

/**
 * Where the shared prometheus-adapter configuration goes: the adapter's namespace (the
 * kube-prometheus-stack convention) and the ConfigMap the adapter's Helm chart mounts when
 * installed with `rules.existing=<configMap>` (PrometheusAdapterRules.existingConfigMap).
 */
export const PROMETHEUS_ADAPTER = {
  namespace: 'monitoring',
  existingConfigMap: 'ai-inference-adapter-rules',
  /** Helm release name used in the README's install command. */
  release: 'prometheus-adapter',
} as const;

/** `code` of the process warnings the chart prints (`node --disable-warning=AI_INFERENCE` hides them). */
export const PROCESS_WARNING_CODE = 'AI_INFERENCE';

/**
 * Deployment annotation recording the warnings the spec suppresses, each with its reason,
 * as JSON (`[{"id":"AII-W001","reason":"..."}]`), so a reviewer of the manifests sees them.
 */
export const SUPPRESSED_WARNINGS_ANNOTATION = 'ai-inference.cdk8s.io/suppressed-warnings';

/**
 * App context key: `true` escapes `{{` and `}}` in the chart's output for Helm's template
 * engine, `false` never does; unset, the chart escapes when it is synthesized into the
 * `templates/` folder of a Helm chart (what `cdk8s synth --format helm` does). Set it on the
 * App before adding charts: `app.node.setContext(HELM_CONTEXT_KEY, true)`.
 */
export const HELM_CONTEXT_KEY = 'ai-inference.cdk8s.io/helm';

// ---- Policy rule pack (src/rules, issue 13) -----------------------------------------------

/**
 * Object annotation that suppresses findings of the policy rule pack on that object, as JSON:
 * `[{"id":"AII-R020","reason":"digest pinned by the deploy pipeline"}]`. Every entry needs a
 * reason; the reason is listed beside the suppressed finding in every report.
 */
export const SUPPRESS_RULES_ANNOTATION = 'ai-inference.cdk8s.io/suppress-rules';

/**
 * Ids of the policy rules (stable: users suppress them by id). `AII-R` keeps them apart from
 * the chart's warnings (`AII-W`, WARNING_IDS). Never reuse a retired id.
 */
export const RULE_IDS = {
  suppressionInvalid: 'AII-R001',
  podSecurityRestricted: 'AII-R010',
  imagePinned: 'AII-R020',
  resourcesSet: 'AII-R021',
  extendedResourceLimitEqualsRequest: 'AII-R022',
  gpuLimitWithoutRequest: 'AII-R023',
  probesPresent: 'AII-R024',
  gpuStartupProbe: 'AII-R025',
  pdbBlocksDrain: 'AII-R030',
  vpaFightsHpa: 'AII-R031',
  hpaLatencyTargetAboveSlo: 'AII-R032',
  deploymentSelectorMatchesTemplate: 'AII-R040',
  selectorMatchesNoPods: 'AII-R041',
  serviceTargetPortExists: 'AII-R042',
  networkPolicyAdmitsLoadBalancer: 'AII-R043',
  serviceMonitorSelectsService: 'AII-R050',
  serviceMonitorPortExists: 'AII-R051',
  nlbAnnotationKnown: 'AII-R060',
  nlbAnnotationValue: 'AII-R061',
  nlbReadinessGateNamespace: 'AII-R062',
} as const;

export type RuleId = (typeof RULE_IDS)[keyof typeof RULE_IDS];

// ---- end of the policy rule pack block ----------------------------------------------------

// ---- ingress-nginx (NginxIngress, IngressControllerServiceMonitor) --------------------

/**
 * Ids of the notes the ingress-nginx provider returns where the controller cannot do per
 * Ingress what the options ask, and what holds instead (`ingressNginxNotes`). Same form as
 * WARNING_IDS, so the chart can print them as synth warnings (AII-W070 onwards, apart from
 * the platform's W05x and Traefik's W06x). Never reuse a retired id.
 */
export const INGRESS_NGINX_NOTE_IDS = {
  /** loadBalancing 'least-connections': the controller has no least_conn; ewma is written. */
  leastConnections: 'AII-W070',
  /** passiveHealthCheck (max_fails/fail_timeout): no such controller setting; retries and readiness hold. */
  passiveHealthCheck: 'AII-W071',
  /** upstreamKeepaliveConnections: a controller ConfigMap setting shared by every backend, not per Ingress. */
  upstreamKeepalive: 'AII-W072',
  /** A rate limit: per client address and per controller replica, rejected with 503 unless the controller says otherwise. */
  rateLimitScope: 'AII-W073',
} as const;

export type IngressNginxNoteId = (typeof INGRESS_NGINX_NOTE_IDS)[keyof typeof INGRESS_NGINX_NOTE_IDS];

/** The Secret cert-manager writes an Ingress's certificate into, when the TLS options name none. */
export function ingressTlsSecretName(ingressName: string): string {
  return `${ingressName}-tls`;
}

// ---- end of the ingress-nginx block -----------------------------------------------------

// ---- platform scheduling, quota and node pools (issue 12) -------------------------------
// Names the platform-level constructs invent (PriorityClasses, PlatformResourceQuota,
// KarpenterNodePool). Kept in one block appended here; ids continue the AII-W series.

/** Component label values of the platform objects (beside COMPONENT, which is per service). */
export const PLATFORM_COMPONENT = {
  scheduling: 'scheduling',
  quota: 'quota',
  nodes: 'nodes',
} as const;

/** Default metadata.name of the namespace ResourceQuota the platform emits. */
export const PLATFORM_QUOTA_NAME = 'platform-quota';

/**
 * Labels of a platform object (no release: these objects serve every service of the
 * platform): managed-by, component and, when given, part-of (the platform's name).
 */
export function platformLabels(component: string, partOf?: string): Record<string, string> {
  return { [LABEL_COMPONENT]: component, [LABEL_MANAGED_BY]: MANAGED_BY, ...(partOf ? { [LABEL_PART_OF]: partOf } : {}) };
}

/**
 * Ids of the notes the platform constructs return for the platform chart's synth warnings
 * (stable, like WARNING_IDS; never reuse a retired id).
 */
export const PLATFORM_WARNING_IDS = {
  /** A PriorityClass with globalDefault: it sets the priority of every pod without a class, in every namespace of the cluster. */
  globalDefaultPriority: 'AII-W050',
  /** Two PriorityClasses with the same value: their pods never preempt each other. */
  samePriorityValue: 'AII-W051',
  /** The workloads at maxReplicas request more than the namespace's ResourceQuota allows. */
  quotaShortfall: 'AII-W052',
  /** A minimum node count: Karpenter has none; nodes exist only for pods. */
  nodePoolNoMinimum: 'AII-W053',
  /** A maximum node count: how the NodePool's limits enforce it (limits.nodes from Karpenter v1.11.0; resource limits admit more nodes of smaller types). */
  nodePoolNodeCount: 'AII-W054',
  /** A GPU NodePool without a NoSchedule taint: pods that need no GPU land on GPU nodes. */
  gpuPoolUntainted: 'AII-W055',
  /** A cluster-wide node count: Karpenter limits each NodePool, not the cluster. */
  clusterNodeCount: 'AII-W056',
  /** A NodePool without limits: it grows for as long as pods are pending, up to the cloud account's quotas. */
  nodePoolUnlimited: 'AII-W057',
} as const;

export type PlatformWarningId = (typeof PLATFORM_WARNING_IDS)[keyof typeof PLATFORM_WARNING_IDS];

/** A note for the platform chart's synth warnings: a stable id and `subject (value) what holds; fix`. */
export interface PlatformNote {
  readonly id: PlatformWarningId;
  readonly message: string;
}
// ---- end of platform block --------------------------------------------------------------

// ---- Traefik ingress (src/providers/traefik.ts, src/constructs/traefik-ingress-route.ts) ----

/**
 * What a TraefikIngressRoute names the objects it emits beside its IngressRoute:
 * `<name>-<suffix>` in the IngressRoute's namespace (Traefik's CRD provider refuses
 * references to other namespaces unless allowCrossNamespace, off in its Helm chart).
 */
export const TRAEFIK_OBJECT_SUFFIXES = {
  rateLimit: 'rate-limit',
  bodyLimit: 'body-limit',
  circuitBreaker: 'circuit-breaker',
  retry: 'retry',
  serversTransport: 'transport',
} as const;

/**
 * Warning ids of what Traefik does differently from what the options ask (TraefikNote.id),
 * so the chart prints them as synth warnings and a spec can suppress them with a reason.
 */
export const TRAEFIK_NOTE_IDS = {
  /** The RateLimit's token buckets live in each Traefik replica's memory and in each route's router. */
  rateLimitPerReplica: 'AII-W060',
  /** Retry.status (retries on HTTP statuses) needs Traefik v3.7.0 or later. */
  retryStatusNeedsV37: 'AII-W061',
  /** Status retries skip POST/PATCH (inference calls) unless retryNonIdempotent. */
  retryStatusSkipsPost: 'AII-W062',
  /** The Buffering middleware holds whole requests and responses (streamed responses arrive at the end). */
  bufferingHoldsResponses: 'AII-W063',
  /** proxyTimeout is a response-header timeout; the entrypoint's 60 s readTimeout still bounds uploads. */
  proxyTimeoutIsHeaderTimeout: 'AII-W064',
  /** The circuit breaker has no minimum request volume and guards the whole route, not one pod. */
  circuitBreakerWholeRoute: 'AII-W065',
} as const;

export type TraefikNoteId = (typeof TRAEFIK_NOTE_IDS)[keyof typeof TRAEFIK_NOTE_IDS];

// ---- the platform chart (InferencePlatformChart, issue 12) --------------------------------

/**
 * Ids of the platform chart's own checks between workloads. Errors: a platform with one of
 * them synthesizes nothing.
 */
export const PLATFORM_CHECK_IDS = {
  duplicateRelease: 'AII-P001',
  foreignNamespace: 'AII-P002',
  workloadCreatesNamespace: 'AII-P003',
  unknownPriorityClass: 'AII-P004',
  adapterMetricConflict: 'AII-P005',
  routeToUnknownWorkload: 'AII-P006',
  duplicateRoutePath: 'AII-P007',
  routeWithoutService: 'AII-P008',
  nodePoolUnknownInstance: 'AII-P009',
  ingressBlockedByNetworkPolicy: 'AII-P010',
} as const;

/** Platform warnings of the chart itself (the constructs' notes have their own ids). */
export const PLATFORM_CHART_WARNING_IDS = {
  /** An ingress without TLS: the routes are served in plain HTTP. */
  ingressWithoutTls: 'AII-W058',
  /** least-connections asked of Traefik, which balances by weighted round robin only. */
  traefikLeastConnections: 'AII-W066',
} as const;

/** app.kubernetes.io/component of the platform's ingress objects. */
export const PLATFORM_INGRESS_COMPONENT = 'ingress';
/** app.kubernetes.io/component of the platform overview dashboard. */
export const PLATFORM_OVERVIEW_COMPONENT = 'monitoring';

/** The platform overview dashboard's ConfigMap: `<platform>-overview-dashboard`. */
export function platformObjectNames(platform: string) {
  return {
    overviewDashboard: `${platform}-overview-dashboard`,
    ingress: `${platform}-ingress`,
    quota: `${platform}-quota`,
    ingressControllerMonitor: `${platform}-ingress-controller`,
  } as const;
}
// Pod names, as the Kubernetes controllers derive them from the Deployment's name.
/**
 * Pods of a Deployment are named `<replicaset>-<5 random alphanumerics>`, the ReplicaSet
 * `<deployment>-<pod-template hash>` (kubernetes/kubernetes pkg/controller/deployment/sync.go
 * getNewReplicaSet; the hash is a safe-encoded FNV-32 of the template, at most 10
 * characters). The generated base `<replicaset>-` is cut to 58 characters
 * (staging/src/k8s.io/apiserver/pkg/storage/names/generate.go, MaxGeneratedNameLength).
 */
const POD_NAME = { maxGeneratedBase: 58, maxHashLength: 10 } as const;

/**
 * A regex matching the pods of `deployment` only, so that `llm` does not take in the pods
 * of `llm-small` in the same namespace: `<deployment>-<hash>-<suffix>`. When the name is
 * too long for the hash to survive the cut, the prefix that survives (then a neighbour with
 * the same 47+ character prefix would match too).
 */
export function deploymentPodRegex(deployment: string): string {
  const escaped = (s: string) => s.replace(/\./g, '\\\\.');
  if (deployment.length + 1 + POD_NAME.maxHashLength + 1 <= POD_NAME.maxGeneratedBase) return `${escaped(deployment)}-[a-z0-9]+-[a-z0-9]+`;
  if (deployment.length + 1 <= POD_NAME.maxGeneratedBase) return `${escaped(deployment)}-.*`;
  return `${escaped(deployment.slice(0, POD_NAME.maxGeneratedBase))}.*`;
}
/**
 * Kinds whose spec.groups[].rules[] hold alerting and recording rules: the Prometheus
 * Operator's PrometheusRule, and Google Managed Prometheus's Rules and ClusterRules (the
 * library writes Rules under monitoring.backend gmp).
 */
export const RULE_GROUP_KINDS: ReadonlyArray<readonly [apiGroup: string, kind: string]> = [
  ['monitoring.coreos.com', 'PrometheusRule'],
  ['monitoring.googleapis.com', 'Rules'],
  ['monitoring.googleapis.com', 'ClusterRules'],
];
/**
 * The words before the error-rate objective in InferenceErrorRateHigh's description, the one
 * place the manifests carry that objective (loadtest --slo reads it back; alerts/catalogue.ts
 * writes it).
 */
export const ERROR_OBJECTIVE_PHRASE = 'SLO error-rate objective:';
// ---- end of the platform chart block ------------------------------------------------------
