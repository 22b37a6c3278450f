/**
 * What the chart finds between the objects of one service: errors (the chart refuses the
 * spec, naming every one at once) and warnings (synth goes on; each has a stable id from
 * conventions.ts WARNING_IDS and is printed once per chart).
 */
import { WarningId } from '../../conventions';

/** A finding that does not stop synth. */
export interface Warning {
  /** Stable id, e.g. `AII-W001` (conventions.ts WARNING_IDS). */
  readonly id: WarningId;
  /** `path (value) rule; fix`, like an error. */
  readonly message: string;
}

export interface Findings {
  readonly errors: string[];
  readonly warnings: Warning[];
}

/** The findings of several rule sets, in order. */
export function mergeFindings(...parts: readonly Findings[]): Findings {
  return { errors: parts.flatMap((p) => p.errors), warnings: parts.flatMap((p) => p.warnings) };
}
