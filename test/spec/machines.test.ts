import { describe, expect, it } from 'vitest';
import {
  EKS_GPU_INSTANCES,
  EVICTION_HARD_MEMORY_MIB,
  GKE_GPU_MACHINES,
  GPU_MACHINE_TYPES,
  MACHINE_SOURCES,
  describeAllocatableMemory,
  eksKubeReservedMemoryMib,
  eksMaxPods,
  findMachineType,
  formatMib,
  gkeKubeReservedMemoryMib,
  kubeReservedCpuMillicores,
  nodeAllocatable,
} from '../../src/spec/machines';

const machine = (name: string) => {
  const m = findMachineType(name);
  if (!m) throw new Error(`no machine type ${name}`);
  return m;
};

describe('the GPU machine type table', () => {
  it('names every machine type once and cites a source for each row', () => {
    const names = GPU_MACHINE_TYPES.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of GPU_MACHINE_TYPES) expect(Object.keys(MACHINE_SOURCES)).toContain(m.source);
  });

  it('holds the G2 machine types with their L4 GPUs and binary memory (Compute Engine GB = GiB)', () => {
    const g2 = GKE_GPU_MACHINES.filter((m) => m.name.startsWith('g2-'));
    expect(g2.map((m) => [m.name, m.vcpus, m.memoryMib / 1024, m.gpus])).toEqual([
      ['g2-standard-4', 4, 16, 1],
      ['g2-standard-8', 8, 32, 1],
      ['g2-standard-12', 12, 48, 1],
      ['g2-standard-16', 16, 64, 1],
      ['g2-standard-24', 24, 96, 2],
      ['g2-standard-32', 32, 128, 1],
      ['g2-standard-48', 48, 192, 4],
      ['g2-standard-96', 96, 384, 8],
    ]);
    for (const m of g2) expect(m.nodeLabel).toEqual({ key: 'cloud.google.com/gke-accelerator', value: 'nvidia-l4' });
  });

  it('holds the A2 and A3 machine types with their A100 and H100 GPUs', () => {
    expect([machine('a2-highgpu-1g').memoryMib, machine('a2-highgpu-1g').gpus, machine('a2-highgpu-1g').nodeLabel.value]).toEqual([85 * 1024, 1, 'nvidia-tesla-a100']);
    expect([machine('a2-ultragpu-8g').memoryMib, machine('a2-ultragpu-8g').gpus, machine('a2-ultragpu-8g').nodeLabel.value]).toEqual([1360 * 1024, 8, 'nvidia-a100-80gb']);
    expect([machine('a3-highgpu-8g').vcpus, machine('a3-highgpu-8g').memoryMib, machine('a3-highgpu-8g').gpus]).toEqual([208, 1872 * 1024, 8]);
  });

  it('holds the EKS GPU instance types with memory in MiB and the instance-type label', () => {
    expect(EKS_GPU_INSTANCES.map((m) => m.name)).toEqual(expect.arrayContaining(['g5.xlarge', 'g6.12xlarge', 'g6e.48xlarge', 'p4d.24xlarge', 'p4de.24xlarge', 'p5.48xlarge']));
    expect([machine('p5.48xlarge').vcpus, machine('p5.48xlarge').memoryMib, machine('p5.48xlarge').gpus]).toEqual([192, 2097152, 8]);
    expect(machine('g5.xlarge').nodeLabel).toEqual({ key: 'node.kubernetes.io/instance-type', value: 'g5.xlarge' });
  });

  it('finds nothing for an unknown name', () => {
    expect(findMachineType('g2-standard-13')).toBeUndefined();
  });
});

describe("GKE's kubelet memory reservation", () => {
  it('reserves 255 MiB below 1 GiB', () => {
    expect(gkeKubeReservedMemoryMib(512)).toBe(255);
  });

  it('reserves 25 % of a machine within the first 4 GiB', () => {
    // 2 GiB = 2048 MiB: 25 % of 2048 = 512
    expect(gkeKubeReservedMemoryMib(2048)).toBe(512);
  });

  it('computes g2-standard-4 (16 GiB) by hand', () => {
    // 16 GiB = 16384 MiB: 25 % of 4096 = 1024; 20 % of 4096 = 819.2; 10 % of 8192 = 819.2
    // reserved = 2662.4 MiB; allocatable = 16384 - 2662.4 - 100 = 13621.6 MiB (13.30 GiB)
    expect(gkeKubeReservedMemoryMib(16384)).toBeCloseTo(2662.4, 6);
    expect(nodeAllocatable(machine('g2-standard-4')).memoryMib).toBeCloseTo(13621.6, 6);
  });

  it('computes g2-standard-12 (48 GiB, seed 004) by hand', () => {
    // 48 GiB = 49152 MiB: 1024 + 819.2 + 819.2 + 6 % of (49152 - 16384 = 32768) = 1966.08
    // reserved = 4628.48 MiB (4.52 GiB); allocatable = 49152 - 4628.48 - 100 = 44423.52 MiB
    // = 43.38 GiB: a 40Gi limit (40960 MiB) fits, 44Gi (45056 MiB) does not.
    expect(gkeKubeReservedMemoryMib(49152)).toBeCloseTo(4628.48, 6);
    const a = nodeAllocatable(machine('g2-standard-12'));
    expect(a.memoryMib).toBeCloseTo(44423.52, 6);
    expect(a.memoryMib).toBeGreaterThan(40 * 1024);
    expect(a.memoryMib).toBeLessThan(44 * 1024);
  });

  it('computes a2-highgpu-1g (85 GiB) by hand', () => {
    // 85 GiB = 87040 MiB: 2662.4 (first 16 GiB) + 6 % of (87040 - 16384 = 70656) = 4239.36
    // reserved = 6901.76 MiB; allocatable = 87040 - 6901.76 - 100 = 80038.24 MiB
    expect(gkeKubeReservedMemoryMib(87040)).toBeCloseTo(6901.76, 6);
    expect(nodeAllocatable(machine('a2-highgpu-1g')).memoryMib).toBeCloseTo(80038.24, 6);
  });

  it('computes a3-highgpu-8g (1872 GiB) by hand, with the 2 % tier above 128 GiB', () => {
    // 1872 GiB = 1916928 MiB: 2662.4 + 6 % of 114688 (112 GiB) = 6881.28 -> 9543.68 at 128 GiB;
    // + 2 % of (1916928 - 131072 = 1785856) = 35717.12 -> reserved = 45260.8 MiB
    expect(gkeKubeReservedMemoryMib(1916928)).toBeCloseTo(45260.8, 6);
    expect(nodeAllocatable(machine('a3-highgpu-8g')).memoryMib).toBeCloseTo(1916928 - 45260.8 - 100, 6);
  });
});

describe("the EKS AMI's kubelet memory reservation", () => {
  it('takes max pods from the ENI limits: ENIs x (IPv4 per ENI - 1) + 2', () => {
    // g5.xlarge: 4 ENIs x (15 - 1) + 2 = 58; g6.12xlarge: 8 x 29 + 2 = 234;
    // g5.48xlarge: 7 x 49 + 2 = 345; p5.48xlarge: 2 x 49 + 2 = 100
    expect(eksMaxPods({ maxEnis: 4, ipv4PerEni: 15 })).toBe(58);
    expect(nodeAllocatable(machine('g6.12xlarge')).maxPods).toBe(234);
    expect(nodeAllocatable(machine('g5.48xlarge')).maxPods).toBe(345);
    expect(nodeAllocatable(machine('p5.48xlarge')).maxPods).toBe(100);
  });

  it('reserves 11 MiB per max pod plus 255 MiB', () => {
    // 11 x 58 + 255 = 893; 11 x 234 + 255 = 2829; 11 x 737 + 255 = 8362
    expect(eksKubeReservedMemoryMib(58)).toBe(893);
    expect(eksKubeReservedMemoryMib(234)).toBe(2829);
    expect(eksKubeReservedMemoryMib(737)).toBe(8362);
  });

  it('computes g5.xlarge, g6.12xlarge and p5.48xlarge allocatable memory by hand', () => {
    // g5.xlarge: 16384 - 893 - 100 = 15391 MiB (15.03 GiB)
    // g6.12xlarge: 196608 - 2829 - 100 = 193679 MiB
    // p5.48xlarge: 2097152 - (11 x 100 + 255 = 1355) - 100 = 2095697 MiB
    expect(nodeAllocatable(machine('g5.xlarge')).memoryMib).toBe(15391);
    expect(nodeAllocatable(machine('g6.12xlarge')).memoryMib).toBe(193679);
    expect(nodeAllocatable(machine('p5.48xlarge')).memoryMib).toBe(2095697);
    expect(EVICTION_HARD_MEMORY_MIB).toBe(100);
  });
});

describe('the kubelet CPU reservation', () => {
  it('reserves 6 % of the first core, 1 % of the second, 0.5 % of the next two and 0.25 % above four', () => {
    // 1 vCPU: 60m; 2: 60 + 10 = 70m; 4: 70 + 10 = 80m;
    // 12 (g2-standard-12): 80 + 0.25 % of 8000 = 20 -> 100m; 192 (p5.48xlarge): 80 + 0.25 % of 188000 = 470 -> 550m
    expect(kubeReservedCpuMillicores(1)).toBe(60);
    expect(kubeReservedCpuMillicores(2)).toBe(70);
    expect(kubeReservedCpuMillicores(4)).toBe(80);
    expect(kubeReservedCpuMillicores(12)).toBe(100);
    expect(kubeReservedCpuMillicores(192)).toBe(550);
    expect(nodeAllocatable(machine('g2-standard-12')).cpuMillicores).toBe(11900);
  });
});

describe('the texts of the derivation', () => {
  it('shows MiB as GiB from 1 GiB up, as MiB below', () => {
    expect(formatMib(49152)).toBe('48 GiB');
    expect(formatMib(4628.48)).toBe('4.5 GiB');
    expect(formatMib(893)).toBe('893 MiB');
  });

  it('explains the GKE and the EKS derivations', () => {
    expect(describeAllocatableMemory(nodeAllocatable(machine('g2-standard-12')))).toBe(
      "about 43.4 GiB: 48 GiB minus GKE's kubelet reservation 4.5 GiB and eviction threshold 100 MiB",
    );
    expect(describeAllocatableMemory(nodeAllocatable(machine('g5.xlarge')))).toBe(
      "about 15.0 GiB: 16 GiB minus the EKS AMI's kube-reserved 893 MiB (11 MiB × 58 max pods + 255 MiB) and eviction threshold 100 MiB",
    );
  });
});
