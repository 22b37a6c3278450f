import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQuantileQuery, scaledValue } from '../../src/rules/autoscaling';
import { deployment, findings, hpa, messages, NS, pdb, service, suppress, suppressed, withChanged } from './fixtures';

describe('pdb-allows-drain (AII-R030)', () => {
  it('passes 66% of a floor of 3 (2 must stay, 1 may go)', () => {
    expect(findings(service(), 'AII-R030')).toEqual([]);
  });

  it('refuses minAvailable equal to the HPA minReplicas', () => {
    const objects = withChanged('PodDisruptionBudget', (p) => {
      p.spec.minAvailable = 3;
    });
    expect(messages(objects, 'AII-R030')).toEqual([
      'spec.minAvailable (3) must be below the replica floor of Deployment shop/llm (3, HorizontalPodAutoscaler shop/llm spec.minReplicas), or node drains block; lower minAvailable or raise the floor',
    ]);
  });

  it('rounds a percentage up as the disruption controller does: 66% of 2 leaves no eviction', () => {
    const objects = withChanged('HorizontalPodAutoscaler', (h) => {
      h.spec.minReplicas = 2;
    });
    expect(messages(objects, 'AII-R030')).toEqual([
      'spec.minAvailable ("66%") (2 of 2 pods) must be below the replica floor of Deployment shop/llm (2, HorizontalPodAutoscaler shop/llm spec.minReplicas), or node drains block; lower minAvailable or raise the floor',
    ]);
  });

  it('takes spec.replicas as the floor without an autoscaler, and refuses maxUnavailable 0', () => {
    const objects = service().filter((o) => o.kind !== 'HorizontalPodAutoscaler');
    const p = objects.find((o) => o.kind === 'PodDisruptionBudget')!;
    delete p.spec.minAvailable;
    p.spec.maxUnavailable = 0;
    expect(messages(objects, 'AII-R030')).toEqual(['spec.maxUnavailable (0) allows no eviction of Deployment shop/llm: every node drain blocks; allow at least 1']);
  });

  it('finds the autoscaler of a workload that appears in several files of the input (alternatives of one service)', () => {
    const objects = [...service(), deployment(), pdb()];
    expect(findings(objects, 'AII-R030')).toEqual([]);
  });

  it('lists a suppressed finding with its reason', () => {
    const objects = withChanged('PodDisruptionBudget', (p) => {
      p.spec.minAvailable = 3;
      suppress(p, ['AII-R030'], 'single-tenant pool, drained by hand');
    });
    expect(findings(objects, 'AII-R030')).toEqual([]);
    expect(suppressed(objects, 'AII-R030').map((f) => f.reason)).toEqual(['single-tenant pool, drained by hand']);
  });

  it('blocks exactly when the rounded-up minAvailable reaches the floor (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 100 }), (floor, pct) => {
        const objects = service().filter((o) => o.kind !== 'HorizontalPodAutoscaler');
        objects.find((o) => o.kind === 'Deployment')!.spec.replicas = floor;
        objects.find((o) => o.kind === 'PodDisruptionBudget')!.spec.minAvailable = `${pct}%`;
        const blocked = Math.ceil((pct * floor) / 100) >= floor;
        expect(findings(objects, 'AII-R030').length).toBe(blocked ? 1 : 0);
      }),
    );
    expect(scaledValue('1%', 3)).toBe(1);
  });
});

describe('vpa-hpa-conflict (AII-R031)', () => {
  it('passes a VPA in mode Off beside an HPA on cpu', () => {
    expect(findings(service(), 'AII-R031')).toEqual([]);
  });

  it('refuses a VPA left on its default mode (Recreate) controlling cpu while the HPA scales on cpu', () => {
    const objects = withChanged('VerticalPodAutoscaler', (v) => {
      delete v.spec.updatePolicy;
    });
    expect(messages(objects, 'AII-R031')).toEqual([
      'spec.updatePolicy.updateMode ("Recreate" by default) updates cpu of Deployment shop/llm, which HorizontalPodAutoscaler shop/llm scales on: the two fight; set updateMode "Off" or scale on other signals',
    ]);
  });

  it('passes a VPA that controls memory only beside an HPA on cpu, and flags a KEDA memory trigger', () => {
    const objects = withChanged('VerticalPodAutoscaler', (v) => {
      v.spec.updatePolicy.updateMode = 'Recreate';
      v.spec.resourcePolicy = { containerPolicies: [{ containerName: '*', controlledResources: ['memory'] }] };
    });
    expect(findings(objects, 'AII-R031')).toEqual([]);
    objects.push({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'llm', namespace: NS },
      spec: { scaleTargetRef: { name: 'llm' }, minReplicaCount: 3, triggers: [{ type: 'memory', metricType: 'Utilization', metadata: { value: '80' } }] },
    });
    expect(messages(objects, 'AII-R031')).toEqual([
      'spec.updatePolicy.updateMode ("Recreate") updates memory of Deployment shop/llm, which ScaledObject shop/llm scales on: the two fight; set updateMode "Off" or scale on other signals',
    ]);
  });

  it('lists a suppressed finding with its reason', () => {
    const objects = withChanged('VerticalPodAutoscaler', (v) => {
      v.spec.updatePolicy.updateMode = 'Initial';
      suppress(v, ['AII-R031'], 'Initial only sizes new pods; reviewed');
    });
    expect(suppressed(objects, 'AII-R031').map((f) => f.reason)).toEqual(['Initial only sizes new pods; reviewed']);
  });
});

describe('latency-target-below-slo (AII-R032)', () => {
  it('passes an HPA latency target of 1.5 s under a 2 s SLO', () => {
    expect(findings(service(), 'AII-R032')).toEqual([]);
  });

  it('refuses an HPA latency target at the SLO objective', () => {
    const objects = withChanged('HorizontalPodAutoscaler', (h) => {
      h.spec.metrics[1].object.target.value = '2';
    });
    expect(messages(objects, 'AII-R032')).toEqual([
      'spec.metrics[1].object.target.value ("2") is 2 s, not below the p95 latency objective of 2 s (PrometheusRule shop/llm alert InferenceLatencyP95SLOBreach): pods are added only after the SLO is breached; lower the target, e.g. to 1.5',
    ]);
  });

  it('refuses a KEDA latency threshold above the SLO, matching the histogram of the SLO alert', () => {
    const objects = service().filter((o) => o.kind !== 'HorizontalPodAutoscaler');
    objects.push({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'llm', namespace: NS },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llm' },
        minReplicaCount: 3,
        triggers: [
          { type: 'prometheus', metadata: { query: 'histogram_quantile(0.95, sum by (le) (rate(inference_response_time_seconds_bucket{namespace="shop"}[2m])))', threshold: '2.5' } },
          { type: 'prometheus', metadata: { query: 'histogram_quantile(0.95, sum by (le) (rate(other_seconds_bucket[2m])))', threshold: '9' } },
        ],
      },
    });
    expect(messages(objects, 'AII-R032')).toEqual([
      'spec.triggers[0].metadata.threshold ("2.5") is 2.5 s, not below the p95 latency objective of 2 s (PrometheusRule shop/llm alert InferenceLatencyP95SLOBreach): pods are added only after the SLO is breached; lower the threshold, e.g. to 1.5',
    ]);
  });

  it('lists a suppressed finding with its reason', () => {
    const h = suppress(hpa(), ['AII-R032'], 'the SLO is being renegotiated');
    h.spec.metrics[1].object.target.value = '3';
    const objects = [...service().filter((o) => o.kind !== 'HorizontalPodAutoscaler'), h];
    expect(findings(objects, 'AII-R032')).toEqual([]);
    expect(suppressed(objects, 'AII-R032').map((f) => f.reason)).toEqual(['the SLO is being renegotiated']);
  });

  it('reads the quantile, the histogram and the threshold of an SLO alert expression', () => {
    expect(parseQuantileQuery('histogram_quantile(0.95, sum by (le) (rate(x_seconds_bucket{a="b"}[5m]))) > 0.25')).toEqual({ quantile: 0.95, histogram: 'x_seconds', threshold: 0.25 });
    expect(parseQuantileQuery('rate(x[5m]) > 1')).toBeUndefined();
  });
});
