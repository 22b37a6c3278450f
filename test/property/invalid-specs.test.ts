/**
 * Property: bad input never reaches YAML. A valid spec mutated at a random path (wrong
 * types, NaN, Infinity, negative and huge numbers, null, deleted fields, unknown keys and
 * near-miss spellings of real ones, Durations/Sizes/CPU amounts of NaN, Infinity or
 * negative amounts, random strings for names, images and CIDRs; in one case of four with
 * a credential planted) either
 * - makes the chart throw an InferenceValidationError, before any file is written, whose
 *   message names a field path per problem, never uses zod's wording, never dumps an
 *   object and never quotes the planted credential; or
 * - when the mutation happened to stay valid (a number within range, a valid random name),
 *   synthesizes output that passes every check valid specs pass.
 * And validateSpec agrees with the chart: problems exactly when the chart throws.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { refusesOrSynthesizesValid, validateSpecAgrees } from './invalid-checks';
import { MUTATION_KINDS, mutationCaseArb } from './mutations';

/** Fixed seed for reproducible runs; a failure shrinks for at most 30 s. */
const RUNS = { seed: 42, numRuns: 1000, skipAllAfterTimeLimit: 30_000 };

const cases = mutationCaseArb(MUTATION_KINDS);

describe('invalid specs (property)', () => {
  it('throw an InferenceValidationError naming the field, or synthesize valid output', () => {
    fc.assert(fc.property(cases, refusesOrSynthesizesValid), RUNS);
  });

  it('validateSpec reports problems exactly when the chart refuses the spec', () => {
    fc.assert(fc.property(cases, validateSpecAgrees), RUNS);
  });
});
