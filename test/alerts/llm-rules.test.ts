import { describe, expect, it } from 'vitest';
import { RecordingRule, buildAlertRuleGroups, isAlertingRule, leMatcher, resolveAlerts, validateAlertRulesInput } from '../../src/alerts';
import { GENERIC_PRESET, VLLM_PRESET } from '../../src/metrics/presets';
import { llmInput } from './llm-scenarios';
import { seedInput } from './seed';

const OWN = '{namespace="pixelated-prod",job="ai-inference-internal"}';
const groups = buildAlertRuleGroups(llmInput());
const records = (group: string) => groups.find((g) => g.name === group)!.rules.filter((r): r is RecordingRule => !isAlertingRule(r));
const alerts = (name: string) => groups.flatMap((g) => g.rules).filter(isAlertingRule).filter((r) => r.alert === name);

describe('the LLM SLI recording rules', () => {
  it('record the TTFT rate and the rate slower than the objective (count minus the objective\'s bucket, both spellings of le)', () => {
    const fast = records('ai-inference-sli');
    expect(fast.find((r) => r.record === 'inference:time_to_first_token:rate5m')!.expr).toBe(
      `sum by (namespace, job) (rate(vllm:time_to_first_token_seconds_count${OWN}[5m]))`,
    );
    expect(fast.find((r) => r.record === 'inference:time_to_first_token_slow:rate5m')!.expr).toBe(
      `sum by (namespace, job) (rate(vllm:time_to_first_token_seconds_count${OWN}[5m]))\n-\nsum by (namespace, job) (rate(vllm:time_to_first_token_seconds_bucket{namespace="pixelated-prod",job="ai-inference-internal",le=~"1(\\\\.0)?"}[5m]))`,
    );
    expect(fast.find((r) => r.record === 'inference:inter_token_latency_slow:rate5m')!.expr).toBe(
      `sum by (namespace, job) (rate(vllm:inter_token_latency_seconds_count${OWN}[5m]))\n-\nsum by (namespace, job) (rate(vllm:inter_token_latency_seconds_bucket{namespace="pixelated-prod",job="ai-inference-internal",le=~"0\\\\.05"}[5m]))`,
    );
  });

  it('record the slow share over every burn-rate window, summed from the 5m rates; windows above 1h in the long group', () => {
    const fast = records('ai-inference-sli').filter((r) => r.record.startsWith('inference:time_to_first_token_slow:ratio'));
    const long = records('ai-inference-sli-long').filter((r) => r.record.startsWith('inference:time_to_first_token_slow:ratio'));
    expect(fast.map((r) => r.record)).toEqual(['inference:time_to_first_token_slow:ratio_rate5m', 'inference:time_to_first_token_slow:ratio_rate30m', 'inference:time_to_first_token_slow:ratio_rate1h']);
    expect(long.map((r) => r.record)).toEqual(['2h', '6h', '1d', '3d'].map((w) => `inference:time_to_first_token_slow:ratio_rate${w}`));
    expect(fast[0].expr).toBe(`inference:time_to_first_token_slow:rate5m${OWN}\n/\ninference:time_to_first_token:rate5m${OWN}`);
    expect(long[3].expr).toBe(`sum_over_time(inference:time_to_first_token_slow:rate5m${OWN}[3d])\n/\nsum_over_time(inference:time_to_first_token:rate5m${OWN}[3d])`);
  });

  it('writes a bound matcher for both spellings of a whole number and an escaped dot otherwise', () => {
    expect([1, 2.5, 0.05, 10].map(leMatcher)).toEqual(['le=~"1(\\\\.0)?"', 'le=~"2\\\\.5"', 'le=~"0\\\\.05"', 'le=~"10(\\\\.0)?"']);
  });

  it('add no rule to the generic service and none without an objective', () => {
    const generic = JSON.stringify(buildAlertRuleGroups(seedInput()));
    expect(generic).not.toContain('token');
    expect(JSON.stringify(buildAlertRuleGroups(seedInput({}, VLLM_PRESET)))).not.toContain('_slow');
  });
});

describe('the LLM burn-rate alerts', () => {
  it('page at 14.4 × 5 % over 1h/5m and 6 × 5 % over 6h/30m', () => {
    const rules = alerts('InferenceTimeToFirstTokenBurnFast');
    expect(rules.map((r) => [r.expr, r.for, r.labels])).toEqual([
      [
        `inference:time_to_first_token_slow:ratio_rate1h${OWN} > 0.72\nand\ninference:time_to_first_token_slow:ratio_rate5m${OWN} > 0.72`,
        '2m',
        { severity: 'critical', namespace: 'pixelated-prod', deployment: 'ai-inference', long_window: '1h', short_window: '5m' },
      ],
      [
        `inference:time_to_first_token_slow:ratio_rate6h${OWN} > 0.3\nand\ninference:time_to_first_token_slow:ratio_rate30m${OWN} > 0.3`,
        '15m',
        { severity: 'critical', namespace: 'pixelated-prod', deployment: 'ai-inference', long_window: '6h', short_window: '30m' },
      ],
    ]);
    expect(rules[0].annotations.description).toBe(
      '{{ $value | humanizePercentage }} of the requests of ai-inference in namespace pixelated-prod had their first token later than 1s over 1h, and also more than 72% over 5m: 14.4 times the 5% the p95 objective (slo.timeToFirstTokenP95) allows.',
    );
  });

  it('open a ticket at 3 × 5 % over 1d/2h and 1 × 5 % over 3d/6h', () => {
    expect(alerts('InferenceInterTokenLatencyBurnSlow').map((r) => [r.expr, r.for, r.labels.severity])).toEqual([
      [`inference:inter_token_latency_slow:ratio_rate1d${OWN} > 0.15\nand\ninference:inter_token_latency_slow:ratio_rate2h${OWN} > 0.15`, '1h', 'warning'],
      [`inference:inter_token_latency_slow:ratio_rate3d${OWN} > 0.05\nand\ninference:inter_token_latency_slow:ratio_rate6h${OWN} > 0.05`, '3h', 'warning'],
    ]);
    expect(alerts('InferenceInterTokenLatencyBurnFast')[0].expr).toBe(
      `inference:inter_token_latency_slow:ratio_rate1h${OWN} > 0.72\nand\ninference:inter_token_latency_slow:ratio_rate5m${OWN} > 0.72`,
    );
  });

  it('can be turned off per alert, and refuse a threshold or a for like the error-budget ones', () => {
    const input = llmInput();
    const off = buildAlertRuleGroups({ ...input, overrides: { InferenceTimeToFirstTokenBurnFast: { enabled: false } } });
    expect(JSON.stringify(off)).not.toContain('InferenceTimeToFirstTokenBurnFast');
    expect(resolveAlerts({ ...input, overrides: { InferenceTimeToFirstTokenBurnFast: { enabled: false } } }).InferenceTimeToFirstTokenBurnFast.omittedBecause).toBe('disabled by an override');
    expect(validateAlertRulesInput({ ...input, overrides: { InferenceInterTokenLatencyBurnSlow: { threshold: 0.1 } } })).toEqual([
      'overrides.InferenceInterTokenLatencyBurnSlow.threshold (0.1) InferenceInterTokenLatencyBurnSlow takes its thresholds from the burn-rate tiers and the 5 % its p95 objective leaves; remove threshold',
    ]);
  });

  it('stay out of the availability check: a 90 % objective still builds them', () => {
    const input = llmInput();
    const problems = validateAlertRulesInput({ ...input, slo: { ...input.slo, availabilityPercent: 90 } });
    expect(problems.every((p) => !p.includes('Token'))).toBe(true);
  });
});

describe('AlertRulesInput with LLM objectives', () => {
  it('refuses an objective the preset has no histogram for', () => {
    const base = seedInput({}, GENERIC_PRESET);
    expect(validateAlertRulesInput({ ...base, slo: { ...base.slo, timeToFirstTokenP95Seconds: 1 } })).toEqual([
      'slo.timeToFirstTokenP95Seconds (1) needs the timeToFirstTokenHistogram of the metric preset, which the generic preset does not have (only vLLM exports it); leave it out or use the vllm preset',
    ]);
  });

  it('refuses an objective between two bucket bounds, naming the nearest', () => {
    const base = llmInput();
    expect(validateAlertRulesInput({ ...base, slo: { ...base.slo, interTokenLatencyP95Seconds: -1 } })).toEqual([
      'slo.interTokenLatencyP95Seconds (-1) must be a positive number (seconds); set it above 0',
    ]);
    expect(validateAlertRulesInput({ ...base, slo: { ...base.slo, timeToFirstTokenP95Seconds: 3 } })).toEqual([
      'slo.timeToFirstTokenP95Seconds (3) must sit on a bucket bound of vllm:time_to_first_token_seconds (a share of slow observations can only be counted at a bound); the nearest are 2.5 s and 5 s; use one of them',
    ]);
  });
});
