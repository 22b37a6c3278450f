/**
 * The three probes of the inference container, on the named http port. Liveness and
 * startup check the process only (a TCP connect, or the process-only `livenessPath`):
 * a kubelet that fails either restarts the container, and a restart reloads the model,
 * so neither may depend on the databases. Readiness uses the dependency-aware path: a
 * pod whose dependencies fail leaves the endpoints (and the NLB) without a restart.
 */
import { k8s } from 'cdk8s-plus-28';
import { HTTP_PORT_NAME } from '../conventions';
import { ProbeTiming, ResolvedProbes, seconds, startupFailureThreshold } from '../spec/workload';

/** The startup probe's timeout: below its period, at least 1 s and at most this. */
const STARTUP_TIMEOUT_MAX_SECONDS = 5;

const httpPort = () => k8s.IntOrString.fromString(HTTP_PORT_NAME);

/** The process-only check: HTTP GET on `livenessPath` when given, else a TCP connect to the http port. */
function processCheck(probes: ResolvedProbes): Pick<k8s.Probe, 'httpGet' | 'tcpSocket'> {
  return probes.livenessPath !== undefined ? { httpGet: { path: probes.livenessPath, port: httpPort() } } : { tcpSocket: { port: httpPort() } };
}

// The threshold lives with the workload's rules, which also size the rollout deadline from it.
export { startupFailureThreshold } from '../spec/workload';

/**
 * Startup probe, the process-only check: polls every `startupPeriod` for `startupBudget`
 * while the model loads; liveness and readiness start only once it passes.
 */
export function startupProbe(probes: ResolvedProbes): k8s.Probe {
  const period = seconds(probes.startupPeriod);
  return {
    ...processCheck(probes),
    periodSeconds: period,
    timeoutSeconds: Math.min(STARTUP_TIMEOUT_MAX_SECONDS, Math.max(1, period - 1)),
    failureThreshold: startupFailureThreshold(probes.startupBudget, probes.startupPeriod),
  };
}

/** Liveness probe: the process-only check with the liveness timing. */
export function livenessProbe(probes: ResolvedProbes): k8s.Probe {
  return timedProbe(processCheck(probes), probes.liveness);
}

/** Readiness probe on the dependency-aware `readinessPath` with the readiness timing. */
export function readinessProbe(probes: ResolvedProbes): k8s.Probe {
  return timedProbe({ httpGet: { path: probes.readinessPath, port: httpPort() } }, probes.readiness);
}

function timedProbe(check: Pick<k8s.Probe, 'httpGet' | 'tcpSocket'>, timing: Required<ProbeTiming>): k8s.Probe {
  return {
    ...check,
    periodSeconds: seconds(timing.period),
    timeoutSeconds: seconds(timing.timeout),
    failureThreshold: timing.failureThreshold,
  };
}
