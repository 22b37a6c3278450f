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
   * A firing scenario whose series are also fed, relabelled to a neighbour service in the
   * same namespace and to the same service in another namespace: they must not trigger.
   */
  readonly neighboursOf?: AlertScenario;
}

export const NS = SEED.namespace;
export const JOB = SEED.job;
export const POD_A = 'ai-inference-7d9f8c6b5-abcde';
export const POD_B = 'ai-inference-7d9f8c6b5-fghij';
export const HPA = SEED.hpa;

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

const podNotReadyFires: AlertScenario = {
  alert: 'InferencePodNotReady',
  title: 'fires for the one pod that has not been ready for 5m',
  interval: '1m',
  series: [
    { series: ksm('kube_pod_status_ready', { pod: POD_A, uid: 'a', condition: 'true' }), values: '1 1 0x20' },
    { series: ksm('kube_pod_status_ready', { pod: POD_A, uid: 'a', condition: 'false' }), values: '0 0 1x20' },
    { series: ksm('kube_pod_status_ready', { pod: POD_B, uid: 'b', condition: 'true' }), values: '1x22' },
  ],
  checks: [
    { at: '6m', firing: [] },
    { at: '7m', firing: [{ labels: alertLabels('critical', { pod: POD_A }), value: '0' }] },
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
  series: [gpuUtil(POD_A, '96x20'), gpuUtil(POD_B, '97x20')],
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

const hpaMaxFires: AlertScenario = {
  alert: 'InferenceHpaAtMaxReplicas',
  title: 'fires 15m after the autoscaler reaches 20 replicas',
  interval: '1m',
  series: [{ series: ksm('kube_horizontalpodautoscaler_status_current_replicas', { horizontalpodautoscaler: HPA }), values: '20x20' }],
  checks: [
    { at: '14m', firing: [] },
    { at: '15m', firing: [{ labels: alertLabels('warning', { horizontalpodautoscaler: HPA }), value: '20' }] },
  ],
};

const hpaStuckFires: AlertScenario = {
  alert: 'InferenceHpaScalingStuck',
  title: 'fires 10m after the autoscaler wants 2 replicas more than run',
  interval: '1m',
  series: [
    { series: ksm('kube_horizontalpodautoscaler_status_desired_replicas', { horizontalpodautoscaler: HPA }), values: '12x15' },
    { series: ksm('kube_horizontalpodautoscaler_status_current_replicas', { horizontalpodautoscaler: HPA }), values: '10x15' },
  ],
  checks: [
    { at: '9m', firing: [] },
    { at: '10m', firing: [{ labels: alertLabels('warning', { horizontalpodautoscaler: HPA }), value: '2' }] },
  ],
};

const throughputFires: AlertScenario = {
  alert: 'InferenceThroughputLow',
  title: 'fires 15m after the request rate stays just under 1000 req/s (999)',
  interval: '1m',
  series: [counter(REQUESTS, 59940, 25)],
  checks: [
    { at: '15m', firing: [] },
    { at: '16m', firing: [{ labels: alertLabels('info', { job: JOB }), value: '999' }] },
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
  title: 'fires 1h after the mean GPU utilization drops just under 30 % (29.5 %)',
  interval: '1m',
  series: [gpuUtil(POD_A, '25x70'), gpuUtil(POD_B, '34x70')],
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
  ...pair([podNotReadyFires], [
    {
      alert: 'InferencePodNotReady',
      title: 'stays silent when a pod is not ready for 4m only',
      interval: '1m',
      series: [
        { series: ksm('kube_pod_status_ready', { pod: POD_A, uid: 'a', condition: 'true' }), values: '1 0 0 0 0 1x20' },
        { series: ksm('kube_pod_status_ready', { pod: POD_B, uid: 'b', condition: 'true' }), values: '1x25' },
      ],
      checks: [{ at: '5m', firing: [] }, { at: '6m', firing: [] }, { at: '10m', firing: [] }],
    },
  ]),
  ...pair([modelLoadCounterFires, modelLoadRestartsFires], [
    {
      alert: 'InferenceModelLoadFailed',
      title: 'stays silent for one restart followed by a ready container',
      interval: '1m',
      series: [
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
              { labels: alertLabels('critical', BURN_1H), value: '2.903%' },
              { labels: alertLabels('critical', BURN_6H), value: '2.903%' },
            ],
          },
          // 5m window: 60 errors / 5000 requests = 1.2 % < 1.44 %; the 1h ratio is still 2.7 %.
          { at: '33m', firing: [{ labels: alertLabels('critical', BURN_6H), value: '2.727%' }] },
          // 30m window: 210 / 30000 = 0.7 % > 0.6 % at 53m; 150 / 30000 = 0.5 % at 55m.
          { at: '53m', firing: [{ labels: alertLabels('critical', BURN_6H), value: '1.698%' }] },
          { at: '55m', firing: [] },
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
      title: 'stays silent while the mean GPU utilization is just under 95 % (94.9 %)',
      interval: '1m',
      series: [gpuUtil(POD_A, '94x20'), gpuUtil(POD_B, '95.8x20')],
      checks: [{ at: '15m', firing: [] }, { at: '20m', firing: [] }],
    },
  ]),
  ...pair([memoryFires], [
    {
      alert: 'InferenceMemoryUsageHigh',
      title: 'stays silent while the container uses 89 % of its memory limit',
      interval: '1m',
      series: [
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
  ...pair([hpaMaxFires], [
    {
      alert: 'InferenceHpaAtMaxReplicas',
      title: 'stays silent at 19 of 20 replicas',
      interval: '1m',
      series: [{ series: ksm('kube_horizontalpodautoscaler_status_current_replicas', { horizontalpodautoscaler: HPA }), values: '19x20' }],
      checks: [{ at: '15m', firing: [] }, { at: '18m', firing: [] }],
    },
  ]),
  ...pair([hpaStuckFires], [
    {
      alert: 'InferenceHpaScalingStuck',
      title: 'stays silent when the new replicas arrive after 9m',
      interval: '1m',
      series: [
        { series: ksm('kube_horizontalpodautoscaler_status_desired_replicas', { horizontalpodautoscaler: HPA }), values: '12x15' },
        { series: ksm('kube_horizontalpodautoscaler_status_current_replicas', { horizontalpodautoscaler: HPA }), values: '10x8 12x6' },
      ],
      checks: [{ at: '10m', firing: [] }, { at: '14m', firing: [] }],
    },
  ]),
  ...pair([throughputFires], [
    {
      alert: 'InferenceThroughputLow',
      title: 'stays silent at 1001 req/s',
      interval: '1m',
      series: [counter(REQUESTS, 60060, 25)],
      checks: [{ at: '16m', firing: [] }, { at: '20m', firing: [] }],
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
      series: [gpuUtil(POD_A, '28x70'), gpuUtil(POD_B, '33x70')],
      checks: [{ at: '60m', firing: [] }, { at: '70m', firing: [] }],
    },
  ]),
];

/**
 * The series of `scenario` relabelled to a neighbour service in the same namespace
 * (`embeddings-*` pods, job and autoscaler) and to the same service in another namespace.
 */
export function neighbourSeries(series: readonly InputSeries[]): InputSeries[] {
  const otherService = series.map((s) => ({ ...s, series: s.series.split('"ai-inference-').join('"embeddings-') }));
  const otherNamespace = series.map((s) => ({ ...s, series: s.series.split(`"${NS}"`).join('"pixelated-staging"') }));
  return [...otherService, ...otherNamespace];
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
    title: 'records the error ratio over each window: errors only in the first 10 minutes show in 1h and 30d, not in 5m and 30m, at 40m',
    interval: '1m',
    series: [counter(REQUESTS, 1000, 45), { series: ERRORS, values: '0+10x10 100x35' }],
    checks: [
      { expr: rounded('inference:request_errors:ratio_rate5m', 0.0001), at: '40m', samples: [{ labels: OWN_LABELS, value: 0 }] },
      { expr: rounded('inference:request_errors:ratio_rate30m', 0.0001), at: '40m', samples: [{ labels: OWN_LABELS, value: 0 }] },
      { expr: rounded('inference:request_errors:ratio_rate1h', 0.0001), at: '40m', samples: [{ labels: OWN_LABELS, value: 0.0025 }] },
      { expr: rounded('inference:request_errors:ratio_rate30d', 0.0001), at: '40m', samples: [{ labels: OWN_LABELS, value: 0.0025 }] },
    ],
  },
  {
    title: 'records the share of requests within the 2 s objective from a Go client bucket (le="2")',
    interval: '1m',
    series: histogram({ '1': 500, '2': 750, '5': 1000, '+Inf': 1000 }, 15),
    checks: [{ expr: rounded('inference:requests_within_latency_objective:ratio_rate5m', 0.001), at: '10m', samples: [{ labels: OWN_LABELS, value: 0.75 }] }],
  },
  {
    title: 'records the share of requests within the 2 s objective from a Python client bucket (le="2.0")',
    interval: '1m',
    series: histogram({ '1.0': 500, '2.0': 750, '5.0': 1000, '+Inf': 1000 }, 15),
    checks: [{ expr: rounded('inference:requests_within_latency_objective:ratio_rate5m', 0.001), at: '10m', samples: [{ labels: OWN_LABELS, value: 0.75 }] }],
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
