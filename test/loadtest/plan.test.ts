import { describe, expect, it } from 'vitest';
import { formatSeconds, parseDurationSeconds } from '../../src/loadtest/limits';
import { displayUrl, planRun, targetUrl } from '../../src/loadtest/plan';
import { SCENARIOS } from '../../src/loadtest/scenarios';

const caps = { maxRequests: 100_000, maxDurationSeconds: 1200 };

describe('parseDurationSeconds', () => {
  it('reads bare seconds and ms, s, m, h', () => {
    expect(['60', '90s', '1500ms', '5m', '1.5m', '1h'].map(parseDurationSeconds)).toEqual([60, 90, 1.5, 300, 90, 3600]);
  });
  it('rejects anything else', () => {
    expect(['5x', '', '-1s', '1 m', 's', '1e3'].map(parseDurationSeconds)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
  it('formats seconds for people', () => {
    expect([0.25, 1, 59.5, 1000, 1200, 7200].map(formatSeconds)).toEqual(['250 ms', '1 s', '59.5 s', '16 min 40 s', '20 min', '2 h']);
  });
});

describe('targetUrl', () => {
  it("adds the scenario's path to a URL without one and keeps a given path", () => {
    expect(targetUrl('http://10.0.0.1:8000', SCENARIOS['gke-50-users'])).toBe('http://10.0.0.1:8000/api/generate');
    expect(targetUrl('https://x.example/', SCENARIOS.baseline)).toBe('https://x.example/api/v1/inference');
    expect(targetUrl('https://x.example/v2/infer', SCENARIOS.baseline)).toBe('https://x.example/v2/infer');
  });
  it('hides a password', () => {
    expect(displayUrl('http://u:s3cret@x.example/a')).toBe('http://u:***@x.example/a');
  });
});

describe('planRun', () => {
  it('bounds a counted scenario by the time cap and a timed one by the request cap', () => {
    expect(planRun('http://h', SCENARIOS.sustained, caps)).toMatchObject({ amount: 100_000, amountIs: 'amount', durationSeconds: 1200, durationIs: 'time cap', overallRate: 100, connections: 50 });
    expect(planRun('http://h', SCENARIOS['gke-50-users'], caps)).toMatchObject({ amount: 100_000, amountIs: 'request cap', durationSeconds: 60, durationIs: 'duration', timeoutSeconds: 60 });
  });
  it('cuts a scenario count above a lowered cap to the cap', () => {
    expect(planRun('http://h', SCENARIOS.peak, { ...caps, maxRequests: 500 })).toMatchObject({ amount: 500, amountIs: 'request cap' });
  });
  it('applies the overrides and sends no body with GET', () => {
    const plan = planRun('http://h', SCENARIOS.baseline, { ...caps, users: 3, amount: 30, durationSeconds: 5, rate: 7, method: 'GET', timeoutSeconds: 2 });
    expect(plan).toEqual({ url: 'http://h/api/v1/inference', method: 'GET', headers: {}, connections: 3, amount: 30, amountIs: 'amount', durationSeconds: 5, durationIs: 'duration', overallRate: 7, timeoutSeconds: 2 });
  });
  it('opens no more connections than the rate, as autocannon does', () => {
    expect(planRun('http://h', SCENARIOS.sustained, { ...caps, rate: 20 }).connections).toBe(20);
  });
  it('replaces the body with --body', () => {
    expect(planRun('http://h', SCENARIOS.baseline, { ...caps, body: '{"a":1}' })).toMatchObject({ body: '{"a":1}', headers: { 'content-type': 'application/json' } });
  });
});
