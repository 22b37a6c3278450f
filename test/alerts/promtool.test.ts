import { describe, expect, it } from 'vitest';
import { ALERT_NAMES, buildAlertRuleGroups } from '../../src/alerts';
import { DEFAULT_RUNBOOK_BASE_URL } from '../../src/spec/spec';
import { VLLM_PRESET } from '../../src/metrics/presets';
import { checkRules, promtoolSkipped, requirePromtool, testRules } from '../helpers/promtool';
import { promqlTestOf, promtoolTestOf, scenarioName, synthesizedRuleSpec } from './harness';
import { ALERT_SCENARIOS, FLOOR_SCENARIOS, RECORDING_SCENARIOS, THROUGHPUT_FLOOR_RPS, VLLM_SCENARIOS } from './scenarios';
import { seedInput } from './seed';
import { LLM_SCENARIOS } from './llm-scenarios';

/**
 * The rules of the seed service, proven with the real promtool (2.42): `check rules`, and
 * `test rules` with a firing and a silent scenario for every alert of the catalogue.
 * Without promtool these tests fail; SKIP_PROMTOOL=1 skips them on purpose.
 */

describe('the promtool scenarios', () => {
  // The LLM burn-rate alerts run on a vLLM service with LLM objectives (promtool-llm.test.ts).
  const all = [...ALERT_SCENARIOS, ...LLM_SCENARIOS];

  it('give every alert of the catalogue a scenario where it fires and one where it stays silent', () => {
    const firing = new Set(all.filter((s) => s.checks.some((c) => c.firing.length > 0)).map((s) => s.alert));
    const silent = new Set(all.filter((s) => s.neighboursOf && s.checks.every((c) => c.firing.length === 0)).map((s) => s.alert));
    expect([...ALERT_NAMES].filter((n) => !firing.has(n))).toEqual([]);
    expect([...ALERT_NAMES].filter((n) => !silent.has(n))).toEqual([]);
  });

  it('check the first firing one evaluation after a silent check, so a `for` one step longer or shorter fails', () => {
    const minutes = (t: string) => Number(t.replace(/m$/, ''));
    for (const s of all.filter((x) => !x.neighboursOf && x.checks[0].firing.length === 0)) {
      const first = s.checks.findIndex((c) => c.firing.length > 0);
      expect(first, `${s.alert}: ${s.title}`).toBeGreaterThan(0);
      expect(minutes(s.checks[first].at) - minutes(s.checks[first - 1].at), `${s.alert}: ${s.title}`).toBe(minutes(s.interval));
    }
  });
});


describe.skipIf(promtoolSkipped())('the synthesized PrometheusRule of the seed service under promtool', () => {
  const ruleFile = synthesizedRuleSpec();
  const groups = ruleFile.groups;

  it('is the rule set the alert builder makes for the seed SLO', () => {
    expect(groups).toEqual(JSON.parse(JSON.stringify(buildAlertRuleGroups(seedInput({ runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL })))));
  });

  it('finds promtool (PROMTOOL or PATH)', () => {
    expect(() => requirePromtool()).not.toThrow();
  });

  it('passes promtool check rules with 11 recording and 20 alerting rules', () => {
    const result = checkRules(ruleFile);
    expect(result.output).toContain('SUCCESS: 31 rules found');
    expect(result.ok).toBe(true);
  });

  // The 5m-interval scenarios (days of data) run in promtool-days.test.ts, in parallel.
  for (const scenario of ALERT_SCENARIOS.filter((s) => s.interval === '1m')) {
    it(`${scenario.alert} ${scenarioName(scenario)}`, () => {
      const result = testRules(ruleFile, promtoolTestOf(scenario, groups));
      expect(result.output).toContain('SUCCESS');
      expect(result.ok).toBe(true);
    });
  }

  for (const scenario of RECORDING_SCENARIOS) {
    it(scenario.title, () => {
      const result = testRules(ruleFile, promqlTestOf(scenario, groups));
      expect(result.output).toContain('SUCCESS');
      expect(result.ok).toBe(true);
    });
  }

  it('reports a failure when a scenario expects the wrong firing time (the harness can fail)', () => {
    const [scenario] = ALERT_SCENARIOS;
    const early = { ...scenario, checks: scenario.checks.map((c) => ({ ...c, firing: scenario.checks[scenario.checks.length - 1].firing })) };
    const result = testRules(ruleFile, promtoolTestOf(early, groups));
    expect(result.ok).toBe(false);
    expect(result.output).toContain('FAILED');
  });
});

describe.skipIf(promtoolSkipped())('alert rules of a vLLM service under promtool', () => {
  const groups = buildAlertRuleGroups(seedInput({}, VLLM_PRESET));
  const ruleFile = { groups };

  it('passes promtool check rules without the three alerts vLLM has no series for', () => {
    const result = checkRules(ruleFile);
    expect(result.output).toContain('SUCCESS: 28 rules found');
    expect(result.ok).toBe(true);
  });

  for (const scenario of VLLM_SCENARIOS) {
    it(`${scenario.alert} ${scenario.title}`, () => {
      const result = testRules(ruleFile, promtoolTestOf(scenario, groups));
      expect(result.output).toContain('SUCCESS');
      expect(result.ok).toBe(true);
    });
  }
});

describe.skipIf(promtoolSkipped())('InferenceThroughputLow with an absolute floor set by the user', () => {
  const groups = buildAlertRuleGroups(seedInput({ overrides: { InferenceThroughputLow: { threshold: THROUGHPUT_FLOOR_RPS } } }));

  for (const scenario of FLOOR_SCENARIOS) {
    it(`${scenario.alert} ${scenario.title}`, () => {
      const result = testRules({ groups }, promtoolTestOf(scenario, groups));
      expect(result.output).toContain('SUCCESS');
      expect(result.ok).toBe(true);
    });
  }
});
