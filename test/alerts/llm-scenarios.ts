import { AlertName, AlertRulesInput } from '../../src/alerts';
import { VLLM_PRESET } from '../../src/metrics/presets';
import { AlertScenario, InputSeries, JOB, NS, POD_A, POD_B, RecordingScenario, alertLabels } from './scenarios';
import { seedInput } from './seed';

/**
 * promtool scenarios of the LLM burn-rate alerts (time to first token, inter-token
 * latency) on a vLLM service with slo.timeToFirstTokenP95 1 s and slo.interTokenLatencyP95
 * 50 ms. The input series are named and labelled as vLLM exports them
 * (vllm-project/vllm vllm/v1/metrics/loggers.py: model_name, engine; Python float bounds
 * `le="1.0"`, `le="0.05"`) with the labels the Prometheus Operator adds when it scrapes
 * the pods through the internal Service (namespace, service, job = the Service, pod,
 * container, endpoint, instance).
 *
 * Thresholds: a p95 objective leaves 5 % slow; the tiers fire above 14.4 × 5 % = 72 %
 * (1h/5m), 6 × 5 % = 30 % (6h/30m), 3 × 5 % = 15 % (1d/2h) and 5 % (3d/6h).
 */

export const LLM_OBJECTIVES = { timeToFirstTokenP95Seconds: 1, interTokenLatencyP95Seconds: 0.05 } as const;

/** The seed service on the vllm preset with both LLM objectives. */
export function llmInput(): AlertRulesInput {
  const base = seedInput({}, VLLM_PRESET);
  return { ...base, slo: { ...base.slo, ...LLM_OBJECTIVES } };
}

/** A vLLM series of `pod` as the Prometheus Operator scrapes it through the internal Service. */
function vllm(metric: string, pod: string, labels: Record<string, string> = {}): string {
  const all = { ...labels, model_name: 'llama-3-8b', engine: '0', namespace: NS, service: JOB, job: JOB, pod, container: 'inference', endpoint: 'http', instance: pod === POD_A ? '10.0.1.17:8000' : '10.0.2.23:8000' };
  return `${metric}{${Object.entries(all).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

interface Sli {
  readonly metric: string;
  /** The objective's bound as vLLM writes it. */
  readonly le: string;
  /** A bound just below and just above it (Python spelling). */
  readonly below: string;
  readonly above: string;
  readonly fast: AlertName;
  readonly slow: AlertName;
  readonly what: string;
}

const TTFT: Sli = {
  metric: 'vllm:time_to_first_token_seconds',
  le: '1.0',
  below: '0.75',
  above: '2.5',
  fast: 'InferenceTimeToFirstTokenBurnFast',
  slow: 'InferenceTimeToFirstTokenBurnSlow',
  what: 'first tokens',
};
const ITL: Sli = {
  metric: 'vllm:inter_token_latency_seconds',
  le: '0.05',
  below: '0.025',
  above: '0.075',
  fast: 'InferenceInterTokenLatencyBurnFast',
  slow: 'InferenceInterTokenLatencyBurnSlow',
  what: 'output tokens',
};

/**
 * Two pods' histograms for `steps` steps: per step and pod, `total` observations, of which
 * `atBelow` at or below the bound just under the objective, `atObjective` at or below the
 * objective and the rest between the objective and the next bound.
 */
function histograms(sli: Sli, steps: number, total: number, atBelow: number, atObjective: number, le = sli.le): InputSeries[] {
  return [POD_A, POD_B].flatMap((pod) => [
    { series: vllm(`${sli.metric}_bucket`, pod, { le: sli.below }), values: `0+${atBelow}x${steps}` },
    { series: vllm(`${sli.metric}_bucket`, pod, { le }), values: `0+${atObjective}x${steps}` },
    { series: vllm(`${sli.metric}_bucket`, pod, { le: sli.above }), values: `0+${total}x${steps}` },
    { series: vllm(`${sli.metric}_bucket`, pod, { le: '+Inf' }), values: `0+${total}x${steps}` },
    { series: vllm(`${sli.metric}_count`, pod), values: `0+${total}x${steps}` },
  ]);
}

const tier = (long: string, short: string) => ({ job: JOB, long_window: long, short_window: short });

function scenariosOf(sli: Sli): AlertScenario[] {
  // 80 % slow: over 72 % and 30 %, like the error-budget scenario at 1.5 % of 0.1 % budget.
  const fastFires: AlertScenario = {
    alert: sli.fast,
    title: `fires the 1h/5m tier 2m and the 6h/30m tier 15m after 80 % of the ${sli.what} come slower than the objective`,
    interval: '1m',
    series: histograms(sli, 40, 500, 50, 100),
    checks: [
      { at: '2m', firing: [] },
      { at: '3m', firing: [{ labels: alertLabels('critical', tier('1h', '5m')), value: '80%' }] },
      { at: '15m', firing: [{ labels: alertLabels('critical', tier('1h', '5m')), value: '80%' }] },
      {
        at: '16m',
        firing: [
          { labels: alertLabels('critical', tier('1h', '5m')), value: '80%' },
          { labels: alertLabels('critical', tier('6h', '30m')), value: '80%' },
        ],
      },
    ],
  };
  const slowFires: AlertScenario = {
    alert: sli.slow,
    title: `fires the 1d/2h tier 1h and the 3d/6h tier 3h after 20 % of the ${sli.what} come slower than the objective`,
    interval: '5m',
    series: histograms(sli, 80, 500, 300, 400),
    checks: [
      { at: '60m', firing: [] },
      { at: '65m', firing: [{ labels: alertLabels('warning', tier('1d', '2h')), value: '20%' }] },
      { at: '180m', firing: [{ labels: alertLabels('warning', tier('1d', '2h')), value: '20%' }] },
      {
        at: '185m',
        firing: [
          { labels: alertLabels('warning', tier('1d', '2h')), value: '20%' },
          { labels: alertLabels('warning', tier('3d', '6h')), value: '20%' },
        ],
      },
    ],
  };
  return [
    fastFires,
    {
      alert: sli.fast,
      title: `stays silent on a healthy service: 3 % of the ${sli.what} slower than the objective, inside the 5 % budget`,
      interval: '1m',
      series: histograms(sli, 40, 500, 400, 485),
      checks: [{ at: '3m', firing: [] }, { at: '16m', firing: [] }, { at: '40m', firing: [] }],
      neighboursOf: fastFires,
    },
    {
      alert: sli.fast,
      title: `counts observations exactly at the objective's bound (le="${sli.le}") as fast: every one above ${sli.below} s but none above the objective stays silent`,
      interval: '1m',
      series: histograms(sli, 40, 500, 0, 500),
      checks: [{ at: '3m', firing: [] }, { at: '16m', firing: [] }],
      neighboursOf: fastFires,
    },
    {
      alert: sli.fast,
      title: `fires when every observation lands in the bucket just above the objective (${sli.le} < t <= ${sli.above} s)`,
      interval: '1m',
      series: histograms(sli, 40, 500, 0, 0),
      checks: [
        { at: '2m', firing: [] },
        { at: '3m', firing: [{ labels: alertLabels('critical', tier('1h', '5m')), value: '100%' }] },
      ],
    },
    slowFires,
    {
      alert: sli.slow,
      title: `stays silent over hours at 4 % of the ${sli.what} slower than the objective`,
      interval: '5m',
      series: histograms(sli, 80, 500, 300, 480),
      checks: [{ at: '65m', firing: [] }, { at: '185m', firing: [] }, { at: '395m', firing: [] }],
      neighboursOf: slowFires,
    },
  ];
}

/** Every LLM burn-rate alert: firing, silent and boundary scenarios. */
export const LLM_SCENARIOS: readonly AlertScenario[] = [
  ...scenariosOf(TTFT),
  ...scenariosOf(ITL),
  {
    alert: 'InferenceTimeToFirstTokenBurnFast',
    title: 'reads the objective bound in the Go spelling too (le="1", as a Go client writes it and Prometheus 2.x keeps it)',
    interval: '1m',
    series: histograms(TTFT, 40, 500, 50, 100, '1'),
    checks: [
      { at: '2m', firing: [] },
      { at: '3m', firing: [{ labels: alertLabels('critical', tier('1h', '5m')), value: '80%' }] },
    ],
  },
];

/** The slow-share records, read back with promtool. */
export const LLM_RECORDING_SCENARIOS: readonly RecordingScenario[] = [
  {
    title: 'records the TTFT observation rate, the slow rate and the slow share over 5m and 1h (80 % slow at 2 × 500 requests per minute)',
    interval: '1m',
    series: histograms(TTFT, 70, 500, 50, 100),
    checks: [
      {
        expr: 'round(inference:time_to_first_token:rate5m, 0.001)',
        at: '65m',
        samples: [{ labels: `{namespace="${NS}",job="${JOB}"}`, value: 16.667 }],
      },
      {
        expr: 'round(inference:time_to_first_token_slow:rate5m, 0.001)',
        at: '65m',
        samples: [{ labels: `{namespace="${NS}",job="${JOB}"}`, value: 13.333 }],
      },
      {
        expr: 'round(inference:time_to_first_token_slow:ratio_rate5m, 0.0001)',
        at: '65m',
        samples: [{ labels: `{namespace="${NS}",job="${JOB}"}`, value: 0.8 }],
      },
      {
        expr: 'round(inference:time_to_first_token_slow:ratio_rate1h, 0.0001)',
        at: '65m',
        samples: [{ labels: `{namespace="${NS}",job="${JOB}"}`, value: 0.8 }],
      },
    ],
  },
  {
    title: 'records the inter-token slow share over 5m (10 % of the output tokens above 50 ms)',
    interval: '1m',
    series: histograms(ITL, 20, 500, 300, 450),
    checks: [
      {
        expr: 'round(inference:inter_token_latency_slow:ratio_rate5m, 0.0001)',
        at: '10m',
        samples: [{ labels: `{namespace="${NS}",job="${JOB}"}`, value: 0.1 }],
      },
    ],
  },
];
