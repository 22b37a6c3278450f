import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { PlatformOverviewDashboard, PlatformOverviewDashboardProps } from '../../src/constructs/platform-dashboard';
import { dashboardToJson } from '../../src/dashboard';
import { buildPlatformOverview, PLATFORM_PANEL_TITLES, PlatformOverviewInput } from '../../src/dashboard/platform-overview';
import { expectValidManifests } from '../helpers/k8s-schema';

function overview(): PlatformOverviewInput {
  return {
    title: 'AI platform (pixelated-prod)',
    uid: 'pixelated-prod-platform',
    namespace: 'pixelated-prod',
    workloads: [
      { release: 'ai-inference', deploymentName: 'ai-inference', hpaName: 'ai-inference-hpa', job: 'ai-inference-internal', preset: 'generic', gpus: true, latencyP95Seconds: 2, maxReplicas: 20 },
      { release: 'llm', deploymentName: 'llm', hpaName: 'keda-hpa-llm', job: 'llm-internal', preset: 'vllm', gpus: true, maxReplicas: 8 },
    ],
  };
}

function props(overrides: Partial<PlatformOverviewDashboardProps> = {}): PlatformOverviewDashboardProps {
  return {
    name: 'platform-overview-dashboard',
    namespace: 'monitoring',
    dashboard: overview(),
    labels: { 'app.kubernetes.io/part-of': 'ai-platform', 'app.kubernetes.io/managed-by': 'cdk8s-ai-inference' },
    ...overrides,
  };
}

function synth(overrides: Partial<PlatformOverviewDashboardProps> = {}) {
  const chart = new Chart(Testing.app(), 'test');
  new PlatformOverviewDashboard(chart, 'overview', props(overrides));
  const objects = Testing.synth(chart);
  expect(objects).toHaveLength(1);
  return objects[0];
}

describe('PlatformOverviewDashboard', () => {
  it('writes a valid v1 ConfigMap with its name, namespace, labels and the sidecar label', () => {
    const cm = synth();
    expectValidManifests([cm]);
    expect(cm.apiVersion).toBe('v1');
    expect(cm.kind).toBe('ConfigMap');
    expect(cm.metadata.name).toBe('platform-overview-dashboard');
    expect(cm.metadata.namespace).toBe('monitoring');
    expect(cm.metadata.labels).toEqual({
      'app.kubernetes.io/part-of': 'ai-platform',
      'app.kubernetes.io/managed-by': 'cdk8s-ai-inference',
      grafana_dashboard: '1',
    });
    expect(cm.metadata.annotations).toBeUndefined();
  });

  it('holds the overview JSON under <uid>.json, keys sorted, as buildPlatformOverview writes it', () => {
    const cm = synth();
    expect(Object.keys(cm.data)).toEqual(['pixelated-prod-platform.json']);
    const text: string = cm.data['pixelated-prod-platform.json'];
    expect(text).toBe(dashboardToJson(buildPlatformOverview(overview())));
    const dashboard = JSON.parse(text);
    expect(dashboard.uid).toBe('pixelated-prod-platform');
    expect(dashboard.panels.map((p: { title: string }) => p.title)).toContain(PLATFORM_PANEL_TITLES.quotaGpu);
  });

  it('synthesizes byte-identical output for the same props', () => {
    expect(JSON.stringify(synth())).toBe(JSON.stringify(synth()));
  });

  it('uses the sidecar label and the folder annotation it is given, like GrafanaDashboard', () => {
    const cm = synth({ sidecarLabel: { key: 'grafana.com/dashboard', value: 'platform' }, folder: 'AI Platform' });
    expect(cm.metadata.labels['grafana.com/dashboard']).toBe('platform');
    expect(cm.metadata.labels).not.toHaveProperty('grafana_dashboard');
    expect(cm.metadata.annotations).toEqual({ grafana_folder: 'AI Platform' });
    expect(synth({ folder: 'AI', folderAnnotation: 'k8s-sidecar-target-directory' }).metadata.annotations).toEqual({ 'k8s-sidecar-target-directory': 'AI' });
  });

  it('exposes the dashboard, its file name and its JSON', () => {
    const chart = new Chart(Testing.app(), 'test');
    const d = new PlatformOverviewDashboard(chart, 'overview', props());
    expect(d.fileName).toBe('pixelated-prod-platform.json');
    expect(d.dashboard.uid).toBe('pixelated-prod-platform');
    expect(d.json).toBe(dashboardToJson(d.dashboard));
    expect(d.configMap.name).toBe('platform-overview-dashboard');
  });

  const cases: Array<[string, Partial<PlatformOverviewDashboardProps>, string]> = [
    ['an invalid ConfigMap name', { name: 'Platform_Dashboard' }, 'name ("Platform_Dashboard") must be an RFC 1123 subdomain'],
    ['an invalid namespace', { namespace: 'Monitoring' }, 'namespace ("Monitoring") must be an RFC 1123 label'],
    ['a label that contradicts the sidecar label', { labels: { grafana_dashboard: '0' } }, 'labels.grafana_dashboard ("0") conflicts with the sidecar label grafana_dashboard=1'],
    ['a missing overview', { dashboard: undefined as never }, 'dashboard (not set) must be a PlatformOverviewInput object; pass the overview description'],
    ['an invalid overview', { dashboard: { ...overview(), workloads: [{ ...overview().workloads[0], deploymentName: 'AI' }] } }, 'dashboard.workloads[0].deploymentName ("AI") must be an RFC 1123 subdomain'],
  ];
  it.each(cases)('rejects %s with a message naming the field, the value and the fix', (_name, overrides, message) => {
    expect(() => synth(overrides)).toThrow(message);
  });

  it('does not load the Grafana Foundation SDK until an overview is built', () => {
    const script = [
      "const loaded = () => Object.keys(require.cache).filter((f) => f.includes('grafana-foundation-sdk')).length;",
      "require('./src/constructs/platform-dashboard'); require('./src/dashboard/platform-overview');",
      'const before = loaded();',
      "const { buildPlatformOverview } = require('./src/dashboard/platform-overview');",
      `buildPlatformOverview(${JSON.stringify(overview())});`,
      'console.log(JSON.stringify([before, loaded()]));',
    ].join('\n');
    const result = spawnSync(process.execPath, ['--disable-warning=AI_INFERENCE', '--require', 'tsx/cjs', '-e', script], { cwd: join(__dirname, '..', '..'), encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const [before, after] = JSON.parse(result.stdout.trim().split('\n').pop()!) as number[];
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(0);
  });
});
