import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { InferenceServiceMonitor, InferenceServiceMonitorProps } from '../../src/constructs/service-monitor';
import { errorOf, only, synth } from '../support';
import { SEED_WORKLOAD } from './workloads';

const SERVICE_LABELS = {
  'app.kubernetes.io/name': 'ai-inference',
  'app.kubernetes.io/instance': 'ai-inference',
  'ai-inference.cdk8s.io/service-role': 'internal',
};

function seedProps(changes: Partial<InferenceServiceMonitorProps> = {}): InferenceServiceMonitorProps {
  return { name: 'ai-inference-monitor', namespace: 'pixelated-prod', workload: SEED_WORKLOAD, ...changes };
}

function monitorOf(changes: Partial<InferenceServiceMonitorProps> = {}) {
  return only(synth((chart) => new InferenceServiceMonitor(chart, 'Monitor', seedProps(changes))), 'ServiceMonitor');
}

describe('InferenceServiceMonitor', () => {
  it('scrapes the internal Service on its metrics port at /metrics every 30s with a 10s timeout', () => {
    const m = monitorOf();
    expect(m.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(m.metadata).toEqual({ name: 'ai-inference-monitor', namespace: 'pixelated-prod', labels: { release: 'kube-prometheus-stack' } });
    expect(m.spec).toEqual({
      selector: { matchLabels: SERVICE_LABELS },
      namespaceSelector: { matchNames: ['pixelated-prod'] },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
    });
  });

  it('takes the interval, timeout, port, path and Service namespace from its props', () => {
    const workload = { ...SEED_WORKLOAD, namespace: undefined, ports: { http: 8000, prom: 9102 } };
    const m = monitorOf({ workload, interval: Duration.seconds(15), scrapeTimeout: Duration.seconds(15), port: 'prom', path: '/stats/prometheus', serviceNamespace: 'inference' });
    expect(m.spec.endpoints).toEqual([{ port: 'prom', path: '/stats/prometheus', interval: '15s', scrapeTimeout: '15s' }]);
    expect(m.spec.namespaceSelector).toEqual({ matchNames: ['inference'] });
  });

  it('looks for the Service in the workload\'s namespace when it lives in another one', () => {
    expect(monitorOf({ namespace: 'monitoring' }).spec.namespaceSelector).toEqual({ matchNames: ['pixelated-prod'] });
  });

  it('rejects a port the workload does not have, and a Service namespace other than the workload\'s', () => {
    const workload = { ...SEED_WORKLOAD, name: 'web', ports: { web: 8080 } };
    expect(errorOf(() => monitorOf({ workload }))).toContain(
      'port ("metrics" by default) names no container port of workload "web" (its named ports: web); the internal Service has no such port, so nothing is scraped; use one of them, or add a container port named "metrics"',
    );
    expect(errorOf(() => monitorOf({ serviceNamespace: 'inference' }))).toContain(
      'serviceNamespace ("inference") differs from the namespace of workload "ai-inference" ("pixelated-prod")',
    );
  });

  it('writes a 2 minute interval as a Prometheus duration', () => {
    expect(monitorOf({ interval: Duration.minutes(2), scrapeTimeout: Duration.seconds(90) }).spec.endpoints[0]).toMatchObject({ interval: '2m', scrapeTimeout: '1m30s' });
  });

  it('labels itself for the operator selector it is given, beside its own labels', () => {
    const m = monitorOf({ operatorSelectorLabels: { prometheus: 'platform' }, labels: { 'app.kubernetes.io/component': 'monitoring' } });
    expect(m.metadata.labels).toEqual({ prometheus: 'platform', 'app.kubernetes.io/component': 'monitoring' });
  });

  it('rejects a scrape timeout longer than the interval', () => {
    expect(errorOf(() => monitorOf({ interval: Duration.seconds(10), scrapeTimeout: Duration.seconds(15) }))).toContain(
      'scrapeTimeout (15s) must not exceed the scrape interval (10 s), or Prometheus rejects the scrape config; lower scrapeTimeout or raise interval',
    );
  });

  it('rejects the default 10s timeout with a 5s interval', () => {
    expect(errorOf(() => monitorOf({ interval: Duration.seconds(5) }))).toContain(
      'interval (5s) must not be below the default scrape timeout (10 s), or Prometheus rejects the scrape config; raise interval or set a shorter scrapeTimeout',
    );
  });

  it('rejects a sub-second interval', () => {
    expect(errorOf(() => monitorOf({ interval: Duration.millis(500) }))).toBe(
      'InferenceServiceMonitor test/Monitor is invalid:\n  - interval (500ms) must be a whole number of seconds, at least 1 s (scrape interval); use Duration.seconds(n)',
    );
  });

  it('rejects a workload with an empty selector', () => {
    expect(errorOf(() => monitorOf({ workload: { ...SEED_WORKLOAD, selectorLabels: {} } }))).toContain(
      'workload.selectorLabels (an empty object) must not be empty: an empty selector selects every pod of the namespace',
    );
  });

  it('rejects a port number given as the port name', () => {
    expect(errorOf(() => monitorOf({ port: '9090' }))).toContain('port ("9090") must be a Service port name');
  });

  it('rejects an invalid label value', () => {
    expect(errorOf(() => monitorOf({ operatorSelectorLabels: { release: 'kube prometheus' } }))).toContain('operatorSelectorLabels.release ("kube prometheus") must be a Kubernetes label value');
  });
});
