import { Testing } from 'cdk8s';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { AlertName, RuleGroup, isAlertingRule } from '../../src/alerts';
import { AiInferenceChart } from '../../src/chart/ai-inference-chart';
import { AlertScenario, ExpectedAlert, RecordingScenario, neighbourSeries } from './scenarios';

/** Turns the scenarios of scenarios.ts into promtool rule unit-test files. */

/** The annotations Prometheus must render for `expected`, from the rule's own templates. */
export function expectedAnnotations(groups: readonly RuleGroup[], alert: AlertName, expected: ExpectedAlert): Record<string, string> {
  const candidates = groups
    .flatMap((g) => g.rules)
    .filter(isAlertingRule)
    .filter((r) => r.alert === alert && Object.entries(r.labels).every(([k, v]) => expected.labels[k] === v));
  if (candidates.length !== 1) {
    throw new Error(`expected one ${alert} rule with labels ${JSON.stringify(expected.labels)}, found ${candidates.length}`);
  }
  const render = (template: string) =>
    template
      .replace(/\{\{ \$value[^}]*\}\}/g, () => expected.value)
      .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, key: string) => expected.labels[key] ?? '');
  const a = candidates[0].annotations;
  return { summary: render(a.summary), description: render(a.description), runbook_url: render(a.runbook_url) };
}

/**
 * The promtool unit-test file of one scenario. `group_eval_order` makes promtool evaluate
 * the recording group before the alert group at each step (without it the order is
 * random and alerts on recorded ratios start one evaluation late in some runs).
 */
export function promtoolTestOf(scenario: AlertScenario, groups: readonly RuleGroup[]): Record<string, unknown> {
  return {
    evaluation_interval: scenario.interval,
    group_eval_order: groups.map((g) => g.name),
    tests: [
      {
        name: `${scenario.alert} ${scenario.title}`,
        interval: scenario.interval, // 2.42 loads no data without it
        input_series: [...scenario.series, ...(scenario.neighboursOf ? neighbourSeries(scenario.neighboursOf.series) : [])],
        alert_rule_test: scenario.checks.map((check) => ({
          eval_time: check.at,
          alertname: scenario.alert,
          exp_alerts: check.firing.map((a) => ({ exp_labels: a.labels, exp_annotations: expectedAnnotations(groups, scenario.alert, a) })),
        })),
      },
    ],
  };
}

export function promqlTestOf(scenario: RecordingScenario, groups: readonly RuleGroup[]): Record<string, unknown> {
  return {
    evaluation_interval: scenario.interval,
    group_eval_order: groups.map((g) => g.name),
    tests: [
      {
        name: scenario.title,
        interval: scenario.interval,
        input_series: scenario.series,
        promql_expr_test: scenario.checks.map((c) => ({ expr: c.expr, eval_time: c.at, exp_samples: c.samples })),
      },
    ],
  };
}


/** The test name of a scenario (silent ones say they are fed a neighbour's series too). */
export function scenarioName(scenario: AlertScenario): string {
  return scenario.neighboursOf ? `${scenario.title}, even with a neighbour's failing series` : scenario.title;
}

/** The `.spec` of the PrometheusRule the eks-nlb example synthesizes (dist/ equals it). */
export function synthesizedRuleSpec(): { groups: RuleGroup[] } {
  const objects = Testing.synth(new AiInferenceChart(Testing.app(), 'eks-nlb', { spec: eksNlbSpec }));
  const rules = objects.filter((o) => o.kind === 'PrometheusRule');
  if (rules.length !== 1) throw new Error(`expected one PrometheusRule, found ${rules.length}`);
  return rules[0].spec;
}
