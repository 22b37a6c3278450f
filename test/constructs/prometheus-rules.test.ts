import { App, Chart, Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildAlertRuleGroups } from '../../src/alerts';
import { PrometheusRuleGroup, PrometheusRules, PrometheusRulesProps } from '../../src/constructs/prometheus-rules';
import { promtoolTestOf } from '../alerts/harness';
import { ALERT_SCENARIOS } from '../alerts/scenarios';
import { seedInput } from '../alerts/seed';
import { checkRules, promtoolSkipped, testRules } from '../helpers/promtool';
import { Manifest, errorOf, only, synth } from '../support';

function seedProps(changes: Partial<PrometheusRulesProps> = {}): PrometheusRulesProps {
  return { name: 'ai-inference-rules', namespace: 'pixelated-prod', alerts: seedInput(), ...changes };
}

function ruleOf(changes: Partial<PrometheusRulesProps> = {}): Manifest {
  return only(synth((chart) => new PrometheusRules(chart, 'Rules', seedProps(changes))), 'PrometheusRule');
}

/** The YAML `cdk8s synth` writes for one PrometheusRules construct, parsed back. */
function synthesizedYaml(props: PrometheusRulesProps): Manifest {
  const app = new App();
  new PrometheusRules(new Chart(app, 'monitoring'), 'Rules', props);
  const docs = parseAllDocuments(app.synthYaml()).map((d) => d.toJS() as Manifest);
  expect(docs).toHaveLength(1);
  return docs[0];
}

const CUSTOM: PrometheusRuleGroup[] = [
  {
    name: 'custom',
    interval: '1m',
    rules: [
      { record: 'job:up:sum', expr: 'sum by (job) (up)', labels: { team: 'ml' } },
      { alert: 'TargetDown', expr: 'job:up:sum == 0', for: '10m', labels: { severity: 'warning' }, annotations: { summary: 'a job is down' } },
    ],
  },
];

describe('PrometheusRules', () => {
  it('emits a monitoring.coreos.com/v1 PrometheusRule named and labelled for the operator', () => {
    const rule = ruleOf({ labels: { 'app.kubernetes.io/component': 'monitoring' } });
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.kind).toBe('PrometheusRule');
    expect(rule.metadata).toEqual({
      name: 'ai-inference-rules',
      namespace: 'pixelated-prod',
      labels: { 'app.kubernetes.io/component': 'monitoring', release: 'kube-prometheus-stack' },
    });
  });

  it('writes every field of every rule to the synthesized YAML: interval, expr, for, labels, annotations', () => {
    const doc = synthesizedYaml(seedProps());
    expect(doc.spec).toEqual(JSON.parse(JSON.stringify({ groups: buildAlertRuleGroups(seedInput()) })));
    expect(doc.spec.groups.map((g: Manifest) => [g.name, g.interval])).toEqual([
      ['ai-inference-sli', '30s'],
      ['ai-inference-sli-long', '2m'],
      ['ai-inference-alerts', '30s'],
    ]);
    const alerts = doc.spec.groups[2];
    const p95 = alerts.rules.find((r: Manifest) => r.alert === 'InferenceLatencyP95SLOBreach');
    expect(p95.for).toBe('5m');
    expect(p95.labels).toEqual({ severity: 'critical', namespace: 'pixelated-prod', deployment: 'ai-inference' });
    expect(Object.keys(p95.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
    expect(p95.expr).toContain('histogram_quantile(0.95, ');
    const burn = alerts.rules.filter((r: Manifest) => r.alert === 'InferenceErrorBudgetBurnFast');
    expect(burn.map((r: Manifest) => [r.for, r.labels.long_window, r.labels.short_window])).toEqual([
      ['2m', '1h', '5m'],
      ['15m', '6h', '30m'],
    ]);
    expect(doc.spec.groups[0].rules[0]).toEqual({ record: 'inference:requests:rate5m', expr: expect.stringContaining('inference_requests_total') });
    expect(alerts.rules[0]).toEqual({ record: 'inference:kube_pod_owner:deployment', expr: expect.stringContaining('kube_replicaset_owner') });
  });

  it('emits given groups as they are, recording and alerting rules alike', () => {
    const doc = synthesizedYaml(seedProps({ alerts: undefined, groups: CUSTOM }));
    expect(doc.spec).toEqual({ groups: CUSTOM });
  });

  it('takes the operator selector labels it is given', () => {
    expect(ruleOf({ operatorSelectorLabels: { prometheus: 'platform', role: 'alert-rules' } }).metadata.labels).toEqual({ prometheus: 'platform', role: 'alert-rules' });
  });

  it('rejects both groups and alerts, and neither', () => {
    const message = 'set exactly one of groups and alerts; pass the rule groups, or the AlertRulesInput to build them from';
    expect(errorOf(() => ruleOf({ groups: CUSTOM }))).toContain(message);
    expect(errorOf(() => ruleOf({ alerts: undefined }))).toContain(message);
  });

  it('rejects two groups of one name', () => {
    expect(errorOf(() => ruleOf({ alerts: undefined, groups: [...CUSTOM, ...CUSTOM] }))).toContain(
      'groups[1].name ("custom") repeats the name of an earlier group; Prometheus needs unique group names, rename it',
    );
  });

  it('rejects a recording rule with a for', () => {
    const groups = [{ name: 'g', interval: '1m', rules: [{ record: 'x:y', expr: 'up', for: '5m' }] }];
    expect(errorOf(() => ruleOf({ alerts: undefined, groups }))).toContain(
      'groups[0].rules[0] (an object) is a recording rule with `for` or annotations, which only alerting rules take; remove them',
    );
  });

  it('rejects an interval that is not a Prometheus duration', () => {
    expect(errorOf(() => ruleOf({ alerts: undefined, groups: [{ ...CUSTOM[0], interval: '30 seconds' }] }))).toContain(
      'groups[0].interval ("30 seconds") must be a Prometheus duration like 30s, 5m, 1h30m; fix it',
    );
  });

  it('names the group and rule whose expression does not parse', () => {
    const groups = [{ name: 'custom', interval: '1m', rules: [{ alert: 'Broken', expr: 'sum(rate(x[5m])' }] }];
    expect(errorOf(() => ruleOf({ alerts: undefined, groups }))).toMatch(/^PrometheusRules test\/Rules: rule group custom, rule Broken: PromQL does not parse at offset/);
  });

  it('reports invalid alert input under the alerts path', () => {
    const alerts = seedInput();
    expect(errorOf(() => ruleOf({ alerts: { ...alerts, slo: { ...alerts.slo, latencyP99Seconds: 1 } } }))).toContain(
      'alerts.slo.latencyP99Seconds (1) must not be below slo.latencyP95Seconds (2)',
    );
  });

  it('moves the synthesized p95 alert with the SLO', () => {
    const alerts = seedInput();
    const rule = ruleOf({ alerts: { ...alerts, slo: { ...alerts.slo, latencyP95Seconds: 1.5, period: Duration.days(28) } } });
    const p95 = rule.spec.groups[2].rules.find((r: Manifest) => r.alert === 'InferenceLatencyP95SLOBreach');
    expect(p95.expr.endsWith('> 1.5')).toBe(true);
    expect(rule.spec.groups[1].rules.map((r: Manifest) => r.record)).toContain('inference:request_errors:ratio_rate28d');
  });
});

describe.skipIf(promtoolSkipped())('the synthesized PrometheusRule under promtool', () => {
  const spec = synthesizedYaml(seedProps()).spec;

  it('passes promtool check rules on its spec', () => {
    const result = checkRules(spec);
    expect(result.output).toContain('SUCCESS: 31 rules found');
    expect(result.ok).toBe(true);
  });

  it('fires the burn-rate tiers and the p95 alert from its spec as from the built groups', () => {
    const groups = buildAlertRuleGroups(seedInput());
    for (const title of ['fires the 1h/5m tier 2m', 'fires 5m after the p95 latency']) {
      const scenario = ALERT_SCENARIOS.find((s) => s.title.startsWith(title))!;
      const result = testRules(spec, promtoolTestOf(scenario, groups));
      expect(result.output, title).toContain('SUCCESS');
    }
  });
});
