/**
 * GPU machine types of GKE and EKS with their memory, vCPUs and GPUs, and the kubelet
 * reservations each platform documents, so that a node's allocatable memory is derived
 * from its machine type instead of typed by hand. Pure data and functions; no cdk8s.
 *
 * Units: every amount is in MiB (memory) or millicores (CPU). Compute Engine's "GB" of
 * machine memory is binary: its API field is `memoryMb` in MiB (f1-micro "0.6 GB" is 614,
 * g1-small "1.7 GB" is 1740), and the cluster-autoscaler converts it as `MemoryMb * MiB`.
 * EC2 reports `MemoryInfo.SizeInMiB`. So g2-standard-12's "48 GB" is 48 GiB = 49152 MiB.
 *
 * What the derived value is: the documented upper bound. The kubelet's memory capacity is
 * the memory the kernel reports, which is below the machine's (the cluster-autoscaler
 * estimates about 1/64 of it plus some 100-350 MiB on GKE, `CalculateKernelReserved` in
 * cloudprovider/gce/gce_reserved.go); DaemonSet pods (GPU device plugin, DCGM exporter,
 * log and metrics agents) take their requests from allocatable too. A limit that fails
 * this check never fits; one that passes may still need a few hundred MiB of headroom.
 */

/** The platform whose kubelet reservation applies. */
export type MachinePlatform = 'gke' | 'eks';

/** One GPU machine (Compute Engine machine type or EC2 instance type). */
export interface GpuMachineType {
  /** The machine type as the cloud names it: `g2-standard-12`, `g5.xlarge`. */
  readonly name: string;
  readonly platform: MachinePlatform;
  readonly vcpus: number;
  /** Machine memory in MiB. */
  readonly memoryMib: number;
  /** GPUs attached to the machine. */
  readonly gpus: number;
  /** GPU model, for people (`NVIDIA L4`). */
  readonly gpuModel: string;
  /**
   * The node label and value nodes of this machine carry: GKE's accelerator label
   * (`cloud.google.com/gke-accelerator`), the well-known instance-type label on EKS.
   */
  readonly nodeLabel: { readonly key: string; readonly value: string };
  /** EKS only: network interfaces and IPv4 addresses per interface, which set max pods. */
  readonly eni?: { readonly maxEnis: number; readonly ipv4PerEni: number };
  /** Key of {@link MACHINE_SOURCES} the row was read from. */
  readonly source: keyof typeof MACHINE_SOURCES;
}

/** Where the rows and formulas come from. */
export const MACHINE_SOURCES = {
  'gce-accel':
    'Compute Engine, accelerator-optimized machine family (https://cloud.google.com/compute/docs/accelerator-optimized-machines): G2 and A2 tables as quoted from that page by third-party catalogs; the A3 row from the page itself ("208 vCPUs, 1,872 GB of memory"). The Google page tables were not read directly.',
  'gce-accel-thirdparty':
    'A2 Ultra (A100 80GB) rows: third-party catalogs only (vCPU and memory consistent across them); not read in Google\'s table. Check with `gcloud compute machine-types describe` before relying on the last GiB.',
  'eks-ami':
    'EC2 vCPU / memory (MiB) / GPU count: cluster-autoscaler cloudprovider/aws/ec2_instance_types.go (generated from the EC2 API, static list of 2026-01-22, kubernetes/autoscaler @ 55c37cd5). ENIs and IPv4 per ENI: awslabs/amazon-eks-ami nodeadm/internal/kubelet/instance-info.jsonl @ v20260724 (81fec2e8). GPU models: the instance families as NVIDIA names them (A10G g5, L4 g6, L40S g6e, A100 p4d/p4de, H100 p5).',
} as const;

const GKE_ACCELERATOR_LABEL = 'cloud.google.com/gke-accelerator';
const EKS_INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';

const GIB = 1024;

function gke(name: string, vcpus: number, memoryGib: number, gpus: number, gpuModel: string, accelerator: string, source: GpuMachineType['source'] = 'gce-accel'): GpuMachineType {
  return { name, platform: 'gke', vcpus, memoryMib: memoryGib * GIB, gpus, gpuModel, nodeLabel: { key: GKE_ACCELERATOR_LABEL, value: accelerator }, source };
}

function eks(name: string, vcpus: number, memoryMib: number, gpus: number, gpuModel: string, maxEnis: number, ipv4PerEni: number): GpuMachineType {
  return { name, platform: 'eks', vcpus, memoryMib, gpus, gpuModel, nodeLabel: { key: EKS_INSTANCE_TYPE_LABEL, value: name }, eni: { maxEnis, ipv4PerEni }, source: 'eks-ami' };
}

/**
 * GKE GPU machine types (default memory; G2 also offers more memory as custom shapes, e.g.
 * g2-standard-12 up to 54 GB: give `nodeAllocatableMemory` for those). The accelerator label
 * values are the GKE accelerator types (`gcloud ... --accelerator type=nvidia-l4`).
 */
export const GKE_GPU_MACHINES: readonly GpuMachineType[] = [
  gke('g2-standard-4', 4, 16, 1, 'NVIDIA L4', 'nvidia-l4'),
  gke('g2-standard-8', 8, 32, 1, 'NVIDIA L4', 'nvidia-l4'),
  gke('g2-standard-12', 12, 48, 1, 'NVIDIA L4', 'nvidia-l4'),
  gke('g2-standard-16', 16, 64, 1, 'NVIDIA L4', 'nvidia-l4'),
  gke('g2-standard-24', 24, 96, 2, 'NVIDIA L4', 'nvidia-l4'),
  gke('g2-standard-32', 32, 128, 1, 'NVIDIA L4', 'nvidia-l4'),
  gke('g2-standard-48', 48, 192, 4, 'NVIDIA L4', 'nvidia-l4'),
  gke('g2-standard-96', 96, 384, 8, 'NVIDIA L4', 'nvidia-l4'),
  gke('a2-highgpu-1g', 12, 85, 1, 'NVIDIA A100 40GB', 'nvidia-tesla-a100'),
  gke('a2-highgpu-2g', 24, 170, 2, 'NVIDIA A100 40GB', 'nvidia-tesla-a100'),
  gke('a2-highgpu-4g', 48, 340, 4, 'NVIDIA A100 40GB', 'nvidia-tesla-a100'),
  gke('a2-highgpu-8g', 96, 680, 8, 'NVIDIA A100 40GB', 'nvidia-tesla-a100'),
  gke('a2-megagpu-16g', 96, 1360, 16, 'NVIDIA A100 40GB', 'nvidia-tesla-a100'),
  gke('a2-ultragpu-1g', 12, 170, 1, 'NVIDIA A100 80GB', 'nvidia-a100-80gb', 'gce-accel-thirdparty'),
  gke('a2-ultragpu-2g', 24, 340, 2, 'NVIDIA A100 80GB', 'nvidia-a100-80gb', 'gce-accel-thirdparty'),
  gke('a2-ultragpu-4g', 48, 680, 4, 'NVIDIA A100 80GB', 'nvidia-a100-80gb', 'gce-accel-thirdparty'),
  gke('a2-ultragpu-8g', 96, 1360, 8, 'NVIDIA A100 80GB', 'nvidia-a100-80gb', 'gce-accel-thirdparty'),
  gke('a3-highgpu-8g', 208, 1872, 8, 'NVIDIA H100 80GB', 'nvidia-h100-80gb'),
];

/** EKS GPU instance types: memory in MiB as EC2 reports it, ENI limits as the EKS AMI embeds them. */
export const EKS_GPU_INSTANCES: readonly GpuMachineType[] = [
  eks('g5.xlarge', 4, 16384, 1, 'NVIDIA A10G', 4, 15),
  eks('g5.2xlarge', 8, 32768, 1, 'NVIDIA A10G', 4, 15),
  eks('g5.4xlarge', 16, 65536, 1, 'NVIDIA A10G', 8, 30),
  eks('g5.8xlarge', 32, 131072, 1, 'NVIDIA A10G', 8, 30),
  eks('g5.12xlarge', 48, 196608, 4, 'NVIDIA A10G', 15, 50),
  eks('g5.16xlarge', 64, 262144, 1, 'NVIDIA A10G', 8, 30),
  eks('g5.24xlarge', 96, 393216, 4, 'NVIDIA A10G', 15, 50),
  eks('g5.48xlarge', 192, 786432, 8, 'NVIDIA A10G', 7, 50),
  eks('g6.xlarge', 4, 16384, 1, 'NVIDIA L4', 4, 15),
  eks('g6.2xlarge', 8, 32768, 1, 'NVIDIA L4', 4, 15),
  eks('g6.4xlarge', 16, 65536, 1, 'NVIDIA L4', 8, 30),
  eks('g6.8xlarge', 32, 131072, 1, 'NVIDIA L4', 8, 30),
  eks('g6.12xlarge', 48, 196608, 4, 'NVIDIA L4', 8, 30),
  eks('g6.16xlarge', 64, 262144, 1, 'NVIDIA L4', 15, 50),
  eks('g6.24xlarge', 96, 393216, 4, 'NVIDIA L4', 15, 50),
  eks('g6.48xlarge', 192, 786432, 8, 'NVIDIA L4', 15, 50),
  eks('g6e.xlarge', 4, 32768, 1, 'NVIDIA L40S', 4, 15),
  eks('g6e.2xlarge', 8, 65536, 1, 'NVIDIA L40S', 4, 15),
  eks('g6e.4xlarge', 16, 131072, 1, 'NVIDIA L40S', 8, 30),
  eks('g6e.8xlarge', 32, 262144, 1, 'NVIDIA L40S', 8, 30),
  eks('g6e.12xlarge', 48, 393216, 4, 'NVIDIA L40S', 10, 30),
  eks('g6e.16xlarge', 64, 524288, 1, 'NVIDIA L40S', 15, 50),
  eks('g6e.24xlarge', 96, 786432, 4, 'NVIDIA L40S', 10, 50),
  eks('g6e.48xlarge', 192, 1572864, 8, 'NVIDIA L40S', 10, 50),
  eks('p4d.24xlarge', 96, 1179648, 8, 'NVIDIA A100 40GB', 15, 50),
  eks('p4de.24xlarge', 96, 1179648, 8, 'NVIDIA A100 80GB', 15, 50),
  eks('p5.48xlarge', 192, 2097152, 8, 'NVIDIA H100 80GB', 2, 50),
];

/** Every known GPU machine type, GKE first. */
export const GPU_MACHINE_TYPES: readonly GpuMachineType[] = [...GKE_GPU_MACHINES, ...EKS_GPU_INSTANCES];

/** The machine type of that name, or undefined. */
export function findMachineType(name: string): GpuMachineType | undefined {
  return GPU_MACHINE_TYPES.find((m) => m.name === name);
}

// ---- reservations ----------------------------------------------------------------------

/**
 * The kubelet's hard eviction threshold `memory.available`: 100 MiB on both platforms.
 * GKE: plan-node-sizes ("an eviction threshold of 100 MiB"), and the cluster-autoscaler's
 * `defaultKubeletEvictionHardMemory = 100 * MiB` (cloudprovider/gce/gce_reserved.go).
 * EKS: nodeadm's default `evictionHard: {memory.available: 100Mi}` (nodeadm/internal/kubelet/config.go).
 */
export const EVICTION_HARD_MEMORY_MIB = 100;

/** Tiers of GKE's memory reservation: [size of the tier in MiB, share reserved]. */
const GKE_MEMORY_TIERS: readonly (readonly [number, number])[] = [
  [4 * GIB, 0.25],
  [4 * GIB, 0.2],
  [8 * GIB, 0.1],
  [112 * GIB, 0.06],
  [Infinity, 0.02],
];

/**
 * GKE's kube-reserved memory for a machine of `memoryMib`: 255 MiB below 1 GiB; otherwise
 * 25 % of the first 4 GiB, 20 % of the next 4 GiB (to 8), 10 % of the next 8 GiB (to 16),
 * 6 % of the next 112 GiB (to 128) and 2 % of everything above 128 GiB. Fractional MiB are
 * kept (GKE's own rounding is not documented).
 *
 * Source: GKE, "Plan GKE Standard node sizes", section "Memory and CPU reservations"
 * (https://cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes). The stored
 * copies of that page reachable here stop before the section; the tiers are as quoted from
 * it, identically, by several independent sources (kURL's kube-reserved docs citing GKE,
 * the gke-node-allocatable-memory-calculator citing that anchor, Gcore's and Nebius' docs).
 * Assumptions: the tiers apply to the machine memory in binary units (GiB), and node pools
 * keep GKE's default (no custom kubelet reservation). A third-party note says GKE 1.37+
 * may reserve less (a per-pod formula capped by this one): this one is then an upper bound
 * on the reservation, so the derived allocatable is a lower bound (a conservative check).
 */
export function gkeKubeReservedMemoryMib(memoryMib: number): number {
  if (memoryMib < GIB) return 255;
  let remaining = memoryMib;
  let reserved = 0;
  for (const [size, share] of GKE_MEMORY_TIERS) {
    const inTier = Math.min(remaining, size);
    if (inTier <= 0) break;
    reserved += inTier * share;
    remaining -= inTier;
  }
  return reserved;
}

/**
 * Max pods of an EKS node as the EKS AMI (AL2023 nodeadm) sets it: ENIs × (IPv4 addresses
 * per ENI − 1) + 2. Source: awslabs/amazon-eks-ami nodeadm/internal/kubelet/eni_max_pods.go
 * `calculateStandardMaxPods` @ v20260724 (AL2's eni-max-pods.txt held the same values).
 * Assumptions: no `maxPodsExpression` and no kubelet `maxPods` override in the node's
 * NodeConfig (prefix delegation set-ups often set one, and then reserve less).
 */
export function eksMaxPods(eni: { readonly maxEnis: number; readonly ipv4PerEni: number }): number {
  return eni.maxEnis * (eni.ipv4PerEni - 1) + 2;
}

/**
 * The EKS AMI's kube-reserved memory: 11 MiB per pod of max pods, plus 255 MiB.
 * Source: awslabs/amazon-eks-ami nodeadm/internal/kubelet/config.go
 * `getMemoryMebibytesToReserve` @ v20260724 (AL2 bootstrap.sh had the same formula).
 */
export function eksKubeReservedMemoryMib(maxPods: number): number {
  return 11 * maxPods + 255;
}

/**
 * kube-reserved CPU, in millicores, on both platforms: 6 % of the first core, 1 % of the
 * second, 0.5 % of the next two, 0.25 % of every core above four. Sources: GKE
 * plan-node-sizes (as quoted, see {@link gkeKubeReservedMemoryMib}); the EKS AMI's
 * `getCPUMillicoresToReserve` (nodeadm/internal/kubelet/config.go), which rounds each
 * tier down to whole millicores, as this does.
 */
export function kubeReservedCpuMillicores(vcpus: number): number {
  const total = vcpus * 1000;
  const tiers: readonly (readonly [number, number, number])[] = [
    [0, 1000, 600],
    [1000, 2000, 100],
    [2000, 4000, 50],
    [4000, Infinity, 25],
  ];
  let reserved = 0;
  for (const [start, end, basisPoints] of tiers) {
    if (total <= start) break;
    reserved += Math.floor(((Math.min(total, end) - start) * basisPoints) / 10000);
  }
  return reserved;
}

/** What a node of one machine type leaves to pods, with the parts it is derived from. */
export interface NodeAllocatable {
  readonly machine: GpuMachineType;
  /** Allocatable memory (MiB): machine memory − kube-reserved − eviction threshold. */
  readonly memoryMib: number;
  /** kube-reserved memory (MiB). */
  readonly kubeReservedMib: number;
  readonly evictionMib: number;
  /** EKS only: the max pods the reservation is computed from. */
  readonly maxPods?: number;
  /** Allocatable CPU (millicores): vCPUs − kube-reserved CPU. */
  readonly cpuMillicores: number;
  readonly cpuReservedMillicores: number;
}

/** The allocatable memory and CPU of a node of `machine`, by its platform's reservation. */
export function nodeAllocatable(machine: GpuMachineType): NodeAllocatable {
  const maxPods = machine.eni ? eksMaxPods(machine.eni) : undefined;
  const kubeReservedMib = maxPods !== undefined ? eksKubeReservedMemoryMib(maxPods) : gkeKubeReservedMemoryMib(machine.memoryMib);
  const cpuReservedMillicores = kubeReservedCpuMillicores(machine.vcpus);
  return {
    machine,
    memoryMib: machine.memoryMib - kubeReservedMib - EVICTION_HARD_MEMORY_MIB,
    kubeReservedMib,
    evictionMib: EVICTION_HARD_MEMORY_MIB,
    maxPods,
    cpuMillicores: machine.vcpus * 1000 - cpuReservedMillicores,
    cpuReservedMillicores,
  };
}

// ---- text for messages -----------------------------------------------------------------

/** MiB for people: `4.5 GiB` at 1 GiB and above, `893 MiB` below. */
export function formatMib(mib: number): string {
  if (mib >= GIB) {
    const gib = mib / GIB;
    return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
  }
  return `${Math.round(mib)} MiB`;
}

/**
 * How the allocatable memory is derived, for a message:
 * `about 43.4 GiB: 48 GiB minus GKE's kubelet reservation 4.5 GiB and eviction threshold 100 MiB`.
 */
export function describeAllocatableMemory(a: NodeAllocatable): string {
  const reservation =
    a.maxPods !== undefined
      ? `the EKS AMI's kube-reserved ${formatMib(a.kubeReservedMib)} (11 MiB × ${a.maxPods} max pods + 255 MiB)`
      : `GKE's kubelet reservation ${formatMib(a.kubeReservedMib)}`;
  return `about ${(a.memoryMib / GIB).toFixed(1)} GiB: ${formatMib(a.machine.memoryMib)} minus ${reservation} and eviction threshold ${a.evictionMib} MiB`;
}

/** The known machine types of each platform, for a message listing them. */
export function knownMachineTypesText(): string {
  return `GKE: ${GKE_GPU_MACHINES.map((m) => m.name).join(', ')}; EKS: ${EKS_GPU_INSTANCES.map((m) => m.name).join(', ')}`;
}
