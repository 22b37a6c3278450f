/**
 * The two fleets the benchmark compares, importable in-process (the byte-identity unit test)
 * and from the bench worker (one fresh process per measurement).
 *
 * - The library fleet: N AiInferenceCharts in one cdk8s App, each the full examples/eks-nlb
 *   spec with its own release and namespace.
 * - The hand-written fleet: the same objects as plain cdk8s ApiObjects (`new ApiObject(chart,
 *   id, json)` per object). The JSON is the library's own synthesized output for one service
 *   (the template), re-labelled per service: every string naming the template's release or
 *   namespace is rewritten to the service's, as the library names it (`<release>...`,
 *   namespace `<namespace>`). Both fleets use the same chart ids, so app.synth() writes the
 *   same file names; the benchmark compares the files byte for byte before any timing counts.
 *
 * Nothing here loads the library: the hand-written worker must not pay for it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject, ApiObjectProps, App, Chart, Testing } from 'cdk8s';
import type { AiInferenceChart, AiInferenceSpec } from '../src';

/**
 * What the library fleet needs from the library, passed in rather than imported here: the
 * worker requires the transpiled modules (and times that as the library's load), the unit
 * test imports the TypeScript sources, and the hand-written worker never loads them.
 */
export interface LibraryModules {
  readonly AiInferenceChart: typeof AiInferenceChart;
  /** examples/eks-nlb/spec.ts */
  readonly eksNlbSpec: AiInferenceSpec;
}

/** Release of service i. Zero-padded, so no release is a prefix of another one's names. */
export function releaseOf(i: number): string {
  return `ai-inference-${String(i).padStart(4, '0')}`;
}

/** Namespace of service i. */
export function namespaceOf(i: number): string {
  return `pixelated-prod-${String(i).padStart(4, '0')}`;
}

/** Chart id of service i (cdk8s names the file `<id>.k8s.yaml`). */
export function chartIdOf(i: number): string {
  return `svc-${String(i).padStart(4, '0')}`;
}

/** The full eks-nlb spec, with service i's release and namespace. */
export function specOf(base: AiInferenceSpec, i: number): AiInferenceSpec {
  return { ...base, release: releaseOf(i), namespace: namespaceOf(i) };
}

/** The template: service 0's objects as the library synthesizes them, in output order. */
export type Template = readonly Record<string, unknown>[];

/** Adds the library fleet of `n` services to `app`. */
export function buildLibraryFleet(app: App, n: number, { AiInferenceChart, eksNlbSpec }: LibraryModules): void {
  for (let i = 0; i < n; i++) new AiInferenceChart(app, chartIdOf(i), { spec: specOf(eksNlbSpec, i) });
}

/**
 * The library's output for service 0 alone, as JSON objects. `Testing.synth` is
 * `App._synthChart` (cdk8s 2.70 lib/testing.js): the objects of the chart in the order
 * app.synth() writes them, each `ApiObject.toJson()` (resolved, sanitized, keys sorted).
 */
export function libraryTemplate(lib: LibraryModules): Template {
  const app = Testing.app();
  buildLibraryFleet(app, 1, lib);
  return Testing.synth(app.node.findChild(chartIdOf(0)) as Chart) as Template;
}

/** Rewrites every string (keys too) naming service 0 into service i's names. */
export function relabel<T>(value: T, i: number): T {
  const from = [releaseOf(0), namespaceOf(0)];
  const to = [releaseOf(i), namespaceOf(i)];
  const str = (s: string): string => {
    let out = s;
    for (let k = 0; k < from.length; k++) if (out.includes(from[k])) out = out.split(from[k]).join(to[k]);
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return str(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[str(k)] = walk(x);
      return o;
    }
    return v;
  };
  return walk(value) as T;
}

/** Adds the hand-written fleet of `n` services to `app`: plain ApiObjects from `template`. */
export function buildHandWrittenFleet(app: App, n: number, template: Template): void {
  for (let i = 0; i < n; i++) {
    const chart = new Chart(app, chartIdOf(i));
    template.forEach((obj, j) => {
      // ApiObjectProps is { apiVersion, kind, metadata?, ...anything }: toJson() writes the
      // props back with the metadata it rebuilt from props.metadata (cdk8s lib/api-object.js).
      new ApiObject(chart, `o${j}`, relabel(obj, i) as unknown as ApiObjectProps);
    });
  }
}

/** Differences between the YAML files of two output folders (empty when byte-identical). */
export function compareOutputs(a: string, b: string): string[] {
  const files = (d: string) => readdirSync(d).filter((f) => f.endsWith('.yaml')).sort();
  const fa = files(a);
  const fb = files(b);
  const problems: string[] = [];
  if (fa.join('\n') !== fb.join('\n')) {
    problems.push(`file lists differ: ${fa.length} vs ${fb.length} files (${fa.filter((f) => !fb.includes(f)).slice(0, 3).join(', ')} | ${fb.filter((f) => !fa.includes(f)).slice(0, 3).join(', ')})`);
    return problems;
  }
  for (const f of fa) {
    const x = readFileSync(join(a, f), 'utf8');
    const y = readFileSync(join(b, f), 'utf8');
    if (x !== y) {
      const lx = x.split('\n');
      const ly = y.split('\n');
      const line = lx.findIndex((l, k) => l !== ly[k]);
      problems.push(`${f}: first difference at line ${line + 1}: ${JSON.stringify(lx[line])} vs ${JSON.stringify(ly[line])}`);
    }
  }
  return problems;
}
