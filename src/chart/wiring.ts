import { z } from 'zod';
import { InferenceDeploymentProps, inferenceDeploymentPropsSchema } from '../constructs/inference-deployment';
import { InferenceNetworkPolicyProps, inferenceNetworkPolicyPropsSchema } from '../constructs/inference-network-policy';
import { NlbServiceProps, nlbServicePropsSchema } from '../constructs/nlb-service';
import { GkeL4ServiceProps, gkeL4ServicePropsSchema } from '../constructs/gke-l4-service';
import { PdbPolicyProps, pdbPolicyPropsSchema } from '../constructs/pdb-policy';
import { GpuHpaProps, gpuHpaPropsSchema } from '../constructs/gpu-hpa';
import { KedaScaledObjectProps, kedaScaledObjectPropsSchema } from '../constructs/keda-scaled-object';
import { PrometheusAdapterRulesProps, prometheusAdapterRulesPropsSchema } from '../constructs/prometheus-adapter-rules';
import { VpaRecommenderProps, vpaRecommenderPropsSchema } from '../constructs/vpa-recommender';
import { ProvisioningRequestProps, provisioningRequestPropsSchema } from '../constructs/provisioning-request';
import { usedCustomSignals } from '../spec/signals';
import { AiInferenceSpec, ResolvedSpec, platformScheduling, resolveSpec } from '../spec/spec';
import { ResolvedServer } from '../spec/server';
import { NlbLoadBalancerOptions, asGkeL4, asNlb } from '../spec/traffic';
import { modelDownload, serverArgs, serverEnv, serverSecretEnv } from '../pod/server';
import { startupAllowance } from '../spec/workload';
import { GMP_DCGM_LABELS, MonitoringBackend, MonitoringSpec } from '../spec/monitoring';
import { networkPolicyFields } from '../spec/network';
import { ResolvedAdapterScaling, ResolvedKedaScaling, ResolvedScaling } from '../spec/scaling';
import { AlertRulesInput, alertRulesInputSchema } from '../alerts/input';
import { GrafanaDashboardProps, grafanaDashboardPropsSchema } from '../constructs/grafana-dashboard';
import { InferenceServiceMonitorProps, inferenceServiceMonitorPropsSchema } from '../constructs/service-monitor';
import { GmpPodMonitoringProps, gmpPodMonitoringPropsSchema } from '../constructs/gmp-pod-monitoring';
import { dashboardUid } from '../dashboard/input';
import { METRIC_PRESETS, MetricScope } from '../metrics/presets';
import type { MetricPreset, MetricPresetName } from '../spec/metrics';
import { COMPONENT, HTTP_PORT_NAME, INFERENCE_CONTAINER, commonLabels, deploymentPodRegex, objectNames, AlertName } from '../conventions';
import { recordedProblems } from '../spec/problems';

/**
 * The spec, mapped onto each construct's props. Each mapping comes with the spec path of
 * every props field, so a construct's validation error names the field the user wrote.
 * Defaults come from the resolved spec (resolveSpec, once per chart), never from a
 * fallback at the use. A construct gets a section as written where it resolves that
 * section itself (the InferenceDeployment, the InferenceNetworkPolicy) or where its
 * message says whether a field was given (the load balancer's ports, the scrape timing).
 */
interface Wiring<P> {
  readonly schema: z.ZodType<unknown, z.ZodTypeDef, P>;
  readonly props: P;
  /** props field (first path segment) -> spec path */
  readonly paths: Record<string, string>;
  /** A rewrite for paths the first segment alone cannot map. */
  readonly mapPath?: (path: (string | number)[]) => (string | number)[] | undefined;
}

export function deploymentWiring(spec: AiInferenceSpec, resolved: ResolvedSpec): Wiring<InferenceDeploymentProps> {
  return {
    schema: inferenceDeploymentPropsSchema,
    props: {
      name: spec.release,
      namespace: spec.namespace,
      image: spec.image,
      imagePullPolicy: spec.imagePullPolicy,
      replicas: spec.replicas,
      autoscaled: resolved.scaling !== undefined,
      resources: spec.resources,
      scheduling: platformScheduling(spec),
      modelLoadTime: spec.model.loadTime,
      ...serverFields(spec, resolved),
      config: { ...spec.config, model: { name: spec.model.name, version: spec.model.version } },
      secretEnv: spec.secretEnv,
      shutdown: spec.shutdown,
      identity: spec.identity,
      labels: partOfLabel(spec),
    },
    paths: { name: 'release', modelLoadTime: 'model.loadTime', downloadTime: 'server.downloadTime', serverSecretEnv: 'server.huggingFaceToken' },
  };
}

/**
 * What the server section decides on the Deployment: args or env, the serving port, the
 * probe paths, whether the pods declare a separate metrics port, the weights' download
 * (init container, HF_TOKEN, download time) and the storage sizes the engine implies
 * (read from the resolved workload). The generic engine passes the spec's ports, probes
 * and storage as written (today's behaviour).
 */
function serverFields(
  spec: AiInferenceSpec,
  resolved: ResolvedSpec,
): Pick<InferenceDeploymentProps, 'ports' | 'probes' | 'storage' | 'args' | 'env' | 'separateMetricsPort' | 'serverSecretEnv' | 'modelDownload' | 'downloadTime'> {
  const server: ResolvedServer = resolved.server;
  // A generic server that serves /metrics on its API port declares no metrics port.
  if (server.engine === 'generic') return { ports: spec.ports, probes: spec.probes, storage: spec.storage, ...(server.metrics === 'http' ? { separateMetricsPort: false } : {}) };
  if (server.port === undefined || server.healthPath === undefined) return { ports: spec.ports, probes: spec.probes, storage: spec.storage };
  const storage = resolved.workload.storage;
  return {
    ports: { http: server.port },
    // Both engines' health paths check the process only, so liveness and startup use them too.
    probes: { ...spec.probes, path: server.healthPath, livenessPath: spec.probes?.livenessPath ?? server.healthPath },
    storage: { ...spec.storage, cacheSizeLimit: storage.cacheSizeLimit, sharedMemorySizeLimit: storage.sharedMemorySizeLimit },
    args: serverArgs(server),
    env: serverEnv(server),
    separateMetricsPort: false,
    serverSecretEnv: serverSecretEnv(server),
    modelDownload: modelDownload(server),
    downloadTime: server.workload.downloadTime,
  };
}

/** Alerts that read the inference server's own series (requests, errors, latency, queue, cache, pools, bias). */
/** The alerts that read dcgm-exporter's GPU series. */
const GPU_SERIES_ALERTS: readonly AlertName[] = ['InferenceGpuUtilizationHigh', 'InferenceGpuUnderutilized'];

const SERVER_SERIES_ALERTS: readonly AlertName[] = [
  'InferenceLatencyP95SLOBreach',
  'InferenceErrorRateHigh',
  'InferenceErrorBudgetBurnFast',
  'InferenceErrorBudgetExhausted',
  'InferenceLatencyP99High',
  'InferenceErrorBudgetBurnSlow',
  'InferenceQueueDepthHigh',
  'InferenceCacheHitRateLow',
  'InferenceDbPoolSaturated',
  'InferenceThroughputLow',
  'InferenceBiasScoreHigh',
];

/**
 * A construct's props without its `workload`: everything the spec decides, validated
 * before any object is built; the chart adds the InferenceDeployment it builds.
 */
export type SpecProps<P> = Omit<P, 'workload'>;

export function nlbWiring(spec: AiInferenceSpec, resolved: ResolvedSpec): Wiring<SpecProps<NlbServiceProps>> {
  return {
    schema: nlbServicePropsSchema,
    props: {
      name: spec.release,
      namespace: spec.namespace,
      // As written (NlbService tells default listeners from given ones in its messages),
      // but the health check follows the pods' dependency-aware path unless it is given.
      loadBalancer: withHealthPath(asNlb(spec.traffic?.loadBalancer), healthPath(resolved)),
      headless: resolved.traffic.headless,
      internal: resolved.traffic.internal,
      labels: partOfLabel(spec),
    },
    paths: { name: 'release', loadBalancer: 'traffic.loadBalancer', headless: 'traffic.headless', internal: 'traffic.internal' },
  };
}

/**
 * The Services of GKE's L4 load balancer (traffic.loadBalancer.provider 'gke-l4'). No health
 * path: GKE health-checks the nodes (kube-proxy's health port), which answer by the pods'
 * readiness, so the NLB's health-check wiring does not apply.
 */
export function gkeL4Wiring(spec: AiInferenceSpec, resolved: ResolvedSpec): Wiring<SpecProps<GkeL4ServiceProps>> {
  return {
    schema: gkeL4ServicePropsSchema,
    props: {
      name: spec.release,
      namespace: spec.namespace,
      // As written (GkeL4Service tells default ports from given ones in its messages).
      loadBalancer: asGkeL4(spec.traffic?.loadBalancer),
      headless: resolved.traffic.headless,
      internal: resolved.traffic.internal,
      labels: partOfLabel(spec),
    },
    paths: { name: 'release', loadBalancer: 'traffic.loadBalancer', headless: 'traffic.headless', internal: 'traffic.internal' },
  };
}

/** The Services' wiring, tagged with the load balancer's provider (aws-nlb without a load balancer, as before). */
export type ServicesWiring =
  | (Wiring<SpecProps<NlbServiceProps>> & { readonly provider: 'aws-nlb' })
  | (Wiring<SpecProps<GkeL4ServiceProps>> & { readonly provider: 'gke-l4' });

export function servicesWiring(spec: AiInferenceSpec, resolved: ResolvedSpec): ServicesWiring {
  return resolved.traffic.loadBalancer?.provider === 'gke-l4'
    ? { ...gkeL4Wiring(spec, resolved), provider: 'gke-l4' }
    : { ...nlbWiring(spec, resolved), provider: 'aws-nlb' };
}

/**
 * The path the NLB checks: the engine's health path (vLLM `/health`, Ollama `/`), else the
 * pods' readiness path. A health check on a path the server does not serve marks every
 * target unhealthy and the NLB sends no traffic at all.
 */
function healthPath(resolved: ResolvedSpec): string {
  return resolved.server.healthPath ?? resolved.workload.probes.readinessPath;
}

function withHealthPath(lb: NlbLoadBalancerOptions | undefined, path: string): NlbLoadBalancerOptions | undefined {
  if (!lb || lb.healthCheck?.path !== undefined || lb.healthCheck?.protocol === 'tcp') return lb;
  return { ...lb, healthCheck: { ...lb.healthCheck, path } };
}

export function pdbWiring(spec: AiInferenceSpec, resolved: ResolvedSpec): Wiring<SpecProps<PdbPolicyProps>> {
  return {
    schema: pdbPolicyPropsSchema,
    props: {
      name: spec.release,
      namespace: spec.namespace,
      ...resolved.disruption,
      replicaFloor: resolved.replicas.min,
      replicaFloorPath: resolved.replicas.minPath,
      errorPathPrefix: 'disruption.',
      labels: partOfLabel(spec),
    },
    paths: {
      name: 'release',
      minAvailable: 'disruption.minAvailable',
      maxUnavailable: 'disruption.maxUnavailable',
      unhealthyPodEvictionPolicy: 'disruption.unhealthyPodEvictionPolicy',
    },
  };
}

/**
 * The NetworkPolicy admits what the NLB really sends (aws-load-balancer-controller
 * docs/guide/service/nlb.md, "Worker node security groups rules", v3.5.0): with client IP
 * preservation the clients' addresses, i.e. the source ranges, or everyone (0.0.0.0/0, the
 * controller's default in pkg/service/model_build_managed_sg.go buildCIDRsFromSourceRanges)
 * when none are given; without it only the NLB's own IPs in its subnets. Health checks
 * come from the subnets in both cases (networkPolicy.loadBalancerSubnets, required with an
 * NLB: findings/network.ts). GKE's L4 load balancer (passthrough, externalTrafficPolicy
 * Local) delivers the clients' own addresses: its source ranges, else everyone; its health
 * checks reach the nodes, not the pods, so nothing else is admitted (providers/gke-l4.ts).
 */
export function networkPolicyWiring(spec: AiInferenceSpec, resolved: ResolvedSpec): Wiring<InferenceNetworkPolicyProps> | undefined {
  if (spec.networkPolicy === false) return undefined;
  const paths: Record<string, string> = {
    name: 'release',
    loadBalancerSourceRanges: 'traffic.loadBalancer.sourceRanges',
    loadBalancerHealthCheckPort: 'traffic.loadBalancer.healthCheck.port',
  };
  for (const key of Object.keys(networkPolicyFields)) paths[key] = `networkPolicy.${key}`;
  const any = resolved.traffic.loadBalancer;
  const lb = any?.provider === 'aws-nlb' ? any : undefined;
  const gke = any?.provider === 'gke-l4' ? any : undefined;
  const clientRanges = gke ? (gke.sourceRanges ?? [ANY_IPV4]) : lb?.preserveClientIp ? (lb.sourceRanges ?? [ANY_IPV4]) : undefined;
  const hcPort = lb?.healthCheck.port;
  return {
    schema: inferenceNetworkPolicyPropsSchema,
    props: {
      ...spec.networkPolicy,
      name: spec.release,
      namespace: spec.namespace,
      loadBalancerSourceRanges: clientRanges,
      loadBalancerHealthCheckPort: typeof hcPort === 'number' ? hcPort : undefined,
      ...(gke ? { loadBalancerProvider: 'gke-l4' as const } : {}),
      metricsPort: resolved.server.metrics === 'separate' ? undefined : resolved.server.metrics === 'http' ? HTTP_PORT_NAME : false,
      ...(scrapeBackend(resolved) === 'gmp' ? { monitoringBackend: 'gmp' as const } : {}),
      labels: partOfLabel(spec),
    },
    paths,
  };
}

/** Every IPv4 client: what the NLB's security group admits without source ranges. */
const ANY_IPV4 = '0.0.0.0/0';

/**
 * The series the autoscaler, the alerts and the dashboard read: the preset by name, or the
 * preset with the server's own series in place of its (metrics.queueDepth, requests, errors,
 * latencyHistogram).
 */
function metricPreset(resolved: ResolvedSpec): MetricPresetName | MetricPreset {
  const { preset, dcgm: _dcgm, ...series } = resolved.metrics;
  return Object.keys(series).length > 0 ? { ...METRIC_PRESETS[preset], ...series } : preset;
}

/** The HPA (prometheus-adapter backend) and the adapter rules for its custom signals. */
export function hpaWiring(
  spec: AiInferenceSpec,
  resolved: ResolvedSpec,
  scaling: ResolvedAdapterScaling,
): { hpa: Wiring<SpecProps<GpuHpaProps>>; adapter?: Wiring<PrometheusAdapterRulesProps> } {
  const { bounds, signals } = scaling;
  const preset = metricPreset(resolved);
  const { dcgm } = resolved.metrics;
  const common = { name: spec.release, namespace: spec.namespace, labels: partOfLabel(spec) };
  const paths = { name: 'release', minReplicas: bounds.minPath, maxReplicas: bounds.maxPath, signals: 'scaling.signals', behavior: 'scaling.behavior', preset: 'metrics.preset', dcgm: 'metrics.dcgm' };
  const hpa: Wiring<SpecProps<GpuHpaProps>> = {
    schema: gpuHpaPropsSchema,
    props: { ...common, minReplicas: bounds.min, maxReplicas: bounds.max, signals, behavior: scaling.behavior, preset },
    paths,
  };
  if (usedCustomSignals(signals).length === 0) return { hpa };
  return {
    hpa,
    adapter: {
      schema: prometheusAdapterRulesPropsSchema,
      // No namespace: the rules go to the adapter's one shared config (PrometheusAdapterRules).
      props: { name: spec.release, signals, preset, dcgm },
      paths,
    },
  };
}

/** The KEDA ScaledObject (keda backend). */
export function kedaWiring(spec: AiInferenceSpec, resolved: ResolvedSpec, scaling: ResolvedKedaScaling): Wiring<SpecProps<KedaScaledObjectProps>> {
  const { bounds, keda } = scaling;
  return {
    schema: kedaScaledObjectPropsSchema,
    props: {
      name: spec.release,
      namespace: spec.namespace,
      labels: partOfLabel(spec),
      minReplicas: bounds.min,
      maxReplicas: bounds.max,
      signals: scaling.signals,
      behavior: scaling.behavior,
      serverAddress: keda.serverAddress,
      pollingInterval: keda.pollingInterval,
      cooldownPeriod: keda.cooldownPeriod,
      fallback: keda.fallback,
      preset: metricPreset(resolved),
      dcgm: resolved.metrics.dcgm,
      // Under GMP the series' job is the PodMonitoring's name, not the internal Service's.
      ...(scrapeBackend(resolved) === 'gmp' ? { scope: { job: metricJob(spec, resolved) } } : {}),
    },
    paths: {
      name: 'release',
      minReplicas: bounds.minPath,
      maxReplicas: bounds.maxPath,
      signals: 'scaling.signals',
      behavior: 'scaling.behavior',
      serverAddress: 'scaling.keda.serverAddress',
      pollingInterval: 'scaling.keda.pollingInterval',
      cooldownPeriod: 'scaling.keda.cooldownPeriod',
      fallback: 'scaling.keda.fallback',
      preset: 'metrics.preset',
      dcgm: 'metrics.dcgm',
    },
  };
}

/** The VPA of the inference container. */
export function vpaWiring(spec: AiInferenceSpec, scaling: ResolvedScaling): Wiring<SpecProps<VpaRecommenderProps>> | undefined {
  const vpa = scaling.vpa;
  if (vpa === false) return undefined;
  return {
    schema: vpaRecommenderPropsSchema,
    props: {
      name: spec.release,
      namespace: spec.namespace,
      labels: partOfLabel(spec),
      updateMode: vpa.updateMode,
      containers: [
        {
          containerName: INFERENCE_CONTAINER,
          minAllowed: vpa.minAllowed,
          maxAllowed: vpa.maxAllowed,
          controlledResources: [...vpa.controlledResources],
        },
      ],
    },
    paths: { name: 'release', updateMode: 'scaling.vpa.updateMode' },
    // containers[0].minAllowed.cpu -> scaling.vpa.minAllowed.cpu
    mapPath: (path) => (path[0] === 'containers' ? ['scaling.vpa', ...path.slice(2)] : undefined),
  };
}

/**
 * Who scrapes the service (monitoring.backend), or undefined without monitoring. Under
 * `gmp` the series' `job` is the PodMonitoring's name (GmpPodMonitoring), under the
 * Prometheus Operator the scraped internal Service's.
 */
export function scrapeBackend(resolved: ResolvedSpec): MonitoringBackend | undefined {
  return resolved.monitoring === false ? undefined : resolved.monitoring.backend;
}

/** The `job` label of the service's own series: the PodMonitoring's name under GMP, else the internal Service's. */
export function metricJob(spec: AiInferenceSpec, resolved: ResolvedSpec): string {
  const names = objectNames(spec.release);
  return scrapeBackend(resolved) === 'gmp' ? names.podMonitoring : names.internal;
}

/**
 * The alert rules' input under GMP: a namespaced Rules adds `namespace="<namespace>"` to
 * every selector (GmpRules), so dcgm-exporter series are only reachable when the workload
 * pod's namespace is in the `namespace` label itself.
 */
const gmpAlertRulesInputSchema = alertRulesInputSchema.superRefine((input, ctx) => {
  const label = input.dcgm?.namespaceLabel;
  if (label !== undefined && label !== GMP_DCGM_LABELS.namespaceLabel) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['dcgm', 'namespaceLabel'],
      params: { value: label },
      message: `cannot work with monitoring.backend 'gmp': GMP's namespaced Rules add namespace="<service namespace>" to every selector, so series that carry the workload's namespace in another label are out of reach; leave metrics.dcgm.namespaceLabel out (under gmp it defaults to '${GMP_DCGM_LABELS.namespaceLabel}', the label GMP's DCGM ClusterPodMonitoring keeps)`,
    });
  }
});

/** The ServiceMonitor (or PodMonitoring), the PrometheusRule (or Rules) and the dashboard, with the inputs they share. */
export interface MonitoringWirings {
  /** prometheus-operator: ServiceMonitor and PrometheusRule; gmp: PodMonitoring and Rules. */
  readonly backend: MonitoringBackend;
  readonly labels: Record<string, string>;
  readonly ruleName: string;
  readonly serviceMonitor: Wiring<SpecProps<InferenceServiceMonitorProps>>;
  /** The GMP PodMonitoring (backend gmp). */
  readonly podMonitoring?: Wiring<SpecProps<GmpPodMonitoringProps>>;
  readonly rules: Wiring<AlertRulesInput>;
  readonly dashboard?: Wiring<GrafanaDashboardProps>;
  readonly operatorSelectorLabels: Readonly<Record<string, string>>;
}

export function monitoringWirings(spec: AiInferenceSpec, resolved: ResolvedSpec): MonitoringWirings | undefined {
  const m = resolved.monitoring;
  if (m === false) return undefined;
  // The scrape timing as written: the ServiceMonitor's message says when a timeout was not given.
  const written: MonitoringSpec = spec.monitoring || {};
  const names = objectNames(spec.release);
  const backend = m.backend;
  const scope: MetricScope = { namespace: spec.namespace, job: metricJob(spec, resolved), podRegex: deploymentPodRegex(names.deployment) };
  const named = metricPreset(resolved);
  const preset = typeof named === 'string' ? METRIC_PRESETS[named] : named;
  const { dcgm } = resolved.metrics;
  const { operatorSelectorLabels } = m;
  const scaling = resolved.scaling;
  const replicas = resolved.replicas;
  // KEDA names the HPA it creates keda-hpa-<ScaledObject>.
  const hpaName = scaling?.backend === 'keda' ? `keda-hpa-${names.scaledObject}` : names.hpa;
  const { queueDepthTarget, slo } = resolved;
  const period = slo.period;
  // Without an autoscaler there is no HPA to watch.
  const monitoringLabels = { ...commonLabels(spec.release, COMPONENT.monitoring), ...partOfLabel(spec) };
  const hpaOff = scaling ? {} : { InferenceHpaAtMaxReplicas: { enabled: false }, InferenceHpaScalingStuck: { enabled: false } };
  // A server that exports no series of its own (Ollama): the alerts that read them could
  // never fire, so they are left out; the GPU, pod and autoscaler alerts stay.
  const serverSeriesOff = resolved.server.metrics === 'none' ? Object.fromEntries(SERVER_SERIES_ALERTS.map((name) => [name, { enabled: false }])) : {};
  // A CPU-only workload (gpu.count 0): dcgm-exporter reports nothing for its pods.
  const gpus = resolved.workload.resources.gpu.count > 0;
  const gpuOff = gpus ? {} : Object.fromEntries(GPU_SERIES_ALERTS.map((name) => [name, { enabled: false }]));

  const rules: AlertRulesInput = {
    scope,
    deployment: names.deployment,
    hpaName,
    maxReplicas: replicas.max,
    minReplicas: replicas.min,
    // With an init container downloading first, the pod's grace covers the download too.
    startupBudget: startupAllowance(resolved.workload),
    preset,
    dcgm,
    slo: {
      availabilityPercent: slo.availability,
      latencyP95Seconds: slo.latencyP95.toMilliseconds() / 1000,
      latencyP99Seconds: slo.latencyP99.toMilliseconds() / 1000,
      errorRatePercent: slo.errorRate,
      throughputRps: slo.throughputRps,
      period,
      ...llmObjectives(slo),
    },
    queueDepthTargetPerPod: queueDepthTarget,
    runbookBaseUrl: m.runbookBaseUrl,
    overrides: { ...hpaOff, ...serverSeriesOff, ...gpuOff, ...m.alerts },
    serverSeries: resolved.server.metrics !== 'none',
    evaluationInterval: m.evaluationInterval,
  };
  const sloPaths = { slo: 'slo', overrides: 'monitoring.alerts', runbookBaseUrl: 'monitoring.runbookBaseUrl', evaluationInterval: 'monitoring.evaluationInterval' };
  return {
    backend,
    operatorSelectorLabels,
    labels: monitoringLabels,
    ruleName: backend === 'gmp' ? names.gmpRules : names.prometheusRule,
    serviceMonitor: {
      schema: inferenceServiceMonitorPropsSchema,
      props: {
        name: names.serviceMonitor,
        namespace: spec.namespace,
        // vLLM serves /metrics on its API port.
        port: resolved.server.metrics === 'http' ? HTTP_PORT_NAME : undefined,
        interval: written.scrapeInterval,
        scrapeTimeout: written.scrapeTimeout,
        operatorSelectorLabels,
        labels: monitoringLabels,
      },
      paths: { interval: 'monitoring.scrapeInterval', scrapeTimeout: 'monitoring.scrapeTimeout', operatorSelectorLabels: 'monitoring.operatorSelectorLabels' },
    },
    podMonitoring:
      backend === 'gmp'
        ? {
            schema: gmpPodMonitoringPropsSchema,
            props: {
              name: names.podMonitoring,
              namespace: spec.namespace,
              port: resolved.server.metrics === 'http' ? HTTP_PORT_NAME : undefined,
              interval: written.scrapeInterval,
              timeout: written.scrapeTimeout,
              labels: monitoringLabels,
            },
            paths: { interval: 'monitoring.scrapeInterval', timeout: 'monitoring.scrapeTimeout' },
          }
        : undefined,
    rules: {
      schema: backend === 'gmp' ? gmpAlertRulesInputSchema : alertRulesInputSchema,
      props: rules,
      paths: { ...sloPaths, queueDepthTargetPerPod: 'scaling.signals.queueDepth.averageValue', maxReplicas: replicas.maxPath, minReplicas: replicas.minPath, startupBudget: 'probes.startupBudget', ...(backend === 'gmp' ? { dcgm: 'metrics.dcgm' } : {}) },
    },
    dashboard:
      m.dashboard === false
        ? undefined
        : {
            schema: grafanaDashboardPropsSchema,
            props: {
              name: names.dashboard,
              namespace: m.dashboard.namespace,
              labels: monitoringLabels,
              sidecarLabel: m.dashboard.sidecarLabel,
              folder: m.dashboard.folder,
              dashboard: {
                title: `${spec.release} (${spec.namespace})`,
                uid: dashboardUid(spec.namespace, spec.release),
                scope,
                preset,
                dcgm,
                deploymentName: names.deployment,
                hpaName,
                slo: {
                  availabilityPercent: slo.availability,
                  latencyP95Seconds: slo.latencyP95.toMilliseconds() / 1000,
                  latencyP99Seconds: slo.latencyP99.toMilliseconds() / 1000,
                  throughputRps: slo.throughputRps,
                  periodDays: period.toMilliseconds() / 86_400_000,
                  ...llmObjectives(slo),
                },
                queueDepthTarget,
                minReplicas: replicas.min,
                maxReplicas: replicas.max,
                serverSeries: resolved.server.metrics !== 'none',
                gpuSeries: gpus,
              },
            },
            paths: { sidecarLabel: 'monitoring.dashboard.sidecarLabel', folder: 'monitoring.dashboard.folder', namespace: 'monitoring.dashboard.namespace' },
            mapPath: (path) => (path[0] === 'dashboard' && path[1] === 'slo' ? ['slo', ...path.slice(2)] : undefined),
          },
  };
}

/** The LLM objectives in seconds, only those the SLO sets (the generic output stays as it was). */
function llmObjectives(slo: ResolvedSpec['slo']): { timeToFirstTokenP95Seconds?: number; interTokenLatencyP95Seconds?: number } {
  return {
    ...(slo.timeToFirstTokenP95 ? { timeToFirstTokenP95Seconds: slo.timeToFirstTokenP95.toMilliseconds() / 1000 } : {}),
    ...(slo.interTokenLatencyP95 ? { interTokenLatencyP95Seconds: slo.interTokenLatencyP95.toMilliseconds() / 1000 } : {}),
  };
}

function partOfLabel(spec: AiInferenceSpec): Record<string, string> | undefined {
  return spec.partOf ? { 'app.kubernetes.io/part-of': spec.partOf } : undefined;
}

/** The ProvisioningRequest and its PodTemplate (GKE queued provisioning), when the spec asks for one. */
export function capacityWiring(spec: AiInferenceSpec, resolved: ResolvedSpec): Wiring<SpecProps<ProvisioningRequestProps>> | undefined {
  const q = resolved.capacity.queuedProvisioning;
  if (!q) return undefined;
  return {
    schema: provisioningRequestPropsSchema,
    props: { name: spec.release, pods: q.pods, maxRunDuration: q.maxRunDuration, nodePool: q.nodePool, labels: partOfLabel(spec) },
    paths: { name: 'release', pods: q.podsPath, maxRunDuration: 'capacity.queuedProvisioning.maxRunDuration', nodePool: 'capacity.queuedProvisioning.nodePool' },
  };
}

/** Problems of one construct's props, with paths rewritten to spec paths. */
export function wiringProblems(w: {
  schema: z.ZodTypeAny;
  props: object;
  paths: Record<string, string>;
  mapPath?: (path: (string | number)[]) => (string | number)[] | undefined;
}): string[] {
  return recordedProblems(w.schema, w.props, (path) => {
    const mapped = w.mapPath?.(path);
    if (mapped) return mapped;
    const [head, ...rest] = path;
    return typeof head === 'string' && w.paths[head] ? [w.paths[head], ...rest] : path;
  });
}


/** Every construct's wiring of one spec, and the shared monitoring inputs. */
export interface ChartWirings {
  /** The spec with every default filled in, which the wirings read. */
  readonly resolved: ResolvedSpec;
  readonly deployment: Wiring<InferenceDeploymentProps>;
  /** The Services: NlbService props (aws-nlb, or no load balancer) or GkeL4Service props (gke-l4). */
  readonly services: ServicesWiring;
  readonly pdb: Wiring<SpecProps<PdbPolicyProps>>;
  readonly networkPolicy?: Wiring<InferenceNetworkPolicyProps>;
  readonly hpa?: Wiring<SpecProps<GpuHpaProps>>;
  readonly adapter?: Wiring<PrometheusAdapterRulesProps>;
  readonly keda?: Wiring<SpecProps<KedaScaledObjectProps>>;
  readonly vpa?: Wiring<SpecProps<VpaRecommenderProps>>;
  /** The ProvisioningRequest (capacity.queuedProvisioning). */
  readonly capacity?: Wiring<SpecProps<ProvisioningRequestProps>>;
  readonly monitoring?: MonitoringWirings;
  /** All of the above that validate props, for reporting. */
  readonly all: Record<string, Wiring<any> | undefined>;
}

/** Maps a shape-valid spec onto every construct's props. */
export function chartWirings(spec: AiInferenceSpec): ChartWirings {
  const resolved = resolveSpec(spec);
  const scaling = resolved.scaling;
  const hpa = scaling?.backend === 'prometheus-adapter' ? hpaWiring(spec, resolved, scaling) : undefined;
  const monitoring = monitoringWirings(spec, resolved);
  const w = {
    deployment: deploymentWiring(spec, resolved),
    services: servicesWiring(spec, resolved),
    pdb: pdbWiring(spec, resolved),
    networkPolicy: networkPolicyWiring(spec, resolved),
    hpa: hpa?.hpa,
    adapter: hpa?.adapter,
    keda: scaling?.backend === 'keda' ? kedaWiring(spec, resolved, scaling) : undefined,
    vpa: scaling ? vpaWiring(spec, scaling) : undefined,
    capacity: capacityWiring(spec, resolved),
  };
  return {
    ...w,
    resolved,
    monitoring,
    all: {
      ...w,
      serviceMonitor: monitoring?.backend === 'gmp' ? undefined : monitoring?.serviceMonitor,
      podMonitoring: monitoring?.podMonitoring,
      rules: monitoring?.rules,
      dashboard: monitoring?.dashboard,
    },
  };
}
