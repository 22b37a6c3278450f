import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { z } from 'zod';
import { zDcgm, zPreset } from '../autoscaling/common';
import { COMPONENT, LABEL_COMPONENT, LABEL_MANAGED_BY, MANAGED_BY, PROMETHEUS_ADAPTER } from '../conventions';
import { DcgmConfig, MetricPreset, MetricPresetName } from '../metrics/presets';
import { AdapterRule, DEFAULT_RATE_WINDOW_SECONDS, SignalAdapterRule, addSignalPresetIssues, adapterRules, mergeAdapterRules } from '../metrics/signals';
import { ScalingSignals, scalingSignalsSchema, usedCustomSignals } from '../spec/signals';
import { parseOrThrow } from '../spec/problems';
import { seconds } from '../spec/workload';
import { zDnsLabel, zDurationBetween } from '../spec/values';

export interface PrometheusAdapterRulesProps {
  /** Release name of the service; named when two services' rules conflict (the rules themselves name no service). */
  readonly name: string;
  /**
   * The signals the HPA scales on: a rule is written for exactly each custom one (gpu,
   * requestRate, latencyP95, queueDepth, and vLLM's kvCacheUsage and timeToFirstTokenP95). cpu and memory are served by metrics-server
   * through the resource metrics API and get no rule. Pass the HPA's own signals.
   */
  readonly signals: ScalingSignals;
  /** Metric preset: which series the rules read and the names they serve. @default 'generic' */
  readonly preset?: MetricPresetName | MetricPreset;
  /** dcgm-exporter metric and label names, field by field. @default - DEFAULT_DCGM (`exported_pod`/`exported_namespace`) */
  readonly dcgm?: Partial<DcgmConfig>;
  /** Window of rate() in the request-rate and p95 rules. @default Duration.minutes(2) */
  readonly rateWindow?: Duration;
}

export const prometheusAdapterRulesPropsSchema = z
  .object({
    name: zDnsLabel,
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
          'names no custom signal (cpu and memory come from metrics-server, not from prometheus-adapter rules); add gpu, requestRate, latencyP95 or queueDepth (with the vllm preset also kvCacheUsage or timeToFirstTokenP95), or drop PrometheusAdapterRules',
      });
    }
    addSignalPresetIssues(p.signals, p.preset, ctx);
  }) satisfies z.ZodType<PrometheusAdapterRulesProps>;

/**
 * Key of the config file in the ConfigMap the adapter mounts. prometheus-community/helm-charts
 * charts/prometheus-adapter (chart 5.3.0, app v0.12.0), templates/deployment.yaml:
 * `- --config=/etc/adapter/config.yaml`, the volume `config` mounted at `/etc/adapter/` from
 * `configMap: name: {{ .Values.rules.existing | default (include "k8s-prometheus-adapter.fullname" . ) }}`;
 * templates/configmap.yaml writes its own under `data: config.yaml: |`.
 */
export const ADAPTER_CONFIG_KEY = 'config.yaml';

/**
 * The prometheus-adapter Helm chart's `rules` values this library sets. From the chart's
 * values.yaml (prometheus-community/helm-charts charts/prometheus-adapter, chart 5.3.0):
 * `rules: default: true`, `custom: []`, `existing:` ("Mounts a configMap with pre-generated
 * rules for use. Overrides the default, custom, external and resource entries").
 */
export interface PrometheusAdapterHelmValues {
  readonly rules: {
    /** The chart's own default rules (container_* and every namespaced series), kept on as the chart ships them. */
    readonly default: true;
    /** The services' rules; templates/configmap.yaml appends them after the default ones under `rules:`. */
    readonly custom: AdapterRule[];
  };
}

/** Props of {@link PrometheusAdapterRules.existingConfigMap}. */
export interface AdapterExistingConfigMapProps {
  /** Every service whose HPA the adapter serves (one adapter, one config). */
  readonly sources: readonly PrometheusAdapterRules[];
  /** The adapter's namespace: its pod can only mount a ConfigMap of its own namespace. @default 'monitoring' */
  readonly namespace?: string;
  /** The ConfigMap's name, to install the chart with `rules.existing=<name>`. @default 'ai-inference-adapter-rules' */
  readonly name?: string;
  /** @default {} */
  readonly labels?: Record<string, string>;
}

// YAML 1.1, as the adapter's and Helm's Go YAML readers: words like `on`/`off` get quoted.
const yamlText = (value: unknown) => stringify(value, { lineWidth: 0, version: '1.1' });

/**
 * The prometheus-adapter rules serving exactly the custom signals an HPA (GpuHpa) names, so
 * that the custom metrics API really serves every metric the HPA references (an HPA does
 * not scale down while any of its metrics cannot be fetched, kubernetes#99514). cpu and
 * memory get no rule: metrics-server serves them.
 *
 * prometheus-adapter reads ONE config file per installation, from its own namespace: a
 * ConfigMap beside the service would never be read. So this construct writes no object in
 * the service's chart; the rules are generic (series by metric name, the namespace and pod
 * or service labels mapped to resources) and are installed once for all services:
 * - Helm values (recommended): {@link PrometheusAdapterRules.valuesYamlFor} of every service's
 *   rules (e.g. `PrometheusAdapterRules.allIn(app)`), `helm upgrade --install prometheus-adapter prometheus-community/prometheus-adapter
 *   -n monitoring -f <file>`; the chart's default rules stay on.
 * - `rules.existing`: {@link PrometheusAdapterRules.existingConfigMap} in the adapter's
 *   namespace, and the chart installed with `--set rules.existing=<name>` (then the chart
 *   renders none of its own rules).
 * `kubectl get --raw /apis/custom.metrics.k8s.io/v1beta1` then lists the metrics.
 */
export class PrometheusAdapterRules extends Construct {
  /** One rule per custom signal, with the metric name the HPA must reference. */
  public readonly rules: readonly SignalAdapterRule[];
  /** The service's release name. */
  public readonly release: string;

  constructor(scope: Construct, id: string, props: PrometheusAdapterRulesProps) {
    super(scope, id);
    this.release = props.name;
    this.rules = adapterRulesOf(props, `PrometheusAdapterRules ${scope.node.path}/${id}`);
  }

  /** The metric names this service's rules serve, as its HPA references them. */
  public get metricNames(): string[] {
    return this.rules.map((r) => r.metricName);
  }

  /** This service's rules as prometheus-adapter Helm chart values (see {@link PrometheusAdapterRules.valuesFor} for several). */
  public helmValues(): PrometheusAdapterHelmValues {
    return PrometheusAdapterRules.valuesFor([this]);
  }

  /** Every PrometheusAdapterRules under `scope` (e.g. the App: every service's), in tree order. */
  public static allIn(scope: Construct): PrometheusAdapterRules[] {
    return scope.node.findAll().filter((c): c is PrometheusAdapterRules => c instanceof PrometheusAdapterRules);
  }

  /**
   * The prometheus-adapter Helm chart values serving every given service: `rules.default`
   * kept true (the chart's default) and `rules.custom` the services' rules, each distinct
   * rule once (services on the same preset share their rules). Throws when two services
   * would serve one metric name with different rules.
   */
  public static valuesFor(sources: readonly PrometheusAdapterRules[]): PrometheusAdapterHelmValues {
    return { rules: { default: true, custom: mergedRules(sources) } };
  }

  /** {@link PrometheusAdapterRules.valuesFor} as a values file for `helm upgrade --install ... -f <file>`. */
  public static valuesYamlFor(sources: readonly PrometheusAdapterRules[]): string {
    const head = [
      '# prometheus-adapter Helm values, generated by cdk8s-ai-inference: the custom-metrics rules',
      '# that the HPAs of these services name. Install or update with:',
      `#   helm upgrade --install ${PROMETHEUS_ADAPTER.release} prometheus-community/prometheus-adapter -n ${PROMETHEUS_ADAPTER.namespace} -f <this file>`,
      '# and point prometheus.url / prometheus.port at the Prometheus that scrapes the services.',
    ].join('\n');
    return `${head}\n${yamlText(PrometheusAdapterRules.valuesFor(sources))}`;
  }

  /** The adapter's whole config file (`rules:` only), as a `rules.existing` ConfigMap holds it. */
  public static configYamlFor(sources: readonly PrometheusAdapterRules[]): string {
    return yamlText({ rules: mergedRules(sources) });
  }

  /**
   * The ConfigMap a prometheus-adapter chart installed with `rules.existing=<name>` mounts as
   * its whole config: `config.yaml` with the merged `rules:` of every source, in the
   * adapter's namespace. Put it in a chart of its own (one per cluster), not in a service's.
   * It replaces the chart's default rules too (values.yaml: "Overrides the default, custom,
   * external and resource entries").
   */
  public static existingConfigMap(scope: Construct, id: string, props: AdapterExistingConfigMapProps): k8s.KubeConfigMap {
    if (props.sources.length === 0) {
      throw new Error(`PrometheusAdapterRules.existingConfigMap ${scope.node.path}/${id}: sources is empty; pass the PrometheusAdapterRules of every service the adapter serves`);
    }
    const namespace = props.namespace ?? PROMETHEUS_ADAPTER.namespace;
    const name = props.name ?? PROMETHEUS_ADAPTER.existingConfigMap;
    for (const [what, value] of [['namespace', namespace], ['name', name]] as const) {
      const r = zDnsLabel.safeParse(value);
      if (!r.success) throw new Error(`PrometheusAdapterRules.existingConfigMap ${scope.node.path}/${id}: ${what} (${JSON.stringify(value)}) ${r.error.issues[0].message}`);
    }
    return new k8s.KubeConfigMap(scope, id, {
      metadata: {
        name,
        namespace,
        labels: { [LABEL_COMPONENT]: COMPONENT.autoscaling, [LABEL_MANAGED_BY]: MANAGED_BY, ...props.labels },
      },
      data: { [ADAPTER_CONFIG_KEY]: PrometheusAdapterRules.configYamlFor(props.sources) },
    });
  }
}

/**
 * The rules a PrometheusAdapterRules with these props serves, without building it (the
 * platform chart checks that its workloads' rules fit in one adapter before it builds any).
 */
export function adapterRulesOf(props: PrometheusAdapterRulesProps, subject = 'PrometheusAdapterRules'): SignalAdapterRule[] {
  const p = parseOrThrow(prometheusAdapterRulesPropsSchema, props, subject);
  return adapterRules(p.signals, {
    preset: p.preset,
    dcgm: p.dcgm,
    rateWindowSeconds: p.rateWindow ? seconds(p.rateWindow) : DEFAULT_RATE_WINDOW_SECONDS,
  });
}

function mergedRules(sources: readonly PrometheusAdapterRules[]): AdapterRule[] {
  return mergeAdapterRules(sources.map((s) => ({ source: `service ${s.release} (${s.node.path})`, rules: s.rules.map((r) => r.rule) })));
}
