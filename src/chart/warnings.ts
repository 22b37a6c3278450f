/**
 * What the chart does with its warnings: the spec's suppressions take some out (each with
 * its reason, which goes into the output), the rest are printed once per chart at synth.
 */
import { Construct } from 'constructs';
import { PROCESS_WARNING_CODE } from '../conventions';
import { Warning } from './findings/types';

/** A warning the spec suppressed: not printed; its reason is written into the output. */
export interface SuppressedWarning extends Warning {
  /** The reason the spec gives (`warnings.suppress[].reason`). */
  readonly reason: string;
}

/** Any finding with an id and a message: a service's Warning, or a platform's note. */
export interface IdentifiedWarning {
  readonly id: string;
  readonly message: string;
}

/** The warnings to print, and the ones the spec suppresses (in finding order). */
export function applySuppressions<W extends IdentifiedWarning = Warning>(
  warnings: readonly W[],
  suppressions: readonly { readonly id: string; readonly reason: string }[] = [],
): { readonly shown: W[]; readonly suppressed: (W & { readonly reason: string })[] } {
  const reasons = new Map<string, string>(suppressions.map((s) => [s.id, s.reason] as const));
  const shown: W[] = [];
  const suppressed: (W & { readonly reason: string })[] = [];
  for (const w of warnings) {
    const reason = reasons.get(w.id);
    if (reason === undefined) shown.push(w);
    else suppressed.push({ ...w, reason });
  }
  return { shown, suppressed };
}

/**
 * The value of the suppressed-warnings annotation: every suppression the spec declares, id
 * and reason, in spec order, as JSON.
 */
export function suppressionAnnotation(suppressions: readonly { readonly id: string; readonly reason: string }[]): string {
  return JSON.stringify(suppressions.map(({ id, reason }) => ({ id, reason })));
}

/** The text of one printed warning: `<construct path>: <id> <message>`. */
export function warningText(path: string, w: IdentifiedWarning): string {
  return `${path}: ${w.id} ${w.message} (to accept it, add { id: '${w.id}', reason } to the spec's warnings.suppress)`;
}

/**
 * Prints `warnings` (process.emitWarning, code AI_INFERENCE) when `scope` is first
 * synthesized, and never again for this scope. cdk8s validates the whole app once per
 * `App.synth()` and again in every `Chart.toJson()` (App._synthChart), so an app of N charts
 * runs each validation N+1 times (an AiInferenceChart renders itself checking only its own
 * constructs, synth.ts, but the toJson of any other chart of the app checks it again); the
 * flag makes the first run print and the others pass.
 * The warnings are fixed when the chart is built, so a later synth of the same chart has
 * nothing new to say. A chart that is never synthesized prints nothing (its `warnings`
 * still lists them).
 */
export function printOnceAtSynth(scope: Construct, warnings: readonly IdentifiedWarning[]): void {
  if (warnings.length === 0) return;
  let printed = false;
  scope.node.addValidation({
    validate: () => {
      if (!printed) {
        printed = true;
        for (const w of warnings) process.emitWarning(warningText(scope.node.path, w), { code: PROCESS_WARNING_CODE });
      }
      return [];
    },
  });
}
