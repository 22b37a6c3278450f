import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import { autoscalingLabels, gpuSignalProblems, replicaBoundsIssue, zIdentity, zMaxReplicas, zMinReplicas, zPreset } from '../autoscaling/common';
import { ResolvedScalingBehavior, ScalingBehavior, resolveBehavior, scalingBehaviorSchema } from '../spec/behavior';
import { objectNames } from '../conventions';
import { MetricPreset, MetricPresetName } from '../metrics/presets';
import { SIGNALS, ScalingSignals, SignalName, scalingSignalsSchema, usedSignals } from '../spec/signals';
import { adapterMetricName, addSignalPresetIssues, quantityText, resolvePreset } from '../metrics/signals';
import { parseOrThrow } from '../spec/problems';
import { zDnsLabel } from '../spec/values';
import { InferenceDeployment } from './inference-deployment';
import { WorkloadTarget, namespaceProblems, parseWithWorkload } from './workload-target';

export interface GpuHpaProps {
  /** Release name: the HPA is `<name>-hpa` (conventions.ts objectNames), e.g. `ai-inference-hpa`. */
  readonly name: string;
  /**
   * The workload the HPA scales (its scaleTargetRef): an InferenceDeployment created with
   * `autoscaled: true`, or `fromPlusWorkload(deployment)` for a cdk8s-plus workload.
   */
  readonly workload: InferenceDeployment | WorkloadTarget;
  /** Namespace of the HPA; it must be the workload's. @default - the workload's namespace */
  readonly namespace?: string;
  /** Fewest replicas the HPA keeps (seed 000: 3). */
  readonly minReplicas: number;
  /** Most replicas the HPA creates (seed 000: 20). */
  readonly maxReplicas: number;
  /**
   * What the HPA scales on; at least one signal. cpu and memory are Resource metrics
   * (metrics-server); the others are custom metrics that prometheus-adapter must serve
   * (see PrometheusAdapterRules) under the names `adapterMetricName()` returns.
   */
  readonly signals: ScalingSignals;
  /**
   * How fast the HPA may scale, per direction.
   * @default - seed 000: scale up after 30 s, up to 4 pods per 60 s; scale down after 300 s, 1 pod per 60 s
   */
  readonly behavior?: ScalingBehavior;
  /** Metric preset, which decides the custom metric names the HPA references. @default 'generic' */
  readonly preset?: MetricPresetName | MetricPreset;
  /**
   * The Service the latencyP95 Object metric describes: prometheus-adapter serves the p95
   * for this Service from series carrying its name in the `service` label.
   * @default - objectNames(name).internal, e.g. `ai-inference-internal`
   */
  readonly metricsService?: string;
  /** Extra labels on the HPA. @default {} */
  readonly labels?: Record<string, string>;
}

/** Props of the pinned mode: one replica count instead of min/max. */
export interface GpuHpaPinnedProps extends Omit<GpuHpaProps, 'minReplicas' | 'maxReplicas'> {
  /** The exact replica count the HPA holds (seed 004: 10). */
  readonly replicas: number;
}

export const gpuHpaPropsSchema = z
  .object({
    ...zIdentity,
    minReplicas: zMinReplicas,
    maxReplicas: zMaxReplicas,
    signals: scalingSignalsSchema,
    behavior: scalingBehaviorSchema.optional(),
    preset: zPreset.optional(),
    metricsService: zDnsLabel.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const issue = replicaBoundsIssue(p.minReplicas, p.maxReplicas);
    if (issue) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['maxReplicas'], message: issue });
    addSignalPresetIssues(p.signals, p.preset, ctx);
  }) satisfies z.ZodType<Omit<GpuHpaProps, 'workload'>>;

/**
 * An autoscaling/v2 HorizontalPodAutoscaler for a workload (the InferenceDeployment), on the typed
 * scaling signals (seed 000: cpu 70 %, memory 75 %, GPU 70 %, 50 requests/s per pod,
 * p95 1.5 s, queue 10 per pod) with a range-checked behavior.
 *
 * cpu and memory are Resource metrics; GPU, request rate, queue depth and (vLLM) KV-cache
 * usage are Pods metrics; the p95 latency and (vLLM) p95 time to first token are Object
 * metrics on the metrics Service. The custom ones
 * scale on nothing unless prometheus-adapter serves them: install the rules of a
 * PrometheusAdapterRules built from the same signals and preset. The workload must not
 * set `spec.replicas`; a gpu signal on a workload known to have no GPU fails synth. For
 * KEDA use KedaScaledObject instead (never both).
 *
 * `GpuHpa.pinned()` holds a fixed replica count for sustained load tests.
 */
export class GpuHpa extends Construct {
  /**
   * Pinned mode for sustained load tests (seed 004): minReplicas = maxReplicas =
   * `replicas`. The HPA holds exactly that many replicas and never scales, whatever the
   * signals say; it restores the count if the Deployment is scaled by hand. The signals
   * are still written, so `kubectl describe hpa` shows the load during the test.
   */
  public static pinned(scope: Construct, id: string, props: GpuHpaPinnedProps): GpuHpa {
    const { replicas, ...rest } = props;
    parseOrThrow(
      z.object({ replicas: zMinReplicas }).passthrough(),
      props,
      `GpuHpa ${scope.node.path}/${id} (pinned)`,
    );
    return new GpuHpa(scope, id, { ...rest, minReplicas: replicas, maxReplicas: replicas });
  }

  /** The L1 HorizontalPodAutoscaler. */
  public readonly resource: k8s.KubeHorizontalPodAutoscalerV2;
  /** Name of the HPA object. */
  public readonly name: string;
  public readonly namespace?: string;
  /** The workload it scales. */
  public readonly workload: WorkloadTarget;
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  /** True when minReplicas = maxReplicas: the HPA holds that count and never scales. */
  public readonly pinned: boolean;
  /** The validated signals. */
  public readonly signals: ScalingSignals;
  /** The behavior as written into the manifest (defaults filled in). */
  public readonly behavior: ResolvedScalingBehavior;
  /** The resolved metric preset. */
  public readonly preset: MetricPreset;

  constructor(scope: Construct, id: string, props: GpuHpaProps) {
    super(scope, id);
    const { p, workload } = parseWithWorkload(gpuHpaPropsSchema, props, `GpuHpa ${scope.node.path}/${id}`, (p, w) =>
      namespaceProblems(p.namespace, w),
    );
    const names = objectNames(p.name);
    this.name = names.hpa;
    this.namespace = p.namespace ?? workload.namespace;
    this.workload = workload;
    this.minReplicas = p.minReplicas;
    this.maxReplicas = p.maxReplicas;
    this.pinned = p.minReplicas === p.maxReplicas;
    this.signals = p.signals;
    this.behavior = resolveBehavior(p.behavior);
    this.preset = resolvePreset(p.preset);
    const metricsService = p.metricsService ?? names.internal;

    this.resource = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: autoscalingLabels(p.name, p.labels),
        annotations: this.pinned ? { [PINNED_ANNOTATION]: pinnedNote(this.minReplicas) } : undefined,
      },
      spec: {
        scaleTargetRef: { apiVersion: workload.apiVersion, kind: workload.kind, name: workload.name },
        minReplicas: this.minReplicas,
        maxReplicas: this.maxReplicas,
        metrics: usedSignals(p.signals).map((s) => hpaMetric(s, p.signals, this.preset, metricsService)),
        behavior: {
          scaleUp: { ...this.behavior.scaleUp, policies: [...this.behavior.scaleUp.policies] },
          scaleDown: { ...this.behavior.scaleDown, policies: [...this.behavior.scaleDown.policies] },
        },
      },
    });
    this.node.addValidation({ validate: () => gpuSignalProblems(p.signals, workload) });
  }
}

/** Annotation on a pinned HPA saying what it does, for whoever reads `kubectl get hpa -o yaml`. */
export const PINNED_ANNOTATION = 'ai-inference.cdk8s.io/pinned';

function pinnedNote(replicas: number): string {
  return `minReplicas = maxReplicas = ${replicas}: this HPA holds exactly ${replicas} replicas for a sustained load test and never scales; restore minReplicas/maxReplicas afterwards`;
}

/** The autoscaling/v2 MetricSpec of one signal. */
function hpaMetric(signal: SignalName, signals: ScalingSignals, preset: MetricPreset, metricsService: string): k8s.MetricSpecV2 {
  switch (signal) {
    case 'cpu':
    case 'memory': {
      const t = signals[signal]!;
      return { type: 'Resource', resource: { name: signal, target: { type: 'Utilization', averageUtilization: t.averageUtilization } } };
    }
    case 'gpu':
    case 'requestRate':
    case 'queueDepth':
    case 'kvCacheUsage': {
      const t = signals[signal]!;
      return {
        type: SIGNALS[signal].source,
        pods: {
          metric: { name: adapterMetricName(signal, preset) },
          target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString(quantityText(t.averageValue)) },
        },
      };
    }
    case 'latencyP95':
    case 'timeToFirstTokenP95': {
      const t = signals[signal]!;
      return {
        type: SIGNALS[signal].source,
        object: {
          describedObject: { apiVersion: 'v1', kind: 'Service', name: metricsService },
          metric: { name: adapterMetricName(signal, preset) },
          target: { type: 'Value', value: k8s.Quantity.fromString(quantityText(t.value)) },
        },
      };
    }
  }
}
