import { AiInferenceSpec, specProblems } from '../spec/spec';
import { throwIfProblems } from '../spec/problems';
import { Findings, consistencyFindings } from './consistency';
import { ChartWirings, chartWirings, wiringProblems } from './wiring';

/**
 * Every problem of a spec, as `path (value) rule; fix` lines with the paths the user
 * wrote: the spec's shape and relations, each construct's own rules on the props the
 * spec maps to, and the rules between the service's objects. Empty when the spec
 * synthesizes. Works on any value (a spec read from JSON or YAML, `as any`).
 */
export function validateSpec(spec: unknown): string[] {
  return checkSpec(spec).problems;
}

export interface SpecCheck {
  readonly problems: string[];
  /** Present when there is no problem. */
  readonly checked?: { readonly spec: AiInferenceSpec; readonly wirings: ChartWirings; readonly findings: Findings };
}

/** Every problem of one service spec, and (when there is none) its wirings and findings. */
export function checkSpec(spec: unknown): SpecCheck {
  const shape = specProblems(spec);
  if (shape.length > 0) return { problems: shape };
  const s = spec as AiInferenceSpec;
  const wirings = chartWirings(s);
  const findings = consistencyFindings(s, wirings.resolved);
  const problems = [...new Set([...Object.values(wirings.all).flatMap((w) => (w ? wiringProblems(w) : [])), ...findings.errors])];
  return problems.length > 0 ? { problems } : { problems, checked: { spec: s, wirings, findings } };
}

/**
 * Validates a spec before anything is built; throws an InferenceValidationError listing
 * every problem the spec decides (shape, relations, construct rules, rules between the
 * objects), so a bad spec never reaches synth. Returns the typed spec, the wirings and
 * the warnings.
 */
export function checkedWirings(subject: string, spec: unknown): { spec: AiInferenceSpec; wirings: ChartWirings; findings: Findings } {
  const result = checkSpec(spec);
  throwIfProblems(subject, result.problems);
  return result.checked!;
}

