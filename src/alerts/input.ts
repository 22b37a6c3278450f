import { Duration } from 'cdk8s';
import { z } from 'zod';
import { DEFAULT_DCGM, DcgmConfig, MetricPreset, MetricScope } from '../metrics/presets';
import { dcgmConfigSchema, metricPresetSchema } from '../spec/metrics';
import { parseOrThrow, zodProblems } from '../spec/problems';
import { zDnsLabel, zDnsSubdomain, zDuration } from '../spec/values';
import { AlertOverride, alertOverridesSchema } from '../spec/monitoring';
import { errorBudget } from '../spec/spec';

export type { AlertOverride };
export { alertOverridesSchema };
import {
  ALERT_CATALOGUE,
  AlertName,
  AlertSeverity,
  BURN_RATE_TIERS,
  LLM_BURN_ALERTS,
  ThresholdSource,
  ThresholdUnit,
  catalogueEntry,
  isAlertName,
  startupGraceSeconds,
} from './catalogue';
import { LONGEST_TIER_WINDOW } from './tiers';
import { LLM_SLIS, LLM_SLI_NAMES, llmObjectiveProblem } from './llm';

/** The service-level objective the SLO-derived alerts are computed from. */
export interface SloObjectives {
  /** Share of requests that must succeed, percent, e.g. 99.9. */
  readonly availabilityPercent: number;
  /** 95th-percentile response-time objective, seconds, e.g. 2. */
  readonly latencyP95Seconds: number;
  /** 99th-percentile response-time objective, seconds (not below the p95 one), e.g. 3. */
  readonly latencyP99Seconds: number;
  /**
   * Error-rate objective, percent, e.g. 1. InferenceErrorRateHigh must stay above it, or
   * it pages while the service meets its SLO.
   */
  readonly errorRatePercent: number;
  /** Request rate the service must sustain, requests per second, e.g. 1000. */
  readonly throughputRps: number;
  /** Window over which availability and the error budget count, e.g. Duration.days(30). */
  readonly period: Duration;
  /**
   * p95 time-to-first-token objective, seconds, on a bucket bound of the preset's
   * timeToFirstTokenHistogram (vLLM). @default - none: no TTFT burn-rate alerts
   */
  readonly timeToFirstTokenP95Seconds?: number;
  /**
   * p95 inter-token latency objective, seconds, on a bucket bound of the preset's
   * interTokenLatencyHistogram (vLLM). @default - none: no inter-token burn-rate alerts
   */
  readonly interTokenLatencyP95Seconds?: number;
}

/** Everything the alert rules of one inference service are derived from. */
export interface AlertRulesInput {
  /** Namespace, scrape job and pod-name regex of the service's series. */
  readonly scope: MetricScope;
  /** Name of the Deployment (names the rule groups and the `deployment` alert label). */
  readonly deployment: string;
  /**
   * Name of the HorizontalPodAutoscaler as kube-state-metrics reports it. For KEDA this is
   * the HPA KEDA creates: `keda-hpa-<ScaledObject name>`.
   */
  readonly hpaName: string;
  /** The autoscaler's replica ceiling (InferenceHpaAtMaxReplicas fires at it). */
  readonly maxReplicas: number;
  /**
   * The autoscaler's replica floor: InferenceGpuUnderutilized stays silent at it, and both
   * it and InferenceHpaAtMaxReplicas are left out when it equals maxReplicas.
   * @default 1
   */
  readonly minReplicas?: number;
  /**
   * How long a new pod may take to start: the startup probe's budget (probes.startupBudget),
   * plus the model download when an init container does it first (the chart passes
   * spec/workload.ts startupAllowance). InferencePodNotReady ignores a pod until this +
   * STARTUP_MARGIN after it started, and InferenceHpaScalingStuck waits at least as long.
   * @default Duration.minutes(5)
   */
  readonly startupBudget?: Duration;
  /** Which metric names the inference server exports. */
  readonly preset: MetricPreset;
  /** dcgm-exporter metric and label names. @default DEFAULT_DCGM */
  readonly dcgm?: DcgmConfig;
  /** The objective the latency, burn-rate, budget and throughput alerts follow. */
  readonly slo: SloObjectives;
  /** Queue depth per pod the autoscaler aims for (InferenceQueueDepthHigh fires above it). */
  readonly queueDepthTargetPerPod: number;
  /** Runbook page; each alert links to `<base>#<alert name in lower case>`. */
  readonly runbookBaseUrl: string;
  /** Per-alert overrides keyed by alert name; unknown names are errors. @default - none */
  readonly overrides?: Readonly<Partial<Record<AlertName, AlertOverride>>>;
  /** Evaluation interval of the rule groups. @default Duration.seconds(30) */
  readonly evaluationInterval?: Duration;
  /**
   * Whether the server exports series of its own. `false` (Ollama): the SLI recording rules,
   * which read the preset's request and error counters, are left out with the alerts that
   * read them; the pod, GPU, memory and autoscaler alerts stay.
   * @default true
   */
  readonly serverSeries?: boolean;
}

/** AlertRulesInput with its defaults filled in. */
export interface ResolvedAlertRulesInput extends Required<Omit<AlertRulesInput, 'overrides'>> {
  readonly overrides: Readonly<Partial<Record<AlertName, AlertOverride>>>;
}

const zPositive = (what: string) =>
  z.number().finite().positive(`must be a positive number (${what}); set it above 0`);

const zPreset = metricPresetSchema;
const zDcgm = dcgmConfigSchema;

const zScope = z
  .object({
    namespace: zDnsLabel,
    job: z
      .string()
      .min(1, 'must not be empty; use the name of the scraped Service')
      .regex(/^[^"\\\n]+$/, 'must not contain quotes, backslashes or newlines (it is a label value); use the scraped Service name'),
    podRegex: z
      .string()
      .min(1, 'must not be empty; use e.g. "<deployment>-.*"')
      .refine((re) => compiles(re), 'must be a valid regular expression (RE2 syntax); fix the pattern'),
  })
  .strict();

function compiles(re: string): boolean {
  try {
    new RegExp(re);
    return true;
  } catch {
    return false;
  }
}

const zWholeSeconds = (what: string) =>
  zDuration.refine((d) => d.toMilliseconds() % 1000 === 0 && d.toMilliseconds() > 0, {
    message: `must be a positive whole number of seconds (${what}); use Duration.seconds/minutes/hours/days`,
  });

const zSlo = z
  .object({
    availabilityPercent: z
      .number()
      .gt(0, 'must be above 0 % and below 100 %; e.g. 99.9')
      .lt(100, 'must be below 100 % (a 100 % objective leaves no error budget); e.g. 99.9'),
    latencyP95Seconds: zPositive('seconds'),
    latencyP99Seconds: zPositive('seconds'),
    errorRatePercent: z
      .number()
      .gt(0, 'must be above 0 % and below 100 %; e.g. 1')
      .lt(100, 'must be above 0 % and below 100 %; e.g. 1'),
    throughputRps: zPositive('requests per second'),
    period: zWholeSeconds('SLO period'),
    timeToFirstTokenP95Seconds: zPositive('seconds').optional(),
    interTokenLatencyP95Seconds: zPositive('seconds').optional(),
  })
  .strict();

/** Longest window any rule reads besides the period (the 3 d burn-rate tier). */
const LONGEST_TIER_WINDOW_MS = LONGEST_TIER_WINDOW.toMilliseconds();

/** Valid threshold range per unit: [exclusive minimum, inclusive maximum]. */
const UNIT_RANGE: Record<ThresholdUnit, readonly [number, number, string]> = {
  seconds: [0, Infinity, 'a positive number of seconds'],
  ratio: [0, 1, 'a ratio above 0 and at most 1 (0.9 = 90 %)'],
  percent: [0, 100, 'a percentage above 0 and at most 100'],
  requests: [0, Infinity, 'a positive number of requests'],
  replicas: [0, Infinity, 'a positive number of replicas'],
  restarts: [0, Infinity, 'a positive number of restarts'],
  'requests/s': [0, Infinity, 'a positive request rate'],
};

/**
 * zod schema of AlertRulesInput: shapes and ranges, the override names and units, and the
 * relations between values (p99 ≥ p95, burn thresholds below 100 %, error-rate alert above
 * the objective, GPU low below GPU high, period longer than the longest burn window).
 */
export const alertRulesInputSchema = z
  .object({
    scope: zScope,
    deployment: zDnsSubdomain,
    hpaName: zDnsSubdomain,
    maxReplicas: z.number().int('must be a whole number; fix maxReplicas').min(1, 'must be at least 1; fix maxReplicas'),
    minReplicas: z.number().int('must be a whole number; fix minReplicas').min(1, 'must be at least 1; fix minReplicas').optional(),
    startupBudget: zWholeSeconds('startup probe budget').optional(),
    preset: zPreset,
    dcgm: zDcgm.optional(),
    slo: zSlo,
    queueDepthTargetPerPod: zPositive('requests waiting per pod'),
    runbookBaseUrl: z
      .string()
      .regex(/^https?:\/\/[^\s#]+$/, 'must be an http(s) URL without a "#" fragment (the alert name is appended as the anchor); fix the URL'),
    overrides: alertOverridesSchema.optional(),
    evaluationInterval: zWholeSeconds('rule evaluation interval').optional(),
    serverSeries: z.boolean().optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    const overrides = input.overrides ?? {};
    for (const [name, override] of Object.entries(overrides)) {
      if (!isAlertName(name)) continue; // reported by alertOverridesSchema
      const entry = catalogueEntry(name);
      const kind = entry.threshold.kind;
      if (override.threshold !== undefined) {
        if (kind === 'none' || kind === 'burn-rate') {
          const budget = LLM_BURN_ALERTS.includes(name) ? 'the 5 % its p95 objective leaves' : 'slo.availabilityPercent';
          const why = kind === 'none' ? 'has no numeric threshold' : `takes its thresholds from the burn-rate tiers and ${budget}`;
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['overrides', name, 'threshold'], message: `${name} ${why}; remove threshold` });
        } else {
          const [min, max, text] = UNIT_RANGE[entry.threshold.unit];
          if (!(override.threshold > min && override.threshold <= max)) {
            ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['overrides', name, 'threshold'], message: `must be ${text} (${name} compares ${entry.threshold.unit}); fix the threshold` });
          }
        }
      }
      if (override.for !== undefined && kind === 'burn-rate') {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['overrides', name, 'for'], message: `${name} takes its \`for\` from the burn-rate tiers; remove for` });
      }
    }

    if (input.minReplicas !== undefined && Number.isInteger(input.maxReplicas) && input.minReplicas > input.maxReplicas) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['minReplicas'],
        message: `must not be above maxReplicas (${input.maxReplicas}); lower minReplicas or raise maxReplicas`,
      });
    }
    const slo = input.slo;
    if (slo.latencyP99Seconds < slo.latencyP95Seconds) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['slo', 'latencyP99Seconds'],
        message: `must not be below slo.latencyP95Seconds (${slo.latencyP95Seconds}), a 99th percentile is never faster than the 95th; raise latencyP99Seconds or lower latencyP95Seconds`,
      });
    }
    // The LLM objectives need the preset's histogram, at one of its bucket bounds.
    for (const name of LLM_SLI_NAMES) {
      const sli = LLM_SLIS[name];
      const seconds = slo[sli.objective];
      if (seconds === undefined || !(seconds > 0)) continue; // a non-positive one is reported by zSlo
      const problem = llmObjectiveProblem(sli, seconds, input.preset as MetricPreset);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['slo', sli.objective], message: problem });
    }
    const budget = errorBudget(slo.availabilityPercent);
    for (const tier of BURN_RATE_TIERS) {
      if (overrides[tier.alert]?.enabled === false) continue;
      // The LLM tiers spend the fixed 5 % of a p95 objective, never above 100 %.
      if (LLM_BURN_ALERTS.includes(tier.alert)) continue;
      if (tier.burnRate * budget >= 1) {
        const minimum = 100 * (1 - 1 / tier.burnRate);
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['slo', 'availabilityPercent'],
          message: `makes the ${tier.burnRate}× burn threshold of ${tier.alert} ${Number((tier.burnRate * budget).toPrecision(4))}, an error ratio above 100 % that can never occur; use an objective above ${Number(minimum.toPrecision(4))} % or disable ${tier.alert}`,
        });
      }
    }
    if (input.slo.period.toMilliseconds() < LONGEST_TIER_WINDOW_MS) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['slo', 'period'],
        message: `must be at least ${LONGEST_TIER_WINDOW_MS / 86_400_000} days, the longest burn-rate window; use a longer SLO period (30 days is the usual)`,
      });
    }
    const errorRateHigh = overrides.InferenceErrorRateHigh;
    const errorRateThreshold = errorRateHigh?.threshold ?? fixedDefault('InferenceErrorRateHigh');
    if (errorRateHigh?.enabled !== false && errorRateThreshold <= slo.errorRatePercent / 100) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: errorRateHigh?.threshold !== undefined ? ['overrides', 'InferenceErrorRateHigh', 'threshold'] : ['slo', 'errorRatePercent'],
        message: `puts InferenceErrorRateHigh (error ratio > ${errorRateThreshold}) at or below the error-rate objective (${slo.errorRatePercent} %), so it pages while the SLO is met; raise the alert threshold or lower slo.errorRatePercent`,
      });
    }
    const high = overrides.InferenceGpuUtilizationHigh;
    const low = overrides.InferenceGpuUnderutilized;
    const highValue = high?.threshold ?? fixedDefault('InferenceGpuUtilizationHigh');
    const lowValue = low?.threshold ?? fixedDefault('InferenceGpuUnderutilized');
    if (high?.enabled !== false && low?.enabled !== false && lowValue >= highValue) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['overrides', low?.threshold !== undefined ? 'InferenceGpuUnderutilized' : 'InferenceGpuUtilizationHigh', 'threshold'],
        message: `leaves InferenceGpuUnderutilized (< ${lowValue} %) not below InferenceGpuUtilizationHigh (> ${highValue} %), so both can fire at once; keep the low threshold below the high one`,
      });
    }
  }) satisfies z.ZodType<AlertRulesInput, z.ZodTypeDef, unknown>;

function fixedDefault(name: AlertName): number {
  const t = catalogueEntry(name).threshold;
  if (t.kind !== 'fixed') throw new Error(`${name} has no fixed default threshold`);
  return t.value;
}

/**
 * Validates `input` and returns the problems, one `path (value) rule; fix` line each;
 * empty when the input is valid.
 */
export function validateAlertRulesInput(input: unknown): string[] {
  return zodProblems(alertRulesInputSchema, input);
}

/** Validates (throwing an InferenceValidationError naming every problem) and fills defaults. */
export function resolveAlertRulesInput(input: AlertRulesInput): ResolvedAlertRulesInput {
  parseOrThrow(alertRulesInputSchema, input, 'AlertRulesInput');
  return {
    ...input,
    dcgm: input.dcgm ?? DEFAULT_DCGM,
    minReplicas: input.minReplicas ?? 1,
    startupBudget: input.startupBudget ?? Duration.minutes(5),
    overrides: input.overrides ?? {},
    evaluationInterval: input.evaluationInterval ?? Duration.seconds(30),
    serverSeries: input.serverSeries ?? true,
  };
}

/** One alert after defaults, SLO and overrides are applied. */
export interface ResolvedAlert {
  readonly name: AlertName;
  readonly severity: AlertSeverity;
  /**
   * false when disabled by an override, or left out because the preset lacks a series or
   * the alert cannot fire for this input (see the catalogue entry's omittedFor).
   */
  readonly included: boolean;
  /** Why the alert is left out, when it is. */
  readonly omittedBecause?: string;
  /**
   * The threshold its expression compares, in `unit`; undefined for state and burn-rate
   * alerts, and for an optional threshold nobody set.
   */
  readonly threshold?: number;
  readonly unit?: ThresholdUnit;
  /** Its `for`; undefined for the burn-rate alerts (see BURN_RATE_TIERS). */
  readonly for?: Duration;
}

function derivedValue(from: ThresholdSource, input: ResolvedAlertRulesInput): number {
  switch (from) {
    case 'slo.latencyP95Seconds':
      return input.slo.latencyP95Seconds;
    case 'slo.latencyP99Seconds':
      return input.slo.latencyP99Seconds;
    case 'slo.availability':
      return Number((input.slo.availabilityPercent / 100).toPrecision(12));
    case 'queueDepthTargetPerPod':
      return input.queueDepthTargetPerPod;
    case 'maxReplicas':
      return input.maxReplicas;
    case 'startupGrace':
      return startupGraceSeconds(input);
  }
}

/**
 * Every alert of the catalogue with its effective severity, threshold and `for` for
 * `input` (validated first). Disabled and not-applicable alerts are listed with
 * included: false.
 */
export function resolveAlerts(input: AlertRulesInput): Record<AlertName, ResolvedAlert> {
  return resolveAlertsOf(resolveAlertRulesInput(input));
}

/** resolveAlerts of an input already validated and resolved. */
export function resolveAlertsOf(resolved: ResolvedAlertRulesInput): Record<AlertName, ResolvedAlert> {
  const out = {} as Record<AlertName, ResolvedAlert>;
  for (const entry of ALERT_CATALOGUE) {
    const override = resolved.overrides[entry.name] ?? {};
    const omitted = entry.omittedFor?.(resolved);
    const t = entry.threshold;
    let threshold: number | undefined;
    let unit: ThresholdUnit | undefined;
    if (t.kind === 'fixed') {
      threshold = override.threshold ?? t.value;
      unit = t.unit;
    } else if (t.kind === 'derived') {
      threshold = override.threshold ?? derivedValue(t.from, resolved);
      unit = t.unit;
    } else if (t.kind === 'optional') {
      threshold = override.threshold;
      unit = t.unit;
    }
    let forDuration = entry.for === undefined ? undefined : override.for ?? entry.for;
    if (forDuration && override.for === undefined && entry.forAtLeast === 'startupGrace') {
      forDuration = Duration.seconds(Math.max(forDuration.toSeconds(), startupGraceSeconds(resolved)));
    }
    out[entry.name] = {
      name: entry.name,
      severity: entry.severity,
      included: override.enabled !== false && omitted === undefined,
      omittedBecause: override.enabled === false ? 'disabled by an override' : omitted,
      threshold,
      unit,
      for: forDuration,
    };
  }
  return out;
}
