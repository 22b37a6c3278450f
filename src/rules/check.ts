/**
 * Runs the rule pack over a set of objects: every selected rule, then the suppressions each
 * object declares. The same function serves the chart at synth, the cdk8s validation plugin
 * and the `check` command.
 */
import { RULES, isPackName, PACKS } from './catalogue';
import { nameOf, namespaceOf, ruleContext } from './objects';
import { parseSuppressions } from './suppressions';
import { Finding, K8sObject, PackName, Rule, RuleContext, SourceLocation, SuppressedFinding } from './types';

export interface CheckOptions {
  /**
   * The packs to run (the `suppressions` pack always runs).
   * @default - every pack
   */
  readonly packs?: readonly string[];
  /** Where each object was read from, by index (the CLI and the plugin pass it). @default - unknown */
  readonly locations?: readonly (SourceLocation | undefined)[];
}

export interface CheckResult {
  /** Findings no suppression silenced, in input order of their objects, then by rule id. */
  readonly findings: readonly Finding[];
  /** Findings a suppression on their object silenced, each with its reason. */
  readonly suppressed: readonly SuppressedFinding[];
  /** The rules that ran. */
  readonly rules: readonly Rule[];
  readonly objectCount: number;
  readonly errorCount: number;
  readonly warningCount: number;
  /** True when an error-level finding is not suppressed: synth fails, the CLI exits 1. */
  readonly failed: boolean;
}

/** The rules of these packs (every pack when none is given; `suppressions` always). */
export function selectRules(packs?: readonly string[]): Rule[] {
  if (!packs || packs.length === 0) return [...RULES];
  const unknown = packs.filter((p) => !isPackName(p));
  if (unknown.length) {
    throw new Error(`unknown rule pack ${unknown.map((p) => `"${p}"`).join(', ')}; the packs are ${Object.keys(PACKS).join(', ')}`);
  }
  const chosen = new Set<PackName>(['suppressions', ...(packs as PackName[])]);
  return RULES.filter((r) => chosen.has(r.pack));
}

/** Only objects with a kind take part (Helm values files and empty documents have none). */
function isManifest(o: unknown): o is K8sObject {
  return typeof o === 'object' && o !== null && !Array.isArray(o) && typeof (o as K8sObject).kind === 'string';
}

/**
 * Checks the objects against the rule pack.
 * @param objects plain Kubernetes objects (synthesized or parsed YAML); entries without a kind are skipped
 * @throws Error naming the packs when `options.packs` names an unknown pack
 */
export function checkObjects(objects: readonly unknown[], options: CheckOptions = {}): CheckResult {
  const rules = selectRules(options.packs);
  const manifests: K8sObject[] = [];
  const indexOf = new Map<K8sObject, number>();
  objects.forEach((o, i) => {
    if (!isManifest(o)) return;
    manifests.push(o);
    indexOf.set(o, i);
  });
  const ctx: RuleContext = ruleContext(manifests);

  const ids = new Set(RULES.map((r) => r.id));
  const suppressionsOf = new Map<K8sObject, Map<string, string>>();
  const suppressionsFor = (o: K8sObject) => {
    let m = suppressionsOf.get(o);
    if (!m) {
      m = new Map(parseSuppressions(o, ids).suppressions.map((s) => [s.id, s.reason]));
      suppressionsOf.set(o, m);
    }
    return m;
  };

  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const rule of rules) {
    for (const raw of rule.check(ctx)) {
      const index = indexOf.get(raw.object) ?? -1;
      const o = raw.object;
      const finding: Finding = {
        ruleId: rule.id,
        ruleName: rule.name,
        pack: rule.pack,
        level: rule.level,
        message: raw.message,
        path: raw.path,
        object: { apiVersion: o.apiVersion, kind: o.kind, name: nameOf(o), namespace: namespaceOf(o) || undefined, index },
        location: index >= 0 ? options.locations?.[index] : undefined,
      };
      const reason = rule.pack === 'suppressions' ? undefined : suppressionsFor(o).get(rule.id);
      if (reason !== undefined) suppressed.push({ ...finding, reason });
      else findings.push(finding);
    }
  }
  const order = (a: Finding, b: Finding) => a.object.index - b.object.index || a.ruleId.localeCompare(b.ruleId);
  findings.sort(order);
  suppressed.sort(order);
  const errorCount = findings.filter((f) => f.level === 'error').length;
  return {
    findings,
    suppressed,
    rules,
    objectCount: manifests.length,
    errorCount,
    warningCount: findings.length - errorCount,
    failed: errorCount > 0,
  };
}
