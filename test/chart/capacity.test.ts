import { Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, WARNING_IDS, validateSpec } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { expectValidManifests } from '../helpers/k8s-schema';
import { Manifest, errorOf, only } from '../support';

// Seed 004's shape on GKE: Ollama on :8000 (OLLAMA_NUM_PARALLEL 8), one L4 and 40Gi per pod
// on g2-standard-12, the external L4 load balancer, 10 replicas pinned.
const pinned: AiInferenceSpec = {
  release: 'ai-inference',
  namespace: 'ai-inference',
  image: 'ollama/ollama:0.12.6',
  model: { name: 'llama3.1', loadTime: Duration.minutes(5) },
  server: { engine: 'ollama', port: 8000, numParallel: 8 },
  resources: {
    cpu: { request: Cpu.units(4), limit: Cpu.units(4) },
    memory: { request: Size.gibibytes(40), limit: Size.gibibytes(40) },
    gpu: { count: 1 },
    nodeType: 'g2-standard-12',
  },
  traffic: { loadBalancer: { provider: 'gke-l4', scheme: 'external', name: 'ai-inference', ports: [{ name: 'http', port: 8000 }] } },
  slo: { availability: 99.9, latencyP95: Duration.seconds(2), latencyP99: Duration.seconds(3), errorRate: 1, throughputRps: 50 },
  scaling: { pinnedReplicas: 10 },
};
const queued = (queuedProvisioning: Record<string, unknown> = {}, base: AiInferenceSpec = pinned): AiInferenceSpec =>
  ({ ...base, capacity: { queuedProvisioning } }) as AiInferenceSpec;
const chartOf = (spec: AiInferenceSpec) => new AiInferenceChart(Testing.app(), 'gke', { spec });
const synthSpec = (spec: AiInferenceSpec) => Testing.synth(chartOf(spec));
const request = (objects: Manifest[]) => only(objects, 'ProvisioningRequest');

describe('capacity.queuedProvisioning (GKE Dynamic Workload Scheduler)', () => {
  it('emits a ProvisioningRequest for the 10 pinned pods and the PodTemplate it points at, valid against their schemas', () => {
    const objects = synthSpec(queued({ nodePool: 'l4-queued', maxRunDuration: Duration.days(3) }));
    expectValidManifests(objects);
    const pr = request(objects);
    expect(pr.apiVersion).toBe('autoscaling.x-k8s.io/v1');
    expect(pr.metadata.namespace).toBe('ai-inference');
    expect(pr.metadata.name).toMatch(/^ai-inference-capacity-[0-9a-f]{8}$/);
    expect(pr.spec).toEqual({
      provisioningClassName: 'queued-provisioning.gke.io',
      parameters: { maxRunDurationSeconds: '259200' },
      podSets: [{ count: 10, podTemplateRef: { name: 'ai-inference-capacity' } }],
    });
    const template = only(objects, 'PodTemplate', 'ai-inference-capacity');
    expect(template.apiVersion).toBe('v1');
    expect(template.metadata.namespace).toBe('ai-inference');
    expect(template.metadata.labels['cloud.google.com/apply-warden-policies']).toBe('true');
    expect(template.metadata.labels['app.kubernetes.io/component']).toBe('capacity');
  });

  it("sizes the nodes from exactly the Deployment's pod template, annotations, selector and tolerations included", () => {
    const objects = synthSpec(queued({ nodePool: 'l4-queued' }));
    const deployment = only(objects, 'Deployment');
    expect(only(objects, 'PodTemplate').template).toEqual(deployment.spec.template);
    expect(deployment.spec.template.spec.containers[0].resources).toEqual(only(objects, 'PodTemplate').template.spec.containers[0].resources);
  });

  it('binds the pods to the request: consume and class annotations, the flex-start node selector, the gke-queued toleration', () => {
    const objects = synthSpec(queued({ nodePool: 'l4-queued' }));
    const pod = only(objects, 'Deployment').spec.template;
    expect(pod.metadata.annotations['autoscaling.x-k8s.io/consume-provisioning-request']).toBe(request(objects).metadata.name);
    expect(pod.metadata.annotations['autoscaling.x-k8s.io/provisioning-class-name']).toBe('queued-provisioning.gke.io');
    expect(pod.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
    expect(pod.spec.nodeSelector).toEqual({ 'cloud.google.com/gke-flex-start': 'true', 'cloud.google.com/gke-nodepool': 'l4-queued' });
    expect(pod.spec.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'cloud.google.com/gke-queued', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    // Without a node pool (node auto-provisioning) the pods select any flex-start node.
    expect(only(synthSpec(queued()), 'Deployment').spec.template.spec.nodeSelector).toEqual({ 'cloud.google.com/gke-flex-start': 'true' });
  });

  it('writes the PodTemplate, then the request, then the Deployment that consumes it', () => {
    const order = synthSpec(queued()).map((o) => o.kind);
    expect(order.indexOf('PodTemplate')).toBeLessThan(order.indexOf('ProvisioningRequest'));
    expect(order.indexOf('ProvisioningRequest')).toBeLessThan(order.indexOf('Deployment'));
  });

  it('defaults to 7 days (GKE default and limit) and to the most replicas: fixed, pinned or maxReplicas', () => {
    expect(request(synthSpec(queued())).spec.parameters).toEqual({ maxRunDurationSeconds: '604800' });
    expect(request(synthSpec(queued())).spec.podSets[0].count).toBe(10);
    const fixed = { ...pinned, scaling: undefined, replicas: 4 } as AiInferenceSpec;
    expect(request(synthSpec(queued({}, fixed))).spec.podSets[0].count).toBe(4);
    expect(request(synthSpec(queued({}, { ...pinned, scaling: { minReplicas: 3, maxReplicas: 20 } }))).spec.podSets[0].count).toBe(20);
    expect(request(synthSpec(queued({ pods: 12 }))).spec.podSets[0].count).toBe(12);
  });

  it('names the request by a hash of its immutable spec: a new count or run time is a new request, a new image is not', () => {
    const name = (spec: AiInferenceSpec) => request(synthSpec(spec)).metadata.name;
    const base = name(queued());
    expect(name(queued())).toBe(base);
    expect(name(queued({}, { ...pinned, image: 'ollama/ollama:0.12.7' }))).toBe(base);
    expect(name(queued({ pods: 11 }))).not.toBe(base);
    expect(name(queued({ maxRunDuration: Duration.days(6) }))).not.toBe(base);
  });

  it('emits nothing of it without the section', () => {
    const objects = synthSpec(pinned);
    expect(objects.filter((o) => o.kind === 'PodTemplate' || o.kind === 'ProvisioningRequest')).toEqual([]);
    const pod = only(objects, 'Deployment').spec.template;
    expect(pod.spec.nodeSelector).toBeUndefined();
    expect(Object.keys(pod.metadata.annotations)).toEqual(['checksum/config']);
  });

  describe('validation', () => {
    const problems = (q: Record<string, unknown>, base: AiInferenceSpec = pinned) => validateSpec(queued(q, base));
    it('refuses a run time of 0, of a fraction of a second, or above 7 days', () => {
      expect(problems({ maxRunDuration: Duration.seconds(0) })).toEqual([
        'capacity.queuedProvisioning.maxRunDuration (0s) must be above 0 (GKE reclaims the nodes when it ends); give the run time, e.g. Duration.days(7)',
      ]);
      expect(problems({ maxRunDuration: Duration.millis(1500) })).toEqual([
        'capacity.queuedProvisioning.maxRunDuration (1s500ms) must be a whole number of seconds (GKE takes maxRunDurationSeconds in seconds); round it',
      ]);
      expect(problems({ maxRunDuration: Duration.days(8) })).toEqual([
        "capacity.queuedProvisioning.maxRunDuration (8d) must be at most 7 days (604800 s), GKE's limit for nodes of a queued-provisioning request; lower it, or leave it out for the 7-day default",
      ]);
      expect(problems({ maxRunDuration: Duration.seconds(604_800) })).toEqual([]);
    });

    it('refuses a pod count below the most replicas, or not a whole number from 1', () => {
      expect(problems({ pods: 8 })).toEqual([
        'capacity.queuedProvisioning.pods (8) is below scaling.pinnedReplicas (10): a queued-provisioning node pool gets nodes only through a ProvisioningRequest, so 2 pod(s) would find no node and stay Pending; raise pods to at least 10, or leave it out to follow scaling.pinnedReplicas',
      ]);
      expect(problems({ pods: 0 })).toEqual(['capacity.queuedProvisioning.pods (0) must be within 1-10000 (pods to provision nodes for); pick a value in range']);
      expect(problems({ pods: 2.5 })).toEqual(['capacity.queuedProvisioning.pods (2.5) must be a whole number (pods to provision nodes for); round it']);
    });

    it('refuses it on EKS (an AWS NLB or an EC2 machine type): the class is GKE\'s', () => {
      const eks = { ...eksNlbSpec, slo: { ...eksNlbSpec.slo, throughputRps: 400 }, scaling: { pinnedReplicas: 10 } } as AiInferenceSpec;
      expect(validateSpec(eks)).toEqual([]);
      const rule =
        'requests nodes from GKE\'s Dynamic Workload Scheduler (class queued-provisioning.gke.io), but %s: on EKS no cluster autoscaler serves that class (upstream serves check-capacity and best-effort-atomic-scale-up only), so the pods would wait for its nodes forever; remove capacity.queuedProvisioning, or run the service on GKE (traffic.loadBalancer provider "gke-l4", a GKE machine type)';
      expect(problems({}, eks)).toEqual([`capacity.queuedProvisioning (an empty object) ${rule.replace('%s', 'traffic.loadBalancer is an AWS NLB (provider "aws-nlb")')}`]);
      const g5 = { ...eks, resources: { ...eks.resources, nodeType: 'g5.2xlarge' } } as AiInferenceSpec;
      expect(problems({}, g5)).toEqual([
        `capacity.queuedProvisioning (an empty object) ${rule.replace('%s', 'resources.nodeType (g5.2xlarge) is an EC2 instance type and traffic.loadBalancer is an AWS NLB (provider "aws-nlb")')}`,
      ]);
    });

    it('refuses a node pool that is no label value, and unknown keys', () => {
      expect(problems({ nodePool: 'l4 queued' })).toEqual([
        'capacity.queuedProvisioning.nodePool ("l4 queued") must be a Kubernetes label value (letters, digits, "-", "_", ".", starting and ending with a letter or digit); fix the value',
      ]);
      // GKE counts pods (a node may hold several): a count of "nodes" is pointed to pods.
      expect(problems({ nodes: 10 })).toEqual(['capacity.queuedProvisioning.nodes is not a field; did you mean capacity.queuedProvisioning.pods?']);
      expect(validateSpec({ ...pinned, capacity: { queued: {} } })).toEqual(['capacity.queued is not a field; known fields of capacity: queuedProvisioning']);
    });
  });

  describe(`warning ${WARNING_IDS.queuedCapacityExpires}`, () => {
    it('says what happens to the Deployment when the run time ends and what to use instead', () => {
      const warnings = chartOf(queued({ maxRunDuration: Duration.days(3) })).warnings.filter((w) => w.id === 'AII-W040');
      expect(warnings).toEqual([
        {
          id: 'AII-W040',
          message:
            "capacity.queuedProvisioning.maxRunDuration (3d) backs a Deployment, which never completes, with nodes GKE reclaims after 3d (the request's maxRunDurationSeconds, at most 7 days): then the nodes of its 10 pods are removed and the pods evicted, the Deployment recreates the pods, but a queued-provisioning node pool gives no new nodes without a new ProvisioningRequest, so the replacement pods stay Pending and the service is down until a new request is provisioned (which may wait for capacity); for serving that must outlive 3d, run on a GKE reservation or on an on-demand or Spot GPU node pool with the cluster autoscaler, and keep DWS (flex-start, queued or not) for bounded runs such as batch jobs and load tests; suppress AII-W040 when the service is meant to end within the run time",
        },
      ]);
      expect(chartOf(queued()).warnings.find((w) => w.id === 'AII-W040')?.message).toMatch(/^capacity\.queuedProvisioning\.maxRunDuration \(7d by default\) backs a Deployment/);
      expect(chartOf(pinned).warnings.map((w) => w.id)).not.toContain('AII-W040');
    });

    it('is suppressible by id, with the reason written into the output', () => {
      const reason = 'seed 004 load test: the service ends within the run time';
      const chart = chartOf({ ...queued(), warnings: { suppress: [{ id: 'AII-W040', reason }] } });
      expect(chart.warnings.map((w) => w.id)).not.toContain('AII-W040');
      expect(chart.suppressedWarnings.map((w) => [w.id, w.reason])).toEqual([['AII-W040', reason]]);
      const annotation = only(Testing.synth(chart), 'Deployment').metadata.annotations['ai-inference.cdk8s.io/suppressed-warnings'];
      expect(JSON.parse(annotation)).toEqual([{ id: 'AII-W040', reason }]);
    });
  });

  it(`warns (${WARNING_IDS.surgeWithoutSpareGpu}) that a surge rollout stalls: no node exists for the extra pod`, () => {
    const surge = chartOf(queued()).warnings.filter((w) => w.id === 'AII-W023');
    expect(surge).toEqual([
      {
        id: 'AII-W023',
        message:
          "scheduling.rollout.strategy (\"surge\" by default) adds one pod (maxSurge 1, maxUnavailable 0) before removing one, but under capacity.queuedProvisioning every node is one of the request's: the extra pod finds no node (a queued-provisioning node pool grows only through a ProvisioningRequest), stays Pending and the rollout stalls until progressDeadlineSeconds reports it failed; use strategy 'replace' (maxSurge 0, maxUnavailable 1)",
      },
    ]);
    const withRollout = (rollout: Record<string, unknown>) => chartOf(queued({}, { ...pinned, scheduling: { rollout } } as AiInferenceSpec)).warnings.filter((w) => w.id === 'AII-W023');
    expect(withRollout({ strategy: 'replace' })).toEqual([]);
    // Declared without spare capacity, the workload rule's own AII-W023 is the one printed.
    expect(withRollout({ strategy: 'surge', spareGpuCapacity: false }).map((w) => w.message)).toEqual([expect.stringContaining('but scheduling.rollout.spareGpuCapacity is false')]);
    expect(chartOf(pinned).warnings.map((w) => w.id)).not.toContain('AII-W023');
  });

  it('seed 004: Ollama on 10 pinned pods, one L4 and 40Gi each on g2-standard-12, asks for 10 pods and binds all of them', () => {
    const seed004 = {
      ...queued({ nodePool: 'l4-queued' }),
      scheduling: { rollout: { strategy: 'replace' } },
      warnings: { suppress: [{ id: 'AII-W040', reason: 'sustained load test: ends within the 7-day run time' }] },
    } as AiInferenceSpec;
    expect(validateSpec(seed004)).toEqual([]);
    const chart = chartOf(seed004);
    const objects = Testing.synth(chart);
    expectValidManifests(objects);
    expect(only(objects, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 10, maxReplicas: 10 });
    const pr = request(objects);
    expect(pr.spec.podSets).toEqual([{ count: 10, podTemplateRef: { name: 'ai-inference-capacity' } }]);
    expect(pr.spec.parameters).toEqual({ maxRunDurationSeconds: '604800' });
    const pod = only(objects, 'Deployment').spec.template;
    expect(pod.spec.containers[0].resources.limits).toMatchObject({ 'nvidia.com/gpu': 1, memory: '40Gi' });
    expect(pod.metadata.annotations['autoscaling.x-k8s.io/consume-provisioning-request']).toBe(pr.metadata.name);
    expect(only(objects, 'PodTemplate').template).toEqual(pod);
    expect(chart.warnings.map((w) => w.id)).not.toContain('AII-W040');
    expect(chart.warnings.map((w) => w.id)).not.toContain('AII-W023');
  });

  it('refuses the chart before building anything when the pod count is short', () => {
    expect(errorOf(() => chartOf(queued({ pods: 9 })))).toContain('capacity.queuedProvisioning.pods (9) is below scaling.pinnedReplicas (10)');
  });
});
