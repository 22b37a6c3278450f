import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { z } from 'zod';
import { autoscalingLabels, zDcgm, zIdentity, zPreset } from '../autoscaling/common';
import { objectNames } from '../conventions';
import { DcgmConfig, MetricPreset, MetricPresetName } from '../metrics/presets';
import { AdapterRule, DEFAULT_RATE_WINDOW_SECONDS, SignalAdapterRule, adapterRules } from '../metrics/signals';
import { ScalingSignals, scalingSignalsSchema, usedCustomSignals } from '../spec/signals';
import { parseOrThrow } from '../spec/problems';
import { seconds } from '../spec/workload';
import { zDurationBetween } from '../spec/values';

export interface PrometheusAdapterRulesProps {
  /** Release name: the ConfigMap is `<name>-adapter-rules` (conventions.ts objectNames). */
  readonly name: string;
  /**
   * Namespace of the ConfigMap. When the adapter mounts it (`--config`), this must be the
   * prometheus-adapter's namespace (often `monitoring`), not the service's.
   * @default - none (the chart's)
   */
  readonly namespace?: string;
  /**
   * The signals the HPA scales on: a rule is written for exactly each custom one (gpu,
   * requestRate, latencyP95, queueDepth). cpu and memory are served by metrics-server
   * through the resource metrics API and get no rule. Pass the HPA's own signals.
   */
  readonly signals: ScalingSignals;
  /** Metric preset: which series the rules read and the names they serve. @default 'generic' */
  readonly preset?: MetricPresetName | MetricPreset;
  /** dcgm-exporter metric and label names, field by field. @default - DEFAULT_DCGM (`exported_pod`/`exported_namespace`) */
  readonly dcgm?: Partial<DcgmConfig>;
  /** Window of rate() in the request-rate and p95 rules. @default Duration.minutes(2) */
  readonly rateWindow?: Duration;
  /** Extra labels on the ConfigMap. @default {} */
  readonly labels?: Record<string, string>;
}

export const prometheusAdapterRulesPropsSchema = z
  .object({
    ...zIdentity,
    signals: scalingSignalsSchema,
    preset: zPreset.optional(),
    dcgm: zDcgm.optional(),
    rateWindow: zDurationBetween(30, 3600, 'rate window: at least two scrapes, at most an hour').optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (usedCustomSignals(p.signals).length === 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['signals'],
        message:
          'names no custom signal (cpu and memory come from metrics-server, not from prometheus-adapter rules); add gpu, requestRate, latencyP95 or queueDepth, or drop PrometheusAdapterRules',
      });
    }
  }) satisfies z.ZodType<PrometheusAdapterRulesProps>;

/** Key of the rule file in the ConfigMap. */
export const ADAPTER_CONFIG_KEY = 'config.yaml';

/**
 * A ConfigMap holding the prometheus-adapter rule file for exactly the custom signals an
 * HPA (GpuHpa) names, so that the custom metrics API serves them under the names the HPA
 * references: `config.yaml` with a `rules:` list (seriesQuery, resources.overrides,
 * name.matches/as, metricsQuery). cpu and memory get no rule: metrics-server serves them.
 *
 * How to install the rules, one of:
 * - prometheus-adapter Helm chart: put `helmValues().rules.custom` (the same rules) under
 *   the chart's `rules.custom` value; the chart renders its own ConfigMap from it.
 * - an adapter run by hand: create this ConfigMap in the adapter's namespace, mount it and
 *   start the adapter with `--config=<mount>/config.yaml`.
 * Either way the adapter must reach the Prometheus that scrapes the service and
 * dcgm-exporter (`--prometheus-url`), and `kubectl get --raw
 * /apis/custom.metrics.k8s.io/v1beta1` then lists the metrics.
 */
export class PrometheusAdapterRules extends Construct {
  /** The L1 ConfigMap. */
  public readonly resource: k8s.KubeConfigMap;
  /** Name of the ConfigMap. */
  public readonly name: string;
  public readonly namespace?: string;
  /** One rule per custom signal, with the metric name the HPA must reference. */
  public readonly rules: readonly SignalAdapterRule[];
  /** The rule file as written into the ConfigMap. */
  public readonly configYaml: string;

  constructor(scope: Construct, id: string, props: PrometheusAdapterRulesProps) {
    super(scope, id);
    const p = parseOrThrow(prometheusAdapterRulesPropsSchema, props, `PrometheusAdapterRules ${scope.node.path}/${id}`);
    this.name = objectNames(p.name).adapterRules;
    this.namespace = p.namespace;
    this.rules = adapterRules(p.signals, {
      preset: p.preset,
      dcgm: p.dcgm,
      rateWindowSeconds: p.rateWindow ? seconds(p.rateWindow) : DEFAULT_RATE_WINDOW_SECONDS,
    });
    // YAML 1.1, as the adapter's Go YAML reader: words like `on`/`off` get quoted.
    this.configYaml = stringify({ rules: this.rules.map((r) => r.rule) }, { lineWidth: 0, version: '1.1' });
    this.resource = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: autoscalingLabels(p.name, p.labels) },
      data: { [ADAPTER_CONFIG_KEY]: this.configYaml },
    });
  }

  /** The rules as prometheus-adapter Helm chart values (`rules.custom`). */
  public helmValues(): { rules: { custom: AdapterRule[] } } {
    return { rules: { custom: this.rules.map((r) => r.rule) } };
  }
}
