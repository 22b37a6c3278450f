/**
 * One measurement, in a fresh process (spawned by bench/synth.bench.ts, never run by hand):
 *
 *   node worker.js <library|hand-written|template> <N> <outdir> [template.json]
 *
 * library: N AiInferenceCharts in one App; hand-written: the same objects as plain
 * ApiObjects from the template; template: writes service 0's library output as JSON to
 * <outdir>/template.json. Prints one line `BENCH_RESULT <json>` with the phases in ms and
 * the peak RSS (process.resourceUsage().maxRSS, in KiB per Node's docs).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const [mode, nArg, outdir, templateFile] = process.argv.slice(2);
const n = Number(nArg);
if (!['library', 'hand-written', 'template'].includes(mode) || !(n >= 1) || !outdir) {
  throw new Error(`usage: worker <library|hand-written|template> <N> <outdir> [template.json]; got ${process.argv.slice(2).join(' ')}`);
}

const t0 = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fleet = require('./fleet') as typeof import('./fleet');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { App, YamlOutputType } = require('cdk8s') as typeof import('cdk8s');
let template: import('./fleet').Template = [];
let lib: import('./fleet').LibraryModules | undefined;
if (mode === 'hand-written') {
  template = JSON.parse(readFileSync(templateFile, 'utf8'));
} else {
  // The library and the example spec: their module loading is the library's, not the build's.
  lib = {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    AiInferenceChart: (require('../src') as typeof import('../src')).AiInferenceChart,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    eksNlbSpec: (require('../examples/eks-nlb/spec') as typeof import('../examples/eks-nlb/spec')).eksNlbSpec,
  };
}
const t1 = performance.now();

if (mode === 'template') {
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, 'template.json'), JSON.stringify(fleet.libraryTemplate(lib!)));
  process.exit(0);
}

const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
if (mode === 'library') fleet.buildLibraryFleet(app, n, lib!);
else fleet.buildHandWrittenFleet(app, n, template);
const t2 = performance.now();
app.synth();
const t3 = performance.now();

const result = {
  mode,
  n,
  // From Node's time origin (process start) to the worker's first line: the runtime's boot.
  bootMs: t0,
  loadMs: t1 - t0,
  buildMs: t2 - t1,
  synthMs: t3 - t2,
  maxRssKiB: process.resourceUsage().maxRSS,
};
process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
