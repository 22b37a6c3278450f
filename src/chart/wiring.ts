import { z } from 'zod';
import { InferenceDeploymentProps, inferenceDeploymentPropsSchema } from '../constructs/inference-deployment';
import { InferenceNetworkPolicyProps, inferenceNetworkPolicyPropsSchema } from '../constructs/inference-network-policy';
import { NlbServiceProps, nlbServicePropsSchema } from '../constructs/nlb-service';
import { PdbPolicyProps, pdbPolicyPropsSchema } from '../constructs/pdb-policy';
import { GpuHpaProps, gpuHpaPropsSchema } from '../constructs/gpu-hpa';
import { KedaScaledObjectProps, kedaScaledObjectPropsSchema } from '../constructs/keda-scaled-object';
import { PrometheusAdapterRulesProps, prometheusAdapterRulesPropsSchema } from '../constructs/prometheus-adapter-rules';
import { VpaRecommenderProps, vpaRecommenderPropsSchema } from '../constructs/vpa-recommender';
import { INFERENCE_DEPLOYMENT_DEFAULTS } from '../spec/workload';
import { SEED_SIGNALS, ScalingSignals, usedCustomSignals } from '../spec/signals';
import { AiInferenceSpec, DEFAULT_RUNBOOK_BASE_URL, DEFAULT_SLO_PERIOD } from '../spec/spec';
import { KedaScalingSpec, ScalingSpec } from '../spec/scaling';
import { AlertRulesInput, alertRulesInputSchema } from '../alerts/input';
import { GrafanaDashboardProps, grafanaDashboardPropsSchema } from '../constructs/grafana-dashboard';
import { DEFAULT_OPERATOR_SELECTOR_LABELS, InferenceServiceMonitorProps, inferenceServiceMonitorPropsSchema } from '../constructs/service-monitor';
import { dashboardUid } from '../dashboard/input';
import { DEFAULT_DCGM, METRIC_PRESETS, MetricScope } from '../metrics/presets';
import { COMPONENT, INFERENCE_CONTAINER, commonLabels, objectNames } from '../conventions';
import { zodProblems } from '../spec/problems';

/**
 * The spec, mapped onto each construct's props. Each mapping comes with the spec path of
 * every props field, so a construct's validation error names the field the user wrote.
 */
interface Wiring<P> {
  readonly schema: z.ZodType<unknown, z.ZodTypeDef, P>;
  readonly props: P;
  /** props field (first path segment) -> spec path */
  readonly paths: Record<string, string>;
  /** A rewrite for paths the first segment alone cannot map. */
  readonly mapPath?: (path: (string | number)[]) => (string | number)[] | undefined;
}

export function deploymentWiring(spec: AiInferenceSpec, autoscaled: boolean): Wiring<InferenceDeploymentProps> {
  return {
    schema: inferenceDeploymentPropsSchema,
    props: {
      name: spec.release,
      namespace: spec.namespace,
      image: spec.image,
      imagePullPolicy: spec.imagePullPolicy,
      replicas: spec.replicas,
      autoscaled,
      ports: spec.ports,
      resources: spec.resources,
      scheduling: spec.scheduling,
      probes: spec.probes,
      modelLoadTime: spec.model.loadTime,
      storage: spec.storage,
      config: { ...spec.config, model: { name: spec.model.name, version: spec.model.version } },
      secretEnv: spec.secretEnv,
      shutdown: spec.shutdown,
      identity: spec.identity,
      labels: partOfLabel(spec),
    },
    paths: { name: 'release', modelLoadTime: 'model.loadTime' },
  };
}

/**
 * A construct's props without its `workload`: everything the spec decides, validated
 * before any object is built; the chart adds the InferenceDeployment it builds.
 */
export type SpecProps<P> = Omit<P, 'workload'>;

export function nlbWiring(spec: AiInferenceSpec): Wiring<SpecProps<NlbServiceProps>> {
  return {
    schema: nlbServicePropsSchema,
    props: {
      name: spec.release,
      namespace: spec.namespace,
      loadBalancer: spec.traffic?.loadBalancer,
      headless: spec.traffic?.headless,
      internal: spec.traffic?.internal,
      labels: partOfLabel(spec),
    },
    paths: { name: 'release', loadBalancer: 'traffic.loadBalancer', headless: 'traffic.headless', internal: 'traffic.internal' },
  };
}

export function pdbWiring(spec: AiInferenceSpec, replicaFloor: number, replicaFloorPath: string): Wiring<SpecProps<PdbPolicyProps>> {
  return {
    schema: pdbPolicyPropsSchema,
    props: {
      name: spec.release,
      namespace: spec.namespace,
      ...spec.disruption,
      replicaFloor,
      replicaFloorPath,
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

export function networkPolicyWiring(spec: AiInferenceSpec): Wiring<InferenceNetworkPolicyProps> | undefined {
  if (spec.networkPolicy === false) return undefined;
  const paths: Record<string, string> = { name: 'release', loadBalancerSourceRanges: 'traffic.loadBalancer.sourceRanges' };
  for (const key of Object.keys(spec.networkPolicy ?? {})) paths[key] = `networkPolicy.${key}`;
  return {
    schema: inferenceNetworkPolicyPropsSchema,
    props: {
      ...spec.networkPolicy,
      name: spec.release,
      namespace: spec.namespace,
      loadBalancerSourceRanges: spec.traffic?.loadBalancer?.sourceRanges,
      labels: partOfLabel(spec),
    },
    paths,
  };
}

/** The replica bounds the autoscaler works in, and the spec path that set them. */
export interface ReplicaBounds {
  readonly min: number;
  readonly max: number;
  readonly minPath: string;
  readonly maxPath: string;
}

export function replicaBounds(scaling: ScalingSpec): ReplicaBounds {
  if (scaling.pinnedReplicas !== undefined) {
    const n = scaling.pinnedReplicas;
    return { min: n, max: n, minPath: 'scaling.pinnedReplicas', maxPath: 'scaling.pinnedReplicas' };
  }
  return { min: scaling.minReplicas ?? NaN, max: scaling.maxReplicas ?? NaN, minPath: 'scaling.minReplicas', maxPath: 'scaling.maxReplicas' };
}

/** The signals the autoscaler scales on. */
export function scalingSignals(scaling: ScalingSpec): ScalingSignals {
  return scaling.signals ?? SEED_SIGNALS;
}

/** The HPA (prometheus-adapter backend) and the adapter rules for its custom signals. */
export function hpaWiring(spec: AiInferenceSpec, scaling: ScalingSpec): { hpa: Wiring<SpecProps<GpuHpaProps>>; adapter?: Wiring<PrometheusAdapterRulesProps> } {
  const bounds = replicaBounds(scaling);
  const signals = scalingSignals(scaling);
  const common = { name: spec.release, namespace: spec.namespace, labels: partOfLabel(spec) };
  const paths = { name: 'release', minReplicas: bounds.minPath, maxReplicas: bounds.maxPath, signals: 'scaling.signals', behavior: 'scaling.behavior', preset: 'metrics.preset', dcgm: 'metrics.dcgm' };
  const hpa: Wiring<SpecProps<GpuHpaProps>> = {
    schema: gpuHpaPropsSchema,
    props: { ...common, minReplicas: bounds.min, maxReplicas: bounds.max, signals, behavior: scaling.behavior, preset: spec.metrics?.preset },
    paths,
  };
  if (usedCustomSignals(signals).length === 0) return { hpa };
  return {
    hpa,
    adapter: {
      schema: prometheusAdapterRulesPropsSchema,
      props: { ...common, signals, preset: spec.metrics?.preset, dcgm: spec.metrics?.dcgm },
      paths,
    },
  };
}

/** The KEDA ScaledObject (keda backend). */
export function kedaWiring(spec: AiInferenceSpec, scaling: KedaScalingSpec): Wiring<SpecProps<KedaScaledObjectProps>> {
  const bounds = replicaBounds(scaling);
  return {
    schema: kedaScaledObjectPropsSchema,
    props: {
      name: spec.release,
      namespace: spec.namespace,
      labels: partOfLabel(spec),
      minReplicas: bounds.min,
      maxReplicas: bounds.max,
      signals: scalingSignals(scaling),
      behavior: scaling.behavior,
      serverAddress: scaling.keda.serverAddress,
      pollingInterval: scaling.keda.pollingInterval,
      cooldownPeriod: scaling.keda.cooldownPeriod,
      preset: spec.metrics?.preset,
      dcgm: spec.metrics?.dcgm,
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
      preset: 'metrics.preset',
      dcgm: 'metrics.dcgm',
    },
  };
}

/** The VPA of the inference container. */
export function vpaWiring(spec: AiInferenceSpec, scaling: ScalingSpec): Wiring<SpecProps<VpaRecommenderProps>> | undefined {
  if (scaling.vpa === false) return undefined;
  const vpa = scaling.vpa ?? {};
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
          controlledResources: vpa.controlledResources,
        },
      ],
    },
    paths: { name: 'release', updateMode: 'scaling.vpa.updateMode' },
    // containers[0].minAllowed.cpu -> scaling.vpa.minAllowed.cpu
    mapPath: (path) => (path[0] === 'containers' ? ['scaling.vpa', ...path.slice(2)] : undefined),
  };
}

/** The ServiceMonitor, the PrometheusRule and the dashboard, with the inputs they share. */
export interface MonitoringWirings {
  readonly labels: Record<string, string>;
  readonly ruleName: string;
  readonly serviceMonitor: Wiring<SpecProps<InferenceServiceMonitorProps>>;
  readonly rules: Wiring<AlertRulesInput>;
  readonly dashboard?: Wiring<GrafanaDashboardProps>;
  readonly operatorSelectorLabels: Record<string, string>;
}

export function monitoringWirings(spec: AiInferenceSpec): MonitoringWirings | undefined {
  if (spec.monitoring === false) return undefined;
  const m = spec.monitoring ?? {};
  const names = objectNames(spec.release);
  const scope: MetricScope = { namespace: spec.namespace, job: names.internal, podRegex: `${names.deployment}-.*` };
  const preset = METRIC_PRESETS[spec.metrics?.preset ?? 'generic'];
  const dcgm = { ...DEFAULT_DCGM, ...spec.metrics?.dcgm };
  const operatorSelectorLabels = m.operatorSelectorLabels ?? { ...DEFAULT_OPERATOR_SELECTOR_LABELS };
  const scaling = spec.scaling;
  const bounds = scaling ? replicaBounds(scaling) : undefined;
  const fixed = spec.replicas ?? INFERENCE_DEPLOYMENT_DEFAULTS.replicas;
  const signals = scaling ? scalingSignals(scaling) : {};
  // KEDA names the HPA it creates keda-hpa-<ScaledObject>.
  const hpaName = scaling?.backend === 'keda' ? `keda-hpa-${names.scaledObject}` : names.hpa;
  const queueDepthTarget = signals.queueDepth?.averageValue ?? DEFAULT_QUEUE_DEPTH_TARGET;
  const slo = spec.slo;
  const period = slo.period ?? DEFAULT_SLO_PERIOD;
  // Without an autoscaler there is no HPA to watch.
  const monitoringLabels = { ...commonLabels(spec.release, COMPONENT.monitoring), ...partOfLabel(spec) };
  const hpaOff = scaling ? {} : { InferenceHpaAtMaxReplicas: { enabled: false }, InferenceHpaScalingStuck: { enabled: false } };

  const rules: AlertRulesInput = {
    scope,
    deployment: names.deployment,
    hpaName,
    maxReplicas: bounds?.max ?? fixed,
    preset,
    dcgm,
    slo: {
      availabilityPercent: slo.availability,
      latencyP95Seconds: slo.latencyP95.toMilliseconds() / 1000,
      latencyP99Seconds: slo.latencyP99.toMilliseconds() / 1000,
      errorRatePercent: slo.errorRate,
      throughputRps: slo.throughputRps,
      period,
    },
    queueDepthTargetPerPod: queueDepthTarget,
    runbookBaseUrl: m.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL,
    overrides: { ...hpaOff, ...m.alerts },
    evaluationInterval: m.evaluationInterval,
  };
  const sloPaths = { slo: 'slo', overrides: 'monitoring.alerts', runbookBaseUrl: 'monitoring.runbookBaseUrl', evaluationInterval: 'monitoring.evaluationInterval' };
  return {
    operatorSelectorLabels,
    labels: monitoringLabels,
    ruleName: names.prometheusRule,
    serviceMonitor: {
      schema: inferenceServiceMonitorPropsSchema,
      props: {
        name: names.serviceMonitor,
        namespace: spec.namespace,
        interval: m.scrapeInterval,
        scrapeTimeout: m.scrapeTimeout,
        operatorSelectorLabels,
        labels: monitoringLabels,
      },
      paths: { interval: 'monitoring.scrapeInterval', scrapeTimeout: 'monitoring.scrapeTimeout', operatorSelectorLabels: 'monitoring.operatorSelectorLabels' },
    },
    rules: {
      schema: alertRulesInputSchema,
      props: rules,
      paths: { ...sloPaths, queueDepthTargetPerPod: 'scaling.signals.queueDepth.averageValue', maxReplicas: bounds?.maxPath ?? 'replicas' },
    },
    dashboard:
      m.dashboard === false
        ? undefined
        : {
            schema: grafanaDashboardPropsSchema,
            props: {
              name: names.dashboard,
              namespace: m.dashboard?.namespace ?? spec.namespace,
              labels: monitoringLabels,
              sidecarLabel: m.dashboard?.sidecarLabel,
              folder: m.dashboard?.folder,
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
                },
                queueDepthTarget,
                minReplicas: bounds?.min ?? fixed,
                maxReplicas: bounds?.max ?? fixed,
              },
            },
            paths: { sidecarLabel: 'monitoring.dashboard.sidecarLabel', folder: 'monitoring.dashboard.folder', namespace: 'monitoring.dashboard.namespace' },
            mapPath: (path) => (path[0] === 'dashboard' && path[1] === 'slo' ? ['slo', ...path.slice(2)] : undefined),
          },
  };
}

/** Queue depth per pod the alerts and dashboard compare against when no autoscaler sets one. */
export const DEFAULT_QUEUE_DEPTH_TARGET = 10;

function partOfLabel(spec: AiInferenceSpec): Record<string, string> | undefined {
  return spec.partOf ? { 'app.kubernetes.io/part-of': spec.partOf } : undefined;
}

/** Problems of one construct's props, with paths rewritten to spec paths. */
export function wiringProblems(w: {
  schema: z.ZodTypeAny;
  props: unknown;
  paths: Record<string, string>;
  mapPath?: (path: (string | number)[]) => (string | number)[] | undefined;
}): string[] {
  return zodProblems(w.schema, w.props, (path) => {
    const mapped = w.mapPath?.(path);
    if (mapped) return mapped;
    const [head, ...rest] = path;
    return typeof head === 'string' && w.paths[head] ? [w.paths[head], ...rest] : path;
  });
}


/** Every construct's wiring of one spec, and the shared monitoring inputs. */
export interface ChartWirings {
  readonly deployment: Wiring<InferenceDeploymentProps>;
  readonly services: Wiring<SpecProps<NlbServiceProps>>;
  readonly pdb: Wiring<SpecProps<PdbPolicyProps>>;
  readonly networkPolicy?: Wiring<InferenceNetworkPolicyProps>;
  readonly hpa?: Wiring<SpecProps<GpuHpaProps>>;
  readonly adapter?: Wiring<PrometheusAdapterRulesProps>;
  readonly keda?: Wiring<SpecProps<KedaScaledObjectProps>>;
  readonly vpa?: Wiring<SpecProps<VpaRecommenderProps>>;
  readonly monitoring?: MonitoringWirings;
  /** All of the above that validate props, for reporting. */
  readonly all: Record<string, Wiring<any> | undefined>;
}

/** Maps a shape-valid spec onto every construct's props. */
export function chartWirings(spec: AiInferenceSpec): ChartWirings {
  const scaling = spec.scaling;
  const bounds = scaling ? replicaBounds(scaling) : undefined;
  const hpa = scaling && scaling.backend !== 'keda' ? hpaWiring(spec, scaling) : undefined;
  const monitoring = monitoringWirings(spec);
  const w = {
    deployment: deploymentWiring(spec, scaling !== undefined),
    services: nlbWiring(spec),
    pdb: bounds ? pdbWiring(spec, bounds.min, bounds.minPath) : pdbWiring(spec, spec.replicas ?? INFERENCE_DEPLOYMENT_DEFAULTS.replicas, 'replicas'),
    networkPolicy: networkPolicyWiring(spec),
    hpa: hpa?.hpa,
    adapter: hpa?.adapter,
    keda: scaling && scaling.backend === 'keda' ? kedaWiring(spec, scaling) : undefined,
    vpa: scaling ? vpaWiring(spec, scaling) : undefined,
  };
  return {
    ...w,
    monitoring,
    all: { ...w, serviceMonitor: monitoring?.serviceMonitor, rules: monitoring?.rules, dashboard: monitoring?.dashboard },
  };
}
