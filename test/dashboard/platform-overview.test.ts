import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dashboardQueries, dashboardThresholds, dashboardToJson, GrafanaDashboardJson, GrafanaPanelJson, renderGrafanaVariables } from '../../src/dashboard';
import { refId } from '../../src/dashboard/grafana';
import { deploymentPodRegex } from '../../src/conventions';
import {
  buildPlatformOverview,
  PLATFORM_PANEL_TITLES,
  PLATFORM_ROW_TITLES,
  PlatformOverviewInput,
  PlatformWorkload,
} from '../../src/dashboard/platform-overview';
import { DEFAULT_DCGM, VLLM_PRESET } from '../../src/metrics/presets';
import { findPromqlSyntaxError } from '../../src/metrics/promql';

const NS = 'pixelated-prod';

/** Three workloads of seed 003's kind: the generic GPU service (HPA), a vLLM server (KEDA), a CPU-only embedder without autoscaler. */
function workloads(): PlatformWorkload[] {
  return [
    { release: 'ai-inference', deploymentName: 'ai-inference', hpaName: 'ai-inference-hpa', job: 'ai-inference-internal', preset: 'generic', gpus: true, latencyP95Seconds: 2, maxReplicas: 20 },
    { release: 'llm', deploymentName: 'llm', hpaName: 'keda-hpa-llm', job: 'llm-internal', preset: 'vllm', gpus: true, latencyP95Seconds: 2, maxReplicas: 8 },
    { release: 'embed', deploymentName: 'embed', job: 'embed-internal', preset: 'generic', gpus: false },
  ];
}

function input(overrides: Partial<PlatformOverviewInput> = {}): PlatformOverviewInput {
  return { title: 'AI platform (pixelated-prod)', uid: 'pixelated-prod-platform', namespace: NS, workloads: workloads(), ...overrides };
}

function panel(d: GrafanaDashboardJson, title: string): GrafanaPanelJson {
  const found = d.panels.find((p) => p.title === title);
  if (!found) throw new Error(`no panel "${title}"`);
  return found;
}

function queries(d: GrafanaDashboardJson, title: string) {
  return dashboardQueries(d).filter((q) => q.panel === title);
}

const overview = buildPlatformOverview(input());

describe('buildPlatformOverview: layout', () => {
  it('has the title, uid, default tags and refresh, and the datasource variable', () => {
    expect(overview.title).toBe('AI platform (pixelated-prod)');
    expect(overview.uid).toBe('pixelated-prod-platform');
    expect(overview.schemaVersion).toBe(42);
    expect(overview.tags).toEqual(['cdk8s-ai-inference']);
    expect(overview.refresh).toBe('30s');
    expect(overview.templating.list.map((v) => [v.type, v.name])).toEqual([['datasource', 'datasource']]);
  });

  it('lists the rows Workloads, Traffic, GPU and Quota with one stat per workload', () => {
    expect(overview.panels.map((p) => [p.type, p.title])).toEqual([
      ['row', PLATFORM_ROW_TITLES.workloads],
      ['stat', 'ai-inference'],
      ['stat', 'llm'],
      ['stat', 'embed'],
      ['timeseries', PLATFORM_PANEL_TITLES.replicas],
      ['row', PLATFORM_ROW_TITLES.traffic],
      ['timeseries', PLATFORM_PANEL_TITLES.requestRate],
      ['timeseries', PLATFORM_PANEL_TITLES.latencyP95],
      ['row', PLATFORM_ROW_TITLES.gpu],
      ['timeseries', PLATFORM_PANEL_TITLES.gpuUtilization],
      ['row', PLATFORM_ROW_TITLES.quota],
      ['timeseries', PLATFORM_PANEL_TITLES.quotaGpu],
      ['timeseries', PLATFORM_PANEL_TITLES.quotaCpu],
      ['timeseries', PLATFORM_PANEL_TITLES.quotaMemory],
    ]);
    expect(overview.panels.map((p) => p.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('leaves the GPU row out when no workload has GPUs, and keeps the GPU quota panel', () => {
    const cpuOnly = buildPlatformOverview(input({ workloads: workloads().map((w) => ({ ...w, gpus: false })) }));
    const titles = cpuOnly.panels.map((p) => p.title);
    expect(titles).not.toContain(PLATFORM_ROW_TITLES.gpu);
    expect(titles).not.toContain(PLATFORM_PANEL_TITLES.gpuUtilization);
    expect(dashboardQueries(cpuOnly).some((q) => q.expr.includes('DCGM_'))).toBe(false);
    expect(titles).toContain(PLATFORM_PANEL_TITLES.quotaGpu);
  });

  it('keeps every panel inside the 24 columns', () => {
    for (const { gridPos: g, title } of overview.panels) expect(g.x + g.w, title).toBeLessThanOrEqual(24);
    expect(panel(overview, 'ai-inference').gridPos).toMatchObject({ w: 8, h: 8 });
  });
});

describe('buildPlatformOverview: Workloads row', () => {
  it('shows each workload\'s available replicas beside its autoscaler\'s ceiling', () => {
    expect(queries(overview, 'ai-inference').map((q) => [q.refId, q.expr, q.legend])).toEqual([
      ['A', `max(kube_deployment_status_replicas_available{namespace="${NS}",deployment="ai-inference"})`, 'available'],
      ['B', `max(kube_horizontalpodautoscaler_spec_max_replicas{namespace="${NS}",horizontalpodautoscaler="ai-inference-hpa"})`, 'max'],
    ]);
    expect(queries(overview, 'llm').map((q) => q.expr)[1]).toBe(`max(kube_horizontalpodautoscaler_spec_max_replicas{namespace="${NS}",horizontalpodautoscaler="keda-hpa-llm"})`);
  });

  it('shows the Deployment\'s spec replicas for a workload without an autoscaler', () => {
    expect(queries(overview, 'embed').map((q) => [q.expr, q.legend])).toEqual([
      [`max(kube_deployment_status_replicas_available{namespace="${NS}",deployment="embed"})`, 'available'],
      [`max(kube_deployment_spec_replicas{namespace="${NS}",deployment="embed"})`, 'desired'],
    ]);
  });

  it('colours a stat red with no replica available, green from one, orange at maxReplicas; the ceiling itself stays neutral', () => {
    const thresholds = dashboardThresholds(overview);
    expect(thresholds['ai-inference']).toEqual([1, 20]);
    expect(thresholds.llm).toEqual([1, 8]);
    expect(thresholds.embed).toEqual([1]);
    const stat = panel(overview, 'ai-inference');
    expect(stat.fieldConfig?.defaults.thresholds?.steps.map((s) => s.color)).toEqual(['red', 'green', 'orange']);
    expect(stat.fieldConfig?.overrides).toEqual([
      { matcher: { id: 'byFrameRefID', options: 'B' }, properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: 'text' } }] },
    ]);
    expect(stat.targets?.every((t) => t.instant === true)).toBe(true);
  });

  it('plots available, desired and max replicas per workload, desired and max only where there is an HPA', () => {
    expect(queries(overview, PLATFORM_PANEL_TITLES.replicas).map((q) => [q.legend, q.expr])).toEqual([
      ['ai-inference available', `max(kube_deployment_status_replicas_available{namespace="${NS}",deployment="ai-inference"})`],
      ['ai-inference desired', `max(kube_horizontalpodautoscaler_status_desired_replicas{namespace="${NS}",horizontalpodautoscaler="ai-inference-hpa"})`],
      ['ai-inference max', `max(kube_horizontalpodautoscaler_spec_max_replicas{namespace="${NS}",horizontalpodautoscaler="ai-inference-hpa"})`],
      ['llm available', `max(kube_deployment_status_replicas_available{namespace="${NS}",deployment="llm"})`],
      ['llm desired', `max(kube_horizontalpodautoscaler_status_desired_replicas{namespace="${NS}",horizontalpodautoscaler="keda-hpa-llm"})`],
      ['llm max', `max(kube_horizontalpodautoscaler_spec_max_replicas{namespace="${NS}",horizontalpodautoscaler="keda-hpa-llm"})`],
      ['embed available', `max(kube_deployment_status_replicas_available{namespace="${NS}",deployment="embed"})`],
    ]);
  });
});

describe('buildPlatformOverview: Traffic row', () => {
  it('reads each workload\'s request counter by its namespace and job, with its preset\'s matchers', () => {
    expect(queries(overview, PLATFORM_PANEL_TITLES.requestRate).map((q) => [q.legend, q.expr])).toEqual([
      ['ai-inference', `sum(rate(inference_requests_total{namespace="${NS}",job="ai-inference-internal"}[$__rate_interval]))`],
      ['llm', `sum(rate(http_requests_total{namespace="${NS}",job="llm-internal",handler=~"/v1/.*"}[$__rate_interval]))`],
      ['embed', `sum(rate(inference_requests_total{namespace="${NS}",job="embed-internal"}[$__rate_interval]))`],
    ]);
  });

  it('takes p95 from each workload\'s own latency histogram', () => {
    expect(queries(overview, PLATFORM_PANEL_TITLES.latencyP95).map((q) => [q.legend, q.expr])).toEqual([
      ['ai-inference', `histogram_quantile(0.95, sum by (le) (rate(inference_response_time_seconds_bucket{namespace="${NS}",job="ai-inference-internal"}[$__rate_interval])))`],
      ['llm', `histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{namespace="${NS}",job="llm-internal"}[$__rate_interval])))`],
      ['embed', `histogram_quantile(0.95, sum by (le) (rate(inference_response_time_seconds_bucket{namespace="${NS}",job="embed-internal"}[$__rate_interval])))`],
    ]);
  });

  it('draws the p95 objective as a line when the workloads that state one agree, naming them', () => {
    expect(dashboardThresholds(overview)[PLATFORM_PANEL_TITLES.latencyP95]).toEqual([2]);
    const p95 = panel(overview, PLATFORM_PANEL_TITLES.latencyP95);
    expect(p95.fieldConfig?.defaults.custom?.thresholdsStyle?.mode).toBe('line');
    expect(p95.description).toContain('the line is the p95 objective 2 s of ai-inference, llm');
  });

  it('draws no objective line when the objectives differ, or when none is stated', () => {
    const differ = buildPlatformOverview(input({ workloads: workloads().map((w, i) => ({ ...w, latencyP95Seconds: i === 1 ? 1.5 : w.latencyP95Seconds })) }));
    expect(dashboardThresholds(differ)[PLATFORM_PANEL_TITLES.latencyP95]).toEqual([]);
    expect(panel(differ, PLATFORM_PANEL_TITLES.latencyP95).fieldConfig?.defaults.custom?.thresholdsStyle?.mode).toBe('off');
    expect(panel(differ, PLATFORM_PANEL_TITLES.latencyP95).description).toContain('objectives differ');
    const none = buildPlatformOverview(input({ workloads: workloads().map(({ latencyP95Seconds: _, ...w }) => w) }));
    expect(dashboardThresholds(none)[PLATFORM_PANEL_TITLES.latencyP95]).toEqual([]);
  });

  it('accepts a full preset object as well as a name', () => {
    const custom = { ...VLLM_PRESET, requests: { metric: 'my_requests_total' } };
    const d = buildPlatformOverview(input({ workloads: [{ ...workloads()[1], preset: custom }] }));
    expect(queries(d, PLATFORM_PANEL_TITLES.requestRate)[0].expr).toBe(`sum(rate(my_requests_total{namespace="${NS}",job="llm-internal"}[$__rate_interval]))`);
  });
});

describe('buildPlatformOverview: GPU and Quota rows', () => {
  it('averages dcgm-exporter utilization over the pods of each GPU workload only', () => {
    expect(queries(overview, PLATFORM_PANEL_TITLES.gpuUtilization).map((q) => [q.legend, q.expr])).toEqual([
      ['ai-inference', `avg(DCGM_FI_DEV_GPU_UTIL{exported_namespace="${NS}",exported_pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+"})`],
      ['llm', `avg(DCGM_FI_DEV_GPU_UTIL{exported_namespace="${NS}",exported_pod=~"llm-[a-z0-9]+-[a-z0-9]+"})`],
    ]);
  });

  it('uses the dcgm-exporter names it is given', () => {
    const d = buildPlatformOverview(input({ dcgm: { ...DEFAULT_DCGM, podLabel: 'pod', namespaceLabel: 'namespace', utilizationMetric: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE' } }));
    expect(queries(d, PLATFORM_PANEL_TITLES.gpuUtilization)[0].expr).toBe(`avg(DCGM_FI_PROF_GR_ENGINE_ACTIVE{namespace="${NS}",pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+"})`);
  });

  it('matches a Deployment\'s pods without those of a longer name sharing its prefix', () => {
    const re = (name: string) => new RegExp(`^(?:${deploymentPodRegex(name).replace(/\\\\/g, '\\')})$`);
    expect(re('llm').test('llm-7d9c8b6f5-x2x4z')).toBe(true);
    expect(re('llm').test('llm-small-7d9c8b6f5-x2x4z')).toBe(false);
    expect(re('llm.v2').test('llm.v2-7d9c8b6f5-x2x4z')).toBe(true);
    expect(re('llm.v2').test('llmXv2-7d9c8b6f5-x2x4z')).toBe(false);
    // Past 46 characters the generated pod name may cut the hash: the surviving prefix is matched.
    expect(deploymentPodRegex('a'.repeat(50))).toBe(`${'a'.repeat(50)}-.*`);
    expect(deploymentPodRegex('a'.repeat(60))).toBe(`${'a'.repeat(58)}.*`);
  });

  it('shows ResourceQuota used and hard per quota for GPU, CPU and memory requests', () => {
    const q = (resource: string, type: string) => `max by (resourcequota) (kube_resourcequota{namespace="${NS}",resource="${resource}",type="${type}"})`;
    const rows: Array<[string, string, string]> = [
      [PLATFORM_PANEL_TITLES.quotaGpu, 'requests.nvidia.com/gpu', 'short'],
      [PLATFORM_PANEL_TITLES.quotaCpu, 'requests.cpu', 'short'],
      [PLATFORM_PANEL_TITLES.quotaMemory, 'requests.memory', 'bytes'],
    ];
    for (const [title, resource, unit] of rows) {
      expect(queries(overview, title).map((x) => [x.expr, x.legend])).toEqual([
        [q(resource, 'used'), '{{resourcequota}} used'],
        [q(resource, 'hard'), '{{resourcequota}} hard'],
      ]);
      expect(panel(overview, title).fieldConfig?.defaults.unit).toBe(unit);
    }
  });

  it('reads the GPU quota under the MIG resource name it is given', () => {
    const d = buildPlatformOverview(input({ gpuResourceName: 'nvidia.com/mig-1g.5gb' }));
    expect(queries(d, PLATFORM_PANEL_TITLES.quotaGpu)[0].expr).toContain('resource="requests.nvidia.com/mig-1g.5gb"');
  });
});

describe('buildPlatformOverview: queries and output', () => {
  it('writes only queries that parse as PromQL, each carrying the namespace', () => {
    const all = dashboardQueries(overview);
    expect(all).toHaveLength(2 * 3 + 7 + 3 + 3 + 2 + 6);
    for (const q of all) {
      expect(findPromqlSyntaxError(renderGrafanaVariables(q.expr)), `${q.panel} ${q.refId}: ${q.expr}`).toBeUndefined();
      expect(q.expr).toMatch(new RegExp(`namespace="${NS}"`));
    }
  });

  it('is deterministic: the same input gives the same JSON', () => {
    expect(dashboardToJson(buildPlatformOverview(input()))).toBe(dashboardToJson(buildPlatformOverview(input())));
    expect(JSON.stringify(buildPlatformOverview(input()))).toBe(JSON.stringify(overview));
  });

  it('numbers query refIds past Z as AA, AB, ...', () => {
    expect([0, 25, 26, 27, 51, 52, 701, 702].map(refId)).toEqual(['A', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
    const many = Array.from({ length: 12 }, (_, i) => ({ ...workloads()[0], release: `w${i}`, deploymentName: `w${i}`, hpaName: `w${i}-hpa` }));
    const refIds = queries(buildPlatformOverview(input({ workloads: many })), PLATFORM_PANEL_TITLES.replicas).map((q) => q.refId);
    expect(refIds).toHaveLength(36);
    expect(new Set(refIds).size).toBe(36);
    expect(refIds.slice(24, 28)).toEqual(['Y', 'Z', 'AA', 'AB']);
  });
});

describe('buildPlatformOverview: validation', () => {
  const cases: Array<[string, Partial<PlatformOverviewInput>, string]> = [
    ['a Deployment name that is no DNS name', { workloads: [workloads()[0], { ...workloads()[1], deploymentName: 'LLM_Server' }] }, 'dashboard.workloads[1].deploymentName ("LLM_Server") must be an RFC 1123 subdomain'],
    ['a job with a quote', { workloads: [{ ...workloads()[0], job: 'a"b' }] }, 'dashboard.workloads[0].job ("a\\"b") must not contain quotes, backslashes or newlines (it is embedded in PromQL); fix the name'],
    ['a release that is no RFC 1035 label', { workloads: [{ ...workloads()[0], release: '9inference' }] }, 'dashboard.workloads[0].release ("9inference") must be an RFC 1035 label'],
    ['an HPA name with a space', { workloads: [{ ...workloads()[0], hpaName: 'my hpa' }] }, 'dashboard.workloads[0].hpaName ("my hpa") must be an RFC 1123 subdomain'],
    ['an unknown preset', { workloads: [{ ...workloads()[0], preset: 'triton' as never }] }, 'dashboard.workloads[0].preset ("triton") must be "generic", "vllm" or a MetricPreset object; pick a preset'],
    ['a GPU flag that is not a boolean', { workloads: [{ ...workloads()[0], gpus: 'yes' as never }] }, 'dashboard.workloads[0].gpus ("yes") must be true or false (whether the pods have GPUs); set it'],
    ['a zero latency objective', { workloads: [{ ...workloads()[0], latencyP95Seconds: 0 }] }, 'dashboard.workloads[0].latencyP95Seconds (0) must be above 0 (seconds); set a positive value'],
    ['a fractional maxReplicas', { workloads: [{ ...workloads()[0], maxReplicas: 2.5 }] }, 'dashboard.workloads[0].maxReplicas (2.5) must be a whole number (replicas); round it'],
    ['a repeated release', { workloads: [workloads()[0], { ...workloads()[1], release: 'ai-inference' }] }, 'dashboard.workloads[1].release ("ai-inference") repeats workloads[0].release: each workload is listed once; remove the duplicate or rename it'],
    ['a repeated Deployment', { workloads: [workloads()[0], { ...workloads()[1], deploymentName: 'ai-inference' }] }, 'dashboard.workloads[1].deploymentName ("ai-inference") repeats workloads[0].deploymentName'],
    ['no workloads', { workloads: [] }, "dashboard.workloads (an empty list) must list at least one workload; add the platform's workloads"],
    ['a bad namespace', { namespace: 'Pixelated' }, 'dashboard.namespace ("Pixelated") must be an RFC 1123 label'],
    ['a bad uid', { uid: 'a/b' }, 'dashboard.uid ("a/b") must be 1-40 letters, digits, "-" or "_" (Grafana uid)'],
    ['a bad refresh', { refresh: 'often' }, 'dashboard.refresh ("often") must be a Grafana interval like "30s" or "1m"; fix the value'],
    ['a GPU resource with the requests. prefix', { gpuResourceName: 'requests.nvidia.com/gpu' }, 'dashboard.gpuResourceName ("requests.nvidia.com/gpu") must be the resource name without "requests." (the quota key adds it); e.g. nvidia.com/gpu'],
    ['an unknown workload field', { workloads: [{ ...workloads()[0], hpaNam: 'x' } as never] }, 'dashboard.workloads[0].hpaNam is not a field; did you mean dashboard.workloads[0].hpaName?'],
    ['a GPU resource that is no extended resource name', { gpuResourceName: 'gpu' }, 'dashboard.gpuResourceName ("gpu") must be an extended resource name such as nvidia.com/gpu (a domain, "/", a name); fix the name'],
    ['an unknown top-level field', { namespaces: ['a'] } as never, 'dashboard.namespaces is not a field; did you mean dashboard.namespace?'],
  ];
  it.each(cases)('refuses %s with the field path, the value and the fix', (_name, overrides, message) => {
    expect(() => buildPlatformOverview(input(overrides))).toThrow(message);
  });
});

describe('buildPlatformOverview: property', () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,8})?$/);
  const workload = (release: string): fc.Arbitrary<PlatformWorkload> =>
    fc.record(
      {
        release: fc.constant(release),
        deploymentName: fc.constant(release),
        hpaName: fc.option(fc.constantFrom(`${release}-hpa`, `keda-hpa-${release}`), { nil: undefined }),
        job: fc.constantFrom(`${release}-internal`, 'kubernetes-pods', 'job with spaces'),
        preset: fc.constantFrom('generic' as const, 'vllm' as const),
        gpus: fc.boolean(),
        latencyP95Seconds: fc.option(fc.constantFrom(0.5, 1, 2, 2.5), { nil: undefined }),
        maxReplicas: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
      },
      { requiredKeys: ['release', 'deploymentName', 'job', 'preset', 'gpus'] },
    );
  const workloadList = fc.uniqueArray(name, { minLength: 1, maxLength: 12 }).chain((releases) => fc.tuple(...releases.map(workload)));

  it('gives every panel a unique id and writes only queries that parse, for any list of workloads', () => {
    fc.assert(
      fc.property(workloadList, (list) => {
        const d = buildPlatformOverview(input({ workloads: list }));
        const ids = d.panels.map((p) => p.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const q of dashboardQueries(d)) expect(findPromqlSyntaxError(renderGrafanaVariables(q.expr)), q.expr).toBeUndefined();
        expect(d.panels.filter((p) => p.type === 'stat')).toHaveLength(list.length);
        expect(d.panels.some((p) => p.title === PLATFORM_ROW_TITLES.gpu)).toBe(list.some((w) => w.gpus));
        for (const p of d.panels) {
          const refIds = (p.targets ?? []).map((t) => t.refId);
          expect(new Set(refIds).size).toBe(refIds.length);
        }
      }),
      { numRuns: 60 },
    );
  });
});
