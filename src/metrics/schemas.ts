import { z } from 'zod';
import { DcgmConfig, MetricPreset } from './presets';

/**
 * zod schemas of the metric data (presets, DCGM names), shared by the autoscaling, alert
 * and dashboard inputs. Names follow the Prometheus data model
 * (prometheus.io/docs/concepts/data_model).
 */
export const zMetricName = z
  .string()
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*); fix the name');

export const zLabelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*); fix the name');

export const seriesRefSchema = z
  .object({ metric: zMetricName, matchers: z.string().min(1, 'must not be empty; leave it out instead').optional() })
  .strict();

/** A full MetricPreset object. */
export const metricPresetSchema = z
  .object({
    name: z.enum(['generic', 'vllm']),
    requests: seriesRefSchema,
    errors: seriesRefSchema,
    latencyHistogram: zMetricName,
    queueDepth: seriesRefSchema,
    cacheHitRatio: seriesRefSchema.optional(),
    highBiasScores: seriesRefSchema.optional(),
    modelLoadFailures: seriesRefSchema.optional(),
    dbPoolInUse: seriesRefSchema.optional(),
    dbPoolMax: seriesRefSchema.optional(),
  })
  // Presets are shared data that may gain series for other consumers; unknown keys pass.
  .passthrough() satisfies z.ZodType<MetricPreset>;

/** A full DcgmConfig. */
export const dcgmConfigSchema = z
  .object({
    utilizationMetric: zMetricName,
    memoryUsedMetric: zMetricName,
    memoryFreeMetric: zMetricName,
    podLabel: zLabelName,
    namespaceLabel: zLabelName,
  })
  .strict() satisfies z.ZodType<DcgmConfig>;
