/**
 * The rule pack as a cdk8s validation plugin: `cdk8s synth` (validation is on unless
 * `--no-validate`) loads each entry of cdk8s.yaml `validations:`, `new <class>(properties)`,
 * calls `validate(context)` with the synthesized manifest paths, prints the report and exits
 * 2 when a report's status is `failure`.
 *
 * The contract, read in cdk8s-cli 2.207.60 (lib/plugins/validation.d.ts `Validation`,
 * `ValidationContext`, `ValidationReport`; lib/plugins/_manager.js `PluginManager.load`):
 * `package` is an npm name (installed by the CLI into its plugin folder) or a local path
 * starting with `./` or absolute, resolved with require.resolve; `version` must be exact
 * (no range), also for a local path; the class is a named export of that module. A
 * violation's `resourceName` is matched against metadata.name to print the construct path.
 *
 * The types below mirror that contract structurally: the library does not depend on
 * cdk8s-cli at run time (a test checks them against the real declarations).
 */
import { readFileSync } from 'node:fs';
import { checkObjects } from './check';
import { parseManifests } from './manifests';
import { ruleById } from './catalogue';
import { Finding, K8sObject, SourceLocation } from './types';

/** What the plugin reads of cdk8s-cli's ValidationContext. */
export interface PluginValidationContext {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: {
      readonly ruleName: string;
      readonly recommendation: string;
      readonly fix: string;
      readonly violatingResources: readonly { readonly resourceName: string; readonly locations: readonly string[]; readonly manifestPath: string }[];
    }): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  readonly logger?: { log(message: string): void };
}

/** `properties` of the cdk8s.yaml entry. */
export interface AiInferenceValidationProperties {
  /** Packs to run (see docs/RULES.md). @default - every pack */
  readonly packs?: string[];
  /** Also report warnings as violations (they never fail the report). @default true */
  readonly warnings?: boolean;
}

/**
 * cdk8s.yaml:
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-ai-inference/lib/src/rules/cdk8s-plugin.js
 *     version: 0.1.0
 *     class: AiInferenceValidation
 *     properties: { packs: [pod-security, workload] }
 * ```
 */
export class AiInferenceValidation {
  private readonly properties: AiInferenceValidationProperties;

  constructor(properties: AiInferenceValidationProperties = {}) {
    this.properties = properties ?? {};
  }

  async validate(context: PluginValidationContext): Promise<void> {
    const objects: K8sObject[] = [];
    const locations: SourceLocation[] = [];
    for (const file of context.manifests) {
      const parsed = parseManifests(readFileSync(file, 'utf8'), file);
      objects.push(...parsed.objects);
      locations.push(...parsed.locations);
    }
    const result = checkObjects(objects, { packs: this.properties.packs, locations });
    const wanted = result.findings.filter((f) => f.level === 'error' || this.properties.warnings !== false);
    const byRule = new Map<string, Finding[]>();
    for (const f of wanted) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
    for (const [id, findings] of byRule) {
      const rule = ruleById(id)!;
      context.report.addViolation({
        ruleName: `${rule.id} ${rule.name} (${rule.level})`,
        recommendation: `${rule.summary} ${rule.why}`,
        fix: rule.fix,
        violatingResources: findings.map((f) => ({
          resourceName: f.object.name,
          locations: [f.message],
          manifestPath: f.location?.file ?? '',
        })),
      });
    }
    for (const s of result.suppressed) {
      context.logger?.log(`${s.ruleId} suppressed on ${s.object.kind} ${s.object.name}: ${s.reason}`);
    }
    context.report.submit(result.failed ? 'failure' : 'success', {
      objects: String(result.objectCount),
      errors: String(result.errorCount),
      warnings: String(result.warningCount),
      suppressed: String(result.suppressed.length),
    });
  }
}
