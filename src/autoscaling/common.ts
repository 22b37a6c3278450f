/**
 * zod pieces and small helpers shared by the autoscaling constructs (GpuHpa,
 * KedaScaledObject, PrometheusAdapterRules, VpaRecommender). Not exported from the package.
 */
import { z } from 'zod';
import { dcgmOverridesSchema, presetSchema } from '../spec/metrics';
import { COMPONENT, commonLabels } from '../conventions';
import type { WorkloadTarget } from '../constructs/workload-target';
import { formatProblem } from '../spec/problems';
import { ScalingSignals } from '../spec/signals';
import { zDnsLabel, zLabelMap } from '../spec/values';

/** Replica bounds shared by GpuHpa and KedaScaledObject. */
export const zMinReplicas = z
  .number()
  .int('must be a whole number of pods; round it')
  .min(1, 'must be at least 1 (scaling to zero needs an alpha feature gate on the HPA); raise it');

export const zMaxReplicas = z
  .number()
  .int('must be a whole number of pods; round it')
  .min(1, 'must be at least 1; raise it');

/** dcgm-exporter overrides, field by field; a preset by name or object (spec/metrics.ts). */
export { dcgmOverridesSchema as zDcgm, presetSchema as zPreset };

/** Fields every autoscaling construct has: release name, namespace, extra labels. */
export const zIdentity = {
  name: zDnsLabel,
  namespace: zDnsLabel.optional(),
  labels: zLabelMap.optional(),
};

/** The recommended labels of an autoscaling object, plus extra labels. */
export function autoscalingLabels(release: string, extra: Record<string, string> | undefined): Record<string, string> {
  return { ...commonLabels(release, COMPONENT.autoscaling), ...extra };
}

/** minReplicas ≤ maxReplicas, reported on maxReplicas. */
export function replicaBoundsIssue(min: number, max: number): string | undefined {
  if (min <= max) return undefined;
  return `must be at least minReplicas (${min}); raise maxReplicas or lower minReplicas (for a fixed count set both equal: the pinned mode)`;
}

/** The rule a GPU signal breaks on pods without a GPU; `where` names what has none. */
export function gpuSignalRule(where: string): string {
  return `needs a GPU on the ${where}: dcgm-exporter reports nothing for the pods, so the signal is always missing; request a GPU or drop the gpu signal`;
}

/** A gpu signal on a workload known to have no GPU. */
export function gpuSignalProblems(signals: ScalingSignals, workload: WorkloadTarget): string[] {
  if (signals.gpu === undefined || workload.gpuCount !== 0) return [];
  return [formatProblem(['signals', 'gpu'], signals.gpu, gpuSignalRule(`workload ("${workload.name}" has 0 GPUs per pod)`))];
}
