/**
 * Rules between the traffic objects (Services, load balancer) and the pods they serve.
 */
import { DefaultedValue, formatProblem } from '../../spec/problems';
import { AiInferenceSpec, ResolvedSpec } from '../../spec/spec';
import { seconds } from '../../spec/values';
import { Findings } from './types';

/** Findings of the traffic section against the workload. */
export function trafficFindings(spec: AiInferenceSpec, resolved: ResolvedSpec): Findings {
  return { errors: drainErrors(spec, resolved), warnings: [] };
}

/** The NLB must finish draining a pod before the kubelet kills it. */
function drainErrors(spec: AiInferenceSpec, resolved: ResolvedSpec): string[] {
  const lb = resolved.traffic.loadBalancer;
  if (!lb) return [];
  const given = spec.traffic?.loadBalancer?.deregistrationDelay;
  const delay = seconds(lb.deregistrationDelay);
  const grace = seconds(resolved.workload.shutdown.gracePeriod);
  if (delay <= grace) return [];
  return [
    formatProblem(
      ['traffic', 'loadBalancer', 'deregistrationDelay'],
      given === undefined ? new DefaultedValue(lb.deregistrationDelay) : given,
      `exceeds shutdown.gracePeriod (${grace}s): the pod is killed while the NLB still drains its connections; lower the delay or raise the grace period`,
    ),
  ];
}

