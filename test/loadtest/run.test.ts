import { afterEach, describe, expect, it } from 'vitest';
import { planRun } from '../../src/loadtest/plan';
import { runLoad } from '../../src/loadtest/run';
import { SCENARIOS } from '../../src/loadtest/scenarios';
import { summarizeRun } from '../../src/loadtest/summary';
import { KNOWN, TestServer, startServer } from './server';

const caps = { maxRequests: 100_000, maxDurationSeconds: 20 * 60 };
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Within [truth - 1 ms, truth + KNOWN.toleranceMs]: see KNOWN for why. */
const within = (measured: number | undefined, truth: number) => {
  expect(measured).toBeGreaterThanOrEqual(truth - 1);
  expect(measured).toBeLessThanOrEqual(truth + KNOWN.toleranceMs);
};

describe('runLoad against a loopback server', () => {
  it('reports the p50, p95, p99 and error rate of a known distribution', async () => {
    server = await startServer(KNOWN);
    const plan = planRun(server.url, SCENARIOS.baseline, { ...caps, amount: 500, users: 20 });
    const summary = summarizeRun(await runLoad(plan));
    expect(server.received()).toBe(500);
    expect(summary.requests).toEqual({ total: 500, ok: 475, non2xx: 25, socketErrors: 0, timeouts: 0 });
    expect(summary.statusCodes).toEqual({ 200: 475, 500: 25 });
    within(summary.latencyMs?.p50, KNOWN.truth.p50);
    within(summary.latencyMs?.p95, KNOWN.truth.p95);
    within(summary.latencyMs?.p99, KNOWN.truth.p99);
    // The server decides by arrival order and the run sends exactly 500 requests: the error
    // rate is exact, no tolerance.
    expect(summary.errorRate).toBe(KNOWN.truth.errorRate);
    expect(summary.stoppedBy).toBe('amount');
  });

  it('sends the scenario body with its content type to the scenario path', async () => {
    server = await startServer({ delayMs: () => 0 });
    await runLoad(planRun(server.url, SCENARIOS.baseline, { ...caps, amount: 10 }));
    expect(server.seen[0]).toEqual({ method: 'POST', path: '/api/v1/inference', body: '{"conversation_context":[],"user_input":"Hello"}', contentType: 'application/json' });
  });

  it('stops at the duration of a timed scenario, bounded by the request cap', async () => {
    server = await startServer({ delayMs: () => 5 });
    const plan = planRun(server.url, SCENARIOS['gke-50-users'], { ...caps, users: 4, durationSeconds: 1 });
    expect(plan).toMatchObject({ amount: 100_000, amountIs: 'request cap', durationSeconds: 1, durationIs: 'duration' });
    const summary = summarizeRun(await runLoad(plan));
    expect(summary.stoppedBy).toBe('duration');
    expect(summary.elapsedSeconds).toBeGreaterThan(0.8);
    expect(summary.elapsedSeconds).toBeLessThan(2);
    expect(summary.requests.total).toBeGreaterThan(50);
  });

  it('stops at the request cap when it comes before the duration', async () => {
    server = await startServer({ delayMs: () => 0 });
    const summary = summarizeRun(await runLoad(planRun(server.url, SCENARIOS['gke-50-users'], { maxRequests: 40, maxDurationSeconds: 60, users: 4 })));
    expect(summary.stoppedBy).toBe('request cap');
    expect(server.received()).toBe(40);
  });

  it('stops at the time cap when the count is not reached', async () => {
    server = await startServer({ delayMs: () => 300 });
    const plan = planRun(server.url, SCENARIOS.baseline, { maxRequests: 1000, maxDurationSeconds: 1, users: 2 });
    const summary = summarizeRun(await runLoad(plan));
    expect(summary.stoppedBy).toBe('time cap');
    expect(summary.requests.total).toBeLessThan(10);
  });

  it('counts refused connections as errors and ends at the amount instead of waiting for the time cap', async () => {
    // A port that was just free: nothing listens there.
    server = await startServer({ delayMs: () => 0 });
    const url = server.url;
    await server.close();
    server = undefined;
    const started = Date.now();
    const summary = summarizeRun(await runLoad(planRun(url, SCENARIOS.baseline, { ...caps, amount: 20, users: 2, maxDurationSeconds: 30 })));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(summary.requests.socketErrors).toBeGreaterThanOrEqual(20);
    expect(summary.errorRate).toBe(1);
    expect(summary.latencyMs).toBeUndefined();
  });
});
