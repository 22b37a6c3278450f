import { describe, expect, it } from 'vitest';
import { SCENARIOS, SCENARIO_NAMES } from '../../src/loadtest/scenarios';

const limits = (name: string) => Object.fromEntries(SCENARIOS[name].thresholds.map((t) => [t.metric, `${t.op} ${t.limit}`]));

describe('SCENARIOS', () => {
  it('lists the four scenarios of the seeds', () => {
    expect(SCENARIO_NAMES).toEqual(['baseline', 'peak', 'sustained', 'gke-50-users']);
  });

  it("sends seed 000's hey commands: requests, concurrency, rate, body", () => {
    expect(SCENARIOS.baseline).toMatchObject({ amount: 1000, connections: 10, method: 'POST', path: '/api/v1/inference' });
    expect(SCENARIOS.peak).toMatchObject({ amount: 10_000, connections: 100 });
    expect(SCENARIOS.sustained).toMatchObject({ amount: 100_000, connections: 50, overallRate: 100 });
    for (const name of ['baseline', 'peak', 'sustained']) {
      expect(JSON.parse(SCENARIOS[name].body!)).toEqual({ conversation_context: [], user_input: 'Hello' });
      expect(SCENARIOS[name].headers).toEqual({ 'content-type': 'application/json' });
    }
  });

  it("judges by seed 000's expected results (milliseconds, ratios, req/s)", () => {
    expect(limits('baseline')).toEqual({ p50: '< 300', p95: '< 1000', p99: '< 1500', errorRate: '< 0.001', throughput: '>= 100' });
    expect(limits('peak')).toEqual({ p50: '< 500', p95: '< 2000', p99: '< 3000', errorRate: '< 0.01', throughput: '>= 1000' });
    expect(limits('sustained')).toEqual({ p50: '< 400', p95: '< 1500', p99: '< 2500', errorRate: '< 0.005' });
  });

  it("runs seed 004's 50 users for 60 s against Ollama's generate API, judged by its measured ~2.7 s only", () => {
    const s = SCENARIOS['gke-50-users'];
    expect(s).toMatchObject({ connections: 50, durationSeconds: 60, path: '/api/generate', method: 'POST' });
    expect(s.amount).toBeUndefined();
    expect(JSON.parse(s.body!)).toEqual({ model: 'llama3.1:8b', prompt: 'Hello', stream: false });
    expect(limits('gke-50-users')).toEqual({ mean: '<= 2700' });
  });
});
