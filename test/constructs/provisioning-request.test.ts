import { Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { HELM_CONTEXT_KEY, ProvisioningRequest, QUEUED_PROVISIONING } from '../../src';
import { escapeForHelmAtSynth } from '../../src/chart/helm';
import { expectValidManifests } from '../helpers/k8s-schema';
import { errorOf, only, synth } from '../support';
import { seedDeployment } from './workloads';

describe('ProvisioningRequest', () => {
  it('requests nodes for the fixed replicas of an InferenceDeployment and binds its pods to the request', () => {
    const objects = synth((chart) => {
      const workload = seedDeployment(chart, { replicas: 4, scheduling: { rollout: { strategy: 'replace' } } });
      new ProvisioningRequest(chart, 'Capacity', { name: 'ai-inference', workload, maxRunDuration: Duration.hours(36) });
    });
    expectValidManifests(objects);
    const pr = only(objects, 'ProvisioningRequest');
    expect(pr.metadata.namespace).toBe('pixelated-prod');
    expect(pr.spec).toEqual({
      provisioningClassName: 'queued-provisioning.gke.io',
      parameters: { maxRunDurationSeconds: '129600' },
      podSets: [{ count: 4, podTemplateRef: { name: 'ai-inference-capacity' } }],
    });
    const deployment = only(objects, 'Deployment');
    const pod = deployment.spec.template;
    expect(pod.metadata.annotations[QUEUED_PROVISIONING.consumeAnnotation]).toBe(pr.metadata.name);
    expect(pod.metadata.annotations[QUEUED_PROVISIONING.classAnnotation]).toBe('queued-provisioning.gke.io');
    expect(pod.spec.nodeSelector).toEqual({ 'cloud.google.com/gke-flex-start': 'true' });
    expect(pod.spec.tolerations).toContainEqual({ key: 'cloud.google.com/gke-queued', operator: 'Exists', effect: 'NoSchedule' });
    expect(only(objects, 'PodTemplate').template).toEqual(pod);
  });

  it('keeps the native preStop sleep (patched after the L1 conversion) in the PodTemplate', () => {
    const objects = synth((chart) => {
      const workload = seedDeployment(chart, { replicas: 2, shutdown: { preStopMode: 'sleepAction' } });
      new ProvisioningRequest(chart, 'Capacity', { name: 'ai-inference', workload });
    });
    const lifecycle = only(objects, 'Deployment').spec.template.spec.containers[0].lifecycle;
    expect(lifecycle.preStop.sleep).toBeDefined();
    expect(only(objects, 'PodTemplate').template.spec.containers[0].lifecycle).toEqual(lifecycle);
  });

  it('is escaped for Helm once, like the Deployment it copies', () => {
    const chart = Testing.chart();
    chart.node.setContext(HELM_CONTEXT_KEY, true);
    const workload = seedDeployment(chart, { replicas: 2, env: [{ name: 'GREETING', value: 'Hello {{name}}' }] });
    new ProvisioningRequest(chart, 'Capacity', { name: 'ai-inference', workload });
    escapeForHelmAtSynth(chart);
    const objects = Testing.synth(chart);
    const env = (pod: any) => pod.spec.containers[0].env.find((e: any) => e.name === 'GREETING').value;
    expect(env(only(objects, 'Deployment').spec.template)).toBe('Hello {{`{{`}}name{{`}}`}}');
    expect(env(only(objects, 'PodTemplate').template)).toBe('Hello {{`{{`}}name{{`}}`}}');
  });

  it('needs a pod count when an autoscaler owns the replicas, and at least the fixed replicas', () => {
    expect(
      errorOf(() => {
        const chart = Testing.chart();
        new ProvisioningRequest(chart, 'Capacity', { name: 'ai-inference', workload: seedDeployment(chart, { autoscaled: true }) });
      }),
    ).toContain('pods (not set) is required: an autoscaler owns the replicas of workload "ai-inference", so the count cannot follow them; set it to the most replicas the autoscaler may run');
    expect(
      errorOf(() => {
        const chart = Testing.chart();
        new ProvisioningRequest(chart, 'Capacity', { name: 'ai-inference', workload: seedDeployment(chart, { replicas: 3 }), pods: 2 });
      }),
    ).toContain(
      'pods (2) is below the 3 replicas of workload "ai-inference": a queued node pool grows only through a ProvisioningRequest, so 1 pod(s) would find no node and stay Pending; raise pods to at least 3',
    );
  });

  it('refuses a run time above 7 days', () => {
    expect(
      errorOf(() => {
        const chart = Testing.chart();
        new ProvisioningRequest(chart, 'Capacity', { name: 'ai-inference', workload: seedDeployment(chart, { replicas: 1 }), maxRunDuration: Duration.days(7.5) });
      }),
    ).toContain("maxRunDuration (7d12h) must be at most 7 days (604800 s), GKE's limit for nodes of a queued-provisioning request");
  });
});
