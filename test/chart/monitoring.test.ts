import { Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, MonitoringSpec, PANEL_TITLES, dashboardThresholds } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { errorOf, only } from '../support';

const synthSpec = (spec: AiInferenceSpec) => Testing.synth(new AiInferenceChart(Testing.app(), 'eks-nlb', { spec }));
const withMonitoring = (monitoring: MonitoringSpec | false, rest: Partial<AiInferenceSpec> = {}) => ({ ...eksNlbSpec, ...rest, monitoring });
const alertRule = (objects: any[], name: string) =>
  only(objects, 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules).find((r: any) => r.alert === name);
const dashboardJson = (objects: any[]) => {
  const cm = only(objects, 'ConfigMap', 'ai-inference-dashboard');
  return JSON.parse(Object.values(cm.data)[0] as string);
};

describe('AiInferenceChart monitoring', () => {
  it('scrapes the internal Service once, on the named metrics port, for kube-prometheus-stack', () => {
    const objects = synthSpec(eksNlbSpec);
    const sm = only(objects, 'ServiceMonitor', 'ai-inference-monitor');
    expect(sm.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['pixelated-prod'] });
    expect(sm.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
    // Exactly one Service matches the selector: the internal one.
    const matching = objects
      .filter((o) => o.kind === 'Service')
      .filter((svc) => Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => svc.metadata.labels[k] === v));
    expect(matching.map((s) => s.metadata.name)).toEqual(['ai-inference-internal']);
  });

  it('labels the PrometheusRule for the operator and emits the 18 alerts of the catalogue', () => {
    const rule = only(synthSpec(eksNlbSpec), 'PrometheusRule', 'ai-inference-rules');
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
    const alerts = new Set(rule.spec.groups.flatMap((g: any) => g.rules).filter((r: any) => r.alert).map((r: any) => r.alert));
    expect(alerts.size).toBe(18);
  });

  it('moves the p95 alert, the dashboard line and the autoscaler check together with the SLO p95', () => {
    const base = synthSpec(eksNlbSpec);
    expect(alertRule(base, 'InferenceLatencyP95SLOBreach').expr).toMatch(/\) > 2$/);
    expect(dashboardThresholds(dashboardJson(base) as any)[PANEL_TITLES.latency]).toContain(2);

    const slo = { ...eksNlbSpec.slo, latencyP95: Duration.millis(2500) };
    const moved = synthSpec({ ...eksNlbSpec, slo });
    expect(alertRule(moved, 'InferenceLatencyP95SLOBreach').expr).toMatch(/\) > 2\.5$/);
    expect(dashboardThresholds(dashboardJson(moved) as any)[PANEL_TITLES.latency]).toContain(2.5);

    // The same change, lowered under the autoscaler's 1.5 s target, fails the HPA check.
    const tooLow = { ...eksNlbSpec.slo, latencyP95: Duration.millis(1200) };
    expect(errorOf(() => synthSpec({ ...eksNlbSpec, slo: tooLow }))).toContain('scaling.signals.latencyP95.value (1.5) must be below slo.latencyP95 (1s200ms)');
  });

  it('points the autoscaler alerts at the HPA KEDA creates with the keda backend', () => {
    const objects = synthSpec({
      ...eksNlbSpec,
      scaling: { ...eksNlbSpec.scaling, backend: 'keda', keda: { serverAddress: 'http://prometheus.monitoring.svc:9090' } },
    });
    expect(alertRule(objects, 'InferenceHpaAtMaxReplicas').expr).toContain('horizontalpodautoscaler="keda-hpa-ai-inference-scaler"');
  });

  it('leaves out the autoscaler alerts without an autoscaler, and InferenceGpuUnderutilized (always at its replica count)', () => {
    const objects = synthSpec({ ...eksNlbSpec, scaling: undefined, replicas: 3 });
    expect(alertRule(objects, 'InferenceHpaAtMaxReplicas')).toBeUndefined();
    expect(alertRule(objects, 'InferenceHpaScalingStuck')).toBeUndefined();
    expect(alertRule(objects, 'InferenceGpuUnderutilized')).toBeUndefined();
    expect(alertRule(objects, 'InferencePodNotReady')).toBeDefined();
  });

  it('gives InferencePodNotReady the startup grace of probes.startupBudget + 5m, and InferenceGpuUnderutilized the minReplicas', () => {
    const base = synthSpec(eksNlbSpec);
    expect(alertRule(base, 'InferencePodNotReady').expr).toMatch(/\n\) > 600\nand on \(namespace, pod\)/);
    expect(alertRule(base, 'InferenceGpuUnderutilized').expr).toMatch(/\) > 3$/);
    const slow = synthSpec({ ...eksNlbSpec, probes: { ...eksNlbSpec.probes, startupBudget: Duration.minutes(15) }, scaling: { ...eksNlbSpec.scaling!, minReplicas: 4 } });
    expect(alertRule(slow, 'InferencePodNotReady').expr).toMatch(/\n\) > 1200\nand on \(namespace, pod\)/);
    expect(alertRule(slow, 'InferenceHpaScalingStuck').for).toBe('20m');
    expect(alertRule(slow, 'InferenceGpuUnderutilized').expr).toMatch(/\) > 4$/);
  });

  it('leaves out the at-max and underutilized alerts with pinnedReplicas (minReplicas = maxReplicas)', () => {
    const { minReplicas, maxReplicas, ...scaling } = eksNlbSpec.scaling!;
    void minReplicas;
    void maxReplicas;
    const objects = synthSpec({ ...eksNlbSpec, scaling: { ...scaling, pinnedReplicas: 20 } as AiInferenceSpec['scaling'] });
    expect(alertRule(objects, 'InferenceHpaAtMaxReplicas')).toBeUndefined();
    expect(alertRule(objects, 'InferenceGpuUnderutilized')).toBeUndefined();
    expect(alertRule(objects, 'InferenceHpaScalingStuck')).toBeDefined();
  });

  it.each(['InferencePodNotReady', 'InferenceModelLoadFailed', 'InferenceHpaAtMaxReplicas', 'InferenceHpaScalingStuck'] as const)(
    'turns off %s, which overlaps a kube-prometheus-stack default alert, with monitoring.alerts.<name>.enabled: false',
    (name) => {
      const objects = synthSpec(withMonitoring({ alerts: { [name]: { enabled: false } } }));
      const alerts = only(objects, 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules).filter((r: any) => r.alert);
      expect(alerts.filter((r: any) => r.alert === name)).toEqual([]);
      expect(new Set(alerts.map((r: any) => r.alert)).size).toBe(17);
    },
  );

  it('applies per-alert overrides and the runbook URL', () => {
    const objects = synthSpec(
      withMonitoring({
        runbookBaseUrl: 'https://runbooks.example.com/ai',
        alerts: { InferenceCacheHitRateLow: { enabled: false }, InferenceGpuUtilizationHigh: { threshold: 90, for: Duration.minutes(20) } },
      }),
    );
    expect(alertRule(objects, 'InferenceCacheHitRateLow')).toBeUndefined();
    const gpu = alertRule(objects, 'InferenceGpuUtilizationHigh');
    expect(gpu.expr).toMatch(/> 90$/);
    expect(gpu.for).toBe('20m');
    expect(gpu.annotations.runbook_url).toBe('https://runbooks.example.com/ai#inferencegpuutilizationhigh');
  });

  it('names the spec field of a bad monitoring value', () => {
    expect(errorOf(() => synthSpec(withMonitoring({ alerts: { InferenceTypo: { enabled: false } } as any })))).toContain('monitoring.alerts');
    expect(errorOf(() => synthSpec(withMonitoring({ alerts: { InferenceTypo: { enabled: false } } as any })))).toContain('InferenceTypo');
    expect(errorOf(() => synthSpec(withMonitoring({ scrapeInterval: Duration.seconds(10), scrapeTimeout: Duration.seconds(15) })))).toContain(
      'monitoring.scrapeTimeout (15s)',
    );
  });

  it('emits no monitoring objects when monitoring is false, and no dashboard when only it is off', () => {
    const kinds = (objs: any[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`);
    const none = kinds(synthSpec(withMonitoring(false)));
    expect(none.filter((k) => /ServiceMonitor|PrometheusRule|dashboard/.test(k))).toEqual([]);
    const noDashboard = kinds(synthSpec(withMonitoring({ dashboard: false })));
    expect(noDashboard).toContain('PrometheusRule/ai-inference-rules');
    expect(noDashboard).not.toContain('ConfigMap/ai-inference-dashboard');
  });

  it('labels the dashboard ConfigMap for the Grafana sidecar', () => {
    const cm = only(synthSpec(eksNlbSpec), 'ConfigMap', 'ai-inference-dashboard');
    expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    expect(Object.keys(cm.data)).toEqual(['pixelated-prod-ai-inference.json']);
    expect(cm.metadata.namespace).toBe('pixelated-prod');
  });

  it('puts the dashboard in Grafana\'s namespace when asked, since the sidecar reads only its own by default', () => {
    const cm = only(synthSpec(withMonitoring({ dashboard: { namespace: 'monitoring', folder: 'Inference' } })), 'ConfigMap', 'ai-inference-dashboard');
    expect(cm.metadata.namespace).toBe('monitoring');
    expect(cm.metadata.annotations).toEqual({ grafana_folder: 'Inference' });
  });
});
