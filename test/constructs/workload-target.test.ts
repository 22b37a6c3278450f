import { Chart, Size } from 'cdk8s';
import * as plus28 from 'cdk8s-plus-28';
import * as plus33 from 'cdk8s-plus-33';
import { describe, expect, it } from 'vitest';
import { GpuHpa, InferenceServiceMonitor, NlbService, PdbPolicy, SEED_SIGNALS, VpaRecommender, WorkloadTarget, fromPlusWorkload, workloadOf } from '../../src';
import { Manifest, errorOf, only, synth } from '../support';
import { SEED_WORKLOAD, seedDeployment } from './workloads';

/** A plain cdk8s-plus-28 Deployment in `shop` whose one container serves on a port named `web`. */
function webDeployment(chart: Chart, props: Partial<plus28.DeploymentProps> = {}): plus28.Deployment {
  return new plus28.Deployment(chart, 'Web', {
    metadata: { name: 'web', namespace: 'shop' },
    replicas: 3,
    containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ number: 8080, name: 'web' }], securityContext: { user: 1001 } }],
    ...props,
  });
}

const cpuOnly = { cpu: SEED_SIGNALS.cpu };

describe('constructs around a plain cdk8s-plus Deployment', () => {
  const objects = synth((chart) => {
    const workload = fromPlusWorkload(webDeployment(chart));
    new NlbService(chart, 'Services', { name: 'web', workload, loadBalancer: { scheme: 'internal', ports: [{ name: 'http', port: 80, targetPort: 'web' }] } });
    new PdbPolicy(chart, 'Pdb', { name: 'web', workload, minAvailable: 2 });
    new GpuHpa(chart, 'Hpa', { name: 'web', workload, minReplicas: 3, maxReplicas: 6, signals: cpuOnly });
  });
  const deployment = only(objects, 'Deployment');
  const selector: Record<string, string> = deployment.spec.selector.matchLabels;
  const services = objects.filter((o) => o.kind === 'Service');

  it('selects exactly the Deployment\'s pods with its own selector, in its namespace', () => {
    expect(Object.keys(selector).length).toBeGreaterThan(0);
    expect(deployment.spec.template.metadata.labels).toMatchObject(selector);
    expect(services.map((s) => s.metadata.name)).toEqual(['web-lb', 'web-headless', 'web-internal']);
    for (const svc of services) {
      expect(svc.spec.selector, svc.metadata.name).toEqual(selector);
      expect(svc.metadata.namespace).toBe('shop');
    }
    const pdb = only(objects, 'PodDisruptionBudget');
    expect(pdb.spec.selector).toEqual({ matchLabels: selector });
    expect(pdb.metadata.namespace).toBe('shop');
    expect(JSON.stringify([...services.map((s) => s.spec.selector), pdb.spec.selector])).not.toContain('app.kubernetes.io/instance');
  });

  it('forwards to the Deployment\'s named port', () => {
    expect(only(objects, 'Service', 'web-lb').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }]);
    for (const name of ['web-headless', 'web-internal']) {
      expect(only(objects, 'Service', name).spec.ports).toEqual([{ name: 'web', port: 8080, targetPort: 'web', protocol: 'TCP' }]);
    }
    expect(deployment.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080, name: 'web' }]);
  });

  it('scales the Deployment by its apiVersion, kind and name', () => {
    const hpa = only(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
    expect(hpa.metadata.namespace).toBe('shop');
  });

  it('labels the internal Service so a ServiceMonitor built on the same workload selects it alone', () => {
    const all = synth((chart) => {
      const workload = fromPlusWorkload(webDeployment(chart));
      new NlbService(chart, 'Services', { name: 'web', workload });
      new InferenceServiceMonitor(chart, 'Monitor', { name: 'web-monitor', namespace: 'monitoring', workload, port: 'web' });
    });
    const match: Record<string, string> = only(all, 'ServiceMonitor').spec.selector.matchLabels;
    const selected = all.filter((o) => o.kind === 'Service' && Object.entries(match).every(([k, v]) => o.metadata.labels[k] === v));
    expect(selected.map((s: Manifest) => s.metadata.name)).toEqual(['web-internal']);
    expect(only(all, 'ServiceMonitor').spec.namespaceSelector).toEqual({ matchNames: ['shop'] });
  });

  it('reads a cdk8s-plus-33 Deployment the same way', () => {
    const both = synth((chart) => {
      const d28 = fromPlusWorkload(webDeployment(chart));
      const d33 = fromPlusWorkload(
        new plus33.Deployment(chart, 'Web33', {
          metadata: { name: 'web', namespace: 'shop' },
          replicas: 3,
          containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ number: 8080, name: 'web' }], securityContext: { user: 1001 } }],
        }),
      );
      const strip = (w: WorkloadTarget) => ({ ...w, selectorLabels: Object.keys(w.selectorLabels) });
      expect(strip(d33)).toEqual(strip(d28));
      expect(d33.requests).toEqual({ container: 'web', cpu: plus33.Cpu.millis(1000), memory: Size.mebibytes(512) });
    });
    expect(both.filter((o) => o.kind === 'Deployment')).toHaveLength(2);
  });
});

describe('fromPlusWorkload', () => {
  it('reads name, namespace, kind, the named TCP ports and the first container\'s requests', () => {
    synth((chart) => {
      const set = new plus28.StatefulSet(chart, 'Db', {
        metadata: { name: 'db' },
        service: new plus28.Service(chart, 'DbService', { ports: [{ port: 5432 }] }),
        containers: [
          {
            name: 'db',
            image: 'postgres:16',
            portNumber: 5432,
            ports: [{ number: 9187, name: 'metrics' }, { number: 5353, name: 'dns', protocol: plus28.Protocol.UDP }],
            resources: { cpu: { request: plus28.Cpu.units(2) }, memory: { request: Size.gibibytes(4) } },
            securityContext: { user: 1001 },
          },
        ],
      });
      const target = fromPlusWorkload(set);
      expect(target).toMatchObject({ name: 'db', namespace: undefined, apiVersion: 'apps/v1', kind: 'StatefulSet', ports: { metrics: 9187 } });
      expect(target.requests).toEqual({ container: 'db', cpu: plus28.Cpu.units(2), memory: Size.gibibytes(4) });
      expect(target.gpuCount).toBeUndefined();
    });
  });

  it('reads the replica count at synth, so an autoscaler attached later is seen', () => {
    synth((chart) => {
      const web = webDeployment(chart);
      const target = fromPlusWorkload(web);
      expect(target.replicas).toBe(3);
      web.markHasAutoscaler();
      expect(target.replicas).toBeUndefined();
    });
  });

  it('checks a PDB against the Deployment\'s replica count', () => {
    expect(errorOf(() => synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'web', workload: fromPlusWorkload(webDeployment(chart)), minAvailable: 3 })))).toContain(
      'minAvailable (3) must be below the replicas of workload "web" (3), or node drains block',
    );
  });

  it('checks VPA bounds against the requests of the container it names', () => {
    const message = errorOf(() =>
      synth((chart) => {
        const workload = fromPlusWorkload(webDeployment(chart), { container: 'web' });
        new VpaRecommender(chart, 'Vpa', { name: 'web', workload, containers: [{ containerName: 'web', maxAllowed: { memory: Size.mebibytes(256) } }] });
      }),
    );
    expect(message).toContain('containers[0].maxAllowed.memory (256Mi) must not be below the memory request of container "web" of workload "web" (512Mi)');
  });

  it('refuses a workload whose selector is empty', () => {
    const message = errorOf(() => synth((chart) => fromPlusWorkload(webDeployment(chart, { select: false }))));
    expect(message).toBe(
      "fromPlusWorkload(Deployment test/Web) is invalid:\n  - matchLabels (an empty object) must not be empty: an empty selector selects every pod of the namespace; keep cdk8s-plus' default `select: true`, or call `select(LabelSelector.of({ labels }))`",
    );
  });

  it('refuses a selector with match expressions, which no Service selector can carry', () => {
    const message = errorOf(() =>
      synth((chart) => {
        const web = webDeployment(chart);
        web.select(plus28.LabelSelector.of({ expressions: [plus28.LabelExpression.exists('tier')] }));
        fromPlusWorkload(web);
      }),
    );
    expect(message).toContain('matchExpressions (a list of 1) cannot be carried over: a Service selects by labels only');
  });

  it('refuses a container name the workload does not have', () => {
    expect(errorOf(() => synth((chart) => fromPlusWorkload(webDeployment(chart), { container: 'app' })))).toContain(
      'container ("app") names no container of the workload (web); name one of them',
    );
  });
});

describe('a workload without the port a construct needs', () => {
  it('is refused by NlbService, naming the listener, the port and the fix', () => {
    const message = errorOf(() =>
      synth((chart) => new NlbService(chart, 'Services', { name: 'web', workload: fromPlusWorkload(webDeployment(chart)), loadBalancer: { scheme: 'internal' } })),
    );
    expect(message).toBe(
      'NlbService test/Services is invalid:\n  - loadBalancer.ports ("http" by default) names no container port of workload "web" (its named ports: web); the load balancer would forward to nothing; set loadBalancer.ports with a targetPort of the workload; use one of them, or add a container port named "http"',
    );
  });

  it('is refused when the container port has no name', () => {
    const message = errorOf(() =>
      synth((chart) => {
        const web = webDeployment(chart, { containers: [{ name: 'web', image: 'nginx:1.27', portNumber: 8080, securityContext: { user: 1001 } }] });
        new InferenceServiceMonitor(chart, 'Monitor', { name: 'web-monitor', namespace: 'shop', workload: fromPlusWorkload(web) });
      }),
    );
    expect(message).toContain(
      'port ("metrics" by default) names no container port of workload "web" (it has no named container port); the internal Service has no such port, so nothing is scraped; name the container\'s port "metrics" (cdk8s-plus: ports: [{ number, name: \'metrics\' }])',
    );
  });

  it('is refused when it is passed without the adapter', () => {
    const message = errorOf(() =>
      synth((chart) => new PdbPolicy(chart, 'Pdb', { name: 'web', workload: webDeployment(chart) as unknown as WorkloadTarget })),
    );
    expect(message).toContain('workload (an object) is a cdk8s-plus workload; pass fromPlusWorkload(workload), which reads its selector and ports');
  });
});

describe('workloadOf', () => {
  it('offers the InferenceDeployment\'s selector, ports, requests, GPUs and replicas', () => {
    synth((chart) => {
      const deployment = seedDeployment(chart, { ports: { http: 8080 }, replicas: 4 });
      expect(workloadOf(deployment)).toEqual({
        ...SEED_WORKLOAD,
        ports: { http: 8080, metrics: 9090 },
        requests: { container: 'inference', cpu: plus28.Cpu.units(2), memory: Size.gibibytes(8) },
        gpuCount: 1,
        replicas: 4,
      });
      expect(workloadOf(seedDeployment(new Chart(chart, 'other'), { autoscaled: true })).replicas).toBeUndefined();
    });
  });
});
