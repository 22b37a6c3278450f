/** The policy rule pack's public API (re-exported by src/index.ts). */
export { checkObjects, selectRules } from './check';
export type { CheckOptions, CheckResult } from './check';
export { RULES, PACKS, ruleById } from './catalogue';
export { AiInferenceValidation } from './cdk8s-plugin';
export type { AiInferenceValidationProperties } from './cdk8s-plugin';
export { parseManifests, ManifestParseError } from './manifests';
export { formatFinding, formatText, toJsonReport } from './report';
export { toSarif } from './sarif';
export { rulesMarkdown } from './docs';
export { parseSuppressions } from './suppressions';
export { PACK_NAMES } from './types';
export type { Finding, K8sObject, PackName, RawFinding, Rule, RuleLevel, SourceLocation, SuppressedFinding } from './types';
