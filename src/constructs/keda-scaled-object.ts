import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { z } from 'zod';
import { ScaledObject, ScaledObjectSpecFallbackBehavior, ScaledObjectSpecTriggers } from '../../imports/keda-keda.sh';
import { ResolvedScalingBehavior, ScalingBehavior, resolveBehavior, scalingBehaviorSchema } from '../spec/behavior';
import { autoscalingLabels, gpuSignalProblems, replicaBoundsIssue, zDcgm, zIdentity, zMaxReplicas, zPreset } from '../autoscaling/common';
import { deploymentPodRegex, objectNames } from '../conventions';
import { DcgmConfig, MetricPreset, MetricPresetName, MetricScope } from '../metrics/presets';
import { CustomSignalName, ScalingSignals, SignalName, scalingSignalsSchema, targetNumber, usedSignals } from '../spec/signals';
import { DEFAULT_RATE_WINDOW_SECONDS, addSignalPresetIssues, decimalText, kedaQuery, resolvePreset } from '../metrics/signals';
import { withDefaults } from '../private/defaults';
import { KEDA_DEFAULTS, KedaFallbackSpec, ResolvedKedaFallback, kedaFallbackSchema, resolveKedaFallback } from '../spec/scaling';
import { seconds } from '../spec/workload';
import { zDnsLabel, zDurationBetween } from '../spec/values';
import { InferenceDeployment } from './inference-deployment';
import { WorkloadTarget, namespaceProblems, parseWithWorkload } from './workload-target';

/** KEDA activation thresholds per custom signal (only used when scaling from or to zero). */
export interface KedaActivationThresholds {
  /** @default - KEDA's default (0) */
  readonly gpu?: number;
  /** @default - KEDA's default (0) */
  readonly requestRate?: number;
  /** @default - KEDA's default (0) */
  readonly latencyP95?: number;
  /** @default - KEDA's default (0) */
  readonly queueDepth?: number;
  /** @default - KEDA's default (0) */
  readonly kvCacheUsage?: number;
  /** @default - KEDA's default (0) */
  readonly timeToFirstTokenP95?: number;
}

export interface KedaScaledObjectProps {
  /** Release name: the ScaledObject is `<name>-scaler` (conventions.ts objectNames), e.g. `ai-inference-scaler`. */
  readonly name: string;
  /**
   * The workload KEDA scales (its scaleTargetRef): an InferenceDeployment created with
   * `autoscaled: true`, or `fromPlusWorkload(deployment)` for a cdk8s-plus workload.
   */
  readonly workload: InferenceDeployment | WorkloadTarget;
  /**
   * Namespace of the ScaledObject and of the workload it scales; it also scopes the
   * trigger queries (unless `scope.namespace` says otherwise).
   */
  readonly namespace: string;
  /** minReplicaCount (seed 000: 3). */
  readonly minReplicas: number;
  /** maxReplicaCount (seed 000: 20). */
  readonly maxReplicas: number;
  /**
   * What to scale on: the same signals type as GpuHpa. cpu/memory become KEDA `cpu` /
   * `memory` triggers (metricType Utilization); the others prometheus triggers.
   */
  readonly signals: ScalingSignals;
  /**
   * Behavior of the HPA KEDA creates (`advanced.horizontalPodAutoscalerConfig.behavior`).
   * @default - seed 000, the same as GpuHpa's default
   */
  readonly behavior?: ScalingBehavior;
  /** Prometheus the triggers query, e.g. `http://kube-prometheus-stack-prometheus.monitoring.svc:9090`. */
  readonly serverAddress: string;
  /** Metric preset: which series the trigger queries read. @default 'generic' */
  readonly preset?: MetricPresetName | MetricPreset;
  /** dcgm-exporter metric and label names, field by field. @default - DEFAULT_DCGM */
  readonly dcgm?: Partial<DcgmConfig>;
  /**
   * Where the service's series live: `job` scopes the service's own series (the scraped
   * Service's name), `podRegex` the dcgm-exporter series.
   * @default - namespace: `namespace`; job: objectNames(name).internal; podRegex: deploymentPodRegex(workload name), `<name>-<hash>-<suffix>`
   */
  readonly scope?: Partial<MetricScope>;
  /** Window of rate() in the request-rate and p95 queries. @default Duration.minutes(2) */
  readonly rateWindow?: Duration;
  /** How often KEDA polls the triggers. @default Duration.seconds(30) */
  readonly pollingInterval?: Duration;
  /**
   * Wait after the last active trigger before scaling to zero. Only with minReplicas 0:
   * above 0, scale-down is the HPA's (`behavior.scaleDown`); KEDA v2.20.2
   * pkg/scaling/executor/scale_scaledobjects.go reads cooldownPeriod only in
   * scaleToZeroOrIdle, run for `currentReplicas > 0 && minReplicas == 0` (or an idleReplicaCount).
   * @default Duration.seconds(300)
   */
  readonly cooldownPeriod?: Duration;
  /**
   * `spec.fallback`: the replicas each prometheus trigger stands for once it has failed
   * `failureThreshold` polls in a row, so a Prometheus outage does not freeze the HPA (which
   * never scales down while a metric cannot be fetched). cpu/memory triggers have none
   * (metrics-server serves them); KEDA refuses a fallback when every trigger is cpu/memory.
   * `false` for none.
   * @default - failureThreshold 3, replicas max(1, minReplicas), behavior static; none when every trigger is cpu/memory
   */
  readonly fallback?: KedaFallbackSpec | false;
  /**
   * Activation thresholds of the prometheus triggers. KEDA uses them only between 0 and
   * 1 replica, so they need minReplicas 0.
   * @default - none
   */
  readonly activationThresholds?: KedaActivationThresholds;
  /** Extra labels on the ScaledObject. @default {} */
  readonly labels?: Record<string, string>;
}

/** Defaults of a KedaScaledObject's props: KEDA's timing from the scaling section (KEDA_DEFAULTS). */
export const KEDA_SCALED_OBJECT_DEFAULTS: Required<Pick<KedaScaledObjectProps, 'pollingInterval' | 'cooldownPeriod' | 'rateWindow'>> = {
  ...KEDA_DEFAULTS,
  rateWindow: Duration.seconds(DEFAULT_RATE_WINDOW_SECONDS),
};

const zActivation = z.number().min(0, 'must be 0 or more; raise it').optional();

export const kedaScaledObjectPropsSchema = z
  .object({
    ...zIdentity,
    namespace: zDnsLabel,
    minReplicas: z
      .number()
      .int('must be a whole number of pods; round it')
      .min(0, 'must be 0 or more; raise it'),
    maxReplicas: zMaxReplicas,
    signals: scalingSignalsSchema,
    behavior: scalingBehaviorSchema.optional(),
    serverAddress: z
      .string()
      .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an http(s) URL of Prometheus; e.g. http://kube-prometheus-stack-prometheus.monitoring.svc:9090'),
    preset: zPreset.optional(),
    dcgm: zDcgm.optional(),
    scope: z
      .object({ namespace: zDnsLabel.optional(), job: z.string().min(1, 'must not be empty').optional(), podRegex: z.string().min(1, 'must not be empty').optional() })
      .strict()
      .optional(),
    rateWindow: zDurationBetween(30, 3600, 'rate window: at least two scrapes, at most an hour').optional(),
    pollingInterval: zDurationBetween(1, 3600, 'KEDA polling interval').optional(),
    cooldownPeriod: zDurationBetween(0, 86400, 'KEDA cooldown period').optional(),
    activationThresholds: z
      .object({ gpu: zActivation, requestRate: zActivation, latencyP95: zActivation, queueDepth: zActivation, kvCacheUsage: zActivation, timeToFirstTokenP95: zActivation })
      .strict()
      .optional(),
    fallback: z.union([z.literal(false), kedaFallbackSchema]).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    addSignalPresetIssues(p.signals, p.preset, ctx);
    const fallback = p.fallback;
    if (fallback) {
      if (usedSignals(p.signals).every((s) => s === 'cpu' || s === 'memory')) {
        // KEDA v2.20.2 apis/keda/v1alpha1/scaledobject_types.go CheckFallbackValid, run by the webhook.
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['fallback'],
          message:
            'needs a trigger that is not cpu or memory: KEDA falls back only for the triggers it serves itself, and its webhook refuses the ScaledObject ("at least one trigger (that is not cpu or memory) has to have the `AverageValue` type for the fallback to be enabled"); add a custom signal or drop the fallback',
        });
      }
      // Only a well-formed count is compared with the bounds (the schema reports the others).
      const replicas = Number.isInteger(fallback.replicas) && fallback.replicas! >= 1 ? fallback.replicas : undefined;
      if (replicas !== undefined && replicas > p.maxReplicas) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['fallback', 'replicas'], message: `is above maxReplicas (${p.maxReplicas}), which the HPA never exceeds; lower it to at most ${p.maxReplicas}` });
      } else if (replicas !== undefined && replicas < p.minReplicas) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['fallback', 'replicas'],
          message: `is below minReplicas (${p.minReplicas}), which the HPA never goes under, so it would act as ${p.minReplicas}; raise it to at least ${p.minReplicas} or leave it out (the default is minReplicas)`,
        });
      }
    }
    const issue = replicaBoundsIssue(p.minReplicas, p.maxReplicas);
    if (issue) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['maxReplicas'], message: issue });
    const signals = usedSignals(p.signals);
    if (p.minReplicas === 0 && signals.every((s) => s === 'cpu' || s === 'memory')) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['minReplicas'],
        message:
          'is 0 but only cpu/memory triggers are set, and KEDA cannot scale to zero on them (an idle pod has no utilization to wake on); add a custom signal or raise minReplicas',
      });
    }
    for (const [signal, threshold] of Object.entries(p.activationThresholds ?? {})) {
      if (threshold === undefined) continue;
      const s = signal as CustomSignalName;
      if (p.signals[s] === undefined) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['activationThresholds', signal],
          message: `belongs to no trigger (signals.${signal} is not set); drop it or set the signal`,
        });
      } else if (p.minReplicas > 0) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['activationThresholds', signal],
          message: `has no effect with minReplicas ${p.minReplicas}: KEDA uses activation only between 0 and 1 replica; drop it or set minReplicas 0`,
        });
      }
    }
  }) satisfies z.ZodType<Omit<KedaScaledObjectProps, 'workload'>>;

/**
 * A KEDA `keda.sh/v1alpha1` ScaledObject for a workload (the InferenceDeployment): the alternative
 * to GpuHpa + prometheus-adapter. KEDA creates and owns the HPA (`keda-hpa-<name>`), so
 * never also emit a GpuHpa for the same workload, and the workload must not set
 * `spec.replicas`. A gpu signal on a workload known to have no GPU fails synth.
 *
 * Custom signals become prometheus triggers whose query returns one value for the whole
 * Deployment (for AverageValue the HPA divides it by the replicas); cpu/memory become
 * `cpu`/`memory` triggers with metricType Utilization. The HPA behavior is the same as
 * GpuHpa's, under `advanced.horizontalPodAutoscalerConfig.behavior`. Needs KEDA installed
 * in the cluster, and a Prometheus at `serverAddress` that scrapes the service (and
 * dcgm-exporter for the GPU signal).
 */
export class KedaScaledObject extends Construct {
  /** The ScaledObject API object. */
  public readonly resource: ScaledObject;
  /** Name of the ScaledObject. */
  public readonly name: string;
  public readonly namespace: string;
  /** The workload it scales. */
  public readonly workload: WorkloadTarget;
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  public readonly signals: ScalingSignals;
  /** The behavior as written into the manifest (defaults filled in). */
  public readonly behavior: ResolvedScalingBehavior;
  /** The resolved metric scope of the queries. */
  public readonly scope: MetricScope;
  /** The triggers, in manifest order. */
  public readonly triggers: readonly ScaledObjectSpecTriggers[];
  /** The fallback as written into the manifest; false: none. */
  public readonly fallback: ResolvedKedaFallback | false;

  constructor(scope: Construct, id: string, props: KedaScaledObjectProps) {
    super(scope, id);
    const { p, workload } = parseWithWorkload(kedaScaledObjectPropsSchema, props, `KedaScaledObject ${scope.node.path}/${id}`, (p, w) =>
      namespaceProblems(p.namespace, w),
    );
    const d = withDefaults(KEDA_SCALED_OBJECT_DEFAULTS, p);
    const names = objectNames(p.name);
    this.name = names.scaledObject;
    this.namespace = p.namespace;
    this.workload = workload;
    this.minReplicas = p.minReplicas;
    this.maxReplicas = p.maxReplicas;
    this.signals = p.signals;
    this.behavior = resolveBehavior(p.behavior);
    // The scope's defaults derive from the other props and the workload.
    this.scope = withDefaults<MetricScope>({ namespace: p.namespace, job: names.internal, podRegex: deploymentPodRegex(workload.name) }, p.scope);
    const options = {
      preset: resolvePreset(p.preset),
      dcgm: p.dcgm,
      rateWindowSeconds: seconds(d.rateWindow),
    };
    this.triggers = usedSignals(p.signals).map((s) => this.trigger(s, p, options));
    const onlyResources = usedSignals(p.signals).every((s) => s === 'cpu' || s === 'memory');
    this.fallback = p.fallback === undefined && onlyResources ? false : resolveKedaFallback(p.fallback, p.minReplicas);
    const fallback = this.fallback;

    this.resource = new ScaledObject(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: autoscalingLabels(p.name, p.labels) },
      spec: {
        scaleTargetRef: { apiVersion: workload.apiVersion, kind: workload.kind, name: workload.name },
        minReplicaCount: this.minReplicas,
        maxReplicaCount: this.maxReplicas,
        pollingInterval: seconds(d.pollingInterval),
        cooldownPeriod: seconds(d.cooldownPeriod),
        advanced: {
          horizontalPodAutoscalerConfig: {
            behavior: {
              scaleUp: { ...this.behavior.scaleUp, policies: [...this.behavior.scaleUp.policies] },
              scaleDown: { ...this.behavior.scaleDown, policies: [...this.behavior.scaleDown.policies] },
            },
          },
        },
        triggers: [...this.triggers],
        ...(fallback
          ? {
              fallback: {
                failureThreshold: fallback.failureThreshold,
                replicas: fallback.replicas,
                behavior: fallback.behavior as ScaledObjectSpecFallbackBehavior,
              },
            }
          : {}),
      },
    });
    this.node.addValidation({ validate: () => gpuSignalProblems(p.signals, workload) });
  }

  private trigger(
    signal: SignalName,
    p: Omit<KedaScaledObjectProps, 'workload'>,
    options: { preset: MetricPreset; dcgm?: Partial<DcgmConfig>; rateWindowSeconds: number },
  ): ScaledObjectSpecTriggers {
    const target = p.signals[signal]!;
    if (signal === 'cpu' || signal === 'memory') {
      return { type: signal, name: signal, metricType: 'Utilization', metadata: { value: decimalText(targetNumber(target)) } };
    }
    const q = kedaQuery(signal, this.scope, options);
    const activation = p.activationThresholds?.[signal];
    return {
      type: 'prometheus',
      name: signal,
      metricType: q.metricType,
      metadata: {
        serverAddress: p.serverAddress,
        query: q.query,
        threshold: decimalText(targetNumber(target)),
        ...(activation === undefined ? {} : { activationThreshold: decimalText(activation) }),
      },
    };
  }
}
