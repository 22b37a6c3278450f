import { parser } from '@prometheus-io/lezer-promql';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { z } from 'zod';
import { AlertRulesInput, alertRulesInputSchema, buildAlertRuleGroups } from '../alerts';
import { assertPromql } from '../metrics/promql';
import { zPromDuration } from '../private/duration';
import { formatProblem, parseOrThrow, throwIfProblems } from '../spec/problems';
import { zDnsLabel, zDnsSubdomain, zLabelMap } from '../spec/values';
import { GMP_API_VERSION } from './gmp-pod-monitoring';
import type { PrometheusRuleGroupRule } from './prometheus-rules';

/**
 * The `monitoring.googleapis.com/v1` Rules of Google Cloud Managed Service for Prometheus
 * (GMP): namespaced recording and alerting rules, evaluated by GMP's rule evaluator over the
 * data of the Rules' own namespace. Written from GoogleCloudPlatform/prometheus-engine at
 * commit 2ffde4ec7b7e4ca1da4e32f36b692945b78a60e4: pkg/operator/apis/monitoring/v1/rules_types.go
 * (`RulesSpec.groups`, `RuleGroup{name, interval (default 1m), rules (at least 1)}`,
 * `Rule{record | alert (exactly one), expr, for (alerts only), labels, annotations (alerts
 * only)}`) and charts/operator/crds/monitoring.googleapis.com_rules.yaml (scope Namespaced,
 * `record` pattern `^[a-zA-Z_:][a-zA-Z0-9_:]*$`, the two CEL rules).
 *
 * What GMP does with them (rules_config.go `ruleGroupsConfig`, run by the admission webhook
 * on create and update): it parses every expression, adds `namespace="<the Rules'
 * namespace>"` (and project_id, location, cluster) to every vector selector, fails on a
 * selector that already matches one of those labels any other way, and fails on a rule whose
 * `labels` already set one of them (it adds them itself, `setLabel`).
 */
/**
 * One rule: the same fields as a PrometheusRule's (record or alert, expr, for, labels,
 * annotations); `labels` never namespace, project_id, location or cluster (GMP sets them).
 */
export type GmpRule = PrometheusRuleGroupRule;

/** `RuleGroup`: rules evaluated in order every `interval`. */
export interface GmpRuleGroup {
  readonly name: string;
  /** Evaluation interval, a Prometheus duration. @default - 1m (the CRD's default) */
  readonly interval?: string;
  /** At least one rule. */
  readonly rules: readonly GmpRule[];
}

/** The Rules' `spec`. */
export interface GmpRulesSpec {
  readonly groups: readonly GmpRuleGroup[];
}

/**
 * Fields of the Prometheus rule file (and of the Prometheus Operator's PrometheusRule) that
 * GMP's `RuleGroup`/`Rule` do not have: the API server would prune them, so a rule would
 * silently change meaning. Each is refused with what to do instead.
 */
export const GMP_UNSUPPORTED_FIELDS: Readonly<Record<'rule' | 'group', Readonly<Record<string, string>>>> = {
  rule: {
    keep_firing_for: "GMP's Rule has no keep_firing_for (rules_types.go: record, alert, expr, for, labels, annotations); remove it, or lengthen the alert's `for`, or use backend 'prometheus-operator'",
    keepFiringFor: "GMP's Rule has no keep_firing_for (rules_types.go: record, alert, expr, for, labels, annotations); remove it, or lengthen the alert's `for`, or use backend 'prometheus-operator'",
  },
  group: {
    limit: "GMP's RuleGroup has no limit (rules_types.go: name, interval, rules); remove it",
    query_offset: "GMP's RuleGroup has no query_offset (rules_types.go: name, interval, rules); remove it",
    queryOffset: "GMP's RuleGroup has no query_offset (rules_types.go: name, interval, rules); remove it",
    partial_response_strategy: "is a Thanos field that GMP's RuleGroup does not have (rules_types.go: name, interval, rules); remove it",
    labels: "GMP's RuleGroup has no group labels (rules_types.go: name, interval, rules); put the labels on each rule",
  },
};

/** Labels GMP writes onto every Rules result itself (rules_config.go `Rules.RuleGroupsConfig`). */
export const GMP_SCOPE_LABELS = ['project_id', 'location', 'cluster', 'namespace'] as const;

export interface GmpRulesProps {
  /** metadata.name of the Rules. */
  readonly name: string;
  /** Namespace of the Rules: its rules see only series of this namespace (the service's). */
  readonly namespace: string;
  /** The rule groups. Exactly one of `groups` and `alerts`. @default - built from `alerts` */
  readonly groups?: readonly GmpRuleGroup[];
  /**
   * Builds the groups with buildAlertRuleGroups (the SLI recording rules and the alert
   * catalogue, the same as the PrometheusRule's). Exactly one of `groups` and `alerts`.
   * @default - use `groups`
   */
  readonly alerts?: AlertRulesInput;
  /** Metadata labels (e.g. the release's recommended labels). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}


function unsupported(kind: 'rule' | 'group') {
  return (v: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const [key, why] of Object.entries(GMP_UNSUPPORTED_FIELDS[kind])) {
      if (Object.prototype.hasOwnProperty.call(v, key)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], params: { value: v[key] }, message: why });
    }
  };
}

const ruleKeys = { record: true, alert: true, expr: true, for: true, labels: true, annotations: true } as const;
const groupKeys = { name: true, interval: true, rules: true } as const;
/** Known unsupported keys are reported by `unsupported`; strict() reports the rest. */
const omitKnown = (keys: Record<string, true>, unsupportedKeys: Record<string, string>) => (v: unknown) => {
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => keys[k] || !unsupportedKeys[k]));
};

const zRule = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null, { message: 'must be a rule object' })
  .superRefine(unsupported('rule'))
  .pipe(
    z.preprocess(
      omitKnown(ruleKeys, GMP_UNSUPPORTED_FIELDS.rule),
      z
        .object({
          record: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name (the CRD pattern ^[a-zA-Z_:][a-zA-Z0-9_:]*$); fix the record name').optional(),
          alert: z.string().min(1, 'must not be empty; name the alert').optional(),
          expr: z.string().min(1, 'must not be empty; give a PromQL expression'),
          for: zPromDuration.optional(),
          labels: z.record(z.string(), z.string()).optional(),
          annotations: z.record(z.string(), z.string()).optional(),
        })
        .strict()
        .refine((r) => (r.alert === undefined) !== (r.record === undefined), { message: 'must set exactly one of alert and record (the CRD rule "Must set exactly one of Record or Alert"); split it into two rules' })
        .refine((r) => r.record === undefined || (r.for === undefined && r.annotations === undefined), {
          message: 'is a recording rule with `for` or annotations, which only alerting rules take in GMP\'s Rule; remove them',
        }),
    ),
  );

const zGroup = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null, { message: 'must be a rule group object' })
  .superRefine(unsupported('group'))
  .pipe(
    z.preprocess(
      omitKnown(groupKeys, GMP_UNSUPPORTED_FIELDS.group),
      z
        .object({
          name: z.string().min(1, 'must not be empty; name the group'),
          interval: zPromDuration.optional(),
          rules: z.array(zRule).min(1, 'must hold at least one rule (the CRD: minItems 1); drop the empty group'),
        })
        .strict(),
    ),
  );

export const gmpRulesPropsSchema = z
  .object({
    name: zDnsSubdomain,
    namespace: zDnsLabel,
    groups: z
      .array(zGroup)
      .superRefine((groups, ctx) => {
        const seen = new Set<string>();
        groups.forEach((g, i) => {
          const name = (g as { name?: unknown }).name;
          if (typeof name === 'string' && seen.has(name)) {
            ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i, 'name'], message: 'repeats the name of an earlier group; rule groups need unique names, rename it' });
          }
          if (typeof name === 'string') seen.add(name);
        });
      })
      .optional(),
    alerts: z.custom<AlertRulesInput>((v) => typeof v === 'object' && v !== null, { message: 'must be an AlertRulesInput object' }).optional(),
    labels: zLabelMap.optional(),
  })
  .strict()
  .refine((p) => (p.groups === undefined) !== (p.alerts === undefined), {
    path: ['groups'],
    message: 'set exactly one of groups and alerts; pass the rule groups, or the AlertRulesInput to build them from',
  });

/** A label matcher in a PromQL expression: label name, operator and (unquoted) value. */
export interface PromqlMatcher {
  readonly label: string;
  readonly op: string;
  readonly value: string;
}

/** Every label matcher of `expr` (selectors' `{...}`), in order; the expression must parse. */
export function promqlMatchers(expr: string): PromqlMatcher[] {
  const out: PromqlMatcher[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.name !== 'UnquotedLabelMatcher' && node.type.name !== 'QuotedLabelMatcher') return true;
      let label: string | undefined;
      let op: string | undefined;
      let value: string | undefined;
      for (let c = node.node.firstChild; c; c = c.nextSibling) {
        const text = expr.slice(c.from, c.to);
        if (c.type.name === 'LabelName') label = text;
        else if (c.type.name === 'QuotedLabelName') label = unquote(text);
        else if (c.type.name === 'MatchOp') op = text;
        else if (c.type.name === 'StringLiteral') {
          if (label === undefined) label = unquote(text);
          else value = unquote(text);
        }
      }
      if (label !== undefined && op !== undefined && value !== undefined) out.push({ label, op, value });
      return false;
    },
  });
  return out;
}

function unquote(s: string): string {
  if (s.startsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  return s.slice(1, -1);
}

/**
 * What GMP's admission webhook would reject in one rule of a Rules in `namespace`
 * (rules_config.go `scope`): a selector matching project_id, location or cluster, a
 * `namespace` matcher other than `="<namespace>"`, a label GMP sets itself. A `namespace`
 * label equal to the Rules' namespace is not a problem: toGmpRule drops it and GMP writes
 * the same value back.
 */
export function gmpRuleProblems(namespace: string, rule: GmpRule, path: readonly (string | number)[]): string[] {
  const problems: string[] = [];
  for (const m of promqlMatchers(rule.expr)) {
    if (m.label === 'namespace' && (m.op !== '=' || m.value !== namespace)) {
      problems.push(
        formatProblem([...path, 'expr'], `${m.label}${m.op}"${m.value}"`, `reaches beyond the Rules' namespace "${namespace}": GMP adds namespace="${namespace}" to every selector and rejects a selector that matches namespace otherwise; select namespace="${namespace}" only, or use a ClusterRules (not built by this library)`),
      );
    } else if (m.label !== 'namespace' && (GMP_SCOPE_LABELS as readonly string[]).includes(m.label)) {
      problems.push(formatProblem([...path, 'expr'], `${m.label}${m.op}"${m.value}"`, `matches a label GMP fixes for the Rules (${GMP_SCOPE_LABELS.join(', ')}); its admission webhook rejects the selector, remove the matcher`));
    }
  }
  for (const [label, value] of Object.entries(rule.labels ?? {})) {
    if (label === 'namespace' && value === namespace) continue;
    if ((GMP_SCOPE_LABELS as readonly string[]).includes(label)) {
      problems.push(formatProblem([...path, 'labels', label], value, `is a label GMP writes onto every result of the Rules itself (namespace "${namespace}"); its admission webhook rejects a rule that sets it, remove the label`));
    }
  }
  return problems;
}

/** The rule as GMP takes it: the `namespace` label, which GMP writes back with the same value, left out. */
export function toGmpRule(rule: GmpRule): GmpRule {
  const { namespace: _ns, ...labels } = rule.labels ?? {};
  return {
    ...(rule.record !== undefined ? { record: rule.record } : { alert: rule.alert }),
    expr: rule.expr,
    ...(rule.for !== undefined ? { for: rule.for } : {}),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(rule.annotations ? { annotations: { ...rule.annotations } } : {}),
  };
}

/**
 * A `monitoring.googleapis.com/v1` Rules holding rule groups: given, or built from an
 * AlertRulesInput (the same SLI recording rules and alert catalogue as the PrometheusRule of
 * backend `prometheus-operator`; no second catalogue). Every expression is parsed with the
 * Prometheus grammar and checked against GMP's scoping; fields GMP's Rule lacks
 * (keep_firing_for, group limit, query_offset) are refused with a message.
 */
export class GmpRules extends Construct {
  /** The rule groups as written to `spec.groups`. */
  readonly groups: readonly GmpRuleGroup[];
  readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: GmpRulesProps) {
    super(scope, id);
    const subject = `GmpRules ${scope.node.path}/${id}`;
    const p = parseOrThrow(gmpRulesPropsSchema, props, subject);
    if (props.alerts) parseOrThrow(alertRulesInputSchema, props.alerts, subject, 'alerts');
    const source: readonly GmpRuleGroup[] = props.alerts ? buildAlertRuleGroups(props.alerts) : (p.groups as GmpRuleGroup[]);
    const problems: string[] = [];
    source.forEach((group, g) => {
      group.rules.forEach((rule, r) => {
        assertPromql(`${subject}: rule group ${group.name}, rule ${rule.alert ?? rule.record}`, rule.expr);
        problems.push(...gmpRuleProblems(p.namespace, rule, props.alerts ? ['alerts', group.name, rule.alert ?? rule.record ?? r] : ['groups', g, 'rules', r]));
      });
    });
    throwIfProblems(subject, problems);
    this.groups = source.map((group) => ({
      name: group.name,
      ...(group.interval !== undefined ? { interval: group.interval } : {}),
      rules: group.rules.map(toGmpRule),
    }));
    const spec: GmpRulesSpec = { groups: this.groups };
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: GMP_API_VERSION,
      kind: 'Rules',
      metadata: { name: p.name, namespace: p.namespace, labels: p.labels ? { ...p.labels } : undefined },
      spec,
    });
  }

  /**
   * The plain rule file (`groups:`) of `spec.groups` with the `namespace` label GMP adds,
   * e.g. for `promtool check rules` (GMP evaluates standard PromQL).
   */
  ruleFile(): { readonly groups: readonly GmpRuleGroup[] } {
    const ns = this.resource.metadata.namespace!;
    return {
      groups: this.groups.map((g) => ({
        ...g,
        rules: g.rules.map((r) => ({ ...r, labels: { ...r.labels, namespace: ns } })),
      })),
    };
  }
}
