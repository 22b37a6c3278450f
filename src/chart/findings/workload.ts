/**
 * Rules between the workload's own settings that the chart checks with the rest of the
 * service in view (resources, rollout, shutdown).
 */
import { AiInferenceSpec, ResolvedSpec } from '../../spec/spec';
import { Findings } from './types';

/** Findings of the workload sections. */
export function workloadFindings(_spec: AiInferenceSpec, _resolved: ResolvedSpec): Findings {
  return { errors: [], warnings: [] };
}
