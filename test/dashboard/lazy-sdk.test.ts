import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

/**
 * Runs `steps` in a fresh Node process (the same tsx require hook as `npm run synth`) and
 * returns, after each step, how many Grafana Foundation SDK modules are loaded.
 */
function sdkModulesAfter(steps: readonly string[]): number[] {
  const script = [
    "const loaded = () => Object.keys(require.cache).filter((f) => f.includes('grafana-foundation-sdk')).length;",
    'const counts = [];',
    ...steps.map((step) => `${step}; counts.push(loaded());`),
    'console.log(JSON.stringify(counts));',
  ].join('\n');
  const result = spawnSync(process.execPath, ['--disable-warning=AI_INFERENCE', '--require', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as number[];
}

describe('the Grafana Foundation SDK', () => {
  it('is not loaded by the package, nor by a chart without a dashboard; it is loaded when a dashboard is built', () => {
    const counts = sdkModulesAfter([
      "const lib = require('./src'); const { App } = require('cdk8s'); const { eksNlbSpec } = require('./examples/eks-nlb/spec')",
      "new lib.AiInferenceChart(new App(), 'no-dashboard', { spec: { ...eksNlbSpec, monitoring: { ...eksNlbSpec.monitoring, dashboard: false } } })",
      "new lib.AiInferenceChart(new App(), 'dashboard', { spec: eksNlbSpec })",
    ]);
    expect(counts[0]).toBe(0);
    expect(counts[1]).toBe(0);
    expect(counts[2]).toBeGreaterThan(0);
  });
});
