import { describe, expect, it } from 'vitest';
import { promtoolSkipped, testRules } from '../helpers/promtool';
import { promtoolTestOf, scenarioName, synthesizedRuleSpec } from './harness';
import { ALERT_SCENARIOS } from './scenarios';

/**
 * The promtool scenarios evaluated every 5 minutes over hours or days of data (burn-rate
 * and budget windows, day-over-day traffic), on the synthesized PrometheusRule of the seed
 * service. A file of their own so vitest runs them beside promtool.test.ts.
 */
describe.skipIf(promtoolSkipped())('the synthesized PrometheusRule of the seed service under promtool, over days', () => {
  const ruleFile = synthesizedRuleSpec();

  for (const scenario of ALERT_SCENARIOS.filter((s) => s.interval === '5m')) {
    it(`${scenario.alert} ${scenarioName(scenario)}`, () => {
      const result = testRules(ruleFile, promtoolTestOf(scenario, ruleFile.groups));
      expect(result.output).toContain('SUCCESS');
      expect(result.ok).toBe(true);
    });
  }
});
