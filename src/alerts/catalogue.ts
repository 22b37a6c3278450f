import { Duration } from 'cdk8s';

/**
 * The alert catalogue of an inference service: names, severities, default thresholds and
 * `for` durations, and the runbook text (meaning, first checks, likely fixes) the README
 * is generated from. Pure data; no cdk8s constructs here (Duration is a value type).
 */

import { ALERT_NAMES, AlertName } from '../conventions';

export { ALERT_NAMES };
export type { AlertName };

/**
 * Severity label values (monitoring-mixin convention, REFERENCE.md "SLO alerting"):
 * critical pages, warning opens a ticket, info is not routed.
 */
export type AlertSeverity = 'critical' | 'warning' | 'info';

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
  | 'slo.throughputRps'
  | 'queueDepthTargetPerPod'
  | 'maxReplicas';

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
  /** Taken from the input (SLO, autoscaler), in `unit`. */
  | { readonly kind: 'derived'; readonly from: ThresholdSource; readonly unit: ThresholdUnit }
  /** Burn-rate tiers: burn factor × (1 − availability objective), see BURN_RATE_TIERS. */
  | { readonly kind: 'burn-rate' }
  /** A state condition without a number (pod not ready, desired > current). */
  | { readonly kind: 'none' };

/** One alert of the catalogue. */
export interface AlertCatalogueEntry {
  readonly name: AlertName;
  readonly severity: AlertSeverity;
  /** The condition with its default threshold, in words (the issue table's column). */
  readonly firesWhen: string;
  readonly threshold: AlertThreshold;
  /**
   * How long the condition must hold before the alert fires. Undefined for the burn-rate
   * alerts, whose tiers carry their own `for` (BURN_RATE_TIERS).
   */
  readonly for?: Duration;
  /** Where the default comes from. */
  readonly source: string;
  /** What the alert means, one or two sentences for the runbook. */
  readonly meaning: string;
  /** What to look at first. */
  readonly firstChecks: readonly string[];
  /** The usual ways out. */
  readonly likelyFixes: readonly string[];
}

const SEED_000 = 'seed 000 "Alert Rules"';
const ISSUE_4 = 'issue 4 catalogue table';

/**
 * The catalogue. Thresholds and `for` are the defaults; AlertRulesInput.overrides changes
 * them per alert. Sources: seed 000 (alert thresholds and severities), issue 4's catalogue
 * table (`for` durations), REFERENCE.md "SLO alerting" (burn-rate tiers, throughput as a
 * plain threshold). Entries whose source says "library default" have no upstream number.
 */
export const ALERT_CATALOGUE: readonly AlertCatalogueEntry[] = [
  {
    name: 'InferenceLatencyP95SLOBreach',
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
  },
  {
    name: 'InferenceErrorRateHigh',
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
  },
  {
    name: 'InferencePodNotReady',
    severity: 'critical',
    firesWhen: 'a pod of the Deployment not Ready (kube-state-metrics)',
    threshold: { kind: 'none' },
    for: Duration.minutes(5),
    source: `${SEED_000} (pod not ready for 5 minutes), ${ISSUE_4}`,
    meaning: 'A pod of the Deployment has not been Ready for 5 minutes: it receives no traffic and the remaining pods carry its share.',
    firstChecks: [
      'kubectl describe pod <pod>: events, probe failures, scheduling (GPU capacity) and image pulls.',
      'Startup probe budget against the model load time: is the pod still loading?',
      'GPU node health (driver, device plugin, Xid errors in dcgm-exporter).',
    ],
    likelyFixes: [
      'Free or add GPU nodes if the pod is Pending.',
      'Raise the startup probe budget if model loading takes longer than it allows.',
      'Delete the pod to reschedule it away from a faulty node.',
    ],
  },
  {
    name: 'InferenceModelLoadFailed',
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
  },
  {
    name: 'InferenceErrorBudgetBurnFast',
    severity: 'critical',
    firesWhen: 'error ratio above 14.4 × (1 − objective) over 1h and 5m, or above 6 × (1 − objective) over 6h and 30m',
    threshold: { kind: 'burn-rate' },
    source: 'REFERENCE.md "SLO alerting" (SRE Workbook multi-window, multi-burn-rate; critical tiers)',
    meaning: 'The availability error budget is burning fast: at this rate 2 % of the period budget goes in 1 hour (14.4×) or 5 % in 6 hours (6×), confirmed by the short window so the alert stops soon after the burn stops.',
    firstChecks: [
      'Which tier fired (labels long_window/short_window) and the error ratio panels.',
      'The same first checks as InferenceErrorRateHigh: logs, recent rollouts, dependencies.',
    ],
    likelyFixes: [
      'Roll back or mitigate the change that raised the error ratio.',
      'Scale out or shed load if the errors come from saturation.',
    ],
  },
  {
    name: 'InferenceErrorBudgetExhausted',
    severity: 'critical',
    firesWhen: 'availability over the SLO period below the objective (slo.availabilityPercent)',
    threshold: { kind: 'derived', from: 'slo.availability', unit: 'ratio' },
    for: Duration.minutes(5),
    source: `${SEED_000} (SLO availability < 99.9 %); the 5 minute \`for\` is a library default`,
    meaning: 'Availability over the whole SLO period is below the objective: the error budget is spent and the SLO is missed for this period.',
    firstChecks: [
      'Error budget panel: when was the budget spent, by one incident or a steady burn?',
      'Open incidents and the burn-rate alerts of the period.',
    ],
    likelyFixes: [
      'Freeze risky changes until the budget recovers, as the error budget policy says.',
      'Prioritise reliability work on the causes of the spent budget.',
    ],
  },
  {
    name: 'InferenceLatencyP99High',
    severity: 'warning',
    firesWhen: 'p99 response time over 5m above the SLO p99 objective (slo.latencyP99Seconds)',
    threshold: { kind: 'derived', from: 'slo.latencyP99Seconds', unit: 'seconds' },
    for: Duration.minutes(10),
    source: `SLO table of seed 000 (p99 < 3 s), ${ISSUE_4}`,
    meaning: 'The 99th-percentile response time over 5 minutes is above the p99 objective: the slowest requests are slower than promised.',
    firstChecks: [
      'Latency panels: is the tail driven by long prompts, one slow pod or queueing?',
      'Cold pods: newly scaled pods may serve slowly while caches warm.',
    ],
    likelyFixes: [
      'Cap request size (max tokens) or route long requests separately.',
      'Add capacity before the p95 objective is breached too.',
    ],
  },
  {
    name: 'InferenceErrorBudgetBurnSlow',
    severity: 'warning',
    firesWhen: 'error ratio above 3 × (1 − objective) over 1d and 2h, or above 1 × (1 − objective) over 3d and 6h',
    threshold: { kind: 'burn-rate' },
    source: 'REFERENCE.md "SLO alerting" (SRE Workbook multi-window, multi-burn-rate; ticket tiers)',
    meaning: 'The error budget is burning steadily: 10 % of the period budget in 1 day (3×) or in 3 days (1×). Not urgent, but the SLO will be missed if it continues.',
    firstChecks: [
      'Error ratio over the last days: a slow rise, a flaky dependency, a class of failing requests?',
      'Errors grouped by handler or status code in the server logs.',
    ],
    likelyFixes: [
      'Fix the recurring error class; add retries where the failure is transient.',
    ],
  },
  {
    name: 'InferenceGpuUtilizationHigh',
    severity: 'warning',
    firesWhen: 'mean GPU utilization of the pods above 95 %',
    threshold: { kind: 'fixed', value: 95, unit: 'percent' },
    for: Duration.minutes(15),
    source: `${SEED_000} (GPU utilization > 95 %), ${ISSUE_4}`,
    meaning: 'The mean GPU utilization of the pods is above the threshold for 15 minutes: no headroom for bursts, latency will follow.',
    firstChecks: [
      'Replicas against maxReplicas and the autoscaler\'s metrics (kubectl describe hpa).',
      'Queue depth and latency panels: is the saturation already visible to users?',
    ],
    likelyFixes: [
      'Raise maxReplicas or lower the autoscaler\'s GPU target so it scales earlier.',
      'Add GPU nodes if new pods stay Pending.',
    ],
  },
  {
    name: 'InferenceMemoryUsageHigh',
    severity: 'warning',
    firesWhen: 'a container working set above 90 % of its memory limit',
    threshold: { kind: 'fixed', value: 0.9, unit: 'ratio' },
    for: Duration.minutes(10),
    source: `${SEED_000} (memory usage > 90 %), ${ISSUE_4}`,
    meaning: 'A container\'s working set is above the threshold share of its memory limit for 10 minutes: it is close to being OOM-killed.',
    firstChecks: [
      'Memory panels per pod: a leak (steady growth) or the steady state of a bigger model?',
      'Recent OOM kills (kubectl get pod -o jsonpath for lastState.terminated.reason).',
    ],
    likelyFixes: [
      'Raise the memory limit (and request) to the VPA recommendation.',
      'Restart leaking pods and fix the leak; lower cache sizes held in process memory.',
    ],
  },
  {
    name: 'InferenceQueueDepthHigh',
    severity: 'warning',
    firesWhen: 'mean queue depth per pod above the autoscaler target (queueDepthTargetPerPod)',
    threshold: { kind: 'derived', from: 'queueDepthTargetPerPod', unit: 'requests' },
    for: Duration.minutes(10),
    source: `${SEED_000} (high request queue depth); threshold = the autoscaler's queue target per pod, ${ISSUE_4}`,
    meaning: 'Requests waiting per pod (mean over the pods) stayed above the autoscaler\'s target for 10 minutes: scaling is not keeping up.',
    firstChecks: [
      'Is the autoscaler at maxReplicas, or are new pods Pending or still loading the model?',
      'Request rate panel: a traffic spike beyond the capacity plan?',
    ],
    likelyFixes: [
      'Raise maxReplicas or add GPU nodes.',
      'Speed up scale-up (autoscaler behavior) or shorten model load time.',
    ],
  },
  {
    name: 'InferenceCacheHitRateLow',
    severity: 'warning',
    firesWhen: 'mean cache hit ratio below 70 %',
    threshold: { kind: 'fixed', value: 0.7, unit: 'ratio' },
    for: Duration.minutes(30),
    source: `${SEED_000} (cache hit rate < 70 %), ${ISSUE_4}`,
    meaning: 'The response cache hit ratio stayed below the threshold for 30 minutes: more requests reach the GPUs than planned.',
    firstChecks: [
      'Cache (Redis) health, memory and evictions.',
      'A change in request mix or cache keys (new model version, new prompt template).',
    ],
    likelyFixes: [
      'Give the cache more memory or a longer TTL.',
      'Fix cache keys that changed with a deploy.',
    ],
  },
  {
    name: 'InferenceDbPoolSaturated',
    severity: 'warning',
    firesWhen: 'a pod using more than 90 % of its database connection pool',
    threshold: { kind: 'fixed', value: 0.9, unit: 'ratio' },
    for: Duration.minutes(10),
    source: `${SEED_000} (database connection pool > 90 %), ${ISSUE_4}`,
    meaning: 'A pod uses more than the threshold share of its database connection pool for 10 minutes: requests will soon wait for connections.',
    firstChecks: [
      'Database latency and slow queries; long transactions holding connections.',
      'Pool size against the database\'s max connections divided by the replica count.',
    ],
    likelyFixes: [
      'Fix slow queries or leaked connections.',
      'Raise the pool size if the database has connections to spare.',
    ],
  },
  {
    name: 'InferenceHpaAtMaxReplicas',
    severity: 'warning',
    firesWhen: 'the autoscaler running maxReplicas replicas',
    threshold: { kind: 'derived', from: 'maxReplicas', unit: 'replicas' },
    for: Duration.minutes(15),
    source: `${ISSUE_4} (capacity exhausted)`,
    meaning: 'The autoscaler has run at maxReplicas for 15 minutes: any further load increase cannot be absorbed.',
    firstChecks: [
      'kubectl describe hpa: the metric values against their targets.',
      'Latency and queue depth: is the service already degrading?',
    ],
    likelyFixes: [
      'Raise maxReplicas (and the GPU node group maximum).',
      'Reduce per-request cost (batching, smaller model) if the traffic is expected.',
    ],
  },
  {
    name: 'InferenceHpaScalingStuck',
    severity: 'warning',
    firesWhen: 'the autoscaler wanting more replicas than are running',
    threshold: { kind: 'none' },
    for: Duration.minutes(10),
    source: ISSUE_4,
    meaning: 'The autoscaler wants more replicas than are running for 10 minutes: new pods cannot be scheduled or do not become Ready.',
    firstChecks: [
      'Pending pods and their events (insufficient nvidia.com/gpu, quota, node group at its maximum).',
      'Pods that start but never become Ready (see InferencePodNotReady, InferenceModelLoadFailed).',
    ],
    likelyFixes: [
      'Add GPU capacity (node group maximum, cluster autoscaler or Karpenter limits, quota).',
      'Fix the startup failure of the new pods.',
    ],
  },
  {
    name: 'InferenceThroughputLow',
    severity: 'info',
    firesWhen: 'request rate over 5m below the floor (default: the SLO throughput target)',
    threshold: { kind: 'derived', from: 'slo.throughputRps', unit: 'requests/s' },
    for: Duration.minutes(15),
    source: `${SEED_000} (low inference throughput); floor = the SLO throughput target, a plain threshold per REFERENCE.md`,
    meaning: 'The request rate stayed below the configured floor for 15 minutes: less traffic than planned reaches the service (upstream outage, routing change), or the floor needs adjusting.',
    firstChecks: [
      'Load balancer and client-side errors: is traffic being dropped before it reaches the pods?',
      'A planned traffic shift or a quiet period.',
    ],
    likelyFixes: [
      'Restore routing to the service.',
      'Lower the floor (override the threshold) if the traffic level is expected.',
    ],
  },
  {
    name: 'InferenceBiasScoreHigh',
    severity: 'info',
    firesWhen: 'share of responses with a high bias score over 5m above 5 %',
    threshold: { kind: 'fixed', value: 0.05, unit: 'ratio' },
    for: Duration.minutes(15),
    source: `${SEED_000} (high bias score frequency); the 5 % share of requests is a library default`,
    meaning: 'More than the threshold share of responses was flagged with a high bias score over 15 minutes.',
    firstChecks: [
      'Which prompts or model version produce the flagged responses.',
      'A recent model or prompt-template change.',
    ],
    likelyFixes: [
      'Roll back the model or template change; escalate to the model owners.',
    ],
  },
  {
    name: 'InferenceGpuUnderutilized',
    severity: 'info',
    firesWhen: 'mean GPU utilization of the pods below 30 %',
    threshold: { kind: 'fixed', value: 30, unit: 'percent' },
    for: Duration.hours(1),
    source: `${SEED_000} (low GPU utilization < 30 %), ${ISSUE_4} (cost)`,
    meaning: 'The mean GPU utilization of the pods stayed below the threshold for an hour: GPUs are paid for and idle.',
    firstChecks: [
      'minReplicas against the traffic of quiet hours.',
      'Whether requests are batched (a GPU serving one request at a time stays underused).',
    ],
    likelyFixes: [
      'Lower minReplicas or add scheduled scaling for quiet hours.',
      'Use smaller GPUs or share them (MIG, time slicing) for this model.',
    ],
  },
];

/** The catalogue entry of `name`. */
export function catalogueEntry(name: AlertName): AlertCatalogueEntry {
  const entry = ALERT_CATALOGUE.find((e) => e.name === name);
  if (!entry) throw new Error(`${name} is not in ALERT_CATALOGUE`);
  return entry;
}

/** One tier of the multi-window, multi-burn-rate alerts. */
export interface BurnRateTier {
  /** The alert this tier belongs to. */
  readonly alert: 'InferenceErrorBudgetBurnFast' | 'InferenceErrorBudgetBurnSlow';
  readonly severity: AlertSeverity;
  readonly longWindow: Duration;
  readonly shortWindow: Duration;
  /** Multiple of the budget-neutral error ratio (1 − objective). */
  readonly burnRate: number;
  /** Share of a 30-day budget spent when the tier fires. */
  readonly budgetSpent: number;
  readonly for: Duration;
}

/**
 * The four burn-rate tiers for a 30-day objective. Source: REFERENCE.md "SLO alerting"
 * (Google SRE Workbook ch. 5, the four-tier form that sloth and kube-prometheus ship).
 */
export const BURN_RATE_TIERS: readonly BurnRateTier[] = [
  { alert: 'InferenceErrorBudgetBurnFast', severity: 'critical', longWindow: Duration.hours(1), shortWindow: Duration.minutes(5), burnRate: 14.4, budgetSpent: 0.02, for: Duration.minutes(2) },
  { alert: 'InferenceErrorBudgetBurnFast', severity: 'critical', longWindow: Duration.hours(6), shortWindow: Duration.minutes(30), burnRate: 6, budgetSpent: 0.05, for: Duration.minutes(15) },
  { alert: 'InferenceErrorBudgetBurnSlow', severity: 'warning', longWindow: Duration.days(1), shortWindow: Duration.hours(2), burnRate: 3, budgetSpent: 0.1, for: Duration.hours(1) },
  { alert: 'InferenceErrorBudgetBurnSlow', severity: 'warning', longWindow: Duration.days(3), shortWindow: Duration.hours(6), burnRate: 1, budgetSpent: 0.1, for: Duration.hours(3) },
];
