/**
 * Rules between the workload's own settings that the chart checks with the rest of the
 * service in view (resources, rollout, probes).
 */
import { WARNING_IDS } from '../../conventions';
import { DefaultedValue, formatProblem } from '../../spec/problems';
import { AiInferenceSpec, ResolvedSpec } from '../../spec/spec';
import { sizeKibibytes } from '../../spec/values';
import { Findings, Warning } from './types';

/** Findings of the workload sections. */
export function workloadFindings(spec: AiInferenceSpec, resolved: ResolvedSpec): Findings {
  return {
    errors: [],
    warnings: [...probeWarnings(spec, resolved), ...rolloutWarnings(spec, resolved), ...memoryWarnings(resolved), ...databaseWarnings(spec, resolved)],
  };
}

/**
 * Every pod opens its own pool: at full scale (and during a surge rollout, one pod more)
 * the pools together may ask the database for more connections than it accepts, and the
 * new pods fail their readiness checks exactly when the service needs them.
 */
function databaseWarnings(spec: AiInferenceSpec, resolved: ResolvedSpec): Warning[] {
  const perf = spec.config?.performance;
  if (perf?.connectionPoolSize === undefined || perf.databaseMaxConnections === undefined) return [];
  const surge = resolved.workload.scheduling.rollout.strategy === 'surge' ? 1 : 0;
  const pods = resolved.replicas.max + surge;
  const needed = perf.connectionPoolSize * pods;
  if (needed <= perf.databaseMaxConnections) return [];
  const podsText = surge ? `${resolved.replicas.max} pods at ${resolved.replicas.maxPath} + 1 surge pod` : `${resolved.replicas.max} pods at ${resolved.replicas.maxPath}`;
  return [
    {
      id: WARNING_IDS.databasePoolsExceedLimit,
      message: formatProblem(
        ['config', 'performance', 'connectionPoolSize'],
        perf.connectionPoolSize,
        `× ${podsText} = ${needed} connections, above config.performance.databaseMaxConnections (${perf.databaseMaxConnections}): at full scale new pods cannot connect and fail readiness just when the load needs them; lower the pool to at most ${Math.floor(perf.databaseMaxConnections / pods)}, put a pooler (PgBouncer) in front of the database, or raise its max_connections`,
      ),
    },
  ];
}

/** Liveness and startup restart the container: on the dependency-aware path, a DB blip restarts every pod. */
function probeWarnings(spec: AiInferenceSpec, resolved: ResolvedSpec): Warning[] {
  const { livenessPath, readinessPath } = resolved.workload.probes;
  if (livenessPath === undefined || livenessPath !== readinessPath) return [];
  return [
    {
      id: WARNING_IDS.livenessOnReadinessPath,
      message: formatProblem(
        ['probes', 'livenessPath'],
        spec.probes?.livenessPath,
        `is also the readiness path: if that endpoint checks the databases, one database blip fails liveness (and startup) on every pod at once, the kubelet restarts them all and each reloads its model; point livenessPath at a process-only endpoint, or leave it out for a TCP check on the http port`,
      ),
    },
  ];
}

/** The rollout strategy against the GPU capacity the spec declares and the replica floor. */
function rolloutWarnings(spec: AiInferenceSpec, resolved: ResolvedSpec): Warning[] {
  const warnings: Warning[] = [];
  const w = resolved.workload;
  const rollout = w.scheduling.rollout;
  const strategyValue = spec.scheduling?.rollout?.strategy ?? new DefaultedValue(rollout.strategy);
  if (rollout.strategy === 'surge' && rollout.spareGpuCapacity === false && w.resources.gpu.count > 0) {
    warnings.push({
      id: WARNING_IDS.surgeWithoutSpareGpu,
      message: formatProblem(
        ['scheduling', 'rollout', 'strategy'],
        strategyValue,
        `adds one pod (maxSurge 1, maxUnavailable 0) before removing one, but scheduling.rollout.spareGpuCapacity is false: the extra pod needs ${w.resources.gpu.count} free GPU(s), stays Pending and the rollout stalls until progressDeadlineSeconds reports it failed; use strategy 'replace' (maxSurge 0, maxUnavailable 1) or add GPU capacity`,
      ),
    });
  }
  const floor = resolved.replicas;
  if (rollout.strategy === 'replace' && floor.min <= 1) {
    warnings.push({
      id: WARNING_IDS.replaceSinglePod,
      message: formatProblem(
        ['scheduling', 'rollout', 'strategy'],
        strategyValue,
        `removes a pod before its replacement is ready (maxUnavailable 1), and ${floor.minPath} is ${floor.min}: every rollout takes the service down for a drain, a model load and a target registration; raise ${floor.minPath} to 2 or use strategy 'surge' with a spare GPU node`,
      ),
    });
  }
  return warnings;
}

/**
 * Memory of the GPU pod. Node-pressure eviction ranks first the pods whose usage exceeds
 * their requests (Kubernetes "Node-pressure Eviction"; "Pod Quality of Service Classes":
 * BestEffort, then Burstable, then Guaranteed), and a GPU pod's restart costs a model
 * reload of minutes.
 */
function memoryWarnings(resolved: ResolvedSpec): Warning[] {
  const warnings: Warning[] = [];
  const { memory, gpu } = resolved.workload.resources;
  const request = sizeKibibytes(memory.request);
  const limit = sizeKibibytes(memory.limit);
  if (gpu.count > 0 && request < limit) {
    warnings.push({
      id: WARNING_IDS.gpuMemoryBurstable,
      message: formatProblem(
        ['resources', 'memory', 'request'],
        memory.request,
        `is below resources.memory.limit (${memory.limit.asString()}) on a GPU pod (Burstable QoS): once the server uses more than its request, node memory pressure evicts it among the first, and the replacement spends minutes reloading the model; set the request to the limit`,
      ),
    });
  }
  const shm = resolved.workload.storage.sharedMemorySizeLimit;
  // shm >= limit is an error of the spec (workloadRelationProblems); this is the softer case.
  // Only a request below the limit says what the server itself expects to use; with
  // request = limit (Guaranteed, what AII-W025 asks of a GPU pod) the limit is the whole
  // budget, /dev/shm included, and nothing tells the server's share apart.
  if (shm && request < limit && sizeKibibytes(shm) < limit && request + sizeKibibytes(shm) > limit) {
    warnings.push({
      id: WARNING_IDS.sharedMemoryOverLimit,
      message: formatProblem(
        ['storage', 'sharedMemorySizeLimit'],
        shm,
        `plus resources.memory.request (${memory.request.asString()}) exceeds resources.memory.limit (${memory.limit.asString()}): /dev/shm is memory-backed and counts against the limit, so a full /dev/shm beside the server's expected working set OOM-kills the pod; lower it or raise the limit`,
      ),
    });
  }
  return warnings;
}
