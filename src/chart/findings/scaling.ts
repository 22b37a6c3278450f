/**
 * Rules between the autoscalers, the SLO and the workload.
 */
import { ADAPTER_METRIC_NAMES, WARNING_IDS } from '../../conventions';
import { gpuSignalRule } from '../../autoscaling/common';
import { vpaBoundProblems, vpaHpaConflicts } from '../../constructs/vpa-recommender';
import { formatDuration, formatProblem } from '../../spec/problems';
import { ResolvedScaling } from '../../spec/scaling';
import { AiInferenceSpec, ResolvedSpec, budgetPods, largestMinAvailablePercent } from '../../spec/spec';
import { Findings, Warning } from './types';

/** Findings of the scaling section; none without an autoscaler. */
export function scalingFindings(spec: AiInferenceSpec, resolved: ResolvedSpec): Findings {
  return resolved.scaling ? autoscalerFindings(spec, resolved, resolved.scaling) : { errors: [], warnings: [] };
}

function autoscalerFindings(spec: AiInferenceSpec, resolved: ResolvedSpec, scaling: ResolvedScaling): Findings {
  const errors: string[] = [];
  const warnings: Warning[] = [];
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

  // The same for the time to first token, when the SLO sets an objective for it.
  const ttftObjective = spec.slo.timeToFirstTokenP95;
  if (signals.timeToFirstTokenP95 && ttftObjective) {
    const target = signals.timeToFirstTokenP95.value;
    const objective = ttftObjective.toMilliseconds() / 1000;
    if (target >= objective) {
      errors.push(
        formatProblem(
          ['scaling', 'signals', 'timeToFirstTokenP95', 'value'],
          target,
          `must be below slo.timeToFirstTokenP95 (${formatDuration(ttftObjective)}): at or above the objective the autoscaler adds pods only after the TTFT objective is already broken; lower the target (e.g. ${round(objective * 0.75)})`,
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
      warnings.push({
        id: WARNING_IDS.noCapacityHeadroom,
        message: formatProblem(
          [bounds.maxPath],
          bounds.max,
          `gives exactly slo.throughputRps (${need}) at full scale (${detail}): no headroom for a failed pod or a burst; consider raising ${bounds.maxPath}`,
        ),
      });
    }
  }

  // Memory does not follow load on a model server: the loaded weights stay resident in
  // every pod, so more pods do not lower each pod's memory and the HPA only ever adds.
  // (The default signals leave memory out; only a written memory signal gets here.)
  const memory = signals.memory;
  if (memory) {
    warnings.push({
      id: WARNING_IDS.memorySignalRatchets,
      message: formatProblem(
        ['scaling', 'signals', 'memory', 'averageUtilization'],
        memory.averageUtilization,
        `scales a model server on memory, which its loaded weights and caches hold whatever the load: adding pods does not lower each pod's memory, so once the working set passes ${memory.averageUtilization} % of resources.memory.request the autoscaler climbs to ${bounds.maxPath} (${bounds.max}) and never scales down (the largest desired count of all signals wins); drop scaling.signals.memory and scale on load (requestRate, queueDepth, latencyP95, gpu), or suppress ${WARNING_IDS.memorySignalRatchets} with the measured reason`,
      ),
    });
  }

  // The HPA reads Resource metrics from the resource metrics API, which metrics-server fills
  // with cpu and memory only: a Resource metric nvidia.com/gpu never has a value
  // (kubernetes.io, "Resource metrics pipeline": the Metrics API offers only the minimum CPU
  // and memory metrics; anything more goes through the custom metrics API).
  const gpuResource = spec.scaling?.signals?.['nvidia.com/gpu'];
  if (gpuResource) {
    const pct = gpuResource.averageUtilization;
    warnings.push({
      id: WARNING_IDS.gpuResourceMetric,
      message: formatProblem(
        ['scaling', 'signals', 'nvidia.com/gpu'],
        gpuResource,
        `is a Resource metric the HPA cannot read: the resource metrics API (metrics-server) reports cpu and memory only, so such an HPA reports the metric unavailable and never scales on it; the chart scales on dcgm-exporter's GPU utilization per pod instead (the gpu signal: Pods metric ${ADAPTER_METRIC_NAMES.gpu} with average value ${pct}, served by prometheus-adapter or KEDA from DCGM_FI_DEV_GPU_UTIL); write it as scaling.signals.gpu { type: 'AverageValue', averageValue: ${pct} } to say what runs`,
      ),
    });
  }

  // An absolute budget does not grow with the fleet: minAvailable 2 of 20 pods lets a drain
  // (or a cluster-autoscaler scale-down) evict 18 at once at full scale.
  const minAvailable = resolved.disruption.minAvailable;
  if (typeof minAvailable === 'number' && bounds.max > bounds.min && minAvailable * 2 < bounds.max) {
    const pct = largestMinAvailablePercent(bounds.min);
    const relative =
      pct > 0
        ? `disruption.minAvailable "${pct}%" (Kubernetes rounds it up: ${budgetPods(`${pct}%`, bounds.min)} of ${bounds.min} pods at ${bounds.minPath}, ${budgetPods(`${pct}%`, bounds.max)} of ${bounds.max} at full scale), or `
        : '';
    warnings.push({
      id: WARNING_IDS.absoluteBudgetBelowScale,
      message: formatProblem(
        ['disruption', 'minAvailable'],
        minAvailable,
        `lets ${bounds.max - minAvailable} of ${bounds.max} pods be evicted at once at full scale (${bounds.maxPath}): an absolute budget does not grow with the fleet; use a share instead, ${relative}disruption.maxUnavailable 1 (the default) or a percentage such as "10%"`,
      ),
    });
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
