/**
 * zod pieces and small helpers shared by the autoscaling constructs (GpuHpa,
 * KedaScaledObject, PrometheusAdapterRules, VpaRecommender). Not exported from the package.
 */
import { Cpu } from 'cdk8s-plus-28';
import { z } from 'zod';
import { dcgmConfigSchema, metricPresetSchema } from '../metrics/schemas';
import { COMPONENT, commonLabels } from '../conventions';
import { DcgmConfig, MetricPreset, MetricPresetName } from '../metrics/presets';
import { zDnsLabel } from '../private/validation';

/** A cdk8s-plus Cpu. */
export const zCpu = z.custom<Cpu>((v) => v instanceof Cpu, {
  message: 'must be a cdk8s-plus Cpu; use Cpu.units(n) or Cpu.millis(n)',
});

/** Extra labels: Kubernetes label keys and values. */
export const zLabels = z.record(
  z.string().regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'must be a Kubernetes label key; fix the key'),
  z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, 'must be a Kubernetes label value (at most 63 of [A-Za-z0-9_.-]); fix the value').max(63, 'must be at most 63 characters; shorten it'),
);

/** Replica bounds shared by GpuHpa and KedaScaledObject. */
export const zMinReplicas = z
  .number()
  .int('must be a whole number of pods; round it')
  .min(1, 'must be at least 1 (scaling to zero needs an alpha feature gate on the HPA); raise it');

export const zMaxReplicas = z
  .number()
  .int('must be a whole number of pods; round it')
  .min(1, 'must be at least 1; raise it');

/** dcgm-exporter overrides, field by field. */
export const zDcgm = dcgmConfigSchema.partial() satisfies z.ZodType<Partial<DcgmConfig>>;

/** A preset by name, or a full preset object (its queries are parsed when used). */
export const zPreset = z.union([z.enum(['generic', 'vllm']), metricPresetSchema], {
  errorMap: () => ({ message: 'must be "generic", "vllm" or a MetricPreset object; pick a preset' }),
}) as z.ZodType<MetricPresetName | MetricPreset>;

/** Fields every autoscaling construct has: release name, namespace, extra labels. */
export const zIdentity = {
  name: zDnsLabel,
  namespace: zDnsLabel.optional(),
  labels: zLabels.optional(),
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
