/**
 * The policy rule pack's vocabulary: a rule is a pure predicate over a set of synthesized
 * Kubernetes objects (plain JSON, the library's own or hand-written), with a stable id, a
 * level, a why and a fix. A finding names the object it is about, so a suppression on that
 * object (with a reason) can silence it.
 */

import type { Workload } from './objects';

/** A Kubernetes object as plain JSON (what `cdk8s synth` writes, or a hand-written manifest). */
export type K8sObject = Record<string, any>;

/** error: the check fails (synth fails, the CLI exits 1); warning: printed, never fails. */
export type RuleLevel = 'error' | 'warning';

/** The packs rules are grouped in; `--pack` and the plugin's `packs` select among them. */
export const PACK_NAMES = ['suppressions', 'pod-security', 'workload', 'autoscaling', 'networking', 'monitoring', 'aws-nlb'] as const;
export type PackName = (typeof PACK_NAMES)[number];

/** Where an object was read from: the file and the first line of its YAML document (1-based). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

/** What a rule reports: the object at fault, the field path inside it, and the message. */
export interface RawFinding {
  readonly object: K8sObject;
  /** Field path inside the object, as `spec.template.spec.containers[0].image`. */
  readonly path?: string;
  /** `path (value) rule; fix`, in the library's message style. */
  readonly message: string;
}

/** One rule of the pack. */
export interface Rule {
  /** Stable id (`AII-R0xx`); never reused once retired. Users suppress by id. */
  readonly id: string;
  /** Short kebab-case name, e.g. `image-pinned`. */
  readonly name: string;
  readonly pack: PackName;
  readonly level: RuleLevel;
  /** One line: what the rule requires (SARIF shortDescription). */
  readonly summary: string;
  /** Why it matters: what goes wrong in the cluster otherwise. */
  readonly why: string;
  /** How to fix a finding. */
  readonly fix: string;
  /** The predicate: every violation in the input, each about one object. */
  check(ctx: RuleContext): RawFinding[];
}

/** The input of every rule: all the objects, with lookups they share (indexed once per check). */
export interface RuleContext {
  readonly objects: readonly K8sObject[];
  /** The objects of one kind (`Deployment`, `Service`, ...). */
  ofKind(kind: string): K8sObject[];
  /** The objects of one kind in one namespace ('' for objects that name none). */
  inNamespace(kind: string, namespace: string): K8sObject[];
  /** The objects that run pods in one namespace, with their templates. */
  workloadsIn(namespace: string): Workload[];
}

/** A finding with its rule's id and level and the object's identity. */
export interface Finding {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly pack: PackName;
  readonly level: RuleLevel;
  readonly message: string;
  readonly path?: string;
  readonly object: ObjectRef;
  /** Where the object was read from, when known (CLI, plugin). */
  readonly location?: SourceLocation;
}

/** Identity of an object in messages and reports. */
export interface ObjectRef {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** Index of the object in the input. */
  readonly index: number;
}

/** A finding a suppression on its object silenced, with the suppression's reason. */
export interface SuppressedFinding extends Finding {
  readonly reason: string;
}
