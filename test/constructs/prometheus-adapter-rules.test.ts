import { Duration, Yaml } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { GpuHpa } from '../../src/constructs/gpu-hpa';
import { ADAPTER_CONFIG_KEY, PrometheusAdapterRules, PrometheusAdapterRulesProps } from '../../src/constructs/prometheus-adapter-rules';
import { renderAdapterTemplate, findPromqlSyntaxError } from '../../src/metrics/promql';
import { SEED_SIGNALS } from '../../src/spec/signals';
import { expectValidManifests } from '../helpers/k8s-schema';
import { Manifest, errorOf, only, synth } from '../support';
import { SEED_WORKLOAD } from './workloads';

const SEED: PrometheusAdapterRulesProps = { name: 'ai-inference', namespace: 'monitoring', signals: SEED_SIGNALS };

function configMapOf(props: Partial<PrometheusAdapterRulesProps> = {}): Manifest {
  return only(synth((chart) => new PrometheusAdapterRules(chart, 'Rules', { ...SEED, ...props })), 'ConfigMap');
}

function rulesOf(cm: Manifest): Manifest[] {
  const config = parse(cm.data[ADAPTER_CONFIG_KEY]);
  expect(Object.keys(config)).toEqual(['rules']);
  return config.rules;
}

describe('PrometheusAdapterRules', () => {
  it('is a ConfigMap named after the release holding config.yaml', () => {
    const cm = configMapOf();
    expect(cm.metadata).toEqual({
      name: 'ai-inference-adapter-rules',
      namespace: 'monitoring',
      labels: {
        'app.kubernetes.io/name': 'ai-inference',
        'app.kubernetes.io/instance': 'ai-inference',
        'app.kubernetes.io/component': 'autoscaling',
        'app.kubernetes.io/managed-by': 'cdk8s-ai-inference',
      },
    });
    expect(Object.keys(cm.data)).toEqual(['config.yaml']);
    expectValidManifests([cm]);
  });

  it('writes one rule per custom signal of the seed and none for cpu or memory', () => {
    const rules = rulesOf(configMapOf());
    expect(rules.map((r) => r.name.as)).toEqual([
      'dcgm_gpu_utilization_per_pod',
      'inference_request_rate',
      'inference_response_time_p95_seconds',
      'inference_queue_depth_per_pod',
    ]);
    expect(rules.some((r) => /cpu|memory/.test(r.seriesQuery))).toBe(false);
  });

  it('serves the GPU utilization per pod with the dcgm-exporter exported_* labels as overrides', () => {
    expect(rulesOf(configMapOf())[0]).toEqual({
      seriesQuery: 'DCGM_FI_DEV_GPU_UTIL{exported_namespace!="",exported_pod!=""}',
      resources: { overrides: { exported_namespace: { resource: 'namespace' }, exported_pod: { resource: 'pod' } } },
      name: { matches: '^DCGM_FI_DEV_GPU_UTIL$', as: 'dcgm_gpu_utilization_per_pod' },
      metricsQuery: 'avg by (<<.GroupBy>>) (<<.Series>>{<<.LabelMatchers>>})',
    });
  });

  it('serves the request rate per pod from inference_requests_total', () => {
    expect(rulesOf(configMapOf())[1]).toEqual({
      seriesQuery: 'inference_requests_total{namespace!="",pod!=""}',
      resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
      name: { matches: '^inference_requests_total$', as: 'inference_request_rate' },
      metricsQuery: 'sum by (<<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>}[2m]))',
    });
  });

  it('serves the p95 per Service from the response-time histogram with namespace and service overrides', () => {
    expect(rulesOf(configMapOf())[2]).toEqual({
      seriesQuery: 'inference_response_time_seconds_bucket{namespace!="",service!=""}',
      resources: { overrides: { namespace: { resource: 'namespace' }, service: { resource: 'service' } } },
      name: { matches: '^inference_response_time_seconds_bucket$', as: 'inference_response_time_p95_seconds' },
      metricsQuery: 'histogram_quantile(0.95, sum by (le, <<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>}[2m])))',
    });
  });

  it('serves the queue depth per pod from inference_queue_depth', () => {
    expect(rulesOf(configMapOf())[3]).toEqual({
      seriesQuery: 'inference_queue_depth{namespace!="",pod!=""}',
      resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
      name: { matches: '^inference_queue_depth$', as: 'inference_queue_depth_per_pod' },
      metricsQuery: 'sum by (<<.GroupBy>>) (<<.Series>>{<<.LabelMatchers>>})',
    });
  });

  it('serves exactly the metric names the HPA references, for each preset', () => {
    for (const preset of ['generic', 'vllm'] as const) {
      const objects = synth((chart) => {
        new GpuHpa(chart, 'Hpa', { name: 'ai-inference', workload: SEED_WORKLOAD, minReplicas: 3, maxReplicas: 20, signals: SEED_SIGNALS, preset });
        new PrometheusAdapterRules(chart, 'Rules', { ...SEED, preset });
      });
      const hpa = only(objects, 'HorizontalPodAutoscaler');
      const referenced = hpa.spec.metrics.filter((m: Manifest) => m.type !== 'Resource').map((m: Manifest) => (m.pods ?? m.object).metric.name);
      const served = rulesOf(only(objects, 'ConfigMap')).map((r) => r.name.as);
      expect(served, preset).toEqual(referenced);
      expect(served).toHaveLength(4);
    }
  });

  it('writes rules only for the custom signals that are set', () => {
    const rules = rulesOf(configMapOf({ signals: { cpu: SEED_SIGNALS.cpu, queueDepth: SEED_SIGNALS.queueDepth } }));
    expect(rules.map((r) => r.name.as)).toEqual(['inference_queue_depth_per_pod']);
  });

  it('reads the vllm series, the configured DCGM labels and the rate window', () => {
    const rules = rulesOf(configMapOf({ preset: 'vllm', dcgm: { podLabel: 'pod', namespaceLabel: 'namespace' }, rateWindow: Duration.minutes(5) }));
    expect(rules[0].resources.overrides).toEqual({ namespace: { resource: 'namespace' }, pod: { resource: 'pod' } });
    expect(rules[1].metricsQuery).toBe('sum by (<<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>,handler=~"/v1/.*"}[5m]))');
    expect(rules[2].name).toEqual({ matches: '^vllm:e2e_request_latency_seconds_bucket$', as: 'vllm_e2e_request_latency_p95_seconds' });
    expect(rules[3].seriesQuery).toBe('vllm:num_requests_waiting{namespace!="",pod!=""}');
  });

  it('writes queries that parse with the Prometheus grammar', () => {
    for (const preset of ['generic', 'vllm'] as const) {
      for (const rule of rulesOf(configMapOf({ preset }))) {
        expect(findPromqlSyntaxError(rule.seriesQuery), rule.name.as).toBeUndefined();
        const series = rule.seriesQuery.slice(0, rule.seriesQuery.indexOf('{'));
        expect(findPromqlSyntaxError(renderAdapterTemplate(rule.metricsQuery, series)), rule.name.as).toBeUndefined();
      }
    }
  });

  it('survives the synthesized YAML unchanged and offers the same rules as Helm values', () => {
    let construct: PrometheusAdapterRules | undefined;
    const objects = synth((chart) => {
      construct = new PrometheusAdapterRules(chart, 'Rules', SEED);
    });
    const [doc] = parseAllDocuments(Yaml.stringify(...objects)).map((d) => d.toJS());
    expect(doc.data['config.yaml']).toBe(construct!.configYaml);
    expect(construct!.helmValues()).toEqual({ rules: { custom: parse(construct!.configYaml).rules } });
  });

  it('refuses signals without a custom signal, since metrics-server serves cpu and memory', () => {
    expect(errorOf(() => configMapOf({ signals: { cpu: SEED_SIGNALS.cpu, memory: SEED_SIGNALS.memory } }))).toContain(
      'signals (an object) names no custom signal (cpu and memory come from metrics-server, not from prometheus-adapter rules); add gpu, requestRate, latencyP95 or queueDepth, or drop PrometheusAdapterRules',
    );
  });

  it('refuses a DCGM label that is not a Prometheus label name and a rate window out of range', () => {
    expect(errorOf(() => configMapOf({ dcgm: { podLabel: 'exported-pod' } }))).toContain(
      'dcgm.podLabel ("exported-pod") must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*); fix the name',
    );
    expect(errorOf(() => configMapOf({ rateWindow: Duration.seconds(10) }))).toContain(
      'rateWindow (10s) must be a whole number of seconds within 30-3600 s (rate window: at least two scrapes, at most an hour); pick a value in range',
    );
  });

  it('fails naming the metric when a custom preset makes a rule unparsable', () => {
    const preset = { name: 'generic', requests: { metric: 'inference_requests_total', matchers: 'route=/v1' }, errors: { metric: 'e' }, latencyHistogram: 'h', queueDepth: { metric: 'q' } } as const;
    expect(errorOf(() => configMapOf({ preset, signals: { requestRate: SEED_SIGNALS.requestRate } }))).toContain(
      'requestRate signal, adapter metric inference_request_rate (series inference_requests_total) seriesQuery: PromQL does not parse',
    );
  });
});
