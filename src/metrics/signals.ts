/**
 * The six scaling signals of an inference service (seed 000) and, for each custom one,
 * how its value reaches an autoscaler: the prometheus-adapter rule that serves it to an
 * HPA through the custom metrics API, or the PromQL a KEDA prometheus trigger runs.
 * Pure data and functions; no constructs here (only the cdk8s Duration value type).
 *
 * Every query built here is parsed with the Prometheus grammar (assertPromql); a syntax
 * error throws an Error naming the signal and the metric.
 */
import { Duration } from 'cdk8s';
import { z } from 'zod';
import { withDefaults } from '../private/defaults';
import { promDuration } from '../private/duration';
import { DEFAULT_DCGM, DcgmConfig, METRIC_PRESETS, MetricPreset, MetricPresetName, MetricScope, selector } from './presets';
import { ADAPTER_METRIC_NAMES } from '../conventions';
import { CustomSignalName, SIGNALS, ScalingSignals, usedCustomSignals } from '../spec/signals';
import { assertPromql, renderAdapterTemplate } from './promql';

/**
 * Kubernetes quantity text of a target value, canonical as the API server writes it back:
 * whole numbers as is (`50`), fractions in milli-units (`1.5` -> `1500m`).
 */
export function quantityText(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return `${Math.round(value * 1000)}m`;
}

/** Decimal text for KEDA thresholds (KEDA parses them as floats): `1.5`, `50`. */
export function decimalText(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

// ---- query options ---------------------------------------------------------------------

/** Where the series come from and how they are windowed. */
export interface SignalQueryOptions {
  /** Metric preset (series names of the inference server). @default 'generic' */
  readonly preset?: MetricPresetName | MetricPreset;
  /** dcgm-exporter series and label names, field by field. @default DEFAULT_DCGM */
  readonly dcgm?: Partial<DcgmConfig>;
  /** Window of rate() and of the p95 histogram rate. @default 120 */
  readonly rateWindowSeconds?: number;
}

/** Quantile of the latency signal. */
export const LATENCY_QUANTILE = 0.95;
/** Default rate() window: four scrapes at a 30 s interval. */
export const DEFAULT_RATE_WINDOW_SECONDS = 120;

export function resolvePreset(preset: MetricPresetName | MetricPreset | undefined): MetricPreset {
  if (preset === undefined) return METRIC_PRESETS.generic;
  return typeof preset === 'string' ? METRIC_PRESETS[preset] : preset;
}

export function resolveDcgm(dcgm: Partial<DcgmConfig> | undefined): DcgmConfig {
  return withDefaults(DEFAULT_DCGM, dcgm);
}


// ---- metric names served by the adapter -------------------------------------------------

/** The custom-metrics API name the HPA references for a custom signal. */
export function adapterMetricName(signal: CustomSignalName, preset?: MetricPresetName | MetricPreset): string {
  if (signal === 'gpu') return ADAPTER_METRIC_NAMES.gpu;
  const resolved = resolvePreset(preset);
  const name = resolved.name;
  // A server's own series (metrics.queueDepth, requests, latencyHistogram) get custom-metrics
  // names of their own, so two workloads with different series never claim one adapter metric.
  const named = METRIC_PRESETS[name];
  if (signal === 'queueDepth' && resolved.queueDepth.metric !== named.queueDepth.metric) return ADAPTER_METRIC_NAMES.perPod(resolved.queueDepth.metric);
  if (signal === 'requestRate' && resolved.requests.metric !== named.requests.metric) return ADAPTER_METRIC_NAMES.perSecond(resolved.requests.metric);
  if (signal === 'latencyP95' && resolved.latencyHistogram !== named.latencyHistogram) return ADAPTER_METRIC_NAMES.p95(resolved.latencyHistogram);
  const names: Partial<Record<CustomSignalName, string>> = ADAPTER_METRIC_NAMES.presets[name];
  const metric = names[signal];
  if (metric === undefined) throw new Error(`the ${signal} signal needs series the ${name} metric preset does not have; use the vllm preset`);
  return metric;
}

/**
 * Why a signal cannot be served from `preset`'s series (the LLM signals need vLLM's KV-cache
 * gauge and TTFT histogram), or undefined when it can. For the constructs' schemas.
 */
export function signalPresetProblem(signal: CustomSignalName, preset: MetricPresetName | MetricPreset | undefined): string | undefined {
  const p = resolvePreset(preset);
  const needs = signal === 'kvCacheUsage' ? 'kvCacheUsage' : signal === 'timeToFirstTokenP95' ? 'timeToFirstTokenHistogram' : undefined;
  if (needs === undefined || p[needs] !== undefined) return undefined;
  return `needs the ${needs} series of the metric preset, which the ${p.name} preset does not have (only vLLM exports it); use the vllm preset or drop the signal`;
}

/** Adds an issue at `signals.<name>` for each set signal the preset cannot serve. */
export function addSignalPresetIssues(signals: ScalingSignals, preset: MetricPresetName | MetricPreset | undefined, ctx: z.RefinementCtx): void {
  for (const signal of usedCustomSignals(signals)) {
    const message = signalPresetProblem(signal, preset);
    if (message) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['signals', signal], message });
  }
}

/** The preset's series a vLLM-only signal reads; throws naming the signal when the preset has none. */
function llmSeries<K extends 'kvCacheUsage' | 'timeToFirstTokenHistogram'>(preset: MetricPreset, key: K, signal: CustomSignalName): NonNullable<MetricPreset[K]> {
  const ref = preset[key];
  if (ref === undefined) throw new Error(`the ${signal} signal needs ${key}, which the ${preset.name} metric preset does not have; use the vllm preset`);
  return ref as NonNullable<MetricPreset[K]>;
}

// ---- prometheus-adapter rules -------------------------------------------------------------

/** One rule of prometheus-adapter's `rules:` list (custom metrics API). */
export interface AdapterRule {
  /** Series discovery query: the raw series, with the resource labels required non-empty. */
  readonly seriesQuery: string;
  /** Which series labels name which Kubernetes resources. */
  readonly resources: { readonly overrides: { readonly [label: string]: { readonly resource: string } } };
  /** Renames the series (`matches`, a regex on the series name) to the served name (`as`). */
  readonly name: { readonly matches: string; readonly as: string };
  /** Go template the adapter renders per request (<<.Series>>, <<.LabelMatchers>>, <<.GroupBy>>). */
  readonly metricsQuery: string;
}

/** A rule plus the signal it serves and the metric name the HPA must reference. */
export interface SignalAdapterRule {
  readonly signal: CustomSignalName;
  /** Name in the custom metrics API: the HPA's `metric.name`. */
  readonly metricName: string;
  /** The raw series the rule reads. */
  readonly series: string;
  readonly rule: AdapterRule;
}

function regexLiteral(name: string): string {
  return `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

/** Adds fixed matchers to a template selector: `{<<.LabelMatchers>>,handler=~"/v1/.*"}`. */
function templateSelector(extra: string | undefined): string {
  return extra ? `{<<.LabelMatchers>>,${extra}}` : '{<<.LabelMatchers>>}';
}

/** Builds the seriesQuery: `metric{extra,a!="",b!=""}`. */
function seriesQuery(series: string, extra: string | undefined, labels: readonly string[]): string {
  const parts = [...(extra ? [extra] : []), ...labels.map((l) => `${l}!=""`)];
  return `${series}{${parts.join(',')}}`;
}

/**
 * The prometheus-adapter rule serving one custom signal, and the metric name the HPA must
 * reference. Pods metrics map the `namespace`/`pod` labels (dcgm-exporter: the configured
 * labels, `exported_namespace`/`exported_pod` by default) to their resources; the latency
 * Object metric maps `namespace`/`service` (the Prometheus Operator sets `service` to the
 * scraped Service). Every query is parsed; a syntax error throws naming the metric.
 */
export function adapterRule(signal: CustomSignalName, options: SignalQueryOptions = {}): SignalAdapterRule {
  const preset = resolvePreset(options.preset);
  const window = promDuration(Duration.seconds(options.rateWindowSeconds ?? DEFAULT_RATE_WINDOW_SECONDS));
  const metricName = adapterMetricName(signal, preset);
  const podResources = { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } };
  let built: Omit<SignalAdapterRule, 'signal' | 'metricName'>;
  switch (signal) {
    case 'gpu': {
      const dcgm = resolveDcgm(options.dcgm);
      const series = dcgm.utilizationMetric;
      built = {
        series,
        rule: {
          seriesQuery: seriesQuery(series, undefined, [dcgm.namespaceLabel, dcgm.podLabel]),
          resources: {
            overrides: { [dcgm.namespaceLabel]: { resource: 'namespace' }, [dcgm.podLabel]: { resource: 'pod' } },
          },
          name: { matches: regexLiteral(series), as: metricName },
          // A pod with several GPUs has one series per GPU: average them.
          metricsQuery: 'avg by (<<.GroupBy>>) (<<.Series>>{<<.LabelMatchers>>})',
        },
      };
      break;
    }
    case 'requestRate': {
      const { metric: series, matchers } = preset.requests;
      built = {
        series,
        rule: {
          seriesQuery: seriesQuery(series, matchers, ['namespace', 'pod']),
          resources: { overrides: podResources },
          name: { matches: regexLiteral(series), as: metricName },
          metricsQuery: `sum by (<<.GroupBy>>) (rate(<<.Series>>${templateSelector(matchers)}[${window}]))`,
        },
      };
      break;
    }
    case 'queueDepth': {
      const { metric: series, matchers } = preset.queueDepth;
      built = {
        series,
        rule: {
          seriesQuery: seriesQuery(series, matchers, ['namespace', 'pod']),
          resources: { overrides: podResources },
          name: { matches: regexLiteral(series), as: metricName },
          metricsQuery: `sum by (<<.GroupBy>>) (<<.Series>>${templateSelector(matchers)})`,
        },
      };
      break;
    }
    case 'kvCacheUsage': {
      const { metric: series, matchers } = llmSeries(preset, 'kvCacheUsage', signal);
      built = {
        series,
        rule: {
          seriesQuery: seriesQuery(series, matchers, ['namespace', 'pod']),
          resources: { overrides: podResources },
          name: { matches: regexLiteral(series), as: metricName },
          // A fraction per engine: a pod with several engines (data parallel) averages them.
          metricsQuery: `avg by (<<.GroupBy>>) (<<.Series>>${templateSelector(matchers)})`,
        },
      };
      break;
    }
    case 'timeToFirstTokenP95': {
      const series = `${llmSeries(preset, 'timeToFirstTokenHistogram', signal).metric}_bucket`;
      built = {
        series,
        rule: {
          seriesQuery: seriesQuery(series, undefined, ['namespace', 'service']),
          resources: { overrides: { namespace: { resource: 'namespace' }, service: { resource: 'service' } } },
          name: { matches: regexLiteral(series), as: metricName },
          metricsQuery: `histogram_quantile(${LATENCY_QUANTILE}, sum by (le, <<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>}[${window}])))`,
        },
      };
      break;
    }
    case 'latencyP95': {
      const series = `${preset.latencyHistogram}_bucket`;
      built = {
        series,
        rule: {
          seriesQuery: seriesQuery(series, undefined, ['namespace', 'service']),
          resources: { overrides: { namespace: { resource: 'namespace' }, service: { resource: 'service' } } },
          name: { matches: regexLiteral(series), as: metricName },
          metricsQuery: `histogram_quantile(${LATENCY_QUANTILE}, sum by (le, <<.GroupBy>>) (rate(<<.Series>>{<<.LabelMatchers>>}[${window}])))`,
        },
      };
      break;
    }
  }
  const what = `${signal} signal, adapter metric ${metricName} (series ${built.series})`;
  assertPromql(`${what} seriesQuery`, built.rule.seriesQuery);
  assertPromql(`${what} metricsQuery`, renderAdapterTemplate(built.rule.metricsQuery, built.series));
  return { signal, metricName, ...built };
}

/** The adapter rules for exactly the custom signals that are set, in manifest order. */
export function adapterRules(signals: ScalingSignals, options: SignalQueryOptions = {}): SignalAdapterRule[] {
  return usedCustomSignals(signals).map((s) => adapterRule(s, options));
}

/**
 * The rules of several services as ONE prometheus-adapter configuration: prometheus-adapter
 * reads one config file per installation (its Helm chart renders `rules.custom` into it, or
 * mounts `rules.existing`), so every service of a cluster lands in the same `rules:` list.
 * The rules are generic (series by metric name, `resources.overrides` mapping the
 * namespace and pod or service labels), so services on the same preset produce identical
 * rules: those are written once, in first-seen order. Two different rules serving the same
 * metric name cannot share one adapter (only one of them would answer the HPA): that
 * throws, naming the metric and both rules.
 */
export function mergeAdapterRules(sets: readonly { readonly source: string; readonly rules: readonly AdapterRule[] }[]): AdapterRule[] {
  const byName = new Map<string, { rule: AdapterRule; text: string; source: string }>();
  const merged: AdapterRule[] = [];
  for (const { source, rules } of sets) {
    for (const rule of rules) {
      const text = JSON.stringify(rule);
      const seen = byName.get(rule.name.as);
      if (seen === undefined) {
        byName.set(rule.name.as, { rule, text, source });
        merged.push(rule);
      } else if (seen.text !== text) {
        throw new Error(
          `prometheus-adapter metric ${rule.name.as} is served by two different rules (${seen.source}: ${seen.rule.seriesQuery} -> ${seen.rule.metricsQuery}; ${source}: ${rule.seriesQuery} -> ${rule.metricsQuery}), but one adapter answers a metric name with one rule; give the services the same metrics.dcgm labels and rate window, or serve them from separate adapters`,
        );
      }
    }
  }
  return merged;
}

// ---- KEDA prometheus trigger queries --------------------------------------------------------

/** How a KEDA prometheus trigger reads one custom signal. */
export interface KedaSignalQuery {
  readonly signal: CustomSignalName;
  /**
   * PromQL returning one value for the whole Deployment. For AverageValue the HPA that
   * KEDA creates divides it by the replica count, so per-pod signals are summed here.
   */
  readonly query: string;
  readonly metricType: 'AverageValue' | 'Value';
  /** The raw series the query reads. */
  readonly series: string;
}

/**
 * The PromQL a KEDA prometheus trigger runs for one custom signal, scoped by namespace
 * and scrape job (the service's series) or by namespace and pod regex (dcgm-exporter).
 * Parsed with the Prometheus grammar; a syntax error throws naming the metric.
 */
export function kedaQuery(signal: CustomSignalName, scope: MetricScope, options: SignalQueryOptions = {}): KedaSignalQuery {
  const preset = resolvePreset(options.preset);
  const window = promDuration(Duration.seconds(options.rateWindowSeconds ?? DEFAULT_RATE_WINDOW_SECONDS));
  let query: string;
  let series: string;
  switch (signal) {
    case 'gpu': {
      const dcgm = resolveDcgm(options.dcgm);
      series = dcgm.utilizationMetric;
      const sel = `${series}{${dcgm.namespaceLabel}="${scope.namespace}",${dcgm.podLabel}=~"${scope.podRegex}"}`;
      // Per-pod average over the pod's GPUs, summed: KEDA's AverageValue divides by replicas.
      query = `sum(avg by (${dcgm.podLabel}) (${sel}))`;
      break;
    }
    case 'requestRate':
      series = preset.requests.metric;
      query = `sum(rate(${selector(preset.requests, scope)}[${window}]))`;
      break;
    case 'queueDepth':
      series = preset.queueDepth.metric;
      query = `sum(${selector(preset.queueDepth, scope)})`;
      break;
    case 'latencyP95':
      series = `${preset.latencyHistogram}_bucket`;
      query = `histogram_quantile(${LATENCY_QUANTILE}, sum by (le) (rate(${selector({ metric: preset.latencyHistogram }, scope, undefined, '_bucket')}[${window}])))`;
      break;
    case 'kvCacheUsage': {
      const ref = llmSeries(preset, 'kvCacheUsage', signal);
      series = ref.metric;
      // Per-pod mean over its engines, summed: KEDA's AverageValue divides by replicas.
      query = `sum(avg by (pod) (${selector(ref, scope)}))`;
      break;
    }
    case 'timeToFirstTokenP95': {
      const metric = llmSeries(preset, 'timeToFirstTokenHistogram', signal).metric;
      series = `${metric}_bucket`;
      query = `histogram_quantile(${LATENCY_QUANTILE}, sum by (le) (rate(${selector({ metric }, scope, undefined, '_bucket')}[${window}])))`;
      break;
    }
  }
  assertPromql(`${signal} signal, KEDA prometheus trigger on ${series}`, query);
  return { signal, query, series, metricType: SIGNALS[signal].targetType === 'Value' ? 'Value' : 'AverageValue' };
}
