/**
 * Synthesis benchmark: how long one AiInferenceChart takes to build and synthesize, and
 * the heap it leaves. Prints figures; asserts nothing (speed is measured here, never in a
 * timed unit test). Run: npm run bench
 */
import { Testing } from 'cdk8s';
import { AiInferenceChart } from '../src';
import { eksNlbSpec } from '../examples/eks-nlb/spec';

function once(): number {
  const start = process.hrtime.bigint();
  Testing.synth(new AiInferenceChart(Testing.app(), 'bench', { spec: eksNlbSpec }));
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const coldMs = once();
const runs = Number(process.env.BENCH_RUNS ?? 50);
const times: number[] = [];
for (let i = 0; i < runs; i++) times.push(once());
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
global.gc?.();
const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
console.log(`eks-nlb chart synth: cold ${coldMs.toFixed(1)} ms; warm over ${runs} runs p50 ${pct(50).toFixed(1)} ms, p95 ${pct(95).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`);
console.log(`heap used after runs: ${heapMb.toFixed(1)} MiB; rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MiB`);
