import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart, Duration, Testing, Yaml } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { GpuHpa } from '../../src/constructs/gpu-hpa';
import { ADAPTER_CONFIG_KEY, PrometheusAdapterRules, PrometheusAdapterRulesProps } from '../../src/constructs/prometheus-adapter-rules';
import { AiInferenceChart } from '../../src/chart/ai-inference-chart';
import { renderAdapterTemplate, findPromqlSyntaxError } from '../../src/metrics/promql';
import { SEED_SIGNALS } from '../../src/spec/signals';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { ADAPTER_VALUES_FILE, adapterValuesPath, adapterValuesYaml, buildApp } from '../../examples/main';
import { expectValidManifests } from '../helpers/k8s-schema';
import { Manifest, errorOf, only, synth } from '../support';
import { SEED_WORKLOAD } from './workloads';

const SEED: PrometheusAdapterRulesProps = { name: 'ai-inference', signals: SEED_SIGNALS };

function constructOf(props: Partial<PrometheusAdapterRulesProps> = {}, chart: Chart = Testing.chart(), id = 'Rules'): PrometheusAdapterRules {
  return new PrometheusAdapterRules(chart, id, { ...SEED, ...props });
}

/** The rules as the adapter's chart renders them from the values (`rules.custom`). */
function rulesOf(props: Partial<PrometheusAdapterRulesProps> = {}): Manifest[] {
  return constructOf(props).helmValues().rules.custom as Manifest[];
}

/**
 * What prometheus-community/helm-charts charts/prometheus-adapter (chart 5.3.0, app v0.12.0)
 * templates/configmap.yaml renders from the values, without rules.existing:
 *   {{- if not .Values.rules.existing -}}
 *   ...
 *   data:
 *     config.yaml: |
 *   {{- if or .Values.rules.default .Values.rules.custom }}
 *       rules:
 *   {{- if .Values.rules.default }}
 *       - seriesQuery: '{__name__=~"^container_.*",container!="POD",namespace!="",pod!=""}'   (six default rules)
 *   {{- end -}}
 *   {{- if .Values.rules.custom }}
 *   {{ toYaml .Values.rules.custom | indent 4 }}
 * Emulated here with the default rules left out: `rules:` then the custom list, each line
 * indented by 4 inside the `config.yaml: |` block.
 */
function renderChartConfigMap(values: Manifest): Manifest {
  const custom = stringify(values.rules.custom, { lineWidth: 0, version: '1.1' })
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  const rendered = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prometheus-adapter\n  namespace: monitoring\ndata:\n  config.yaml: |\n    rules:\n${custom}\n`;
  return parse(rendered);
}

describe('PrometheusAdapterRules', () => {
  it('writes no object into the service\'s chart: the adapter never reads a ConfigMap in the workload namespace', () => {
    expect(synth((chart) => constructOf({}, chart))).toEqual([]);
  });

  it('writes one rule per custom signal of the seed and none for cpu or memory', () => {
    const rules = rulesOf();
    expect(rules.map((r) => r.name.as)).toEqual([
      'dcgm_gpu_utilization_per_pod',
      'inference_request_rate',
      'inference_response_time_p95_seconds',
      'inference_queue_depth_per_pod',
    ]);
    expect(rules.some((r) => /cpu|memory/.test(r.seriesQuery))).toBe(false);
  });

  it('serves the GPU utilization per pod with the dcgm-exporter exported_* labels as overrides', () => {
    expect(rulesOf()[0]).toEqual({
      seriesQuery: 'DCGM_FI_DEV_GPU_UTIL{exported_namespace!="",exported_pod!=""}',
      resources: { overrides: { exported_namespace: { resource: 'namespace' }, exported_pod: { resource: 'pod' } } },
      name: { matches: '^DCGM_FI_DEV_GPU_UTIL$', as: 'dcgm_gpu_utilization_per_pod' },
      metricsQuery: 'avg by (<<.GroupBy>>) (<<.Series>>{<<.LabelMatchers>>})',
    });
  });

  it('serves the request rate per pod from inference_requests_total', () => {
    expect(rulesOf()[1]).toEqual({
      seriesQuery: 'inference_requests_total{namespace!="",pod!=""}',
      resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
      name: { matches: '^inference_requests_total$', as: 'inference_request_rate' },
      metricsQuery: 'sum by (<<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>}[2m]))',
    });
  });

  it('serves the p95 per Service from the response-time histogram with namespace and service overrides', () => {
    expect(rulesOf()[2]).toEqual({
      seriesQuery: 'inference_response_time_seconds_bucket{namespace!="",service!=""}',
      resources: { overrides: { namespace: { resource: 'namespace' }, service: { resource: 'service' } } },
      name: { matches: '^inference_response_time_seconds_bucket$', as: 'inference_response_time_p95_seconds' },
      metricsQuery: 'histogram_quantile(0.95, sum by (le, <<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>}[2m])))',
    });
  });

  it('serves the queue depth per pod from inference_queue_depth', () => {
    expect(rulesOf()[3]).toEqual({
      seriesQuery: 'inference_queue_depth{namespace!="",pod!=""}',
      resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
      name: { matches: '^inference_queue_depth$', as: 'inference_queue_depth_per_pod' },
      metricsQuery: 'sum by (<<.GroupBy>>) (<<.Series>>{<<.LabelMatchers>>})',
    });
  });

  it('serves exactly the metric names the HPA references, for each preset', () => {
    for (const preset of ['generic', 'vllm'] as const) {
      let rules: PrometheusAdapterRules | undefined;
      const objects = synth((chart) => {
        new GpuHpa(chart, 'Hpa', { name: 'ai-inference', workload: SEED_WORKLOAD, minReplicas: 3, maxReplicas: 20, signals: SEED_SIGNALS, preset });
        rules = new PrometheusAdapterRules(chart, 'Rules', { ...SEED, preset });
      });
      const hpa = only(objects, 'HorizontalPodAutoscaler');
      const referenced = hpa.spec.metrics.filter((m: Manifest) => m.type !== 'Resource').map((m: Manifest) => (m.pods ?? m.object).metric.name);
      const served = rules!.helmValues().rules.custom.map((r) => r.name.as);
      expect(served, preset).toEqual(referenced);
      expect(rules!.metricNames).toEqual(referenced);
      expect(served).toHaveLength(4);
    }
  });

  it('writes rules only for the custom signals that are set', () => {
    const rules = rulesOf({ signals: { cpu: SEED_SIGNALS.cpu, queueDepth: SEED_SIGNALS.queueDepth } });
    expect(rules.map((r) => r.name.as)).toEqual(['inference_queue_depth_per_pod']);
  });

  it('reads the vllm series, the configured DCGM labels and the rate window', () => {
    const rules = rulesOf({ preset: 'vllm', dcgm: { podLabel: 'pod', namespaceLabel: 'namespace' }, rateWindow: Duration.minutes(5) });
    expect(rules[0].resources.overrides).toEqual({ namespace: { resource: 'namespace' }, pod: { resource: 'pod' } });
    expect(rules[1].metricsQuery).toBe('sum by (<<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>,handler=~"/v1/.*"}[5m]))');
    expect(rules[2].name).toEqual({ matches: '^vllm:e2e_request_latency_seconds_bucket$', as: 'vllm_e2e_request_latency_p95_seconds' });
    expect(rules[3].seriesQuery).toBe('vllm:num_requests_waiting{namespace!="",pod!=""}');
  });

  it('writes queries that parse with the Prometheus grammar', () => {
    for (const preset of ['generic', 'vllm'] as const) {
      for (const rule of rulesOf({ preset })) {
        expect(findPromqlSyntaxError(rule.seriesQuery), rule.name.as).toBeUndefined();
        const series = rule.seriesQuery.slice(0, rule.seriesQuery.indexOf('{'));
        expect(findPromqlSyntaxError(renderAdapterTemplate(rule.metricsQuery, series)), rule.name.as).toBeUndefined();
      }
    }
  });

  describe('as the prometheus-adapter Helm chart consumes it', () => {
    it('writes values of the chart\'s shape: rules.default kept true, the rules under rules.custom', () => {
      // values.yaml of the chart: `rules: default: true`, `custom: []` (a list of rules with
      // seriesQuery, resources, name.matches/as, metricsQuery), `existing:` unset.
      const values = parse(PrometheusAdapterRules.valuesYamlFor([constructOf()]));
      expect(Object.keys(values)).toEqual(['rules']);
      expect(Object.keys(values.rules)).toEqual(['default', 'custom']);
      expect(values.rules.default).toBe(true);
      expect(values.rules).not.toHaveProperty('existing');
      for (const rule of values.rules.custom) {
        // The same fields as the chart's own default rules in templates/configmap.yaml
        // (`- seriesQuery:`, `resources: overrides: namespace: resource: namespace`,
        // `name: matches: ... as: ...`, `metricsQuery: ...`).
        expect(Object.keys(rule)).toEqual(['seriesQuery', 'resources', 'name', 'metricsQuery']);
        expect(Object.keys(rule.resources)).toEqual(['overrides']);
        for (const o of Object.values(rule.resources.overrides) as Manifest[]) expect(Object.keys(o)).toEqual(['resource']);
        expect(Object.keys(rule.name)).toEqual(['matches', 'as']);
        expect(typeof rule.metricsQuery).toBe('string');
      }
    });

    it('survives the chart\'s template: the rendered config.yaml holds exactly these rules, and the queries parse', () => {
      const values = parse(PrometheusAdapterRules.valuesYamlFor([constructOf()]));
      const configMap = renderChartConfigMap(values);
      const config = parse(configMap.data['config.yaml']);
      expect(config.rules).toEqual(values.rules.custom);
      expect(config.rules.map((r: Manifest) => r.name.as)).toEqual(['dcgm_gpu_utilization_per_pod', 'inference_request_rate', 'inference_response_time_p95_seconds', 'inference_queue_depth_per_pod']);
      for (const rule of config.rules) {
        expect(findPromqlSyntaxError(rule.seriesQuery), rule.name.as).toBeUndefined();
        const series = rule.seriesQuery.slice(0, rule.seriesQuery.indexOf('{'));
        expect(findPromqlSyntaxError(renderAdapterTemplate(rule.metricsQuery, series)), rule.name.as).toBeUndefined();
      }
      // Helm renders the values with Go templates ({{ }}); the adapter's own are << >>, untouched.
      expect(JSON.stringify(values)).not.toContain('{{');
    });

    it('heads the values file with the helm command that installs it', () => {
      expect(PrometheusAdapterRules.valuesYamlFor([constructOf()])).toContain(
        '#   helm upgrade --install prometheus-adapter prometheus-community/prometheus-adapter -n monitoring -f <this file>',
      );
    });

    it('offers the whole config as the ConfigMap rules.existing mounts: config.yaml, in the adapter\'s namespace', () => {
      // templates/deployment.yaml: `- --config=/etc/adapter/config.yaml`, mountPath /etc/adapter/
      // from `configMap: name: {{ .Values.rules.existing | default (include "k8s-prometheus-adapter.fullname" . ) }}`.
      const app = Testing.app();
      const a = constructOf({}, new Chart(app, 'a'));
      const b = constructOf({ name: 'other', preset: 'vllm' }, new Chart(app, 'b'));
      const adapterChart = new Chart(app, 'adapter');
      PrometheusAdapterRules.existingConfigMap(adapterChart, 'Rules', { sources: PrometheusAdapterRules.allIn(app) });
      const cm = only(Testing.synth(adapterChart), 'ConfigMap');
      expect(cm.metadata).toEqual({
        name: 'ai-inference-adapter-rules',
        namespace: 'monitoring',
        labels: { 'app.kubernetes.io/component': 'autoscaling', 'app.kubernetes.io/managed-by': 'cdk8s-ai-inference' },
      });
      expect(Object.keys(cm.data)).toEqual([ADAPTER_CONFIG_KEY]);
      expect(ADAPTER_CONFIG_KEY).toBe('config.yaml');
      expect(parse(cm.data['config.yaml'])).toEqual({ rules: PrometheusAdapterRules.valuesFor([a, b]).rules.custom });
      const [doc] = parseAllDocuments(Yaml.stringify(cm)).map((d) => d.toJS());
      expect(doc.data['config.yaml']).toBe(cm.data['config.yaml']);
      expectValidManifests([cm]);
    });

    it('refuses a rules.existing ConfigMap without sources or with a bad namespace', () => {
      expect(errorOf(() => PrometheusAdapterRules.existingConfigMap(Testing.chart(), 'Rules', { sources: [] }))).toContain(
        'sources is empty; pass the PrometheusAdapterRules of every service the adapter serves',
      );
      expect(errorOf(() => PrometheusAdapterRules.existingConfigMap(Testing.chart(), 'Rules', { sources: [constructOf()], namespace: 'Monitoring' }))).toContain(
        'namespace ("Monitoring")',
      );
    });
  });

  describe('one configuration for every service of a cluster', () => {
    it('gives two services on the same preset the same rule set, written once', () => {
      const one = constructOf({}, Testing.chart(), 'One');
      const two = constructOf({ name: 'translator' }, Testing.chart(), 'Two');
      expect(two.helmValues()).toEqual(one.helmValues());
      expect(PrometheusAdapterRules.valuesFor([one, two])).toEqual(one.helmValues());
    });

    it('merges services on different presets, sharing the GPU rule', () => {
      const generic = constructOf();
      const vllm = constructOf({ name: 'chat', preset: 'vllm' });
      expect(PrometheusAdapterRules.valuesFor([generic, vllm]).rules.custom.map((r) => r.name.as)).toEqual([
        'dcgm_gpu_utilization_per_pod',
        'inference_request_rate',
        'inference_response_time_p95_seconds',
        'inference_queue_depth_per_pod',
        'vllm_request_rate',
        'vllm_e2e_request_latency_p95_seconds',
        'vllm_num_requests_waiting_per_pod',
      ]);
    });

    it('names no namespace, Deployment or Service of a release in any rule', () => {
      const text = JSON.stringify(constructOf({ name: 'zebra-service' }).helmValues());
      expect(text).not.toContain('zebra-service');
      expect(text).not.toMatch(/namespace="/);
    });

    it('refuses two services that would serve one metric name with different rules', () => {
      const app = new App();
      constructOf({}, new Chart(app, 'a'));
      constructOf({ name: 'b', dcgm: { podLabel: 'pod', namespaceLabel: 'namespace' } }, new Chart(app, 'b'));
      expect(errorOf(() => PrometheusAdapterRules.valuesFor(PrometheusAdapterRules.allIn(app)))).toContain(
        'prometheus-adapter metric dcgm_gpu_utilization_per_pod is served by two different rules (service ai-inference (a/Rules): DCGM_FI_DEV_GPU_UTIL{exported_namespace!="",exported_pod!=""} -> avg by (<<.GroupBy>>) (<<.Series>>{<<.LabelMatchers>>}); service b (b/Rules): DCGM_FI_DEV_GPU_UTIL{namespace!="",pod!=""} -> avg by (<<.GroupBy>>) (<<.Series>>{<<.LabelMatchers>>})), but one adapter answers a metric name with one rule; give the services the same metrics.dcgm labels and rate window, or serve them from separate adapters',
      );
    });

    it('finds the rules of every AiInferenceChart of an app, and the examples write them as one values file', () => {
      const app = Testing.app();
      const a = new AiInferenceChart(app, 'a', { spec: eksNlbSpec });
      const b = new AiInferenceChart(app, 'b', { spec: { ...eksNlbSpec, release: 'translator', namespace: 'translate' } });
      expect(PrometheusAdapterRules.allIn(app)).toEqual([a.adapterRules, b.adapterRules]);
      expect(PrometheusAdapterRules.valuesFor(PrometheusAdapterRules.allIn(app))).toEqual(a.adapterRules!.helmValues());

      expect(ADAPTER_VALUES_FILE).toBe('helm/prometheus-adapter-values.yaml');
      // Beside the manifests (not among them: kubectl apply -f dist/ reads no subfolder) ...
      const dist = mkdtempSync(join(tmpdir(), 'ai-inference-values-'));
      expect(adapterValuesPath(new App({ outdir: dist }))).toBe(join(dist, 'helm/prometheus-adapter-values.yaml'));
      // ... and outside templates/ with --format helm, where Helm would render it as a manifest.
      const chartDir = mkdtempSync(join(tmpdir(), 'ai-inference-helm-'));
      mkdirSync(join(chartDir, 'templates'));
      writeFileSync(join(chartDir, 'Chart.yaml'), 'apiVersion: v2\nname: x\nversion: 1.0.0\n');
      expect(adapterValuesPath(new App({ outdir: join(chartDir, 'templates') }))).toBe(join(chartDir, 'helm/prometheus-adapter-values.yaml'));
      const values = parse(adapterValuesYaml(buildApp()));
      expect(values.rules.default).toBe(true);
      expect(values.rules.custom.map((r: Manifest) => r.name.as)).toEqual([
        'dcgm_gpu_utilization_per_pod',
        'inference_request_rate',
        'inference_response_time_p95_seconds',
        'inference_queue_depth_per_pod',
        // Opifex's l2o-optimizer and SutazAI's backend scale on queue gauges of their own.
        'opifex_l2o_queue_length_per_pod',
        'ai_agent_queue_depth_per_pod',
      ]);
    });
  });

  it('refuses signals without a custom signal, since metrics-server serves cpu and memory', () => {
    expect(errorOf(() => constructOf({ signals: { cpu: SEED_SIGNALS.cpu, memory: SEED_SIGNALS.memory } }))).toContain(
      'signals (an object) names no custom signal (cpu and memory come from metrics-server, not from prometheus-adapter rules); add gpu, requestRate, latencyP95 or queueDepth (with the vllm preset also kvCacheUsage or timeToFirstTokenP95), or drop PrometheusAdapterRules',
    );
  });

  it('refuses a DCGM label that is not a Prometheus label name and a rate window out of range', () => {
    expect(errorOf(() => constructOf({ dcgm: { podLabel: 'exported-pod' } }))).toContain(
      'dcgm.podLabel ("exported-pod") must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*); fix the name',
    );
    expect(errorOf(() => constructOf({ rateWindow: Duration.seconds(10) }))).toContain(
      'rateWindow (10s) must be a whole number of seconds within 30-3600 s (rate window: at least two scrapes, at most an hour); pick a value in range',
    );
  });

  it('fails naming the metric when a custom preset makes a rule unparsable', () => {
    const preset = { name: 'generic', requests: { metric: 'inference_requests_total', matchers: 'route=/v1' }, errors: { metric: 'e' }, latencyHistogram: 'h', queueDepth: { metric: 'q' } } as const;
    expect(errorOf(() => constructOf({ preset, signals: { requestRate: SEED_SIGNALS.requestRate } }))).toContain(
      'requestRate signal, adapter metric inference_request_rate (series inference_requests_total) seriesQuery: PromQL does not parse',
    );
  });
});

describe('PrometheusAdapterRules on the LLM signals', () => {
  it('refuses the TTFT signal with the generic preset, naming the signal', () => {
    expect(errorOf(() => rulesOf({ signals: { timeToFirstTokenP95: { type: 'Value', value: 0.5 } } }))).toContain(
      'signals.timeToFirstTokenP95 (an object) needs the timeToFirstTokenHistogram series of the metric preset, which the generic preset does not have (only vLLM exports it); use the vllm preset or drop the signal',
    );
  });
});
