/**
 * Property: every spec within the documented ranges validates clean and synthesizes
 * objects the API server would accept (schemas, Pod Security "restricted", name, label,
 * int32 and quantity rules, no NaN or Infinity anywhere in the YAML).
 */
import { Testing } from 'cdk8s';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { stringify } from 'yaml';
import { AiInferenceChart, validateSpec } from '../../src';
import { validSpecArb } from './arbitraries';
import { assertValidOutput } from './manifest-rules';

/**
 * Fixed seed: the same 100 specs on every run; change it to explore others. A failure
 * shrinks for at most 30 s (then the smallest counterexample found so far is reported).
 */
const RUNS = { seed: 42, numRuns: 100, skipAllAfterTimeLimit: 30_000 };

describe('valid specs (property)', () => {
  it('validateSpec finds no problem and the chart synthesizes valid Kubernetes objects', () => {
    fc.assert(
      fc.property(validSpecArb, (spec) => {
        const problems = validateSpec(spec);
        if (problems.length > 0) throw new Error(`validateSpec found problems in a valid spec:\n  - ${problems.join('\n  - ')}`);
        const objs = Testing.synth(new AiInferenceChart(Testing.app(), 'property', { spec }));
        const yamlText = objs.map((o) => stringify(o)).join('---\n');
        assertValidOutput(objs, yamlText);
      }),
      RUNS,
    );
  });
});
