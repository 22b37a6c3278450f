/**
 * Schema validation of synthesized manifests (the plain objects `Testing.synth(chart)`
 * returns) against the real API schemas, for tests only.
 *
 * Every schema is read from the repository's own `crds/` folder (unmodified upstream files;
 * crds/SOURCES.md records repository, path, release and licence of each), so the tests
 * need nothing beside the repository:
 * - Core kinds: crds/k8s-1.28-definitions.json, the Kubernetes v1.28.0 JSON-schema
 *   definitions (the file `cdk8s import k8s@1.28.0` downloads), picked by
 *   `x-kubernetes-group-version-kind`.
 * - Custom resources: every CustomResourceDefinition in crds/*.yaml, from
 *   `spec.versions[].schema.openAPIV3Schema` of each served version: prometheus-operator
 *   v0.89.0 PrometheusRule and ServiceMonitor, KEDA v2.20.2 ScaledObject, VPA v1.7.1
 *   (autoscaling.k8s.io/v1). They are also the inputs of `npm run import`.
 *
 * Why not the npm model packages (checked when these schemas were moved into the repo):
 * - kubernetes-models 4.4+ (checked at 4.5.1, no longer a devDependency: Kubernetes v1.33.0, merged with
 *   the removed APIs of older releases) ships no JSON schema, only ajv functions compiled
 *   from it, with every object open to unknown fields and every optional field nullable:
 *   `spec.replicass` passes. 4.3.x still ships schemas, but for Kubernetes v1.27.1, with
 *   every property named `description` dropped and the removed API versions (autoscaling/
 *   v2beta2, policy/v1beta1, ...) served; 5.x is ESM-only for Node 22+. None is 1.28.
 * - @kubernetes-models/prometheus-operator 4.4.4 (CRDs v0.65.1), @kubernetes-models/keda
 *   0.4.x (v2.10.1) and @kubernetes-models/autoscaler 3.3.4 (VPA v0.13.0: no
 *   "InPlaceOrRecreate" update mode) are compiled the same open way, and older than the
 *   releases the library targets; their current majors (prometheus-operator 5/6 with
 *   v0.90.1+, keda 1/2 with v2.19.0+, autoscaler 5) are ESM-only for Node 22+ and compiled
 *   the same way. No package ships the VPA v1.7.1 CRD; @kubernetes-models/gke carries none
 *   of these groups.
 *
 * The schemas are tightened where the upstream JSON schema is looser than the API server:
 * - every object schema that declares `properties` rejects unknown fields (the API server
 *   does with field validation "Strict", the kubectl default; escape hatches are where
 *   typos hide), unless it carries `x-kubernetes-preserve-unknown-fields`;
 * - Quantity accepts a number or a string in the apimachinery quantity syntax; IntOrString
 *   and `x-kubernetes-int-or-string` accept a string or an integer;
 * - `metadata` of custom resources is checked as ObjectMeta.
 * A null value is reported like any other wrong type: the API server would read it as
 * unset, but synthesized output should not carry nulls.
 * Not checked: CEL rules (`x-kubernetes-validations`), list-map key uniqueness, and the API
 * server's own Go validation (name syntax, label value length, ...).
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

/** Folder of the upstream schema files, inside the repository (see its SOURCES.md). */
export const SCHEMA_DIR = path.resolve(__dirname, '../../crds');
const CORE_FILE = 'k8s-1.28-definitions.json';
/** `$id` under which the core definitions document is registered in ajv. */
const CORE_ID = 'k8s-1.28-definitions.json';
const DEF_PREFIX = `${CORE_ID}#/definitions/`;
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/**
 * The string form of a resource.Quantity, as parsed by apimachinery
 * (k8s.io/apimachinery/pkg/api/resource/quantity.go): a signed decimal number, then a
 * binary suffix (Ki..Ei), a decimal suffix (n u m k M G T P E) or a decimal exponent.
 */
const QUANTITY_PATTERN =
  '^[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))?$';

type Json = Record<string, any>;

/** One schema source: a core definition or one served version of a CRD. */
interface KindEntry {
  readonly apiVersion: string;
  readonly kind: string;
  /** Where the schema comes from, for the error when it does not compile. */
  readonly source: string;
  /** The schema to compile: a `$ref` into the core document, or a prepared CRD schema. */
  readonly schema: Json;
  validate?: ValidateFunction;
}

interface Registry {
  readonly ajv: Ajv;
  readonly kinds: Map<string, KindEntry>;
}

let registry: Registry | undefined;

function keyOf(apiVersion: string, kind: string): string {
  return `${apiVersion} ${kind}`;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Formats used by the schemas; ajv rejects unknown formats in strict mode. */
function addFormats(ajv: Ajv): void {
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n <= 2 ** 31 - 1,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('byte', {
    type: 'string',
    validate: (s: string) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s),
  });
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (s: string) =>
      /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/.test(s),
  });
}

/**
 * Walks a schema along its structural keywords and tightens it in place (see the module
 * comment). `close` is false inside logical junctors (allOf/anyOf/oneOf/not), whose
 * branches only add value checks and must not reject the fields declared outside them.
 */
function prepare(node: unknown, close: boolean, seen: { keywords: Set<string>; formats: Set<string> }): void {
  if (!isObject(node)) return;
  for (const k of Object.keys(node)) if (k.startsWith('x-')) seen.keywords.add(k);
  if (typeof node.format === 'string') seen.formats.add(node.format);

  if (node['x-kubernetes-int-or-string'] === true) {
    const branches = Array.isArray(node.anyOf) ? node.anyOf.map((b: Json) => b?.type).sort() : [];
    if (branches.length === 2 && branches[0] === 'integer' && branches[1] === 'string') delete node.anyOf;
    if (node.type === undefined) node.type = ['integer', 'string'];
  }
  if (node.nullable === true && typeof node.type === 'string') node.type = [node.type, 'null'];
  delete node.nullable;

  const open =
    node['x-kubernetes-preserve-unknown-fields'] === true || node['x-kubernetes-embedded-resource'] === true;
  if (close && isObject(node.properties) && !('additionalProperties' in node) && !open) {
    node.additionalProperties = false;
  }

  if (isObject(node.properties)) for (const p of Object.values(node.properties)) prepare(p, close, seen);
  if (Array.isArray(node.items)) node.items.forEach((i: unknown) => prepare(i, close, seen));
  else prepare(node.items, close, seen);
  prepare(node.additionalProperties, close, seen);
  for (const j of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(node[j])) node[j].forEach((b: unknown) => prepare(b, false, seen));
  }
  prepare(node.not, false, seen);
}

/**
 * CRD patterns are Go (RE2) regular expressions; a leading inline flag group such as
 * `(?i)` (after an optional `^`) has no JavaScript syntax, so it becomes a RegExp flag.
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string): RegExp => {
    const inline = /^(\^?)\(\?([ims]+)\)/.exec(pattern);
    if (!inline) return new RegExp(pattern, flags);
    return new RegExp(inline[1] + pattern.slice(inline[0].length), flags + inline[2]);
  },
  { code: 'new RegExp' },
);

function load(): Registry {
  if (registry) return registry;
  const seen = { keywords: new Set<string>(), formats: new Set<string>() };
  const kinds = new Map<string, KindEntry>();

  // Core definitions.
  const core = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, CORE_FILE), 'utf8')) as { definitions: Json };
  const defs = core.definitions;
  defs[QUANTITY] = { type: ['string', 'number'], pattern: QUANTITY_PATTERN };
  defs[INT_OR_STRING] = { type: ['string', 'integer'] };
  for (const [name, def] of Object.entries(defs)) {
    prepare(def, true, seen);
    // meta.v1 kinds (Status, DeleteOptions, WatchEvent, APIGroup...) are not manifests.
    if (name.startsWith('io.k8s.apimachinery.pkg.apis.meta.v1.')) continue;
    for (const gvk of (def['x-kubernetes-group-version-kind'] ?? []) as Array<Json>) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : String(gvk.version);
      kinds.set(keyOf(apiVersion, gvk.kind), {
        apiVersion,
        kind: gvk.kind,
        source: `${CORE_FILE}#/definitions/${name}`,
        schema: { $ref: DEF_PREFIX + name },
      });
    }
  }

  // Custom resource definitions.
  const crdFiles = fs.readdirSync(SCHEMA_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
  for (const file of crdFiles) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8'))) {
      const crd = doc.toJS() as Json | null;
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      const group: string = crd.spec.group;
      const kind: string = crd.spec.names.kind;
      for (const v of crd.spec.versions as Json[]) {
        const schema = v.schema?.openAPIV3Schema as Json | undefined;
        if (!v.served || !schema) continue;
        prepare(schema, true, seen);
        schema.properties = { ...schema.properties, metadata: { $ref: DEF_PREFIX + OBJECT_META } };
        const apiVersion = `${group}/${v.name}`;
        kinds.set(keyOf(apiVersion, kind), { apiVersion, kind, source: `${file} (${v.name})`, schema });
      }
    }
  }

  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    validateSchema: false,
    inlineRefs: false,
    allowUnionTypes: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    code: { regExp: goRegExp },
  });
  addFormats(ajv);
  for (const f of seen.formats) if (!ajv.formats[f]) ajv.addFormat(f, true);
  ajv.addVocabulary([...seen.keywords]);
  ajv.addSchema(core, CORE_ID);
  registry = { ajv, kinds };
  return registry;
}

function validatorFor(entry: KindEntry, ajv: Ajv): ValidateFunction {
  if (!entry.validate) {
    try {
      entry.validate = ajv.compile(entry.schema);
    } catch (e) {
      throw new Error(`cannot compile the schema of ${entry.apiVersion} ${entry.kind} from ${entry.source}: ${(e as Error).message}`);
    }
  }
  return entry.validate;
}

/** `spec.template.containers[0]["app.kubernetes.io/name"]` from a JSON pointer and the data. */
function fieldPath(root: unknown, pointer: string, extra?: string): string {
  const parts = pointer === '' ? [] : pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '';
  let cur: any = root;
  for (const p of parts) {
    if (Array.isArray(cur)) out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
    cur = cur == null ? undefined : cur[p];
  }
  return out || '(root)';
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  const type = Array.isArray(v) ? 'array' : typeof v;
  let s = JSON.stringify(v) ?? String(v);
  if (s.length > 60) s = `${s.slice(0, 57)}...`;
  return `${type} ${s}`;
}

function describe(e: ErrorObject, root: unknown): string {
  switch (e.keyword) {
    case 'additionalProperties':
      return `${fieldPath(root, e.instancePath, e.params.additionalProperty)}: unknown field`;
    case 'required':
      return `${fieldPath(root, e.instancePath, e.params.missingProperty)}: required field is missing`;
    case 'type':
      return `${fieldPath(root, e.instancePath)}: must be ${String(e.params.type).replace(',', ' or ')}, got ${show(e.data)}`;
    case 'enum':
      return `${fieldPath(root, e.instancePath)}: must be one of ${(e.params.allowedValues as unknown[])
        .map((a) => JSON.stringify(a))
        .join(', ')}, got ${show(e.data)}`;
    case 'pattern':
      if (e.params.pattern === QUANTITY_PATTERN) {
        return `${fieldPath(root, e.instancePath)}: must be a quantity like "500m", "2Gi" or "1.5", got ${show(e.data)}`;
      }
      return `${fieldPath(root, e.instancePath)}: must match /${e.params.pattern}/, got ${show(e.data)}`;
    default:
      return `${fieldPath(root, e.instancePath)}: ${e.message ?? e.keyword}, got ${show(e.data)}`;
  }
}

/** `Deployment/web` (or `Deployment/<no name>`), the prefix of every message. */
function subject(obj: Json): string {
  const name = isObject(obj.metadata) && typeof obj.metadata.name === 'string' ? obj.metadata.name : '<no name>';
  return `${typeof obj.kind === 'string' ? obj.kind : '<no kind>'}/${name}`;
}

/**
 * Validates one manifest against the schema of its apiVersion and kind.
 * @returns human messages `Kind/name: field.path: problem`, empty when the manifest is
 *   valid. An apiVersion/kind without a schema is itself a problem.
 */
export function validateManifest(obj: unknown): string[] {
  if (!isObject(obj)) return [`manifest must be an object, got ${show(obj)}`];
  const who = subject(obj);
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    return [`${who}: apiVersion and kind must be strings, got apiVersion ${show(obj.apiVersion)}, kind ${show(obj.kind)}`];
  }
  const { ajv, kinds } = load();
  const entry = kinds.get(keyOf(obj.apiVersion, obj.kind));
  if (!entry) {
    const sameKind = [...kinds.values()].filter((k) => k.kind === obj.kind).map((k) => k.apiVersion);
    const hint = sameKind.length ? `; ${obj.kind} is known as ${sameKind.sort().join(', ')}` : '';
    return [`${who}: no schema for apiVersion "${obj.apiVersion}" kind "${obj.kind}"${hint}`];
  }
  const validate = validatorFor(entry, ajv);
  if (validate(obj)) return [];
  const messages = (validate.errors ?? []).map((e) => `${who}: ${describe(e, obj)}`);
  return [...new Set(messages)];
}

/**
 * Validates every manifest and throws one error listing all problems (each prefixed with
 * the manifest's index). Throws as well for an empty list, so a test cannot pass by
 * validating nothing.
 */
export function expectValidManifests(objs: readonly unknown[]): void {
  if (!Array.isArray(objs) || objs.length === 0) {
    throw new Error('expectValidManifests: no manifests to validate (did the chart synthesize anything?)');
  }
  const problems = objs.flatMap((o, i) => validateManifest(o).map((m) => `[${i}] ${m}`));
  if (problems.length) {
    throw new Error(`${problems.length} schema problem(s) in ${objs.length} manifest(s):\n  - ${problems.join('\n  - ')}`);
  }
}

/** Every `apiVersion Kind` with a schema, e.g. `apps/v1 Deployment`, `keda.sh/v1alpha1 ScaledObject`; sorted. */
export function knownKinds(): string[] {
  return [...load().kinds.keys()].sort();
}
