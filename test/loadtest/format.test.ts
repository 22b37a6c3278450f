import { describe, expect, it } from 'vitest';
import { LoadtestReport, formatJson, formatMarkdown, formatMs, formatRatio, formatText, progressBar } from '../../src/loadtest/format';
import { SCENARIOS } from '../../src/loadtest/scenarios';
import { summarizeRun } from '../../src/loadtest/summary';
import { judge } from '../../src/loadtest/verdict';

const summary = summarizeRun({
  latenciesMs: [...Array(90).fill(20), ...Array(8).fill(60), ...Array(2).fill(150)],
  ok: 95,
  non2xx: 5,
  errors: 0,
  timeouts: 0,
  elapsedSeconds: 0.5,
  stoppedBy: 'amount',
  statusCodes: { 200: 95, 500: 5 },
});
const verdicts = judge(summary, SCENARIOS.baseline.thresholds);
const report: LoadtestReport = {
  scenario: 'baseline',
  url: 'http://127.0.0.1:8000/api/v1/inference',
  plan: { method: 'POST', connections: 10, amount: 100, amountIs: 'amount', durationSeconds: 1200, durationIs: 'time cap', timeoutSeconds: 10 },
  summary,
  verdicts,
  pass: false,
};

describe('number formats', () => {
  it('writes milliseconds below a second and seconds above, ratios as percent', () => {
    expect([formatMs(2.345), formatMs(21.36), formatMs(1500), formatMs(2000)]).toEqual(['2.35 ms', '21.4 ms', '1.5 s', '2 s']);
    expect([formatRatio(0.05), formatRatio(0.001), formatRatio(0.0005)]).toEqual(['5 %', '0.1 %', '0.05 %']);
  });
});

describe('formatText', () => {
  it('prints the figures, one verdict per threshold with measured and limit, and the overall verdict', () => {
    const text = formatText(report);
    expect(text).toContain('10 users, POST, up to 100 requests or 20 min (time cap), whichever first; no rate limit; timeout 10 s');
    expect(text).toContain('latency      p50 20 ms, p95 60 ms, p99 150 ms, mean 25.8 ms, max 150 ms');
    expect(text).toContain('throughput   200 req/s');
    expect(text).toContain('error rate   5 %');
    expect(text).toMatch(/pass {2}p95 latency +60 ms +< 1 s +seed 000/);
    expect(text).toMatch(/FAIL {2}error rate +5 % +< 0\.1 % +seed 000/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('FAIL: 1 of 5 thresholds missed');
  });
});

describe('formatMarkdown', () => {
  it('writes a figures table and a verdict table', () => {
    const md = formatMarkdown(report).split('\n');
    expect(md[0]).toBe('### Load test `baseline`: http://127.0.0.1:8000/api/v1/inference');
    expect(md).toContain('| figure | value |');
    expect(md).toContain('| p95 latency | 60 ms |');
    expect(md).toContain('| verdict | threshold | measured | limit | source |');
    expect(md).toContain('| **FAIL** | error rate | 5 % | < 0.1 % | seed 000 (Expected Results) |');
    expect(md).toContain('| pass | throughput | 200 req/s | >= 100 req/s | seed 000 (Expected Results) |');
    expect(md.at(-1)).toBe('**FAIL: 1 of 5 thresholds missed**');
  });
});

describe('formatJson', () => {
  it('keeps the units of the figures and one verdict per threshold', () => {
    const json = JSON.parse(formatJson(report));
    expect(Object.keys(json)).toEqual(['scenario', 'url', 'plan', 'requests', 'latencyMs', 'throughputRps', 'errorRate', 'elapsedSeconds', 'stoppedBy', 'statusCodes', 'verdicts', 'pass']);
    expect(json.latencyMs).toEqual({ p50: 20, p95: 60, p99: 150, mean: 25.8, max: 150 });
    expect(json.errorRate).toBe(0.05);
    expect(json.verdicts[3]).toEqual({ metric: 'errorRate', op: '<', limit: 0.001, measured: 0.05, pass: false, source: 'seed 000 (Expected Results)' });
    expect(json.pass).toBe(false);
  });
});

describe('progressBar', () => {
  it('fills in proportion to the fraction and clamps it', () => {
    expect(progressBar(0.5, 500, 1.2, 10)).toBe('[#####.....]  50 %  500 requests  1.2 s');
    expect(progressBar(1.7, 9, 3, 4)).toBe('[####] 100 %  9 requests  3 s');
  });
});
