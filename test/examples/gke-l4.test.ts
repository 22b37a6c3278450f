import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Size } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { AiInferenceSpec, validateSpec } from '../../src';
import { gkeL4Spec } from '../../examples/gke-l4/spec';
import { expectValidManifests } from '../helpers/k8s-schema';
import { podSecurityRestrictedViolations } from '../helpers/pod-security';

const root = resolve(__dirname, '../..');
const read = (file: string) => readFileSync(join(root, 'dist', file), 'utf8');
const load = (file: string) => parseAllDocuments(read(file)).map((d) => d.toJSON());
const objects = load('gke-l4.k8s.yaml');
const find = (kind: string, name?: string) => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0];
};
const deployment = find('Deployment');
const pod = deployment.spec.template;
const server = pod.spec.containers[0];

describe('examples/gke-l4: seed 004 on GKE', () => {
  it('names the release and the namespace ai-inference', () => {
    expect(deployment.metadata).toMatchObject({ name: 'ai-inference', namespace: 'ai-inference' });
    expect(find('Namespace').metadata.name).toBe('ai-inference');
    expect(new Set(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace))).toEqual(new Set(['ai-inference']));
  });

  it('pins 10 replicas (minReplicas = maxReplicas = 10) and says why in the output', () => {
    const hpa = find('HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({ minReplicas: 10, maxReplicas: 10 });
    expect(hpa.metadata.annotations['ai-inference.cdk8s.io/pinned']).toContain('sustained load test');
    expect(deployment.spec.replicas).toBeUndefined();
  });

  it('runs Ollama with OLLAMA_NUM_PARALLEL=8 on port 8000', () => {
    expect(server.image).toBe('ollama/ollama:0.32.15');
    const env = Object.fromEntries(server.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ OLLAMA_HOST: '0.0.0.0:8000', OLLAMA_NUM_PARALLEL: '8', OLLAMA_MODELS: '/models' });
    expect(server.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(server.readinessProbe.httpGet).toEqual({ path: '/', port: 'http' });
    expect(pod.spec.initContainers.map((c: any) => [c.name, c.args])).toEqual([['model-download', ['llama3.1:8b']]]);
  });

  it('gives each pod one L4 on a g2-standard-12 with a 40Gi memory limit, below what the 48 GB node can give', () => {
    expect(server.resources.limits).toMatchObject({ 'nvidia.com/gpu': 1, memory: '40Gi' });
    expect(pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toEqual([
      { key: 'cloud.google.com/gke-accelerator', operator: 'In', values: ['nvidia-l4'] },
    ]);
    // The same spec with 44Gi does not fit g2-standard-12's allocatable memory (about 43.4 GiB).
    const tooBig: AiInferenceSpec = { ...gkeL4Spec, resources: { ...gkeL4Spec.resources, memory: { request: Size.gibibytes(44), limit: Size.gibibytes(44) } } };
    expect(validateSpec(tooBig).join('\n')).toContain('resources.memory.limit (44Gi) must stay below the allocatable memory of g2-standard-12');
  });

  it('exposes one external L4 passthrough load balancer named ai-inference on port 8000', () => {
    const lbs = objects.filter((o) => o.kind === 'Service' && o.spec.type === 'LoadBalancer');
    expect(lbs.map((s) => s.metadata.name)).toEqual(['ai-inference']);
    expect(lbs[0].metadata.annotations).toEqual({ 'cloud.google.com/l4-rbs': 'enabled' });
    expect(lbs[0].spec.ports).toEqual([{ name: 'http', port: 8000, protocol: 'TCP', targetPort: 'http' }]);
    expect(lbs[0].spec.externalTrafficPolicy).toBe('Local');
  });

  it('requests the 10 L4 nodes atomically through queued provisioning, for the pods of the Deployment', () => {
    const request = find('ProvisioningRequest');
    expect(request.apiVersion).toBe('autoscaling.x-k8s.io/v1');
    expect(request.spec).toEqual({
      provisioningClassName: 'queued-provisioning.gke.io',
      podSets: [{ count: 10, podTemplateRef: { name: 'ai-inference-capacity' } }],
      parameters: { maxRunDurationSeconds: '604800' },
    });
    expect(find('PodTemplate', 'ai-inference-capacity').template).toEqual(pod);
    expect(pod.metadata.annotations).toMatchObject({
      'autoscaling.x-k8s.io/consume-provisioning-request': request.metadata.name,
      'autoscaling.x-k8s.io/provisioning-class-name': 'queued-provisioning.gke.io',
    });
    expect(pod.spec.tolerations).toContainEqual({ key: 'cloud.google.com/gke-queued', operator: 'Exists', effect: 'NoSchedule' });
    expect(pod.spec.nodeSelector['cloud.google.com/gke-nodepool']).toBe('l4-queued');
  });

  it('is schema-valid and its pod passes Pod Security "restricted"', () => {
    expectValidManifests(objects);
    expect(podSecurityRestrictedViolations(pod.spec, pod.metadata.annotations)).toEqual([]);
  });

  it('carries no AWS key on the GKE side and no GKE key on the EKS side', () => {
    const keysOf = (objs: any[]) => objs.flatMap((o) => [...Object.keys(o.metadata?.annotations ?? {}), ...Object.keys(o.metadata?.labels ?? {}), o.spec?.loadBalancerClass ?? '']);
    expect(keysOf(objects).filter((k) => /amazonaws|aws-load-balancer|elbv2\.k8s\.aws|service\.k8s\.aws/.test(k))).toEqual([]);
    expect(read('gke-l4.k8s.yaml')).not.toMatch(/aws-load-balancer|elbv2\.k8s\.aws/);
    for (const eks of ['eks-nlb.k8s.yaml', 'eks-nlb-keda.k8s.yaml', 'eks-vllm.k8s.yaml']) {
      expect(read(eks), eks).not.toMatch(/cloud\.google\.com|networking\.gke\.io|gke-/);
    }
  });
});
