/**
 * The vocabulary of `cdk8s-ai-inference diff`: manifests read from two sides (base and head),
 * the objects matched between them, their field changes, and the findings about changes that
 * destroy or interrupt something in the cluster.
 */

/** A Kubernetes object as plain JSON. */
export type K8sObject = Record<string, any>;

/** Which side of the comparison a source is: the reviewed branch's parent (base) or the branch (head). */
export type Side = 'base' | 'head';

/** What identifies an object to the API server: API group, kind, namespace and name. */
export interface ObjectId {
  /** The API group: the part of apiVersion before `/`; `''` for the core group (`v1`). */
  readonly group: string;
  readonly kind: string;
  /** `''` when the manifest names none (cluster-scoped, or the namespace of the kubectl context). */
  readonly namespace: string;
  readonly name: string;
}

/** One object read from a source, with where it came from. */
export interface LoadedObject {
  readonly id: ObjectId;
  readonly object: K8sObject;
  /** The file, relative to the source's folder (or the file's own name when the source is one file). */
  readonly file: string;
  /** The first line of the object's YAML document, 1-based. */
  readonly line: number;
}

/** A YAML document that is not a Kubernetes object (no apiVersion/kind), left out of the comparison. */
export interface SkippedDocument {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** Every object of one side. */
export interface ManifestSet {
  readonly side: Side;
  /** The source as the user wrote it (`dist/`, `git:HEAD~1`, `git:main:deploy`). */
  readonly source: string;
  readonly objects: readonly LoadedObject[];
  readonly skipped: readonly SkippedDocument[];
}

/** One step of a field path. */
export type PathSegment =
  /** A map key. */
  | { readonly key: string }
  /** A list position (lists whose items carry no identifying field). */
  | { readonly index: number }
  /** A list item found by an identifying field (`containers[name=inference]`). */
  | { readonly match: string; readonly value: string }
  /** A string value holding JSON (a dashboard in a ConfigMap), compared as parsed JSON. */
  | { readonly json: true };

/** One field that differs between the two versions of an object. */
export interface FieldChange {
  readonly op: 'added' | 'removed' | 'changed';
  readonly path: readonly PathSegment[];
  /** The path as text: `spec.template.spec.containers[name=inference].image`. */
  readonly pathText: string;
  /** Absent when added. */
  readonly old?: unknown;
  /** Absent when removed. */
  readonly new?: unknown;
}

/** What happened to one object between base and head. */
export type ObjectStatus = 'added' | 'removed' | 'renamed' | 'changed' | 'unchanged';

/** One object of either side, matched with its counterpart. */
export interface ObjectDiff {
  readonly status: ObjectStatus;
  /** Absent when added. */
  readonly base?: LoadedObject;
  /** Absent when removed. */
  readonly head?: LoadedObject;
  /** Field changes from base to head (empty for added, removed and unchanged objects). */
  readonly changes: readonly FieldChange[];
  /** For a rename: how alike the two objects are (0..1) once the name-derived strings are mapped. */
  readonly similarity?: number;
}

/**
 * destructive: data, an address or the apply itself is lost (a deleted PVC, a new load balancer
 * DNS name, a change the API server refuses); interrupting: traffic or capacity drops for a
 * while; notice: a behaviour change a reviewer should see.
 */
export type FindingLevel = 'destructive' | 'interrupting' | 'notice';

export const FINDING_LEVELS: readonly FindingLevel[] = ['destructive', 'interrupting', 'notice'];

/** A change that destroys, interrupts or otherwise deserves a reviewer's eye. */
export interface DiffFinding {
  /** Stable id (`AII-D0xx`), never reused. */
  readonly id: string;
  /** Short kebab-case name of the rule. */
  readonly rule: string;
  readonly level: FindingLevel;
  /** The object as `Kind namespace/name` (the base name for removals and renames). */
  readonly object: string;
  /** The file the object was read from (base side, or head for an added object). */
  readonly file: string;
  /** The field the finding is about, when it is about one field. */
  readonly path?: string;
  readonly old?: unknown;
  readonly new?: unknown;
  /** One line: what changes. */
  readonly message: string;
  /** What goes wrong in the cluster. */
  readonly why: string;
  /** What to do about it. */
  readonly fix: string;
}

/** The whole comparison. */
export interface Review {
  readonly base: ManifestSet;
  readonly head: ManifestSet;
  /** Every object of both sides, unchanged ones included, in a stable order. */
  readonly objects: readonly ObjectDiff[];
  /** Sorted: destructive first, then interrupting, then notice. */
  readonly findings: readonly DiffFinding[];
}
