import { Duration } from 'cdk8s';
import { RECORDING_RULES } from '../conventions';
import { MetricScope, SeriesRef, leRegex, selector } from '../metrics/presets';
import { assertPromql } from '../metrics/promql';
import { AlertName, AlertSeverity, BURN_RATE_TIERS, BurnRateTier } from './catalogue';
import { humanThreshold, toPromDuration, promNumber, promString } from './format';
import { runbookAnchor } from './runbook';
import { AlertRulesInput, ResolvedAlert, ResolvedAlertRulesInput, errorBudget, resolveAlertRulesInput, resolveAlerts } from './input';

/** A recording rule of a Prometheus rule file. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** An alerting rule of a Prometheus rule file. */
export interface AlertingRule {
  readonly alert: AlertName;
  readonly expr: string;
  /** Prometheus duration; absent when the alert fires on the first evaluation. */
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>> & { readonly severity: AlertSeverity };
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    readonly runbook_url: string;
  };
}

export type Rule = RecordingRule | AlertingRule;

/** A rule group as Prometheus reads it (the `groups[]` of a rule file). */
export interface RuleGroup {
  readonly name: string;
  /** Evaluation interval, a Prometheus duration. */
  readonly interval: string;
  readonly rules: readonly Rule[];
}

/** A plain Prometheus rule file (what `promtool check rules` reads). */
export interface RuleFile {
  readonly groups: readonly RuleGroup[];
}

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}

/** Recording rule: error ratio (errors / requests) of the service over `window`. */
export function errorRatioRecordName(window: Duration): string {
  return RECORDING_RULES.errorRatio(toPromDuration(window));
}

/**
 * Recording rule: share of requests answered within the p95 latency objective over
 * `window` (reads the histogram bucket whose `le` is the objective, so the objective must
 * be a bucket boundary of the server's histogram).
 */
export function latencyWithinObjectiveRecordName(window: Duration): string {
  return RECORDING_RULES.withinLatencyObjective(toPromDuration(window));
}

/** The windows the SLI ratios are recorded over: every burn-rate window plus the SLO period. */
export function sliWindows(period: Duration): Duration[] {
  const all = [...BURN_RATE_TIERS.flatMap((t) => [t.shortWindow, t.longWindow]), period];
  const byMs = new Map<number, Duration>();
  for (const w of all) byMs.set(w.toMilliseconds(), w);
  return [...byMs.entries()].sort((a, b) => a[0] - b[0]).map(([, w]) => w);
}

/**
 * Windows of the non-SLO expressions. Source: issue 4 catalogue table (latency and error
 * ratio over 5m); the 15 minute model-load window is a library default (long enough to see
 * two restarts of a crash-looping container under the kubelet's back-off).
 */
export const EXPRESSION_WINDOWS = {
  latency: Duration.minutes(5),
  errorRatio: Duration.minutes(5),
  requestRate: Duration.minutes(5),
  modelLoad: Duration.minutes(15),
} as const;

/** Group names of one service's rules. */
export function ruleGroupNames(deployment: string): { readonly recording: string; readonly alerts: string } {
  return { recording: `${deployment}-sli`, alerts: `${deployment}-alerts` };
}

/**
 * The rule groups of one inference service: a group of recording rules (error ratio and
 * latency SLI over every burn-rate window and the SLO period) and a group with the alert
 * catalogue. Validates `input` first (InferenceValidationError naming every problem) and
 * parses every expression with the Prometheus grammar (an error names the rule).
 *
 * Alerts whose series the preset lacks are left out: with the vLLM preset there is no
 * InferenceCacheHitRateLow (no cache hit ratio series), no InferenceDbPoolSaturated (no
 * pool series) and no InferenceBiasScoreHigh (no bias score series); its
 * InferenceModelLoadFailed uses only the kube-state-metrics restart condition (no
 * failure counter). resolveAlerts() lists what is left out and why.
 */
export function buildAlertRuleGroups(input: AlertRulesInput): RuleGroup[] {
  const resolved = resolveAlertRulesInput(input);
  const alerts = resolveAlerts(input);
  const b = new ExprBuilder(resolved);
  const names = ruleGroupNames(resolved.deployment);
  const interval = toPromDuration(resolved.evaluationInterval);

  const recording: RecordingRule[] = [];
  for (const window of sliWindows(resolved.slo.period)) {
    recording.push({ record: errorRatioRecordName(window), expr: b.errorRatio(window) });
  }
  for (const window of sliWindows(resolved.slo.period)) {
    recording.push({ record: latencyWithinObjectiveRecordName(window), expr: b.latencyWithin(resolved.slo.latencyP95Seconds, window) });
  }

  const alerting: AlertingRule[] = [];
  for (const alert of Object.values(alerts)) {
    if (!alert.included) continue;
    alerting.push(...alertRules(alert, resolved, b));
  }

  const groups: RuleGroup[] = [
    { name: names.recording, interval, rules: recording },
    { name: names.alerts, interval, rules: alerting },
  ].filter((g) => g.rules.length > 0); // every alert disabled: no empty alert group
  for (const group of groups) {
    for (const rule of group.rules) {
      const what = isAlertingRule(rule) ? `${rule.alert}${rule.labels.long_window ? ` (${rule.labels.long_window}/${rule.labels.short_window})` : ''}` : rule.record;
      assertPromql(`rule group ${group.name}, rule ${what}`, rule.expr);
    }
  }
  return groups;
}

/** The plain rule file (`groups:`) of `input`, e.g. for `promtool check rules`. */
export function buildRuleFile(input: AlertRulesInput): RuleFile {
  return { groups: buildAlertRuleGroups(input) };
}

/** Builds the selectors of one service. */
class ExprBuilder {
  readonly scope: MetricScope;
  constructor(readonly input: ResolvedAlertRulesInput) {
    this.scope = input.scope;
  }

  /** A series of the service itself: namespace + job (+ the preset's matchers). */
  own(ref: SeriesRef, extra?: string, suffix = ''): string {
    return selector(ref, this.scope, extra, suffix);
  }

  /** A kube-state-metrics or cAdvisor series of the service's pods: namespace + pod regex. */
  pods(metric: string, extra?: string): string {
    const parts = [`namespace=${promString(this.scope.namespace)}`, `pod=~${promString(this.scope.podRegex)}`];
    if (extra) parts.push(extra);
    return `${metric}{${parts.join(',')}}`;
  }

  /** A dcgm-exporter series of the service's pods, by the configured pod/namespace labels. */
  gpu(metric: string): string {
    const d = this.input.dcgm;
    return `${metric}{${d.namespaceLabel}=${promString(this.scope.namespace)},${d.podLabel}=~${promString(this.scope.podRegex)}}`;
  }

  /** A kube-state-metrics HPA series of the service's autoscaler. */
  hpa(metric: string): string {
    return `${metric}{namespace=${promString(this.scope.namespace)},horizontalpodautoscaler=${promString(this.input.hpaName)}}`;
  }

  /** A recorded series of this service. */
  recorded(name: string): string {
    return `${name}{namespace=${promString(this.scope.namespace)},job=${promString(this.scope.job)}}`;
  }

  errorRatio(window: Duration): string {
    const w = toPromDuration(window);
    const p = this.input.preset;
    return `sum by (namespace, job) (rate(${this.own(p.errors)}[${w}]))\n/\nsum by (namespace, job) (rate(${this.own(p.requests)}[${w}]))`;
  }

  latencyWithin(objectiveSeconds: number, window: Duration): string {
    const w = toPromDuration(window);
    const h = { metric: this.input.preset.latencyHistogram };
    return `sum by (namespace, job) (rate(${this.own(h, `le=~"${leRegex(objectiveSeconds)}"`, '_bucket')}[${w}]))\n/\nsum by (namespace, job) (rate(${this.own(h, undefined, '_count')}[${w}]))`;
  }

  quantile(q: number): string {
    const h = { metric: this.input.preset.latencyHistogram };
    return `histogram_quantile(${q}, sum by (namespace, job, le) (rate(${this.own(h, undefined, '_bucket')}[${toPromDuration(EXPRESSION_WINDOWS.latency)}])))`;
  }
}

const VALUE = {
  seconds: '{{ $value | humanizeDuration }}',
  ratio: '{{ $value | humanizePercentage }}',
  number: '{{ $value | humanize }}',
  raw: '{{ $value }}',
} as const;

function alertRules(alert: ResolvedAlert, input: ResolvedAlertRulesInput, b: ExprBuilder): AlertingRule[] {
  const ns = input.scope.namespace;
  const dep = input.deployment;
  const p = input.preset;
  const th = alert.threshold === undefined ? '' : promNumber(alert.threshold);
  const thText = alert.threshold === undefined ? '' : humanThreshold(alert.threshold, alert.unit ?? '');
  const forText = alert.for ? toPromDuration(alert.for) : '';
  const where = `${dep} in namespace ${ns}`;
  const slo = input.slo;

  const rule = (expr: string, summary: string, description: string, extraLabels: Record<string, string> = {}, forOverride?: Duration): AlertingRule => {
    const forDuration = forOverride ?? alert.for;
    return {
      alert: alert.name,
      expr,
      ...(forDuration && forDuration.toMilliseconds() > 0 ? { for: toPromDuration(forDuration) } : {}),
      labels: { severity: alert.severity, namespace: ns, deployment: dep, ...extraLabels },
      annotations: {
        summary,
        description,
        runbook_url: `${input.runbookBaseUrl}#${runbookAnchor(alert.name)}`,
      },
    };
  };

  switch (alert.name) {
    case 'InferenceLatencyP95SLOBreach':
      return [rule(
        `${b.quantile(0.95)} > ${th}`,
        `p95 latency of ${dep} is above the ${thText} SLO objective`,
        `The 95th-percentile response time of ${where} over the last ${toPromDuration(EXPRESSION_WINDOWS.latency)} is ${VALUE.seconds}, above the SLO objective of ${thText}.`,
      )];
    case 'InferenceLatencyP99High':
      return [rule(
        `${b.quantile(0.99)} > ${th}`,
        `p99 latency of ${dep} is above the ${thText} objective`,
        `The 99th-percentile response time of ${where} over the last ${toPromDuration(EXPRESSION_WINDOWS.latency)} is ${VALUE.seconds}, above the p99 objective of ${thText}.`,
      )];
    case 'InferenceErrorRateHigh':
      return [rule(
        `${b.recorded(errorRatioRecordName(EXPRESSION_WINDOWS.errorRatio))} > ${th}`,
        `Error ratio of ${dep} is above ${thText}`,
        `${VALUE.ratio} of the requests to ${where} failed over the last ${toPromDuration(EXPRESSION_WINDOWS.errorRatio)}, above the alert threshold of ${thText} (SLO error-rate objective: ${promNumber(slo.errorRatePercent)}%).`,
      )];
    case 'InferencePodNotReady':
      return [rule(
        `sum by (namespace, pod) (${b.pods('kube_pod_status_ready', 'condition="true"')}) == 0`,
        `A pod of ${dep} is not ready`,
        `Pod {{ $labels.pod }} of Deployment ${dep} in namespace ${ns} has not been Ready for ${forText} (Ready condition: ${VALUE.raw}).`,
      )];
    case 'InferenceModelLoadFailed': {
      const w = toPromDuration(EXPRESSION_WINDOWS.modelLoad);
      const restarts = `(sum by (namespace, pod) (changes(${b.pods('kube_pod_container_status_restarts_total')}[${w}])) >= ${th})\nand on (namespace, pod)\n(max by (namespace, pod) (${b.pods('kube_pod_container_status_ready')}) == 0)`;
      const failures = p.modelLoadFailures
        ? `(sum by (namespace, pod) (increase(${b.own(p.modelLoadFailures)}[${w}])) > 0)\nor\n`
        : '';
      const what = p.modelLoadFailures
        ? `${VALUE.number} failed model loads, or restarts without becoming Ready,`
        : `${VALUE.number} restarts without becoming Ready`;
      return [rule(
        `${failures}(\n${restarts}\n)`,
        `${dep} failed to load its model`,
        `Pod {{ $labels.pod }} of ${where} cannot load its model: ${what} in the last ${w}.`,
      )];
    }
    case 'InferenceErrorBudgetBurnFast':
    case 'InferenceErrorBudgetBurnSlow':
      return BURN_RATE_TIERS.filter((t) => t.alert === alert.name).map((tier) => burnRule(tier, input, b, rule));
    case 'InferenceErrorBudgetExhausted': {
      const period = toPromDuration(slo.period);
      return [rule(
        `1 - ${b.recorded(errorRatioRecordName(slo.period))} < ${th}`,
        `${dep} has spent its error budget for the ${period} SLO period`,
        `Availability of ${where} over the last ${period} is ${VALUE.ratio}, below the ${thText} objective: the error budget is exhausted.`,
      )];
    }
    case 'InferenceGpuUtilizationHigh':
      return [rule(
        `avg(${b.gpu(input.dcgm.utilizationMetric)}) > ${th}`,
        `GPUs of ${dep} are above ${thText} utilization`,
        `Mean GPU utilization of the pods of ${where} is ${VALUE.number}%, above ${thText} for ${forText}.`,
      )];
    case 'InferenceGpuUnderutilized':
      return [rule(
        `avg(${b.gpu(input.dcgm.utilizationMetric)}) < ${th}`,
        `GPUs of ${dep} are below ${thText} utilization`,
        `Mean GPU utilization of the pods of ${where} is ${VALUE.number}%, below ${thText} for ${forText}: GPUs are paid for and idle.`,
      )];
    case 'InferenceMemoryUsageHigh':
      return [rule(
        `max by (namespace, pod, container) (${b.pods('container_memory_working_set_bytes', 'container!="",container!="POD"')})\n/ on (namespace, pod, container)\nmax by (namespace, pod, container) (${b.pods('kube_pod_container_resource_limits', 'resource="memory"')})\n> ${th}`,
        `A container of ${dep} is close to its memory limit`,
        `Container {{ $labels.container }} of pod {{ $labels.pod }} (${dep}, namespace ${ns}) uses ${VALUE.ratio} of its memory limit, above ${thText}.`,
      )];
    case 'InferenceQueueDepthHigh':
      return [rule(
        `avg by (namespace, job) (sum by (namespace, job, pod) (${b.own(p.queueDepth)})) > ${th}`,
        `Requests are queueing in ${dep}`,
        `${VALUE.number} requests wait per pod of ${where} on average, above the autoscaler's target of ${thText}.`,
      )];
    case 'InferenceCacheHitRateLow':
      return [rule(
        `avg by (namespace, job) (${b.own(p.cacheHitRatio!)}) < ${th}`,
        `Cache hit ratio of ${dep} is below ${thText}`,
        `The cache hit ratio of ${where} is ${VALUE.ratio}, below ${thText} for ${forText}.`,
      )];
    case 'InferenceDbPoolSaturated':
      return [rule(
        `sum by (namespace, job, pod) (${b.own(p.dbPoolInUse!)})\n/\nsum by (namespace, job, pod) (${b.own(p.dbPoolMax!)})\n> ${th}`,
        `Database connection pool of ${dep} is nearly full`,
        `Pod {{ $labels.pod }} of ${where} uses ${VALUE.ratio} of its database connection pool, above ${thText}.`,
      )];
    case 'InferenceHpaAtMaxReplicas':
      return [rule(
        `max by (namespace, horizontalpodautoscaler) (${b.hpa('kube_horizontalpodautoscaler_status_current_replicas')}) >= ${th}`,
        `Autoscaler of ${dep} is at its maximum replicas`,
        `HorizontalPodAutoscaler ${input.hpaName} in namespace ${ns} has run ${VALUE.number} replicas (maximum ${th}) for ${forText}: more load cannot be absorbed.`,
      )];
    case 'InferenceHpaScalingStuck':
      return [rule(
        `max by (namespace, horizontalpodautoscaler) (${b.hpa('kube_horizontalpodautoscaler_status_desired_replicas')})\n-\nmax by (namespace, horizontalpodautoscaler) (${b.hpa('kube_horizontalpodautoscaler_status_current_replicas')})\n> 0`,
        `Autoscaler of ${dep} cannot reach its desired replicas`,
        `HorizontalPodAutoscaler ${input.hpaName} in namespace ${ns} has wanted ${VALUE.number} more replicas than are running for ${forText}.`,
      )];
    case 'InferenceThroughputLow':
      return [rule(
        `sum by (namespace, job) (rate(${b.own(p.requests)}[${toPromDuration(EXPRESSION_WINDOWS.requestRate)}])) < ${th}`,
        `Request rate of ${dep} is below ${thText}`,
        `${where} serves ${VALUE.number} req/s, below the floor of ${thText} for ${forText}.`,
      )];
    case 'InferenceBiasScoreHigh': {
      const w = toPromDuration(EXPRESSION_WINDOWS.requestRate);
      return [rule(
        `sum by (namespace, job) (rate(${b.own(p.highBiasScores!)}[${w}]))\n/\nsum by (namespace, job) (rate(${b.own(p.requests)}[${w}]))\n> ${th}`,
        `Responses of ${dep} often have a high bias score`,
        `${VALUE.ratio} of the responses of ${where} had a high bias score over the last ${w}, above ${thText}.`,
      )];
    }
  }
}

/** A share as short text: 4 significant digits (2.142857… → 2.143). */
function fourDigits(n: number): string {
  return String(Number(n.toPrecision(4)));
}

function burnRule(
  tier: BurnRateTier,
  input: ResolvedAlertRulesInput,
  b: ExprBuilder,
  rule: (expr: string, summary: string, description: string, labels: Record<string, string>, forOverride: Duration) => AlertingRule,
): AlertingRule {
  const budget = errorBudget(input.slo.availabilityPercent);
  const threshold = promNumber(tier.burnRate * budget);
  const long = toPromDuration(tier.longWindow);
  const short = toPromDuration(tier.shortWindow);
  const period = toPromDuration(input.slo.period);
  const spent = fourDigits((100 * tier.burnRate * tier.longWindow.toMilliseconds()) / input.slo.period.toMilliseconds());
  const dep = input.deployment;
  return rule(
    `${b.recorded(errorRatioRecordName(tier.longWindow))} > ${threshold}\nand\n${b.recorded(errorRatioRecordName(tier.shortWindow))} > ${threshold}`,
    `${dep} is burning its error budget at ${promNumber(tier.burnRate)}× the sustainable rate (${long}/${short})`,
    `The error ratio of ${dep} in namespace ${input.scope.namespace} is ${VALUE.ratio} over ${long} and also above ${humanThreshold(tier.burnRate * budget, 'ratio')} over ${short}: ${promNumber(tier.burnRate)} times the ${humanThreshold(budget, 'ratio')} that the ${promNumber(input.slo.availabilityPercent)}% availability objective allows. At this rate ${spent}% of the ${period} error budget is spent in ${long}.`,
    { long_window: long, short_window: short },
    tier.for,
  );
}
