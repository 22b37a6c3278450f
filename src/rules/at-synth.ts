/**
 * The rule pack at synth: every chart of the library runs it on its rendered objects, and
 * an error-level finding fails synth (warnings are left to `check`, the cdk8s plugin and the
 * CLI, which report them). Suppressions on an object apply as they do everywhere.
 */
import { registerSynthCheck } from '../chart/synth-checks';
import { checkObjects } from './check';
import { formatFinding } from './report';

export function rulePackErrors(objects: readonly unknown[]): string[] {
  return checkObjects(objects).findings.filter((f) => f.level === 'error').map(formatFinding);
}

registerSynthCheck(rulePackErrors);
