import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceSpec } from '../../src';
import { consistencyFindings } from '../../src/chart/consistency';
import { WARNING_IDS } from '../../src/conventions';
import { rolloutProgressDeadline } from '../../src/spec/workload';
import { resolveSpec } from '../../src/spec/spec';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';

const spec = (patch: Partial<AiInferenceSpec>) => ({ ...eksNlbSpec, ...patch }) as AiInferenceSpec;
const warningsOf = (id: string, patch: Partial<AiInferenceSpec>) => consistencyFindings(spec(patch), resolveSpec(spec(patch))).warnings.filter((w) => w.id === id).map((w) => w.message);
const rollout = (r: NonNullable<NonNullable<AiInferenceSpec['scheduling']>['rollout']>) => ({ scheduling: { ...eksNlbSpec.scheduling, rollout: r } });

describe('rollouts on scarce GPUs', () => {
  it('derives progressDeadlineSeconds well above the 600 s default from the startup budget and the drain', () => {
    // 300 node + 300 pull + 300 startup + 10 readiness + 180 NLB registration + 60 grace (seed)
    expect(rolloutProgressDeadline(resolveSpec(eksNlbSpec).workload)).toBe(1150);
    expect(rolloutProgressDeadline(resolveSpec(spec({ probes: { startupBudget: Duration.minutes(20) } })).workload)).toBe(1150 + 900);
  });

  it('warns when the surge strategy needs a GPU node the spec says is not there', () => {
    expect(warningsOf(WARNING_IDS.surgeWithoutSpareGpu, rollout({ spareGpuCapacity: false }))).toEqual([
      "scheduling.rollout.strategy (\"surge\" by default) adds one pod (maxSurge 1, maxUnavailable 0) before removing one, but scheduling.rollout.spareGpuCapacity is false: the extra pod needs 1 free GPU(s), stays Pending and the rollout stalls until progressDeadlineSeconds reports it failed; use strategy 'replace' (maxSurge 0, maxUnavailable 1) or add GPU capacity",
    ]);
    expect(warningsOf(WARNING_IDS.surgeWithoutSpareGpu, rollout({ spareGpuCapacity: true }))).toEqual([]);
    expect(warningsOf(WARNING_IDS.surgeWithoutSpareGpu, rollout({ strategy: 'replace', spareGpuCapacity: false }))).toEqual([]);
    expect(warningsOf(WARNING_IDS.surgeWithoutSpareGpu, {})).toEqual([]);
  });

  it('warns that replacing the only pod is an outage on every rollout', () => {
    expect(warningsOf(WARNING_IDS.replaceSinglePod, { ...rollout({ strategy: 'replace' }), scaling: undefined, replicas: 1, disruption: undefined })).toEqual([
      "scheduling.rollout.strategy (\"replace\") removes a pod before its replacement is ready (maxUnavailable 1), and replicas is 1: every rollout takes the service down for a drain, a model load and a target registration; raise replicas to 2 or use strategy 'surge' with a spare GPU node",
    ]);
    expect(warningsOf(WARNING_IDS.replaceSinglePod, rollout({ strategy: 'replace' }))).toEqual([]);
  });
});
