/**
 * The shapes of a Prometheus rule file, as the alert builders produce them. Pure types.
 */
import { AlertName } from '../conventions';

/**
 * Severity label values (monitoring-mixin convention, REFERENCE.md "SLO alerting"):
 * critical pages, warning opens a ticket, info is not routed.
 */
export type AlertSeverity = 'critical' | 'warning' | 'info';

/** A recording rule of a Prometheus rule file. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** An alerting rule of a Prometheus rule file. */
export interface AlertingRule {
  readonly alert: AlertName;
  readonly expr: string;
  /** Prometheus duration; absent when the alert fires on the first evaluation. */
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>> & { readonly severity: AlertSeverity };
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    readonly runbook_url: string;
  };
}

export type Rule = RecordingRule | AlertingRule;

/** A rule group as Prometheus reads it (the `groups[]` of a rule file). */
export interface RuleGroup {
  readonly name: string;
  /** Evaluation interval, a Prometheus duration. */
  readonly interval: string;
  readonly rules: readonly Rule[];
}

/** A plain Prometheus rule file (what `promtool check rules` reads). */
export interface RuleFile {
  readonly groups: readonly RuleGroup[];
}

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}
