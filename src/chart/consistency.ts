import { AiInferenceSpec, ResolvedSpec } from '../spec/spec';
import { scalingFindings } from './findings/scaling';
import { capacityFindings } from './findings/capacity';
import { trafficFindings } from './findings/traffic';
import { networkFindings } from './findings/network';
import { Findings, mergeFindings } from './findings/types';
import { workloadFindings } from './findings/workload';

export type { Findings, Warning } from './findings/types';

/**
 * Rules between the objects of one service, one module per area under findings/; each
 * returns problems as `path (value) rule; fix`. Errors make the chart refuse the spec;
 * warnings are reported and synth goes on.
 */
export function consistencyFindings(spec: AiInferenceSpec, resolved: ResolvedSpec): Findings {
  return mergeFindings(workloadFindings(spec, resolved), trafficFindings(spec, resolved), scalingFindings(spec, resolved), networkFindings(spec, resolved), capacityFindings(spec, resolved));
}
