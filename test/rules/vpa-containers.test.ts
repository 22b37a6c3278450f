import { describe, expect, it } from 'vitest';
import { vpaControlledResources } from '../../src/rules/autoscaling';
import { checkObjects } from '../../src/rules/check';

const vpa = (policies: object[], updateMode = 'Auto') => ({
  apiVersion: 'autoscaling.k8s.io/v1',
  kind: 'VerticalPodAutoscaler',
  metadata: { name: 'api-vpa', namespace: 'ns' },
  spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, updatePolicy: { updateMode }, resourcePolicy: { containerPolicies: policies } },
});

describe('which resources an acting VPA sets, by container', () => {
  const memoryOnly = vpa([{ containerName: 'api', controlledResources: ['memory'] }]);
  it('counts only the policies of the containers the target has', () => {
    expect(vpaControlledResources(memoryOnly, ['api'])).toEqual(['memory']);
    // A container without a policy gets the VPA default: cpu and memory.
    expect(vpaControlledResources(memoryOnly, ['api', 'sidecar']).sort()).toEqual(['cpu', 'memory']);
    // Unknown containers: every container might lack a policy.
    expect(vpaControlledResources(memoryOnly).sort()).toEqual(['cpu', 'memory']);
    expect(vpaControlledResources(vpa([{ containerName: '*', controlledResources: ['memory'] }]), ['api', 'sidecar'])).toEqual(['memory']);
    expect(vpaControlledResources(vpa([], 'Off'), ['api'])).toEqual([]);
  });

  it('a memory-only VPA beside an HPA on CPU is no conflict; on cpu and memory it is (AII-R031)', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'ns' },
      spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'api:1.0.0' }] } } },
    };
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api-hpa', namespace: 'ns' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, minReplicas: 2, maxReplicas: 20, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] },
    };
    const r031 = (v: object) => checkObjects([deployment, hpa, v], { packs: ['autoscaling'] }).findings.filter((f) => f.ruleId === 'AII-R031');
    expect(r031(memoryOnly)).toEqual([]);
    expect(r031(vpa([{ containerName: 'api', controlledResources: ['cpu', 'memory'] }])).map((f) => f.message)).toEqual([
      expect.stringContaining('updates cpu of Deployment ns/api, which HorizontalPodAutoscaler ns/api-hpa scales on: the two fight'),
    ]);
  });
});
