import { Duration } from 'cdk8s';
import { AlertRulesInput } from '../../src/alerts';
import { GENERIC_PRESET, MetricPreset } from '../../src/metrics/presets';

/** The seed service (seed 000): namespace, scrape job, pods, autoscaler and SLO. */
export const SEED = {
  namespace: 'pixelated-prod',
  deployment: 'ai-inference',
  job: 'ai-inference-internal',
  podRegex: 'ai-inference-[a-z0-9]+-[a-z0-9]+',
  hpa: 'ai-inference-hpa',
  runbook: 'https://github.com/example/cdk8s-ai-inference/blob/main/README.md',
} as const;

/**
 * AlertRulesInput of the seed: 99.9 %, p95 2 s, p99 3 s, 1 %, 1000 rps, 30 d, queue target
 * 10, 3 to 20 replicas, startup budget 5 min (examples/eks-nlb/spec.ts).
 */
export function seedInput(changes: Partial<AlertRulesInput> = {}, preset: MetricPreset = GENERIC_PRESET): AlertRulesInput {
  return {
    scope: { namespace: SEED.namespace, job: SEED.job, podRegex: SEED.podRegex },
    deployment: SEED.deployment,
    hpaName: SEED.hpa,
    maxReplicas: 20,
    minReplicas: 3,
    startupBudget: Duration.minutes(5),
    preset,
    slo: {
      availabilityPercent: 99.9,
      latencyP95Seconds: 2,
      latencyP99Seconds: 3,
      errorRatePercent: 1,
      throughputRps: 1000,
      period: Duration.days(30),
    },
    queueDepthTargetPerPod: 10,
    runbookBaseUrl: SEED.runbook,
    ...changes,
  };
}
