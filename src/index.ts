// The public API, by explicit list: constructs and their props, the spec's types, the
// value types and errors a user handles, and the pure builders meant for reuse. zod schemas
// and internal default tables stay private.

// The chart and the spec.
export { AiInferenceChart, AiInferenceChartProps } from './chart/ai-inference-chart';
export { InferencePlatformChart, InferencePlatformChartProps, SuppressedPlatformWarning } from './chart/platform-chart';
export { validatePlatformSpec } from './chart/platform-validate';
export type { InferenceServiceConstructs } from './chart/build-service';
export type { PlatformSpec, PlatformIngress, PlatformIngressRoute, PlatformIngressRetries, PlatformRetryCondition, PlatformNodePool, PlatformPriorityClass, PlatformQuota, PlatformChartWarningId } from './spec/platform';
export { INGRESS_CONTROLLER_DEFAULTS, SYSTEM_PRIORITY_CLASSES } from './spec/platform';
export { validateSpec } from './chart/validate';
export type { AiInferenceSpec, DisruptionSpec, ModelSpec, SloSpec, WarningsSpec, WarningSuppression } from './spec/spec';
export type { Warning } from './chart/findings/types';
export type { SuppressedWarning } from './chart/warnings';
export type { AppConfig } from './spec/config';
export type { MetricsSpec, MetricPreset, MetricPresetName, DcgmConfig, MetricScope, SeriesRef } from './spec/metrics';
export type { AlertOverride, DashboardSpec, MonitoringBackend, MonitoringSpec } from './spec/monitoring';
export { GMP_COLLECTOR_NAMESPACES } from './spec/monitoring';
export type { GenericServer, OllamaServer, SecretKeyReference, ServerEngine, ServerSpec, VllmServer } from './spec/server';
export type { NetworkPeer, NetworkPolicySpec } from './spec/network';
export type { CapacitySpec, QueuedProvisioningSpec } from './spec/capacity';
export type {
  AdapterScalingSpec,
  KedaFallbackBehavior,
  KedaFallbackSpec,
  KedaScalingSpec,
  KedaSpec,
  ScalingBackend,
  ScalingSpec,
  VpaContainerPolicy,
  VpaResource,
  VpaResourceBounds,
  VpaSpec,
  VpaUpdateMode,
} from './spec/scaling';
export type { ScalingBehavior, ScalingPolicy, ScalingRules, ResolvedScalingBehavior, ResolvedScalingRules } from './spec/behavior';
export { SCALING_PROFILES, SEED_BEHAVIOR } from './spec/behavior';
export type {
  AverageValueTarget,
  CustomSignalName,
  MetricTarget,
  MetricTargetType,
  ScalingSignals,
  SignalName,
  UtilizationTarget,
  ValueTarget,
} from './spec/signals';
export { DEFAULT_SIGNALS, DEFAULT_SIGNALS_BY_ENGINE, SEED_SIGNALS, SIGNALS } from './spec/signals';
export type { NlbHealthCheck, NlbLoadBalancerOptions, NlbPort, TrafficSpec } from './spec/traffic';
export type { GkeL4LoadBalancerOptions, GkeL4Port, LoadBalancerOptions, LoadBalancerProvider } from './spec/traffic';
export { GKE_L4, GKE_L4_HEALTH_CHECK_RANGES } from './providers/gke-l4';
export type {
  ExistingVolumeClaim,
  GpuResources,
  GpuScheduling,
  GracefulShutdown,
  InferencePorts,
  InferenceProbes,
  InferenceResources,
  InferenceStorage,
  ModelDownload,
  NewVolumeClaim,
  PodIdentity,
  ProbeTiming,
  SecretEnvVar,
  VolumeClaim,
} from './spec/workload';
export type { CpuValue } from './spec/values';
export type { GpuMachineType, MachinePlatform, NodeAllocatable } from './spec/machines';
export {
  EKS_GPU_INSTANCES,
  GKE_GPU_MACHINES,
  GPU_MACHINE_TYPES,
  eksKubeReservedMemoryMib,
  eksMaxPods,
  findMachineType,
  gkeKubeReservedMemoryMib,
  kubeReservedCpuMillicores,
  nodeAllocatable,
} from './spec/machines';
export { InferenceValidationError } from './spec/problems';

// Constructs.
export { InferenceDeployment, InferenceDeploymentProps } from './constructs/inference-deployment';
export { workloadOf, fromPlusWorkload } from './constructs/workload-target';
export type { WorkloadTarget, WorkloadRequests, PlusWorkload, PlusContainer, FromPlusWorkloadOptions } from './constructs/workload-target';
export { NlbService, NlbServiceProps } from './constructs/nlb-service';
export { GkeL4Service, GkeL4ServiceProps } from './constructs/gke-l4-service';
export { PdbPolicy, PdbPolicyProps } from './constructs/pdb-policy';
export { InferenceNetworkPolicy, InferenceNetworkPolicyProps } from './constructs/inference-network-policy';
export { GpuHpa, GpuHpaProps, GpuHpaPinnedProps, PINNED_ANNOTATION } from './constructs/gpu-hpa';
export { PrometheusAdapterRules, PrometheusAdapterRulesProps, PrometheusAdapterHelmValues, AdapterExistingConfigMapProps } from './constructs/prometheus-adapter-rules';
export { KedaScaledObject, KedaScaledObjectProps, KedaActivationThresholds } from './constructs/keda-scaled-object';
export { VpaRecommender, VpaRecommenderProps, vpaHpaConflicts } from './constructs/vpa-recommender';
export { InferenceServiceMonitor, InferenceServiceMonitorProps } from './constructs/service-monitor';
export { PrometheusRules, PrometheusRulesProps } from './constructs/prometheus-rules';
export { GmpPodMonitoring, GmpPodMonitoringProps } from './constructs/gmp-pod-monitoring';
export { GmpRules, GmpRulesProps, GmpRule, GmpRuleGroup } from './constructs/gmp-rules';
export { GrafanaDashboard, GrafanaDashboardProps } from './constructs/grafana-dashboard';
export { ProvisioningRequest, ProvisioningRequestProps } from './constructs/provisioning-request';

// Names, metric presets and pure builders.
export { objectNames, selectorLabels, commonLabels, ObjectNames, ALERT_NAMES, AlertName } from './conventions';
export { WARNING_IDS, WarningId, SUPPRESSED_WARNINGS_ANNOTATION, HELM_CONTEXT_KEY } from './conventions';
export { QUEUED_PROVISIONING } from './conventions';
export { DEFAULT_DCGM, GENERIC_PRESET, VLLM_PRESET, METRIC_PRESETS } from './metrics/presets';
export { adapterMetricName, adapterRules, kedaQuery, mergeAdapterRules } from './metrics/signals';
export { ALERT_CATALOGUE, BURN_RATE_TIERS } from './alerts/catalogue';
export type { AlertCatalogueEntry, AlertSeverity, AlertThreshold, BurnRateTier, ThresholdSource, ThresholdUnit } from './alerts/catalogue';
export { buildAlertRuleGroups, buildRuleFile } from './alerts/rules';
export type { AlertingRule, RecordingRule, Rule, RuleFile, RuleGroup } from './alerts/rules';
export { validateAlertRulesInput } from './alerts/input';
export { errorBudget } from './spec/spec';
export type { AlertRulesInput, SloObjectives } from './alerts/input';
export { runbookMarkdown } from './alerts/runbook';
export { buildDashboard, PANEL_TITLES, ROW_TITLES } from './dashboard/build-dashboard';
export { dashboardToJson, dashboardThresholds } from './dashboard/model';
export type { GrafanaDashboardJson, GrafanaPanelJson } from './dashboard/model';
export type { DashboardInput, DashboardSlo } from './dashboard/input';

// Platform constructs (the platform chart's shared objects; usable alone).
export { PriorityClasses, PriorityClassesProps, PriorityClassEntry, PreemptionPolicy, SEED_PRIORITY_CLASSES, PRIORITY_CLASS_FACTS, priorityClassesProblems, priorityClassNotes } from './constructs/priority-classes';
export {
  PlatformResourceQuota,
  PlatformResourceQuotaProps,
  QuotaHardLimits,
  QUOTA_FACTS,
  SEED_QUOTA,
  gpuQuotaKey,
  quotaShortfalls,
  quotaShortfallNote,
  QuotaShortfall,
  QuotaWorkload,
  QuotaContribution,
  PodRequests,
} from './constructs/resource-quota';
export {
  KarpenterNodePool,
  KarpenterNodePoolProps,
  NodePoolLimits,
  NodePoolTaint,
  NodePoolDisruption,
  CapacityType,
  ConsolidationPolicy,
  KARPENTER,
  ARCH_LABEL,
  GPU_NODE_TAINT,
  KNOWN_INSTANCES,
  InstanceCapacity,
  findInstance,
  limitsForNodeCount,
  NodeCountInput,
  NodeCountLimits,
  clusterNodeCountNote,
  preferredInstanceTypes,
  karpenterDuration,
} from './constructs/karpenter-node-pool';
export { INSTANCE_TYPE_LABEL, preferredInstanceTypesTerm } from './pod/affinity';
export { NginxIngress, NginxIngressProps, CERT_MANAGER_CLUSTER_ISSUER_ANNOTATION } from './constructs/nginx-ingress';
export { IngressControllerServiceMonitor, IngressControllerServiceMonitorProps, INGRESS_CONTROLLER_MONITOR_DEFAULTS } from './constructs/ingress-controller-monitor';
export type {
  IngressNginxOptions,
  IngressNginxRateLimit,
  IngressNginxTimeouts,
  IngressNginxRetry,
  IngressNginxPassiveHealthCheck,
  IngressNginxLoadBalancing,
  NextUpstreamCondition,
  ResolvedIngressNginxOptions,
  IngressNginxNote,
  IngressNginxControllerMetric,
} from './providers/ingress-nginx';
export {
  resolveIngressNginxOptions,
  ingressNginxAnnotations,
  ingressNginxNotes,
  ingressNginxControllerConfig,
  ingressNginxHelmValues,
  ingressNginxKeepRegex,
  INGRESS_NGINX_DEFAULTS,
  SEED_CONTROLLER_METRICS,
} from './providers/ingress-nginx';
export { TraefikIngressRoute, TraefikIngressRouteProps, TRAEFIK_INGRESS_ROUTE_DEFAULTS } from './constructs/traefik-ingress-route';
export type { TraefikRouteOptions, TraefikRateLimitOptions, TraefikRetryOptions, TraefikCircuitBreakerOptions, TraefikPassiveHealthCheckOptions, TraefikNote } from './providers/traefik';
export { TRAEFIK, CERT_MANAGER, resolveTraefikOptions, traefikNotes } from './providers/traefik';
export type { IngressRoute, IngressTls } from './providers/ingress-routes';
export { PlatformOverviewDashboard, PlatformOverviewDashboardProps } from './constructs/platform-dashboard';
export { buildPlatformOverview, PLATFORM_PANEL_TITLES, PLATFORM_ROW_TITLES } from './dashboard/platform-overview';
export type { PlatformOverviewInput, PlatformWorkload } from './dashboard/platform-overview';
export { PLATFORM_WARNING_IDS, PLATFORM_CHECK_IDS, PLATFORM_CHART_WARNING_IDS, INGRESS_NGINX_NOTE_IDS, TRAEFIK_NOTE_IDS, RULE_IDS, deploymentPodRegex } from './conventions';
export type { PlatformWarningId, PlatformNote, RuleId } from './conventions';

// The policy rule pack runs at every chart's synth (errors fail it): registered on load.
import './rules/at-synth';
// The policy rule pack (check): the same rules at synth, as a cdk8s validation plugin and from the CLI.
export { checkObjects, selectRules, RULES, PACKS, ruleById, AiInferenceValidation, parseManifests, ManifestParseError, formatFinding, formatText, toJsonReport, toSarif, rulesMarkdown, PACK_NAMES } from './rules';
export type { CheckOptions, CheckResult, AiInferenceValidationProperties, Finding, K8sObject, PackName, Rule as PolicyRule, RuleLevel, SourceLocation, SuppressedFinding } from './rules';
