/**
 * SARIF 2.1.0 (OASIS "Static Analysis Results Interchange Format" 2.1.0) for GitHub code
 * scanning: the driver lists every rule that ran (id, name, shortDescription, fullDescription,
 * help, defaultConfiguration.level); each result names its rule, level, message and the
 * file and start line of its object's YAML document. Suppressed findings are results with an
 * `inSource` suppression and its justification, which code scanning shows as dismissed.
 * File URIs are relative (to the directory the check ran in) with forward slashes, as code
 * scanning resolves them against the repository root.
 */
import { CheckResult } from './check';
import { ruleDoc } from './docs';
import { Finding } from './types';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifOptions {
  /** The tool's version (the package version). */
  readonly version: string;
  /** @default 'https://www.npmjs.com/package/cdk8s-ai-inference' */
  readonly informationUri?: string;
}

function uri(file: string): string {
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

export function toSarif(result: CheckResult, options: SarifOptions): Record<string, unknown> {
  const rules = result.rules;
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const toResult = (f: Finding, reason?: string) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId),
    level: f.level,
    message: { text: f.message },
    locations: [
      {
        ...(f.location ? { physicalLocation: { artifactLocation: { uri: uri(f.location.file) }, region: { startLine: f.location.line } } } : {}),
        logicalLocations: [{ fullyQualifiedName: [f.object.kind, f.object.namespace, f.object.name].filter(Boolean).join('/'), kind: 'object' }],
      },
    ],
    ...(reason !== undefined ? { suppressions: [{ kind: 'inSource', justification: reason }] } : {}),
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cdk8s-ai-inference',
            version: options.version,
            informationUri: options.informationUri ?? 'https://www.npmjs.com/package/cdk8s-ai-inference',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.summary },
              fullDescription: { text: r.why },
              help: { text: `${r.why}\n\nFix: ${r.fix}`, markdown: ruleDoc(r) },
              defaultConfiguration: { level: r.level },
              properties: { tags: [r.pack] },
            })),
          },
        },
        results: [...result.findings.map((f) => toResult(f)), ...result.suppressed.map((f) => toResult(f, f.reason))],
      },
    ],
  };
}
