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
  /** Time-to-first-token observations per second over BASE_RATE_WINDOW. */
  timeToFirstTokenRate: RECORDING_RULES.timeToFirstTokenRate(promDuration(BASE_RATE_WINDOW)),
  /** Of those, the ones slower than the objective. */
  timeToFirstTokenSlowRate: RECORDING_RULES.timeToFirstTokenSlowRate(promDuration(BASE_RATE_WINDOW)),
  /** Share of requests slower than the TTFT objective over `window`. */
  timeToFirstTokenSlowRatio: (window: Duration): string => RECORDING_RULES.timeToFirstTokenSlowRatio(promDuration(window)),
  /** Inter-token observations (output tokens) per second over BASE_RATE_WINDOW. */
  interTokenLatencyRate: RECORDING_RULES.interTokenLatencyRate(promDuration(BASE_RATE_WINDOW)),
  /** Of those, the ones slower than the objective. */
  interTokenLatencySlowRate: RECORDING_RULES.interTokenLatencySlowRate(promDuration(BASE_RATE_WINDOW)),
  /** Share of output tokens slower than the inter-token objective over `window`. */
  interTokenLatencySlowRatio: (window: Duration): string => RECORDING_RULES.interTokenLatencySlowRatio(promDuration(window)),
} as const;
