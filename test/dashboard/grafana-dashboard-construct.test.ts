import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { GrafanaDashboard, GrafanaDashboardProps } from '../../src/constructs/grafana-dashboard';
import { buildDashboard, dashboardThresholds, dashboardToJson, PANEL_TITLES } from '../../src/dashboard';
import { seedInput } from './fixtures';

function props(overrides: Partial<GrafanaDashboardProps> = {}): GrafanaDashboardProps {
  return {
    name: 'ai-inference-dashboard',
    namespace: 'pixelated-prod',
    dashboard: seedInput(),
    labels: { 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/instance': 'ai-inference' },
    ...overrides,
  };
}

function synth(overrides: Partial<GrafanaDashboardProps> = {}) {
  const chart = new Chart(Testing.app(), 'test');
  new GrafanaDashboard(chart, 'dashboard', props(overrides));
  const objects = Testing.synth(chart);
  expect(objects).toHaveLength(1);
  return objects[0];
}

describe('GrafanaDashboard', () => {
  it('writes a ConfigMap with its name, namespace, labels and the sidecar label', () => {
    const cm = synth();
    expect(cm.apiVersion).toBe('v1');
    expect(cm.kind).toBe('ConfigMap');
    expect(cm.metadata.name).toBe('ai-inference-dashboard');
    expect(cm.metadata.namespace).toBe('pixelated-prod');
    expect(cm.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'ai-inference',
      'app.kubernetes.io/instance': 'ai-inference',
      grafana_dashboard: '1',
    });
    expect(cm.metadata.annotations).toBeUndefined();
  });

  it('holds the dashboard JSON under <uid>.json, keys sorted', () => {
    const cm = synth();
    expect(Object.keys(cm.data)).toEqual(['pixelated-prod-ai-inference.json']);
    const text: string = cm.data['pixelated-prod-ai-inference.json'];
    expect(text).toBe(dashboardToJson(buildDashboard(seedInput())));
    const dashboard = JSON.parse(text);
    expect(dashboard.uid).toBe('pixelated-prod-ai-inference');
    expect(dashboard.title).toBe('AI inference (pixelated-prod)');
    expect(dashboard.templating.list[0]).toMatchObject({ type: 'datasource', name: 'datasource' });
    expect(dashboardThresholds(dashboard)[PANEL_TITLES.latency]).toEqual([2, 3]);
  });

  it('synthesizes byte-identical output for the same props', () => {
    expect(JSON.stringify(synth())).toBe(JSON.stringify(synth()));
  });

  it('moves the latency threshold in the ConfigMap when the p95 objective changes', () => {
    const cm = synth({ dashboard: seedInput({ slo: { ...seedInput().slo, latencyP95Seconds: 1.5 } }) });
    const dashboard = JSON.parse(cm.data['pixelated-prod-ai-inference.json']);
    expect(dashboardThresholds(dashboard)[PANEL_TITLES.latency]).toEqual([1.5, 3]);
  });

  it('uses the sidecar label it is given', () => {
    const cm = synth({ sidecarLabel: { key: 'grafana.com/dashboard', value: 'inference' } });
    expect(cm.metadata.labels['grafana.com/dashboard']).toBe('inference');
    expect(cm.metadata.labels).not.toHaveProperty('grafana_dashboard');
  });

  it('files the dashboard in a folder through the grafana_folder annotation, or the one configured', () => {
    expect(synth({ folder: 'AI Inference' }).metadata.annotations).toEqual({ grafana_folder: 'AI Inference' });
    expect(synth({ folder: 'AI', folderAnnotation: 'k8s-sidecar-target-directory' }).metadata.annotations).toEqual({
      'k8s-sidecar-target-directory': 'AI',
    });
  });

  it('exposes the dashboard, its file name and its JSON', () => {
    const chart = new Chart(Testing.app(), 'test');
    const d = new GrafanaDashboard(chart, 'dashboard', props());
    expect(d.fileName).toBe('pixelated-prod-ai-inference.json');
    expect(d.dashboard.uid).toBe('pixelated-prod-ai-inference');
    expect(d.json).toBe(dashboardToJson(d.dashboard));
    expect(d.configMap.name).toBe('ai-inference-dashboard');
  });

  const cases: Array<[string, Partial<GrafanaDashboardProps>, string]> = [
    ['an invalid ConfigMap name', { name: 'AI_Dashboard' }, 'name ("AI_Dashboard") must be an RFC 1123 subdomain'],
    ['an invalid namespace', { namespace: 'Pixelated' }, 'namespace ("Pixelated") must be an RFC 1123 label'],
    ['a label value with a space', { labels: { team: 'ml ops' } }, 'labels.team ("ml ops") must be a Kubernetes label value'],
    ['a label key with a space', { labels: { 'my team': 'ml' } }, 'labels.my team ("ml") must be a Kubernetes label/annotation key'],
    ['a label that contradicts the sidecar label', { labels: { grafana_dashboard: '0' } }, 'labels.grafana_dashboard ("0") conflicts with the sidecar label grafana_dashboard=1; set it through sidecarLabel or remove it from labels'],
    ['an invalid sidecar label key', { sidecarLabel: { key: '-dash', value: '1' } }, 'sidecarLabel.key ("-dash") must be a Kubernetes label/annotation key'],
    ['an empty folder', { folder: '' }, 'folder ("") must not be empty; omit it for the default folder'],
    ['an invalid folder annotation key', { folder: 'AI', folderAnnotation: 'a b' }, 'folderAnnotation ("a b") must be a Kubernetes label/annotation key'],
    ['an invalid dashboard input', { dashboard: seedInput({ maxReplicas: 2 }) }, 'dashboard.maxReplicas (2) must not be below minReplicas (3)'],
  ];
  it.each(cases)('rejects %s with a message naming the field, the value and the fix', (_name, overrides, message) => {
    expect(() => synth(overrides)).toThrow(message);
  });

  it('accepts the sidecar label repeated in labels with the same value', () => {
    expect(synth({ labels: { grafana_dashboard: '1' } }).metadata.labels).toEqual({ grafana_dashboard: '1' });
  });
});
