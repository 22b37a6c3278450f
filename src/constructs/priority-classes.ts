import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { z } from 'zod';
import { PLATFORM_COMPONENT, PLATFORM_WARNING_IDS, PlatformNote, platformLabels } from '../conventions';
import { formatProblem, parseOrThrow, throwIfProblems } from '../spec/problems';
import { zDnsSubdomain, zLabelMap } from '../spec/values';

/**
 * Facts of the Kubernetes API about PriorityClasses (kubernetes/kubernetes sources as of
 * the 1.35 line, read through the code index without a tag; the rules themselves date from
 * scheduling.k8s.io/v1, GA in 1.14, and hold for the 1.28 API this library targets):
 * - pkg/apis/scheduling/types.go: `HighestUserDefinablePriority = int32(1000000000)`;
 *   values above it are for the system classes (`SystemCriticalPriority` is twice it), and
 *   `SystemPriorityClassPrefix = "system-"`.
 * - pkg/apis/scheduling/validation/validation.go `ValidatePriorityClass`: the name is a DNS
 *   subdomain; a name starting with "system-" is forbidden unless it is one of the built-in
 *   classes; a value above the highest user priority is forbidden; `preemptionPolicy` is
 *   `PreemptLowerPriority` or `Never`. `ValidatePriorityClassUpdate`: value and
 *   preemptionPolicy cannot change in an update (delete and re-create the class).
 * - plugin/pkg/admission/priority/admission.go: a second class with `globalDefault: true`
 *   is refused ("is already marked as default. Only one default can exist"), whoever
 *   created the first; pods created without `priorityClassName` get the default's value.
 */
export const PRIORITY_CLASS_FACTS = {
  highestUserValue: 1_000_000_000,
  lowestValue: -(2 ** 31),
  reservedPrefix: 'system-',
  preemptionPolicies: ['PreemptLowerPriority', 'Never'],
  /** What the API server writes when preemptionPolicy is left out. */
  defaultPreemptionPolicy: 'PreemptLowerPriority',
} as const;

/** How a pod of the class treats lower-priority pods when it finds no room. */
export type PreemptionPolicy = (typeof PRIORITY_CLASS_FACTS.preemptionPolicies)[number];

/** One PriorityClass. */
export interface PriorityClassEntry {
  /** metadata.name, what pods name in `priorityClassName`: a DNS subdomain, not starting with "system-". */
  readonly name: string;
  /** Priority of the class's pods: a whole number, at most 1000000000 (the user range). */
  readonly value: number;
  /** For people (`kubectl get priorityclass`). @default - none */
  readonly description?: string;
  /**
   * Make this the cluster's default class: every pod created without a
   * `priorityClassName`, in every namespace of the cluster (not only the platform's),
   * gets this value. At most one class of the cluster may be the default: the API server
   * refuses this one if another (from any chart) already is.
   * @default false
   */
  readonly globalDefault?: boolean;
  /**
   * `Never`: the class's pods wait in the queue instead of evicting lower-priority pods.
   * Cannot be changed once the class exists.
   * @default 'PreemptLowerPriority' (the API server's default)
   */
  readonly preemptionPolicy?: PreemptionPolicy;
}

export interface PriorityClassesProps {
  /** The classes, at least one; names unique. */
  readonly classes: readonly PriorityClassEntry[];
  /** `app.kubernetes.io/part-of` of the objects: the platform's name. @default - not set */
  readonly partOf?: string;
  /** Extra labels on every class. @default {} */
  readonly labels?: Record<string, string>;
}

const zPriorityValue = z.number().superRefine((n, ctx) => {
  const message = !Number.isFinite(n)
    ? 'must be a finite whole number; give a real value'
    : !Number.isInteger(n)
      ? 'must be a whole number; round it'
      : n > PRIORITY_CLASS_FACTS.highestUserValue
        ? `must be at most ${PRIORITY_CLASS_FACTS.highestUserValue}: higher values are reserved for the system classes (system-cluster-critical, system-node-critical) and the API server refuses them; lower it`
        : n < PRIORITY_CLASS_FACTS.lowestValue
          ? `must fit a 32-bit integer (at least ${PRIORITY_CLASS_FACTS.lowestValue}); raise it`
          : undefined;
  if (message) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
});

const zPriorityClassName = zDnsSubdomain.refine((name) => !name.startsWith(PRIORITY_CLASS_FACTS.reservedPrefix), {
  message: `must not start with "${PRIORITY_CLASS_FACTS.reservedPrefix}": the API server reserves that prefix for its built-in classes; rename it`,
});

const priorityClassEntrySchema = z
  .object({
    name: zPriorityClassName,
    value: zPriorityValue,
    description: z.string().optional(),
    globalDefault: z.boolean().optional(),
    preemptionPolicy: z.enum(PRIORITY_CLASS_FACTS.preemptionPolicies).optional(),
  })
  .strict() satisfies z.ZodType<PriorityClassEntry>;

export const priorityClassesPropsSchema = z
  .object({
    classes: z.array(priorityClassEntrySchema).min(1, 'must hold at least one class; add one'),
    partOf: z.string().optional(),
    labels: zLabelMap.optional(),
  })
  .strict() satisfies z.ZodType<PriorityClassesProps>;

/**
 * The seed's classes (Opifex): GPU training first, then critical operations, CPU work,
 * the standard class (the global default) and background tasks.
 */
export const SEED_PRIORITY_CLASSES: readonly PriorityClassEntry[] = [
  { name: 'gpu-workload', value: 1000, description: 'GPU-intensive L2O and neural operator training' },
  { name: 'high-priority', value: 900, description: 'Critical operations' },
  { name: 'cpu-workload', value: 500, description: 'CPU-intensive workloads' },
  { name: 'normal-priority', value: 100, description: 'Standard workloads', globalDefault: true },
  { name: 'low-priority', value: 50, description: 'Background tasks' },
];

/**
 * Relations between the classes: names unique (PriorityClasses are cluster-wide), at most
 * one global default. Problems are `classes[i].field (value) rule; fix`.
 */
export function priorityClassesProblems(classes: readonly PriorityClassEntry[]): string[] {
  const problems: string[] = [];
  const firstByName = new Map<string, number>();
  let firstDefault: number | undefined;
  classes.forEach((c, i) => {
    const earlier = firstByName.get(c.name);
    if (earlier !== undefined) {
      problems.push(formatProblem(['classes', i, 'name'], c.name, `repeats classes[${earlier}]: PriorityClass names are unique in the cluster; rename one or merge them`));
    } else firstByName.set(c.name, i);
    if (c.globalDefault) {
      if (firstDefault === undefined) firstDefault = i;
      else {
        problems.push(
          formatProblem(
            ['classes', i, 'globalDefault'],
            true,
            `is a second global default beside classes[${firstDefault}] "${classes[firstDefault].name}": the API server admits only one default class per cluster; keep globalDefault on one class`,
          ),
        );
      }
    }
  });
  return problems;
}

/**
 * What the classes do beyond themselves, for the platform chart's warnings: the global
 * default (every namespace of the cluster) and classes that share a value.
 */
export function priorityClassNotes(classes: readonly PriorityClassEntry[]): PlatformNote[] {
  const notes: PlatformNote[] = [];
  for (const c of classes.filter((c) => c.globalDefault)) {
    notes.push({
      id: PLATFORM_WARNING_IDS.globalDefaultPriority,
      message:
        `PriorityClass "${c.name}" (value ${c.value}) is the global default: every pod created without priorityClassName in every namespace of the cluster, ` +
        `not only the platform's, gets priority ${c.value} (pods already running keep theirs), so the platform's other classes rank against all of them; ` +
        'the API server refuses the class if another one is already the default. Set globalDefault only where this chart owns the cluster, or give the workloads explicit classes',
    });
  }
  const byValue = new Map<number, string[]>();
  for (const c of classes) byValue.set(c.value, [...(byValue.get(c.value) ?? []), c.name]);
  for (const [value, names] of byValue) {
    if (names.length > 1) {
      notes.push({
        id: PLATFORM_WARNING_IDS.samePriorityValue,
        message: `PriorityClasses ${names.map((n) => `"${n}"`).join(', ')} share value ${value}: their pods never preempt each other and queue by arrival; give them distinct values if one must win`,
      });
    }
  }
  return notes;
}

/**
 * Cluster-scoped `scheduling.k8s.io/v1` PriorityClass objects, one per entry. Pods choose
 * one with `spec.priorityClassName`; a pod naming a class that does not exist is refused
 * at admission, so the classes must be applied before the workloads.
 *
 * `globalDefault` is cluster-wide, not per platform or namespace: see
 * {@link PriorityClassEntry.globalDefault} and {@link priorityClassNotes}. A class's value
 * and preemptionPolicy cannot be updated (the API server forbids it): changing one means
 * deleting and re-creating the class (pods already running keep their priority).
 */
export class PriorityClasses extends Construct {
  /** The objects, by class name. */
  readonly objects: Readonly<Record<string, k8s.KubePriorityClass>>;
  /** The classes as resolved (preemption policy and globalDefault filled in). */
  readonly classes: readonly Required<Omit<PriorityClassEntry, 'description'>>[];
  /** Name of the global default class, if one is. */
  readonly globalDefault?: string;
  /** What the classes do beyond themselves (global default, shared values), for synth warnings. */
  readonly notes: readonly PlatformNote[];

  constructor(scope: Construct, id: string, props: PriorityClassesProps) {
    super(scope, id);
    const subject = `PriorityClasses ${scope.node.path}/${id}`;
    const p = parseOrThrow(priorityClassesPropsSchema, props, subject);
    throwIfProblems(subject, priorityClassesProblems(p.classes));

    const labels = { ...platformLabels(PLATFORM_COMPONENT.scheduling, p.partOf), ...p.labels };
    const objects: Record<string, k8s.KubePriorityClass> = {};
    this.classes = p.classes.map((c) => ({
      name: c.name,
      value: c.value,
      globalDefault: c.globalDefault ?? false,
      preemptionPolicy: c.preemptionPolicy ?? PRIORITY_CLASS_FACTS.defaultPreemptionPolicy,
    }));
    p.classes.forEach((c, i) => {
      const resolved = this.classes[i];
      objects[c.name] = new k8s.KubePriorityClass(this, c.name, {
        metadata: { name: c.name, labels },
        value: c.value,
        globalDefault: resolved.globalDefault,
        preemptionPolicy: resolved.preemptionPolicy,
        ...(c.description !== undefined ? { description: c.description } : {}),
      });
    });
    this.objects = objects;
    this.globalDefault = p.classes.find((c) => c.globalDefault)?.name;
    this.notes = priorityClassNotes(p.classes);
  }

  /** The value of the class named `name` (for checks such as "the GPU class outranks the CPU one"). */
  valueOf(name: string): number | undefined {
    return this.classes.find((c) => c.name === name)?.value;
  }
}
