import { Duration, Size, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, validateSpec, NlbLoadBalancerOptions } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { gpuNodeAffinity } from '../../src/pod/affinity';
import { ServerSpec } from '../../src/spec/server';
import { GpuResources, resolveGpu, resourcesSchema } from '../../src/spec/workload';
import { zodProblems } from '../../src/spec/problems';
import { expectValidManifests } from '../helpers/k8s-schema';
import { podSecurityRestrictedViolations } from '../helpers/pod-security';
import { errorOf, only } from '../support';

// GPUs for the vLLM engine: tensor parallelism over the pod's GPUs, MIG, /dev/shm, the GPU
// product and the RuntimeClass.

const { path: _seedPath, ...probesWithoutPath } = eksNlbSpec.probes!;
const lb = (eksNlbSpec.traffic!.loadBalancer! as NlbLoadBalancerOptions);
const storage = { models: eksNlbSpec.storage!.models, data: eksNlbSpec.storage!.data };

const vllmSpec = (gpu: GpuResources, server: Partial<Extract<ServerSpec, { engine: 'vllm' }>> = {}, rest: Partial<AiInferenceSpec> = {}): AiInferenceSpec => ({
  ...eksNlbSpec,
  resources: { ...eksNlbSpec.resources, memory: { request: Size.gibibytes(64), limit: Size.gibibytes(64) }, gpu },
  storage,
  // The seed's VPA bounds (up to 32Gi) do not fit a 64Gi pod.
  scaling: { ...eksNlbSpec.scaling!, vpa: false },
  probes: probesWithoutPath,
  metrics: undefined,
  traffic: { ...eksNlbSpec.traffic!, loadBalancer: { ...lb, healthCheck: { ...lb.healthCheck!, path: '/health' } } },
  server: { engine: 'vllm', model: 'meta-llama/Llama-3.1-70B-Instruct', ...server },
  ...rest,
});

const synthSpec = (spec: AiInferenceSpec) => Testing.synth(new AiInferenceChart(Testing.app(), 'gpu', { spec }));
const podSpec = (objects: any[]) => only(objects, 'Deployment').spec.template.spec;
const argAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('tensor parallelism', () => {
  it('splits the model over the GPU count by default', () => {
    const c = podSpec(synthSpec(vllmSpec({ count: 4 }))).containers[0];
    expect(argAfter(c.args, '--tensor-parallel-size')).toBe('4');
    expect(c.resources.limits['nvidia.com/gpu']).toBe(4);
  });

  it('refuses a tensor parallel size other than the GPU count, naming both and the fix', () => {
    expect(errorOf(() => synthSpec(vllmSpec({ count: 4 }, { tensorParallelSize: 2 })))).toContain(
      'server.tensorParallelSize (2) must equal resources.gpu.count (4): vLLM puts one shard of the model on each GPU it is given, so 2 shards on 4 GPUs either fails at startup or leaves GPUs idle; set server.tensorParallelSize to 4 (or leave it out: it defaults to the GPU count), or set resources.gpu.count to 2',
    );
    expect(errorOf(() => synthSpec(vllmSpec({ count: 1 }, { tensorParallelSize: 2 })))).toContain('server.tensorParallelSize (2) must equal resources.gpu.count (1)');
  });

  it('gives /dev/shm a 20Gi memory-backed emptyDir when the model is split', () => {
    const pod = podSpec(synthSpec(vllmSpec({ count: 2 })));
    expect(pod.volumes.find((v: any) => v.name === 'shm')).toEqual({ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '20Gi' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'shm', mountPath: '/dev/shm' });
  });

  it('keeps a /dev/shm size the spec gives, and adds none on one GPU', () => {
    const given = podSpec(synthSpec(vllmSpec({ count: 2 }, {}, { storage: { ...storage, sharedMemorySizeLimit: Size.gibibytes(4) } })));
    expect(given.volumes.find((v: any) => v.name === 'shm').emptyDir).toEqual({ medium: 'Memory', sizeLimit: '4Gi' });
    expect(podSpec(synthSpec(vllmSpec({ count: 1 }))).volumes.map((v: any) => v.name)).not.toContain('shm');
  });

  it('counts the default /dev/shm against the memory limit', () => {
    const small = vllmSpec({ count: 2 }, {}, { resources: { ...eksNlbSpec.resources, memory: { request: Size.gibibytes(16), limit: Size.gibibytes(16) }, gpu: { count: 2 } } });
    expect(validateSpec(small)).toContain(
      "storage.sharedMemorySizeLimit (20Gi) must stay below resources.memory.limit (16Gi): /dev/shm is memory-backed and counts against the container's limit, so filling it OOM-kills the pod; lower it (a few Gi is typical) or raise the limit (the size is the model server's default for tensor parallelism: set storage.sharedMemorySizeLimit to choose another)",
    );
  });
});

describe('MIG devices', () => {
  it('accepts a MIG resource name and sets it as the GPU limit', () => {
    expect(zodProblems(resourcesSchema, { ...eksNlbSpec.resources, gpu: { count: 1, resourceName: 'nvidia.com/mig-1g.10gb' } })).toEqual([]);
    expect(zodProblems(resourcesSchema, { ...eksNlbSpec.resources, gpu: { count: 1, resourceName: 'nvidia.com/mig-3g.40gb' } })).toEqual([]);
    const c = podSpec(synthSpec(vllmSpec({ count: 1, resourceName: 'nvidia.com/mig-3g.40gb' }))).containers[0];
    expect(c.resources.limits).toEqual({ cpu: '4', memory: '64Gi', 'nvidia.com/mig-3g.40gb': 1 });
  });

  it('still refuses a resource name that is not an extended resource name', () => {
    expect(zodProblems(resourcesSchema, { ...eksNlbSpec.resources, gpu: { count: 1, resourceName: 'mig 1g.10gb' } })).toEqual([
      'gpu.resourceName ("mig 1g.10gb") must be an extended resource name like nvidia.com/gpu; fix the name',
    ]);
  });

  it('refuses tensor parallelism over several MIG devices, saying why', () => {
    const message = errorOf(() => synthSpec(vllmSpec({ count: 2, resourceName: 'nvidia.com/mig-1g.10gb' })));
    expect(message).toContain(
      'resources.gpu.count (2) asks for 2 MIG devices (nvidia.com/mig-1g.10gb), but vLLM cannot split a model over MIG devices: a CUDA process enumerates only one MIG device, and MIG instances have no peer-to-peer (NVLink or PCIe) path between them for NCCL',
    );
    expect(message).toContain('use 1 MIG device with a profile large enough for the model, or whole GPUs (nvidia.com/gpu) for tensor parallelism');
  });
});

describe('the GPU product', () => {
  it('requires nodes whose GPU feature discovery label names one of the products', () => {
    const objects = synthSpec(vllmSpec({ count: 1, product: ['NVIDIA-A100-SXM4-80GB', 'NVIDIA-H100-80GB-HBM3'] }));
    expect(podSpec(objects).affinity.nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: 'node-type', operator: 'In', values: ['gpu-inference'] },
              { key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-A100-SXM4-80GB', 'NVIDIA-H100-80GB-HBM3'] },
            ],
          },
        ],
      },
    });
    expectValidManifests(objects);
  });

  it("matches the cloud's label when given, and one product as a string", () => {
    const gke = podSpec(synthSpec(vllmSpec({ count: 1, product: 'nvidia-l4', productLabel: 'cloud.google.com/gke-accelerator' }, {}, { scheduling: { ...eksNlbSpec.scheduling, nodeLabels: {} } })));
    expect(gke.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toEqual([
      { key: 'cloud.google.com/gke-accelerator', operator: 'In', values: ['nvidia-l4'] },
    ]);
    expect(resolveGpu({ count: 1, product: 'NVIDIA-L4' }).productSelector).toEqual({ label: 'nvidia.com/gpu.product', values: ['NVIDIA-L4'] });
    expect(gpuNodeAffinity({}, { label: 'node.kubernetes.io/instance-type', values: ['g6.xlarge'] })).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g6.xlarge'] }] }] },
    });
  });

  it('leaves the generic affinity as it was without a product', () => {
    expect(gpuNodeAffinity({ 'node-type': 'gpu-inference' })).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'node-type', operator: 'In', values: ['gpu-inference'] }] }] },
    });
  });

  it('refuses a product that is no label value, an empty list, a bad label, a label without a product, and a node label on the same key', () => {
    expect(validateSpec(vllmSpec({ count: 1, product: 'NVIDIA A100' }))).toEqual([expect.stringContaining('resources.gpu.product ("NVIDIA A100") must be a Kubernetes label value')]);
    expect(validateSpec(vllmSpec({ count: 1, product: [] }))).toEqual([expect.stringContaining('resources.gpu.product (an empty list) must hold at least 1 entry')]);
    expect(validateSpec(vllmSpec({ count: 1, product: 'NVIDIA-L4', productLabel: 'bad label' }))).toEqual([expect.stringContaining('resources.gpu.productLabel ("bad label")')]);
    expect(validateSpec(vllmSpec({ count: 1, productLabel: 'cloud.google.com/gke-accelerator' }))).toContain(
      'resources.gpu.productLabel ("cloud.google.com/gke-accelerator") names the label to match resources.gpu.product, but no product is given; add resources.gpu.product or leave productLabel out',
    );
    const pinned = vllmSpec({ count: 1, product: 'NVIDIA-L4' }, {}, { scheduling: { ...eksNlbSpec.scheduling, nodeLabels: { 'nvidia.com/gpu.product': 'NVIDIA-A10G' } } });
    expect(validateSpec(pinned)).toContain(
      'scheduling.nodeLabels.nvidia.com/gpu.product ("NVIDIA-A10G") pins the GPU product label that resources.gpu.product already matches; both must hold, so a mismatch leaves the pods Pending; keep resources.gpu.product and remove this node label',
    );
  });
});

describe('the RuntimeClass', () => {
  it('sets runtimeClassName on the pods', () => {
    const objects = synthSpec(vllmSpec({ count: 2 }, {}, { scheduling: { ...eksNlbSpec.scheduling, runtimeClassName: 'nvidia' } }));
    expect(podSpec(objects).runtimeClassName).toBe('nvidia');
    expect(podSpec(synthSpec(vllmSpec({ count: 1 }))).runtimeClassName).toBeUndefined();
    expectValidManifests(objects);
    expect(podSecurityRestrictedViolations(podSpec(objects))).toEqual([]);
  });

  it('refuses a name that is no DNS subdomain', () => {
    expect(validateSpec(vllmSpec({ count: 1 }, {}, { scheduling: { ...eksNlbSpec.scheduling, runtimeClassName: 'NVIDIA_runtime' } }))).toEqual([
      expect.stringContaining('scheduling.runtimeClassName ("NVIDIA_runtime") must be an RFC 1123 subdomain'),
    ]);
  });
});

describe('a split 70B model on four GPUs, downloaded first', () => {
  it('meets Pod Security "restricted" and the Kubernetes schema', () => {
    const objects = synthSpec(
      vllmSpec(
        { count: 4, product: 'NVIDIA-A100-SXM4-80GB' },
        { preDownload: true, downloadTime: Duration.minutes(25), huggingFaceToken: { secretName: 'hf-token', key: 'token' } },
        { scheduling: { ...eksNlbSpec.scheduling, runtimeClassName: 'nvidia' } },
      ),
    );
    const pod = podSpec(objects);
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['model-download']);
    expect(pod.initContainers[0].resources.limits).not.toHaveProperty('nvidia.com/gpu');
    expect(podSecurityRestrictedViolations(pod, only(objects, 'Deployment').spec.template.metadata.annotations)).toEqual([]);
    expectValidManifests(objects);
  });
});
