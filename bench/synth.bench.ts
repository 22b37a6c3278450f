/**
 * Fleet synthesis benchmark (issue 11). Run: npm run bench
 *
 * For fleets of N services (BENCH_SIZES, default 1,10,100,500) it measures the library (N
 * AiInferenceCharts, the full examples/eks-nlb spec each, distinct release and namespace, in
 * one cdk8s App) against the hand-written equivalent (the same objects as plain cdk8s
 * ApiObjects, from the library's own output for one service, re-labelled per service; see
 * bench/fleet.ts). Every measurement is a fresh `node` process running bench/worker.js,
 * transpiled once up front into .tmp/bench-js (no loader in the measured process); this
 * process only orchestrates. Pairs alternate (library, hand-written, library, ...), BENCH_RUNS
 * repetitions (default 3), medians. The first pair of each N writes its files into temporary
 * folders and they are compared byte for byte before any timing counts: a difference stops
 * the benchmark.
 *
 * It prints figures and which issue-11 targets they meet; it asserts nothing about speed.
 *
 * BENCH_PROFILE=<N>: after the table, one more library worker of N services runs under
 * `node --cpu-prof`; the self time of its hottest functions and packages is printed (the
 * profile stays in .tmp/bench-prof for Chrome DevTools).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';
import { compareOutputs } from './fleet';

const ROOT = join(__dirname, '..');
const JS_OUT = join(ROOT, '.tmp', 'bench-js');
const SIZES = (process.env.BENCH_SIZES ?? '1,10,100,500').split(',').map((s) => Number(s.trim()));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(RUNS) || RUNS < 1) {
  throw new Error(`BENCH_SIZES must be positive integers (got ${process.env.BENCH_SIZES}) and BENCH_RUNS a positive integer (got ${process.env.BENCH_RUNS})`);
}

/** Transpiles (no type check: `npm test` does that) every .ts the worker can load into JS_OUT. */
function transpileAll(): number {
  const start = Date.now();
  const configFile = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  rmSync(JS_OUT, { recursive: true, force: true });
  for (const file of parsed.fileNames) {
    const rel = relative(ROOT, file);
    if (!/^(src|imports|examples|bench)\//.test(rel) || rel.endsWith('.d.ts')) continue;
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { ...parsed.options, declaration: false, sourceMap: false, inlineSourceMap: false },
      fileName: file,
    });
    const out = join(JS_OUT, rel.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  return Date.now() - start;
}

interface WorkerResult {
  mode: string;
  n: number;
  bootMs: number;
  loadMs: number;
  buildMs: number;
  synthMs: number;
  maxRssKiB: number;
}
interface Measurement extends WorkerResult {
  wallMs: number;
}

const workerEnv = { ...process.env };
// The measured process gets no preloaded loader or flags from the environment.
delete workerEnv.NODE_OPTIONS;

function runWorker(args: string[], nodeFlags: string[] = []): Measurement {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--disable-warning=AI_INFERENCE', ...nodeFlags, join(JS_OUT, 'bench', 'worker.js'), ...args], {
    cwd: ROOT,
    env: workerEnv,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`worker ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (args[0] === 'template') return { mode: 'template', n: 1, bootMs: 0, loadMs: 0, buildMs: 0, synthMs: 0, maxRssKiB: 0, wallMs };
  if (!line) throw new Error(`worker ${args.join(' ')} printed no result:\n${r.stdout}\n${r.stderr}`);
  return { ...(JSON.parse(line.slice('BENCH_RESULT '.length)) as WorkerResult), wallMs };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function sh(cmd: string, args: string[]): string {
  return spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
}

function dirBytes(d: string): number {
  return readdirSync(d).reduce((sum, f) => sum + statSync(join(d, f)).size, 0);
}

const transpileMs = transpileAll();
const tmp = mkdtempSync(join(tmpdir(), 'ai-inference-bench-'));
const commit = sh('git', ['rev-parse', '--short', 'HEAD']);
const dirty = sh('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'examples', 'bench', 'imports']) !== '';
console.log(`# fleet synthesis benchmark`);
console.log(`commit ${commit}${dirty ? ' + uncommitted changes in src/examples/bench/imports' : ''}; node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? '?'}; ${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
console.log(`sizes ${SIZES.join(', ')}; ${RUNS} run(s) per variant and size; transpiled in ${transpileMs} ms`);
// Other processes on the machine skew every figure: the load average says whether there were any.
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`load average at start: ${load()}`);

try {
  const templateDir = join(tmp, 'template');
  runWorker(['template', '1', templateDir]);
  const templateFile = join(templateDir, 'template.json');
  // One discarded pair: the first processes also warm the OS file cache.
  for (const mode of ['library', 'hand-written']) {
    const d = join(tmp, `warm-${mode}`);
    runWorker([mode, '1', d, templateFile]);
    rmSync(d, { recursive: true, force: true });
  }

  const results = new Map<number, { library: Measurement[]; hand: Measurement[]; bytes: number }>();
  for (const n of SIZES) {
    const entry = { library: [] as Measurement[], hand: [] as Measurement[], bytes: 0 };
    results.set(n, entry);
    for (let r = 0; r < RUNS; r++) {
      const libDir = join(tmp, `lib-${n}-${r}`);
      const handDir = join(tmp, `hand-${n}-${r}`);
      const lib = runWorker(['library', String(n), libDir]);
      const hand = runWorker(['hand-written', String(n), handDir, templateFile]);
      if (r === 0) {
        const problems = compareOutputs(libDir, handDir);
        if (problems.length > 0) {
          console.error(`N=${n}: the hand-written output is not byte-identical to the library's; no timing counts:\n  ${problems.slice(0, 10).join('\n  ')}`);
          process.exitCode = 1;
          throw new Error('outputs differ');
        }
        entry.bytes = dirBytes(libDir);
        console.log(`N=${n}: ${readdirSync(libDir).length} files, ${(entry.bytes / 1e6).toFixed(1)} MB, byte-identical`);
      }
      rmSync(libDir, { recursive: true, force: true });
      rmSync(handDir, { recursive: true, force: true });
      entry.library.push(lib);
      entry.hand.push(hand);
    }
  }

  const s = (ms: number) => (ms / 1000).toFixed(2);
  const mb = (kib: number) => ((kib * 1024) / 1e6).toFixed(0);
  const summary = (ms: Measurement[], n: number) => {
    const wall = median(ms.map((m) => m.wallMs));
    const build = median(ms.map((m) => m.buildMs));
    const synth = median(ms.map((m) => m.synthMs));
    const load = median(ms.map((m) => m.loadMs));
    const rss = median(ms.map((m) => m.maxRssKiB));
    const perService = median(ms.map((m) => (m.buildMs + m.synthMs) / n));
    return { wall, build, synth, load, rss, perService };
  };
  console.log('');
  console.log('Medians. wall: the whole worker process (spawn to exit); load: requiring cdk8s (and the library); build: constructing the charts; synth: app.synth() writing the files; ms/svc: (build + synth) / N; RSS: peak (maxRSS).');
  console.log('');
  console.log('| N | library wall | load | build | synth | peak RSS | ms/svc | hand-written wall | load | build | synth | peak RSS | ms/svc | ratio wall | ratio build+synth |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const byN = new Map<number, { lib: ReturnType<typeof summary>; hand: ReturnType<typeof summary> }>();
  for (const [n, e] of results) {
    const lib = summary(e.library, n);
    const hand = summary(e.hand, n);
    byN.set(n, { lib, hand });
    const f = (x: ReturnType<typeof summary>) =>
      `${s(x.wall)} s | ${x.load.toFixed(0)} ms | ${x.build.toFixed(0)} ms | ${x.synth.toFixed(0)} ms | ${mb(x.rss)} MB | ${x.perService.toFixed(2)}`;
    console.log(`| ${n} | ${f(lib)} | ${f(hand)} | ${(lib.wall / hand.wall).toFixed(2)} | ${((lib.build + lib.synth) / (hand.build + hand.synth)).toFixed(2)} |`);
  }

  console.log(`load average at end: ${load()}`);
  console.log('');
  console.log('Issue-11 targets (reported, not asserted):');
  const at500 = byN.get(500);
  const at100 = byN.get(100);
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  if (at500) {
    const ratio = at500.lib.wall / at500.hand.wall;
    console.log(`- N=500 wall ratio library / hand-written ${ratio.toFixed(2)} (target ≤ 1.3): ${verdict(ratio <= 1.3)}`);
    const rssMb = (at500.lib.rss * 1024) / 1e6;
    console.log(`- N=500 library peak RSS ${rssMb.toFixed(0)} MB (target ≤ 400 MB): ${verdict(rssMb <= 400)}`);
  } else console.log('- N=500 not measured (BENCH_SIZES): ratio and RSS targets not evaluated');
  if (at500 && at100) {
    const growth = at500.lib.perService / at100.lib.perService;
    console.log(`- library ms/service at 500 / at 100 = ${at500.lib.perService.toFixed(2)} / ${at100.lib.perService.toFixed(2)} = ${growth.toFixed(2)} (target ≤ 1.2): ${verdict(growth <= 1.2)}`);
  } else console.log('- N=100 and N=500 not both measured: growth target not evaluated');

  const profileN = process.env.BENCH_PROFILE ? Number(process.env.BENCH_PROFILE) : undefined;
  if (profileN) profile(profileN, join(tmp, 'profiled'));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  startTime: number;
  endTime: number;
  samples: number[];
}

/** One library worker of `n` services under --cpu-prof; prints where its time goes (self time). */
function profile(n: number, outdir: string): void {
  const dir = join(ROOT, '.tmp', 'bench-prof');
  rmSync(dir, { recursive: true, force: true });
  const m = runWorker(['library', String(n), outdir], ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const prof = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const msPerSample = (prof.endTime - prof.startTime) / 1000 / Math.max(1, prof.samples.length);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of prof.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^file:\/\//, '');
    const nm = where.indexOf('/node_modules/');
    const rel = where.startsWith(JS_OUT) ? relative(JS_OUT, where) : nm >= 0 ? where.slice(nm + 1) : where.startsWith(ROOT) ? relative(ROOT, where) : where || '(native)';
    const fn = `${functionName || '(anonymous)'} ${rel}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel)?.[1] ?? (rel.includes('/') ? rel.split('/')[0] + '/' : rel);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, hits]) => `  ${(hits * msPerSample).toFixed(0).padStart(7)} ms  ${name}`);
  console.log('');
  console.log(`Profile: library, N=${n}, wall ${(m.wallMs / 1000).toFixed(2)} s (build ${m.buildMs.toFixed(0)} ms, synth ${m.synthMs.toFixed(0)} ms) under --cpu-prof; ${join('.tmp', 'bench-prof', file)}`);
  console.log('Self time by package or folder:');
  console.log(top(byPackage, 10).join('\n'));
  console.log('Self time by function:');
  console.log(top(byFunction, 20).join('\n'));
}
