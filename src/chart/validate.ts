import { AiInferenceSpec, specProblems } from '../spec/spec';
import { InferenceValidationError, throwIfProblems } from '../spec/problems';
import { consistencyFindings } from './consistency';
import { ChartWirings, chartWirings, wiringProblems } from './wiring';

/**
 * Every problem of a spec, as `path (value) rule; fix` lines with the paths the user
 * wrote: the spec's shape and relations, each construct's own rules on the props the
 * spec maps to, and the cross-object rules the chart checks at synth. Empty when the spec
 * synthesizes. Works on any value (a spec read from JSON or YAML, `as any`).
 */
export function validateSpec(spec: unknown): string[] {
  const problems = specProblems(spec);
  if (problems.length > 0) return problems;
  const s = spec as AiInferenceSpec;
  const wirings = chartWirings(s);
  const constructProblems = Object.values(wirings.all).flatMap((w) => (w ? wiringProblems(w) : []));
  return [...new Set([...constructProblems, ...consistencyFindings(s).errors])];
}

/**
 * Validates a spec; throws an InferenceValidationError listing every problem found before
 * synth (shape, relations, construct rules). Returns the spec typed and the wirings.
 */
export function checkedWirings(subject: string, spec: unknown): { spec: AiInferenceSpec; wirings: ChartWirings } {
  throwIfProblems(subject, specProblems(spec));
  const s = spec as AiInferenceSpec;
  const wirings = chartWirings(s);
  throwIfProblems(subject, Object.values(wirings.all).flatMap((w) => (w ? wiringProblems(w) : [])));
  return { spec: s, wirings };
}

export { InferenceValidationError };
