import { describe, expect, it } from 'vitest';
import { buildAlertRuleGroups } from '../../src/alerts';
import { checkRules, promtoolSkipped, testRules } from '../helpers/promtool';
import { promqlTestOf, promtoolTestOf, scenarioName } from './harness';
import { LLM_RECORDING_SCENARIOS, LLM_SCENARIOS, llmInput } from './llm-scenarios';

/**
 * The LLM burn-rate alerts of a vLLM service (TTFT p95 1 s, inter-token p95 50 ms), proven
 * with the real promtool on series labelled as vLLM exports them.
 */
describe.skipIf(promtoolSkipped())('the LLM burn-rate alerts of a vLLM service under promtool', () => {
  const groups = buildAlertRuleGroups(llmInput());
  const ruleFile = { groups };

  it('pass promtool check rules with the 18 LLM recording rules and 8 LLM alerting rules beside the vLLM ones', () => {
    const result = checkRules(ruleFile);
    expect(result.output).toContain('SUCCESS: 54 rules found');
    expect(result.ok).toBe(true);
  });

  for (const scenario of LLM_SCENARIOS) {
    it(`${scenario.alert} ${scenarioName(scenario)}`, () => {
      const result = testRules(ruleFile, promtoolTestOf(scenario, groups));
      expect(result.output).toContain('SUCCESS');
      expect(result.ok).toBe(true);
    });
  }

  for (const scenario of LLM_RECORDING_SCENARIOS) {
    it(scenario.title, () => {
      const result = testRules(ruleFile, promqlTestOf(scenario, groups));
      expect(result.output).toContain('SUCCESS');
      expect(result.ok).toBe(true);
    });
  }
});

describe.skipIf(promtoolSkipped())('the LLM promtool harness', () => {
  it('fails a scenario that expects the 80 % slow service to stay silent (the scenarios can fail)', () => {
    const groups = buildAlertRuleGroups(llmInput());
    const [fires] = LLM_SCENARIOS;
    const silent = { ...fires, checks: fires.checks.map((c) => ({ ...c, firing: [] })) };
    const result = testRules({ groups }, promtoolTestOf(silent, groups));
    expect(result.ok).toBe(false);
    expect(result.output).toContain('FAILED');
  });
});
