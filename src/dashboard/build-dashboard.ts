import { DashboardInput, ResolvedDashboardInput, resolveDashboardInput } from './input';
import { buildGrafanaDashboard, GRID_COLUMNS, PanelSpec, RowSpec, Step } from './grafana';
import { GrafanaDashboardJson } from './model';
import * as q from './queries';

// The SDK machinery (lazy require, panel builders, layout, PromQL checks) lives in grafana.ts.
export { assertDashboardQuery } from './grafana';

/** Titles of the dashboard's panels (stable: tests and links find panels by them). */
export const PANEL_TITLES = {
  availability: 'Availability over the SLO period',
  errorBudget: 'Error budget remaining',
  latency: 'Response time p50 / p95 / p99',
  errorRatio: 'Error ratio',
  requestRate: 'Request rate',
  queueDepth: 'Queue depth per pod',
  cacheHitRate: 'Cache hit rate',
  gpuUtilization: 'GPU utilization per pod',
  gpuMemory: 'GPU memory per pod',
  replicas: 'Replicas',
  podReadiness: 'Pod readiness',
  timeToFirstToken: 'Time to first token p95',
  interTokenLatency: 'Inter-token latency p95',
  kvCacheUsage: 'KV-cache usage per pod',
  runningWaiting: 'Requests running / waiting',
} as const;

/** Titles of the rows that group the panels. */
export const ROW_TITLES = {
  serviceLevel: 'Service level',
  traffic: 'Traffic',
  gpu: 'GPU',
  capacity: 'Capacity',
  tokens: 'Tokens (LLM server)',
} as const;

/**
 * Builds the inference service's Grafana dashboard (JSON model, schemaVersion 42) with the
 * Grafana Foundation SDK. Every threshold comes from the input's SLO and autoscaler
 * values; every query is parsed as PromQL before the dashboard is returned.
 *
 * @throws InferenceValidationError when the input is invalid
 * @throws Error naming the panel when a query does not parse
 */
export function buildDashboard(input: DashboardInput): GrafanaDashboardJson {
  const resolved = resolveDashboardInput(input);
  return buildGrafanaDashboard(resolved, rows(resolved));
}

function rows(input: ResolvedDashboardInput): RowSpec[] {
  const { slo } = input;
  const cache = q.cacheHitRateQueries(input);
  const trafficWidth = cache ? GRID_COLUMNS / 3 : GRID_COLUMNS / 2;
  const traffic: PanelSpec[] = [
    {
      kind: 'timeseries',
      title: PANEL_TITLES.requestRate,
      description: `Requests served per second, all pods; the line is the throughput the SLO requires (${slo.throughputRps} req/s).`,
      unit: 'reqps',
      width: trafficWidth,
      queries: q.requestRateQueries(input),
      baseColor: 'orange',
      steps: [[slo.throughputRps, 'green']],
      min: 0,
    },
    {
      kind: 'timeseries',
      title: PANEL_TITLES.queueDepth,
      description: `Requests waiting per pod; the line is the autoscaler's per-pod target (${input.queueDepthTarget}). Above it the autoscaler adds pods.`,
      unit: 'short',
      width: trafficWidth,
      queries: q.queueDepthQueries(input),
      steps: [[input.queueDepthTarget, 'red']],
      min: 0,
    },
  ];
  if (cache) {
    traffic.push({
      kind: 'timeseries',
      title: PANEL_TITLES.cacheHitRate,
      description: 'Share of requests answered from the cache, mean of the pods.',
      unit: 'percentunit',
      width: trafficWidth,
      queries: cache,
      min: 0,
      max: 1,
    });
  }

  const tokens = tokenPanels(input);
  const all: RowSpec[] = [
    {
      title: ROW_TITLES.serviceLevel,
      panels: [
        {
          kind: 'stat',
          title: PANEL_TITLES.availability,
          description: `Share of requests that succeeded over the last ${slo.periodDays} days; objective ${slo.availabilityPercent} %.`,
          unit: 'percent',
          width: 4,
          queries: q.availabilityQueries(input),
          baseColor: 'red',
          steps: [[slo.availabilityPercent, 'green']],
          decimals: 3,
        },
        {
          kind: 'stat',
          title: PANEL_TITLES.errorBudget,
          description: `Share of the ${slo.periodDays}-day error budget (${q.allowedErrorPercent(input)} % of requests) not yet spent; at 0 the availability objective is broken. Needs ${slo.periodDays} days of Prometheus retention.`,
          unit: 'percent',
          width: 4,
          queries: q.errorBudgetQueries(input),
          baseColor: 'red',
          steps: [[0, 'green']],
          decimals: 1,
        },
        {
          kind: 'timeseries',
          title: PANEL_TITLES.latency,
          description: `Response-time quantiles of all pods; the lines are the SLO objectives: p95 ${slo.latencyP95Seconds} s, p99 ${slo.latencyP99Seconds} s.`,
          unit: 's',
          width: 8,
          queries: q.latencyQueries(input),
          steps: distinct([slo.latencyP95Seconds, 'orange'], [slo.latencyP99Seconds, 'red']),
          min: 0,
        },
        {
          kind: 'timeseries',
          title: PANEL_TITLES.errorRatio,
          description: `Failed requests as a share of all requests; the line is the error ratio the ${slo.availabilityPercent} % objective allows (${q.allowedErrorPercent(input)} %).`,
          unit: 'percent',
          width: 8,
          queries: q.errorRatioQueries(input),
          steps: [[q.allowedErrorPercent(input), 'red']],
          min: 0,
        },
      ],
    },
    { title: ROW_TITLES.traffic, panels: traffic },
    // Only for presets with token series (vllm); the generic dashboard is unchanged.
    ...(tokens.length > 0 ? [{ title: ROW_TITLES.tokens, panels: tokens }] : []),
    {
      title: ROW_TITLES.gpu,
      panels: [
        {
          kind: 'timeseries',
          title: PANEL_TITLES.gpuUtilization,
          description: `Mean utilization of each pod's GPUs (dcgm-exporter ${input.dcgm.utilizationMetric}).`,
          unit: 'percent',
          width: GRID_COLUMNS / 2,
          queries: q.gpuUtilizationQueries(input),
          min: 0,
          max: 100,
        },
        {
          kind: 'timeseries',
          title: PANEL_TITLES.gpuMemory,
          description: `Frame-buffer memory used by each pod's GPUs and their total (dcgm-exporter ${input.dcgm.memoryUsedMetric} + ${input.dcgm.memoryFreeMetric}).`,
          unit: 'mbytes',
          width: GRID_COLUMNS / 2,
          queries: q.gpuMemoryQueries(input),
          min: 0,
        },
      ],
    },
    {
      title: ROW_TITLES.capacity,
      panels: [
        {
          kind: 'timeseries',
          title: PANEL_TITLES.replicas,
          description: `Replicas of ${input.deploymentName} as the autoscaler ${input.hpaName} sees them; the lines are its floor (${input.minReplicas}) and ceiling (${input.maxReplicas}). At the ceiling, capacity is exhausted.`,
          unit: 'short',
          width: GRID_COLUMNS / 2,
          queries: q.replicaQueries(input),
          baseColor: 'red',
          steps: distinct([input.minReplicas, 'green'], [input.maxReplicas, 'red']),
          min: 0,
          decimals: 0,
        },
        {
          kind: 'timeseries',
          title: PANEL_TITLES.podReadiness,
          description: `Pods of ${input.deploymentName} that are ready, of all its pods (kube-state-metrics); the line is the replica floor (${input.minReplicas}).`,
          unit: 'short',
          width: GRID_COLUMNS / 2,
          queries: q.podReadinessQueries(input),
          baseColor: 'red',
          steps: [[input.minReplicas, 'green']],
          min: 0,
          decimals: 0,
        },
      ],
    },
  ];
  // Without series of its own (Ollama) the service-level and traffic rows would stay empty.
  // Without GPUs (a CPU-only workload) dcgm-exporter has nothing to say about the pods.
  return all.filter(
    (row) => (input.serverSeries || (row.title !== ROW_TITLES.serviceLevel && row.title !== ROW_TITLES.traffic)) && (input.gpuSeries || row.title !== ROW_TITLES.gpu),
  );
}

/** The LLM panels the preset has series for: TTFT and ITL p95 (objective lines), KV cache, running/waiting. */
function tokenPanels(input: ResolvedDashboardInput): PanelSpec[] {
  const { slo, preset } = input;
  const panels: PanelSpec[] = [];
  const objectiveLine = (seconds: number | undefined): readonly Step[] | undefined => (seconds === undefined ? undefined : [[seconds, 'red']]);
  const ttft = q.tokenLatencyP95Queries(input, preset.timeToFirstTokenHistogram, 'p95');
  if (ttft) {
    panels.push({
      kind: 'timeseries',
      title: PANEL_TITLES.timeToFirstToken,
      description: `95th percentile of the time to the first token, all pods${slo.timeToFirstTokenP95Seconds === undefined ? '' : `; the line is the objective (slo.timeToFirstTokenP95, ${slo.timeToFirstTokenP95Seconds} s)`}.`,
      unit: 's',
      width: GRID_COLUMNS / 4,
      queries: ttft,
      steps: objectiveLine(slo.timeToFirstTokenP95Seconds),
      min: 0,
    });
  }
  const itl = q.tokenLatencyP95Queries(input, preset.interTokenLatencyHistogram, 'p95');
  if (itl) {
    panels.push({
      kind: 'timeseries',
      title: PANEL_TITLES.interTokenLatency,
      description: `95th percentile of the time between output tokens, all pods${slo.interTokenLatencyP95Seconds === undefined ? '' : `; the line is the objective (slo.interTokenLatencyP95, ${slo.interTokenLatencyP95Seconds} s)`}.`,
      unit: 's',
      width: GRID_COLUMNS / 4,
      queries: itl,
      steps: objectiveLine(slo.interTokenLatencyP95Seconds),
      min: 0,
    });
  }
  const kv = q.kvCacheUsageQueries(input);
  if (kv) {
    panels.push({
      kind: 'timeseries',
      title: PANEL_TITLES.kvCacheUsage,
      description: 'Share of the KV-cache blocks in use per pod (vllm:kv_cache_usage_perc). Near 1, new requests wait and running ones may be preempted.',
      unit: 'percentunit',
      width: GRID_COLUMNS / 4,
      queries: kv,
      min: 0,
      max: 1,
    });
  }
  const rw = q.runningWaitingQueries(input);
  if (rw) {
    panels.push({
      kind: 'timeseries',
      title: PANEL_TITLES.runningWaiting,
      description: 'Requests in the running batch and waiting for a slot, all pods.',
      unit: 'short',
      width: GRID_COLUMNS / 4,
      queries: rw,
      min: 0,
    });
  }
  return panels;
}

/** Ascending steps with repeats dropped (equal p95/p99 objectives or min = max: one line). */
function distinct(...steps: Step[]): Step[] {
  return steps.filter(([value], i) => i === 0 || value !== steps[i - 1][0]);
}
