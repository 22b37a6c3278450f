import { Construct } from 'constructs';
import { z } from 'zod';
import {
  PrometheusRule,
  PrometheusRuleSpecGroups,
  PrometheusRuleSpecGroupsRulesExpr,
} from '../../imports/prometheusrule-monitoring.coreos.com';
import { AlertRulesInput, alertRulesInputSchema, buildAlertRuleGroups } from '../alerts';
import { assertPromql } from '../metrics/promql';
import { zPromDuration } from '../private/duration';
import { withDefaults } from '../private/defaults';
import { MONITORING_DEFAULTS } from '../spec/monitoring';
import { parseOrThrow } from '../spec/problems';
import { zDnsLabel, zDnsSubdomain, zLabelMap } from '../spec/values';

/** One recording (`record`) or alerting (`alert`) rule of a group. */
export interface PrometheusRuleGroupRule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  /** Prometheus duration, alerting rules only. */
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Alerting rules only. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A rule group (the RuleGroup that buildAlertRuleGroups returns is one). */
export interface PrometheusRuleGroup {
  readonly name: string;
  /** Evaluation interval, a Prometheus duration. */
  readonly interval: string;
  readonly rules: readonly PrometheusRuleGroupRule[];
}

export interface PrometheusRulesProps {
  /** metadata.name of the PrometheusRule. */
  readonly name: string;
  /** Namespace of the PrometheusRule. */
  readonly namespace: string;
  /**
   * The rule groups. Exactly one of `groups` and `alerts`.
   * @default - built from `alerts`
   */
  readonly groups?: readonly PrometheusRuleGroup[];
  /**
   * Builds the groups with buildAlertRuleGroups (SLI recording rules and the alert
   * catalogue). Exactly one of `groups` and `alerts`.
   * @default - use `groups`
   */
  readonly alerts?: AlertRulesInput;
  /**
   * Labels the Prometheus Operator's `ruleSelector` matches.
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly operatorSelectorLabels?: Readonly<Record<string, string>>;
  /** More metadata labels (e.g. the release's recommended labels). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Defaults of a PrometheusRules: the monitoring section's operator selector labels. */
export const PROMETHEUS_RULES_DEFAULTS: Required<Pick<PrometheusRulesProps, 'operatorSelectorLabels'>> = {
  operatorSelectorLabels: MONITORING_DEFAULTS.operatorSelectorLabels,
};


const zRule = z
  .object({
    alert: z.string().min(1).optional(),
    record: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name; fix the record name').optional(),
    expr: z.string().min(1, 'must not be empty; give a PromQL expression'),
    for: zPromDuration.optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .refine((r) => (r.alert === undefined) !== (r.record === undefined), {
    message: 'must set exactly one of alert and record; split it into two rules',
  })
  .refine((r) => r.record === undefined || (r.for === undefined && r.annotations === undefined), {
    message: 'is a recording rule with `for` or annotations, which only alerting rules take; remove them',
  });

const zGroup = z
  .object({
    name: z.string().min(1, 'must not be empty; name the group'),
    interval: zPromDuration,
    rules: z.array(zRule).min(1, 'must hold at least one rule; drop the empty group'),
  })
  .strict();

export const prometheusRulesPropsSchema = z
  .object({
    name: zDnsSubdomain,
    namespace: zDnsLabel,
    groups: z
      .array(zGroup)
      .superRefine((groups, ctx) => {
        const seen = new Set<string>();
        groups.forEach((g, i) => {
          if (seen.has(g.name)) {
            ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i, 'name'], message: 'repeats the name of an earlier group; Prometheus needs unique group names, rename it' });
          }
          seen.add(g.name);
        });
      })
      .optional(),
    alerts: z.custom<AlertRulesInput>((v) => typeof v === 'object' && v !== null, { message: 'must be an AlertRulesInput object' }).optional(),
    operatorSelectorLabels: zLabelMap.optional(),
    labels: zLabelMap.optional(),
  })
  .strict()
  .refine((p) => (p.groups === undefined) !== (p.alerts === undefined), {
    path: ['groups'],
    message: 'set exactly one of groups and alerts; pass the rule groups, or the AlertRulesInput to build them from',
  }) satisfies z.ZodType<PrometheusRulesProps, z.ZodTypeDef, unknown>;

/**
 * A `monitoring.coreos.com/v1` PrometheusRule holding rule groups: given, or built from an
 * AlertRulesInput (the SLI recording rules and the alert catalogue). Every expression is
 * parsed with the Prometheus grammar; an error names the group and the rule.
 */
export class PrometheusRules extends Construct {
  /** The rule groups, as written to `spec.groups`. */
  readonly groups: readonly PrometheusRuleGroup[];
  readonly resource: PrometheusRule;

  constructor(scope: Construct, id: string, props: PrometheusRulesProps) {
    super(scope, id);
    const subject = `PrometheusRules ${scope.node.path}/${id}`;
    const p = parseOrThrow(prometheusRulesPropsSchema, props, subject);
    const d = withDefaults(PROMETHEUS_RULES_DEFAULTS, p);
    if (props.alerts) parseOrThrow(alertRulesInputSchema, props.alerts, subject, 'alerts');
    this.groups = props.alerts ? buildAlertRuleGroups(props.alerts) : (props.groups ?? []);
    for (const group of this.groups) {
      for (const rule of group.rules) {
        assertPromql(`${subject}: rule group ${group.name}, rule ${rule.alert ?? rule.record}`, rule.expr);
      }
    }
    this.resource = new PrometheusRule(this, 'Resource', {
      metadata: {
        name: p.name,
        namespace: p.namespace,
        labels: { ...p.labels, ...d.operatorSelectorLabels },
      },
      spec: { groups: this.groups.map(toSpecGroup) },
    });
  }

  /** The plain rule file (`groups:`) equal to `spec.groups`, e.g. for `promtool check rules`. */
  ruleFile(): { readonly groups: readonly PrometheusRuleGroup[] } {
    return { groups: this.groups };
  }
}

function toSpecGroup(group: PrometheusRuleGroup): PrometheusRuleSpecGroups {
  return {
    name: group.name,
    interval: group.interval,
    rules: group.rules.map((rule) => ({
      alert: rule.alert,
      record: rule.record,
      expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr),
      for: rule.for,
      labels: rule.labels ? { ...rule.labels } : undefined,
      annotations: rule.annotations ? { ...rule.annotations } : undefined,
    })),
  };
}
