import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { InferenceDeployment, InferenceDeploymentProps, validateSpec } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { errorOf, synth } from '../support';

// The seed spec, loosened to `any` the way a spec read from JSON or YAML arrives.
const seed: any = eksNlbSpec;

/** The spec's problems with `resources` changed (request 16Gi keeps the seed's VPA bounds valid). */
function problems(resources: Record<string, unknown>, changes: Record<string, unknown> = {}): string[] {
  return validateSpec({ ...seed, resources: { ...seed.resources, memory: { request: Size.gibibytes(16), limit: Size.gibibytes(40) }, ...resources }, ...changes });
}

const deployment: InferenceDeploymentProps = {
  name: 'ai-inference',
  image: 'ollama/ollama:0.12.3',
  resources: { cpu: { request: Cpu.units(4), limit: Cpu.units(8) }, memory: { request: Size.gibibytes(40), limit: Size.gibibytes(40) }, gpu: { count: 1 }, nodeType: 'g2-standard-12' },
};

const KNOWN =
  'known: GKE: g2-standard-4, g2-standard-8, g2-standard-12, g2-standard-16, g2-standard-24, g2-standard-32, g2-standard-48, g2-standard-96, a2-highgpu-1g, a2-highgpu-2g, a2-highgpu-4g, a2-highgpu-8g, a2-megagpu-16g, a2-ultragpu-1g, a2-ultragpu-2g, a2-ultragpu-4g, a2-ultragpu-8g, a3-highgpu-8g; EKS: g5.xlarge, g5.2xlarge, g5.4xlarge, g5.8xlarge, g5.12xlarge, g5.16xlarge, g5.24xlarge, g5.48xlarge, g6.xlarge, g6.2xlarge, g6.4xlarge, g6.8xlarge, g6.12xlarge, g6.16xlarge, g6.24xlarge, g6.48xlarge, g6e.xlarge, g6e.2xlarge, g6e.4xlarge, g6e.8xlarge, g6e.12xlarge, g6e.16xlarge, g6e.24xlarge, g6e.48xlarge, p4d.24xlarge, p4de.24xlarge, p5.48xlarge';

describe('resources.nodeType: the pod against the memory, GPUs and CPU of its machine type', () => {
  describe('seed 004: a 40Gi limit on g2-standard-12 (48 GiB, allocatable about 43.4 GiB)', () => {
    it('accepts 40Gi in the spec and in the InferenceDeployment alone', () => {
      expect(problems({ nodeType: 'g2-standard-12' })).toEqual([]);
      expect(() => synth((chart) => new InferenceDeployment(chart, 'Inference', deployment))).not.toThrow();
    });

    it('refuses 44Gi, naming both numbers, the machine type and how the allocatable memory is derived', () => {
      const message =
        "resources.memory.limit (44Gi) must stay below the allocatable memory of g2-standard-12 (about 43.4 GiB: 48 GiB minus GKE's kubelet reservation 4.5 GiB and eviction threshold 100 MiB), or the node runs out of memory before the pod's limit stops it; lower the limit to 43Gi or less, or choose a machine type with more memory (e.g. g2-standard-16)";
      expect(problems({ nodeType: 'g2-standard-12', memory: { request: Size.gibibytes(16), limit: Size.gibibytes(44) } })).toEqual([message]);
      const props = { ...deployment, resources: { ...deployment.resources, memory: { request: Size.gibibytes(44), limit: Size.gibibytes(44) } } };
      expect(errorOf(() => synth((chart) => new InferenceDeployment(chart, 'Inference', props)))).toContain(message);
    });

    it('accepts 43Gi, the largest whole Gi below the allocatable memory', () => {
      expect(problems({ nodeType: 'g2-standard-12', memory: { request: Size.gibibytes(16), limit: Size.gibibytes(43) } })).toEqual([]);
    });
  });

  it("refuses a limit above an EKS instance's allocatable memory, by the EKS AMI's reservation", () => {
    expect(problems({ nodeType: 'g5.xlarge', memory: { request: Size.gibibytes(8), limit: Size.gibibytes(16) } })).toEqual([
      "resources.memory.limit (16Gi) must stay below the allocatable memory of g5.xlarge (about 15.0 GiB: 16 GiB minus the EKS AMI's kube-reserved 893 MiB (11 MiB × 58 max pods + 255 MiB) and eviction threshold 100 MiB), or the node runs out of memory before the pod's limit stops it; lower the limit to 15Gi or less, or choose a machine type with more memory (e.g. g5.2xlarge)",
    ]);
    expect(problems({ nodeType: 'g5.xlarge', memory: { request: Size.gibibytes(8), limit: Size.gibibytes(15) } })).toEqual([]);
  });

  it('refuses more GPUs per pod than the machine type has', () => {
    expect(problems({ nodeType: 'g2-standard-12', gpu: { count: 2 } })).toEqual([
      "resources.gpu.count (2) must not exceed the 1 GPU of g2-standard-12 (resources.nodeType): a pod's GPUs come from one node, so it would stay Pending; lower the count, or choose a machine type with 2 GPUs (e.g. g2-standard-24)",
    ]);
    expect(problems({ nodeType: 'g2-standard-24', gpu: { count: 2 } })).toEqual([]);
  });

  it('does not count MIG devices against the GPUs of the machine', () => {
    expect(problems({ nodeType: 'a2-highgpu-1g', gpu: { count: 2, resourceName: 'nvidia.com/mig-1g.5gb' } })).toEqual([]);
  });

  it("refuses a CPU request above the machine's vCPUs less the kubelet's share", () => {
    expect(problems({ nodeType: 'g2-standard-4', cpu: { request: Cpu.units(4), limit: Cpu.units(4) }, memory: { request: Size.gibibytes(8), limit: Size.gibibytes(12) } })).toEqual([
      "resources.cpu.request (4 cores) must not exceed the allocatable CPU of g2-standard-4 (3.92 cores: 4 vCPUs minus the kubelet's 80m), or no node can schedule the pod; lower the request, or choose a machine type with more vCPUs (e.g. g2-standard-8)",
    ]);
    expect(problems({ nodeType: 'g2-standard-4', cpu: { request: Cpu.millis(3900), limit: Cpu.units(4) }, memory: { request: Size.gibibytes(8), limit: Size.gibibytes(12) } })).toEqual([]);
  });

  describe('an unknown machine type', () => {
    it('suggests the nearest and lists the known ones', () => {
      expect(problems({ nodeType: 'g2-standard-13' })).toEqual([
        `resources.nodeType ("g2-standard-13") is not a GPU machine type the library knows; did you mean "g2-standard-12"? ${KNOWN}; for another machine type leave nodeType out and give resources.nodeAllocatableMemory (kubectl get node <name> -o jsonpath='{.status.allocatable.memory}')`,
      ]);
    });

    it('lists the known ones when none is near', () => {
      expect(problems({ nodeType: 'cpu-only-pool' })).toEqual([
        `resources.nodeType ("cpu-only-pool") is not a GPU machine type the library knows; ${KNOWN}; for another machine type leave nodeType out and give resources.nodeAllocatableMemory (kubectl get node <name> -o jsonpath='{.status.allocatable.memory}')`,
      ]);
    });

    it('is refused by the InferenceDeployment alone', () => {
      const props = { ...deployment, resources: { ...deployment.resources, nodeType: 'g2-standrad-12' } };
      expect(errorOf(() => synth((chart) => new InferenceDeployment(chart, 'Inference', props)))).toContain(
        'resources.nodeType ("g2-standrad-12") is not a GPU machine type the library knows; did you mean "g2-standard-12"?',
      );
    });
  });

  describe('with resources.nodeAllocatableMemory as well', () => {
    it('checks the limit against the explicit (measured) value, which wins over the derived one', () => {
      // 44Gi is above the derived 43.4 GiB, below the explicit 46Gi: the explicit value decides.
      expect(problems({ nodeType: 'g2-standard-12', nodeAllocatableMemory: Size.gibibytes(46), memory: { request: Size.gibibytes(16), limit: Size.gibibytes(44) } })).toEqual([]);
      expect(problems({ nodeType: 'g2-standard-12', nodeAllocatableMemory: Size.gibibytes(42), memory: { request: Size.gibibytes(16), limit: Size.gibibytes(42) } })).toEqual([
        "resources.memory.limit (42Gi) must stay below resources.nodeAllocatableMemory (42Gi), or the node runs out of memory before the pod's limit stops it; lower the limit (seed 004: 40Gi on a 48 GB node)",
      ]);
    });

    it("refuses an explicit value above the machine's memory", () => {
      expect(problems({ nodeType: 'g2-standard-12', nodeAllocatableMemory: Size.gibibytes(50) })).toEqual([
        "resources.nodeAllocatableMemory (50Gi) exceeds the memory of g2-standard-12 (48 GiB), which allocatable memory never reaches; give the node's measured allocatable memory (kubectl get node <name> -o jsonpath='{.status.allocatable.memory}') or leave it out to derive it (about 43.4 GiB: 48 GiB minus GKE's kubelet reservation 4.5 GiB and eviction threshold 100 MiB)",
      ]);
    });
  });

  describe("the machine's node label", () => {
    it('refuses a GPU product on that label that is not the machine type’s', () => {
      expect(problems({ nodeType: 'g2-standard-12', gpu: { count: 1, product: 'nvidia-tesla-t4', productLabel: 'cloud.google.com/gke-accelerator' } })).toEqual([
        'resources.gpu.product ("nvidia-tesla-t4") matches cloud.google.com/gke-accelerator against "nvidia-tesla-t4", but nodes of g2-standard-12 (resources.nodeType) carry cloud.google.com/gke-accelerator=nvidia-l4, so the pods would stay Pending or run on other machines than the ones their memory was checked against; use "nvidia-l4" or fix resources.nodeType',
      ]);
      expect(problems({ nodeType: 'g2-standard-12', gpu: { count: 1, product: 'nvidia-l4', productLabel: 'cloud.google.com/gke-accelerator' } })).toEqual([]);
    });

    it('refuses a node label on that key that is not the machine type’s', () => {
      expect(problems({ nodeType: 'g6.xlarge' , memory: { request: Size.gibibytes(8), limit: Size.gibibytes(12) } }, { scheduling: { ...seed.scheduling, nodeLabels: { 'node.kubernetes.io/instance-type': 'g5.xlarge' } } })).toEqual([
        'scheduling.nodeLabels.node.kubernetes.io/instance-type ("g5.xlarge") requires node.kubernetes.io/instance-type=g5.xlarge, but nodes of g6.xlarge (resources.nodeType) carry node.kubernetes.io/instance-type=g6.xlarge; use "g6.xlarge" or fix resources.nodeType',
      ]);
    });
  });

  it('checks nothing of the machine without resources.nodeType', () => {
    expect(problems({ gpu: { count: 8 }, memory: { request: Size.gibibytes(16), limit: Size.gibibytes(400) } })).toEqual([]);
  });
});
