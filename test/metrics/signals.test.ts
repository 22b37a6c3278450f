import { describe, expect, it } from 'vitest';
import { GENERIC_PRESET, MetricPreset, MetricScope } from '../../src/metrics/presets';
import { findPromqlSyntaxError, renderAdapterTemplate } from '../../src/metrics/promql';
import { CUSTOM_SIGNAL_NAMES, LLM_SIGNAL_NAMES, SEED_SIGNALS, SIGNALS, ScalingSignals, scalingSignalsSchema } from '../../src/spec/signals';
import { adapterMetricName, adapterRule, adapterRules, kedaQuery, mergeAdapterRules, quantityText } from '../../src/metrics/signals';
import { parseOrThrow } from '../../src/spec/problems';
import { errorOf } from '../support';

const SCOPE: MetricScope = { namespace: 'pixelated-prod', job: 'ai-inference-internal', podRegex: 'ai-inference-.*' };

function problemsOf(input: unknown): string {
  return errorOf(() => parseOrThrow(scalingSignalsSchema, input, 'signals', 'signals'));
}

describe('scaling signals', () => {
  it('describes each of the eight signals with its metric source and its one target type', () => {
    expect(Object.fromEntries(Object.values(SIGNALS).map((s) => [s.name, [s.source, s.targetType]]))).toEqual({
      cpu: ['Resource', 'Utilization'],
      memory: ['Resource', 'Utilization'],
      gpu: ['Pods', 'AverageValue'],
      requestRate: ['Pods', 'AverageValue'],
      latencyP95: ['Object', 'Value'],
      queueDepth: ['Pods', 'AverageValue'],
      kvCacheUsage: ['Pods', 'AverageValue'],
      timeToFirstTokenP95: ['Object', 'Value'],
    });
  });

  it('refuses a KV-cache target outside (0, 1] and a TTFT target of 0, naming the rule', () => {
    expect(problemsOf({ kvCacheUsage: { type: 'AverageValue', averageValue: 80 } })).toContain(
      'signals.kvCacheUsage.averageValue (80) must be at most 1 (vLLM reports the KV-cache usage as a fraction 0-1, a higher target never triggers); write 80 % as 0.8',
    );
    expect(problemsOf({ kvCacheUsage: { type: 'AverageValue', averageValue: 0 } })).toContain(
      'signals.kvCacheUsage.averageValue (0) must be above 0 (a KV-cache fraction per pod); pick the share of the cache one pod may fill, e.g. 0.8',
    );
    expect(problemsOf({ timeToFirstTokenP95: { type: 'Value', value: 0 } })).toContain(
      'signals.timeToFirstTokenP95.value (0) must be above 0 s; pick a p95 time to first token below slo.timeToFirstTokenP95',
    );
    expect(problemsOf({ kvCacheUsage: { type: 'Utilization', averageUtilization: 80 } })).toContain(
      "kvCacheUsage takes only an AverageValue target { type: 'AverageValue', averageValue } (a Pods metric in KV-cache fraction 0-1 per pod); write the target in that shape",
    );
  });

  it('carries the seed 000 targets', () => {
    expect(SEED_SIGNALS).toEqual({
      cpu: { type: 'Utilization', averageUtilization: 70 },
      memory: { type: 'Utilization', averageUtilization: 75 },
      gpu: { type: 'AverageValue', averageValue: 70 },
      requestRate: { type: 'AverageValue', averageValue: 50 },
      latencyP95: { type: 'Value', value: 1.5 },
      queueDepth: { type: 'AverageValue', averageValue: 10 },
    });
    expect(scalingSignalsSchema.parse(SEED_SIGNALS)).toEqual(SEED_SIGNALS);
  });

  it('does not type-check a target paired with another type or another type\'s field', () => {
    // @ts-expect-error cpu takes only a Utilization target
    const cpuAsAverage: ScalingSignals = { cpu: { type: 'AverageValue', averageValue: 5 } };
    // @ts-expect-error a Utilization target has no averageValue field
    const utilizationWithValue: ScalingSignals = { memory: { type: 'Utilization', averageValue: 75 } };
    // @ts-expect-error latencyP95 takes only a Value target
    const latencyAsAverage: ScalingSignals = { latencyP95: { type: 'AverageValue', averageValue: 1.5 } };
    // @ts-expect-error queueDepth takes only an AverageValue target
    const queueAsUtilization: ScalingSignals = { queueDepth: { type: 'Utilization', averageUtilization: 10 } };
    expect([cpuAsAverage, utilizationWithValue, latencyAsAverage, queueAsUtilization]).toHaveLength(4);
  });

  it('refuses at runtime a target of the wrong type for its signal', () => {
    const message = problemsOf({ cpu: { type: 'AverageValue', averageValue: 5 } });
    expect(message).toContain(
      "signals.cpu.type (\"AverageValue\") cpu takes only a Utilization target { type: 'Utilization', averageUtilization } (a Resource metric in % of the CPU request); write the target in that shape",
    );
    expect(message).toContain('signals.cpu.averageUtilization (not set) is required by a Utilization target; set it');
    expect(problemsOf({ latencyP95: { type: 'AverageValue', averageValue: 1.5 } })).toContain(
      "signals.latencyP95.type (\"AverageValue\") latencyP95 takes only a Value target { type: 'Value', value } (an Object metric in seconds (p95 over the Service)); write the target in that shape",
    );
  });

  it('refuses at runtime a field that belongs to another target type', () => {
    expect(problemsOf({ memory: { type: 'Utilization', averageUtilization: 75, averageValue: 75 } })).toContain(
      'signals.memory.averageValue is not a field; known fields of signals.memory: type, averageUtilization',
    );
  });

  it('refuses an unknown signal and an empty set of signals', () => {
    expect(problemsOf({ gpuMemory: { type: 'AverageValue', averageValue: 1 } })).toContain(
      'signals.gpuMemory is not a field; did you mean signals.memory?',
    );
    expect(problemsOf({})).toContain(
      'signals (an empty object) names no signal; set at least one of cpu, memory, gpu, requestRate, latencyP95, queueDepth',
    );
  });

  it('checks the range of every target value', () => {
    expect(problemsOf({ cpu: { type: 'Utilization', averageUtilization: 0 } })).toContain(
      'signals.cpu.averageUtilization (0) must be at least 1 %; a utilization target of 0 scales to maxReplicas at once',
    );
    expect(problemsOf({ memory: { type: 'Utilization', averageUtilization: 75.5 } })).toContain(
      'signals.memory.averageUtilization (75.5) must be a whole percent; round it',
    );
    expect(problemsOf({ gpu: { type: 'AverageValue', averageValue: 0 } })).toContain(
      'signals.gpu.averageValue (0) must be above 0 %; pick the per-pod GPU utilization to hold (seed: 70)',
    );
    expect(problemsOf({ gpu: { type: 'AverageValue', averageValue: 120 } })).toContain(
      'signals.gpu.averageValue (120) must be at most 100 (dcgm-exporter reports percent 0-100, a higher target never triggers); lower it',
    );
    expect(problemsOf({ requestRate: { type: 'AverageValue', averageValue: -1 } })).toContain(
      'signals.requestRate.averageValue (-1) must be above 0 requests/s per pod; pick the rate one pod serves within the SLO (seed: 50)',
    );
    expect(problemsOf({ latencyP95: { type: 'Value', value: 0 } })).toContain(
      'signals.latencyP95.value (0) must be above 0 s; pick a p95 below the SLO objective (seed: 1.5)',
    );
    expect(problemsOf({ queueDepth: { type: 'AverageValue', averageValue: 0 } })).toContain(
      'signals.queueDepth.averageValue (0) must be above 0 waiting requests per pod; pick the queue one pod may hold (seed: 10)',
    );
    expect(problemsOf({ latencyP95: { type: 'Value', value: 1.0005 } })).toContain(
      'signals.latencyP95.value (1.0005) must be exact to 0.001 (Kubernetes quantities end at milli-units); round it',
    );
    expect(problemsOf({ queueDepth: { type: 'AverageValue', averageValue: '10' } })).toContain(
      'signals.queueDepth.averageValue ("10") must be a number',
    );
  });

  it('writes target values as canonical Kubernetes quantities', () => {
    expect(quantityText(50)).toBe('50');
    expect(quantityText(1.5)).toBe('1500m');
    expect(quantityText(0.25)).toBe('250m');
  });

  it('writes the rate window of adapter and KEDA queries as a Prometheus duration', () => {
    expect(adapterRule('requestRate', { rateWindowSeconds: 90 }).rule.metricsQuery).toContain('[1m30s]');
    expect(kedaQuery('requestRate', SCOPE, { rateWindowSeconds: 3600 }).query).toContain('[1h]');
  });
});

describe('prometheus-adapter rules per signal', () => {
  it('serves the GPU utilization per pod from dcgm-exporter with its exported_* labels mapped to namespace and pod', () => {
    const r = adapterRule('gpu');
    expect(r.metricName).toBe('dcgm_gpu_utilization_per_pod');
    expect(r.rule).toEqual({
      seriesQuery: 'DCGM_FI_DEV_GPU_UTIL{exported_namespace!="",exported_pod!=""}',
      resources: { overrides: { exported_namespace: { resource: 'namespace' }, exported_pod: { resource: 'pod' } } },
      name: { matches: '^DCGM_FI_DEV_GPU_UTIL$', as: 'dcgm_gpu_utilization_per_pod' },
      metricsQuery: 'avg by (<<.GroupBy>>) (<<.Series>>{<<.LabelMatchers>>})',
    });
  });

  it('uses the configured dcgm-exporter label names (honorLabels scrape keeps pod/namespace)', () => {
    const r = adapterRule('gpu', { dcgm: { podLabel: 'pod', namespaceLabel: 'namespace' } });
    expect(r.rule.seriesQuery).toBe('DCGM_FI_DEV_GPU_UTIL{namespace!="",pod!=""}');
    expect(r.rule.resources.overrides).toEqual({ namespace: { resource: 'namespace' }, pod: { resource: 'pod' } });
  });

  it('serves the generic preset\'s request rate, p95 and queue depth', () => {
    const rules = adapterRules(SEED_SIGNALS, { preset: 'generic' });
    expect(rules.map((r) => [r.signal, r.metricName])).toEqual([
      ['gpu', 'dcgm_gpu_utilization_per_pod'],
      ['requestRate', 'inference_request_rate'],
      ['latencyP95', 'inference_response_time_p95_seconds'],
      ['queueDepth', 'inference_queue_depth_per_pod'],
    ]);
    const [, rate, p95, queue] = rules;
    expect(rate.rule).toEqual({
      seriesQuery: 'inference_requests_total{namespace!="",pod!=""}',
      resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
      name: { matches: '^inference_requests_total$', as: 'inference_request_rate' },
      metricsQuery: 'sum by (<<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>}[2m]))',
    });
    expect(p95.rule).toEqual({
      seriesQuery: 'inference_response_time_seconds_bucket{namespace!="",service!=""}',
      resources: { overrides: { namespace: { resource: 'namespace' }, service: { resource: 'service' } } },
      name: { matches: '^inference_response_time_seconds_bucket$', as: 'inference_response_time_p95_seconds' },
      metricsQuery: 'histogram_quantile(0.95, sum by (le, <<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>}[2m])))',
    });
    expect(queue.rule).toEqual({
      seriesQuery: 'inference_queue_depth{namespace!="",pod!=""}',
      resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
      name: { matches: '^inference_queue_depth$', as: 'inference_queue_depth_per_pod' },
      metricsQuery: 'sum by (<<.GroupBy>>) (<<.Series>>{<<.LabelMatchers>>})',
    });
  });

  it('serves the vllm preset\'s series under vllm_* names and keeps the handler filter in the query', () => {
    const rules = adapterRules(SEED_SIGNALS, { preset: 'vllm', rateWindowSeconds: 60 });
    const [, rate, p95, queue] = rules;
    expect(rate.metricName).toBe('vllm_request_rate');
    expect(rate.rule.seriesQuery).toBe('http_requests_total{handler=~"/v1/.*",namespace!="",pod!=""}');
    expect(rate.rule.metricsQuery).toBe('sum by (<<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>,handler=~"/v1/.*"}[1m]))');
    expect(p95.metricName).toBe('vllm_e2e_request_latency_p95_seconds');
    expect(p95.rule.name).toEqual({ matches: '^vllm:e2e_request_latency_seconds_bucket$', as: 'vllm_e2e_request_latency_p95_seconds' });
    expect(p95.rule.metricsQuery).toBe('histogram_quantile(0.95, sum by (le, <<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>}[1m])))');
    expect(queue.metricName).toBe('vllm_num_requests_waiting_per_pod');
    expect(queue.rule.seriesQuery).toBe('vllm:num_requests_waiting{namespace!="",pod!=""}');
  });

  it('serves vLLM\'s KV-cache usage per pod and its p95 time to first token on the Service', () => {
    const [kv, ttft] = adapterRules(
      { kvCacheUsage: { type: 'AverageValue', averageValue: 0.8 }, timeToFirstTokenP95: { type: 'Value', value: 0.5 } },
      { preset: 'vllm' },
    );
    expect(kv).toEqual({
      signal: 'kvCacheUsage',
      metricName: 'vllm_kv_cache_usage_per_pod',
      series: 'vllm:kv_cache_usage_perc',
      rule: {
        seriesQuery: 'vllm:kv_cache_usage_perc{namespace!="",pod!=""}',
        resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
        name: { matches: '^vllm:kv_cache_usage_perc$', as: 'vllm_kv_cache_usage_per_pod' },
        metricsQuery: 'avg by (<<.GroupBy>>) (<<.Series>>{<<.LabelMatchers>>})',
      },
    });
    expect(ttft).toEqual({
      signal: 'timeToFirstTokenP95',
      metricName: 'vllm_time_to_first_token_p95_seconds',
      series: 'vllm:time_to_first_token_seconds_bucket',
      rule: {
        seriesQuery: 'vllm:time_to_first_token_seconds_bucket{namespace!="",service!=""}',
        resources: { overrides: { namespace: { resource: 'namespace' }, service: { resource: 'service' } } },
        name: { matches: '^vllm:time_to_first_token_seconds_bucket$', as: 'vllm_time_to_first_token_p95_seconds' },
        metricsQuery: 'histogram_quantile(0.95, sum by (le, <<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>}[2m])))',
      },
    });
  });

  it('refuses the LLM signals with the generic preset, naming the signal', () => {
    expect(() => adapterRule('kvCacheUsage')).toThrow('the kvCacheUsage signal needs series the generic metric preset does not have; use the vllm preset');
    expect(() => kedaQuery('timeToFirstTokenP95', SCOPE)).toThrow(
      'the timeToFirstTokenP95 signal needs timeToFirstTokenHistogram, which the generic metric preset does not have; use the vllm preset',
    );
  });

  it('writes rules for exactly the custom signals that are set', () => {
    expect(adapterRules({ cpu: SEED_SIGNALS.cpu, queueDepth: SEED_SIGNALS.queueDepth }).map((r) => r.signal)).toEqual(['queueDepth']);
    expect(adapterRules({ cpu: SEED_SIGNALS.cpu, memory: SEED_SIGNALS.memory })).toEqual([]);
  });

  it('merges the rules of several services into one adapter config, each distinct rule once, in first-seen order', () => {
    const generic = adapterRules(SEED_SIGNALS).map((r) => r.rule);
    const vllm = adapterRules(SEED_SIGNALS, { preset: 'vllm' }).map((r) => r.rule);
    const merged = mergeAdapterRules([
      { source: 'a', rules: generic },
      { source: 'b', rules: adapterRules(SEED_SIGNALS).map((r) => r.rule) },
      { source: 'c', rules: vllm },
    ]);
    expect(merged).toEqual([...generic, ...vllm.slice(1)]);
    expect(vllm[0]).toEqual(generic[0]); // the GPU rule is the same for every preset
  });

  it('refuses two rules serving one metric name differently, naming both sources', () => {
    const twoMinutes = adapterRules({ requestRate: SEED_SIGNALS.requestRate }).map((r) => r.rule);
    const fiveMinutes = adapterRules({ requestRate: SEED_SIGNALS.requestRate }, { rateWindowSeconds: 300 }).map((r) => r.rule);
    expect(() => mergeAdapterRules([{ source: 'svc-a', rules: twoMinutes }, { source: 'svc-b', rules: fiveMinutes }])).toThrow(
      'prometheus-adapter metric inference_request_rate is served by two different rules (svc-a: inference_requests_total{namespace!="",pod!=""} -> sum by (<<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>}[2m])); svc-b: inference_requests_total{namespace!="",pod!=""} -> sum by (<<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>}[5m]))), but one adapter answers a metric name with one rule',
    );
  });

  it('names the HPA metric by preset, the GPU metric for every preset', () => {
    expect(adapterMetricName('gpu', 'vllm')).toBe('dcgm_gpu_utilization_per_pod');
    expect(adapterMetricName('queueDepth', 'vllm')).toBe('vllm_num_requests_waiting_per_pod');
    expect(adapterMetricName('requestRate')).toBe('inference_request_rate');
  });

  it('produces adapter queries that parse with the Prometheus grammar for every preset and signal', () => {
    for (const preset of ['generic', 'vllm'] as const) {
      for (const signal of CUSTOM_SIGNAL_NAMES.filter((s) => preset === 'vllm' || !(LLM_SIGNAL_NAMES as readonly string[]).includes(s))) {
        const r = adapterRule(signal, { preset });
        expect(findPromqlSyntaxError(r.rule.seriesQuery), `${preset} ${signal} seriesQuery`).toBeUndefined();
        expect(findPromqlSyntaxError(renderAdapterTemplate(r.rule.metricsQuery, r.series)), `${preset} ${signal} metricsQuery`).toBeUndefined();
      }
    }
  });

  it('fails naming the metric when a preset makes the adapter query unparsable', () => {
    const broken: MetricPreset = { ...GENERIC_PRESET, queueDepth: { metric: 'inference_queue_depth', matchers: 'state=waiting' } };
    const message = errorOf(() => adapterRule('queueDepth', { preset: broken }));
    expect(message).toContain(
      'queueDepth signal, adapter metric inference_queue_depth_per_pod (series inference_queue_depth) seriesQuery: PromQL does not parse at offset',
    );
  });
});

describe('KEDA prometheus trigger queries', () => {
  it('returns one value for the whole Deployment, summing per-pod signals for AverageValue', () => {
    expect(kedaQuery('requestRate', SCOPE)).toEqual({
      signal: 'requestRate',
      series: 'inference_requests_total',
      metricType: 'AverageValue',
      query: 'sum(rate(inference_requests_total{namespace="pixelated-prod",job="ai-inference-internal"}[2m]))',
    });
    expect(kedaQuery('queueDepth', SCOPE)).toMatchObject({
      metricType: 'AverageValue',
      query: 'sum(inference_queue_depth{namespace="pixelated-prod",job="ai-inference-internal"})',
    });
    expect(kedaQuery('gpu', SCOPE)).toMatchObject({
      metricType: 'AverageValue',
      query: 'sum(avg by (exported_pod) (DCGM_FI_DEV_GPU_UTIL{exported_namespace="pixelated-prod",exported_pod=~"ai-inference-.*"}))',
    });
  });

  it('compares the p95 over the whole service as a Value', () => {
    expect(kedaQuery('latencyP95', SCOPE)).toMatchObject({
      metricType: 'Value',
      query:
        'histogram_quantile(0.95, sum by (le) (rate(inference_response_time_seconds_bucket{namespace="pixelated-prod",job="ai-inference-internal"}[2m])))',
    });
  });

  it('sums the per-pod KV-cache usage (AverageValue) and compares the p95 TTFT over the service (Value)', () => {
    expect(kedaQuery('kvCacheUsage', SCOPE, { preset: 'vllm' })).toEqual({
      signal: 'kvCacheUsage',
      series: 'vllm:kv_cache_usage_perc',
      metricType: 'AverageValue',
      query: 'sum(avg by (pod) (vllm:kv_cache_usage_perc{namespace="pixelated-prod",job="ai-inference-internal"}))',
    });
    expect(kedaQuery('timeToFirstTokenP95', SCOPE, { preset: 'vllm' })).toEqual({
      signal: 'timeToFirstTokenP95',
      series: 'vllm:time_to_first_token_seconds_bucket',
      metricType: 'Value',
      query: 'histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{namespace="pixelated-prod",job="ai-inference-internal"}[2m])))',
    });
  });

  it('reads the vllm preset series and the configured DCGM labels', () => {
    expect(kedaQuery('queueDepth', SCOPE, { preset: 'vllm' }).query).toBe(
      'sum(vllm:num_requests_waiting{namespace="pixelated-prod",job="ai-inference-internal"})',
    );
    expect(kedaQuery('requestRate', SCOPE, { preset: 'vllm' }).query).toBe(
      'sum(rate(http_requests_total{namespace="pixelated-prod",job="ai-inference-internal",handler=~"/v1/.*"}[2m]))',
    );
    expect(kedaQuery('gpu', SCOPE, { dcgm: { podLabel: 'pod', namespaceLabel: 'namespace' } }).query).toBe(
      'sum(avg by (pod) (DCGM_FI_DEV_GPU_UTIL{namespace="pixelated-prod",pod=~"ai-inference-.*"}))',
    );
  });

  it('produces KEDA queries that parse with the Prometheus grammar for every preset and signal', () => {
    for (const preset of ['generic', 'vllm'] as const) {
      for (const signal of CUSTOM_SIGNAL_NAMES.filter((s) => preset === 'vllm' || !(LLM_SIGNAL_NAMES as readonly string[]).includes(s))) {
        expect(findPromqlSyntaxError(kedaQuery(signal, SCOPE, { preset }).query), `${preset} ${signal}`).toBeUndefined();
      }
    }
  });

  it('fails naming the metric when a preset makes the KEDA query unparsable', () => {
    const broken: MetricPreset = { ...GENERIC_PRESET, latencyHistogram: 'inference response seconds' };
    expect(errorOf(() => kedaQuery('latencyP95', SCOPE, { preset: broken }))).toContain(
      'latencyP95 signal, KEDA prometheus trigger on inference response seconds_bucket: PromQL does not parse at offset',
    );
  });
});
