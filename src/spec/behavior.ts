/**
 * The HPA `behavior` block (autoscaling/v2), typed and range-checked. Shared by GpuHpa and
 * KedaScaledObject (KEDA copies `advanced.horizontalPodAutoscalerConfig.behavior` into the
 * HPA it creates), so both autoscalers scale the same way. Pure data, no cdk8s.
 */
import { z } from 'zod';
import { INT32_MAX } from './values';

/** One scaling policy: at most `value` pods (or percent of current pods) per `periodSeconds`. */
export interface ScalingPolicy {
  /** `Pods`: an absolute number of pods; `Percent`: a percentage of the current replicas. */
  readonly type: 'Pods' | 'Percent';
  /** Pods or percent allowed per period; a whole number above 0. */
  readonly value: number;
  /** Length of the period the policy counts over, 1-1800 s. */
  readonly periodSeconds: number;
}

/** The rules of one direction (scale up or scale down). */
export interface ScalingRules {
  /**
   * The HPA acts on the most conservative recommendation of this window (the highest
   * for scale-down, the lowest for scale-up), 0-3600 s.
   * @default - the seed default of this direction (up 30 s, down 300 s)
   */
  readonly stabilizationWindowSeconds?: number;
  /**
   * How fast the replica count may change. At least one.
   * @default - the seed default of this direction (up 4 Pods / 60 s, down 1 Pod / 60 s)
   */
  readonly policies?: ScalingPolicy[];
  /**
   * Which policy wins when several apply: `Max` allows the largest change, `Min` the
   * smallest, `Disabled` turns this direction off.
   * @default 'Max'
   */
  readonly selectPolicy?: 'Max' | 'Min' | 'Disabled';
}

/** HPA behavior per direction. */
export interface ScalingBehavior {
  /** @default - stabilization 30 s, up to 4 pods per 60 s (seed 000: scale up fast) */
  readonly scaleUp?: ScalingRules;
  /** @default - stabilization 300 s, at most 1 pod per 60 s (seed 000: scale down slowly) */
  readonly scaleDown?: ScalingRules;
}

/** A fully resolved direction, as it is written into the manifest. */
export interface ResolvedScalingRules {
  readonly stabilizationWindowSeconds: number;
  readonly selectPolicy: 'Max' | 'Min' | 'Disabled';
  readonly policies: ScalingPolicy[];
}

export interface ResolvedScalingBehavior {
  readonly scaleUp: ResolvedScalingRules;
  readonly scaleDown: ResolvedScalingRules;
}

/**
 * Seed 000 behavior: scale up fast (stabilization 30 s, up to 4 pods per period), scale
 * down slowly (stabilization 300 s, at most 1 pod per period). The period is 60 s.
 */
export const SEED_BEHAVIOR: ResolvedScalingBehavior = {
  scaleUp: { stabilizationWindowSeconds: 30, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }] },
  scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
};

/**
 * Seed 002's two threshold profiles as far as an HPA can express them. The seed's cooldowns
 * (aggressive: up 30 s, down 120 s; conservative: up 60 s, down 300 s) are the HPA's
 * stabilization windows: it acts on the most conservative recommendation of the window. Its
 * separate up and down thresholds (CPU up 60/70/80 %, down 20/30/40 %) have no HPA
 * counterpart: an HPA holds ONE target per metric and scales both ways around it (with a
 * 10 % tolerance), so pick the scale-up threshold as the target; the pods it adds bring the
 * utilization back under it. The policies keep the library's defaults.
 */
export const SCALING_PROFILES = {
  aggressive: { scaleUp: { stabilizationWindowSeconds: 30 }, scaleDown: { stabilizationWindowSeconds: 120 } },
  conservative: { scaleUp: { stabilizationWindowSeconds: 60 }, scaleDown: { stabilizationWindowSeconds: 300 } },
} as const satisfies Record<string, ScalingBehavior>;

/**
 * Field ranges of autoscaling/v2 HPAScalingRules and HPAScalingPolicy, as the API server
 * validates them (Kubernetes API reference, HorizontalPodAutoscaler v2; REFERENCE.md).
 */
export const BEHAVIOR_LIMITS = {
  stabilizationWindowSeconds: { min: 0, max: 3600 },
  periodSeconds: { min: 1, max: 1800 },
} as const;

const L = BEHAVIOR_LIMITS;

const zPolicy = z
  .object({
    type: z.enum(['Pods', 'Percent'], {
      errorMap: () => ({ message: 'must be "Pods" (a number of pods) or "Percent" (of the current replicas); pick one' }),
    }),
    value: z
      .number()
      .int('must be a whole number; round it')
      .gt(0, 'must be above 0 (a policy that allows no change blocks scaling); use selectPolicy "Disabled" to turn a direction off')
      .max(INT32_MAX, `must fit the HPA's 32-bit field (at most ${INT32_MAX}); lower it`),
    periodSeconds: z
      .number()
      .int('must be a whole number of seconds; round it')
      .min(L.periodSeconds.min, `must be within ${L.periodSeconds.min}-${L.periodSeconds.max} s (HPA limit); pick a period in range`)
      .max(L.periodSeconds.max, `must be within ${L.periodSeconds.min}-${L.periodSeconds.max} s (HPA limit); pick a period in range`),
  })
  .strict();

const zRules = z
  .object({
    stabilizationWindowSeconds: z
      .number()
      .int('must be a whole number of seconds; round it')
      .min(L.stabilizationWindowSeconds.min, `must be within ${L.stabilizationWindowSeconds.min}-${L.stabilizationWindowSeconds.max} s (HPA limit); pick a window in range`)
      .max(L.stabilizationWindowSeconds.max, `must be within ${L.stabilizationWindowSeconds.min}-${L.stabilizationWindowSeconds.max} s (HPA limit); pick a window in range`)
      .optional(),
    policies: z
      .array(zPolicy)
      .min(1, 'must name at least one policy (the API server refuses an empty list); add one or leave policies out for the default')
      .optional(),
    selectPolicy: z
      .enum(['Max', 'Min', 'Disabled'], {
        errorMap: () => ({ message: 'must be "Max", "Min" or "Disabled"; pick one' }),
      })
      .optional(),
  })
  .strict();

/** zod schema of ScalingBehavior. */
export const scalingBehaviorSchema = z
  .object({ scaleUp: zRules.optional(), scaleDown: zRules.optional() })
  .strict() satisfies z.ZodType<ScalingBehavior>;

/** Fills every field not given from SEED_BEHAVIOR, per direction and per field. */
export function resolveBehavior(behavior: ScalingBehavior | undefined): ResolvedScalingBehavior {
  const merge = (rules: ScalingRules | undefined, defaults: ResolvedScalingRules): ResolvedScalingRules => ({
    stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
    selectPolicy: rules?.selectPolicy ?? defaults.selectPolicy,
    policies: (rules?.policies ?? defaults.policies).map((p) => ({ type: p.type, value: p.value, periodSeconds: p.periodSeconds })),
  });
  return {
    scaleUp: merge(behavior?.scaleUp, SEED_BEHAVIOR.scaleUp),
    scaleDown: merge(behavior?.scaleDown, SEED_BEHAVIOR.scaleDown),
  };
}
