/**
 * The two invalid-spec properties, as functions of one mutation case (see
 * invalid-specs.test.ts). They throw plain Errors, never vitest's expect: expect failures
 * are retained while fast-check shrinks and would exhaust the heap.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { AiInferenceChart, InferenceValidationError, validateSpec } from '../../src';
import { assertValidOutput } from './manifest-rules';
import { MutationCase, TOP_LEVEL_KEYS } from './mutations';

/** zod's default wording; the library's own messages replace it everywhere. */
const ZOD_WORDING = /\bRequired\b|Invalid input|\bExpected\b|\breceived\b|Unrecognized key/;
const CHART_ID = 'mutated';

/** Synthesizes the spec into a fresh directory: the error thrown (if any) and the files written. */
function synthToDisk(c: MutationCase): { error?: unknown; files: { name: string; text: string }[] } {
  const outdir = mkdtempSync(join(tmpdir(), 'ai-inference-property-'));
  try {
    let error: unknown;
    try {
      const app = new App({ outdir });
      new AiInferenceChart(app, CHART_ID, { spec: c.spec });
      app.synth();
    } catch (e) {
      error = e;
    }
    const files = readdirSync(outdir).map((name) => ({ name, text: readFileSync(join(outdir, name), 'utf8') }));
    return { error, files };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function fail(c: MutationCase, problem: string): never {
  throw new Error(`${c.description}: ${problem}`);
}

/** The checks of a validation error's message. */
function checkError(c: MutationCase, error: unknown): void {
  if (!(error instanceof InferenceValidationError)) {
    const e = error as Error;
    fail(c, `threw ${e?.constructor?.name ?? typeof error} instead of an InferenceValidationError: ${String(e?.message ?? error).slice(0, 800)}`);
  }
  const message = error.message;
  const [first, ...lines] = message.split('\n');
  if (first !== `AiInferenceChart ${CHART_ID}: spec is invalid:`) fail(c, `message starts ${JSON.stringify(first)}`);
  if (lines.length === 0) fail(c, 'message lists no problem');
  const topLevel = new Set([...TOP_LEVEL_KEYS, ...(c.newTopLevelKey ? [c.newTopLevelKey] : [])]);
  for (const line of lines) {
    // `  - <path> (<value>) <rule>; <fix>` or `  - <path> is not a field; ...`
    const m = /^ {2}- ([^\s(]+) (\(|is not a field)/.exec(line);
    if (!m) fail(c, `problem line does not start with a field path: ${JSON.stringify(line)}\n${message}`);
    const head = /^[^.[]+/.exec(m[1])?.[0] ?? '';
    if (!topLevel.has(head)) fail(c, `problem path ${m[1]} is not a spec path\n${message}`);
  }
  // Quoted values are the user's own text; zod's wording must not appear outside them.
  const words = message.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  if (ZOD_WORDING.test(words)) fail(c, `message uses zod's wording (${ZOD_WORDING.exec(words)![0]}):\n${message}`);
  if (words.includes('{"')) fail(c, `message dumps an object as JSON:\n${message}`);
  for (const fragment of c.secretFragments) {
    if (message.includes(fragment)) fail(c, `message quotes the planted credential (${fragment}):\n${message}`);
  }
}

/**
 * The chart throws an InferenceValidationError (and writes nothing) with a clean message,
 * or, when the mutation stayed valid, synthesizes output that passes every output check.
 */
export function refusesOrSynthesizesValid(c: MutationCase): void {
  const { error, files } = synthToDisk(c);
  if (error !== undefined) {
    checkError(c, error);
    if (files.length > 0) fail(c, `threw but wrote ${files.map((f) => f.name).join(', ')}`);
    return;
  }
  if (c.mustThrow) fail(c, 'was accepted, but no spec with this value is valid');
  if (files.length === 0) fail(c, 'synthesized without writing a file');
  const objs = files.flatMap((f) => parseAllDocuments(f.text).map((d) => d.toJS()));
  assertValidOutput(objs, files.map((f) => f.text).join('\n'), !c.plantsNumberWord);
}

/** validateSpec does not throw, and finds problems exactly when the chart refuses the spec. */
export function validateSpecAgrees(c: MutationCase): void {
  let problems: string[];
  try {
    problems = validateSpec(c.spec);
  } catch (e) {
    fail(c, `validateSpec threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
  }
  const { error } = synthToDisk(c);
  if (error === undefined && problems.length > 0) fail(c, `validateSpec found problems in a spec the chart synthesizes:\n  - ${problems.join('\n  - ')}`);
  if (error !== undefined && problems.length === 0) fail(c, `validateSpec found no problem, but the chart threw: ${(error as Error).message}`);
}
