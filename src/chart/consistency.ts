import { gpuSignalRule } from '../autoscaling/common';
import { ResolvedScaling } from '../spec/scaling';
import { vpaBoundProblems, vpaHpaConflicts } from '../constructs/vpa-recommender';
import { DefaultedValue, formatDuration, formatProblem } from '../spec/problems';
import { seconds } from '../spec/workload';
import { AiInferenceSpec, ResolvedSpec, resolveSpec } from '../spec/spec';

/**
 * Rules between the objects of one service, checked at synth: each returns problems as
 * `path (value) rule; fix`. Errors fail synth; warnings are reported and synth goes on.
 */
export interface Findings {
  readonly errors: string[];
  readonly warnings: string[];
}

/** All cross-object findings of a validated spec. */
export function consistencyFindings(spec: AiInferenceSpec): Findings {
  const resolved = resolveSpec(spec);
  const errors: string[] = [...drainErrors(spec, resolved)];
  const warnings: string[] = [];
  if (resolved.scaling) {
    const s = scalingFindings(spec, resolved, resolved.scaling);
    errors.push(...s.errors);
    warnings.push(...s.warnings);
  }
  return { errors, warnings };
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

function scalingFindings(spec: AiInferenceSpec, resolved: ResolvedSpec, scaling: ResolvedScaling): Findings {
  const errors: string[] = [];
  const warnings: string[] = [];
  const { signals, bounds } = scaling;

  // The autoscaler must react before the SLO breaks, not after.
  if (signals.latencyP95) {
    const target = signals.latencyP95.value;
    const objective = spec.slo.latencyP95.toMilliseconds() / 1000;
    if (target >= objective) {
      errors.push(
        formatProblem(
          ['scaling', 'signals', 'latencyP95', 'value'],
          target,
          `must be below slo.latencyP95 (${formatDuration(spec.slo.latencyP95)}): at or above the objective the autoscaler adds pods only after the SLO is already broken; lower the target (e.g. ${round(objective * 0.75)})`,
        ),
      );
    }
  }

  // Enough capacity at maxReplicas for the throughput objective.
  if (signals.requestRate) {
    const perPod = signals.requestRate.averageValue;
    const capacity = perPod * bounds.max;
    const need = spec.slo.throughputRps;
    const detail = `${perPod} rps/pod × ${bounds.max} replicas = ${round(capacity)} rps`;
    if (capacity < need) {
      errors.push(
        formatProblem(
          [bounds.maxPath],
          bounds.max,
          `caps capacity below slo.throughputRps (${need}): ${detail}; raise ${bounds.maxPath} to at least ${Math.ceil(need / perPod)} or the per-pod request-rate target`,
        ),
      );
    } else if (capacity === need) {
      warnings.push(
        formatProblem(
          [bounds.maxPath],
          bounds.max,
          `gives exactly slo.throughputRps (${need}) at full scale (${detail}): no headroom for a failed pod or a burst; consider raising ${bounds.maxPath}`,
        ),
      );
    }
  }

  // The GPU signal reads DCGM utilization of the pod's GPUs: without one it is always empty.
  if (signals.gpu && resolved.workload.resources.gpu.count === 0) {
    errors.push(
      formatProblem(
        ['scaling', 'signals', 'gpu'],
        signals.gpu,
        gpuSignalRule('Deployment (resources.gpu.count is 0)'),
      ),
    );
  }

  // The VPA: its bounds must contain today's requests, and it must not fight the HPA.
  const vpa = scaling.vpa;
  // The default VPA (recommendation only, no bounds) has nothing to report.
  if (vpa !== false) {
    errors.push(
      ...vpaBoundProblems(vpa, { cpu: spec.resources.cpu.request, memory: spec.resources.memory.request }, {
        boundPath: (side, resource) => ['scaling', 'vpa', side, resource],
        request: (resource) => `resources.${resource}.request`,
        kind: 'Deployment',
      }),
    );
    const conflicts = vpaHpaConflicts(vpa, signals);
    errors.push(...conflicts.map((c) => `scaling.vpa.${c}`));
  }
  return { errors, warnings };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
