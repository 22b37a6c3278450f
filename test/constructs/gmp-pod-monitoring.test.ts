import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { GmpPodMonitoring, GmpPodMonitoringProps } from '../../src/constructs/gmp-pod-monitoring';
import { errorOf, only, synth } from '../support';
import { expectPodMonitoringShape } from './gmp-fields';
import { SEED_WORKLOAD } from './workloads';

function props(changes: Partial<GmpPodMonitoringProps> = {}): GmpPodMonitoringProps {
  return { name: 'ai-inference', namespace: 'pixelated-prod', workload: SEED_WORKLOAD, ...changes };
}

const monitoringOf = (changes: Partial<GmpPodMonitoringProps> = {}) =>
  only(synth((chart) => new GmpPodMonitoring(chart, 'PodMonitoring', props(changes))), 'PodMonitoring');

describe('GmpPodMonitoring', () => {
  it('scrapes the workload\'s pods directly on the metrics port at /metrics every 30s with a 10s timeout', () => {
    const m = monitoringOf();
    expectPodMonitoringShape(m);
    expect(m.metadata).toEqual({ name: 'ai-inference', namespace: 'pixelated-prod' });
    expect(m.spec).toEqual({
      // The pods' selector labels, not the internal Service's role label: GMP selects pods.
      selector: { matchLabels: { 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/instance': 'ai-inference' } },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', timeout: '10s' }],
      targetLabels: { metadata: ['container', 'pod'] },
    });
  });

  it('takes the port, path, interval, timeout and labels from its props', () => {
    const m = monitoringOf({ port: 'http', path: '/stats', interval: Duration.seconds(15), timeout: Duration.seconds(15), labels: { team: 'ml' } });
    expectPodMonitoringShape(m);
    expect(m.spec.endpoints).toEqual([{ port: 'http', path: '/stats', interval: '15s', timeout: '15s' }]);
    expect(m.metadata.labels).toEqual({ team: 'ml' });
  });

  it('refuses a timeout above the interval, as the CRD\'s CEL rule does', () => {
    expect(errorOf(() => monitoringOf({ interval: Duration.seconds(10), timeout: Duration.seconds(20) }))).toContain(
      'timeout (20s) must not exceed the scrape interval (10 s), or the PodMonitoring CRD rejects it (timeout <= interval); lower timeout or raise interval',
    );
    expect(errorOf(() => monitoringOf({ interval: Duration.seconds(5) }))).toContain(
      'interval (5s) must not be below the default scrape timeout (10 s), or the PodMonitoring CRD rejects it (timeout <= interval); raise interval or set a shorter timeout',
    );
  });

  it('refuses a port the workload does not name, and a port number', () => {
    expect(errorOf(() => monitoringOf({ port: 'prom' }))).toContain(
      'port ("prom") names no container port of workload "ai-inference" (its named ports: http, metrics); GMP keeps only targets on that port name, so nothing is scraped; use one of them, or add a container port named "prom"',
    );
    expect(errorOf(() => monitoringOf({ port: '9090' }))).toContain('must be a container port name (IANA_SVC_NAME');
  });

  it('refuses a namespace other than the workload\'s: a PodMonitoring scrapes only its own namespace', () => {
    expect(errorOf(() => monitoringOf({ namespace: 'monitoring' }))).toMatch(/namespace \("monitoring"\).*pixelated-prod/);
  });
});
