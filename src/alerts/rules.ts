import { Duration } from 'cdk8s';
import { assertPromql } from '../metrics/promql';
import { ALERT_CATALOGUE, AlertContext, AlertRuleOptions, catalogueEntry } from './catalogue';
import { humanThreshold, promNumber } from './format';
import { promDuration } from '../private/duration';
import { AlertRulesInput, ResolvedAlert, ResolvedAlertRulesInput, resolveAlertRulesInput, resolveAlertsOf } from './input';
import { AlertQueries } from './queries';
import { RECORDS } from './records';
import { runbookAnchor } from './runbook';
import { sliRecordingGroups } from './sli';
import { AlertingRule, RecordingRule, RuleGroup, isAlertingRule } from './types';

export type { AlertingRule, RecordingRule, Rule, RuleFile, RuleGroup } from './types';
export { isAlertingRule } from './types';
export { errorRatioRecordName, sliWindows, SLI_LONG_INTERVAL } from './sli';

/** Group names of one service's rules. */
export function ruleGroupNames(deployment: string): { readonly recording: string; readonly longRecording: string; readonly alerts: string } {
  return { recording: `${deployment}-sli`, longRecording: `${deployment}-sli-long`, alerts: `${deployment}-alerts` };
}

/**
 * The rule groups of one inference service:
 *
 * - `<deployment>-sli` (every evaluationInterval): the 5m request and error rates of the
 *   service and the error ratio over the windows up to 1 h, summed from those rates;
 * - `<deployment>-sli-long` (every SLI_LONG_INTERVAL): the error ratio over the longer
 *   burn-rate windows and the SLO period, summed from the same recorded 5m rates, never
 *   from the raw counters;
 * - `<deployment>-alerts` (every evaluationInterval): the Deployment's pods (a recording
 *   rule the pod alerts after it read in the same evaluation) and the alert catalogue.
 *
 * Validates `input` first (InferenceValidationError naming every problem) and parses every
 * expression with the Prometheus grammar (an error names the rule). Alerts that cannot
 * fire for the input are left out (resolveAlerts() lists them and why): with the vLLM
 * preset there is no InferenceCacheHitRateLow, InferenceDbPoolSaturated or
 * InferenceBiasScoreHigh (no such series) and InferenceModelLoadFailed uses only the
 * restart condition; with minReplicas = maxReplicas there is no InferenceHpaAtMaxReplicas
 * or InferenceGpuUnderutilized.
 */
export function buildAlertRuleGroups(input: AlertRulesInput): RuleGroup[] {
  const resolved = resolveAlertRulesInput(input);
  const alerts = resolveAlertsOf(resolved);
  const q = new AlertQueries(resolved);
  const names = ruleGroupNames(resolved.deployment);
  const interval = promDuration(resolved.evaluationInterval);

  const alerting: AlertingRule[] = [];
  for (const entry of ALERT_CATALOGUE) {
    const alert = alerts[entry.name];
    if (alert.included) alerting.push(...entry.rules(contextOf(alert, resolved, q)));
  }
  // The pods of the Deployment, recorded at the head of the alert group when an alert reads them.
  const podRecords: RecordingRule[] = alerting.some((r) => r.expr.includes(`${RECORDS.deploymentPods}{`))
    ? [{ record: RECORDS.deploymentPods, expr: q.deploymentPodsRecord() }]
    : [];

  const groups: RuleGroup[] = [
    // A server without series of its own: nothing to record, and no alert reads the records.
    ...(resolved.serverSeries ? sliRecordingGroups(resolved, q, names) : []),
    { name: names.alerts, interval, rules: [...podRecords, ...alerting] },
  ].filter((g) => g.rules.length > 0); // every alert disabled: no empty alert group
  for (const group of groups) {
    for (const rule of group.rules) {
      const what = isAlertingRule(rule) ? `${rule.alert}${rule.labels.long_window ? ` (${rule.labels.long_window}/${rule.labels.short_window})` : ''}` : rule.record;
      assertPromql(`rule group ${group.name}, rule ${what}`, rule.expr);
    }
  }
  return groups;
}

/** The plain rule file (`groups:`) of `input`, e.g. for `promtool check rules`. */
export function buildRuleFile(input: AlertRulesInput): { readonly groups: readonly RuleGroup[] } {
  return { groups: buildAlertRuleGroups(input) };
}

function contextOf(alert: ResolvedAlert, input: ResolvedAlertRulesInput, q: AlertQueries): AlertContext {
  const ns = input.scope.namespace;
  const dep = input.deployment;
  const entry = catalogueEntry(alert.name);
  return {
    input,
    alert,
    q,
    th: alert.threshold === undefined ? '' : promNumber(alert.threshold),
    thText: alert.threshold === undefined ? '' : humanThreshold(alert.threshold, alert.unit ?? ''),
    forText: alert.for ? promDuration(alert.for) : '',
    ns,
    dep,
    where: `${dep} in namespace ${ns}`,
    rule: (expr: string, summary: string, description: string, options: AlertRuleOptions = {}): AlertingRule => {
      const forDuration: Duration | undefined = options.for ?? alert.for;
      return {
        alert: alert.name,
        expr,
        ...(forDuration && forDuration.toMilliseconds() > 0 ? { for: promDuration(forDuration) } : {}),
        labels: { severity: entry.severity, namespace: ns, deployment: dep, ...options.labels },
        annotations: { summary, description, runbook_url: `${input.runbookBaseUrl}#${runbookAnchor(alert.name)}` },
      };
    },
  };
}
