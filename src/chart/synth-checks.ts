/**
 * Checks that run on a chart's synthesized objects, as the chart renders them (toJson). The
 * policy rule pack (rules/) registers itself here when the package is loaded: the rules sit
 * above the charts (they judge any manifests, hand-written ones too), so the chart calls
 * them through this registry instead of importing them.
 */

/** Error lines about the rendered objects; an empty list when they pass. */
export type SynthCheck = (objects: readonly unknown[]) => readonly string[];

const checks: SynthCheck[] = [];

/** Adds a check every AiInferenceChart and InferencePlatformChart runs at synth. */
export function registerSynthCheck(check: SynthCheck): void {
  if (!checks.includes(check)) checks.push(check);
}

/** The chart's rendered objects, or an error listing every line the checks report. */
export function checkedAtSynth<T>(subject: string, objects: T[]): T[] {
  const problems = checks.flatMap((check) => check(objects));
  if (problems.length > 0) {
    throw new Error(`${subject}: the synthesized manifests break the policy rule pack (docs/RULES.md):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return objects;
}
