import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUNBOOK_BASE_URL, MONITORING_DEFAULTS, resolveMonitoring } from '../../src/spec/monitoring';

describe('resolveMonitoring', () => {
  it('fills every default of the monitoring section when it is absent', () => {
    const m = resolveMonitoring(undefined, 'inference');
    if (m === false) throw new Error('expected monitoring');
    expect(m.operatorSelectorLabels).toEqual({ release: 'kube-prometheus-stack' });
    expect(m.scrapeInterval.toSeconds()).toBe(30);
    expect(m.scrapeTimeout.toSeconds()).toBe(10);
    expect(m.evaluationInterval.toSeconds()).toBe(30);
    expect(m.runbookBaseUrl).toBe(DEFAULT_RUNBOOK_BASE_URL);
    expect(m.alerts).toEqual({});
    expect(m.dashboard).toEqual({ sidecarLabel: { key: 'grafana_dashboard', value: '1' }, folder: undefined, namespace: 'inference' });
  });

  it('puts the dashboard in the service namespace unless one is given', () => {
    const m = resolveMonitoring({ dashboard: { folder: 'Inference' } }, 'inference');
    expect(m && m.dashboard).toEqual({ sidecarLabel: { key: 'grafana_dashboard', value: '1' }, folder: 'Inference', namespace: 'inference' });
    const elsewhere = resolveMonitoring({ dashboard: { namespace: 'monitoring' } }, 'inference');
    expect(elsewhere && elsewhere.dashboard && elsewhere.dashboard.namespace).toBe('monitoring');
  });

  it('keeps every value the user gave', () => {
    const m = resolveMonitoring(
      {
        operatorSelectorLabels: { prometheus: 'platform' },
        scrapeInterval: Duration.seconds(15),
        scrapeTimeout: Duration.seconds(5),
        evaluationInterval: Duration.minutes(1),
        runbookBaseUrl: 'https://runbooks.example.com/inference',
        alerts: { InferencePodNotReady: { enabled: false } },
        dashboard: { sidecarLabel: { key: 'dashboards', value: 'platform' }, folder: 'AI', namespace: 'grafana' },
      },
      'inference',
    );
    if (m === false) throw new Error('expected monitoring');
    expect(m.operatorSelectorLabels).toEqual({ prometheus: 'platform' });
    expect(m.scrapeInterval.toSeconds()).toBe(15);
    expect(m.scrapeTimeout.toSeconds()).toBe(5);
    expect(m.evaluationInterval.toSeconds()).toBe(60);
    expect(m.runbookBaseUrl).toBe('https://runbooks.example.com/inference');
    expect(m.alerts).toEqual({ InferencePodNotReady: { enabled: false } });
    expect(m.dashboard).toEqual({ sidecarLabel: { key: 'dashboards', value: 'platform' }, folder: 'AI', namespace: 'grafana' });
  });

  it('takes the default for a field written as undefined, instead of erasing it', () => {
    const m = resolveMonitoring(
      {
        operatorSelectorLabels: undefined,
        scrapeInterval: undefined,
        scrapeTimeout: undefined,
        evaluationInterval: undefined,
        runbookBaseUrl: undefined,
        alerts: undefined,
        dashboard: { sidecarLabel: undefined, namespace: undefined },
      },
      'inference',
    );
    if (m === false) throw new Error('expected monitoring');
    expect({ ...m, dashboard: undefined }).toEqual({ ...MONITORING_DEFAULTS, dashboard: undefined });
    expect(m.dashboard).toEqual({ sidecarLabel: { key: 'grafana_dashboard', value: '1' }, namespace: 'inference' });
    const noDashboard = resolveMonitoring({ dashboard: undefined }, 'inference');
    expect(noDashboard && noDashboard.dashboard).toMatchObject({ namespace: 'inference' });
  });

  it('keeps monitoring: false and dashboard: false as none', () => {
    expect(resolveMonitoring(false, 'inference')).toBe(false);
    const m = resolveMonitoring({ dashboard: false }, 'inference');
    expect(m && m.dashboard).toBe(false);
  });
});
