import { describe, expect, it } from 'vitest';
import { Threshold } from '../../src/loadtest/scenarios';
import { summarizeRun } from '../../src/loadtest/summary';
import { combineThresholds, judge } from '../../src/loadtest/verdict';

const summary = summarizeRun({
  latenciesMs: [...Array(95).fill(100), ...Array(5).fill(900)],
  ok: 99,
  non2xx: 1,
  errors: 0,
  timeouts: 0,
  elapsedSeconds: 1,
  stoppedBy: 'amount',
  statusCodes: {},
});
const t = (metric: Threshold['metric'], op: Threshold['op'], limit: number): Threshold => ({ metric, op, limit, source: 'test' });

describe('judge', () => {
  it('passes a strict bound only below the limit and an inclusive bound at it', () => {
    const [lt, le, ge, geFail] = judge(summary, [t('p50', '<', 100), t('p95', '<=', 100), t('throughput', '>=', 100), t('throughput', '>=', 101)]);
    expect(lt).toMatchObject({ measured: 100, pass: false });
    expect(le).toMatchObject({ measured: 100, pass: true });
    expect(ge).toMatchObject({ measured: 100, pass: true });
    expect(geFail.pass).toBe(false);
  });

  it('judges p99, the mean and the error rate', () => {
    const verdicts = judge(summary, [t('p99', '<', 1000), t('mean', '<=', 140), t('errorRate', '<', 0.01)]);
    expect(verdicts.map((v) => [v.measured, v.pass])).toEqual([
      [900, true],
      [140, true],
      [0.01, false],
    ]);
  });

  it('fails a latency threshold when no response came back', () => {
    const none = summarizeRun({ latenciesMs: [], ok: 0, non2xx: 0, errors: 3, timeouts: 0, elapsedSeconds: 1, stoppedBy: 'amount', statusCodes: {} });
    const [v] = judge(none, [t('p95', '<', 1000)]);
    expect(v.pass).toBe(false);
    expect(v.measured).toBeUndefined();
  });
});

describe('combineThresholds', () => {
  it("replaces the scenario's threshold of a metric the SLO gives and keeps the others", () => {
    const scenario = [t('p50', '<', 300), t('p95', '<', 1000), t('errorRate', '<', 0.001)];
    const slo = [{ ...t('p95', '<=', 2000), source: 'slo' }, { ...t('p99', '<=', 3000), source: 'slo' }];
    expect(combineThresholds(scenario, slo)).toEqual([scenario[0], slo[0], scenario[2], slo[1]]);
  });
});
