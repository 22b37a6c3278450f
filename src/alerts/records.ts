import { Duration } from 'cdk8s';
import { RECORDING_RULES } from '../conventions';
import { promDuration } from '../private/duration';

/** Names of the series the rules record, at the windows the rules use (RECORDING_RULES). */

/** Window of the base rates every longer SLI window is summed from. */
export const BASE_RATE_WINDOW = Duration.minutes(5);

export const RECORDS = {
  /** Requests per second over BASE_RATE_WINDOW. */
  requestRate: RECORDING_RULES.requestRate(promDuration(BASE_RATE_WINDOW)),
  /** Errors per second over BASE_RATE_WINDOW. */
  errorRate: RECORDING_RULES.errorRate(promDuration(BASE_RATE_WINDOW)),
  /** Error ratio (errors / requests) over `window`. */
  errorRatio: (window: Duration): string => RECORDING_RULES.errorRatio(promDuration(window)),
  /** 1 for each pod of the service's Deployment. */
  deploymentPods: RECORDING_RULES.deploymentPods,
} as const;
