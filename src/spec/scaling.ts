/**
 * The scaling section: replica bounds (a range, or a pinned count), the backend that
 * serves the custom signals (prometheus-adapter or KEDA, a discriminated choice), the
 * signals, the behavior and the VPA.
 */
import { Duration, Size } from 'cdk8s';
import { z } from 'zod';
import { withDefaults } from '../private/defaults';
import { ResolvedScalingBehavior, ScalingBehavior, resolveBehavior, scalingBehaviorSchema } from './behavior';
import { DEFAULT_SIGNALS, ScalingSignals, resolveSignalAliases, scalingSignalsSchema, usedSignals } from './signals';
import { CpuValue, zCpu, zDurationBetween, zInt, zSize } from './values';

/**
 * VPA update modes (autoscaling.k8s.io/v1, VPA CRD): `Off` only recommends; the others
 * apply requests: `Initial` at pod creation, `Recreate` by evicting pods, `InPlace` and
 * `InPlaceOrRecreate` by resizing running pods, `Auto` (today Recreate).
 */
export type VpaUpdateMode = 'Off' | 'Initial' | 'Recreate' | 'InPlaceOrRecreate' | 'InPlace' | 'Auto';

/** Update modes that change pod requests, and so can fight an HPA on the same resource. */
export const ACTING_UPDATE_MODES: readonly VpaUpdateMode[] = ['Initial', 'Recreate', 'InPlaceOrRecreate', 'InPlace', 'Auto'];

/** Resources a VPA controls. */
export type VpaResource = 'cpu' | 'memory';

/** Bounds of a recommendation. */
export interface VpaResourceBounds {
  /** @default - no bound */
  readonly cpu?: CpuValue;
  /** @default - no bound */
  readonly memory?: Size;
}

/** Policy for one container of the pod. */
export interface VpaContainerPolicy {
  /** Container name, or `*` for every container without its own policy. */
  readonly containerName: string;
  /** Lowest recommendation (e.g. cpu 1, memory 4Gi). @default - no lower bound */
  readonly minAllowed?: VpaResourceBounds;
  /** Highest recommendation (e.g. cpu 8, memory 32Gi). @default - no upper bound */
  readonly maxAllowed?: VpaResourceBounds;
  /** Resources the VPA recommends (and, in an acting mode, sets). @default ['cpu', 'memory'] */
  readonly controlledResources?: VpaResource[];
  /**
   * Whether an acting VPA sets requests only or requests and limits (keeping their ratio).
   * @default - the VPA default, RequestsAndLimits
   */
  readonly controlledValues?: 'RequestsAndLimits' | 'RequestsOnly';
}


export const VPA_UPDATE_MODES = ['Off', 'Initial', 'Recreate', 'InPlaceOrRecreate', 'InPlace', 'Auto'] as const satisfies readonly VpaUpdateMode[];

/** The VPA's defaults: recommendation only (seed 000). */
export const VPA_DEFAULTS = { updateMode: 'Off' } as const satisfies { updateMode: VpaUpdateMode };

/** Resources a VPA controls when a policy names none. */
export const DEFAULT_CONTROLLED_RESOURCES: readonly VpaResource[] = ['cpu', 'memory'];

export const vpaBoundsSchema = z.object({ cpu: zCpu.optional(), memory: zSize.optional() }).strict() satisfies z.ZodType<VpaResourceBounds>;

export const vpaUpdateModeSchema = z.enum(VPA_UPDATE_MODES);

export const vpaControlledResourcesSchema = z
  .array(z.enum(['cpu', 'memory']))
  .min(1, 'must name at least one resource; to leave a container alone drop its policy or remove it from the pod');

/** The VerticalPodAutoscaler of the inference container. */
export interface VpaSpec {
  /**
   * `Off` only recommends (seed 000). An acting mode is allowed only when the HPA does not
   * scale on a resource the VPA controls.
   * @default 'Off'
   */
  readonly updateMode?: VpaUpdateMode;
  /** Lower bounds of the recommendation. @default - none */
  readonly minAllowed?: VpaResourceBounds;
  /** Upper bounds of the recommendation. @default - none */
  readonly maxAllowed?: VpaResourceBounds;
  /** @default ['cpu', 'memory'] */
  readonly controlledResources?: VpaResource[];
}

export const vpaSpecSchema = z
  .object({
    updateMode: vpaUpdateModeSchema.optional(),
    minAllowed: vpaBoundsSchema.optional(),
    maxAllowed: vpaBoundsSchema.optional(),
    controlledResources: vpaControlledResourcesSchema.optional(),
  })
  .strict() satisfies z.ZodType<VpaSpec>;

/**
 * How KEDA's fallback computes the replicas a failing trigger stands for (KEDA v2.20.2,
 * apis/keda/v1alpha1/scaledobject_types.go `Fallback.Behavior`, enum
 * static;currentReplicas;currentReplicasIfHigher;currentReplicasIfLower;scalingModifiers,
 * default static; pkg/fallback/fallback.go doFallback): `static` the fallback replicas,
 * `currentReplicas` the count running now, `currentReplicasIfHigher` the larger of the two,
 * `currentReplicasIfLower` the smaller. (`scalingModifiers` needs a scaling formula, which
 * this library does not write.)
 */
export type KedaFallbackBehavior = 'static' | 'currentReplicas' | 'currentReplicasIfHigher' | 'currentReplicasIfLower';

export const KEDA_FALLBACK_BEHAVIORS = ['static', 'currentReplicas', 'currentReplicasIfHigher', 'currentReplicasIfLower'] as const satisfies readonly KedaFallbackBehavior[];

/**
 * KEDA's `spec.fallback`: what the prometheus triggers report while Prometheus cannot be
 * queried, so the HPA KEDA creates goes on scaling instead of freezing. In KEDA v2.20.2 it
 * covers every trigger KEDA itself serves (prometheus, AverageValue and Value; for Value
 * the replicas are divided by the ready pods, pkg/fallback/fallback.go doFallback) and never
 * the cpu/memory triggers, which the HPA reads from metrics-server; the admission webhook
 * refuses a fallback without at least one trigger that is not cpu or memory
 * (apis/keda/v1alpha1/scaledobject_types.go CheckFallbackValid).
 */
export interface KedaFallbackSpec {
  /**
   * Failed polls of a trigger in a row before its fallback applies (KEDA falls back once the
   * count exceeds it: pkg/fallback/fallback.go `NumberOfFailures > FailureThreshold`).
   * @default 3
   */
  readonly failureThreshold?: number;
  /**
   * Replicas the service holds at least while the prometheus triggers fail (with the
   * default behavior, the current count when that is higher).
   * @default - the autoscaler floor (scaling.minReplicas; 1 when it is 0)
   */
  readonly replicas?: number;
  /**
   * What KEDA does with `replicas` while the triggers fail. `currentReplicasIfHigher`
   * keeps the current count when it is above `replicas` (kedacore/keda v2.20
   * pkg/fallback/fallback.go: `currentReplicas > fallbackReplicas` wins): a Prometheus
   * outage at peak does not shrink the fleet to the floor, as `static` would.
   * @default 'currentReplicasIfHigher'
   */
  readonly behavior?: KedaFallbackBehavior;
}

/** Defaults of the fallback (the replicas default to the floor, see resolveKedaFallback). */
export const KEDA_FALLBACK_DEFAULTS: Required<Omit<KedaFallbackSpec, 'replicas'>> = {
  failureThreshold: 3,
  behavior: 'currentReplicasIfHigher',
};

/** The fallback with every default filled in. */
export type ResolvedKedaFallback = Required<KedaFallbackSpec>;

export const kedaFallbackSchema = z
  .object({
    failureThreshold: zInt(1, 100, 'failed polls in a row before the fallback applies; 0 would fall back on one failed poll').optional(),
    replicas: zInt(1, 10_000, 'replicas a failing trigger stands for; 0 lets KEDA scale the workload to zero while Prometheus is down').optional(),
    behavior: z.enum(KEDA_FALLBACK_BEHAVIORS).optional(),
  })
  .strict() satisfies z.ZodType<KedaFallbackSpec>;

/**
 * Fills the fallback: `false` stays false (none); else failureThreshold 3, behavior
 * `static` ({@link KEDA_FALLBACK_DEFAULTS}) and replicas the autoscaler floor (at least 1).
 */
export function resolveKedaFallback(fallback: KedaFallbackSpec | false | undefined, minReplicas: number): ResolvedKedaFallback | false {
  if (fallback === false) return false;
  return withDefaults<ResolvedKedaFallback>({ ...KEDA_FALLBACK_DEFAULTS, replicas: Math.max(1, minReplicas) }, fallback);
}

/** Where KEDA's prometheus triggers send their queries. */
export interface KedaSpec {
  /** Prometheus the triggers query, e.g. http://kube-prometheus-stack-prometheus.monitoring.svc:9090 */
  readonly serverAddress: string;
  /** @default Duration.seconds(30) */
  readonly pollingInterval?: Duration;
  /**
   * Wait after the last active trigger before KEDA scales the workload to ZERO; it acts only
   * with minReplicas 0. With minReplicas above 0 scale-down is the HPA's, paced by
   * scaling.behavior.scaleDown (KEDA v2.20.2 pkg/scaling/executor/scale_scaledobjects.go:
   * scaleToZeroOrIdle, the only reader of cooldownPeriod, runs for `currentReplicas > 0 &&
   * minReplicas == 0` or an idleReplicaCount).
   * @default Duration.seconds(300)
   */
  readonly cooldownPeriod?: Duration;
  /**
   * What the prometheus triggers report while Prometheus cannot be queried; `false` for
   * none (the HPA then stops scaling down until Prometheus answers again).
   * @default - failureThreshold 3, replicas the floor, behavior static (when any trigger is not cpu/memory)
   */
  readonly fallback?: KedaFallbackSpec | false;
}

/** Seed/REFERENCE.md defaults of a KEDA ScaledObject's timing. */
export const KEDA_DEFAULTS: Required<Omit<KedaSpec, 'serverAddress' | 'fallback'>> = {
  pollingInterval: Duration.seconds(30),
  cooldownPeriod: Duration.seconds(300),
};

export const zPrometheusUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an http(s) URL of Prometheus; e.g. http://kube-prometheus-stack-prometheus.monitoring.svc:9090');

export const kedaSpecSchema = z
  .object({
    serverAddress: zPrometheusUrl,
    pollingInterval: zDurationBetween(1, 3600, 'KEDA polling interval').optional(),
    cooldownPeriod: zDurationBetween(0, 86400, 'KEDA cooldown period').optional(),
    fallback: z.union([z.literal(false), kedaFallbackSchema]).optional(),
  })
  .strict() satisfies z.ZodType<KedaSpec>;

/** Fields of the scaling section common to both backends. */
interface ScalingFields {
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
  /**
   * @default - by server engine (DEFAULT_SIGNALS_BY_ENGINE): generic, seed 000 without memory
   * (cpu 70 %, GPU 70 %, 50 rps/pod, p95 1.5 s, queue 10); vllm, 5 waiting requests and
   * KV-cache usage 0.8 per pod; ollama, GPU 70 %
   */
  readonly signals?: ScalingSignals;
  /** @default - seed 000: up 30 s / 4 pods per 60 s, down 300 s / 1 pod per 60 s */
  readonly behavior?: ScalingBehavior;
  /** The VPA; `false` for none. @default - recommendation-only VPA without bounds */
  readonly vpa?: VpaSpec | false;
}

/** prometheus-adapter serves the custom signals to an HPA (the default backend). */
export interface AdapterScalingSpec extends ScalingFields {
  /** @default 'prometheus-adapter' */
  readonly backend?: 'prometheus-adapter';
}

/** A KEDA ScaledObject with prometheus triggers instead of an HPA (never both). */
export interface KedaScalingSpec extends ScalingFields {
  readonly backend: 'keda';
  /** Where the triggers query. */
  readonly keda: KedaSpec;
}

/**
 * The autoscalers. When present, an HPA (or KEDA) owns the replica count and the
 * Deployment carries no `spec.replicas`. `backend` chooses how the custom metrics reach
 * the autoscaler.
 */
export type ScalingSpec = AdapterScalingSpec | KedaScalingSpec;

export const SCALING_BACKENDS = ['prometheus-adapter', 'keda'] as const;
export type ScalingBackend = (typeof SCALING_BACKENDS)[number];

const replicaCount = (what: string) => zInt(1, 10_000, what);

const scalingFields = {
  minReplicas: replicaCount('fewest replicas; scaling to zero needs KEDA and an alpha HPA feature').optional(),
  maxReplicas: replicaCount('most replicas').optional(),
  pinnedReplicas: replicaCount('the fixed replica count').optional(),
  signals: scalingSignalsSchema.optional(),
  behavior: scalingBehaviorSchema.optional(),
  vpa: z.union([z.literal(false), vpaSpecSchema]).optional(),
};

export const scalingSchema = z
  .preprocess(
    // The default backend, so the discriminated union can choose without it being written.
    (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { backend?: unknown }).backend === undefined ? { ...v, backend: 'prometheus-adapter' } : v),
    z.discriminatedUnion('backend', [
      z.object({ backend: z.literal('prometheus-adapter'), ...scalingFields }).strict(),
      z.object({ backend: z.literal('keda'), keda: kedaSpecSchema, ...scalingFields }).strict(),
    ]),
  )
  .superRefine((s, ctx) => {
    if (s.pinnedReplicas !== undefined) {
      for (const key of ['minReplicas', 'maxReplicas'] as const) {
        if (s[key] !== undefined) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: 'cannot be set with scaling.pinnedReplicas, which sets minReplicas = maxReplicas itself; remove one of them' });
        }
      }
      return;
    }
    for (const key of ['minReplicas', 'maxReplicas'] as const) {
      if (s[key] === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: 'is required (or set scaling.pinnedReplicas for a fixed count); add it' });
    }
    if (s.minReplicas !== undefined && s.maxReplicas !== undefined && s.minReplicas > s.maxReplicas) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['maxReplicas'],
        message: `must be at least minReplicas (${s.minReplicas}); raise maxReplicas or lower minReplicas (for a fixed count use pinnedReplicas)`,
      });
    }
  }) as unknown as z.ZodType<ScalingSpec>;

// ---- resolution ------------------------------------------------------------------------

/** Defaults of the scaling section (seed 000); the behavior's are SEED_BEHAVIOR, the VPA's VPA_DEFAULTS. */
export const SCALING_DEFAULTS = {
  backend: 'prometheus-adapter',
  signals: DEFAULT_SIGNALS,
} as const satisfies { backend: ScalingBackend; signals: ScalingSignals };

/** The replica bounds the autoscaler works in, and the spec path that set each. */
export interface ReplicaBounds {
  readonly min: number;
  readonly max: number;
  readonly minPath: string;
  readonly maxPath: string;
}

/** The VPA section with every default filled in. */
export interface ResolvedVpa {
  readonly updateMode: VpaUpdateMode;
  /** Undefined: no lower bound. */
  readonly minAllowed?: VpaResourceBounds;
  /** Undefined: no upper bound. */
  readonly maxAllowed?: VpaResourceBounds;
  readonly controlledResources: readonly VpaResource[];
}

interface ResolvedScalingFields {
  /** min = max = pinnedReplicas when pinned. */
  readonly bounds: ReplicaBounds;
  readonly signals: ScalingSignals;
  readonly behavior: ResolvedScalingBehavior;
  /** false: no VPA. */
  readonly vpa: ResolvedVpa | false;
}

export interface ResolvedAdapterScaling extends ResolvedScalingFields {
  readonly backend: 'prometheus-adapter';
}

/** The keda section with its defaults: timing, and the fallback (false: none). */
export interface ResolvedKeda extends Required<Omit<KedaSpec, 'fallback'>> {
  /** false: no fallback (turned off, or every trigger is cpu/memory, which KEDA cannot fall back for). */
  readonly fallback: ResolvedKedaFallback | false;
}

export interface ResolvedKedaScaling extends ResolvedScalingFields {
  readonly backend: 'keda';
  readonly keda: ResolvedKeda;
}

/** The scaling section with every default filled in, discriminated by backend. */
export type ResolvedScaling = ResolvedAdapterScaling | ResolvedKedaScaling;

/**
 * Fills every default of the scaling section once: the backend, the replica bounds with
 * the spec path each came from (a pinned count gives min = max), the signals
 * (`defaultSignals`: the chart passes the engine's, DEFAULT_SIGNALS_BY_ENGINE; {@link SCALING_DEFAULTS} otherwise), the behavior (resolveBehavior), the VPA
 * (false, or {@link resolveVpa}), KEDA's timing ({@link KEDA_DEFAULTS}) and its fallback
 * ({@link resolveKedaFallback}; none when every signal is cpu/memory and none was written). A field
 * written as `undefined` takes its default.
 *
 * Expects shape-valid input (scalingSchema) and never throws: a bound the schema reports
 * as missing comes back NaN, which no later check mistakes for a count.
 */
export function resolveScaling(scaling: ScalingSpec, defaultSignals: ScalingSignals = SCALING_DEFAULTS.signals): ResolvedScaling {
  const fields: ResolvedScalingFields = {
    bounds: replicaBounds(scaling),
    signals: resolveSignalAliases(withDefaults<Pick<ResolvedScalingFields, 'signals'>>({ signals: defaultSignals }, scaling).signals),
    behavior: resolveBehavior(scaling.behavior),
    vpa: resolveVpa(scaling.vpa),
  };
  if (scaling.backend === 'keda') {
    const { fallback, ...timing } = scaling.keda;
    const timed = withDefaults<Required<Omit<KedaSpec, 'fallback'>>>({ ...KEDA_DEFAULTS, serverAddress: scaling.keda.serverAddress }, timing);
    // KEDA refuses a fallback when every trigger is cpu/memory: none then, unless written.
    const onlyResources = usedSignals(fields.signals).every((s) => s === 'cpu' || s === 'memory');
    const resolvedFallback = fallback === undefined && onlyResources ? false : resolveKedaFallback(fallback, fields.bounds.min);
    return { ...fields, backend: 'keda', keda: { ...timed, fallback: resolvedFallback } };
  }
  return { ...fields, backend: SCALING_DEFAULTS.backend };
}

function replicaBounds(scaling: ScalingSpec): ReplicaBounds {
  if (scaling.pinnedReplicas !== undefined) {
    const n = scaling.pinnedReplicas;
    return { min: n, max: n, minPath: 'scaling.pinnedReplicas', maxPath: 'scaling.pinnedReplicas' };
  }
  // Not defaults: the schema requires both without pinnedReplicas.
  return { min: scaling.minReplicas ?? NaN, max: scaling.maxReplicas ?? NaN, minPath: 'scaling.minReplicas', maxPath: 'scaling.maxReplicas' };
}

/**
 * Fills the VPA section: updateMode from {@link VPA_DEFAULTS} (recommendation only),
 * controlledResources from {@link DEFAULT_CONTROLLED_RESOURCES}; bounds stay as given.
 * `false` stays false (no VPA); an absent section is the default VPA.
 */
export function resolveVpa(vpa: VpaSpec | false | undefined): ResolvedVpa | false {
  if (vpa === false) return false;
  return withDefaults<ResolvedVpa>({ ...VPA_DEFAULTS, controlledResources: DEFAULT_CONTROLLED_RESOURCES }, vpa);
}
