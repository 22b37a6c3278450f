import { Duration } from 'cdk8s';
import { RECORDING_RULES } from '../conventions';
import { toPromDuration } from './format';

/**
 * Names of the series the rules record. The error-ratio names are the conventions
 * module's (RECORDING_RULES.errorRatio); the rate and pod-ownership names are defined here
 * until they join RECORDING_RULES in src/conventions.ts.
 */

/** Window of the base rates every longer SLI window is summed from. */
export const BASE_RATE_WINDOW = Duration.minutes(5);

export const RECORDS = {
  /** Requests per second of the service over BASE_RATE_WINDOW, by namespace and job. */
  requestRate: `inference:requests:rate${toPromDuration(BASE_RATE_WINDOW)}`,
  /** Errors per second over BASE_RATE_WINDOW (0 while the error counter has no series). */
  errorRate: `inference:request_errors:rate${toPromDuration(BASE_RATE_WINDOW)}`,
  /** Error ratio (errors / requests) over `window`. */
  errorRatio: (window: Duration): string => RECORDING_RULES.errorRatio(toPromDuration(window)),
  /**
   * 1 for each pod of the service's Deployment (labels namespace, pod, deployment), from
   * kube-state-metrics' owner references: pod -> ReplicaSet -> Deployment.
   */
  deploymentPods: 'inference:kube_pod_owner:deployment',
} as const;
