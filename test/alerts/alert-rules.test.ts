import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  ALERT_CATALOGUE,
  ALERT_NAMES,
  AlertName,
  AlertRulesInput,
  AlertingRule,
  BURN_RATE_TIERS,
  LLM_BURN_ALERTS,
  RecordingRule,
  RuleGroup,
  alertOverridesSchema,
  buildAlertRuleGroups,
  isAlertingRule,
  promNumber,
  resolveAlerts,
  validateAlertRulesInput,
} from '../../src/alerts';
import { GENERIC_PRESET, VLLM_PRESET } from '../../src/metrics/presets';
import { promDuration } from '../../src/private/duration';
import { findPromqlSyntaxError } from '../../src/metrics/promql';
import { InferenceValidationError } from '../../src/spec/problems';
import { SEED, seedInput } from './seed';

function alerting(groups: readonly RuleGroup[]): AlertingRule[] {
  return groups.flatMap((g) => g.rules).filter(isAlertingRule);
}
function recording(groups: readonly RuleGroup[]): RecordingRule[] {
  return groups.flatMap((g) => g.rules).filter((r): r is RecordingRule => !isAlertingRule(r));
}
function rulesOf(groups: readonly RuleGroup[], name: AlertName): AlertingRule[] {
  return alerting(groups).filter((r) => r.alert === name);
}
function ruleOf(groups: readonly RuleGroup[], name: AlertName): AlertingRule {
  const rules = rulesOf(groups, name);
  expect(rules, name).toHaveLength(1);
  return rules[0];
}
/** The expression on one line (multi-line expressions end with `\n> 0.9`). */
function oneLine(expr: string): string {
  return expr.replace(/\s+/g, ' ');
}
function withSlo(changes: Partial<AlertRulesInput['slo']>): AlertRulesInput {
  const base = seedInput();
  return { ...base, slo: { ...base.slo, ...changes } };
}
function problemsOf(input: unknown): string[] {
  return validateAlertRulesInput(input);
}

const seedGroups = buildAlertRuleGroups(seedInput());

describe('the alert catalogue', () => {
  it('names the 18 alerts of issue 4 and the 4 LLM burn-rate alerts once each, in catalogue order', () => {
    expect(ALERT_NAMES).toHaveLength(22);
    expect(new Set(ALERT_NAMES).size).toBe(22);
    expect(ALERT_CATALOGUE.map((e) => e.name)).toEqual([...ALERT_NAMES]);
  });

  it('gives each alert the severity of the issue table', () => {
    const severities = Object.fromEntries(ALERT_CATALOGUE.map((e) => [e.name, e.severity]));
    expect(severities).toEqual({
      InferenceLatencyP95SLOBreach: 'critical',
      InferenceErrorRateHigh: 'critical',
      InferencePodNotReady: 'critical',
      InferenceModelLoadFailed: 'critical',
      InferenceErrorBudgetBurnFast: 'critical',
      InferenceErrorBudgetExhausted: 'critical',
      InferenceTimeToFirstTokenBurnFast: 'critical',
      InferenceInterTokenLatencyBurnFast: 'critical',
      InferenceLatencyP99High: 'warning',
      InferenceErrorBudgetBurnSlow: 'warning',
      InferenceTimeToFirstTokenBurnSlow: 'warning',
      InferenceInterTokenLatencyBurnSlow: 'warning',
      InferenceGpuUtilizationHigh: 'warning',
      InferenceMemoryUsageHigh: 'warning',
      InferenceQueueDepthHigh: 'warning',
      InferenceCacheHitRateLow: 'warning',
      InferenceDbPoolSaturated: 'warning',
      InferenceHpaAtMaxReplicas: 'warning',
      InferenceHpaScalingStuck: 'warning',
      InferenceThroughputLow: 'info',
      InferenceBiasScoreHigh: 'info',
      InferenceGpuUnderutilized: 'info',
    });
  });

  it('has runbook text for every alert: meaning, first checks, likely fixes and a source', () => {
    for (const e of ALERT_CATALOGUE) {
      expect(e.meaning.length, e.name).toBeGreaterThan(20);
      expect(e.firstChecks.length, e.name).toBeGreaterThan(0);
      expect(e.likelyFixes.length, e.name).toBeGreaterThan(0);
      expect(e.source.length, e.name).toBeGreaterThan(0);
    }
  });

  it('holds the four burn-rate tiers of the SRE Workbook table', () => {
    expect(
      BURN_RATE_TIERS.map((t) => [t.alert, t.severity, promDuration(t.longWindow), promDuration(t.shortWindow), t.burnRate, t.budgetSpent, promDuration(t.for)]),
    ).toEqual([
      ['InferenceErrorBudgetBurnFast', 'critical', '1h', '5m', 14.4, 0.02, '2m'],
      ['InferenceErrorBudgetBurnFast', 'critical', '6h', '30m', 6, 0.05, '15m'],
      ['InferenceTimeToFirstTokenBurnFast', 'critical', '1h', '5m', 14.4, 0.02, '2m'],
      ['InferenceTimeToFirstTokenBurnFast', 'critical', '6h', '30m', 6, 0.05, '15m'],
      ['InferenceInterTokenLatencyBurnFast', 'critical', '1h', '5m', 14.4, 0.02, '2m'],
      ['InferenceInterTokenLatencyBurnFast', 'critical', '6h', '30m', 6, 0.05, '15m'],
      ['InferenceErrorBudgetBurnSlow', 'warning', '1d', '2h', 3, 0.1, '1h'],
      ['InferenceErrorBudgetBurnSlow', 'warning', '3d', '6h', 1, 0.1, '3h'],
      ['InferenceTimeToFirstTokenBurnSlow', 'warning', '1d', '2h', 3, 0.1, '1h'],
      ['InferenceTimeToFirstTokenBurnSlow', 'warning', '3d', '6h', 1, 0.1, '3h'],
      ['InferenceInterTokenLatencyBurnSlow', 'warning', '1d', '2h', 3, 0.1, '1h'],
      ['InferenceInterTokenLatencyBurnSlow', 'warning', '3d', '6h', 1, 0.1, '3h'],
    ]);
  });
});

describe('alert rules of the seed service (99.9 %, p95 2 s, p99 3 s, 1 %, 1000 rps, 30 d)', () => {
  it('emits every alert of the catalogue but the LLM ones (the generic preset has no token histograms)', () => {
    expect([...new Set(alerting(seedGroups).map((r) => r.alert))].sort()).toEqual(ALERT_NAMES.filter((n) => !LLM_BURN_ALERTS.includes(n)).sort());
  });

  it.each<[AlertName, string, string | undefined]>([
    ['InferenceLatencyP95SLOBreach', '> 2', '5m'],
    ['InferenceErrorRateHigh', '> 0.05', '5m'],
    ['InferenceErrorBudgetExhausted', '< 0.999', '5m'],
    ['InferenceLatencyP99High', '> 3', '10m'],
    ['InferenceGpuUtilizationHigh', '> 95', '15m'],
    ['InferenceMemoryUsageHigh', '> 0.9', '10m'],
    ['InferenceQueueDepthHigh', '> 10', '10m'],
    ['InferenceCacheHitRateLow', '< 0.7', '30m'],
    ['InferenceDbPoolSaturated', '> 0.9', '10m'],
    ['InferenceHpaAtMaxReplicas', '>= 20', '15m'],
    ['InferenceHpaScalingStuck', '> 0', '10m'],
    ['InferenceBiasScoreHigh', '> 0.05', '15m'],
  ])('gives %s the comparison "%s" and for %s', (name, comparison, forText) => {
    const rule = ruleOf(seedGroups, name);
    expect(oneLine(rule.expr).endsWith(` ${comparison}`), rule.expr).toBe(true);
    expect(rule.for).toBe(forText);
  });

  it('fires InferenceModelLoadFailed at once on a failure-counter increase or 2 restarts of a never-ready container in 15m', () => {
    const rule = ruleOf(seedGroups, 'InferenceModelLoadFailed');
    expect(rule.for).toBeUndefined();
    expect(rule.expr).toContain('increase(inference_model_load_failures_total{namespace="pixelated-prod",job="ai-inference-internal"}[15m])) > 0');
    expect(rule.expr).toContain('changes(kube_pod_container_status_restarts_total{namespace="pixelated-prod",pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+"}[15m])) >= 2');
    expect(rule.expr).toContain('max by (namespace, pod) (kube_pod_container_status_ready{namespace="pixelated-prod",pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+"}) == 0');
  });

  it('reports the resolved thresholds and for of every alert', () => {
    const resolved = resolveAlerts(seedInput());
    const table = Object.fromEntries(Object.values(resolved).map((a) => [a.name, [a.threshold, a.for ? promDuration(a.for) : undefined]]));
    expect(table).toEqual({
      InferenceLatencyP95SLOBreach: [2, '5m'],
      InferenceErrorRateHigh: [0.05, '5m'],
      InferencePodNotReady: [600, '5m'],
      InferenceModelLoadFailed: [2, '0s'],
      InferenceErrorBudgetBurnFast: [undefined, undefined],
      InferenceErrorBudgetExhausted: [0.999, '5m'],
      InferenceTimeToFirstTokenBurnFast: [undefined, undefined],
      InferenceInterTokenLatencyBurnFast: [undefined, undefined],
      InferenceLatencyP99High: [3, '10m'],
      InferenceErrorBudgetBurnSlow: [undefined, undefined],
      InferenceTimeToFirstTokenBurnSlow: [undefined, undefined],
      InferenceInterTokenLatencyBurnSlow: [undefined, undefined],
      InferenceGpuUtilizationHigh: [95, '15m'],
      InferenceMemoryUsageHigh: [0.9, '10m'],
      InferenceQueueDepthHigh: [10, '10m'],
      InferenceCacheHitRateLow: [0.7, '30m'],
      InferenceDbPoolSaturated: [0.9, '10m'],
      InferenceHpaAtMaxReplicas: [20, '15m'],
      InferenceHpaScalingStuck: [undefined, '10m'],
      InferenceThroughputLow: [undefined, '15m'],
      InferenceBiasScoreHigh: [0.05, '15m'],
      InferenceGpuUnderutilized: [30, '1h'],
    });
    expect(Object.values(resolved).filter((a) => !a.included).map((a) => [a.name, a.omittedBecause])).toEqual([
      ['InferenceTimeToFirstTokenBurnFast', 'slo.timeToFirstTokenP95 is not set'],
      ['InferenceInterTokenLatencyBurnFast', 'slo.interTokenLatencyP95 is not set'],
      ['InferenceTimeToFirstTokenBurnSlow', 'slo.timeToFirstTokenP95 is not set'],
      ['InferenceInterTokenLatencyBurnSlow', 'slo.interTokenLatencyP95 is not set'],
    ]);
  });

  it('gives the fast burn alert the 1h/5m tier at 0.0144 for 2m and the 6h/30m tier at 0.006 for 15m', () => {
    const rules = rulesOf(seedGroups, 'InferenceErrorBudgetBurnFast');
    expect(rules.map((r) => [r.labels.long_window, r.labels.short_window, r.for, r.labels.severity])).toEqual([
      ['1h', '5m', '2m', 'critical'],
      ['6h', '30m', '15m', 'critical'],
    ]);
    expect(rules[0].expr).toBe(
      'inference:request_errors:ratio_rate1h{namespace="pixelated-prod",job="ai-inference-internal"} > 0.0144\nand\ninference:request_errors:ratio_rate5m{namespace="pixelated-prod",job="ai-inference-internal"} > 0.0144',
    );
    expect(rules[1].expr).toBe(
      'inference:request_errors:ratio_rate6h{namespace="pixelated-prod",job="ai-inference-internal"} > 0.006\nand\ninference:request_errors:ratio_rate30m{namespace="pixelated-prod",job="ai-inference-internal"} > 0.006',
    );
  });

  it('gives the slow burn alert the 1d/2h tier at 0.003 for 1h and the 3d/6h tier at 0.001 for 3h', () => {
    const rules = rulesOf(seedGroups, 'InferenceErrorBudgetBurnSlow');
    expect(rules.map((r) => [r.labels.long_window, r.labels.short_window, r.for, r.labels.severity])).toEqual([
      ['1d', '2h', '1h', 'warning'],
      ['3d', '6h', '3h', 'warning'],
    ]);
    expect(rules[0].expr).toContain('ratio_rate1d{namespace="pixelated-prod",job="ai-inference-internal"} > 0.003\nand\n');
    expect(rules[0].expr).toContain('ratio_rate2h{namespace="pixelated-prod",job="ai-inference-internal"} > 0.003');
    expect(rules[1].expr).toContain('ratio_rate3d{namespace="pixelated-prod",job="ai-inference-internal"} > 0.001\nand\n');
    expect(rules[1].expr).toContain('ratio_rate6h{namespace="pixelated-prod",job="ai-inference-internal"} > 0.001');
  });

  it('reads availability over the 30 d period for InferenceErrorBudgetExhausted', () => {
    expect(ruleOf(seedGroups, 'InferenceErrorBudgetExhausted').expr).toBe(
      '1 - inference:request_errors:ratio_rate30d{namespace="pixelated-prod",job="ai-inference-internal"} < 0.999',
    );
  });

  it('computes the p95 and p99 alerts with histogram_quantile over 5m', () => {
    expect(ruleOf(seedGroups, 'InferenceLatencyP95SLOBreach').expr).toBe(
      'histogram_quantile(0.95, sum by (namespace, job, le) (rate(inference_response_time_seconds_bucket{namespace="pixelated-prod",job="ai-inference-internal"}[5m]))) > 2',
    );
    expect(ruleOf(seedGroups, 'InferenceLatencyP99High').expr).toContain('histogram_quantile(0.99, ');
  });

  it('records the 5m request and error rates from the raw counters, and the error ratio over 5m 30m 1h 2h 6h 1d 3d and 30d from them', () => {
    const windows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'];
    expect(recording(seedGroups).map((r) => r.record)).toEqual([
      'inference:requests:rate5m',
      'inference:request_errors:rate5m',
      ...windows.map((w) => `inference:request_errors:ratio_rate${w}`),
      'inference:kube_pod_owner:deployment',
    ]);
    const [requests, errors, ratio5m, ratio30m] = recording(seedGroups);
    expect(requests.expr).toBe('sum by (namespace, job) (rate(inference_requests_total{namespace="pixelated-prod",job="ai-inference-internal"}[5m]))');
    expect(errors.expr).toBe(
      'sum by (namespace, job) (rate(inference_errors_total{namespace="pixelated-prod",job="ai-inference-internal"}[5m]))\nor\n0 * inference:requests:rate5m{namespace="pixelated-prod",job="ai-inference-internal"}',
    );
    expect(ratio5m.expr).toBe(
      'inference:request_errors:rate5m{namespace="pixelated-prod",job="ai-inference-internal"}\n/\ninference:requests:rate5m{namespace="pixelated-prod",job="ai-inference-internal"}',
    );
    expect(ratio30m.expr).toBe(
      'sum_over_time(inference:request_errors:rate5m{namespace="pixelated-prod",job="ai-inference-internal"}[30m])\n/\nsum_over_time(inference:requests:rate5m{namespace="pixelated-prod",job="ai-inference-internal"}[30m])',
    );
  });

  it('reads no raw counter over more than 15 minutes: the long windows sum the recorded 5m rates', () => {
    for (const rule of seedGroups.flatMap((g) => g.rules)) {
      for (const [, metric, window] of rule.expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{[^{}]*\}\[(\d+[smhd])\]/g)) {
        const minutes = { s: 1 / 60, m: 1, h: 60, d: 1440 }[window.slice(-1) as 's' | 'm' | 'h' | 'd'] * Number(window.slice(0, -1));
        if (minutes > 15) expect(metric, rule.expr).toMatch(/^inference:request(s|_errors):rate5m$/);
      }
    }
  });

  it('records no latency-objective ratios: no rule reads them (the p95 and p99 alerts read the histogram)', () => {
    expect(recording(seedGroups).filter((r) => r.record.includes('latency'))).toEqual([]);
  });

  it('puts the 5m rates and short windows, the long windows, and the alerts in three groups', () => {
    expect(seedGroups.map((g) => [g.name, g.interval, g.rules.length])).toEqual([
      ['ai-inference-sli', '30s', 5],
      ['ai-inference-sli-long', '2m', 5],
      ['ai-inference-alerts', '30s', 21],
    ]);
    const groups = buildAlertRuleGroups(seedInput({ evaluationInterval: Duration.minutes(5) }));
    expect(groups.map((g) => g.interval)).toEqual(['5m', '5m', '5m']);
  });

  it('records the pods of the Deployment at the head of the alert group, from pod and ReplicaSet owners', () => {
    const [first] = seedGroups[2].rules;
    expect(first).toEqual({
      record: 'inference:kube_pod_owner:deployment',
      expr: [
        'max by (namespace, pod, deployment) (',
        '  label_replace(kube_pod_owner{namespace="pixelated-prod",pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+",owner_kind="ReplicaSet"}, "replicaset", "$1", "owner_name", "(.*)")',
        '  * on (namespace, replicaset) group_left (deployment)',
        '  max by (namespace, replicaset, deployment) (label_replace(kube_replicaset_owner{namespace="pixelated-prod",owner_kind="Deployment",owner_name="ai-inference"}, "deployment", "$1", "owner_name", "(.*)"))',
        ')',
      ].join('\n'),
    });
    const podAlerts = ['InferencePodNotReady', 'InferenceModelLoadFailed', 'InferenceGpuUtilizationHigh', 'InferenceMemoryUsageHigh', 'InferenceGpuUnderutilized'] as const;
    for (const name of podAlerts) {
      expect(ruleOf(seedGroups, name).expr, name).toContain('inference:kube_pod_owner:deployment{namespace="pixelated-prod",deployment="ai-inference"}');
    }
    const overrides = Object.fromEntries(podAlerts.map((n) => [n, { enabled: false }]));
    expect(recording(buildAlertRuleGroups(seedInput({ overrides }))).map((r) => r.record)).not.toContain('inference:kube_pod_owner:deployment');
  });

  it('labels every alert with its severity, namespace and deployment', () => {
    for (const rule of alerting(seedGroups)) {
      const entry = ALERT_CATALOGUE.find((e) => e.name === rule.alert)!;
      expect(rule.labels).toMatchObject({ severity: entry.severity, namespace: 'pixelated-prod', deployment: 'ai-inference' });
    }
  });

  it('annotates every alert with a summary, a description showing the value and a runbook anchor', () => {
    for (const rule of alerting(seedGroups)) {
      expect(rule.annotations.summary.length, rule.alert).toBeGreaterThan(10);
      expect(rule.annotations.description, rule.alert).toMatch(/\{\{ \$value( \| humanize(Duration|Percentage)?)? \}\}/);
      expect(rule.annotations.runbook_url).toBe(`${SEED.runbook}#${rule.alert.toLowerCase()}`);
    }
  });

  it('humanizes each value in the unit it is in', () => {
    expect(ruleOf(seedGroups, 'InferenceLatencyP95SLOBreach').annotations.description).toContain('{{ $value | humanizeDuration }}, above the SLO objective of 2s');
    expect(ruleOf(seedGroups, 'InferenceErrorRateHigh').annotations.description).toContain('{{ $value | humanizePercentage }} of the requests');
    expect(ruleOf(seedGroups, 'InferenceErrorRateHigh').annotations.description).toContain('SLO error-rate objective: 1%');
    expect(ruleOf(seedGroups, 'InferenceGpuUtilizationHigh').annotations.description).toContain('{{ $value | humanize }}%, above 95%');
    expect(ruleOf(seedGroups, 'InferenceErrorBudgetExhausted').annotations.description).toContain('{{ $value | humanizePercentage }}, below the 99.9% objective');
  });

  it('parses every expression with the Prometheus grammar', () => {
    for (const preset of [GENERIC_PRESET, VLLM_PRESET]) {
      for (const rule of buildAlertRuleGroups(seedInput({}, preset)).flatMap((g) => g.rules)) {
        expect(findPromqlSyntaxError(rule.expr), rule.expr).toBeUndefined();
      }
    }
  });

  it('builds the same rules every time', () => {
    expect(JSON.stringify(buildAlertRuleGroups(seedInput()))).toBe(JSON.stringify(seedGroups));
  });
});

describe('selection by namespace and job', () => {
  const SELECTOR = /([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^{}]*)\}/g;

  it('scopes every series selector to the namespace and to the job, the Deployment, its pods or the autoscaler', () => {
    const OWN_PODS = 'inference:kube_pod_owner:deployment{namespace="pixelated-prod",deployment="ai-inference"}';
    for (const rule of seedGroups.flatMap((g) => g.rules)) {
      const selectors = [...rule.expr.matchAll(SELECTOR)];
      expect(selectors.length, rule.expr).toBeGreaterThan(0);
      for (const [, metric, matchers] of selectors) {
        const what = `${metric}{${matchers}}`;
        expect(matchers, what).toMatch(/(^|,)(exported_)?namespace="pixelated-prod"/);
        if (metric.startsWith('DCGM_')) {
          // The pod regex pre-filters; the join to the Deployment's pods selects.
          expect(matchers, what).toContain('exported_pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+"');
          expect(oneLine(rule.expr), what).toContain(`and on (exported_namespace, exported_pod) label_replace(label_replace(${OWN_PODS}`);
        } else if (metric.startsWith('kube_horizontalpodautoscaler_')) {
          expect(matchers, what).toContain('horizontalpodautoscaler="ai-inference-hpa"');
        } else if (metric.startsWith('kube_deployment_')) {
          expect(matchers, what).toContain('deployment="ai-inference"');
        } else if (metric === 'kube_replicaset_owner') {
          expect(matchers, what).toContain('owner_kind="Deployment",owner_name="ai-inference"');
        } else if (metric === 'inference:kube_pod_owner:deployment') {
          expect(matchers, what).toContain('deployment="ai-inference"');
        } else if (metric.startsWith('kube_') || metric.startsWith('container_')) {
          expect(matchers, what).toContain('pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+"');
          if (!isAlertingRule(rule)) expect(rule.record).toBe('inference:kube_pod_owner:deployment');
          else expect(rule.expr, what).toContain(OWN_PODS);
        } else {
          expect(matchers, what).toContain('job="ai-inference-internal"');
        }
      }
    }
  });

  it('keeps the rules of two services in one namespace apart', () => {
    const other = buildAlertRuleGroups(
      seedInput({ scope: { namespace: SEED.namespace, job: 'embeddings-internal', podRegex: 'embeddings-.*' }, deployment: 'embeddings', hpaName: 'embeddings-hpa' }),
    );
    const exprs = new Set(seedGroups.flatMap((g) => g.rules).map((r) => r.expr));
    expect(other.flatMap((g) => g.rules).filter((r) => exprs.has(r.expr))).toEqual([]);
    expect(other.map((g) => g.name)).toEqual(['embeddings-sli', 'embeddings-sli-long', 'embeddings-alerts']);
    expect(new Set(alerting(other).map((r) => r.labels.deployment))).toEqual(new Set(['embeddings']));
  });

  it('uses the configured dcgm-exporter labels when scraped with honorLabels', () => {
    const groups = buildAlertRuleGroups(
      seedInput({ dcgm: { utilizationMetric: 'DCGM_FI_DEV_GPU_UTIL', memoryUsedMetric: 'DCGM_FI_DEV_FB_USED', memoryFreeMetric: 'DCGM_FI_DEV_FB_FREE', podLabel: 'pod', namespaceLabel: 'namespace' } }),
    );
    expect(ruleOf(groups, 'InferenceGpuUtilizationHigh').expr).toBe(
      'avg(\n  DCGM_FI_DEV_GPU_UTIL{namespace="pixelated-prod",pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+"}\n  and on (namespace, pod)\n  inference:kube_pod_owner:deployment{namespace="pixelated-prod",deployment="ai-inference"}\n) > 95',
    );
    expect(ruleOf(seedGroups, 'InferenceGpuUtilizationHigh').expr).toBe(
      'avg(\n  DCGM_FI_DEV_GPU_UTIL{exported_namespace="pixelated-prod",exported_pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+"}\n  and on (exported_namespace, exported_pod)\n  label_replace(label_replace(inference:kube_pod_owner:deployment{namespace="pixelated-prod",deployment="ai-inference"}, "exported_pod", "$1", "pod", "(.*)"), "exported_namespace", "$1", "namespace", "(.*)")\n) > 95',
    );
  });

  it('selects the HPA KEDA creates (keda-hpa-<ScaledObject>)', () => {
    const groups = buildAlertRuleGroups(seedInput({ hpaName: 'keda-hpa-ai-inference-scaler' }));
    expect(ruleOf(groups, 'InferenceHpaAtMaxReplicas').expr).toContain('horizontalpodautoscaler="keda-hpa-ai-inference-scaler"');
    expect(ruleOf(groups, 'InferenceHpaScalingStuck').expr).toContain('horizontalpodautoscaler="keda-hpa-ai-inference-scaler"');
  });

  it('escapes backslashes and quotes of the pod regex in PromQL strings', () => {
    const groups = buildAlertRuleGroups(seedInput({ scope: { namespace: SEED.namespace, job: SEED.job, podRegex: 'ai-inference-[a-z0-9]+-\\w+' } }));
    const expr = ruleOf(groups, 'InferencePodNotReady').expr;
    expect(expr).toContain('pod=~"ai-inference-[a-z0-9]+-\\\\w+"');
    expect(findPromqlSyntaxError(expr)).toBeUndefined();
  });
});

describe('SLO-derived thresholds', () => {
  it('moves the p95 alert when the p95 objective changes to 1.5 s', () => {
    const groups = buildAlertRuleGroups(withSlo({ latencyP95Seconds: 1.5 }));
    const rule = ruleOf(groups, 'InferenceLatencyP95SLOBreach');
    expect(rule.expr.endsWith(' > 1.5')).toBe(true);
    expect(rule.annotations.summary).toBe('p95 latency of ai-inference is above the 1.5s SLO objective');
    expect(ruleOf(groups, 'InferenceLatencyP99High').expr.endsWith(' > 3')).toBe(true);
    expect(resolveAlerts(withSlo({ latencyP95Seconds: 1.5 })).InferenceLatencyP95SLOBreach.threshold).toBe(1.5);
  });

  it('moves the p99 alert with the p99 objective', () => {
    expect(ruleOf(buildAlertRuleGroups(withSlo({ latencyP99Seconds: 4 })), 'InferenceLatencyP99High').expr.endsWith(' > 4')).toBe(true);
  });

  it('moves every burn-rate threshold and the budget alert with a 99.5 % objective', () => {
    const groups = buildAlertRuleGroups(withSlo({ availabilityPercent: 99.5 }));
    const thresholds = [...rulesOf(groups, 'InferenceErrorBudgetBurnFast'), ...rulesOf(groups, 'InferenceErrorBudgetBurnSlow')].map((r) =>
      r.expr.split('\nand\n').map((part) => part.split(' > ')[1]),
    );
    expect(thresholds).toEqual([
      ['0.072', '0.072'],
      ['0.03', '0.03'],
      ['0.015', '0.015'],
      ['0.005', '0.005'],
    ]);
    expect(ruleOf(groups, 'InferenceErrorBudgetExhausted').expr.endsWith(' < 0.995')).toBe(true);
  });

  it('records over a 28 d period and reads it for the budget alert', () => {
    const groups = buildAlertRuleGroups(withSlo({ period: Duration.days(28) }));
    expect(recording(groups).map((r) => r.record)).toContain('inference:request_errors:ratio_rate28d');
    expect(recording(groups).map((r) => r.record)).not.toContain('inference:request_errors:ratio_rate30d');
    expect(ruleOf(groups, 'InferenceErrorBudgetExhausted').expr).toContain('ratio_rate28d{');
    expect(rulesOf(groups, 'InferenceErrorBudgetBurnFast')[0].annotations.description).toContain('2.143% of the 28d error budget is spent in 1h');
  });

  it('moves the queue target and the replica ceiling with the input', () => {
    const groups = buildAlertRuleGroups({ ...seedInput(), queueDepthTargetPerPod: 4, maxReplicas: 8 });
    expect(ruleOf(groups, 'InferenceQueueDepthHigh').expr.endsWith(' > 4')).toBe(true);
    expect(ruleOf(groups, 'InferenceHpaAtMaxReplicas').expr.endsWith(' >= 8')).toBe(true);
  });

  it('never uses the throughput objective (a capacity target) as a traffic floor', () => {
    const rule = ruleOf(seedGroups, 'InferenceThroughputLow');
    expect(ruleOf(buildAlertRuleGroups(withSlo({ throughputRps: 250 })), 'InferenceThroughputLow')).toEqual(rule);
    expect(rule.expr).not.toMatch(/1000/);
  });
});

describe('alerts that page for the right reason', () => {
  it('ignores a pod that is not Ready inside its startup grace: probes.startupBudget + 5m from when it started, or was created', () => {
    const rule = ruleOf(seedGroups, 'InferencePodNotReady');
    expect(oneLine(rule.expr)).toBe(
      '( time() - ( max by (namespace, pod) (kube_pod_start_time{namespace="pixelated-prod",pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+"}) or max by (namespace, pod) (kube_pod_created{namespace="pixelated-prod",pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+"}) ) ) > 600 ' +
        'and on (namespace, pod) ( inference:kube_pod_owner:deployment{namespace="pixelated-prod",deployment="ai-inference"} ' +
        'unless on (namespace, pod) (kube_pod_status_ready{namespace="pixelated-prod",pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+",condition="true"} == 1) ' +
        'unless on (namespace, pod) (kube_pod_status_phase{namespace="pixelated-prod",pod=~"ai-inference-[a-z0-9]+-[a-z0-9]+",phase=~"Succeeded|Failed"} == 1) )',
    );
    expect(rule.for).toBe('5m');
    expect(rule.annotations.description).toContain('past its startup grace of 10m (startup allowance 5m + 5m for image pull and target registration)');
  });

  it('moves the startup grace with the startup budget, and takes a grace in seconds as its threshold', () => {
    const longer = ruleOf(buildAlertRuleGroups(seedInput({ startupBudget: Duration.minutes(20) })), 'InferencePodNotReady');
    expect(oneLine(longer.expr)).toContain(') ) ) > 1500 and on (namespace, pod)');
    const overridden = ruleOf(buildAlertRuleGroups(seedInput({ overrides: { InferencePodNotReady: { threshold: 900 } } })), 'InferencePodNotReady');
    expect(oneLine(overridden.expr)).toContain(') ) ) > 900 and on (namespace, pod)');
    expect(overridden.annotations.description).toContain('past its startup grace of 15m.');
    expect(resolveAlerts(seedInput()).InferencePodNotReady).toMatchObject({ threshold: 600, unit: 'seconds' });
  });

  it('compares the autoscaler\'s desired replicas with the Deployment\'s available ones, outside rollouts', () => {
    const rule = ruleOf(seedGroups, 'InferenceHpaScalingStuck');
    expect(rule.expr).toContain('kube_horizontalpodautoscaler_status_desired_replicas{namespace="pixelated-prod",horizontalpodautoscaler="ai-inference-hpa"}');
    expect(rule.expr).toContain('- on (namespace) group_left ()\n  max by (namespace) (kube_deployment_status_replicas_available{namespace="pixelated-prod",deployment="ai-inference"})');
    expect(rule.expr).toContain('unless on (namespace)\n  (max by (namespace) (kube_deployment_status_replicas{namespace="pixelated-prod",deployment="ai-inference"}) > max by (namespace) (kube_deployment_status_replicas_updated{namespace="pixelated-prod",deployment="ai-inference"}))');
    expect(rule.expr).not.toContain('status_current_replicas');
  });

  it('waits at least the startup grace before calling scaling stuck, unless the for is overridden', () => {
    expect(ruleOf(buildAlertRuleGroups(seedInput({ startupBudget: Duration.minutes(20) })), 'InferenceHpaScalingStuck').for).toBe('25m');
    expect(ruleOf(buildAlertRuleGroups(seedInput({ startupBudget: Duration.minutes(2) })), 'InferenceHpaScalingStuck').for).toBe('10m');
    const overridden = seedInput({ startupBudget: Duration.minutes(20), overrides: { InferenceHpaScalingStuck: { for: Duration.minutes(12) } } });
    expect(ruleOf(buildAlertRuleGroups(overridden), 'InferenceHpaScalingStuck').for).toBe('12m');
  });

  it('detects collapsed traffic against the rate an hour and a day earlier, with a 1 req/s minimum and no floor by default', () => {
    const rule = ruleOf(seedGroups, 'InferenceThroughputLow');
    const rate = 'inference:requests:rate5m{namespace="pixelated-prod",job="ai-inference-internal"}';
    const now = `(${rate} or on (namespace, job) 0 * ${rate} offset 1h)`;
    expect(rule.expr).toBe(
      ['(', `  ${now}`, `  < on (namespace, job) 0.5 * (${rate} offset 1h >= 1)`, '  unless on (namespace, job)', `  ${now} >= on (namespace, job) 0.5 * ${rate} offset 1d`, ')'].join('\n'),
    );
    expect(rule.annotations.description).not.toContain('floor');
  });

  it('adds an absolute traffic floor only when the user sets the threshold', () => {
    const rule = ruleOf(buildAlertRuleGroups(seedInput({ overrides: { InferenceThroughputLow: { threshold: 200 } } })), 'InferenceThroughputLow');
    expect(rule.expr).toMatch(/\)\nor\n\(inference:requests:rate5m\{[^}]*\} or on \(namespace, job\) 0 \* inference:requests:rate5m\{[^}]*\} offset 1h\) < 200$/);
    expect(rule.annotations.description).toContain('or below the floor of 200 req/s');
  });

  it('calls GPUs underutilized only while the Deployment runs more than minReplicas', () => {
    const rule = ruleOf(seedGroups, 'InferenceGpuUnderutilized');
    expect(oneLine(rule.expr)).toMatch(/\) < 30 and on \(\) max\(kube_deployment_spec_replicas\{namespace="pixelated-prod",deployment="ai-inference"\}\) > 3$/);
    expect(rule.for).toBe('1h');
    expect(oneLine(ruleOf(buildAlertRuleGroups(seedInput({ minReplicas: 1 })), 'InferenceGpuUnderutilized').expr)).toMatch(/> 1$/);
  });

  it('leaves out the at-max and underutilized alerts when minReplicas equals maxReplicas, and says why', () => {
    const pinned = seedInput({ minReplicas: 4, maxReplicas: 4 });
    const groups = buildAlertRuleGroups(pinned);
    expect(rulesOf(groups, 'InferenceHpaAtMaxReplicas')).toEqual([]);
    expect(rulesOf(groups, 'InferenceGpuUnderutilized')).toEqual([]);
    const resolved = resolveAlerts(pinned);
    expect(resolved.InferenceHpaAtMaxReplicas.omittedBecause).toBe('minReplicas equals maxReplicas (4): the autoscaler always runs at its maximum');
    expect(resolved.InferenceGpuUnderutilized.omittedBecause).toBe('minReplicas equals maxReplicas (4): the service always runs at minReplicas');
    expect(rulesOf(groups, 'InferenceHpaScalingStuck')).toHaveLength(1);
  });

  it('rejects minReplicas above maxReplicas and a startup budget that is not whole seconds', () => {
    expect(problemsOf(seedInput({ minReplicas: 21 }))).toEqual(['minReplicas (21) must not be above maxReplicas (20); lower minReplicas or raise maxReplicas']);
    expect(problemsOf(seedInput({ startupBudget: Duration.millis(1500) }))).toEqual([
      'startupBudget (1s500ms) must be a positive whole number of seconds (startup probe budget); use Duration.seconds/minutes/hours/days',
    ]);
  });

  it('defaults minReplicas to 1 and the startup budget to 5 minutes for inputs without them', () => {
    const { minReplicas, startupBudget, ...rest } = seedInput();
    void minReplicas;
    void startupBudget;
    const groups = buildAlertRuleGroups(rest);
    expect(oneLine(ruleOf(groups, 'InferenceGpuUnderutilized').expr)).toMatch(/> 1$/);
    expect(oneLine(ruleOf(groups, 'InferencePodNotReady').expr)).toContain(') ) ) > 600 and');
  });
});

describe('per-alert overrides', () => {
  it('leaves out a disabled alert', () => {
    const groups = buildAlertRuleGroups(seedInput({ overrides: { InferenceThroughputLow: { enabled: false }, InferenceErrorBudgetBurnSlow: { enabled: false } } }));
    expect(rulesOf(groups, 'InferenceThroughputLow')).toEqual([]);
    expect(rulesOf(groups, 'InferenceErrorBudgetBurnSlow')).toEqual([]);
    expect(alerting(groups)).toHaveLength(17);
    expect(resolveAlerts(seedInput({ overrides: { InferenceThroughputLow: { enabled: false } } })).InferenceThroughputLow).toMatchObject({
      included: false,
      omittedBecause: 'disabled by an override',
    });
  });

  it('leaves out the alert group when every alert is disabled', () => {
    const overrides = Object.fromEntries(ALERT_NAMES.map((n) => [n, { enabled: false }]));
    expect(buildAlertRuleGroups(seedInput({ overrides })).map((g) => g.name)).toEqual(['ai-inference-sli', 'ai-inference-sli-long']);
  });

  it('re-thresholds an alert and changes its for', () => {
    const groups = buildAlertRuleGroups(
      seedInput({
        overrides: {
          InferenceGpuUtilizationHigh: { threshold: 90, for: Duration.minutes(20) },
          InferenceLatencyP95SLOBreach: { threshold: 2.5 },
          InferenceModelLoadFailed: { threshold: 3, for: Duration.seconds(90) },
        },
      }),
    );
    const gpu = ruleOf(groups, 'InferenceGpuUtilizationHigh');
    expect(gpu.expr.endsWith(' > 90')).toBe(true);
    expect(gpu.for).toBe('20m');
    expect(gpu.annotations.description).toContain('above 90% for 20m');
    expect(ruleOf(groups, 'InferenceLatencyP95SLOBreach').expr.endsWith(' > 2.5')).toBe(true);
    const load = ruleOf(groups, 'InferenceModelLoadFailed');
    expect(load.expr).toContain('>= 3)');
    expect(load.for).toBe('1m30s');
  });

  it('rejects an unknown alert name, naming it and listing the valid ones', () => {
    const problems = problemsOf(seedInput({ overrides: { InferenceLatencyHigh: { enabled: false } } as AlertRulesInput['overrides'] }));
    expect(problems).toEqual([`overrides.InferenceLatencyHigh ("InferenceLatencyHigh") is not an alert of the catalogue; use one of: ${ALERT_NAMES.join(', ')}`]);
    expect(() => buildAlertRuleGroups(seedInput({ overrides: { InferenceLatencyHigh: {} } as AlertRulesInput['overrides'] }))).toThrow(InferenceValidationError);
    expect(alertOverridesSchema.safeParse({ InferenceLatencyHigh: {} }).success).toBe(false);
    expect(alertOverridesSchema.safeParse({ InferencePodNotReady: { enabled: false } }).success).toBe(true);
  });

  it('rejects unknown override fields', () => {
    const problems = problemsOf(seedInput({ overrides: { InferencePodNotReady: { severity: 'info' } as never } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('overrides.InferencePodNotReady');
    expect(problems[0]).toContain('severity');
  });

  it('rejects a threshold on an alert without one', () => {
    expect(problemsOf(seedInput({ overrides: { InferenceHpaScalingStuck: { threshold: 3 } } }))).toEqual([
      'overrides.InferenceHpaScalingStuck.threshold (3) InferenceHpaScalingStuck has no numeric threshold; remove threshold',
    ]);
  });

  it('rejects a threshold or a for on a burn-rate alert', () => {
    expect(problemsOf(seedInput({ overrides: { InferenceErrorBudgetBurnFast: { threshold: 10, for: Duration.minutes(1) } } }))).toEqual([
      'overrides.InferenceErrorBudgetBurnFast.threshold (10) InferenceErrorBudgetBurnFast takes its thresholds from the burn-rate tiers and slo.availabilityPercent; remove threshold',
      'overrides.InferenceErrorBudgetBurnFast.for (1m) InferenceErrorBudgetBurnFast takes its `for` from the burn-rate tiers; remove for',
    ]);
  });

  it('rejects a ratio threshold above 1', () => {
    expect(problemsOf(seedInput({ overrides: { InferenceMemoryUsageHigh: { threshold: 90 } } }))).toEqual([
      'overrides.InferenceMemoryUsageHigh.threshold (90) must be a ratio above 0 and at most 1 (0.9 = 90 %) (InferenceMemoryUsageHigh compares ratio); fix the threshold',
    ]);
  });

  it('rejects an error-rate alert at or below the error-rate objective', () => {
    expect(problemsOf(seedInput({ overrides: { InferenceErrorRateHigh: { threshold: 0.01 } } }))).toEqual([
      'overrides.InferenceErrorRateHigh.threshold (0.01) puts InferenceErrorRateHigh (error ratio > 0.01) at or below the error-rate objective (1 %), so it pages while the SLO is met; raise the alert threshold or lower slo.errorRatePercent',
    ]);
  });

  it('rejects a GPU underutilized threshold not below the GPU high one', () => {
    expect(problemsOf(seedInput({ overrides: { InferenceGpuUnderutilized: { threshold: 96 } } }))).toEqual([
      'overrides.InferenceGpuUnderutilized.threshold (96) leaves InferenceGpuUnderutilized (< 96 %) not below InferenceGpuUtilizationHigh (> 95 %), so both can fire at once; keep the low threshold below the high one',
    ]);
  });
});

describe('input validation', () => {
  it('accepts the seed input', () => {
    expect(problemsOf(seedInput())).toEqual([]);
  });

  it('rejects a p99 objective below the p95 objective', () => {
    expect(problemsOf(withSlo({ latencyP99Seconds: 1.5 }))).toEqual([
      'slo.latencyP99Seconds (1.5) must not be below slo.latencyP95Seconds (2), a 99th percentile is never faster than the 95th; raise latencyP99Seconds or lower latencyP95Seconds',
    ]);
  });

  it('rejects an availability objective that puts the 14.4× burn threshold above 100 %', () => {
    expect(problemsOf(withSlo({ availabilityPercent: 90 }))).toEqual([
      'slo.availabilityPercent (90) makes the 14.4× burn threshold of InferenceErrorBudgetBurnFast 1.44, an error ratio above 100 % that can never occur; use an objective above 93.06 % or disable InferenceErrorBudgetBurnFast',
    ]);
  });

  it('rejects a 100 % availability objective', () => {
    expect(problemsOf(withSlo({ availabilityPercent: 100 }))[0]).toBe(
      'slo.availabilityPercent (100) must be below 100 % (a 100 % objective leaves no error budget); e.g. 99.9',
    );
  });

  it('rejects an SLO period shorter than the 3 d burn window', () => {
    expect(problemsOf(withSlo({ period: Duration.days(2) }))).toEqual([
      'slo.period (2d) must be at least 3 days, the longest burn-rate window; use a longer SLO period (30 days is the usual)',
    ]);
  });

  it('rejects a runbook URL with a fragment', () => {
    expect(problemsOf(seedInput({ runbookBaseUrl: 'https://example.com/runbook#alerts' }))).toEqual([
      'runbookBaseUrl ("https://example.com/runbook#alerts") must be an http(s) URL without a "#" fragment (the alert name is appended as the anchor); fix the URL',
    ]);
  });

  it('rejects an invalid pod regex', () => {
    expect(problemsOf(seedInput({ scope: { namespace: SEED.namespace, job: SEED.job, podRegex: 'ai-inference-(' } }))).toEqual([
      'scope.podRegex ("ai-inference-(") must be a valid regular expression (RE2 syntax); fix the pattern',
    ]);
  });

  it('rejects a namespace that is not a DNS label and a job with a quote', () => {
    const problems = problemsOf(seedInput({ scope: { namespace: 'Pixelated_Prod', job: 'ai"inference', podRegex: SEED.podRegex } }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^scope\.namespace \("Pixelated_Prod"\) must be an RFC 1123 label/);
    expect(problems[1]).toMatch(/^scope\.job \("ai\\"inference"\) must not contain quotes/);
  });

  it('rejects a non-positive queue target and a fractional maxReplicas', () => {
    expect(problemsOf(seedInput({ queueDepthTargetPerPod: 0, maxReplicas: 2.5 }))).toEqual([
      'maxReplicas (2.5) must be a whole number; fix maxReplicas',
      'queueDepthTargetPerPod (0) must be a positive number (requests waiting per pod); set it above 0',
    ]);
  });

  it('throws an InferenceValidationError that lists every problem', () => {
    expect(() => buildAlertRuleGroups(withSlo({ latencyP99Seconds: 1, availabilityPercent: 90 }))).toThrow(
      /AlertRulesInput is invalid:\n {2}- slo\.latencyP99Seconds \(1\)[^\n]+\n {2}- slo\.availabilityPercent \(90\)/,
    );
  });

  it('names the rule when an expression does not parse', () => {
    const broken = { ...GENERIC_PRESET, requests: { metric: 'inference_requests_total', matchers: 'handler=~' } };
    expect(() => buildAlertRuleGroups(seedInput({}, broken))).toThrow(/rule group ai-inference-sli, rule inference:requests:rate5m: PromQL does not parse/);
  });
});

describe('the vLLM preset', () => {
  const groups = buildAlertRuleGroups(seedInput({}, VLLM_PRESET));

  it('leaves out the alerts it has no series for and says why', () => {
    const resolved = resolveAlerts(seedInput({}, VLLM_PRESET));
    expect(Object.values(resolved).filter((a) => !a.included).map((a) => [a.name, a.omittedBecause])).toEqual([
      ['InferenceTimeToFirstTokenBurnFast', 'slo.timeToFirstTokenP95 is not set'],
      ['InferenceInterTokenLatencyBurnFast', 'slo.interTokenLatencyP95 is not set'],
      ['InferenceTimeToFirstTokenBurnSlow', 'slo.timeToFirstTokenP95 is not set'],
      ['InferenceInterTokenLatencyBurnSlow', 'slo.interTokenLatencyP95 is not set'],
      ['InferenceCacheHitRateLow', 'the vllm metric preset has no cache hit ratio series'],
      ['InferenceDbPoolSaturated', 'the vllm metric preset has no database pool series'],
      ['InferenceBiasScoreHigh', 'the vllm metric preset has no high bias score series'],
    ]);
    expect(new Set(alerting(groups).map((r) => r.alert)).size).toBe(15);
  });

  it('detects model-load failures from restarts only', () => {
    const rule = ruleOf(groups, 'InferenceModelLoadFailed');
    expect(rule.expr).not.toContain('or\n');
    expect(rule.expr).toContain('kube_pod_container_status_restarts_total');
  });

  it('counts 5xx of the /v1 handlers as errors and all /v1 requests as requests', () => {
    const [requests, errors] = recording(groups);
    expect(requests.expr).toBe('sum by (namespace, job) (rate(http_requests_total{namespace="pixelated-prod",job="ai-inference-internal",handler=~"/v1/.*"}[5m]))');
    expect(errors.expr).toContain('sum by (namespace, job) (rate(http_requests_total{namespace="pixelated-prod",job="ai-inference-internal",handler=~"/v1/.*",status="5xx"}[5m]))\nor\n');
  });
});

describe('formatting helpers', () => {
  it('writes Prometheus durations', () => {
    expect([Duration.days(30), Duration.minutes(90), Duration.seconds(0), Duration.seconds(30), Duration.millis(1500)].map(promDuration)).toEqual(['30d', '1h30m', '0s', '30s', '1s500ms']);
  });

  it('writes short numbers without float noise', () => {
    expect([14.4 * (1 - 0.999), 6 * 0.001, 0.1 + 0.2, 1000].map(promNumber)).toEqual(['0.0144', '0.006', '0.3', '1000']);
  });
});
