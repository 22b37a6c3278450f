import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, NlbLoadBalancerOptions } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { errorOf, only } from '../support';

function synthSpec(spec: AiInferenceSpec, id = 'eks-nlb') {
  const app = Testing.app();
  return Testing.synth(new AiInferenceChart(app, id, { spec }));
}

const specError = (patch: Partial<AiInferenceSpec>) => errorOf(() => synthSpec({ ...eksNlbSpec, ...patch }));

describe('AiInferenceChart', () => {
  it('builds every object of seeds 000/001 with stable human names', () => {
    expect(synthSpec(eksNlbSpec).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/pixelated-prod',
      // The Services before the pods: readiness gates are injected only into pods created
      // after the Service's target group binding exists.
      'Service/ai-inference-lb',
      'Service/ai-inference-headless',
      'Service/ai-inference-internal',
      'ServiceAccount/ai-inference',
      'ConfigMap/ai-inference-config',
      'PersistentVolumeClaim/ai-inference-models',
      'PersistentVolumeClaim/ai-inference-data',
      'Deployment/ai-inference',
      'PodDisruptionBudget/ai-inference-pdb',
      'NetworkPolicy/ai-inference-netpol',
      'HorizontalPodAutoscaler/ai-inference-hpa',
      // No adapter-rules ConfigMap in the workload's namespace: the adapter never reads one.
      'VerticalPodAutoscaler/ai-inference-vpa',
      'ServiceMonitor/ai-inference-monitor',
      'PrometheusRule/ai-inference-rules',
      'ConfigMap/ai-inference-dashboard',
    ]);
  });

  it('puts every namespaced object in the spec namespace and labels the Namespace for readiness gates', () => {
    const objects = synthSpec(eksNlbSpec);
    const ns = only(objects, 'Namespace');
    expect(ns.metadata).not.toHaveProperty('namespace');
    expect(ns.metadata.labels['elbv2.k8s.aws/pod-readiness-gate-inject']).toBe('enabled');
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
      expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('pixelated-prod');
      expect(o.metadata.labels, `${o.kind}/${o.metadata.name}`).toMatchObject({
        'app.kubernetes.io/name': 'ai-inference',
        'app.kubernetes.io/instance': 'ai-inference',
        'app.kubernetes.io/managed-by': 'cdk8s-ai-inference',
        'app.kubernetes.io/part-of': 'pixelated',
      });
    }
  });

  it('keeps every selector when the chart is renamed', () => {
    const selectors = (id: string) =>
      synthSpec(eksNlbSpec, id).map((o) => JSON.stringify(o.spec?.selector ?? o.spec?.podSelector ?? null));
    expect(selectors('renamed')).toEqual(selectors('eks-nlb'));
  });

  it('carries the seed values into the Deployment', () => {
    const d = only(synthSpec(eksNlbSpec), 'Deployment');
    const c = d.spec.template.spec.containers[0];
    expect(d.spec).not.toHaveProperty('replicas');
    expect(c.resources.requests).toEqual({ cpu: '2', memory: '8Gi', 'nvidia.com/gpu': 1 });
    expect(c.resources.limits).toEqual({ cpu: '4', memory: '16Gi', 'nvidia.com/gpu': 1 });
    expect(c.livenessProbe.periodSeconds).toBe(30);
    expect(c.readinessProbe.periodSeconds).toBe(10);
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(300);
    expect(d.spec.template.spec.securityContext.runAsUser).toBe(1001);
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(60);
  });

  it('is deterministic: two synths are byte-identical', () => {
    const yaml = () => Testing.synth(new AiInferenceChart(Testing.app(), 'eks-nlb', { spec: eksNlbSpec }));
    expect(JSON.stringify(yaml())).toBe(JSON.stringify(yaml()));
  });

  describe('names the spec field in every error', () => {
    it('maps construct fields back to spec paths', () => {
      expect(specError({ release: 'AI' })).toContain('release ("AI") must be an RFC 1035 label');
      expect(specError({ image: 'ai:latest' })).toContain('image ("ai:latest") must not use the mutable :latest tag');
      expect(specError({ model: { name: 'm', loadTime: Duration.minutes(6) } })).toContain(
        'probes.startupBudget (5m) is shorter than the declared model load time (model.loadTime: 6m)',
      );
      expect(
        specError({ traffic: { loadBalancer: { ...(eksNlbSpec.traffic!.loadBalancer! as NlbLoadBalancerOptions), idleTimeout: Duration.seconds(10) } } }),
      ).toContain('traffic.loadBalancer.idleTimeout (10s) must be within 60-6000 s');
      expect(specError({ networkPolicy: { vpcCidr: 'vpc' } })).toContain('networkPolicy.vpcCidr ("vpc") must be a CIDR');
    });

    it('checks the SLO section', () => {
      expect(specError({ slo: { ...eksNlbSpec.slo, availability: 100 } })).toContain('slo.availability (100) must be a percentage below 100');
      expect(specError({ slo: { ...eksNlbSpec.slo, latencyP99: Duration.seconds(1) } })).toContain(
        'slo.latencyP99 (1s) must not be below slo.latencyP95 (2s)',
      );
    });

    it('refuses unknown spec fields', () => {
      expect(errorOf(() => synthSpec({ ...eksNlbSpec, replica: 3 } as AiInferenceSpec))).toContain("replica is not a field; did you mean replicas?");
    });

    it('fails synth when the PDB would block every drain', () => {
      expect(specError({ scaling: undefined, replicas: 2, disruption: { minAvailable: 2 } })).toContain(
        'disruption.minAvailable (2) must be below replicas (2), or node drains block',
      );
    });

    it('fails synth when the NLB drains longer than the grace period', () => {
      const lb = { ...(eksNlbSpec.traffic!.loadBalancer! as NlbLoadBalancerOptions), deregistrationDelay: Duration.seconds(120) };
      expect(specError({ traffic: { loadBalancer: lb } })).toContain(
        'traffic.loadBalancer.deregistrationDelay (2m) exceeds shutdown.gracePeriod (60s)',
      );
    });
  });

  it('refuses a relation between objects (PDB vs replicas) when the chart is built, and writes no YAML', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'ai-inference-'));
    const app = new App({ outdir });
    expect(() => new AiInferenceChart(app, 'bad', { spec: { ...eksNlbSpec, scaling: undefined, replicas: 2, disruption: { minAvailable: 2 } } })).toThrow(
      /disruption.minAvailable \(2\) must be below replicas \(2\), or node drains block/,
    );
    app.synth();
    expect(readdirSync(outdir)).toEqual([]);
  });
});
