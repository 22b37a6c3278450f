import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { z } from 'zod';
import {
  VerticalPodAutoscaler,
  VerticalPodAutoscalerSpecResourcePolicyContainerPolicies,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesControlledValues,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMaxAllowed,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMinAllowed,
  VerticalPodAutoscalerSpecUpdatePolicyUpdateMode,
} from '../../imports/vpa-autoscaling.k8s.io';
import { autoscalingLabels, zIdentity } from '../autoscaling/common';
import { withDefaults } from '../private/defaults';
import {
  ACTING_UPDATE_MODES,
  DEFAULT_CONTROLLED_RESOURCES,
  VPA_UPDATE_MODES as UPDATE_MODES,
  VpaContainerPolicy,
  VpaResource,
  VpaResourceBounds,
  VPA_DEFAULTS,
  VpaUpdateMode,
  vpaBoundsSchema as zBounds,
} from '../spec/scaling';
import { objectNames } from '../conventions';
import { ScalingSignals, scalingSignalsSchema } from '../spec/signals';
import { CpuValue, cpuCores, sizeKibibytes, zDnsLabel } from '../spec/values';
import { formatProblem } from '../spec/problems';
import { InferenceDeployment } from './inference-deployment';
import { WorkloadTarget, namespaceProblems, parseWithWorkload } from './workload-target';

export interface VpaRecommenderProps {
  /** Release name: the VPA is `<name>-vpa` (conventions.ts objectNames), e.g. `ai-inference-vpa`. */
  readonly name: string;
  /**
   * The workload the VPA sizes (its targetRef). When its requests are known, the bounds
   * of the policy for that container (or of the `*` policy) must contain them. An
   * InferenceDeployment, or `fromPlusWorkload(deployment)` for a cdk8s-plus workload.
   */
  readonly workload: InferenceDeployment | WorkloadTarget;
  /** Namespace of the VPA; it must be the workload's. @default - the workload's namespace */
  readonly namespace?: string;
  /**
   * `Off` (seed 000) only writes recommendations to the VPA's status. An acting mode is
   * refused when `hpaSignals` scales on a resource the VPA controls.
   * @default 'Off'
   */
  readonly updateMode?: VpaUpdateMode;
  /** One policy per container (seed: container `inference`, cpu 1-8, memory 4Gi-32Gi). At least one. */
  readonly containers: VpaContainerPolicy[];
  /**
   * The signals of the HPA (or KEDA ScaledObject) that scales the same workload. When
   * given, a conflict between an acting update mode and an HPA on cpu/memory fails synth.
   * @default - not checked here (the chart checks it)
   */
  readonly hpaSignals?: ScalingSignals;
  /** Extra labels on the VPA. @default {} */
  readonly labels?: Record<string, string>;
}

/** Defaults of a VpaRecommender: the scaling section's (VPA_DEFAULTS, recommendation only). */
export const VPA_RECOMMENDER_DEFAULTS: { readonly updateMode: VpaUpdateMode } = { ...VPA_DEFAULTS };

/** Defaults of each container policy: every resource controlled (DEFAULT_CONTROLLED_RESOURCES). */
export const VPA_CONTAINER_POLICY_DEFAULTS: { readonly controlledResources: readonly VpaResource[] } = {
  controlledResources: DEFAULT_CONTROLLED_RESOURCES,
};

/** A container policy with its defaults filled in. */
type ResolvedContainerPolicy = Omit<VpaContainerPolicy, 'controlledResources'> & typeof VPA_CONTAINER_POLICY_DEFAULTS;

function resolveContainerPolicy(c: VpaContainerPolicy): ResolvedContainerPolicy {
  return { ...c, ...withDefaults(VPA_CONTAINER_POLICY_DEFAULTS, c) };
}

export const vpaRecommenderPropsSchema = z
  .object({
    ...zIdentity,
    updateMode: z
      .enum(UPDATE_MODES, { errorMap: () => ({ message: `must be one of ${UPDATE_MODES.join(', ')}; pick one ("Off" only recommends)` }) })
      .optional(),
    containers: z
      .array(
        z
          .object({
            containerName: z.union([z.literal('*'), zDnsLabel]),
            minAllowed: zBounds.optional(),
            maxAllowed: zBounds.optional(),
            controlledResources: z
              .array(z.enum(['cpu', 'memory'], { errorMap: () => ({ message: 'must be "cpu" or "memory"; drop other resources' }) }))
              .min(1, 'must name at least one resource; to leave a container alone drop its policy or remove it from the pod')
              .optional(),
            controlledValues: z.enum(['RequestsAndLimits', 'RequestsOnly']).optional(),
          })
          .strict(),
      )
      .min(1, 'must hold at least one container policy; add one for the inference container'),
    hpaSignals: scalingSignalsSchema.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.containers.forEach((c, i) => {
      if (seen.has(c.containerName)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['containers', i, 'containerName'],
          message: 'appears twice; keep one policy per container',
        });
      }
      seen.add(c.containerName);
      const min = c.minAllowed;
      const max = c.maxAllowed;
      if (min?.cpu && max?.cpu && cpuCores(min.cpu.amount) > cpuCores(max.cpu.amount)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['containers', i, 'minAllowed', 'cpu'],
          message: `must not exceed maxAllowed.cpu (${max.cpu.amount}); lower minAllowed or raise maxAllowed`,
        });
      }
      if (min?.memory && max?.memory && sizeKibibytes(min.memory) > sizeKibibytes(max.memory)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['containers', i, 'minAllowed', 'memory'],
          message: `must not exceed maxAllowed.memory (${max.memory.asString()}); lower minAllowed or raise maxAllowed`,
        });
      }
    });
  }) satisfies z.ZodType<Omit<VpaRecommenderProps, 'workload'>>;

/** What vpaHpaConflicts needs to know about the VPA. */
export interface VpaActuation {
  readonly updateMode: VpaUpdateMode;
  /** Resources the VPA controls (union over its container policies). */
  readonly controlledResources: readonly VpaResource[];
}

/**
 * Conflicts between a VPA and an HPA on the same Deployment: a VPA in an acting update
 * mode that controls cpu or memory while the HPA scales on that resource's utilization.
 * Utilization is measured against the requests the VPA keeps changing, so each resize
 * moves the HPA's measure and the two chase each other. Returns one message per
 * conflicting resource; empty when there is none.
 */
export function vpaHpaConflicts(vpa: VpaActuation, hpaSignals: ScalingSignals): string[] {
  if (!ACTING_UPDATE_MODES.includes(vpa.updateMode)) return [];
  const resources = (['cpu', 'memory'] as const).filter((r) => vpa.controlledResources.includes(r) && hpaSignals[r] !== undefined);
  return resources.map((r) =>
    formatProblem(
      ['updateMode'],
      vpa.updateMode,
      `lets the VPA change the pods' ${r} requests while the HPA scales on ${r} utilization (${hpaSignals[r]!.averageUtilization} % of those requests): every resize moves the HPA's measure and the two autoscalers fight; set updateMode "Off" so the VPA only recommends, or remove ${r} from the VPA's controlledResources or from the HPA's signals`,
    ),
  );
}

/**
 * An autoscaling.k8s.io/v1 VerticalPodAutoscaler for a workload (the InferenceDeployment), by default
 * in recommendation-only mode (`updateMode: "Off"`, seed 000): it sizes requests within
 * `minAllowed`/`maxAllowed` per container and publishes the result in its status
 * (`kubectl describe vpa`), changing nothing. Needs the VPA recommender installed.
 *
 * An acting mode may be chosen when no HPA scales on a resource the VPA controls; with
 * `hpaSignals` given, a conflict fails synth (see vpaHpaConflicts). Containers without a
 * policy get the VPA defaults (all resources controlled); add a `*` policy to change that.
 * When the workload's requests are known, bounds that do not contain them fail synth.
 */
export class VpaRecommender extends Construct {
  /** The VerticalPodAutoscaler API object. */
  public readonly resource: VerticalPodAutoscaler;
  /** Name of the VPA object. */
  public readonly name: string;
  public readonly namespace?: string;
  /** The workload it sizes. */
  public readonly workload: WorkloadTarget;
  public readonly updateMode: VpaUpdateMode;
  /** Resources controlled by any container policy. */
  public readonly controlledResources: readonly VpaResource[];

  constructor(scope: Construct, id: string, props: VpaRecommenderProps) {
    super(scope, id);
    const { p, workload } = parseWithWorkload(vpaRecommenderPropsSchema, props, `VpaRecommender ${scope.node.path}/${id}`, (p, w) =>
      namespaceProblems(p.namespace, w),
    );
    const names = objectNames(p.name);
    this.name = names.vpa;
    this.namespace = p.namespace ?? workload.namespace;
    this.workload = workload;
    this.updateMode = withDefaults(VPA_RECOMMENDER_DEFAULTS, p).updateMode;
    const containers = p.containers.map(resolveContainerPolicy);
    const controlled = new Set(containers.flatMap((c) => c.controlledResources));
    // In the manifest order of the resources.
    this.controlledResources = DEFAULT_CONTROLLED_RESOURCES.filter((r) => controlled.has(r));

    this.resource = new VerticalPodAutoscaler(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: autoscalingLabels(p.name, p.labels) },
      spec: {
        targetRef: { apiVersion: workload.apiVersion, kind: workload.kind, name: workload.name },
        updatePolicy: { updateMode: this.updateMode as VerticalPodAutoscalerSpecUpdatePolicyUpdateMode },
        resourcePolicy: { containerPolicies: containers.map(containerPolicy) },
      },
    });

    const hpaSignals = p.hpaSignals;
    if (hpaSignals) {
      this.node.addValidation({
        validate: () => vpaHpaConflicts({ updateMode: this.updateMode, controlledResources: this.controlledResources }, hpaSignals),
      });
    }
    const requests = workload.requests;
    if (requests) {
      const named = p.containers.findIndex((c) => c.containerName === requests.container);
      const i = named >= 0 ? named : p.containers.findIndex((c) => c.containerName === '*');
      if (i >= 0) {
        this.node.addValidation({
          validate: () =>
            vpaBoundProblems(p.containers[i], requests, {
              boundPath: (side, resource) => ['containers', i, side, resource],
              request: (resource) => `the ${resource} request of container "${requests.container}" of workload "${workload.name}"`,
              kind: workload.kind,
            }),
        });
      }
    }
  }
}

/** Where the user wrote what vpaBoundProblems compares, for its messages. */
export interface VpaBoundPaths {
  /** Path of a bound. */
  readonly boundPath: (side: 'minAllowed' | 'maxAllowed', resource: VpaResource) => (string | number)[];
  /** What the request is called, e.g. `resources.cpu.request`. */
  readonly request: (resource: VpaResource) => string;
  /** Kind of the workload, e.g. Deployment. */
  readonly kind: string;
}

/**
 * Bounds of a VPA container policy that do not contain the container's request (a
 * minAllowed above it, a maxAllowed below it): the recommendation is wrong from the start.
 * One problem per such bound, cpu then memory, minAllowed then maxAllowed.
 */
export function vpaBoundProblems(
  policy: Pick<VpaContainerPolicy, 'minAllowed' | 'maxAllowed'>,
  requests: { readonly cpu?: CpuValue; readonly memory?: Size },
  paths: VpaBoundPaths,
): string[] {
  const problems: string[] = [];
  for (const resource of ['cpu', 'memory'] as const) {
    const request = requests[resource];
    if (request === undefined) continue;
    const amount = (v: CpuValue | Size) => (resource === 'cpu' ? cpuCores((v as CpuValue).amount) : sizeKibibytes(v as Size));
    const requestText = resource === 'cpu' ? String(amount(request)) : (request as Size).asString();
    for (const side of ['minAllowed', 'maxAllowed'] as const) {
      const bound = policy[side]?.[resource];
      if (bound === undefined) continue;
      const outside = side === 'minAllowed' ? amount(bound) > amount(request) : amount(bound) < amount(request);
      if (!outside) continue;
      problems.push(
        formatProblem(
          paths.boundPath(side, resource),
          bound,
          `must ${side === 'minAllowed' ? 'not exceed' : 'not be below'} ${paths.request(resource)} (${requestText}): the VPA bounds must contain the ${paths.kind}'s request, or its recommendation is wrong from the start; widen the bound or change the request`,
        ),
      );
    }
  }
  return problems;
}

function containerPolicy(c: ResolvedContainerPolicy): VerticalPodAutoscalerSpecResourcePolicyContainerPolicies {
  const bounds = <T>(b: VpaResourceBounds | undefined, make: (q: string) => T): { [key: string]: T } | undefined => {
    if (!b || (b.cpu === undefined && b.memory === undefined)) return undefined;
    return {
      ...(b.cpu ? { cpu: make(b.cpu.amount) } : {}),
      ...(b.memory ? { memory: make(b.memory.asString()) } : {}),
    };
  };
  return {
    containerName: c.containerName,
    controlledResources: [...c.controlledResources],
    ...(c.controlledValues
      ? { controlledValues: c.controlledValues as VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesControlledValues }
      : {}),
    minAllowed: bounds(c.minAllowed, (q) => VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMinAllowed.fromString(q)),
    maxAllowed: bounds(c.maxAllowed, (q) => VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMaxAllowed.fromString(q)),
  };
}
