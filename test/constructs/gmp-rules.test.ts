import { describe, expect, it } from 'vitest';
import { buildAlertRuleGroups } from '../../src/alerts';
import { GMP_UNSUPPORTED_FIELDS, GmpRuleGroup, GmpRules, GmpRulesProps, promqlMatchers } from '../../src/constructs/gmp-rules';
import { seedInput } from '../alerts/seed';
import { checkRules, promtoolSkipped } from '../helpers/promtool';
import { Manifest, errorOf, only, synth } from '../support';
import { expectRulesShape } from './gmp-fields';

function props(changes: Partial<GmpRulesProps> = {}): GmpRulesProps {
  return { name: 'ai-inference-rules', namespace: 'pixelated-prod', alerts: seedInput(), ...changes };
}

let construct: GmpRules | undefined;
function rulesOf(changes: Partial<GmpRulesProps> = {}): Manifest {
  return only(synth((chart) => void (construct = new GmpRules(chart, 'Rules', props(changes)))), 'Rules');
}

const CUSTOM: GmpRuleGroup[] = [
  {
    name: 'custom',
    interval: '30s',
    rules: [
      { record: 'job:up:sum', expr: 'sum by (namespace, job) (up{namespace="pixelated-prod"})' },
      { alert: 'Down', expr: 'up{namespace="pixelated-prod"} == 0', for: '5m', labels: { severity: 'critical' }, annotations: { summary: 'down' } },
    ],
  },
];

describe('GmpRules', () => {
  it('holds the same recording rules and alerts as the PrometheusRule, in the verified Rules shape', () => {
    const r = rulesOf();
    expectRulesShape(r);
    expect(r.metadata).toEqual({ name: 'ai-inference-rules', namespace: 'pixelated-prod' });
    const expected = buildAlertRuleGroups(seedInput());
    expect(r.spec.groups.map((g: any) => g.name)).toEqual(expected.map((g) => g.name));
    expect(r.spec.groups.map((g: any) => g.interval)).toEqual(expected.map((g) => g.interval));
    const names = (groups: any[]) => groups.flatMap((g) => g.rules.map((x: any) => x.alert ?? x.record));
    expect(names(r.spec.groups)).toEqual(names(expected));
    // Same expressions, for and annotations, rule by rule.
    const flat = (groups: any[]) => groups.flatMap((g) => g.rules);
    flat(r.spec.groups).forEach((rule: any, i: number) => {
      const src: any = flat(expected)[i];
      expect(rule.expr).toBe(src.expr);
      expect(rule.for).toBe(src.for);
      expect(rule.annotations).toEqual(src.annotations);
    });
  });

  it('leaves the namespace label out of every rule: GMP writes it back with the Rules\' namespace and rejects a rule that sets it', () => {
    const r = rulesOf();
    const alerts = r.spec.groups.flatMap((g: any) => g.rules).filter((x: any) => x.alert);
    expect(alerts.length).toBeGreaterThan(0);
    for (const a of alerts) {
      expect(a.labels.namespace).toBeUndefined();
      expect(a.labels.deployment).toBe('ai-inference');
      expect(a.labels.severity).toMatch(/^(critical|warning|info)$/);
    }
    // The rule file for promtool carries it again, as GMP's evaluator would.
    const file = construct!.ruleFile();
    expect(file.groups.flatMap((g) => g.rules).every((x) => x.labels?.namespace === 'pixelated-prod')).toBe(true);
  });

  it('selects namespace="<its namespace>" in every selector of the catalogue, the only namespace GMP lets a Rules read', () => {
    for (const g of rulesOf().spec.groups) {
      for (const rule of g.rules) {
        for (const m of promqlMatchers(rule.expr)) {
          if (m.label === 'namespace') expect([m.op, m.value]).toEqual(['=', 'pixelated-prod']);
          expect(['project_id', 'location', 'cluster']).not.toContain(m.label);
        }
      }
    }
  });

  it.skipIf(promtoolSkipped())('passes promtool check rules (GMP evaluates standard PromQL)', () => {
    rulesOf();
    const result = checkRules(construct!.ruleFile());
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.ok).toBe(true);
    rulesOf({ alerts: undefined, groups: CUSTOM });
    expect(checkRules(construct!.ruleFile()).ok).toBe(true);
  });

  it('writes given groups as they are, without an interval when none is given (the CRD defaults it to 1m)', () => {
    const r = rulesOf({ alerts: undefined, groups: [{ name: 'g', rules: [{ record: 'a:b', expr: 'sum(up{namespace="pixelated-prod"})' }] }] });
    expectRulesShape(r);
    expect(r.spec.groups).toEqual([{ name: 'g', rules: [{ record: 'a:b', expr: 'sum(up{namespace="pixelated-prod"})' }] }]);
  });

  it('refuses keep_firing_for and the group fields GMP\'s Rules lack, naming each', () => {
    const rule = { alert: 'Down', expr: 'up == 0', keep_firing_for: '10m' } as any;
    expect(errorOf(() => rulesOf({ alerts: undefined, groups: [{ name: 'g', rules: [rule] }] }))).toContain(
      `groups[0].rules[0].keep_firing_for ("10m") ${GMP_UNSUPPORTED_FIELDS.rule.keep_firing_for}`,
    );
    expect(GMP_UNSUPPORTED_FIELDS.rule.keep_firing_for).toBe(
      "GMP's Rule has no keep_firing_for (rules_types.go: record, alert, expr, for, labels, annotations); remove it, or lengthen the alert's `for`, or use backend 'prometheus-operator'",
    );
    const group = { name: 'g', limit: 10, query_offset: '1m', labels: { team: 'x' }, rules: [{ alert: 'Down', expr: 'up == 0' }] } as any;
    const err = errorOf(() => rulesOf({ alerts: undefined, groups: [group] }));
    expect(err).toContain("groups[0].limit (10) GMP's RuleGroup has no limit (rules_types.go: name, interval, rules); remove it");
    expect(err).toContain('groups[0].query_offset ("1m") GMP\'s RuleGroup has no query_offset (rules_types.go: name, interval, rules); remove it');
    expect(err).toContain('groups[0].labels (an object) GMP\'s RuleGroup has no group labels (rules_types.go: name, interval, rules); put the labels on each rule');
  });

  it('refuses a selector that reaches another namespace, or matches a label GMP fixes', () => {
    const g = (expr: string): GmpRuleGroup[] => [{ name: 'g', rules: [{ alert: 'A', expr }] }];
    expect(errorOf(() => rulesOf({ alerts: undefined, groups: g('up{namespace="other"} == 0') }))).toContain(
      'groups[0].rules[0].expr ("namespace=\\"other\\"") reaches beyond the Rules\' namespace "pixelated-prod": GMP adds namespace="pixelated-prod" to every selector and rejects a selector that matches namespace otherwise; select namespace="pixelated-prod" only, or use a ClusterRules (not built by this library)',
    );
    expect(errorOf(() => rulesOf({ alerts: undefined, groups: g('up{namespace=~"pixelated-.*"} == 0') }))).toContain('namespace=~\\"pixelated-.*\\"');
    expect(errorOf(() => rulesOf({ alerts: undefined, groups: g('up{cluster="prod"} == 0') }))).toContain(
      'groups[0].rules[0].expr ("cluster=\\"prod\\"") matches a label GMP fixes for the Rules (project_id, location, cluster, namespace); its admission webhook rejects the selector, remove the matcher',
    );
  });

  it('refuses a rule label GMP writes itself, unless it is the Rules\' own namespace', () => {
    const g = (labels: Record<string, string>): GmpRuleGroup[] => [{ name: 'g', rules: [{ alert: 'A', expr: 'vector(1)', labels }] }];
    expect(errorOf(() => rulesOf({ alerts: undefined, groups: g({ cluster: 'prod' }) }))).toContain(
      'groups[0].rules[0].labels.cluster ("prod") is a label GMP writes onto every result of the Rules itself (namespace "pixelated-prod"); its admission webhook rejects a rule that sets it, remove the label',
    );
    expect(errorOf(() => rulesOf({ alerts: undefined, groups: g({ namespace: 'other' }) }))).toContain('groups[0].rules[0].labels.namespace ("other") is a label GMP writes');
    const r = rulesOf({ alerts: undefined, groups: g({ namespace: 'pixelated-prod', team: 'ml' }) });
    expect(r.spec.groups[0].rules[0].labels).toEqual({ team: 'ml' });
  });

  it('refuses the shapes the CRD rejects: both or neither of record and alert, for on a recording rule, a bad record name, an empty group', () => {
    const one = (rule: any) => errorOf(() => rulesOf({ alerts: undefined, groups: [{ name: 'g', rules: [rule] }] }));
    expect(one({ record: 'a', alert: 'b', expr: 'up' })).toContain('must set exactly one of alert and record (the CRD rule "Must set exactly one of Record or Alert"); split it into two rules');
    expect(one({ record: 'a', expr: 'up', for: '5m' })).toContain("is a recording rule with `for` or annotations, which only alerting rules take in GMP's Rule; remove them");
    expect(one({ record: 'a-b', expr: 'up' })).toContain('must be a Prometheus metric name (the CRD pattern ^[a-zA-Z_:][a-zA-Z0-9_:]*$); fix the record name');
    expect(errorOf(() => rulesOf({ alerts: undefined, groups: [{ name: 'g', rules: [] }] }))).toContain('must hold at least one rule (the CRD: minItems 1); drop the empty group');
    expect(errorOf(() => rulesOf({ groups: CUSTOM }))).toContain('set exactly one of groups and alerts');
    expect(errorOf(() => rulesOf({ alerts: undefined, groups: [...CUSTOM, ...CUSTOM] }))).toContain('groups[1].name ("custom") repeats the name of an earlier group; rule groups need unique names, rename it');
  });

  it('refuses an expression that does not parse, naming the group and rule', () => {
    expect(errorOf(() => rulesOf({ alerts: undefined, groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'sum(up' }] }] }))).toContain('rule group g, rule A: PromQL does not parse');
  });
});
