/**
 * Rules between the traffic objects (Services, load balancer) and the pods they serve.
 */
import { WARNING_IDS } from '../../conventions';
import { DefaultedValue, formatDuration, formatProblem } from '../../spec/problems';
import { AiInferenceSpec, ResolvedSpec } from '../../spec/spec';
import { ResolvedNlbLoadBalancer, asNlb } from '../../spec/traffic';
import { seconds } from '../../spec/values';
import { SHUTDOWN_MARGIN, drainGraceSeconds } from '../../spec/workload';
import { Findings, Warning } from './types';

/** Findings of the traffic section against the workload. */
export function trafficFindings(spec: AiInferenceSpec, resolved: ResolvedSpec): Findings {
  return { errors: drainErrors(spec, resolved), warnings: drainWarnings(spec, resolved) };
}

/**
 * The NLB must finish draining a pod before the kubelet kills it: past the grace period
 * the NLB still forwards the pod's open connections to an address nobody answers.
 */
function drainErrors(spec: AiInferenceSpec, resolved: ResolvedSpec): string[] {
  const lb = resolvedNlb(resolved);
  if (!lb) return [];
  const given = asNlb(spec.traffic?.loadBalancer)?.deregistrationDelay;
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

/**
 * The shutdown timing against the drain. With ip targets an NLB goes on opening NEW
 * connections to a deregistering target for about 2 minutes whatever the deregistration
 * delay (aws-load-balancer-controller issues #2366 and #3270; measured by users, not in AWS
 * docs): a shorter preStop sleep stops the server while connections still arrive. When
 * both fields are declared, workloadRelationProblems refuses the contradiction instead.
 */
function drainWarnings(spec: AiInferenceSpec, resolved: ResolvedSpec): Warning[] {
  const warnings: Warning[] = [];
  const given = spec.shutdown ?? {};
  const s = resolved.workload.shutdown;
  // The default propagation is the ip-target NLB's measured lag; GKE's passthrough load
  // balancer health-checks nodes (with Local: every 3 s, unhealthy after 2 failures;
  // ingress-gce pkg/l4/healthchecks), so there it applies only when declared.
  const lb = resolvedNlb(resolved);
  const valueOf = (v: unknown, effective: unknown) => (v === undefined ? new DefaultedValue(effective) : v);
  const propagation = seconds(s.drain.propagation);
  const preStop = seconds(s.preStopSleep);
  const propagationGiven = given.drain?.propagation !== undefined;
  const bothGiven = given.preStopSleep !== undefined && propagationGiven;
  // The default propagation is the ip-target NLB's: without an NLB it only applies when declared.
  if (preStop < propagation && !bothGiven && (lb || propagationGiven)) {
    const why = lb
      ? `an ip-target NLB goes on opening new connections to a deregistering pod for about ${formatDuration(s.drain.propagation)} (aws-load-balancer-controller #2366, #3270), whatever traffic.loadBalancer.deregistrationDelay says`
      : `load balancers go on opening new connections to the pod for that long`;
    warnings.push({
      id: WARNING_IDS.drainPropagation,
      message: formatProblem(
        ['shutdown', 'preStopSleep'],
        valueOf(given.preStopSleep, s.preStopSleep),
        `is shorter than shutdown.drain.propagation (${formatDuration(s.drain.propagation)}${propagationGiven ? '' : ' by default'}): ${why}, so on every rollout step and scale-down the stopped server refuses new connections for about ${propagation - preStop} s; raise preStopSleep to ${propagation} s (and the grace period with it) or leave both out (they are derived)`,
      ),
    });
  }
  const grace = seconds(s.gracePeriod);
  const need = drainGraceSeconds(s);
  const contradiction = given.gracePeriod !== undefined && given.drain?.longestRequest !== undefined;
  if (grace > preStop && grace < need && !contradiction) {
    warnings.push({
      id: WARNING_IDS.drainGrace,
      message: formatProblem(
        ['shutdown', 'gracePeriod'],
        valueOf(given.gracePeriod, s.gracePeriod),
        `is shorter than shutdown.preStopSleep (${formatDuration(s.preStopSleep)}) + shutdown.drain.longestRequest (${formatDuration(s.drain.longestRequest)}${given.drain?.longestRequest === undefined ? ' by default' : ''}) + ${seconds(SHUTDOWN_MARGIN)} s margin = ${need} s: the kubelet kills requests still in flight; raise the grace period to ${need} s, or declare a shorter drain.longestRequest`,
      ),
    });
  }
  return warnings;
}

/** The load balancer, when it is an AWS NLB (the drain rules are the NLB's). */
function resolvedNlb(resolved: ResolvedSpec): ResolvedNlbLoadBalancer | undefined {
  const lb = resolved.traffic.loadBalancer;
  return lb?.provider === 'aws-nlb' ? lb : undefined;
}
