import { describe, expect, it } from 'vitest';
import { objectId } from '../../src/review/load';
import { reviewManifests } from '../../src/review/review';
import { ManifestSet } from '../../src/review/types';

// A Google Managed Prometheus Rules object, as the library writes it under monitoring.backend gmp.
const rules = (threshold: number) => ({
  apiVersion: 'monitoring.googleapis.com/v1',
  kind: 'Rules',
  metadata: { name: 'llm-rules', namespace: 'prod' },
  spec: { groups: [{ name: 'llm-alerts', interval: '30s', rules: [{ alert: 'InferenceLatencyP95SLOBreach', expr: `histogram_quantile(0.95, x) > ${threshold}`, for: '5m' }] }] },
});
const set = (side: 'base' | 'head', o: any): ManifestSet => ({ side, source: side, skipped: [], objects: [{ id: objectId(o), object: o, file: 'gke.k8s.yaml', line: 1 }] });

describe('diff: alert changes in GMP Rules', () => {
  it('flags an SLO alert threshold change in a monitoring.googleapis.com Rules object as in a PrometheusRule', () => {
    const review = reviewManifests(set('base', rules(2)), set('head', rules(1.5)));
    expect(review.findings.map((f) => f.id)).toContain('AII-D050');
  });
});
