import { describe, expect, it } from 'vitest';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { sloFromManifests } from '../../src/loadtest/slo';
import { TIGHT_SLO, manifestYaml } from './manifests';

describe('sloFromManifests', () => {
  it("reads p95 and p99 from the latency alerts and the error-rate objective from InferenceErrorRateHigh of the library's PrometheusRule", () => {
    const slo = sloFromManifests(manifestYaml(), 'app.yaml');
    // eks-nlb: latencyP95 2 s, latencyP99 3 s, errorRate 1 %.
    expect(eksNlbSpec.slo).toMatchObject({ errorRate: 1 });
    expect(slo.thresholds).toEqual([
      { metric: 'p95', op: '<=', limit: 2000, source: 'slo: InferenceLatencyP95SLOBreach in app.yaml' },
      { metric: 'p99', op: '<=', limit: 3000, source: 'slo: InferenceLatencyP99High in app.yaml' },
      { metric: 'errorRate', op: '<=', limit: 0.01, source: 'slo: InferenceErrorRateHigh in app.yaml' },
    ]);
    expect(slo.service).toBe('pixelated-prod/ai-inference');
  });

  it('follows the spec: sub-second objectives and another error-rate objective', () => {
    const slo = sloFromManifests(manifestYaml(TIGHT_SLO), 'tight.yaml');
    expect(slo.thresholds.map((t) => [t.metric, t.limit])).toEqual([
      ['p95', 50],
      ['p99', 80],
      ['errorRate', 0.02],
    ]);
  });

  it('finds nothing in manifests without the SLO alerts', () => {
    expect(sloFromManifests('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n', 'cm.yaml').thresholds).toEqual([]);
  });

  it('reads the same alerts from a Google Managed Prometheus Rules object', () => {
    const text = [
      'apiVersion: monitoring.googleapis.com/v1',
      'kind: Rules',
      'metadata: {name: r, namespace: ns}',
      'spec:',
      '  groups:',
      '    - name: g',
      '      rules:',
      '        - alert: InferenceLatencyP95SLOBreach',
      '          expr: histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m]))) > 1.5',
      '          labels: {deployment: d}',
    ].join('\n');
    expect(sloFromManifests(text, 'gmp.yaml')).toEqual({ thresholds: [{ metric: 'p95', op: '<=', limit: 1500, source: 'slo: InferenceLatencyP95SLOBreach in gmp.yaml' }], service: 'ns/d' });
  });

  it('refuses manifests holding the SLOs of two services', () => {
    const two = `${manifestYaml()}---\n${manifestYaml({ release: 'other' })}`;
    expect(() => sloFromManifests(two, 'platform.yaml')).toThrow(
      '--slo platform.yaml: holds the SLO alerts of 2 services (pixelated-prod/ai-inference, pixelated-prod/other); a load test targets one, pass a file with one service\'s manifests',
    );
  });

  it('refuses a file that is not YAML', () => {
    expect(() => sloFromManifests('a: [1, 2\n', 'bad.yaml')).toThrow(/^--slo bad\.yaml: not valid YAML: .*; pass a file synthesized by cdk8s/);
  });

  it('refuses a latency alert whose threshold it cannot read', () => {
    const text = 'apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\nspec:\n  groups:\n    - name: g\n      rules:\n        - alert: InferenceLatencyP99High\n          expr: up == 0\n';
    expect(() => sloFromManifests(text, 'x.yaml')).toThrow('--slo x.yaml: alert InferenceLatencyP99High has no trailing "> <seconds>" threshold in its expr ("up == 0"); pass manifests synthesized by this library');
  });
});
