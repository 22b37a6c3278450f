import { Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, validateSpec, NlbLoadBalancerOptions } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { ServerSpec } from '../../src/spec/server';
import { ScalingSignals } from '../../src/spec/signals';
import { only } from '../support';

const { path: _seedPath, ...probesWithoutPath } = eksNlbSpec.probes!;
const lb = (eksNlbSpec.traffic!.loadBalancer! as NlbLoadBalancerOptions);
const traffic = (path: string) => ({ ...eksNlbSpec.traffic!, loadBalancer: { ...lb, healthCheck: { ...lb.healthCheck!, path } } });

/** The seed service on vLLM, with LLM objectives and signals when given. */
function vllmSpec(slo: Partial<AiInferenceSpec['slo']> = {}, signals: ScalingSignals = eksNlbSpec.scaling!.signals!, rest: Partial<AiInferenceSpec> = {}): AiInferenceSpec {
  return {
    ...eksNlbSpec,
    probes: probesWithoutPath,
    metrics: undefined,
    traffic: traffic('/health'),
    server: { engine: 'vllm', model: 'meta-llama/Llama-3.1-8B-Instruct' } as ServerSpec,
    slo: { ...eksNlbSpec.slo, ...slo },
    scaling: { ...eksNlbSpec.scaling!, signals },
    ...rest,
  };
}
const generic = (slo: Partial<AiInferenceSpec['slo']> = {}, signals: ScalingSignals = eksNlbSpec.scaling!.signals!): AiInferenceSpec => ({
  ...eksNlbSpec,
  slo: { ...eksNlbSpec.slo, ...slo },
  scaling: { ...eksNlbSpec.scaling!, signals },
});
const ollama = (slo: Partial<AiInferenceSpec['slo']> = {}, signals: ScalingSignals = { cpu: { type: 'Utilization', averageUtilization: 70 } }): AiInferenceSpec => ({
  ...eksNlbSpec,
  probes: probesWithoutPath,
  metrics: undefined,
  traffic: traffic('/'),
  server: { engine: 'ollama' },
  slo: { ...eksNlbSpec.slo, ...slo },
  scaling: { ...eksNlbSpec.scaling!, signals },
});

const LLM_SLO = { timeToFirstTokenP95: Duration.seconds(1), interTokenLatencyP95: Duration.millis(50) };
const KV = { kvCacheUsage: { type: 'AverageValue' as const, averageValue: 0.8 } };
const TTFT = { timeToFirstTokenP95: { type: 'Value' as const, value: 0.5 } };

describe('the LLM objectives of the SLO section', () => {
  it('accept a TTFT and an inter-token p95 on bucket bounds of vLLM\'s histograms', () => {
    expect(validateSpec(vllmSpec(LLM_SLO))).toEqual([]);
    expect(validateSpec(vllmSpec({ timeToFirstTokenP95: Duration.millis(250), interTokenLatencyP95: Duration.millis(100) }))).toEqual([]);
  });

  it('refuse an objective between two bucket bounds, naming the two nearest', () => {
    expect(validateSpec(vllmSpec({ timeToFirstTokenP95: Duration.millis(800), interTokenLatencyP95: Duration.millis(60) }))).toEqual([
      'slo.timeToFirstTokenP95 (800ms) must sit on a bucket bound of vllm:time_to_first_token_seconds (a share of slow observations can only be counted at a bound); the nearest are 0.75 s and 1 s; use one of them',
      'slo.interTokenLatencyP95 (60ms) must sit on a bucket bound of vllm:inter_token_latency_seconds (a share of slow observations can only be counted at a bound); the nearest are 0.05 s and 0.075 s; use one of them',
    ]);
  });

  it('name the single nearest bound beyond the largest one', () => {
    expect(validateSpec(vllmSpec({ interTokenLatencyP95: Duration.seconds(90) }))).toEqual([
      'slo.interTokenLatencyP95 (1m30s) must sit on a bucket bound of vllm:inter_token_latency_seconds (a share of slow observations can only be counted at a bound); the nearest is 80 s; use one of them',
    ]);
  });

  it('refuse them with the generic preset, naming the field and why', () => {
    expect(validateSpec(generic(LLM_SLO))).toEqual([
      "slo.timeToFirstTokenP95 (1s) needs vLLM's vllm:time_to_first_token_seconds histogram, but the generic metric preset has no such series (only vLLM exports them); run vLLM (server.engine \"vllm\") or leave it out",
      "slo.interTokenLatencyP95 (50ms) needs vLLM's vllm:inter_token_latency_seconds histogram, but the generic metric preset has no such series (only vLLM exports them); run vLLM (server.engine \"vllm\") or leave it out",
    ]);
  });

  it('refuse them with Ollama, which exports no metrics', () => {
    expect(validateSpec(ollama({ timeToFirstTokenP95: Duration.seconds(1) }))).toEqual([
      "slo.timeToFirstTokenP95 (1s) needs vLLM's vllm:time_to_first_token_seconds histogram, but Ollama (server.engine \"ollama\") exports no Prometheus metrics; leave it out",
    ]);
  });

  it('refuse a zero objective', () => {
    expect(validateSpec(vllmSpec({ timeToFirstTokenP95: Duration.seconds(0) }))).toEqual(['slo.timeToFirstTokenP95 (0s) must be above 0; pick the p95 time to first token']);
  });

  it('become burn-rate alerts and dashboard thresholds of the vLLM service', () => {
    const objects = Testing.synth(new AiInferenceChart(Testing.app(), 'vllm', { spec: vllmSpec(LLM_SLO) }));
    const rules = only(objects, 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules);
    const alerts = [...new Set(rules.filter((r: any) => r.alert?.includes('Token')).map((r: any) => r.alert))];
    expect(alerts).toEqual(['InferenceTimeToFirstTokenBurnFast', 'InferenceInterTokenLatencyBurnFast', 'InferenceTimeToFirstTokenBurnSlow', 'InferenceInterTokenLatencyBurnSlow']);
    expect(rules.find((r: any) => r.record === 'inference:time_to_first_token_slow:rate5m').expr).toContain('le=~"1(\\\\.0)?"');
    const dashboard = JSON.parse(Object.values(only(objects, 'ConfigMap', 'ai-inference-dashboard').data)[0] as string);
    const panels = dashboard.panels.filter((p: any) => p.type !== 'row');
    const steps = (title: string) => panels.find((p: any) => p.title === title).fieldConfig.defaults.thresholds.steps.map((s: any) => s.value);
    expect(steps('Time to first token p95')).toEqual([null, 1]);
    expect(steps('Inter-token latency p95')).toEqual([null, 0.05]);
  });
});

describe('the LLM scaling signals', () => {
  it('serve the KV-cache usage and the p95 TTFT to the HPA through the adapter under vllm_* names', () => {
    const chart = new AiInferenceChart(Testing.app(), 'vllm', { spec: vllmSpec(LLM_SLO, { ...KV, ...TTFT }) });
    const hpa = only(Testing.synth(chart), 'HorizontalPodAutoscaler');
    expect(hpa.spec.metrics).toEqual([
      { type: 'Pods', pods: { metric: { name: 'vllm_kv_cache_usage_per_pod' }, target: { type: 'AverageValue', averageValue: '800m' } } },
      {
        type: 'Object',
        object: {
          describedObject: { apiVersion: 'v1', kind: 'Service', name: 'ai-inference-internal' },
          metric: { name: 'vllm_time_to_first_token_p95_seconds' },
          target: { type: 'Value', value: '500m' },
        },
      },
    ]);
    expect(chart.adapterRules!.helmValues().rules.custom.map((r) => r.name.as)).toEqual(['vllm_kv_cache_usage_per_pod', 'vllm_time_to_first_token_p95_seconds']);
  });

  it('become KEDA prometheus triggers with the keda backend', () => {
    const spec = vllmSpec(LLM_SLO, { ...KV, ...TTFT });
    const keda = { ...spec, scaling: { ...spec.scaling!, backend: 'keda' as const, keda: { serverAddress: 'http://prometheus-operated.monitoring.svc:9090' } } } as AiInferenceSpec;
    const triggers = only(Testing.synth(new AiInferenceChart(Testing.app(), 'vllm', { spec: keda })), 'ScaledObject').spec.triggers;
    expect(triggers.map((t: any) => [t.name, t.metricType, t.metadata.query, t.metadata.threshold])).toEqual([
      ['kvCacheUsage', 'AverageValue', 'sum(avg by (pod) (vllm:kv_cache_usage_perc{namespace="pixelated-prod",job="ai-inference-internal"}))', '0.8'],
      [
        'timeToFirstTokenP95',
        'Value',
        'histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{namespace="pixelated-prod",job="ai-inference-internal"}[2m])))',
        '0.5',
      ],
    ]);
  });

  it('refuse them without vLLM, naming the signal and why', () => {
    expect(validateSpec(generic({}, { ...KV, ...TTFT }))).toEqual([
      "scaling.signals.kvCacheUsage.averageValue (0.8) needs vLLM's vllm:kv_cache_usage_perc gauge, but the generic metric preset has no such series (only vLLM exports them); run vLLM (server.engine \"vllm\") or leave it out",
      "scaling.signals.timeToFirstTokenP95.value (0.5) needs vLLM's vllm:time_to_first_token_seconds histogram, but the generic metric preset has no such series (only vLLM exports them); run vLLM (server.engine \"vllm\") or leave it out",
    ]);
    expect(validateSpec(ollama({}, KV))).toEqual([
      "scaling.signals.kvCacheUsage.averageValue (0.8) needs vLLM's vllm:kv_cache_usage_perc gauge, but Ollama (server.engine \"ollama\") exports no Prometheus metrics; leave it out",
    ]);
  });

  it('refuse a TTFT target at or above slo.timeToFirstTokenP95', () => {
    expect(validateSpec(vllmSpec(LLM_SLO, { timeToFirstTokenP95: { type: 'Value', value: 1 } }))).toContain(
      'scaling.signals.timeToFirstTokenP95.value (1) must be below slo.timeToFirstTokenP95 (1s): at or above the objective the autoscaler adds pods only after the TTFT objective is already broken; lower the target (e.g. 0.75)',
    );
  });

  it('refuse a TTFT signal without the internal Service its Object metric describes', () => {
    expect(validateSpec(vllmSpec({}, TTFT, { monitoring: false, traffic: { ...traffic('/health'), internal: false } }))).toContain(
      'traffic.internal (false) turns off the internal Service, but the timeToFirstTokenP95 scaling signal is an Object metric on it; keep it, or drop scaling.signals.timeToFirstTokenP95',
    );
  });
});
