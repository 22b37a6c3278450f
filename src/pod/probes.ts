/** The three HTTP probes of the inference container, on the named http port. */
import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { HTTP_PORT_NAME } from '../conventions';
import { ProbeTiming, ResolvedProbes, seconds } from '../spec/workload';

/** The startup probe's timeout: below its period, at least 1 s and at most this. */
const STARTUP_TIMEOUT_MAX_SECONDS = 5;

const httpGet = (path: string): k8s.HttpGetAction => ({ path, port: k8s.IntOrString.fromString(HTTP_PORT_NAME) });

/** Failures the startup probe allows so that they cover the budget: ceil(budget / period). */
export function startupFailureThreshold(budget: Duration, period: Duration): number {
  return Math.ceil(seconds(budget) / seconds(period));
}

/**
 * Startup probe on `path`: polls every `startupPeriod` for `startupBudget` while the model
 * loads; liveness and readiness start only once it passes.
 */
export function startupProbe(probes: ResolvedProbes): k8s.Probe {
  const period = seconds(probes.startupPeriod);
  return {
    httpGet: httpGet(probes.path),
    periodSeconds: period,
    timeoutSeconds: Math.min(STARTUP_TIMEOUT_MAX_SECONDS, Math.max(1, period - 1)),
    failureThreshold: startupFailureThreshold(probes.startupBudget, probes.startupPeriod),
  };
}

/** Liveness probe on `livenessPath` with the liveness timing. */
export function livenessProbe(probes: ResolvedProbes): k8s.Probe {
  return timedProbe(probes.livenessPath, probes.liveness);
}

/** Readiness probe on `readinessPath` with the readiness timing. */
export function readinessProbe(probes: ResolvedProbes): k8s.Probe {
  return timedProbe(probes.readinessPath, probes.readiness);
}

function timedProbe(path: string, timing: Required<ProbeTiming>): k8s.Probe {
  return {
    httpGet: httpGet(path),
    periodSeconds: seconds(timing.period),
    timeoutSeconds: seconds(timing.timeout),
    failureThreshold: timing.failureThreshold,
  };
}
