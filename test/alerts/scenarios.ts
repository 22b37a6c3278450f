import { AlertName } from '../../src/alerts';
import { SEED } from './seed';

/**
 * promtool scenarios for the seed service, one firing and one silent (or more) per alert.
 *
 * The numbers here are literals chosen for the seed SLO and the catalogue defaults, just
 * over and just under each threshold, and the check times are literal too (onset + `for`,
 * and one evaluation earlier): a wrong threshold, window or `for` in the rules fails them.
 * Only the annotation text is rendered from the rules; its observed value is literal.
 *
 * Onsets: gauges are bad from t=0; rate-based ratios from t=1m (the first evaluation with
 * two samples in the window; counters start at 0 so rate() does not extrapolate).
 */

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

export interface ExpectedAlert {
  /** Every label of the alert except alertname. */
  readonly labels: Readonly<Record<string, string>>;
  /** What `{{ $value | ... }}` must render to. */
  readonly value: string;
}

export interface AlertCheck {
  /** Evaluation time, e.g. `6m`. */
  readonly at: string;
  /** Alerts of the scenario's alertname firing at that time (empty: none). */
  readonly firing: readonly ExpectedAlert[];
}

export interface AlertScenario {
  readonly alert: AlertName;
  /** Test name (a sentence). */
  readonly title: string;
  /** Scrape and evaluation interval. */
  readonly interval: '1m' | '5m';
  readonly series: readonly InputSeries[];
  readonly checks: readonly AlertCheck[];
  /**
   * A firing scenario whose series are also fed, relabelled to neighbour services in the
   * same namespace (one with our name prefix) and to the same service in another
   * namespace: they must not trigger.
   */
  readonly neighboursOf?: AlertScenario;
}

export const NS = SEED.namespace;
export const JOB = SEED.job;
export const POD_A = 'ai-inference-7d9f8c6b5-abcde';
export const POD_B = 'ai-inference-7d9f8c6b5-fghij';
export const HPA = SEED.hpa;
/** The ReplicaSet of POD_A and POD_B (its name is the pod-template-hash prefix of theirs). */
export const RS = 'ai-inference-7d9f8c6b5';
/** A pod of the neighbour Deployment `ai-inference-canary`: same name prefix, not ours. */
export const CANARY_POD = 'ai-inference-canary-5f4b8c9d7-x2k4p';

function sel(metric: string, labels: Record<string, string>): string {
  return `${metric}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}
/** A series the inference server exports, scraped by the ServiceMonitor. */
const svc = (metric: string, labels: Record<string, string> = {}) => sel(metric, { namespace: NS, job: JOB, ...labels });
/** A kube-state-metrics series. */
const ksm = (metric: string, labels: Record<string, string>) => sel(metric, { namespace: NS, job: 'kube-state-metrics', ...labels });
/** A kubelet cAdvisor series. */
const cadvisor = (metric: string, labels: Record<string, string>) => sel(metric, { namespace: NS, job: 'kubelet', metrics_path: '/metrics/cadvisor', ...labels });
/** A dcgm-exporter series scraped without honorLabels (exported_namespace / exported_pod). */
const gpuUtil = (pod: string, values: string): InputSeries => ({
  series: sel('DCGM_FI_DEV_GPU_UTIL', { namespace: 'gpu-operator', job: 'nvidia-dcgm-exporter', gpu: '0', exported_namespace: NS, exported_pod: pod, exported_container: 'inference' }),
  values,
});

/**
 * kube-state-metrics owner series: each pod owned by `replicaset`, the ReplicaSet owned by
 * Deployment `deployment` (kube_pod_owner, kube_replicaset_owner), for `steps` steps.
 */
export function owned(pods: readonly string[], steps: number, replicaset = RS, deployment: string = SEED.deployment): InputSeries[] {
  return [
    ...pods.map((pod) => ({
      series: ksm('kube_pod_owner', { pod, uid: pod, owner_kind: 'ReplicaSet', owner_name: replicaset, owner_is_controller: 'true' }),
      values: `1x${steps}`,
    })),
    { series: ksm('kube_replicaset_owner', { replicaset, owner_kind: 'Deployment', owner_name: deployment, owner_is_controller: 'true' }), values: `1x${steps}` },
  ];
}

/**
 * A counter's values, one sample per `stepMinutes`, growing at each segment's rate (per
 * second) for that segment's minutes: `[[100, 60], [10, 30]]` is 100 req/s for an hour,
 * then 10 req/s for half an hour.
 */
export function counterAt(segments: readonly (readonly [number, number])[], stepMinutes: number): string {
  const parts: string[] = [];
  let value = 0;
  let first = true;
  for (const [perSecond, minutes] of segments) {
    const perStep = perSecond * 60 * stepMinutes;
    const steps = minutes / stepMinutes;
    if (!Number.isInteger(steps) || steps < 1) throw new Error(`${minutes} minutes is not a whole number of ${stepMinutes}m steps`);
    // The first segment starts at 0 (no rate() extrapolation); later ones one step on.
    const start = first ? 0 : value + perStep;
    const n = first ? steps : steps - 1;
    parts.push(`${start}+${perStep}x${n}`);
    value = start + perStep * n;
    first = false;
  }
  return parts.join(' ');
}

/** Labels every alert of the seed service carries, plus `extra`. */
export function alertLabels(severity: 'critical' | 'warning' | 'info', extra: Record<string, string> = {}): Record<string, string> {
  return { severity, namespace: NS, deployment: SEED.deployment, ...extra };
}

/**
 * Cumulative histogram series: `perStep` maps each `le` (as the client writes it) to the
 * observations per step at or below it; `+Inf` is also the `_count`.
 */
export function histogram(perStep: Record<string, number>, steps: number, metric = 'inference_response_time_seconds', labels: Record<string, string> = {}, scope = svc): InputSeries[] {
  const out: InputSeries[] = Object.entries(perStep).map(([le, n]) => ({ series: scope(`${metric}_bucket`, { ...labels, le }), values: `0+${n}x${steps}` }));
  out.push({ series: scope(`${metric}_count`, labels), values: `0+${perStep['+Inf']}x${steps}` });
  return out;
}

const counter = (series: string, perStep: number, steps: number): InputSeries => ({ series, values: `0+${perStep}x${steps}` });
/** kube_deployment_spec_replicas of the seed Deployment (what the autoscaler asked for). */
const specReplicas = (values: string): InputSeries => ({ series: ksm('kube_deployment_spec_replicas', { deployment: SEED.deployment }), values });
const REQUESTS = svc('inference_requests_total');
const ERRORS = svc('inference_errors_total');

// Buckets of the seed histogram (Go client style le), observations per minute out of 1000.
const P95_JUST_OVER = { '0.5': 500, '1': 700, '2': 940, '2.5': 1000, '3': 1000, '4': 1000, '5': 1000, '+Inf': 1000 }; // p95 = 2 + 0.5·10/60 = 2.083 s
const P95_JUST_UNDER = { '0.5': 500, '1': 700, '2': 960, '2.5': 1000, '3': 1000, '4': 1000, '5': 1000, '+Inf': 1000 }; // p95 = 1 + 250/260 = 1.962 s
const P99_JUST_OVER = { '0.5': 500, '1': 700, '2': 940, '2.5': 950, '3': 989, '4': 1000, '5': 1000, '+Inf': 1000 }; // p99 = 3 + 1/11 = 3.091 s
const P99_JUST_UNDER = { '0.5': 500, '1': 700, '2': 940, '2.5': 950, '3': 991, '4': 1000, '5': 1000, '+Inf': 1000 }; // p99 = 2.5 + 0.5·40/41 = 2.988 s

const BURN_1H = { job: JOB, long_window: '1h', short_window: '5m' };
const BURN_6H = { job: JOB, long_window: '6h', short_window: '30m' };
const BURN_1D = { job: JOB, long_window: '1d', short_window: '2h' };
const BURN_3D = { job: JOB, long_window: '3d', short_window: '6h' };

function pair(fires: AlertScenario[], silent: Omit<AlertScenario, 'neighboursOf'>[]): AlertScenario[] {
  return [...fires, ...silent.map((s) => ({ ...s, neighboursOf: fires[0] }))];
}

const p95Fires: AlertScenario = {
  alert: 'InferenceLatencyP95SLOBreach',
  title: 'fires 5m after the p95 latency goes just over 2 s (2.083 s)',
  interval: '1m',
  series: histogram(P95_JUST_OVER, 20),
  checks: [
    { at: '5m', firing: [] },
    { at: '6m', firing: [{ labels: alertLabels('critical', { job: JOB }), value: '2.083s' }] },
  ],
};

const p99Fires: AlertScenario = {
  alert: 'InferenceLatencyP99High',
  title: 'fires 10m after the p99 latency goes just over 3 s (3.091 s)',
  interval: '1m',
  series: histogram(P99_JUST_OVER, 25),
  checks: [
    { at: '10m', firing: [] },
    { at: '11m', firing: [{ labels: alertLabels('warning', { job: JOB }), value: '3.091s' }] },
  ],
};

const errorRateFires: AlertScenario = {
  alert: 'InferenceErrorRateHigh',
  title: 'fires 5m after the error ratio goes just over 5 % (5.1 %)',
  interval: '1m',
  series: [counter(REQUESTS, 1000, 20), counter(ERRORS, 51, 20)],
  checks: [
    { at: '5m', firing: [] },
    { at: '6m', firing: [{ labels: alertLabels('critical', { job: JOB }), value: '5.1%' }] },
  ],
};

/** kube_pod_start_time and kube_pod_created of `pod` (Unix seconds; promtool's clock starts at 0). */
function podTimes(pod: string, created: number, started: string, steps: number): InputSeries[] {
  return [
    { series: ksm('kube_pod_created', { pod, uid: pod }), values: `${created}x${steps}` },
    { series: ksm('kube_pod_start_time', { pod, uid: pod }), values: started },
  ];
}
/** kube_pod_status_ready{condition="true"} and {condition="false"} of `pod` from Ready values (1/0). */
function readiness(pod: string, ready: string): InputSeries[] {
  const inverse = ready.replace(/\b([01])(?=x|\s|$)/g, (d) => (d === '1' ? '0' : '1'));
  return [
    { series: ksm('kube_pod_status_ready', { pod, uid: pod, condition: 'true' }), values: ready },
    { series: ksm('kube_pod_status_ready', { pod, uid: pod, condition: 'false' }), values: inverse },
  ];
}

// The seed's startup grace: probes.startupBudget 5m + STARTUP_MARGIN 5m = 600 s.
const podNotReadyFires: AlertScenario = {
  alert: 'InferencePodNotReady',
  title: 'fires for the one long-running pod that has not been ready for 5m',
  interval: '1m',
  series: [
    ...owned([POD_A, POD_B], 22),
    ...podTimes(POD_A, -3600, '-3600x22', 22),
    ...podTimes(POD_B, -3600, '-3600x22', 22),
    ...readiness(POD_A, '1 1 0x20'),
    ...readiness(POD_B, '1x22'),
  ],
  checks: [
    { at: '6m', firing: [] },
    // Started an hour before t=0: 3600 + 420 s.
    { at: '7m', firing: [{ labels: alertLabels('critical', { pod: POD_A }), value: '1h 7m 0s' }] },
  ],
};

const podNeverReadyFires: AlertScenario = {
  alert: 'InferencePodNotReady',
  title: 'fires for a new pod that never becomes ready, 5m after its 10m startup grace',
  interval: '1m',
  series: [
    ...owned([POD_A, POD_B], 25),
    ...podTimes(POD_A, -3600, '-3600x25', 25),
    ...podTimes(POD_B, 60, '_ 60x24', 25),
    ...readiness(POD_A, '1x25'),
    ...readiness(POD_B, '_ 0x24'),
  ],
  checks: [
    // Started at 60 s: past 600 s of grace from 12m (660 s), firing 5m later.
    { at: '16m', firing: [] },
    { at: '17m', firing: [{ labels: alertLabels('critical', { pod: POD_B }), value: '16m 0s' }] },
  ],
};

const podPendingFires: AlertScenario = {
  alert: 'InferencePodNotReady',
  title: 'fires for a pod Pending past its grace (no start time, no Ready condition yet), counted from its creation',
  interval: '1m',
  series: [
    ...owned([POD_A, POD_B], 25),
    ...podTimes(POD_A, -3600, '-3600x25', 25),
    { series: ksm('kube_pod_created', { pod: POD_B, uid: POD_B }), values: '_ 60x24' },
    ...readiness(POD_A, '1x25'),
  ],
  checks: [
    { at: '16m', firing: [] },
    { at: '17m', firing: [{ labels: alertLabels('critical', { pod: POD_B }), value: '16m 0s' }] },
  ],
};

const modelLoadCounterFires: AlertScenario = {
  alert: 'InferenceModelLoadFailed',
  title: 'fires at once when the model-load failure counter increases',
  interval: '1m',
  series: [{ series: svc('inference_model_load_failures_total', { pod: POD_A }), values: '0 0 0 1x20' }],
  checks: [
    { at: '2m', firing: [] },
    { at: '3m', firing: [{ labels: alertLabels('critical', { pod: POD_A }), value: '1' }] },
  ],
};

const modelLoadRestartsFires: AlertScenario = {
  alert: 'InferenceModelLoadFailed',
  title: 'fires at the second restart of a container that never became ready',
  interval: '1m',
  series: [
    ...owned([POD_A], 25),
    { series: svc('inference_model_load_failures_total', { pod: POD_A }), values: '0x25' },
    { series: ksm('kube_pod_container_status_restarts_total', { pod: POD_A, container: 'inference' }), values: '0 0 1 1 1 2x20' },
    { series: ksm('kube_pod_container_status_ready', { pod: POD_A, container: 'inference' }), values: '0x25' },
  ],
  checks: [
    { at: '4m', firing: [] },
    { at: '5m', firing: [{ labels: alertLabels('critical', { pod: POD_A }), value: '2' }] },
  ],
};

const burnFastFires: AlertScenario = {
  alert: 'InferenceErrorBudgetBurnFast',
  title: 'fires the 1h/5m tier 2m and the 6h/30m tier 15m after the error ratio reaches 1.5 % (just over 14.4 × 0.1 %)',
  interval: '1m',
  series: [counter(REQUESTS, 1000, 40), counter(ERRORS, 15, 40)],
  checks: [
    { at: '2m', firing: [] },
    { at: '3m', firing: [{ labels: alertLabels('critical', BURN_1H), value: '1.5%' }] },
    { at: '15m', firing: [{ labels: alertLabels('critical', BURN_1H), value: '1.5%' }] },
    {
      at: '16m',
      firing: [
        { labels: alertLabels('critical', BURN_1H), value: '1.5%' },
        { labels: alertLabels('critical', BURN_6H), value: '1.5%' },
      ],
    },
  ],
};

const burnSlowFires: AlertScenario = {
  alert: 'InferenceErrorBudgetBurnSlow',
  title: 'fires the 1d/2h tier 1h and the 3d/6h tier 3h after the error ratio reaches 0.4 % (just over 3 × 0.1 %)',
  interval: '5m',
  series: [counter(REQUESTS, 10000, 80), counter(ERRORS, 40, 80)],
  checks: [
    { at: '60m', firing: [] },
    { at: '65m', firing: [{ labels: alertLabels('warning', BURN_1D), value: '0.4%' }] },
    { at: '180m', firing: [{ labels: alertLabels('warning', BURN_1D), value: '0.4%' }] },
    {
      at: '185m',
      firing: [
        { labels: alertLabels('warning', BURN_1D), value: '0.4%' },
        { labels: alertLabels('warning', BURN_3D), value: '0.4%' },
      ],
    },
  ],
};

const budgetExhaustedFires: AlertScenario = {
  alert: 'InferenceErrorBudgetExhausted',
  title: 'fires 5m after availability drops just under 99.9 % (99.89 %)',
  interval: '1m',
  series: [counter(REQUESTS, 10000, 20), counter(ERRORS, 11, 20)],
  checks: [
    { at: '5m', firing: [] },
    { at: '6m', firing: [{ labels: alertLabels('critical', { job: JOB }), value: '99.89%' }] },
  ],
};

const gpuHighFires: AlertScenario = {
  alert: 'InferenceGpuUtilizationHigh',
  title: 'fires 15m after the mean GPU utilization goes just over 95 % (96.5 %)',
  interval: '1m',
  series: [...owned([POD_A, POD_B], 20), gpuUtil(POD_A, '96x20'), gpuUtil(POD_B, '97x20')],
  checks: [
    { at: '14m', firing: [] },
    { at: '15m', firing: [{ labels: alertLabels('warning'), value: '96.5' }] },
  ],
};

const memoryFires: AlertScenario = {
  alert: 'InferenceMemoryUsageHigh',
  title: 'fires 10m after a container uses 91 % of its memory limit',
  interval: '1m',
  series: [
    ...owned([POD_A], 15),
    { series: cadvisor('container_memory_working_set_bytes', { pod: POD_A, container: 'inference' }), values: '9100000000x15' },
    { series: cadvisor('container_memory_working_set_bytes', { pod: POD_A, container: '' }), values: '9900000000x15' },
    { series: ksm('kube_pod_container_resource_limits', { pod: POD_A, container: 'inference', resource: 'memory', unit: 'byte' }), values: '10000000000x15' },
  ],
  checks: [
    { at: '9m', firing: [] },
    { at: '10m', firing: [{ labels: alertLabels('warning', { pod: POD_A, container: 'inference' }), value: '91%' }] },
  ],
};

const queueFires: AlertScenario = {
  alert: 'InferenceQueueDepthHigh',
  title: 'fires 10m after the mean queue per pod goes over the target of 10 (11.5)',
  interval: '1m',
  series: [
    { series: svc('inference_queue_depth', { pod: POD_A }), values: '11x15' },
    { series: svc('inference_queue_depth', { pod: POD_B }), values: '12x15' },
  ],
  checks: [
    { at: '9m', firing: [] },
    { at: '10m', firing: [{ labels: alertLabels('warning', { job: JOB }), value: '11.5' }] },
  ],
};

const cacheFires: AlertScenario = {
  alert: 'InferenceCacheHitRateLow',
  title: 'fires 30m after the mean cache hit ratio drops just under 70 % (69 %)',
  interval: '1m',
  series: [
    { series: svc('cache_hit_rate', { pod: POD_A }), values: '0.68x40' },
    { series: svc('cache_hit_rate', { pod: POD_B }), values: '0.7x40' },
  ],
  checks: [
    { at: '29m', firing: [] },
    { at: '30m', firing: [{ labels: alertLabels('warning', { job: JOB }), value: '69%' }] },
  ],
};

const dbPoolFires: AlertScenario = {
  alert: 'InferenceDbPoolSaturated',
  title: 'fires 10m after a pod uses 95 % of its database pool',
  interval: '1m',
  series: [
    { series: svc('inference_db_pool_connections_in_use', { pod: POD_A }), values: '19x15' },
    { series: svc('inference_db_pool_connections_max', { pod: POD_A }), values: '20x15' },
  ],
  checks: [
    { at: '9m', firing: [] },
    { at: '10m', firing: [{ labels: alertLabels('warning', { job: JOB, pod: POD_A }), value: '95%' }] },
  ],
};

const hpaSeries = (metric: string, values: string): InputSeries => ({ series: ksm(`kube_horizontalpodautoscaler_${metric}`, { horizontalpodautoscaler: HPA }), values });
const deploymentSeries = (metric: string, values: string): InputSeries => ({ series: ksm(`kube_deployment_${metric}`, { deployment: SEED.deployment }), values });

/** The autoscaler at its maximum of 20 with 3 of the 20 pods Pending (no GPU node for them). */
const PENDING_AT_MAX: readonly InputSeries[] = [
  hpaSeries('status_desired_replicas', '20x20'),
  // The HPA's current replicas count the Pending pods too.
  hpaSeries('status_current_replicas', '20x20'),
  deploymentSeries('spec_replicas', '20x20'),
  deploymentSeries('status_replicas', '20x20'),
  deploymentSeries('status_replicas_updated', '20x20'),
  deploymentSeries('status_replicas_available', '17x20'),
];

const hpaMaxFires: AlertScenario = {
  alert: 'InferenceHpaAtMaxReplicas',
  title: 'fires 15m after the autoscaler reaches 20 replicas',
  interval: '1m',
  series: [hpaSeries('status_current_replicas', '20x20')],
  checks: [
    { at: '14m', firing: [] },
    { at: '15m', firing: [{ labels: alertLabels('warning', { horizontalpodautoscaler: HPA }), value: '20' }] },
  ],
};

const hpaMaxPendingFires: AlertScenario = {
  alert: 'InferenceHpaAtMaxReplicas',
  title: 'fires at 20 of 20 replicas even while 3 of them are Pending (the ceiling is reached; InferenceHpaScalingStuck tells the rest)',
  interval: '1m',
  series: PENDING_AT_MAX,
  checks: [
    { at: '14m', firing: [] },
    { at: '15m', firing: [{ labels: alertLabels('warning', { horizontalpodautoscaler: HPA }), value: '20' }] },
  ],
};

const hpaStuckFires: AlertScenario = {
  alert: 'InferenceHpaScalingStuck',
  title: 'fires 10m after the autoscaler wants 2 replicas more than are available, although its current replicas count the 2 Pending pods',
  interval: '1m',
  series: [
    hpaSeries('status_desired_replicas', '12x15'),
    hpaSeries('status_current_replicas', '12x15'),
    deploymentSeries('status_replicas', '12x15'),
    deploymentSeries('status_replicas_updated', '12x15'),
    deploymentSeries('status_replicas_available', '10x15'),
  ],
  checks: [
    { at: '9m', firing: [] },
    { at: '10m', firing: [{ labels: alertLabels('warning', { horizontalpodautoscaler: HPA }), value: '2' }] },
  ],
};

const hpaStuckAtMaxFires: AlertScenario = {
  alert: 'InferenceHpaScalingStuck',
  title: 'fires 10m into 3 pods Pending at the maximum of 20 replicas',
  interval: '1m',
  series: PENDING_AT_MAX,
  checks: [
    { at: '9m', firing: [] },
    { at: '10m', firing: [{ labels: alertLabels('warning', { horizontalpodautoscaler: HPA }), value: '3' }] },
  ],
};

// InferenceThroughputLow compares the 5m rate with the rate 1h and 1d earlier (the SLO's
// 1000 req/s throughput objective is a capacity target, not a floor).
const throughputFires: AlertScenario = {
  alert: 'InferenceThroughputLow',
  title: 'fires 15m after traffic collapses from 100 to 10 req/s within minutes (no day-old data yet)',
  interval: '1m',
  // 100 req/s for 70m, then 10 req/s: the 5m rate is under 50 (half the hour-old 100) from 73m.
  series: [{ series: REQUESTS, values: counterAt([[100, 70], [10, 30]], 1) }],
  checks: [
    { at: '87m', firing: [] },
    { at: '88m', firing: [{ labels: alertLabels('info', { job: JOB }), value: '10' }] },
  ],
};

const throughputVanishedFires: AlertScenario = {
  alert: 'InferenceThroughputLow',
  title: 'fires when the request series vanishes (no scrape), reading it as 0 req/s',
  interval: '1m',
  series: [{ series: REQUESTS, values: `${counterAt([[100, 70]], 1)} _x30` }],
  checks: [
    // The last sample is at 70m: the 5m rate fades (70, 50, 30 at 72-74m) and is absent
    // from 75m, read as 0. Under 50 from 74m, firing 15m later.
    { at: '88m', firing: [] },
    { at: '89m', firing: [{ labels: alertLabels('info', { job: JOB }), value: '0' }] },
  ],
};

const throughputDayFires: AlertScenario = {
  alert: 'InferenceThroughputLow',
  title: 'fires 15m after traffic collapses to 10 req/s at a time it was 100 req/s the day before',
  interval: '5m',
  series: [{ series: REQUESTS, values: counterAt([[100, 1560], [10, 60]], 5) }],
  checks: [
    { at: '1575m', firing: [] },
    { at: '1580m', firing: [{ labels: alertLabels('info', { job: JOB }), value: '10' }] },
  ],
};

const biasFires: AlertScenario = {
  alert: 'InferenceBiasScoreHigh',
  title: 'fires 15m after 5.1 % of the responses score high bias',
  interval: '1m',
  series: [counter(REQUESTS, 1000, 25), counter(svc('high_bias_score_total'), 51, 25)],
  checks: [
    { at: '15m', firing: [] },
    { at: '16m', firing: [{ labels: alertLabels('info', { job: JOB }), value: '5.1%' }] },
  ],
};

const gpuLowFires: AlertScenario = {
  alert: 'InferenceGpuUnderutilized',
  title: 'fires 1h after the mean GPU utilization drops just under 30 % (29.5 %) with 5 replicas, above minReplicas 3',
  interval: '1m',
  series: [...owned([POD_A, POD_B], 70), gpuUtil(POD_A, '25x70'), gpuUtil(POD_B, '34x70'), specReplicas('5x70')],
  checks: [
    { at: '59m', firing: [] },
    { at: '60m', firing: [{ labels: alertLabels('info'), value: '29.5' }] },
  ],
};

/** Every alert of the catalogue: firing scenarios first, then silent ones. */
export const ALERT_SCENARIOS: readonly AlertScenario[] = [
  ...pair([p95Fires], [
    {
      alert: 'InferenceLatencyP95SLOBreach',
      title: 'stays silent while the p95 latency is just under 2 s (1.962 s)',
      interval: '1m',
      series: histogram(P95_JUST_UNDER, 20),
      checks: [{ at: '6m', firing: [] }, { at: '15m', firing: [] }],
    },
  ]),
  ...pair([p99Fires], [
    {
      alert: 'InferenceLatencyP99High',
      title: 'stays silent while the p99 latency is just under 3 s (2.988 s)',
      interval: '1m',
      series: histogram(P99_JUST_UNDER, 25),
      checks: [{ at: '11m', firing: [] }, { at: '20m', firing: [] }],
    },
  ]),
  ...pair([errorRateFires], [
    {
      alert: 'InferenceErrorRateHigh',
      title: 'stays silent while the error ratio is just under 5 % (4.9 %)',
      interval: '1m',
      series: [counter(REQUESTS, 1000, 20), counter(ERRORS, 49, 20)],
      checks: [{ at: '6m', firing: [] }, { at: '15m', firing: [] }],
    },
  ]),
  ...pair([podNotReadyFires, podNeverReadyFires, podPendingFires], [
    {
      alert: 'InferencePodNotReady',
      title: 'stays silent when a pod is not ready for 4m only',
      interval: '1m',
      series: [
        ...owned([POD_A, POD_B], 25),
        ...podTimes(POD_A, -3600, '-3600x25', 25),
        ...podTimes(POD_B, -3600, '-3600x25', 25),
        ...readiness(POD_A, '1 0 0 0 0 1x20'),
        ...readiness(POD_B, '1x25'),
      ],
      checks: [{ at: '5m', firing: [] }, { at: '6m', firing: [] }, { at: '10m', firing: [] }],
    },
    {
      alert: 'InferencePodNotReady',
      title: 'stays silent for a slow-starting pod that is ready 9m after it started, inside its startup grace',
      interval: '1m',
      series: [
        ...owned([POD_A, POD_B], 25),
        ...podTimes(POD_A, -3600, '-3600x25', 25),
        ...podTimes(POD_B, 60, '_ 60x24', 25),
        ...readiness(POD_A, '1x25'),
        // Image pull and model load: not ready from 1m to 9m, ready from 10m.
        ...readiness(POD_B, '_ 0x8 1x15'),
      ],
      checks: [{ at: '6m', firing: [] }, { at: '10m', firing: [] }, { at: '20m', firing: [] }],
    },
    {
      alert: 'InferencePodNotReady',
      title: 'gives a pod that waited 8m for a GPU node its startup grace from when it started, not from its creation',
      interval: '1m',
      series: [
        ...owned([POD_A, POD_B], 30),
        ...podTimes(POD_A, -3600, '-3600x30', 30),
        // Created at 1m, Pending until the kubelet starts it at 9m, ready at 18m (9m after it
        // started). Counted from its creation it would fire at 17m.
        { series: ksm('kube_pod_created', { pod: POD_B, uid: POD_B }), values: '_ 60x29' },
        { series: ksm('kube_pod_start_time', { pod: POD_B, uid: POD_B }), values: '_x9 540x21' },
        ...readiness(POD_A, '1x30'),
        ...readiness(POD_B, '_x9 0x8 1x12'),
      ],
      checks: [{ at: '12m', firing: [] }, { at: '17m', firing: [] }, { at: '22m', firing: [] }, { at: '30m', firing: [] }],
    },
    {
      alert: 'InferencePodNotReady',
      title: 'stays silent for an evicted (Failed) pod the ReplicaSet has replaced',
      interval: '1m',
      series: [
        ...owned([POD_A, POD_B], 25),
        ...podTimes(POD_A, -3600, '-3600x25', 25),
        ...podTimes(POD_B, -3600, '-3600x25', 25),
        ...readiness(POD_A, '1x25'),
        ...readiness(POD_B, '1 0x24'),
        { series: ksm('kube_pod_status_phase', { pod: POD_B, uid: POD_B, phase: 'Failed' }), values: '0 1x24' },
        { series: ksm('kube_pod_status_phase', { pod: POD_B, uid: POD_B, phase: 'Running' }), values: '1 0x24' },
      ],
      checks: [{ at: '7m', firing: [] }, { at: '20m', firing: [] }],
    },
    {
      alert: 'InferencePodNotReady',
      title: 'stays silent for a not-ready pod of the neighbour Deployment ai-inference-canary, whose pods share the name prefix',
      interval: '1m',
      series: [
        ...owned([POD_A], 25),
        ...owned([CANARY_POD], 25, 'ai-inference-canary-5f4b8c9d7', 'ai-inference-canary'),
        ...podTimes(POD_A, -3600, '-3600x25', 25),
        ...podTimes(CANARY_POD, -3600, '-3600x25', 25),
        ...readiness(POD_A, '1x25'),
        ...readiness(CANARY_POD, '0x25'),
      ],
      checks: [{ at: '7m', firing: [] }, { at: '20m', firing: [] }],
    },
  ]),
  ...pair([modelLoadCounterFires, modelLoadRestartsFires], [
    {
      alert: 'InferenceModelLoadFailed',
      title: 'stays silent for one restart followed by a ready container',
      interval: '1m',
      series: [
        ...owned([POD_A], 25),
        { series: svc('inference_model_load_failures_total', { pod: POD_A }), values: '0x25' },
        { series: ksm('kube_pod_container_status_restarts_total', { pod: POD_A, container: 'inference' }), values: '0 0 1x25' },
        { series: ksm('kube_pod_container_status_ready', { pod: POD_A, container: 'inference' }), values: '0 0 0 1x25' },
      ],
      checks: [{ at: '2m', firing: [] }, { at: '5m', firing: [] }, { at: '20m', firing: [] }],
    },
  ]),
  ...pair(
    [
      burnFastFires,
      {
        alert: 'InferenceErrorBudgetBurnFast',
        title: 'fires only the 6h/30m tier at 1.4 % (just under 14.4 × 0.1 %, over 6 × 0.1 %)',
        interval: '1m',
        series: [counter(REQUESTS, 1000, 40), counter(ERRORS, 14, 40)],
        checks: [
          { at: '3m', firing: [] },
          { at: '15m', firing: [] },
          { at: '16m', firing: [{ labels: alertLabels('critical', BURN_6H), value: '1.4%' }] },
        ],
      },
      {
        alert: 'InferenceErrorBudgetBurnFast',
        title: 'resolves each tier once its short window (5m, 30m) is clean again',
        interval: '1m',
        // 3 % errors for 30 minutes, then none.
        series: [counter(REQUESTS, 1000, 90), { series: ERRORS, values: '0+30x30 900x60' }],
        checks: [
          { at: '3m', firing: [{ labels: alertLabels('critical', BURN_1H), value: '3%' }] },
          {
            at: '31m',
            firing: [
              { labels: alertLabels('critical', BURN_1H), value: '2.979%' },
              { labels: alertLabels('critical', BURN_6H), value: '2.979%' },
            ],
          },
          // 5m window: 60 errors / 5000 requests = 1.2 % < 1.44 %; the 1h ratio is still 2.9 %.
          { at: '33m', firing: [{ labels: alertLabels('critical', BURN_6H), value: '2.884%' }] },
          // 30m window, summed from the 31 recorded 5m rates in it: 0.68 % > 0.6 % at 56m,
          // 0.58 % at 57m. Each 5m rate reaches 5m back, so it clears 2m after raw counters would.
          { at: '53m', firing: [{ labels: alertLabels('critical', BURN_6H), value: '1.765%' }] },
          { at: '56m', firing: [{ labels: alertLabels('critical', BURN_6H), value: '1.667%' }] },
          { at: '57m', firing: [] },
        ],
      },
    ],
    [
      {
        alert: 'InferenceErrorBudgetBurnFast',
        title: 'stays silent at 0.59 % errors (just under 6 × 0.1 %)',
        interval: '1m',
        series: [counter(REQUESTS, 10000, 40), counter(ERRORS, 59, 40)],
        checks: [{ at: '16m', firing: [] }, { at: '40m', firing: [] }],
      },
      {
        alert: 'InferenceErrorBudgetBurnFast',
        title: 'stays silent for a 6 minute 2.5 % spike that the 1h and 6h windows absorb',
        interval: '1m',
        series: [counter(REQUESTS, 1000, 130), { series: ERRORS, values: '0x60 25+25x5 150x65' }],
        checks: [{ at: '63m', firing: [] }, { at: '66m', firing: [] }, { at: '70m', firing: [] }],
      },
    ],
  ),
  ...pair([budgetExhaustedFires], [
    {
      alert: 'InferenceErrorBudgetExhausted',
      title: 'stays silent while availability is just over 99.9 % (99.91 %)',
      interval: '1m',
      series: [counter(REQUESTS, 10000, 20), counter(ERRORS, 9, 20)],
      checks: [{ at: '6m', firing: [] }, { at: '15m', firing: [] }],
    },
  ]),
  {
    alert: 'InferenceErrorBudgetExhausted',
    title: 'counts the whole 30d period: a bad first day still fires 3.5 days later',
    interval: '5m',
    // 0.6 % errors on day one, none for the next 3.5 days: 0.133 % over 4.5 days (the 3d window would read 0).
    series: [counter(REQUESTS, 10000, 1296), { series: ERRORS, values: '0+60x288 17280x1007' }],
    checks: [{ at: '6480m', firing: [{ labels: alertLabels('critical', { job: JOB }), value: '99.87%' }] }],
  },
  ...pair(
    [
      burnSlowFires,
      {
        alert: 'InferenceErrorBudgetBurnSlow',
        title: 'fires only the 3d/6h tier at 0.29 % (just under 3 × 0.1 %, over 1 × 0.1 %)',
        interval: '5m',
        series: [counter(REQUESTS, 10000, 80), counter(ERRORS, 29, 80)],
        checks: [
          { at: '65m', firing: [] },
          { at: '180m', firing: [] },
          { at: '185m', firing: [{ labels: alertLabels('warning', BURN_3D), value: '0.29%' }] },
        ],
      },
      {
        alert: 'InferenceErrorBudgetBurnSlow',
        title: 'resolves the 1d/2h tier once its 2h window drops under 0.3 %',
        interval: '5m',
        // 0.4 % errors for 4 hours, then none.
        series: [counter(REQUESTS, 10000, 80), { series: ERRORS, values: '0+40x48 1920x40' }],
        checks: [
          // 2h window at 265m: 760 / 240000 = 0.317 %; at 275m: 680 / 240000 = 0.283 %.
          {
            at: '265m',
            firing: [
              { labels: alertLabels('warning', BURN_1D), value: '0.3623%' },
              { labels: alertLabels('warning', BURN_3D), value: '0.3623%' },
            ],
          },
          { at: '275m', firing: [{ labels: alertLabels('warning', BURN_3D), value: '0.3491%' }] },
        ],
      },
    ],
    [
      {
        alert: 'InferenceErrorBudgetBurnSlow',
        title: 'stays silent at 0.09 % errors (just under 1 × 0.1 %)',
        interval: '5m',
        series: [counter(REQUESTS, 10000, 80), counter(ERRORS, 9, 80)],
        checks: [{ at: '185m', firing: [] }, { at: '400m', firing: [] }],
      },
      {
        alert: 'InferenceErrorBudgetBurnSlow',
        title: 'stays silent for 9 hours of 0.5 % errors after 3 clean days (the 1d and 3d windows absorb it)',
        interval: '5m',
        series: [counter(REQUESTS, 10000, 972), { series: ERRORS, values: '0x864 50+50x107' }],
        checks: [{ at: '4560m', firing: [] }, { at: '4860m', firing: [] }],
      },
    ],
  ),
  ...pair([gpuHighFires], [
    {
      alert: 'InferenceGpuUtilizationHigh',
      title: 'stays silent for busy GPUs of the neighbour Deployment ai-inference-canary, whose pods share the name prefix',
      interval: '1m',
      series: [
        ...owned([POD_A], 20),
        ...owned([CANARY_POD], 20, 'ai-inference-canary-5f4b8c9d7', 'ai-inference-canary'),
        gpuUtil(POD_A, '90x20'),
        gpuUtil(CANARY_POD, '100x20'),
      ],
      checks: [{ at: '15m', firing: [] }, { at: '20m', firing: [] }],
    },
    {
      alert: 'InferenceGpuUtilizationHigh',
      title: 'stays silent while the mean GPU utilization is just under 95 % (94.9 %)',
      interval: '1m',
      series: [...owned([POD_A, POD_B], 20), gpuUtil(POD_A, '94x20'), gpuUtil(POD_B, '95.8x20')],
      checks: [{ at: '15m', firing: [] }, { at: '20m', firing: [] }],
    },
  ]),
  ...pair([memoryFires], [
    {
      alert: 'InferenceMemoryUsageHigh',
      title: 'stays silent while the container uses 89 % of its memory limit',
      interval: '1m',
      series: [
        ...owned([POD_A], 15),
        { series: cadvisor('container_memory_working_set_bytes', { pod: POD_A, container: 'inference' }), values: '8900000000x15' },
        { series: cadvisor('container_memory_working_set_bytes', { pod: POD_A, container: '' }), values: '9900000000x15' },
        { series: ksm('kube_pod_container_resource_limits', { pod: POD_A, container: 'inference', resource: 'memory', unit: 'byte' }), values: '10000000000x15' },
      ],
      checks: [{ at: '10m', firing: [] }, { at: '14m', firing: [] }],
    },
  ]),
  ...pair([queueFires], [
    {
      alert: 'InferenceQueueDepthHigh',
      title: 'stays silent while the mean queue per pod is just under 10 (9.9)',
      interval: '1m',
      series: [
        { series: svc('inference_queue_depth', { pod: POD_A }), values: '9x15' },
        { series: svc('inference_queue_depth', { pod: POD_B }), values: '10.8x15' },
      ],
      checks: [{ at: '10m', firing: [] }, { at: '14m', firing: [] }],
    },
  ]),
  ...pair([cacheFires], [
    {
      alert: 'InferenceCacheHitRateLow',
      title: 'stays silent while the mean cache hit ratio is just over 70 % (70.5 %)',
      interval: '1m',
      series: [
        { series: svc('cache_hit_rate', { pod: POD_A }), values: '0.71x40' },
        { series: svc('cache_hit_rate', { pod: POD_B }), values: '0.7x40' },
      ],
      checks: [{ at: '30m', firing: [] }, { at: '35m', firing: [] }],
    },
  ]),
  ...pair([dbPoolFires], [
    {
      alert: 'InferenceDbPoolSaturated',
      title: 'stays silent at exactly 90 % of the pool',
      interval: '1m',
      series: [
        { series: svc('inference_db_pool_connections_in_use', { pod: POD_A }), values: '18x15' },
        { series: svc('inference_db_pool_connections_max', { pod: POD_A }), values: '20x15' },
      ],
      checks: [{ at: '10m', firing: [] }, { at: '14m', firing: [] }],
    },
  ]),
  ...pair([hpaMaxFires, hpaMaxPendingFires], [
    {
      alert: 'InferenceHpaAtMaxReplicas',
      title: 'stays silent at 19 of 20 replicas',
      interval: '1m',
      series: [hpaSeries('status_current_replicas', '19x20')],
      checks: [{ at: '15m', firing: [] }, { at: '18m', firing: [] }],
    },
  ]),
  ...pair([hpaStuckFires, hpaStuckAtMaxFires], [
    {
      alert: 'InferenceHpaScalingStuck',
      title: 'stays silent when the new replicas are available after 9m',
      interval: '1m',
      series: [
        hpaSeries('status_desired_replicas', '12x15'),
        hpaSeries('status_current_replicas', '12x15'),
        deploymentSeries('status_replicas', '12x15'),
        deploymentSeries('status_replicas_updated', '12x15'),
        deploymentSeries('status_replicas_available', '10x8 12x6'),
      ],
      checks: [{ at: '10m', firing: [] }, { at: '14m', firing: [] }],
    },
    {
      alert: 'InferenceHpaScalingStuck',
      title: 'stays silent through a 20 minute rolling update that keeps 3 of 12 replicas unavailable',
      interval: '1m',
      series: [
        hpaSeries('status_desired_replicas', '12x25'),
        hpaSeries('status_current_replicas', '12x25'),
        // Old and new pods side by side until the last new ones are available at 21m.
        deploymentSeries('status_replicas', '15x20 12x5'),
        deploymentSeries('status_replicas_updated', '3 3 3 3 3 6x5 9x5 12x10'),
        deploymentSeries('status_replicas_available', '9x20 12x5'),
      ],
      checks: [{ at: '10m', firing: [] }, { at: '20m', firing: [] }, { at: '25m', firing: [] }],
    },
  ]),
  ...pair([throughputFires, throughputVanishedFires, throughputDayFires], [
    {
      alert: 'InferenceThroughputLow',
      title: 'stays silent at a steady 100 req/s, far below the 1000 req/s throughput objective',
      interval: '1m',
      series: [{ series: REQUESTS, values: counterAt([[100, 90]], 1) }],
      checks: [{ at: '16m', firing: [] }, { at: '65m', firing: [] }, { at: '90m', firing: [] }],
    },
    {
      alert: 'InferenceThroughputLow',
      title: 'stays silent through a normal night: traffic falls from 100 to 20 req/s within 5 minutes, as it did the day before',
      interval: '5m',
      // Evening at 100 req/s, night at 20 from 1h, day at 100 from 12h, night again from 25h.
      series: [{ series: REQUESTS, values: counterAt([[100, 60], [20, 660], [100, 780], [20, 60]], 5) }],
      checks: [{ at: '1505m', firing: [] }, { at: '1520m', firing: [] }, { at: '1560m', firing: [] }],
    },
    {
      alert: 'InferenceThroughputLow',
      title: 'stays silent for a quiet service dropping from 0.8 to 0.1 req/s (under the 1 req/s reference minimum)',
      interval: '1m',
      series: [{ series: REQUESTS, values: counterAt([[0.8, 70], [0.1, 30]], 1) }],
      checks: [{ at: '90m', firing: [] }, { at: '100m', firing: [] }],
    },
    {
      alert: 'InferenceThroughputLow',
      title: 'stays silent while traffic declines by a third over an hour (evening ramp-down)',
      interval: '1m',
      series: [{ series: REQUESTS, values: counterAt([[90, 60], [80, 20], [70, 20], [60, 30]], 1) }],
      checks: [{ at: '100m', firing: [] }, { at: '130m', firing: [] }],
    },
  ]),
  ...pair([biasFires], [
    {
      alert: 'InferenceBiasScoreHigh',
      title: 'stays silent while 4.9 % of the responses score high bias',
      interval: '1m',
      series: [counter(REQUESTS, 1000, 25), counter(svc('high_bias_score_total'), 49, 25)],
      checks: [{ at: '16m', firing: [] }, { at: '20m', firing: [] }],
    },
  ]),
  ...pair([gpuLowFires], [
    {
      alert: 'InferenceGpuUnderutilized',
      title: 'stays silent while the mean GPU utilization is just over 30 % (30.5 %)',
      interval: '1m',
      series: [...owned([POD_A, POD_B], 70), gpuUtil(POD_A, '28x70'), gpuUtil(POD_B, '33x70'), specReplicas('5x70')],
      checks: [{ at: '60m', firing: [] }, { at: '70m', firing: [] }],
    },
    {
      alert: 'InferenceGpuUnderutilized',
      title: 'stays silent at night at minReplicas (3 replicas, 10 % GPU): nothing left to save',
      interval: '1m',
      series: [...owned([POD_A, POD_B], 70), gpuUtil(POD_A, '8x70'), gpuUtil(POD_B, '12x70'), specReplicas('3x70')],
      checks: [{ at: '60m', firing: [] }, { at: '70m', firing: [] }],
    },
  ]),
];

/**
 * The series of `scenario` relabelled to two neighbour services in the same namespace
 * (`embeddings`, and `ai-inference-canary`, whose pod names start like ours: its pods,
 * ReplicaSet, Deployment, job and autoscaler) and to the same service in another namespace.
 */
export function neighbourSeries(series: readonly InputSeries[]): InputSeries[] {
  const rename = (text: string, to: string) => text.split('"ai-inference-').join(`"${to}-`).split('"ai-inference"').join(`"${to}"`);
  const otherService = series.map((s) => ({ ...s, series: rename(s.series, 'embeddings') }));
  // Same name prefix: its pods (ai-inference-canary-<hash>-<suffix>) match "ai-inference-.*".
  const canary = series.map((s) => ({ ...s, series: rename(s.series, 'ai-inference-canary') }));
  const otherNamespace = series.map((s) => ({ ...s, series: s.series.split(`"${NS}"`).join('"pixelated-staging"') }));
  return [...otherService, ...canary, ...otherNamespace];
}

/** A PromQL check of the recording rules: `expr` at `at` must return exactly `samples`. */
export interface RecordingScenario {
  readonly title: string;
  readonly interval: '1m';
  readonly series: readonly InputSeries[];
  readonly checks: readonly { readonly expr: string; readonly at: string; readonly samples: readonly { readonly labels: string; readonly value: number }[] }[];
}

const OWN_LABELS = `{namespace="${NS}",job="${JOB}"}`;
const rounded = (record: string, to: number) => `round(${record}${OWN_LABELS}, ${to})`;

export const RECORDING_SCENARIOS: readonly RecordingScenario[] = [
  {
    title: 'records the error ratio over each window from the 5m rates: errors only in the first 5 minutes show in 1h, 6h and 30d, not in 5m and 30m, at 45m',
    interval: '1m',
    series: [counter(REQUESTS, 1000, 50), { series: ERRORS, values: '0+10x5 50x45' }],
    checks: [
      { expr: rounded('inference:request_errors:ratio_rate5m', 0.0001), at: '45m', samples: [{ labels: OWN_LABELS, value: 0 }] },
      { expr: rounded('inference:request_errors:ratio_rate30m', 0.0001), at: '45m', samples: [{ labels: OWN_LABELS, value: 0 }] },
      // 50 errors of 45000 requests is 0.00111; the sums of the 5m rates give 250 / 215000 =
      // 0.00116, as the first four 5m rates of a new series cover less than 5 minutes.
      { expr: rounded('inference:request_errors:ratio_rate1h', 0.0001), at: '45m', samples: [{ labels: OWN_LABELS, value: 0.0012 }] },
      { expr: rounded('inference:request_errors:ratio_rate6h', 0.0001), at: '45m', samples: [{ labels: OWN_LABELS, value: 0.0012 }] },
      { expr: rounded('inference:request_errors:ratio_rate30d', 0.0001), at: '45m', samples: [{ labels: OWN_LABELS, value: 0.0012 }] },
    ],
  },
  {
    title: 'records the 5m request and error rates, and 0 errors while the error counter has no series',
    interval: '1m',
    series: [counter(REQUESTS, 6000, 15)],
    checks: [
      { expr: 'inference:requests:rate5m', at: '10m', samples: [{ labels: `inference:requests:rate5m${OWN_LABELS}`, value: 100 }] },
      { expr: 'inference:request_errors:rate5m', at: '10m', samples: [{ labels: `inference:request_errors:rate5m${OWN_LABELS}`, value: 0 }] },
      { expr: 'inference:request_errors:ratio_rate5m', at: '10m', samples: [{ labels: `inference:request_errors:ratio_rate5m${OWN_LABELS}`, value: 0 }] },
    ],
  },
  {
    title: 'records the pods of the Deployment by owner: not those of ai-inference-canary, nor a bare pod named like ours',
    interval: '1m',
    series: [
      ...owned([POD_A, POD_B], 5),
      ...owned([CANARY_POD], 5, 'ai-inference-canary-5f4b8c9d7', 'ai-inference-canary'),
      { series: ksm('kube_pod_owner', { pod: 'ai-inference-debug', uid: 'x', owner_kind: '', owner_name: '', owner_is_controller: '' }), values: '1x5' },
    ],
    checks: [
      {
        expr: 'inference:kube_pod_owner:deployment',
        at: '2m',
        samples: [POD_A, POD_B].map((pod) => ({ labels: `inference:kube_pod_owner:deployment{namespace="${NS}",pod="${pod}",deployment="${SEED.deployment}"}`, value: 1 })),
      },
    ],
  },
];

// ---- InferenceThroughputLow with monitoring.alerts.InferenceThroughputLow.threshold --------

/** The floor the user sets in FLOOR_SCENARIOS, requests per second. */
export const THROUGHPUT_FLOOR_RPS = 50;

/** Scenarios of the seed rules with InferenceThroughputLow's threshold set to THROUGHPUT_FLOOR_RPS. */
export const FLOOR_SCENARIOS: readonly AlertScenario[] = [
  {
    alert: 'InferenceThroughputLow',
    title: 'fires 15m after a steady 40 req/s, under the 50 req/s floor the user set',
    interval: '1m',
    series: [{ series: REQUESTS, values: counterAt([[40, 30]], 1) }],
    checks: [
      { at: '15m', firing: [] },
      { at: '16m', firing: [{ labels: alertLabels('info', { job: JOB }), value: '40' }] },
    ],
  },
  {
    alert: 'InferenceThroughputLow',
    title: 'stays silent at a steady 60 req/s, over the 50 req/s floor',
    interval: '1m',
    series: [{ series: REQUESTS, values: counterAt([[60, 30]], 1) }],
    checks: [{ at: '16m', firing: [] }, { at: '25m', firing: [] }],
  },
];

// ---- vLLM preset -----------------------------------------------------------------------

const vllmRequests = (handler: string, status: string) => svc('http_requests_total', { handler, method: 'POST', status });

/** Scenarios for the vLLM preset: its request counter carries handler and status labels. */
export const VLLM_SCENARIOS: readonly AlertScenario[] = [
  {
    alert: 'InferenceErrorRateHigh',
    title: 'counts only the /v1 handlers: 51 5xx of 1000 API requests fire even with 500 /metrics requests beside them',
    interval: '1m',
    series: [
      counter(vllmRequests('/v1/completions', '2xx'), 949, 20),
      counter(vllmRequests('/v1/completions', '5xx'), 51, 20),
      counter(vllmRequests('/metrics', '2xx'), 500, 20),
    ],
    checks: [
      { at: '5m', firing: [] },
      { at: '6m', firing: [{ labels: alertLabels('critical', { job: JOB }), value: '5.1%' }] },
    ],
  },
  {
    alert: 'InferenceLatencyP95SLOBreach',
    title: 'reads the vLLM e2e histogram with Python-style buckets (le="2.0")',
    interval: '1m',
    series: histogram(
      { '1.0': 700, '1.5': 800, '2.0': 940, '2.5': 1000, '5.0': 1000, '10.0': 1000, '+Inf': 1000 },
      20,
      'vllm:e2e_request_latency_seconds',
      { model_name: 'llama', engine: '0' },
    ),
    checks: [
      { at: '5m', firing: [] },
      { at: '6m', firing: [{ labels: alertLabels('critical', { job: JOB }), value: '2.083s' }] },
    ],
  },
];
