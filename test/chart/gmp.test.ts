import { Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, MonitoringSpec, validateSpec } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { promqlMatchers } from '../../src/constructs/gmp-rules';
import { expectPodMonitoringShape, expectRulesShape } from '../constructs/gmp-fields';
import { checkRules, promtoolSkipped } from '../helpers/promtool';
import { Manifest, errorOf, only } from '../support';

const gmp: MonitoringSpec = { ...(eksNlbSpec.monitoring || {}), backend: 'gmp', operatorSelectorLabels: undefined };
const withGmp = (rest: Partial<AiInferenceSpec> = {}, monitoring: MonitoringSpec = gmp): AiInferenceSpec => ({ ...eksNlbSpec, ...rest, monitoring });
const synthSpec = (spec: AiInferenceSpec, id = 'gke') => {
  const chart = new AiInferenceChart(Testing.app(), id, { spec });
  return { chart, objects: Testing.synth(chart) as Manifest[] };
};
const rules = (objects: Manifest[]) => only(objects, 'Rules').spec.groups.flatMap((g: any) => g.rules);
const jobsIn = (exprs: string[]) => new Set(exprs.flatMap((e) => promqlMatchers(e).filter((m) => m.label === 'job').map((m) => m.value)));
const dashboardQueries = (objects: Manifest[]): string[] => {
  const cm = only(objects, 'ConfigMap', 'ai-inference-dashboard');
  const json = JSON.stringify(JSON.parse(Object.values(cm.data)[0] as string));
  return [...json.matchAll(/"expr":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`));
};

describe('monitoring.backend gmp (Google Cloud Managed Service for Prometheus)', () => {
  it('writes a PodMonitoring and a Rules instead of the ServiceMonitor and the PrometheusRule', () => {
    const { objects } = synthSpec(withGmp());
    expect(objects.filter((o) => o.kind === 'ServiceMonitor' || o.kind === 'PrometheusRule')).toEqual([]);
    const pm = only(objects, 'PodMonitoring', 'ai-inference');
    expectPodMonitoringShape(pm);
    expect(pm.metadata.namespace).toBe('pixelated-prod');
    expect(pm.metadata.labels.release).toBeUndefined();
    expect(pm.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/instance': 'ai-inference' } },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', timeout: '10s' }],
      targetLabels: { metadata: ['container', 'pod'] },
    });
    // The PodMonitoring selects the Deployment's pods.
    const deployment = only(objects, 'Deployment', 'ai-inference');
    for (const [k, v] of Object.entries(pm.spec.selector.matchLabels)) expect(deployment.spec.template.metadata.labels[k]).toBe(v);
    const r = only(objects, 'Rules', 'ai-inference-rules');
    expectRulesShape(r);
    expect(r.metadata.namespace).toBe('pixelated-prod');
  });

  it('holds the same recording rules and alerts as the PrometheusRule of the default backend', () => {
    const gmpRules = rules(synthSpec(withGmp()).objects);
    const po = only(synthSpec(eksNlbSpec).objects, 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules);
    expect(gmpRules.map((x: any) => x.alert ?? x.record)).toEqual(po.map((x: any) => x.alert ?? x.record));
    expect(new Set(gmpRules.filter((x: any) => x.alert).map((x: any) => x.alert)).size).toBe(18);
  });

  it('scopes every query by job = the PodMonitoring\'s name (GMP\'s job label), not the internal Service\'s', () => {
    const { objects } = synthSpec(withGmp());
    expect(jobsIn(rules(objects).map((x: any) => x.expr))).toEqual(new Set(['ai-inference']));
    expect(jobsIn(dashboardQueries(objects))).toEqual(new Set(['ai-inference']));
    // The Prometheus Operator backend keeps the Service's name.
    const po = only(synthSpec(eksNlbSpec).objects, 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules);
    expect(jobsIn(po.map((x: any) => x.expr))).toEqual(new Set(['ai-inference-internal']));
  });

  it('scopes the KEDA triggers by the PodMonitoring\'s job too', () => {
    const spec = withGmp({ scaling: { ...eksNlbSpec.scaling!, backend: 'keda', keda: { serverAddress: 'http://frontend.gmp-system.svc:9090' } } as any });
    const so = only(synthSpec(spec).objects, 'ScaledObject');
    const queries = so.spec.triggers.filter((t: any) => t.type === 'prometheus').map((t: any) => t.metadata.query);
    expect(queries.length).toBeGreaterThan(0);
    const jobs = jobsIn(queries);
    expect([...jobs].every((j) => j === 'ai-inference')).toBe(true);
  });

  it('reads dcgm-exporter series by their own pod and namespace labels, which GMP keeps', () => {
    const gpu = rules(synthSpec(withGmp()).objects).find((x: any) => x.alert === 'InferenceGpuUtilizationHigh');
    expect(gpu.expr).toContain('DCGM_FI_DEV_GPU_UTIL{namespace="pixelated-prod",pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+"}');
    expect(gpu.expr).not.toContain('exported_');
    // The default backend keeps the exported_* labels.
    const po = only(synthSpec(eksNlbSpec).objects, 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules).find((x: any) => x.alert === 'InferenceGpuUtilizationHigh');
    expect(po.expr).toContain('exported_namespace="pixelated-prod"');
  });

  it('admits GMP\'s collector namespaces to the metrics port', () => {
    const np = only(synthSpec(withGmp({ networkPolicy: { ...eksNlbSpec.networkPolicy as object, monitoringNamespace: undefined } as any })).objects, 'NetworkPolicy');
    const metrics = np.spec.ingress.find((r: any) => r.ports.some((p: any) => p.port === 'metrics'));
    expect(metrics.from).toEqual([{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['gmp-system', 'gke-gmp-system'] }] } }]);
    // A monitoring namespace the spec names is admitted beside them.
    const named = only(synthSpec(withGmp()).objects, 'NetworkPolicy').spec.ingress.find((r: any) => r.ports.some((p: any) => p.port === 'metrics'));
    expect(named.from[0].namespaceSelector.matchExpressions[0].values).toEqual(['gmp-system', 'gke-gmp-system', 'monitoring']);
  });

  it('scrapes vLLM on its API port', () => {
    const { metrics: _m, probes, ...rest } = eksNlbSpec;
    const { path: _p, ...probesWithoutPath } = probes!;
    const spec = { ...rest, probes: probesWithoutPath, server: { engine: 'vllm', model: 'meta-llama/Llama-3.1-8B-Instruct' }, monitoring: gmp } as AiInferenceSpec;
    const { objects } = synthSpec(spec);
    expect(only(objects, 'PodMonitoring').spec.endpoints[0].port).toBe('http');
  });

  it('writes no PodMonitoring for Ollama, but keeps the GPU, pod and autoscaler alerts in the Rules', () => {
    const { metrics: _m, probes, ...rest } = eksNlbSpec;
    const { path: _p, ...probesWithoutPath } = probes!;
    const { signals: _s, ...scaling } = eksNlbSpec.scaling!;
    const spec = { ...rest, probes: probesWithoutPath, scaling, server: { engine: 'ollama' }, monitoring: gmp } as AiInferenceSpec;
    const { objects } = synthSpec(spec);
    expect(objects.filter((o) => o.kind === 'PodMonitoring')).toEqual([]);
    const alerts = rules(objects).filter((x: any) => x.alert).map((x: any) => x.alert);
    expect(alerts).toContain('InferencePodNotReady');
    expect(alerts).toContain('InferenceGpuUtilizationHigh');
    expect(alerts).toContain('InferenceHpaScalingStuck');
    expect(alerts).not.toContain('InferenceErrorRateHigh');
    expect(alerts).not.toContain('InferenceLatencyP95SLOBreach');
  });

  it.skipIf(promtoolSkipped())('passes promtool check rules on the Rules groups', () => {
    const { chart } = synthSpec(withGmp());
    const result = checkRules(chart.gmpRules!.ruleFile());
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.ok).toBe(true);
  });

  it('refuses operatorSelectorLabels with gmp, and an unknown backend', () => {
    expect(validateSpec(withGmp({}, { backend: 'gmp', operatorSelectorLabels: { release: 'x' } }))).toContain(
      'monitoring.operatorSelectorLabels (an object) is read by the Prometheus Operator only; with backend \'gmp\' the managed collectors and rule evaluator read every PodMonitoring and Rules, no label selects them; remove operatorSelectorLabels or use backend \'prometheus-operator\'',
    );
    expect(validateSpec(withGmp({}, { backend: 'victoria' as any }))).toContain('monitoring.backend ("victoria") is not a monitoring backend; use one of: prometheus-operator, gmp');
  });

  it('refuses a dcgm namespace label other than namespace with gmp, naming the metrics field', () => {
    const problems = validateSpec(withGmp({ metrics: { preset: 'generic', dcgm: { namespaceLabel: 'exported_namespace' } } }));
    expect(problems).toContain(
      'metrics.dcgm.namespaceLabel ("exported_namespace") cannot work with monitoring.backend \'gmp\': GMP\'s namespaced Rules add namespace="<service namespace>" to every selector, so series that carry the workload\'s namespace in another label are out of reach; leave metrics.dcgm.namespaceLabel out (under gmp it defaults to \'namespace\', the label GMP\'s DCGM ClusterPodMonitoring keeps)',
    );
  });

  it('checks the scrape timing on the PodMonitoring with the spec\'s paths', () => {
    const problems = validateSpec(withGmp({}, { backend: 'gmp', scrapeTimeout: Duration.seconds(40) }));
    expect(errorOf(() => synthSpec(withGmp({}, { backend: 'gmp', scrapeTimeout: Duration.seconds(40) })))).toContain('monitoring.scrapeTimeout (40s) must not exceed');
    expect(problems).toContain(
      'monitoring.scrapeTimeout (40s) must not exceed the scrape interval (30 s), or the PodMonitoring CRD rejects it (timeout <= interval); lower timeout or raise interval',
    );
  });

  it('leaves the default backend\'s output as it was', () => {
    const a = synthSpec(eksNlbSpec).objects;
    const b = synthSpec({ ...eksNlbSpec, monitoring: { ...(eksNlbSpec.monitoring || {}), backend: 'prometheus-operator' } }).objects;
    expect(b).toEqual(a);
  });
});
