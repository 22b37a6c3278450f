import { describe, expect, it } from 'vitest';
import {
  assertDashboardQuery,
  buildDashboard,
  dashboardQueries,
  dashboardThresholds,
  dashboardToJson,
  dashboardUid,
  GrafanaDashboardJson,
  PANEL_TITLES,
  renderGrafanaVariables,
  ROW_TITLES,
} from '../../src/dashboard';
import { GENERIC_PRESET, VLLM_PRESET } from '../../src/metrics/presets';
import { findPromqlSyntaxError } from '../../src/metrics/promql';
import { seedInput } from './fixtures';

const seed = buildDashboard(seedInput());

function panelByTitle(dashboard: GrafanaDashboardJson, title: string) {
  const panel = dashboard.panels.find((p) => p.title === title);
  if (!panel) throw new Error(`no panel "${title}"`);
  return panel;
}

function exprs(dashboard: GrafanaDashboardJson, title: string): string[] {
  return dashboardQueries(dashboard)
    .filter((q) => q.panel === title)
    .map((q) => q.expr);
}

/** Every object under a `datasource` key, anywhere in the JSON. */
function datasourceRefs(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) value.forEach((v) => datasourceRefs(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'datasource') out.push(v);
      datasourceRefs(v, out);
    }
  }
  return out;
}

describe('buildDashboard: the JSON model', () => {
  it('has the title, the uid derived from namespace and release, and a schema version', () => {
    expect(seed.title).toBe('AI inference (pixelated-prod)');
    expect(seed.uid).toBe('pixelated-prod-ai-inference');
    expect(seed.schemaVersion).toBe(42);
    expect(seed.tags).toEqual(['cdk8s-ai-inference']);
    expect(seed.refresh).toBe('30s');
  });

  it('groups the panels the issue lists into four rows', () => {
    expect(seed.panels.map((p) => [p.type, p.title])).toEqual([
      ['row', ROW_TITLES.serviceLevel],
      ['stat', PANEL_TITLES.availability],
      ['stat', PANEL_TITLES.errorBudget],
      ['timeseries', PANEL_TITLES.latency],
      ['timeseries', PANEL_TITLES.errorRatio],
      ['row', ROW_TITLES.traffic],
      ['timeseries', PANEL_TITLES.requestRate],
      ['timeseries', PANEL_TITLES.queueDepth],
      ['timeseries', PANEL_TITLES.cacheHitRate],
      ['row', ROW_TITLES.gpu],
      ['timeseries', PANEL_TITLES.gpuUtilization],
      ['timeseries', PANEL_TITLES.gpuMemory],
      ['row', ROW_TITLES.capacity],
      ['timeseries', PANEL_TITLES.replicas],
      ['timeseries', PANEL_TITLES.podReadiness],
    ]);
  });

  it('gives every panel a unique id and a grid position inside the 24 columns, without overlaps', () => {
    const ids = seed.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    for (const { gridPos: g, title } of seed.panels) {
      expect(g.w, title).toBeGreaterThan(0);
      expect(g.h, title).toBeGreaterThan(0);
      expect(g.x + g.w, title).toBeLessThanOrEqual(24);
    }
    for (const [i, a] of seed.panels.entries()) {
      for (const b of seed.panels.slice(i + 1)) {
        const overlap =
          a.gridPos.x < b.gridPos.x + b.gridPos.w &&
          b.gridPos.x < a.gridPos.x + a.gridPos.w &&
          a.gridPos.y < b.gridPos.y + b.gridPos.h &&
          b.gridPos.y < a.gridPos.y + a.gridPos.h;
        expect(overlap, `${a.title} / ${b.title}`).toBe(false);
      }
    }
  });

  it('gives every target of every panel a refId unique within the panel and a PromQL expression', () => {
    for (const panel of seed.panels.filter((p) => p.type !== 'row')) {
      const targets = panel.targets ?? [];
      expect(targets.length, panel.title).toBeGreaterThan(0);
      const refIds = targets.map((t) => t.refId);
      expect(refIds.every((r) => /^[A-Z]$/.test(r)), panel.title).toBe(true);
      expect(new Set(refIds).size, panel.title).toBe(refIds.length);
      expect(targets.every((t) => typeof t.expr === 'string' && t.expr.length > 0), panel.title).toBe(true);
    }
    expect(dashboardQueries(seed)).toHaveLength(20);
  });

  it('declares a datasource variable of type datasource for Prometheus', () => {
    expect(seed.templating.list).toHaveLength(1);
    expect(seed.templating.list[0]).toMatchObject({ type: 'datasource', name: 'datasource', query: 'prometheus' });
  });

  it('points every panel and every target at the datasource variable, never at a fixed uid', () => {
    for (const panel of seed.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of panel.targets ?? []) expect(t.datasource, `${panel.title} ${t.refId}`).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    const refs = datasourceRefs(seed);
    expect(refs).toHaveLength(11 + 20);
    expect(refs.every((r) => JSON.stringify(r) === JSON.stringify({ type: 'prometheus', uid: '${datasource}' }))).toBe(true);
  });

  it('is plain JSON: serializing and parsing it gives the same object', () => {
    expect(JSON.parse(JSON.stringify(seed))).toEqual(seed);
  });
});

describe('buildDashboard: queries', () => {
  it('writes queries that all parse as PromQL once Grafana variables are filled in', () => {
    for (const q of dashboardQueries(seed)) {
      expect(findPromqlSyntaxError(renderGrafanaVariables(q.expr)), `${q.panel} ${q.refId}: ${q.expr}`).toBeUndefined();
    }
  });

  it('writes vLLM queries that parse too, and leaves out the cache panel the vLLM preset has no metric for', () => {
    const vllm = buildDashboard(seedInput({ preset: VLLM_PRESET }));
    for (const q of dashboardQueries(vllm)) {
      expect(findPromqlSyntaxError(renderGrafanaVariables(q.expr)), `${q.panel} ${q.refId}: ${q.expr}`).toBeUndefined();
    }
    expect(vllm.panels.map((p) => p.title)).not.toContain(PANEL_TITLES.cacheHitRate);
    expect(panelByTitle(vllm, PANEL_TITLES.requestRate).gridPos.w).toBe(12);
    expect(exprs(vllm, PANEL_TITLES.queueDepth)[0]).toBe(
      'avg(vllm:num_requests_waiting{namespace="pixelated-prod",job="ai-inference-internal"})',
    );
    expect(exprs(vllm, PANEL_TITLES.errorRatio)[0]).toContain('http_requests_total{namespace="pixelated-prod",job="ai-inference-internal",handler=~"/v1/.*",status="5xx"}');
  });

  it('draws latency p50, p95 and p99 from the histogram of the service', () => {
    const bucket = 'inference_response_time_seconds_bucket{namespace="pixelated-prod",job="ai-inference-internal"}';
    expect(exprs(seed, PANEL_TITLES.latency)).toEqual([
      `histogram_quantile(0.5, sum by (le) (rate(${bucket}[$__rate_interval])))`,
      `histogram_quantile(0.95, sum by (le) (rate(${bucket}[$__rate_interval])))`,
      `histogram_quantile(0.99, sum by (le) (rate(${bucket}[$__rate_interval])))`,
    ]);
    expect(panelByTitle(seed, PANEL_TITLES.latency).targets?.map((t) => t.legendFormat)).toEqual(['p50', 'p95', 'p99']);
  });

  it('computes the error ratio as errors over requests, in percent', () => {
    expect(exprs(seed, PANEL_TITLES.errorRatio)).toEqual([
      '100 * sum(rate(inference_errors_total{namespace="pixelated-prod",job="ai-inference-internal"}[$__rate_interval]))' +
        ' / sum(rate(inference_requests_total{namespace="pixelated-prod",job="ai-inference-internal"}[$__rate_interval]))',
    ]);
  });

  it('counts availability and the error budget over the SLO period against the allowed error ratio', () => {
    const ratio30d =
      '(sum(increase(inference_errors_total{namespace="pixelated-prod",job="ai-inference-internal"}[30d]))' +
      ' / sum(increase(inference_requests_total{namespace="pixelated-prod",job="ai-inference-internal"}[30d])))';
    expect(exprs(seed, PANEL_TITLES.availability)).toEqual([`100 * (1 - ${ratio30d})`]);
    expect(exprs(seed, PANEL_TITLES.errorBudget)).toEqual([`100 * (1 - ${ratio30d} / 0.001)`]);

    const period28 = buildDashboard(seedInput({ slo: { ...seedInput().slo, availabilityPercent: 99.5, periodDays: 28 } }));
    expect(exprs(period28, PANEL_TITLES.errorBudget)[0]).toMatch(/\[28d\].*\/ 0\.005\)$/);
  });

  it('reads GPU utilization and memory per pod from DCGM through the configured pod and namespace labels', () => {
    const sel = '{exported_namespace="pixelated-prod",exported_pod=~"ai-inference-.*"}';
    expect(exprs(seed, PANEL_TITLES.gpuUtilization)).toEqual([`avg by (exported_pod) (DCGM_FI_DEV_GPU_UTIL${sel})`]);
    expect(exprs(seed, PANEL_TITLES.gpuMemory)).toEqual([
      `sum by (exported_pod) (DCGM_FI_DEV_FB_USED${sel})`,
      `sum by (exported_pod) (DCGM_FI_DEV_FB_USED${sel} + DCGM_FI_DEV_FB_FREE${sel})`,
    ]);

    const honorLabels = buildDashboard(seedInput({
      dcgm: {
        utilizationMetric: 'DCGM_FI_DEV_GPU_UTIL',
        memoryUsedMetric: 'DCGM_FI_DEV_FB_USED',
        memoryFreeMetric: 'DCGM_FI_DEV_FB_FREE',
        podLabel: 'pod',
        namespaceLabel: 'namespace',
      },
    }));
    expect(exprs(honorLabels, PANEL_TITLES.gpuUtilization)).toEqual([
      'avg by (pod) (DCGM_FI_DEV_GPU_UTIL{namespace="pixelated-prod",pod=~"ai-inference-.*"})',
    ]);
    expect(panelByTitle(honorLabels, PANEL_TITLES.gpuUtilization).targets?.[0].legendFormat).toBe('{{pod}}');
  });

  it('shows the queue depth per pod that the autoscaler averages', () => {
    expect(exprs(seed, PANEL_TITLES.queueDepth)).toEqual([
      'avg(inference_queue_depth{namespace="pixelated-prod",job="ai-inference-internal"})',
      'max(inference_queue_depth{namespace="pixelated-prod",job="ai-inference-internal"})',
    ]);
  });

  it('shows current, desired, min and max replicas of the HPA from kube-state-metrics, and the Deployment', () => {
    const hpa = '{namespace="pixelated-prod",horizontalpodautoscaler="ai-inference-hpa"}';
    expect(exprs(seed, PANEL_TITLES.replicas)).toEqual([
      `max(kube_horizontalpodautoscaler_status_current_replicas${hpa})`,
      `max(kube_horizontalpodautoscaler_status_desired_replicas${hpa})`,
      `max(kube_horizontalpodautoscaler_spec_min_replicas${hpa})`,
      `max(kube_horizontalpodautoscaler_spec_max_replicas${hpa})`,
      'max(kube_deployment_status_replicas_available{namespace="pixelated-prod",deployment="ai-inference"})',
    ]);
    expect(panelByTitle(seed, PANEL_TITLES.replicas).targets?.map((t) => t.legendFormat)).toEqual([
      'current', 'desired', 'min', 'max', 'available (Deployment)',
    ]);
  });

  it('counts ready pods from kube_pod_status_ready with condition true, for the pods of the release only', () => {
    const ready = 'kube_pod_status_ready{namespace="pixelated-prod",pod=~"ai-inference-.*",condition="true"}';
    expect(exprs(seed, PANEL_TITLES.podReadiness)).toEqual([
      `sum(max by (pod) (${ready}))`,
      `count(max by (pod) (${ready}))`,
    ]);
  });

  it('reads the cache hit rate of the service when the preset has one', () => {
    expect(exprs(seed, PANEL_TITLES.cacheHitRate)).toEqual(['avg(cache_hit_rate{namespace="pixelated-prod",job="ai-inference-internal"})']);
  });

  it("selects the service's own series by its namespace and scrape job in every query that reads them", () => {
    const own = dashboardQueries(seed).filter((q) => /inference_|cache_hit_rate/.test(q.expr));
    expect(own).toHaveLength(10);
    for (const q of own) {
      for (const m of q.expr.matchAll(/(inference_\w+|cache_hit_rate)\{([^}]*)\}/g)) {
        expect(m[2], `${q.panel}: ${q.expr}`).toMatch(/^namespace="pixelated-prod",job="ai-inference-internal"/);
      }
    }
  });

  it('fails naming the panel and query when a query does not parse', () => {
    const broken = { ...GENERIC_PRESET, requests: { metric: 'inference_requests_total', matchers: 'handler=~' } };
    expect(() => buildDashboard(seedInput({ preset: broken }))).toThrow(
      'dashboard panel "Availability over the SLO period" query A: PromQL does not parse',
    );
    expect(() => assertDashboardQuery({ panel: 'Latency', refId: 'B', expr: 'sum(rate(x[$__rate_interval])' })).toThrow(
      /^dashboard panel "Latency" query B: PromQL does not parse at offset \d+/,
    );
  });
});

describe('buildDashboard: thresholds come from the SLO and the autoscaler', () => {
  it('draws every threshold at the value of the input', () => {
    expect(dashboardThresholds(seed)).toEqual({
      [PANEL_TITLES.availability]: [99.9],
      [PANEL_TITLES.errorBudget]: [0],
      [PANEL_TITLES.latency]: [2, 3],
      [PANEL_TITLES.errorRatio]: [0.1],
      [PANEL_TITLES.requestRate]: [1000],
      [PANEL_TITLES.queueDepth]: [10],
      [PANEL_TITLES.cacheHitRate]: [],
      [PANEL_TITLES.gpuUtilization]: [],
      [PANEL_TITLES.gpuMemory]: [],
      [PANEL_TITLES.replicas]: [3, 20],
      [PANEL_TITLES.podReadiness]: [3],
    });
  });

  it('draws the thresholds of time series as lines, and none on panels without thresholds', () => {
    const drawn = [PANEL_TITLES.latency, PANEL_TITLES.errorRatio, PANEL_TITLES.requestRate, PANEL_TITLES.queueDepth, PANEL_TITLES.replicas, PANEL_TITLES.podReadiness];
    for (const title of drawn) {
      expect(panelByTitle(seed, title).fieldConfig?.defaults.custom?.thresholdsStyle, title).toEqual({ mode: 'line' });
    }
    for (const title of [PANEL_TITLES.gpuUtilization, PANEL_TITLES.gpuMemory, PANEL_TITLES.cacheHitRate]) {
      expect(panelByTitle(seed, title).fieldConfig?.defaults.custom?.thresholdsStyle, title).toEqual({ mode: 'off' });
    }
  });

  it('colours the latency panel orange from the p95 objective and red from the p99 objective', () => {
    expect(panelByTitle(seed, PANEL_TITLES.latency).fieldConfig?.defaults.thresholds).toEqual({
      mode: 'absolute',
      steps: [
        { value: null, color: 'green' },
        { value: 2, color: 'orange' },
        { value: 3, color: 'red' },
      ],
    });
    expect(panelByTitle(seed, PANEL_TITLES.latency).fieldConfig?.defaults.unit).toBe('s');
  });

  it('moves the latency threshold when the p95 objective changes', () => {
    const faster = buildDashboard(seedInput({ slo: { ...seedInput().slo, latencyP95Seconds: 1.5 } }));
    expect(dashboardThresholds(faster)[PANEL_TITLES.latency]).toEqual([1.5, 3]);
    expect(dashboardThresholds(seed)[PANEL_TITLES.latency]).toEqual([2, 3]);
  });

  it('draws one latency line when the p95 and p99 objectives are equal', () => {
    const same = buildDashboard(seedInput({ slo: { ...seedInput().slo, latencyP95Seconds: 3 } }));
    expect(dashboardThresholds(same)[PANEL_TITLES.latency]).toEqual([3]);
  });

  it('moves the throughput, error, queue and replica thresholds with their inputs', () => {
    const other = buildDashboard(seedInput({
      slo: { availabilityPercent: 99.95, latencyP95Seconds: 2, latencyP99Seconds: 3, throughputRps: 400 },
      queueDepthTarget: 4,
      minReplicas: 2,
      maxReplicas: 8,
    }));
    const t = dashboardThresholds(other);
    expect(t[PANEL_TITLES.requestRate]).toEqual([400]);
    expect(t[PANEL_TITLES.availability]).toEqual([99.95]);
    expect(t[PANEL_TITLES.errorRatio]).toEqual([0.05]);
    expect(t[PANEL_TITLES.queueDepth]).toEqual([4]);
    expect(t[PANEL_TITLES.replicas]).toEqual([2, 8]);
    expect(t[PANEL_TITLES.podReadiness]).toEqual([2]);
    expect(exprs(other, PANEL_TITLES.errorBudget)[0]).toMatch(/ \/ 0\.0005\)$/);
  });
});

describe('buildDashboard: input validation', () => {
  const slo = seedInput().slo;
  const cases: Array<[string, Parameters<typeof seedInput>[0], string]> = [
    ['a uid over 40 characters', { uid: 'x'.repeat(41) }, `dashboard.uid ("${'x'.repeat(41)}") must be 1-40 letters, digits, "-" or "_" (Grafana uid); use dashboardUid(namespace, release)`],
    ['a uid with a slash', { uid: 'a/b' }, 'dashboard.uid ("a/b") must be 1-40 letters, digits, "-" or "_"'],
    ['an empty title', { title: ' ' }, 'dashboard.title (" ") must not be empty; set a title'],
    ['availability of 100 %', { slo: { ...slo, availabilityPercent: 100 } }, 'dashboard.slo.availabilityPercent (100) must be above 0 and below 100 (percent): 100 % leaves no error budget'],
    ['availability of 0 %', { slo: { ...slo, availabilityPercent: 0 } }, 'dashboard.slo.availabilityPercent (0) must be above 0 and below 100 (percent); e.g. 99.9'],
    ['a p99 objective below the p95 one', { slo: { ...slo, latencyP99Seconds: 1 } }, 'dashboard.slo.latencyP99Seconds (1) must not be below latencyP95Seconds (2); raise the p99 objective or lower the p95 one'],
    ['a zero p95 objective', { slo: { ...slo, latencyP95Seconds: 0 } }, 'dashboard.slo.latencyP95Seconds (0) must be above 0 (seconds)'],
    ['a zero throughput', { slo: { ...slo, throughputRps: 0 } }, 'dashboard.slo.throughputRps (0) must be above 0 (requests per second)'],
    ['a fractional SLO period', { slo: { ...slo, periodDays: 1.5 } }, 'dashboard.slo.periodDays (1.5) must be a whole number of days'],
    ['an SLO period beyond 90 days', { slo: { ...slo, periodDays: 91 } }, 'dashboard.slo.periodDays (91) must be at most 90 days'],
    ['a negative queue target', { queueDepthTarget: -1 }, 'dashboard.queueDepthTarget (-1) must be above 0 (requests waiting per pod)'],
    ['zero min replicas', { minReplicas: 0 }, 'dashboard.minReplicas (0) must be at least 1; raise it'],
    ['fractional max replicas', { maxReplicas: 2.5 }, 'dashboard.maxReplicas (2.5) must be a whole number of replicas'],
    ['max replicas below min', { minReplicas: 5, maxReplicas: 4 }, 'dashboard.maxReplicas (4) must not be below minReplicas (5); raise maxReplicas or lower minReplicas'],
    ['a metric name with a dash', { preset: { ...GENERIC_PRESET, latencyHistogram: 'response-time' } }, 'dashboard.preset.latencyHistogram ("response-time") must be a Prometheus metric name'],
    ['a DCGM pod label with a dash', { dcgm: { ...seedInputDcgm(), podLabel: 'exported-pod' } }, 'dashboard.dcgm.podLabel ("exported-pod") must be a Prometheus label name'],
    ['a namespace with a quote', { scope: { namespace: 'a"b', job: 'j', podRegex: 'p' } }, 'dashboard.scope.namespace ("a\\"b") must not contain quotes, backslashes or newlines (it is embedded in PromQL)'],
    ['an empty HPA name', { hpaName: '' }, 'dashboard.hpaName ("") must not be empty'],
    ['a refresh that is not an interval', { refresh: 'often' }, 'dashboard.refresh ("often") must be a Grafana interval like "30s" or "1m"'],
    ['an empty tag', { tags: [''] }, 'dashboard.tags[0] ("") must not be empty; remove the tag'],
  ];
  it.each(cases)('rejects %s with a message naming the field, the value and the fix', (_name, overrides, message) => {
    expect(() => buildDashboard(seedInput(overrides))).toThrow(message);
  });

  it('lists every problem of the input at once', () => {
    let error: unknown;
    try {
      buildDashboard(seedInput({ queueDepthTarget: 0, minReplicas: 0 }));
    } catch (e) {
      error = e;
    }
    expect((error as Error).name).toBe('InferenceValidationError');
    expect((error as Error).message).toMatch(/^Grafana dashboard is invalid:\n {2}- dashboard\.queueDepthTarget \(0\).*\n {2}- dashboard\.minReplicas \(0\)/);
  });
});

function seedInputDcgm() {
  return { utilizationMetric: 'DCGM_FI_DEV_GPU_UTIL', memoryUsedMetric: 'DCGM_FI_DEV_FB_USED', memoryFreeMetric: 'DCGM_FI_DEV_FB_FREE', podLabel: 'exported_pod', namespaceLabel: 'exported_namespace' };
}

describe('dashboardUid', () => {
  it('is namespace-release when that fits in 40 characters', () => {
    expect(dashboardUid('pixelated-prod', 'ai-inference')).toBe('pixelated-prod-ai-inference');
    expect(dashboardUid('a'.repeat(20), 'b'.repeat(19))).toBe(`${'a'.repeat(20)}-${'b'.repeat(19)}`);
  });

  it('shortens longer names to 40 characters with a hash, the same every time and different per release', () => {
    const ns = 'team-recommendations-production-eu-west-1';
    const a = dashboardUid(ns, 'ai-inference');
    const b = dashboardUid(ns, 'ai-inference-canary');
    expect(a.length).toBeLessThanOrEqual(40);
    expect(b.length).toBeLessThanOrEqual(40);
    expect(a).toMatch(/^team-recommendations-production-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(dashboardUid(ns, 'ai-inference')).toBe(a);
  });
});

describe('renderGrafanaVariables', () => {
  it('fills in sample durations for the interval variables Grafana resolves', () => {
    expect(renderGrafanaVariables('rate(x[$__rate_interval]) + rate(y[${__rate_interval}])')).toBe('rate(x[5m]) + rate(y[5m])');
    expect(renderGrafanaVariables('rate(x[$__interval]) / increase(y[$__range])')).toBe('rate(x[1m]) / increase(y[6h])');
    expect(findPromqlSyntaxError('rate(x[$__rate_interval])')).toBeDefined();
  });
});

describe('dashboardToJson', () => {
  it('prints the same bytes for the same input, with keys sorted at every level', () => {
    const text = dashboardToJson(seed);
    expect(dashboardToJson(buildDashboard(seedInput()))).toBe(text);
    expect(JSON.parse(text)).toEqual(seed);
    const top = Object.keys(JSON.parse(text));
    expect(top).toEqual([...top].sort());
    expect(text.indexOf('"annotations"')).toBeLessThan(text.indexOf('"uid": "pixelated-prod-ai-inference"'));
    const firstTarget = JSON.parse(text).panels[1].targets[0];
    expect(Object.keys(firstTarget)).toEqual([...Object.keys(firstTarget)].sort());
  });
});

describe('the LLM panels of a vLLM dashboard', () => {
  const base = seedInput({ preset: VLLM_PRESET });
  const vllm = buildDashboard({ ...base, slo: { ...base.slo, timeToFirstTokenP95Seconds: 1, interTokenLatencyP95Seconds: 0.05 } });

  it('draws TTFT and inter-token p95 with the objectives as threshold lines, KV-cache usage and running / waiting requests', () => {
    const row = vllm.panels.findIndex((p) => p.type === 'row' && p.title === ROW_TITLES.tokens);
    expect(vllm.panels.slice(row + 1, row + 5).map((p) => [p.title, p.gridPos.w])).toEqual([
      [PANEL_TITLES.timeToFirstToken, 6],
      [PANEL_TITLES.interTokenLatency, 6],
      [PANEL_TITLES.kvCacheUsage, 6],
      [PANEL_TITLES.runningWaiting, 6],
    ]);
    const thresholds = dashboardThresholds(vllm);
    expect(thresholds[PANEL_TITLES.timeToFirstToken]).toEqual([1]);
    expect(thresholds[PANEL_TITLES.interTokenLatency]).toEqual([0.05]);
    expect(exprs(vllm, PANEL_TITLES.timeToFirstToken)).toEqual([
      'histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{namespace="pixelated-prod",job="ai-inference-internal"}[$__rate_interval])))',
    ]);
    expect(exprs(vllm, PANEL_TITLES.interTokenLatency)).toEqual([
      'histogram_quantile(0.95, sum by (le) (rate(vllm:inter_token_latency_seconds_bucket{namespace="pixelated-prod",job="ai-inference-internal"}[$__rate_interval])))',
    ]);
    expect(exprs(vllm, PANEL_TITLES.kvCacheUsage)).toEqual(['avg by (pod) (vllm:kv_cache_usage_perc{namespace="pixelated-prod",job="ai-inference-internal"})']);
    expect(exprs(vllm, PANEL_TITLES.runningWaiting)).toEqual([
      'sum(vllm:num_requests_running{namespace="pixelated-prod",job="ai-inference-internal"})',
      'sum(vllm:num_requests_waiting{namespace="pixelated-prod",job="ai-inference-internal"})',
    ]);
  });

  it('draws no objective line without an objective, and no token row for the generic preset', () => {
    const plain = buildDashboard(base);
    expect(dashboardThresholds(plain)[PANEL_TITLES.timeToFirstToken]).toEqual([]);
    expect(seed.panels.map((p) => p.title)).not.toContain(ROW_TITLES.tokens);
  });
});

describe('a server without series of its own (Ollama)', () => {
  const rowsOf = (d: GrafanaDashboardJson) => d.panels.filter((p) => p.type === 'row').map((p) => p.title);

  it('leaves out the service-level and traffic rows instead of drawing them empty', () => {
    expect(rowsOf(seed)).toEqual([ROW_TITLES.serviceLevel, ROW_TITLES.traffic, ROW_TITLES.gpu, ROW_TITLES.capacity]);
    const ollama = buildDashboard({ ...seedInput(), serverSeries: false });
    expect(rowsOf(ollama)).toEqual([ROW_TITLES.gpu, ROW_TITLES.capacity]);
    // Every query left reads DCGM or kube-state-metrics series, none of the preset's.
    for (const q of dashboardQueries(ollama)) expect(q.expr).not.toMatch(/inference_|http_requests_total|vllm:/);
  });
});
