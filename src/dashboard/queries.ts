import { HistogramRef, selector, SeriesRef } from '../metrics/presets';
import { errorBudget } from '../spec/spec';
import { ResolvedDashboardInput } from './input';

/**
 * PromQL of every dashboard panel, as pure functions of the validated input. Range
 * vectors of live panels use Grafana's `$__rate_interval` (at least four scrape
 * intervals, so rate() always has two samples); SLO-period panels use the period itself.
 */

/** Grafana's rate window variable, resolved by Grafana per panel. */
export const RATE_INTERVAL = '$__rate_interval';

/** One query of a panel: its PromQL and the legend Grafana shows for its series. */
export interface PanelQuery {
  readonly expr: string;
  readonly legend: string;
}

/** `n` printed without binary floating-point noise (100 - 99.9 is 0.0999...). */
function tidy(n: number): number {
  return Number(n.toPrecision(12));
}

/** Error ratio the SLO allows, as a fraction: 99.9 % availability allows 0.001. */
export function allowedErrorRatio(input: ResolvedDashboardInput): number {
  return errorBudget(input.slo.availabilityPercent);
}

/** Error ratio the SLO allows, in percent: 99.9 % availability allows 0.1 %. */
export function allowedErrorPercent(input: ResolvedDashboardInput): number {
  return tidy(100 - input.slo.availabilityPercent);
}

function own(input: ResolvedDashboardInput, ref: SeriesRef, suffix = ''): string {
  return selector(ref, input.scope, undefined, suffix);
}

function rateOf(input: ResolvedDashboardInput, ref: SeriesRef, window: string): string {
  return `sum(rate(${own(input, ref)}[${window}]))`;
}

function increaseOf(input: ResolvedDashboardInput, ref: SeriesRef, window: string): string {
  return `sum(increase(${own(input, ref)}[${window}]))`;
}

/** Error ratio over the SLO period, a fraction. */
function periodErrorRatio(input: ResolvedDashboardInput): string {
  const window = `${input.slo.periodDays}d`;
  return `(${increaseOf(input, input.preset.errors, window)} / ${increaseOf(input, input.preset.requests, window)})`;
}

export function latencyQueries(input: ResolvedDashboardInput): PanelQuery[] {
  const buckets = own(input, { metric: input.preset.latencyHistogram }, '_bucket');
  return [0.5, 0.95, 0.99].map((q) => ({
    expr: `histogram_quantile(${q}, sum by (le) (rate(${buckets}[${RATE_INTERVAL}])))`,
    legend: `p${Math.round(q * 100)}`,
  }));
}

export function requestRateQueries(input: ResolvedDashboardInput): PanelQuery[] {
  return [{ expr: rateOf(input, input.preset.requests, RATE_INTERVAL), legend: 'requests/s' }];
}

/** Error ratio in percent. */
export function errorRatioQueries(input: ResolvedDashboardInput): PanelQuery[] {
  const errors = rateOf(input, input.preset.errors, RATE_INTERVAL);
  const requests = rateOf(input, input.preset.requests, RATE_INTERVAL);
  return [{ expr: `100 * ${errors} / ${requests}`, legend: 'errors %' }];
}

/** Availability over the SLO period, percent. */
export function availabilityQueries(input: ResolvedDashboardInput): PanelQuery[] {
  return [{ expr: `100 * (1 - ${periodErrorRatio(input)})`, legend: 'availability %' }];
}

/** Share of the period's error budget not yet spent, percent (negative once overspent). */
export function errorBudgetQueries(input: ResolvedDashboardInput): PanelQuery[] {
  return [{ expr: `100 * (1 - ${periodErrorRatio(input)} / ${allowedErrorRatio(input)})`, legend: 'budget remaining %' }];
}

function dcgmSelector(input: ResolvedDashboardInput, metric: string): string {
  const { dcgm, scope } = input;
  return `${metric}{${dcgm.namespaceLabel}="${scope.namespace}",${dcgm.podLabel}=~"${scope.podRegex}"}`;
}

/** Mean utilization of each pod's GPUs, percent. */
export function gpuUtilizationQueries(input: ResolvedDashboardInput): PanelQuery[] {
  const pod = input.dcgm.podLabel;
  return [{
    expr: `avg by (${pod}) (${dcgmSelector(input, input.dcgm.utilizationMetric)})`,
    legend: `{{${pod}}}`,
  }];
}

/** Frame-buffer memory used by each pod's GPUs, and their capacity, MiB. */
export function gpuMemoryQueries(input: ResolvedDashboardInput): PanelQuery[] {
  const pod = input.dcgm.podLabel;
  const used = dcgmSelector(input, input.dcgm.memoryUsedMetric);
  const free = dcgmSelector(input, input.dcgm.memoryFreeMetric);
  return [
    { expr: `sum by (${pod}) (${used})`, legend: `{{${pod}}} used` },
    { expr: `sum by (${pod}) (${used} + ${free})`, legend: `{{${pod}}} total` },
  ];
}

export function queueDepthQueries(input: ResolvedDashboardInput): PanelQuery[] {
  const queue = own(input, input.preset.queueDepth);
  return [
    { expr: `avg(${queue})`, legend: 'mean per pod (autoscaler metric)' },
    { expr: `max(${queue})`, legend: 'busiest pod' },
  ];
}

function hpaSeries(input: ResolvedDashboardInput, metric: string): string {
  // max() folds the duplicates of a highly available kube-state-metrics.
  return `max(${metric}{namespace="${input.scope.namespace}",horizontalpodautoscaler="${input.hpaName}"})`;
}

export function replicaQueries(input: ResolvedDashboardInput): PanelQuery[] {
  return [
    { expr: hpaSeries(input, 'kube_horizontalpodautoscaler_status_current_replicas'), legend: 'current' },
    { expr: hpaSeries(input, 'kube_horizontalpodautoscaler_status_desired_replicas'), legend: 'desired' },
    { expr: hpaSeries(input, 'kube_horizontalpodautoscaler_spec_min_replicas'), legend: 'min' },
    { expr: hpaSeries(input, 'kube_horizontalpodautoscaler_spec_max_replicas'), legend: 'max' },
    {
      expr: `max(kube_deployment_status_replicas_available{namespace="${input.scope.namespace}",deployment="${input.deploymentName}"})`,
      legend: 'available (Deployment)',
    },
  ];
}

/** Undefined when the preset exports no cache hit ratio. */
export function cacheHitRateQueries(input: ResolvedDashboardInput): PanelQuery[] | undefined {
  const ref = input.preset.cacheHitRatio;
  return ref ? [{ expr: `avg(${own(input, ref)})`, legend: 'hit rate' }] : undefined;
}

export function podReadinessQueries(input: ResolvedDashboardInput): PanelQuery[] {
  const ready = `kube_pod_status_ready{namespace="${input.scope.namespace}",pod=~"${input.scope.podRegex}",condition="true"}`;
  // max by (pod) folds kube-state-metrics duplicates; the series is 1 when ready, else 0.
  return [
    { expr: `sum(max by (pod) (${ready}))`, legend: 'ready' },
    { expr: `count(max by (pod) (${ready}))`, legend: 'pods' },
  ];
}

/** p95 of a token-latency histogram (TTFT, inter-token), undefined when the preset has none. */
export function tokenLatencyP95Queries(input: ResolvedDashboardInput, histogram: HistogramRef | undefined, legend: string): PanelQuery[] | undefined {
  if (!histogram) return undefined;
  const buckets = own(input, { metric: histogram.metric }, '_bucket');
  return [{ expr: `histogram_quantile(0.95, sum by (le) (rate(${buckets}[${RATE_INTERVAL}])))`, legend }];
}

/** KV-cache usage of each pod, a fraction (mean over its engines); undefined without the gauge. */
export function kvCacheUsageQueries(input: ResolvedDashboardInput): PanelQuery[] | undefined {
  const ref = input.preset.kvCacheUsage;
  return ref ? [{ expr: `avg by (pod) (${own(input, ref)})`, legend: '{{pod}}' }] : undefined;
}

/** Requests in the running batch and waiting, all pods; undefined without the running gauge. */
export function runningWaitingQueries(input: ResolvedDashboardInput): PanelQuery[] | undefined {
  const running = input.preset.runningRequests;
  return running
    ? [
        { expr: `sum(${own(input, running)})`, legend: 'running' },
        { expr: `sum(${own(input, input.preset.queueDepth)})`, legend: 'waiting' },
      ]
    : undefined;
}
