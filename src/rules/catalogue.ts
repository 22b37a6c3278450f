/** Every rule of the pack, in id order, and the packs they form. */
import { AUTOSCALING_RULES } from './autoscaling';
import { AWS_NLB_RULES } from './aws-nlb';
import { MONITORING_RULES } from './monitoring';
import { NETWORKING_RULES } from './networking';
import { POD_SECURITY_RULES } from './pod-security';
import { suppressionRule } from './suppressions';
import { PACK_NAMES, PackName, Rule } from './types';
import { WORKLOAD_RULES } from './workload';

const REST: readonly Rule[] = [...POD_SECURITY_RULES, ...WORKLOAD_RULES, ...AUTOSCALING_RULES, ...NETWORKING_RULES, ...MONITORING_RULES, ...AWS_NLB_RULES];

const ALL_IDS: ReadonlySet<string> = new Set([suppressionRule(() => new Set()).id, ...REST.map((r) => r.id)]);

/** The whole catalogue, sorted by id. */
export const RULES: readonly Rule[] = [suppressionRule(() => ALL_IDS), ...REST].sort((a, b) => a.id.localeCompare(b.id));

/** What each pack is about (the docs and `--help` list them). */
export const PACKS: Readonly<Record<PackName, string>> = {
  suppressions: 'The suppression annotations themselves: every suppression names a rule and says why. Always run.',
  'pod-security': 'Pod Security Standards, profile "restricted" (v1.28), for every container.',
  workload: 'Pinned images, requests and limits, GPU limits the API accepts, probes and the startup budget.',
  autoscaling: 'Disruption budget against the replica floor, VPA against HPA, the latency target against the SLO.',
  networking: 'Selectors that select pods, Service target ports that exist, a NetworkPolicy that admits the NLB.',
  monitoring: 'ServiceMonitors that select a Service and scrape ports it has.',
  'aws-nlb': "AWS Load Balancer Controller annotations: known keys, values in range, the readiness-gate namespace label.",
};

export function isPackName(name: string): name is PackName {
  return (PACK_NAMES as readonly string[]).includes(name);
}

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
