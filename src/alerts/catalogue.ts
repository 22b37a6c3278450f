import { Duration } from 'cdk8s';
import { errorBudget } from '../spec/spec';
import { ALERT_NAMES, AlertName, ERROR_OBJECTIVE_PHRASE } from '../conventions';
import { VALUE, humanThreshold, promNumber } from './format';
import { promDuration } from '../private/duration';
import type { ResolvedAlert, ResolvedAlertRulesInput } from './input';
import type { AlertQueries } from './queries';
import { RECORDS } from './records';
import { BurnRateWindows, SRE_WORKBOOK_TIERS } from './tiers';
import { AlertingRule, AlertSeverity } from './types';
import { LLM_SLIS, LlmSli, P95_BUDGET, llmSliOmitted } from './llm';

/**
 * The alert catalogue of an inference service: ONE definition per alert, holding its
 * name, severity, default threshold and `for`, the expression builder with its summary
 * and description, and the runbook text (meaning, first checks, likely fixes) the README
 * is generated from. Adding or changing an alert is one edit here (plus its name in
 * ALERT_NAMES, the conventions module's list). No cdk8s constructs (Duration is a value
 * type).
 */

export { ALERT_NAMES };
export type { AlertName, AlertSeverity };

/** True when `name` is one of ALERT_NAMES. */
export { isAlertName } from '../conventions';

/**
 * Where an SLO- or spec-derived default threshold comes from. The value is read from the
 * AlertRulesInput when the rules are built, so an SLO change moves the alert.
 */
export type ThresholdSource =
  | 'slo.latencyP95Seconds'
  | 'slo.latencyP99Seconds'
  | 'slo.availability'
  | 'queueDepthTargetPerPod'
  | 'maxReplicas'
  /** startupBudget + STARTUP_MARGIN, in seconds. */
  | 'startupGrace';

/** Unit of an alert's threshold: the unit of the value its expression compares. */
export type ThresholdUnit =
  | 'seconds'
  | 'ratio'
  | 'percent'
  | 'requests'
  | 'replicas'
  | 'restarts'
  | 'requests/s';

/** How an alert's threshold is set. */
export type AlertThreshold =
  /** A fixed default number, in `unit`. */
  | { readonly kind: 'fixed'; readonly value: number; readonly unit: ThresholdUnit }
  /** Taken from the input (SLO, autoscaler, probes), in `unit`. */
  | { readonly kind: 'derived'; readonly from: ThresholdSource; readonly unit: ThresholdUnit }
  /** None by default; an override sets one, in `unit`. */
  | { readonly kind: 'optional'; readonly unit: ThresholdUnit }
  /** Burn-rate tiers: burn factor × (1 − availability objective), see `tiers`. */
  | { readonly kind: 'burn-rate' }
  /** A state condition without a number (desired > available). */
  | { readonly kind: 'none' };

/** Options of one alerting rule an alert builds. */
export interface AlertRuleOptions {
  /** Labels besides severity, namespace and deployment (e.g. the burn-rate windows). */
  readonly labels?: Readonly<Record<string, string>>;
  /** The `for` of this rule when it is not the alert's (burn-rate tiers). */
  readonly for?: Duration;
}

/** What an alert's expression builder gets: the input, its resolved values and helpers. */
export interface AlertContext {
  readonly input: ResolvedAlertRulesInput;
  /** The alert with its effective threshold and `for`. */
  readonly alert: ResolvedAlert;
  /** Selectors of the service's series. */
  readonly q: AlertQueries;
  /** The threshold as PromQL text ('' when the alert has none). */
  readonly th: string;
  /** The threshold as human text (`2s`, `5%`, `10 req/s`; '' when none). */
  readonly thText: string;
  /** The `for` as text (`5m`). */
  readonly forText: string;
  readonly ns: string;
  readonly dep: string;
  /** `<deployment> in namespace <namespace>`. */
  readonly where: string;
  /** An alerting rule of this alert with its labels and annotations (runbook URL). */
  rule(expr: string, summary: string, description: string, options?: AlertRuleOptions): AlertingRule;
}

/** One alert of the catalogue. */
export interface AlertCatalogueEntry {
  readonly name: AlertName;
  readonly severity: AlertSeverity;
  /** The condition with its default threshold, in words (the runbook table's column). */
  readonly firesWhen: string;
  readonly threshold: AlertThreshold;
  /**
   * How long the condition must hold before the alert fires. Undefined for the burn-rate
   * alerts, whose tiers carry their own `for`.
   */
  readonly for?: Duration;
  /** A floor under the default `for` (an override replaces both). */
  readonly forAtLeast?: 'startupGrace';
  /** The burn-rate tiers of a burn-rate alert (threshold kind 'burn-rate'). */
  readonly tiers?: readonly BurnRateWindows[];
  /** Where the default comes from. */
  readonly source: string;
  /** What the alert means, one or two sentences for the runbook. */
  readonly meaning: string;
  /** What to look at first. */
  readonly firstChecks: readonly string[];
  /** The usual ways out. */
  readonly likelyFixes: readonly string[];
  /** Why the alert cannot or need not be built for `input`; undefined when it can. */
  readonly omittedFor?: (input: ResolvedAlertRulesInput) => string | undefined;
  /** The alerting rules (one, or one per burn-rate tier). */
  readonly rules: (c: AlertContext) => readonly AlertingRule[];
}

type AlertDefinition = Omit<AlertCatalogueEntry, 'name'>;

const SEED_000 = 'seed 000 "Alert Rules"';
const ISSUE_4 = 'issue 4 catalogue table';
const ISSUE_8 = 'issue 8 "Alerts that page for the right reason"';
const VLLM_LOGGERS = 'vLLM histograms of vllm-project/vllm vllm/v1/metrics/loggers.py';

/**
 * Windows of the expressions that read raw series. Source: issue 4 catalogue table
 * (latency and error ratio over 5m); the 15 minute model-load window is a library default
 * (long enough to see two restarts of a crash-looping container under the kubelet's
 * back-off).
 */
export const EXPRESSION_WINDOWS = {
  latency: Duration.minutes(5),
  requestRate: Duration.minutes(5),
  modelLoad: Duration.minutes(15),
} as const;

/**
 * What a new pod needs beyond the startup probe's budget before it is Ready: the image
 * pull (before the startup probe starts), the first readiness probes and, behind an NLB
 * with pod readiness gates, the target registration and health checks. Library default
 * (issue 8); InferencePodNotReady's threshold overrides budget + margin as a whole.
 */
export const STARTUP_MARGIN = Duration.minutes(5);

/**
 * InferenceThroughputLow: traffic counts as collapsed when the 5m request rate is below
 * DROP_RATIO of its rate an hour earlier (RECENT) and of the same time a day earlier
 * (DAY, when recorded), and the hour-earlier rate was at least MIN_REFERENCE_RPS, so a
 * quiet service's noise does not flap it. A night is as quiet as the night before: the
 * day comparison keeps it silent. Library defaults (issue 8).
 */
export const THROUGHPUT_DROP = {
  ratio: 0.5,
  recent: Duration.hours(1),
  day: Duration.days(1),
  minReferenceRps: 1,
} as const;

/** The catalogue, keyed by name: the type demands exactly one definition per alert. */
const DEFINITIONS: { readonly [N in AlertName]: AlertDefinition } = {
  InferenceLatencyP95SLOBreach: {
    severity: 'critical',
    firesWhen: 'p95 response time over 5m above the SLO p95 objective (slo.latencyP95Seconds)',
    threshold: { kind: 'derived', from: 'slo.latencyP95Seconds', unit: 'seconds' },
    for: Duration.minutes(5),
    source: `${SEED_000} (response time > 2 s SLO), ${ISSUE_4}`,
    meaning: 'The 95th-percentile response time over the last 5 minutes is above the p95 objective of the SLO: one request in twenty is slower than promised.',
    firstChecks: [
      'Latency panels of the dashboard: is it every pod or one pod, and did it start with a deploy or a traffic rise?',
      'Queue depth per pod and GPU utilization: requests waiting for a busy GPU show up as queueing first.',
      'Replica count against maxReplicas: the autoscaler may be capped (see InferenceHpaAtMaxReplicas).',
    ],
    likelyFixes: [
      'Add capacity: raise maxReplicas or the GPU node group limit so the autoscaler can scale out.',
      'Roll back a model, image or configuration change that made inference slower.',
      'Lower the batch size or max tokens per request if requests grew longer.',
    ],
    rules: (c) => [
      c.rule(
        `${c.q.quantile(0.95, EXPRESSION_WINDOWS.latency)} > ${c.th}`,
        `p95 latency of ${c.dep} is above the ${c.thText} SLO objective`,
        `The 95th-percentile response time of ${c.where} over the last ${promDuration(EXPRESSION_WINDOWS.latency)} is ${VALUE.seconds}, above the SLO objective of ${c.thText}.`,
      ),
    ],
  },

  InferenceErrorRateHigh: {
    severity: 'critical',
    firesWhen: 'error ratio (errors / requests) over 5m above 5 %',
    threshold: { kind: 'fixed', value: 0.05, unit: 'ratio' },
    for: Duration.minutes(5),
    source: `${SEED_000} (error rate > 5 %), ${ISSUE_4}`,
    meaning: 'More than the threshold share of requests failed over the last 5 minutes (errors / requests).',
    firstChecks: [
      'Logs of the inference containers for the failing requests (kubectl logs -l app.kubernetes.io/instance=<release>).',
      'Did a rollout just happen (kubectl rollout history deployment/<release>)?',
      'Dependencies: database, cache and model storage reachability from the pods.',
    ],
    likelyFixes: [
      'Roll back the last rollout (kubectl rollout undo deployment/<release>).',
      'Restore the failing dependency; restart pods stuck with broken connections.',
      'Shed load or scale out if errors are timeouts under saturation.',
    ],
    rules: (c) => [
      c.rule(
        `${c.q.recorded(RECORDS.errorRatio(Duration.minutes(5)))} > ${c.th}`,
        `Error ratio of ${c.dep} is above ${c.thText}`,
        `${VALUE.ratio} of the requests to ${c.where} failed over the last 5m, above the alert threshold of ${c.thText} (${ERROR_OBJECTIVE_PHRASE} ${promNumber(c.input.slo.errorRatePercent)}%).`,
      ),
    ],
  },

  InferencePodNotReady: {
    severity: 'critical',
    firesWhen: 'a pod of the Deployment not Ready although past its startup grace: its startup allowance (probes.startupBudget, plus server.downloadTime when an init container downloads the weights) + 5m, from when it started (or was created, while Pending)',
    threshold: { kind: 'derived', from: 'startupGrace', unit: 'seconds' },
    for: Duration.minutes(5),
    source: `${SEED_000} (pod not ready for 5 minutes), ${ISSUE_4}; the startup grace is ${ISSUE_8}`,
    meaning:
      'A pod of the Deployment has not been Ready for 5 minutes although it is past its startup grace: the startup probe budget (and the model download of an init container, when there is one) plus a margin for the image pull and the load-balancer target registration, counted from when the kubelet started it (from its creation while it is still Pending). It receives no traffic and the remaining pods carry its share. Pods still starting after a scale-up or a rollout step are not reported.',
    firstChecks: [
      'kubectl describe pod <pod>: events, probe failures, scheduling (GPU capacity) and image pulls.',
      'How long the model load really takes against probes.startupBudget (server logs of the pod).',
      'GPU node health (driver, device plugin, Xid errors in dcgm-exporter).',
    ],
    likelyFixes: [
      'Free or add GPU nodes if the pod is Pending.',
      'Raise probes.startupBudget if model loading takes longer than it allows (the grace follows it), or raise the alert threshold (seconds of grace) if image pulls are slow.',
      'Delete the pod to reschedule it away from a faulty node.',
    ],
    rules: (c) => {
      const { q } = c;
      // kube-state-metrics (docs/metrics/workload/pod-metrics.md, v2.20): kube_pod_start_time
      // exists once the kubelet accepted the pod (status.startTime), kube_pod_created always;
      // kube_pod_status_ready only once the pod has a Ready condition, so an unscheduled pod
      // has none and is counted as not Ready here; a Succeeded or Failed (e.g. evicted) pod
      // no longer serves and is left to the ReplicaSet.
      const started = `max by (namespace, pod) (${q.pods('kube_pod_start_time')})\nor\nmax by (namespace, pod) (${q.pods('kube_pod_created')})`;
      const notReady = [
        q.deploymentPods(),
        'unless on (namespace, pod)',
        `(${q.pods('kube_pod_status_ready', 'condition="true"')} == 1)`,
        'unless on (namespace, pod)',
        `(${q.pods('kube_pod_status_phase', 'phase=~"Succeeded|Failed"')} == 1)`,
      ].join('\n');
      const grace = promDuration(Duration.seconds(c.alert.threshold ?? 0));
      const isDefault = c.alert.threshold === startupGraceSeconds(c.input);
      const graceText = isDefault
        ? `${grace} (startup allowance ${promDuration(c.input.startupBudget)} + ${promDuration(STARTUP_MARGIN)} for image pull and target registration)`
        : grace;
      return [
        c.rule(
          `(\n  time()\n  -\n  (\n${indent(started, 4)}\n  )\n) > ${c.th}\nand on (namespace, pod)\n(\n${indent(notReady, 2)}\n)`,
          `A pod of ${c.dep} is not ready past its startup grace`,
          `Pod {{ $labels.pod }} of Deployment ${c.dep} in namespace ${c.ns} has not been Ready for ${c.forText}; it started ${VALUE.seconds} ago, past its startup grace of ${graceText}.`,
        ),
      ];
    },
  },

  InferenceModelLoadFailed: {
    severity: 'critical',
    firesWhen: 'the model-load failure counter increased in 15m, or a container restarted 2 times in 15m without becoming Ready',
    threshold: { kind: 'fixed', value: 2, unit: 'restarts' },
    for: Duration.seconds(0),
    source: `${SEED_000} (model loading failure); the restart count (2 within 15 minutes, never Ready) is a library default`,
    meaning: 'The model failed to load: the server counted a failed load, or a container restarted at least the threshold number of times within 15 minutes without becoming Ready.',
    firstChecks: [
      'kubectl logs <pod> --previous: the load error (missing file, out of GPU memory, bad weights format).',
      'The models volume: is it mounted, complete and the expected version?',
      'GPU memory: does the model fit the GPU of the node it landed on?',
    ],
    likelyFixes: [
      'Point the Deployment back at the last model version that loaded.',
      'Repair or re-sync the model volume.',
      'Schedule on GPUs with more memory, or use a smaller or quantized model.',
    ],
    rules: (c) => {
      const { q } = c;
      const p = c.input.preset;
      const w = promDuration(EXPRESSION_WINDOWS.modelLoad);
      const restarts = q.ofDeployment(
        `(sum by (namespace, pod) (changes(${q.pods('kube_pod_container_status_restarts_total')}[${w}])) >= ${c.th})\nand on (namespace, pod)\n(max by (namespace, pod) (${q.pods('kube_pod_container_status_ready')}) == 0)`,
      );
      const failures = p.modelLoadFailures ? `(sum by (namespace, pod) (increase(${q.own(p.modelLoadFailures)}[${w}])) > 0)\nor\n` : '';
      const what = p.modelLoadFailures ? `${VALUE.number} failed model loads, or restarts without becoming Ready,` : `${VALUE.number} restarts without becoming Ready`;
      return [
        c.rule(
          `${failures}(\n${restarts}\n)`,
          `${c.dep} failed to load its model`,
          `Pod {{ $labels.pod }} of ${c.where} cannot load its model: ${what} in the last ${w}.`,
        ),
      ];
    },
  },

  InferenceErrorBudgetBurnFast: {
    severity: 'critical',
    firesWhen: 'error ratio above 14.4 × (1 − objective) over 1h and 5m, or above 6 × (1 − objective) over 6h and 30m',
    threshold: { kind: 'burn-rate' },
    tiers: SRE_WORKBOOK_TIERS.page,
    source: 'REFERENCE.md "SLO alerting" (SRE Workbook multi-window, multi-burn-rate; critical tiers)',
    meaning: 'The availability error budget is burning fast: at this rate 2 % of the period budget goes in 1 hour (14.4×) or 5 % in 6 hours (6×), confirmed by the short window so the alert stops soon after the burn stops.',
    firstChecks: [
      'Which tier fired (labels long_window/short_window) and the error ratio panels.',
      'The same first checks as InferenceErrorRateHigh: logs, recent rollouts, dependencies.',
    ],
    likelyFixes: ['Roll back or mitigate the change that raised the error ratio.', 'Scale out or shed load if the errors come from saturation.'],
    rules: (c) => SRE_WORKBOOK_TIERS.page.map((tier) => burnRule(c, tier)),
  },

  InferenceErrorBudgetExhausted: {
    severity: 'critical',
    firesWhen: 'availability over the SLO period below the objective (slo.availabilityPercent)',
    threshold: { kind: 'derived', from: 'slo.availability', unit: 'ratio' },
    for: Duration.minutes(5),
    source: `${SEED_000} (SLO availability < 99.9 %); the 5 minute \`for\` is a library default`,
    meaning: 'Availability over the whole SLO period is below the objective: the error budget is spent and the SLO is missed for this period.',
    firstChecks: ['Error budget panel: when was the budget spent, by one incident or a steady burn?', 'Open incidents and the burn-rate alerts of the period.'],
    likelyFixes: [
      'Freeze risky changes until the budget recovers, as the error budget policy says.',
      'Prioritise reliability work on the causes of the spent budget.',
    ],
    rules: (c) => {
      const period = promDuration(c.input.slo.period);
      return [
        c.rule(
          `1 - ${c.q.recorded(RECORDS.errorRatio(c.input.slo.period))} < ${c.th}`,
          `${c.dep} has spent its error budget for the ${period} SLO period`,
          `Availability of ${c.where} over the last ${period} is ${VALUE.ratio}, below the ${c.thText} objective: the error budget is exhausted.`,
        ),
      ];
    },
  },

  InferenceTimeToFirstTokenBurnFast: {
    severity: 'critical',
    firesWhen: 'share of requests slower than slo.timeToFirstTokenP95 above 14.4 × 5 % over 1h and 5m, or above 6 × 5 % over 6h and 30m (vLLM, when the objective is set)',
    threshold: { kind: 'burn-rate' },
    tiers: SRE_WORKBOOK_TIERS.page,
    source: `REFERENCE.md "SLO alerting" (SRE Workbook multi-window, multi-burn-rate; critical tiers) on the 5 % a p95 objective leaves; ${VLLM_LOGGERS}`,
    meaning:
      'The time-to-first-token budget is burning fast: far more than the 5 % of requests the p95 objective allows wait longer than the objective for their first token (72 % over an hour, or 30 % over 6 hours), confirmed by the short window. Users see the model hang before it answers.',
    firstChecks: [
      'Which tier fired (labels long_window/short_window) and the TTFT p95 panel against its objective line.',
      'Requests waiting and KV-cache usage per pod: a full cache or a long queue delays every prefill.',
      'Prompt lengths: a new client sending much longer prompts makes every prefill slower.',
    ],
    likelyFixes: [
      'Add capacity: raise maxReplicas, or scale on queueDepth, kvCacheUsage or timeToFirstTokenP95 so the autoscaler reacts earlier.',
      'Lower --max-num-seqs or enable chunked prefill so long prompts do not block the batch.',
      'Roll back a model or engine change that made prefill slower.',
    ],
    omittedFor: (input) => llmSliOmitted(LLM_SLIS.timeToFirstToken, input),
    rules: (c) => SRE_WORKBOOK_TIERS.page.map((tier) => llmBurnRule(c, LLM_SLIS.timeToFirstToken, tier)),
  },

  InferenceInterTokenLatencyBurnFast: {
    severity: 'critical',
    firesWhen: 'share of output tokens slower than slo.interTokenLatencyP95 above 14.4 × 5 % over 1h and 5m, or above 6 × 5 % over 6h and 30m (vLLM, when the objective is set)',
    threshold: { kind: 'burn-rate' },
    tiers: SRE_WORKBOOK_TIERS.page,
    source: `REFERENCE.md "SLO alerting" (critical tiers) on the 5 % a p95 objective leaves; ${VLLM_LOGGERS}`,
    meaning:
      'The inter-token latency budget is burning fast: far more than the 5 % of output tokens the p95 objective allows come later than the objective after the previous token, confirmed by the short window. Streams stutter: the batch is too large for the GPUs or decoding is starved.',
    firstChecks: [
      'Which tier fired and the ITL p95 panel against its objective line.',
      'Requests running per pod and KV-cache usage: a large running batch makes every decode step slower.',
      'GPU utilization and memory: preemptions or a degraded GPU slow the decode steps.',
    ],
    likelyFixes: [
      'Lower --max-num-seqs so each decode step carries fewer sequences, and add replicas for the throughput.',
      'Scale out earlier (kvCacheUsage or queueDepth signal).',
      'Roll back a model, quantization or engine change that slowed decoding.',
    ],
    omittedFor: (input) => llmSliOmitted(LLM_SLIS.interTokenLatency, input),
    rules: (c) => SRE_WORKBOOK_TIERS.page.map((tier) => llmBurnRule(c, LLM_SLIS.interTokenLatency, tier)),
  },

  InferenceLatencyP99High: {
    severity: 'warning',
    firesWhen: 'p99 response time over 5m above the SLO p99 objective (slo.latencyP99Seconds)',
    threshold: { kind: 'derived', from: 'slo.latencyP99Seconds', unit: 'seconds' },
    for: Duration.minutes(10),
    source: `SLO table of seed 000 (p99 < 3 s), ${ISSUE_4}`,
    meaning: 'The 99th-percentile response time over 5 minutes is above the p99 objective: the slowest requests are slower than promised.',
    firstChecks: ['Latency panels: is the tail driven by long prompts, one slow pod or queueing?', 'Cold pods: newly scaled pods may serve slowly while caches warm.'],
    likelyFixes: ['Cap request size (max tokens) or route long requests separately.', 'Add capacity before the p95 objective is breached too.'],
    rules: (c) => [
      c.rule(
        `${c.q.quantile(0.99, EXPRESSION_WINDOWS.latency)} > ${c.th}`,
        `p99 latency of ${c.dep} is above the ${c.thText} objective`,
        `The 99th-percentile response time of ${c.where} over the last ${promDuration(EXPRESSION_WINDOWS.latency)} is ${VALUE.seconds}, above the p99 objective of ${c.thText}.`,
      ),
    ],
  },

  InferenceErrorBudgetBurnSlow: {
    severity: 'warning',
    firesWhen: 'error ratio above 3 × (1 − objective) over 1d and 2h, or above 1 × (1 − objective) over 3d and 6h',
    threshold: { kind: 'burn-rate' },
    tiers: SRE_WORKBOOK_TIERS.ticket,
    source: 'REFERENCE.md "SLO alerting" (SRE Workbook multi-window, multi-burn-rate; ticket tiers)',
    meaning: 'The error budget is burning steadily: 10 % of the period budget in 1 day (3×) or in 3 days (1×). Not urgent, but the SLO will be missed if it continues.',
    firstChecks: [
      'Error ratio over the last days: a slow rise, a flaky dependency, a class of failing requests?',
      'Errors grouped by handler or status code in the server logs.',
    ],
    likelyFixes: ['Fix the recurring error class; add retries where the failure is transient.'],
    rules: (c) => SRE_WORKBOOK_TIERS.ticket.map((tier) => burnRule(c, tier)),
  },

  InferenceTimeToFirstTokenBurnSlow: {
    severity: 'warning',
    firesWhen: 'share of requests slower than slo.timeToFirstTokenP95 above 3 × 5 % over 1d and 2h, or above 1 × 5 % over 3d and 6h (vLLM, when the objective is set)',
    threshold: { kind: 'burn-rate' },
    tiers: SRE_WORKBOOK_TIERS.ticket,
    source: `REFERENCE.md "SLO alerting" (ticket tiers) on the 5 % a p95 objective leaves; ${VLLM_LOGGERS}`,
    meaning:
      'The time-to-first-token budget is burning steadily: more than the 5 % of requests the p95 objective allows get their first token late, over a day (3×) or three days (1×). Not urgent, but the objective will be missed if it continues.',
    firstChecks: ['The TTFT p95 panel over the last days: a slow rise with traffic, or a step at a deploy?', 'Requests waiting per pod at peak hours.'],
    likelyFixes: ['Raise the replica floor or ceiling for the peak hours.', 'Scale on timeToFirstTokenP95 or queueDepth with a target below the objective.'],
    omittedFor: (input) => llmSliOmitted(LLM_SLIS.timeToFirstToken, input),
    rules: (c) => SRE_WORKBOOK_TIERS.ticket.map((tier) => llmBurnRule(c, LLM_SLIS.timeToFirstToken, tier)),
  },

  InferenceInterTokenLatencyBurnSlow: {
    severity: 'warning',
    firesWhen: 'share of output tokens slower than slo.interTokenLatencyP95 above 3 × 5 % over 1d and 2h, or above 1 × 5 % over 3d and 6h (vLLM, when the objective is set)',
    threshold: { kind: 'burn-rate' },
    tiers: SRE_WORKBOOK_TIERS.ticket,
    source: `REFERENCE.md "SLO alerting" (ticket tiers) on the 5 % a p95 objective leaves; ${VLLM_LOGGERS}`,
    meaning:
      'The inter-token latency budget is burning steadily: more than the 5 % of output tokens the p95 objective allows come late, over a day (3×) or three days (1×).',
    firstChecks: ['The ITL p95 panel over the last days against requests running per pod.', 'A change of model, quantization or --max-num-seqs.'],
    likelyFixes: ['Lower --max-num-seqs and add replicas.', 'Move the model to faster GPUs or a smaller quantization.'],
    omittedFor: (input) => llmSliOmitted(LLM_SLIS.interTokenLatency, input),
    rules: (c) => SRE_WORKBOOK_TIERS.ticket.map((tier) => llmBurnRule(c, LLM_SLIS.interTokenLatency, tier)),
  },

  InferenceGpuUtilizationHigh: {
    severity: 'warning',
    firesWhen: 'mean GPU utilization of the pods above 95 %',
    threshold: { kind: 'fixed', value: 95, unit: 'percent' },
    for: Duration.minutes(15),
    source: `${SEED_000} (GPU utilization > 95 %), ${ISSUE_4}`,
    meaning: 'The mean GPU utilization of the pods is above the threshold for 15 minutes: no headroom for bursts, latency will follow.',
    firstChecks: ["Replicas against maxReplicas and the autoscaler's metrics (kubectl describe hpa).", 'Queue depth and latency panels: is the saturation already visible to users?'],
    likelyFixes: ["Raise maxReplicas or lower the autoscaler's GPU target so it scales earlier.", 'Add GPU nodes if new pods stay Pending.'],
    rules: (c) => [
      c.rule(
        `avg(\n${indent(c.q.gpu(c.input.dcgm.utilizationMetric), 2)}\n) > ${c.th}`,
        `GPUs of ${c.dep} are above ${c.thText} utilization`,
        `Mean GPU utilization of the pods of ${c.where} is ${VALUE.number}%, above ${c.thText} for ${c.forText}.`,
      ),
    ],
  },

  InferenceMemoryUsageHigh: {
    severity: 'warning',
    firesWhen: 'a container working set above 90 % of its memory limit',
    threshold: { kind: 'fixed', value: 0.9, unit: 'ratio' },
    for: Duration.minutes(10),
    source: `${SEED_000} (memory usage > 90 %), ${ISSUE_4}`,
    meaning: "A container's working set is above the threshold share of its memory limit for 10 minutes: it is close to being OOM-killed.",
    firstChecks: [
      'Memory panels per pod: a leak (steady growth) or the steady state of a bigger model?',
      'Recent OOM kills (kubectl get pod -o jsonpath for lastState.terminated.reason).',
    ],
    likelyFixes: ['Raise the memory limit (and request) to the VPA recommendation.', 'Restart leaking pods and fix the leak; lower cache sizes held in process memory.'],
    rules: (c) => {
      const { q } = c;
      const ratio = `max by (namespace, pod, container) (${q.pods('container_memory_working_set_bytes', 'container!="",container!="POD"')})\n/ on (namespace, pod, container)\nmax by (namespace, pod, container) (${q.pods('kube_pod_container_resource_limits', 'resource="memory"')})`;
      return [
        c.rule(
          `(\n${indent(q.ofDeployment(ratio), 2)}\n)\n> ${c.th}`,
          `A container of ${c.dep} is close to its memory limit`,
          `Container {{ $labels.container }} of pod {{ $labels.pod }} (${c.dep}, namespace ${c.ns}) uses ${VALUE.ratio} of its memory limit, above ${c.thText}.`,
        ),
      ];
    },
  },

  InferenceQueueDepthHigh: {
    severity: 'warning',
    firesWhen: 'mean queue depth per pod above the autoscaler target (queueDepthTargetPerPod)',
    threshold: { kind: 'derived', from: 'queueDepthTargetPerPod', unit: 'requests' },
    for: Duration.minutes(10),
    source: `${SEED_000} (high request queue depth); threshold = the autoscaler's queue target per pod, ${ISSUE_4}`,
    meaning: "Requests waiting per pod (mean over the pods) stayed above the autoscaler's target for 10 minutes: scaling is not keeping up.",
    firstChecks: ['Is the autoscaler at maxReplicas, or are new pods Pending or still loading the model?', 'Request rate panel: a traffic spike beyond the capacity plan?'],
    likelyFixes: ['Raise maxReplicas or add GPU nodes.', 'Speed up scale-up (autoscaler behavior) or shorten model load time.'],
    rules: (c) => [
      c.rule(
        `avg by (namespace, job) (sum by (namespace, job, pod) (${c.q.own(c.input.preset.queueDepth)})) > ${c.th}`,
        `Requests are queueing in ${c.dep}`,
        `${VALUE.number} requests wait per pod of ${c.where} on average, above the autoscaler's target of ${c.thText}.`,
      ),
    ],
  },

  InferenceCacheHitRateLow: {
    severity: 'warning',
    firesWhen: 'mean cache hit ratio below 70 %',
    threshold: { kind: 'fixed', value: 0.7, unit: 'ratio' },
    for: Duration.minutes(30),
    source: `${SEED_000} (cache hit rate < 70 %), ${ISSUE_4}`,
    meaning: 'The response cache hit ratio stayed below the threshold for 30 minutes: more requests reach the GPUs than planned.',
    firstChecks: ['Cache (Redis) health, memory and evictions.', 'A change in request mix or cache keys (new model version, new prompt template).'],
    likelyFixes: ['Give the cache more memory or a longer TTL.', 'Fix cache keys that changed with a deploy.'],
    omittedFor: (input) => (input.preset.cacheHitRatio ? undefined : `the ${input.preset.name} metric preset has no cache hit ratio series`),
    rules: (c) => [
      c.rule(
        `avg by (namespace, job) (${c.q.own(c.input.preset.cacheHitRatio!)}) < ${c.th}`,
        `Cache hit ratio of ${c.dep} is below ${c.thText}`,
        `The cache hit ratio of ${c.where} is ${VALUE.ratio}, below ${c.thText} for ${c.forText}.`,
      ),
    ],
  },

  InferenceDbPoolSaturated: {
    severity: 'warning',
    firesWhen: 'a pod using more than 90 % of its database connection pool',
    threshold: { kind: 'fixed', value: 0.9, unit: 'ratio' },
    for: Duration.minutes(10),
    source: `${SEED_000} (database connection pool > 90 %), ${ISSUE_4}`,
    meaning: 'A pod uses more than the threshold share of its database connection pool for 10 minutes: requests will soon wait for connections.',
    firstChecks: ['Database latency and slow queries; long transactions holding connections.', "Pool size against the database's max connections divided by the replica count."],
    likelyFixes: ['Fix slow queries or leaked connections.', 'Raise the pool size if the database has connections to spare.'],
    omittedFor: (input) => (input.preset.dbPoolInUse && input.preset.dbPoolMax ? undefined : `the ${input.preset.name} metric preset has no database pool series`),
    rules: (c) => {
      const p = c.input.preset;
      return [
        c.rule(
          `sum by (namespace, job, pod) (${c.q.own(p.dbPoolInUse!)})\n/\nsum by (namespace, job, pod) (${c.q.own(p.dbPoolMax!)})\n> ${c.th}`,
          `Database connection pool of ${c.dep} is nearly full`,
          `Pod {{ $labels.pod }} of ${c.where} uses ${VALUE.ratio} of its database connection pool, above ${c.thText}.`,
        ),
      ];
    },
  },

  InferenceHpaAtMaxReplicas: {
    severity: 'warning',
    firesWhen: 'the autoscaler running maxReplicas replicas (left out when minReplicas = maxReplicas)',
    threshold: { kind: 'derived', from: 'maxReplicas', unit: 'replicas' },
    for: Duration.minutes(15),
    source: `${ISSUE_4} (capacity exhausted); left out at minReplicas = maxReplicas like kube-prometheus-stack's KubeHpaMaxedOut (rules-1.14/kubernetes-apps.yaml: spec_max_replicas != spec_min_replicas)`,
    meaning:
      'The autoscaler has run at maxReplicas for 15 minutes: any further load increase cannot be absorbed. Pods still Pending count as running here (the HPA counts them); InferenceHpaScalingStuck tells whether they are available.',
    firstChecks: ['kubectl describe hpa: the metric values against their targets.', 'Latency and queue depth: is the service already degrading?'],
    likelyFixes: ['Raise maxReplicas (and the GPU node group maximum).', 'Reduce per-request cost (batching, smaller model) if the traffic is expected.'],
    omittedFor: (input) =>
      input.minReplicas === input.maxReplicas ? `minReplicas equals maxReplicas (${input.maxReplicas}): the autoscaler always runs at its maximum` : undefined,
    rules: (c) => [
      c.rule(
        `max by (namespace, horizontalpodautoscaler) (${c.q.hpa('kube_horizontalpodautoscaler_status_current_replicas')}) >= ${c.th}`,
        `Autoscaler of ${c.dep} is at its maximum replicas`,
        `HorizontalPodAutoscaler ${c.input.hpaName} in namespace ${c.ns} has run ${VALUE.number} replicas (maximum ${c.th}) for ${c.forText}: more load cannot be absorbed.`,
      ),
    ],
  },

  InferenceHpaScalingStuck: {
    severity: 'warning',
    firesWhen: 'the autoscaler wanting more replicas than the Deployment has available, outside a rollout',
    threshold: { kind: 'none' },
    for: Duration.minutes(10),
    forAtLeast: 'startupGrace',
    source: `${ISSUE_4}; compared with the Deployment's available replicas (the HPA's current replicas already count Pending pods), ${ISSUE_8}`,
    meaning:
      "The autoscaler's desired replicas stayed above the Deployment's available replicas for 10 minutes (at least the pods' startup grace) outside a rollout: new pods cannot be scheduled or do not become Ready.",
    firstChecks: [
      'Pending pods and their events (insufficient nvidia.com/gpu, quota, node group at its maximum).',
      'Pods that start but never become Ready (see InferencePodNotReady, InferenceModelLoadFailed).',
    ],
    likelyFixes: ['Add GPU capacity (node group maximum, cluster autoscaler or Karpenter limits, quota).', 'Fix the startup failure of the new pods.'],
    rules: (c) => {
      const { q } = c;
      // kube-state-metrics (docs/metrics/workload/horizontalpodautoscaler-metrics.md,
      // deployment-metrics.md, v2.20). A rolling update keeps available below desired for
      // its whole length (maxUnavailable); it is in progress while pods of an older template
      // exist: status.replicas (all non-terminated pods) > status.updatedReplicas.
      return [
        c.rule(
          [
            '(',
            `  max by (namespace, horizontalpodautoscaler) (${q.hpa('kube_horizontalpodautoscaler_status_desired_replicas')})`,
            '  - on (namespace) group_left ()',
            `  max by (namespace) (${q.deployment('kube_deployment_status_replicas_available')})`,
            '  unless on (namespace)',
            `  (max by (namespace) (${q.deployment('kube_deployment_status_replicas')}) > max by (namespace) (${q.deployment('kube_deployment_status_replicas_updated')}))`,
            ')',
            '> 0',
          ].join('\n'),
          `Autoscaler of ${c.dep} cannot reach its desired replicas`,
          `HorizontalPodAutoscaler ${c.input.hpaName} in namespace ${c.ns} has wanted ${VALUE.number} more replicas than Deployment ${c.dep} has available for ${c.forText}.`,
        ),
      ];
    },
  },

  InferenceThroughputLow: {
    severity: 'info',
    firesWhen:
      'request rate over 5m below half its rate an hour earlier (when that was at least 1 req/s) and below half its rate a day earlier (when recorded); or below a floor, only when the threshold is set',
    threshold: { kind: 'optional', unit: 'requests/s' },
    for: Duration.minutes(15),
    source: `${SEED_000} (low inference throughput); relative to its own recent level, ${ISSUE_8} (the SLO throughput target is a capacity target, not a traffic floor)`,
    meaning:
      'The request rate collapsed: it is under half of what it was an hour ago and under half of the same time yesterday, for 15 minutes. Traffic is being lost before it reaches the service (upstream outage, routing or DNS change, client failure). A normal night is as quiet as the night before and does not fire (a service with less than a day of history is compared with the hour only); the alert resolves once the hour-earlier rate is low too. With a threshold it also fires below that absolute rate.',
    firstChecks: [
      'Load balancer and client-side errors: is traffic being dropped before it reaches the pods?',
      'A planned traffic shift, a client release or a holiday.',
    ],
    likelyFixes: ['Restore routing to the service.', 'Disable the alert for services whose traffic is expected to stop (batch clients).'],
    rules: (c) => {
      const { q } = c;
      const d = THROUGHPUT_DROP;
      const rate = q.recorded(RECORDS.requestRate);
      const recent = promDuration(d.recent);
      // The rate now, or 0 when the series vanished (no scrape) but existed an hour ago.
      const now = `(${rate} or on (namespace, job) 0 * ${rate} offset ${recent})`;
      const collapsed = [
        '(',
        `  ${now}`,
        `  < on (namespace, job) ${promNumber(d.ratio)} * (${rate} offset ${recent} >= ${promNumber(d.minReferenceRps)})`,
        '  unless on (namespace, job)',
        `  ${now} >= on (namespace, job) ${promNumber(d.ratio)} * ${rate} offset ${promDuration(d.day)}`,
        ')',
      ].join('\n');
      const floor = c.alert.threshold === undefined ? '' : `\nor\n${now} < ${c.th}`;
      const floorText = c.alert.threshold === undefined ? '' : `, or below the floor of ${c.thText}`;
      return [
        c.rule(
          `${collapsed}${floor}`,
          `Traffic to ${c.dep} collapsed`,
          `${c.where} serves ${VALUE.number} req/s: under ${promNumber(d.ratio * 100)}% of its rate ${recent} earlier and of the same time ${promDuration(d.day)} earlier${floorText}, for ${c.forText}.`,
        ),
      ];
    },
  },

  InferenceBiasScoreHigh: {
    severity: 'info',
    firesWhen: 'share of responses with a high bias score over 5m above 5 %',
    threshold: { kind: 'fixed', value: 0.05, unit: 'ratio' },
    for: Duration.minutes(15),
    source: `${SEED_000} (high bias score frequency); the 5 % share of requests is a library default`,
    meaning: 'More than the threshold share of responses was flagged with a high bias score over 15 minutes.',
    firstChecks: ['Which prompts or model version produce the flagged responses.', 'A recent model or prompt-template change.'],
    likelyFixes: ['Roll back the model or template change; escalate to the model owners.'],
    omittedFor: (input) => (input.preset.highBiasScores ? undefined : `the ${input.preset.name} metric preset has no high bias score series`),
    rules: (c) => {
      const p = c.input.preset;
      const w = promDuration(EXPRESSION_WINDOWS.requestRate);
      return [
        c.rule(
          `sum by (namespace, job) (rate(${c.q.own(p.highBiasScores!)}[${w}]))\n/\nsum by (namespace, job) (rate(${c.q.own(p.requests)}[${w}]))\n> ${c.th}`,
          `Responses of ${c.dep} often have a high bias score`,
          `${VALUE.ratio} of the responses of ${c.where} had a high bias score over the last ${w}, above ${c.thText}.`,
        ),
      ];
    },
  },

  InferenceGpuUnderutilized: {
    severity: 'info',
    firesWhen: 'mean GPU utilization of the pods below 30 % while the Deployment runs more than minReplicas',
    threshold: { kind: 'fixed', value: 30, unit: 'percent' },
    for: Duration.hours(1),
    source: `${SEED_000} (low GPU utilization < 30 %), ${ISSUE_4} (cost); silent at minReplicas, ${ISSUE_8}`,
    meaning:
      'The mean GPU utilization of the pods stayed below the threshold for an hour while the Deployment ran more than minReplicas: GPUs are paid for and idle, and something (another scaling signal, a slow scale-down) holds replicas the GPUs do not need. At minReplicas there is nothing the autoscaler could save and the alert stays silent.',
    firstChecks: [
      'kubectl describe hpa: which metric holds the replicas up (CPU, memory, queue depth, request rate)?',
      'Whether requests are batched (a GPU serving one request at a time stays underused).',
    ],
    likelyFixes: [
      'Raise the target of the signal that holds replicas up, or drop that signal.',
      'Use smaller GPUs or share them (MIG, time slicing) for this model.',
    ],
    omittedFor: (input) =>
      input.minReplicas === input.maxReplicas ? `minReplicas equals maxReplicas (${input.minReplicas}): the service always runs at minReplicas` : undefined,
    rules: (c) => [
      c.rule(
        `avg(\n${indent(c.q.gpu(c.input.dcgm.utilizationMetric), 2)}\n) < ${c.th}\nand on ()\nmax(${c.q.deployment('kube_deployment_spec_replicas')}) > ${c.input.minReplicas}`,
        `GPUs of ${c.dep} are below ${c.thText} utilization`,
        `Mean GPU utilization of the pods of ${c.where} is ${VALUE.number}%, below ${c.thText} for ${c.forText} with more than the ${c.input.minReplicas} minReplicas running: GPUs are paid for and idle.`,
      ),
    ],
  },
};

/** The catalogue in ALERT_NAMES order (critical, warning, info). */
export const ALERT_CATALOGUE: readonly AlertCatalogueEntry[] = ALERT_NAMES.map((name) => ({ name, ...DEFINITIONS[name] }));

/** The catalogue entry of `name`. */
export function catalogueEntry(name: AlertName): AlertCatalogueEntry {
  const entry = ALERT_CATALOGUE.find((e) => e.name === name);
  if (!entry) throw new Error(`${name} is not in ALERT_CATALOGUE`);
  return entry;
}

/** One tier of a multi-window, multi-burn-rate alert, with the alert it belongs to. */
export interface BurnRateTier extends BurnRateWindows {
  readonly alert: AlertName;
  readonly severity: AlertSeverity;
}

/** Every burn-rate tier of the catalogue (the SRE Workbook table, tiers.ts). */
export const BURN_RATE_TIERS: readonly BurnRateTier[] = ALERT_CATALOGUE.flatMap((e) => (e.tiers ?? []).map((t) => ({ alert: e.name, severity: e.severity, ...t })));

/** The startup grace of a pod, in seconds: startupBudget + STARTUP_MARGIN. */
export function startupGraceSeconds(input: { readonly startupBudget: Duration }): number {
  return (input.startupBudget.toMilliseconds() + STARTUP_MARGIN.toMilliseconds()) / 1000;
}

/** A share as short text: 4 significant digits (2.142857… → 2.143). */
function fourDigits(n: number): string {
  return String(Number(n.toPrecision(4)));
}

function burnRule(c: AlertContext, tier: BurnRateWindows): AlertingRule {
  const budget = errorBudget(c.input.slo.availabilityPercent);
  const threshold = promNumber(tier.burnRate * budget);
  const long = promDuration(tier.longWindow);
  const short = promDuration(tier.shortWindow);
  const period = promDuration(c.input.slo.period);
  const spent = fourDigits((100 * tier.burnRate * tier.longWindow.toMilliseconds()) / c.input.slo.period.toMilliseconds());
  return c.rule(
    `${c.q.recorded(RECORDS.errorRatio(tier.longWindow))} > ${threshold}\nand\n${c.q.recorded(RECORDS.errorRatio(tier.shortWindow))} > ${threshold}`,
    `${c.dep} is burning its error budget at ${promNumber(tier.burnRate)}× the sustainable rate (${long}/${short})`,
    `The error ratio of ${c.dep} in namespace ${c.ns} is ${VALUE.ratio} over ${long} and also above ${humanThreshold(tier.burnRate * budget, 'ratio')} over ${short}: ${promNumber(tier.burnRate)} times the ${humanThreshold(budget, 'ratio')} that the ${promNumber(c.input.slo.availabilityPercent)}% availability objective allows. At this rate ${spent}% of the ${period} error budget is spent in ${long}.`,
    { labels: { long_window: long, short_window: short }, for: tier.for },
  );
}

/** The LLM burn-rate alerts: their tiers spend the 5 % of a p95 objective, not the availability budget. */
export const LLM_BURN_ALERTS: readonly AlertName[] = [
  'InferenceTimeToFirstTokenBurnFast',
  'InferenceInterTokenLatencyBurnFast',
  'InferenceTimeToFirstTokenBurnSlow',
  'InferenceInterTokenLatencyBurnSlow',
];

function llmBurnRule(c: AlertContext, sli: LlmSli, tier: BurnRateWindows): AlertingRule {
  const threshold = promNumber(tier.burnRate * P95_BUDGET);
  const long = promDuration(tier.longWindow);
  const short = promDuration(tier.shortWindow);
  const objective = humanThreshold(c.input.slo[sli.objective] ?? 0, 'seconds');
  const what = sli === LLM_SLIS.timeToFirstToken ? `first token later than ${objective}` : `gap to the previous token above ${objective}`;
  const subject = sli === LLM_SLIS.timeToFirstToken ? 'time-to-first-token' : 'inter-token latency';
  return c.rule(
    `${c.q.recorded(sli.slowRatio(tier.longWindow))} > ${threshold}\nand\n${c.q.recorded(sli.slowRatio(tier.shortWindow))} > ${threshold}`,
    `${c.dep} is burning its ${subject} budget at ${promNumber(tier.burnRate)}× the sustainable rate (${long}/${short})`,
    `${VALUE.ratio} of the ${sli.unit} of ${c.where} had their ${what} over ${long}, and also more than ${humanThreshold(tier.burnRate * P95_BUDGET, 'ratio')} over ${short}: ${promNumber(tier.burnRate)} times the ${humanThreshold(P95_BUDGET, 'ratio')} the p95 objective (${sli.specField}) allows.`,
    { labels: { long_window: long, short_window: short }, for: tier.for },
  );
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}
