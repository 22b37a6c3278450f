import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import { COMPONENT, commonLabels, objectNames, selectorLabels } from '../conventions';
import { formatProblem, parseOrThrow } from '../spec/problems';
import { zDnsLabel } from '../spec/values';

export interface PdbPolicyProps {
  /** Release name: the PDB is `<name>-pdb` and selects the release's pods. */
  readonly name: string;
  /** @default - none */
  readonly namespace?: string;
  /** Pods that must stay up during voluntary disruptions (seed: 2). Exactly one of minAvailable / maxUnavailable. @default - maxUnavailable 1 */
  readonly minAvailable?: number;
  /** Pods that may be down at once. @default 1 (when minAvailable is not set) */
  readonly maxUnavailable?: number;
  /**
   * Let evictions remove pods that are not Ready even when the budget is spent, so a
   * crash-looping pod never blocks a node drain.
   * @default 'AlwaysAllow'
   */
  readonly unhealthyPodEvictionPolicy?: 'AlwaysAllow' | 'IfHealthyBudget';
  /**
   * The fewest replicas the workload ever runs (fixed count or autoscaler minimum). When
   * given, minAvailable must stay below it or every drain blocks.
   * @default - not checked
   */
  readonly replicaFloor?: number;
  /** Path shown in errors for the replica floor. @default 'replicaFloor' */
  readonly replicaFloorPath?: string;
  /** Path shown in errors for the budget. @default '' */
  readonly errorPathPrefix?: string;
  /** @default {} */
  readonly labels?: Record<string, string>;
}

const count = z.number().int().min(0, 'must be 0 or more');

export const pdbPolicyPropsSchema = z
  .object({
    name: zDnsLabel,
    namespace: zDnsLabel.optional(),
    minAvailable: count.optional(),
    maxUnavailable: z.number().int().min(1, 'must be at least 1, or no pod can ever be evicted and drains block').optional(),
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
  }) satisfies z.ZodType<PdbPolicyProps>;

/**
 * A PodDisruptionBudget selecting exactly the release's pods (by
 * app.kubernetes.io/name and /instance). cdk8s-plus has no PDB L2, so this is the L1.
 */
export class PdbPolicy extends Construct {
  readonly pdb: k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: PdbPolicyProps) {
    super(scope, id);
    const p = parseOrThrow(pdbPolicyPropsSchema, props, `PdbPolicy ${scope.node.path}/${id}`);
    const budget =
      p.minAvailable !== undefined
        ? { minAvailable: k8s.IntOrString.fromNumber(p.minAvailable) }
        : { maxUnavailable: k8s.IntOrString.fromNumber(p.maxUnavailable ?? 1) };
    this.pdb = new k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: {
        name: objectNames(p.name).pdb,
        namespace: p.namespace,
        labels: { ...commonLabels(p.name, COMPONENT.availability), ...p.labels },
      },
      spec: {
        ...budget,
        selector: { matchLabels: selectorLabels(p.name) },
        unhealthyPodEvictionPolicy: p.unhealthyPodEvictionPolicy ?? 'AlwaysAllow',
      },
    });
    const floor = p.replicaFloor;
    if (floor !== undefined && p.minAvailable !== undefined) {
      const minAvailable = p.minAvailable;
      const prefix = p.errorPathPrefix ?? '';
      this.node.addValidation({
        validate: () =>
          minAvailable >= floor
            ? [
                formatProblem(
                  [`${prefix}minAvailable`],
                  minAvailable,
                  `must be below ${p.replicaFloorPath ?? 'replicaFloor'} (${floor}), or node drains block; lower minAvailable or raise the replica floor`,
                ),
              ]
            : [],
      });
    }
  }
}
