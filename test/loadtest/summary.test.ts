import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile, summarizeLatency, summarizeRun } from '../../src/loadtest/summary';

const base = { latenciesMs: [] as number[], ok: 0, non2xx: 0, errors: 0, timeouts: 0, elapsedSeconds: 1, stoppedBy: 'amount' as const, statusCodes: {} };

describe('percentile', () => {
  it('takes the nearest rank: the smallest value with p % at or below it', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('never returns a value outside the samples and grows with p', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.double({ min: 0.01, max: 100, noNaN: true }), (raw, p) => {
        const sorted = Float64Array.from(raw).sort();
        const v = percentile(sorted, p)!;
        expect(raw).toContain(v);
        expect(percentile(sorted, Math.min(100, p + 1))!).toBeGreaterThanOrEqual(v);
      }),
    );
  });
});

describe('summarizeLatency', () => {
  it('computes p95 between p50 and p99 of unsorted samples', () => {
    const samples = [...Array(90).fill(20), ...Array(8).fill(60), ...Array(2).fill(150)].reverse();
    expect(summarizeLatency(samples)).toEqual({ p50: 20, p95: 60, p99: 150, mean: (90 * 20 + 8 * 60 + 2 * 150) / 100, max: 150 });
  });
});

describe('summarizeRun', () => {
  it('counts non-2xx, socket errors and timeouts once each over all requests', () => {
    // autocannon counts a timeout in errors AND timeouts: 7 errors with 3 timeouts are 4 socket errors.
    const s = summarizeRun({ ...base, latenciesMs: Array(100).fill(10), ok: 90, non2xx: 10, errors: 7, timeouts: 3, elapsedSeconds: 2 });
    expect(s.requests).toEqual({ total: 107, ok: 90, non2xx: 10, socketErrors: 4, timeouts: 3 });
    expect(s.errorRate).toBeCloseTo(17 / 107, 12);
    expect(s.throughputRps).toBe(50);
  });

  it('has no latency and a 100 % error rate when nothing answered', () => {
    const s = summarizeRun({ ...base, errors: 5 });
    expect(s.latencyMs).toBeUndefined();
    expect(s.errorRate).toBe(1);
    expect(s.throughputRps).toBe(0);
  });

  it('has no error rate when nothing was sent', () => {
    expect(summarizeRun(base).errorRate).toBeUndefined();
  });
});
