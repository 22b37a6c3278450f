import { describe, expect, it } from 'vitest';
import { GkeL4LoadBalancerOptions, GkeL4Service, WorkloadTarget } from '../../src';
import { expectValidManifests } from '../helpers/k8s-schema';
import { errorOf, only, synth } from '../support';
import { SEED_WORKLOAD, seedDeployment } from './workloads';

const seedLb: GkeL4LoadBalancerOptions = { provider: 'gke-l4', scheme: 'external', name: 'ai-inference', ports: [{ name: 'http', port: 8000 }] };

const services = (loadBalancer: GkeL4LoadBalancerOptions | undefined = seedLb, workload: WorkloadTarget = SEED_WORKLOAD, more: { headless?: boolean; internal?: boolean; namespace?: string } = {}) =>
  synth((chart) => new GkeL4Service(chart, 'Services', { name: 'ai-inference', workload, loadBalancer, ...more }));

describe('GkeL4Service', () => {
  it('takes the InferenceDeployment like NlbService does: its selector, namespace and named ports', () => {
    let construct: GkeL4Service | undefined;
    const objects = synth((chart) => {
      const deployment = seedDeployment(chart);
      construct = new GkeL4Service(chart, 'Services', { name: 'ai-inference', workload: deployment, loadBalancer: seedLb });
    });
    const lb = only(objects, 'Service', 'ai-inference');
    expect(lb.metadata.namespace).toBe('pixelated-prod');
    expect(lb.spec.selector).toEqual({ 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/instance': 'ai-inference' });
    expect(lb.spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }]);
    expect(construct!.listenerPorts).toEqual([8000]);
    expect(construct!.internalServiceLabels['ai-inference.cdk8s.io/service-role']).toBe('internal');
    expectValidManifests(objects);
  });

  it('creates the load balancer and the shared headless and internal Services', () => {
    const objects = services();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/ai-inference', 'Service/ai-inference-headless', 'Service/ai-inference-internal']);
    expect(only(objects, 'Service', 'ai-inference-headless').spec).toEqual({
      clusterIP: 'None',
      selector: SEED_WORKLOAD.selectorLabels,
      ports: [
        { name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' },
        { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' },
      ],
    });
    expect(only(objects, 'Service', 'ai-inference-internal').spec.type).toBe('ClusterIP');
    expectValidManifests(objects);
  });

  it('builds the same headless and internal Services as NlbService', async () => {
    const { NlbService } = await import('../../src');
    const nlb = synth((chart) => new NlbService(chart, 'Services', { name: 'ai-inference', workload: SEED_WORKLOAD }));
    const gke = synth((chart) => new GkeL4Service(chart, 'Services', { name: 'ai-inference', workload: SEED_WORKLOAD }));
    expect(gke).toEqual(nlb);
  });

  it('names the load balancer <name>-lb by default and builds none without one', () => {
    expect(services({ provider: 'gke-l4', scheme: 'internal' }).map((o) => o.metadata.name)).toContain('ai-inference-lb');
    expect(synth((chart) => new GkeL4Service(chart, 'Services', { name: 'ai-inference', workload: SEED_WORKLOAD, headless: false, internal: false }))).toEqual([]);
  });

  it('refuses a port whose target the workload does not name, and a workload without ports', () => {
    const web: WorkloadTarget = { ...SEED_WORKLOAD, name: 'web', ports: { web: 3000 } };
    expect(errorOf(() => services(seedLb, web))).toContain(
      'loadBalancer.ports[0].targetPort ("http" by default) names no container port of workload "web" (its named ports: web); the load balancer would forward to nothing; use one of them, or add a container port named "http"',
    );
    expect(errorOf(() => services({ provider: 'gke-l4', scheme: 'external' }, web))).toContain(
      'loadBalancer.ports ("http" by default) names no container port of workload "web" (its named ports: web); the load balancer would forward to nothing; set loadBalancer.ports with a targetPort of the workload',
    );
    expect(services({ ...seedLb, ports: [{ name: 'web', port: 80, targetPort: 'web' }] }, web).map((o) => o.metadata.name)).toContain('ai-inference');
    expect(errorOf(() => synth((chart) => new GkeL4Service(chart, 'Services', { name: 'ai-inference', workload: { ...SEED_WORKLOAD, ports: {} } })))).toContain(
      'workload.ports (an empty object) hold no named container port, so the headless and internal Services would expose nothing',
    );
  });

  it('refuses a namespace other than the workload\'s', () => {
    expect(errorOf(() => services(seedLb, SEED_WORKLOAD, { namespace: 'other' }))).toContain('namespace ("other") differs from the namespace of workload "ai-inference"');
  });

  it('names the construct and the field in its validation errors', () => {
    const message = errorOf(() => services({ ...seedLb, scheme: 'internet-facing' } as unknown as GkeL4LoadBalancerOptions));
    expect(message).toContain('GkeL4Service');
    expect(message).toContain('loadBalancer.scheme ("internet-facing") must be "external" or "internal"');
    expect(errorOf(() => services({ ...seedLb, provider: 'aws-nlb' } as unknown as GkeL4LoadBalancerOptions))).toContain('loadBalancer.provider ("aws-nlb") must be "gke-l4"');
    expect(errorOf(() => services({ ...seedLb, name: 'ai-inference-headless' }))).toContain(
      'loadBalancer.name ("ai-inference-headless") is the name of the headless Service of the release; give the load balancer another name',
    );
  });
});
