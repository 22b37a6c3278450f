import { DashboardInput, dashboardUid } from '../../src/dashboard';
import { GENERIC_PRESET } from '../../src/metrics/presets';

/** The seed service (seeds 000-002): pixelated-prod / ai-inference, SLO 99.9 % / 2 s / 3 s / 1000 rps. */
export function seedInput(overrides: Partial<DashboardInput> = {}): DashboardInput {
  return {
    title: 'AI inference (pixelated-prod)',
    uid: dashboardUid('pixelated-prod', 'ai-inference'),
    scope: { namespace: 'pixelated-prod', job: 'ai-inference-internal', podRegex: 'ai-inference-.*' },
    preset: GENERIC_PRESET,
    deploymentName: 'ai-inference',
    hpaName: 'ai-inference-hpa',
    slo: { availabilityPercent: 99.9, latencyP95Seconds: 2, latencyP99Seconds: 3, throughputRps: 1000 },
    queueDepthTarget: 10,
    minReplicas: 3,
    maxReplicas: 20,
    ...overrides,
  };
}
