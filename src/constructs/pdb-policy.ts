import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import { COMPONENT, commonLabels, objectNames } from '../conventions';
import { withDefaults } from '../private/defaults';
import { formatProblem } from '../spec/problems';
import { PodPercentage, budgetPods, largestMinAvailablePercent, resolveDisruption, zPodPercentage } from '../spec/spec';
import { zDnsLabel } from '../spec/values';
import { InferenceDeployment } from './inference-deployment';
import { WorkloadTarget, namespaceProblems, parseWithWorkload } from './workload-target';

export interface PdbPolicyProps {
  /** Release name: the PDB is `<name>-pdb`. */
  readonly name: string;
  /**
   * The workload whose pods the PDB protects: it selects them by the workload's selector
   * labels. An InferenceDeployment, or `fromPlusWorkload(deployment)` for a cdk8s-plus workload.
   */
  readonly workload: InferenceDeployment | WorkloadTarget;
  /** @default - the workload's namespace */
  readonly namespace?: string;
  /**
   * Pods that must stay up during voluntary disruptions, a count (seed: 2) or a share of the
   * workload's replicas (`'66%'`, rounded up by Kubernetes, so it follows an autoscaler).
   * Exactly one of minAvailable / maxUnavailable.
   * @default - maxUnavailable 1
   */
  readonly minAvailable?: number | PodPercentage;
  /** Pods that may be down at once, a count or a share (`'10%'`, rounded up). @default 1 (when minAvailable is not set) */
  readonly maxUnavailable?: number | PodPercentage;
  /**
   * Let evictions remove pods that are not Ready even when the budget is spent, so a
   * crash-looping pod never blocks a node drain.
   * @default 'AlwaysAllow'
   */
  readonly unhealthyPodEvictionPolicy?: 'AlwaysAllow' | 'IfHealthyBudget';
  /**
   * The fewest replicas the workload ever runs (fixed count or autoscaler minimum).
   * minAvailable must stay below it or every drain blocks.
   * @default - the workload's fixed replica count when it has one (read at synth); otherwise not checked
   */
  readonly replicaFloor?: number;
  /** Path shown in errors for the replica floor. @default - 'replicaFloor', or the workload's replicas */
  readonly replicaFloorPath?: string;
  /** Path shown in errors for the budget. @default '' */
  readonly errorPathPrefix?: string;
  /** @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * Defaults of a PdbPolicy's own props; the budget's (maxUnavailable 1, AlwaysAllow) are the
 * disruption section's, filled by resolveDisruption.
 */
export const PDB_POLICY_DEFAULTS: Required<Pick<PdbPolicyProps, 'replicaFloorPath' | 'errorPathPrefix'>> = {
  replicaFloorPath: 'replicaFloor',
  errorPathPrefix: '',
};

const count = z.number().int().min(0, 'must be 0 or more');

/** Every prop but `workload` (the chart validates these from the spec before building). */
export const pdbPolicyPropsSchema = z
  .object({
    name: zDnsLabel,
    namespace: zDnsLabel.optional(),
    minAvailable: z.union([count, zPodPercentage(0, 'share of the pods that must stay up')]).optional(),
    maxUnavailable: z
      .union([z.number().int().min(1, 'must be at least 1, or no pod can ever be evicted and drains block'), zPodPercentage(1, 'share of the pods that may be down at once; 0% would block every drain')])
      .optional(),
    unhealthyPodEvictionPolicy: z.enum(['AlwaysAllow', 'IfHealthyBudget']).optional(),
    replicaFloor: z.number().int().min(1).optional(),
    replicaFloorPath: z.string().optional(),
    errorPathPrefix: z.string().optional(),
    labels: z.record(z.string()).optional(),
  })
  .strict()
  .refine((p) => !(p.minAvailable !== undefined && p.maxUnavailable !== undefined), {
    path: ['maxUnavailable'],
    message: 'cannot be set together with minAvailable (Kubernetes allows one); keep one of them',
  }) satisfies z.ZodType<Omit<PdbPolicyProps, 'workload'>>;

/**
 * A PodDisruptionBudget selecting exactly the workload's pods (by its selector labels).
 * cdk8s-plus has no PDB L2, so this is the L1.
 */
export class PdbPolicy extends Construct {
  readonly pdb: k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: PdbPolicyProps) {
    super(scope, id);
    const { p, workload } = parseWithWorkload(pdbPolicyPropsSchema, props, `PdbPolicy ${scope.node.path}/${id}`, (p, w) =>
      namespaceProblems(p.namespace, w),
    );
    const disruption = resolveDisruption(p);
    const d = withDefaults(PDB_POLICY_DEFAULTS, p);
    const intOrString = (v: number | string) => (typeof v === 'number' ? k8s.IntOrString.fromNumber(v) : k8s.IntOrString.fromString(v));
    const budget =
      disruption.minAvailable !== undefined
        ? { minAvailable: intOrString(disruption.minAvailable) }
        : { maxUnavailable: intOrString(disruption.maxUnavailable) };
    this.pdb = new k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: {
        name: objectNames(p.name).pdb,
        namespace: p.namespace ?? workload.namespace,
        labels: { ...commonLabels(p.name, COMPONENT.availability), ...p.labels },
      },
      spec: {
        ...budget,
        selector: { matchLabels: { ...workload.selectorLabels } },
        unhealthyPodEvictionPolicy: disruption.unhealthyPodEvictionPolicy,
      },
    });
    const minAvailable = disruption.minAvailable;
    if (minAvailable === undefined) return;
    this.node.addValidation({
      validate: () => {
        // The workload's count is read now: an autoscaler may have been attached since.
        const floor = p.replicaFloor ?? workload.replicas;
        // A percentage counts as Kubernetes rounds it: up, of the replicas at the floor.
        if (floor === undefined || budgetPods(minAvailable, floor) < floor) return [];
        const floorPath = p.replicaFloor !== undefined ? d.replicaFloorPath : `the replicas of workload "${workload.name}"`;
        if (typeof minAvailable === 'string') {
          const largest = largestMinAvailablePercent(floor);
          return [
            formatProblem(
              [`${d.errorPathPrefix}minAvailable`],
              minAvailable,
              `keeps all ${floor} pods of ${floorPath} up (Kubernetes rounds a minAvailable percentage up: ${budgetPods(minAvailable, floor)} of ${floor}), so node drains block; ${largest > 0 ? `lower it to at most "${largest}%"` : 'use maxUnavailable 1'} or raise the replica floor`,
            ),
          ];
        }
        return [
          formatProblem(
            [`${d.errorPathPrefix}minAvailable`],
            minAvailable,
            `must be below ${floorPath} (${floor}), or node drains block; lower minAvailable or raise the replica floor`,
          ),
        ];
      },
    });
  }
}
