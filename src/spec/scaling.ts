/**
 * The scaling section: replica bounds (a range, or a pinned count), the backend that
 * serves the custom signals (prometheus-adapter or KEDA, a discriminated choice), the
 * signals, the behavior and the VPA.
 */
import { Duration, Size } from 'cdk8s';
import { z } from 'zod';
import { ScalingBehavior, scalingBehaviorSchema } from './behavior';
import { ScalingSignals, scalingSignalsSchema } from './signals';
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

/** Where KEDA's prometheus triggers send their queries. */
export interface KedaSpec {
  /** Prometheus the triggers query, e.g. http://kube-prometheus-stack-prometheus.monitoring.svc:9090 */
  readonly serverAddress: string;
  /** @default Duration.seconds(30) */
  readonly pollingInterval?: Duration;
  /** @default Duration.seconds(300) */
  readonly cooldownPeriod?: Duration;
}

export const zPrometheusUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an http(s) URL of Prometheus; e.g. http://kube-prometheus-stack-prometheus.monitoring.svc:9090');

export const kedaSpecSchema = z
  .object({
    serverAddress: zPrometheusUrl,
    pollingInterval: zDurationBetween(1, 3600, 'KEDA polling interval').optional(),
    cooldownPeriod: zDurationBetween(0, 86400, 'KEDA cooldown period').optional(),
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
  /** @default - seed 000: cpu 70 %, memory 75 %, GPU 70 %, 50 rps/pod, p95 1.5 s, queue 10 */
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
