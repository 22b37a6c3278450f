import { Size } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { run, summary } from '../../src/cli/diff';
import { memoryIo } from '../../src/cli/io';
import { eksNlbSpec, removeRepo, twoCommits } from '../review/repo';

const ROOT = join(__dirname, '..', '..');
const repos: string[] = [];
afterAll(() => repos.forEach(removeRepo));

async function diff(cwd: string, ...args: string[]) {
  const io = memoryIo({ cwd });
  const code = await run(args, io);
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
}

describe('cdk8s-ai-inference diff', () => {
  let rename: string;
  let grow: string;
  let same: string;
  beforeAll(() => {
    rename = twoCommits(eksNlbSpec, { ...eksNlbSpec, release: 'chat' });
    grow = twoCommits(eksNlbSpec, { ...eksNlbSpec, storage: { ...eksNlbSpec.storage!, data: { ...eksNlbSpec.storage!.data!, size: Size.gibibytes(30) } } });
    same = twoCommits(eksNlbSpec, eksNlbSpec);
    repos.push(rename, grow, same);
  });

  it('is dispatched by the cdk8s-ai-inference command (a real process, exit code included)', () => {
    // main() loads command modules with require(), which resolves .ts files under tsx, not under vitest.
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, join(ROOT, 'src/cli/main.ts'), 'diff', ...args], { cwd: rename, encoding: 'utf8' });
    const r = cli('git:HEAD~1', 'git:HEAD');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Findings: 3 destructive, 1 interrupting, 0 notice');
    expect(cli('git:HEAD~1', 'git:HEAD', '--fail-on', 'never').status).toBe(0);
  });

  it('has a one-line summary for the command list', () => {
    expect(summary).toBe('Compare two sets of manifests (files, folders or git:<ref>) and flag changes that destroy or interrupt');
  });

  it('exits 1 on a destructive finding with --fail-on destructive (the default), and prints the findings', async () => {
    const r = await diff(rename, 'git:HEAD~1', 'git:HEAD');
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(r.out).toContain('Findings: 3 destructive, 1 interrupting, 0 notice');
    expect(r.out).toContain('DESTRUCTIVE AII-D002 load-balancer-deleted: Service pixelated-prod/ai-inference-lb\n  renamed to Service pixelated-prod/chat-lb: its load balancer is deleted; a new one gets a new DNS name');
    expect((await diff(rename, 'git:HEAD~1', 'git:HEAD', '--fail-on', 'destructive')).code).toBe(1);
  });

  it('exits per --fail-on: destructive only for destructive findings, any for any change, never not at all', async () => {
    const codes = async (repo: string) => Promise.all(['destructive', 'any', 'never'].map(async (f) => (await diff(repo, 'git:HEAD~1', 'git:HEAD', `--fail-on=${f}`)).code));
    expect(await codes(rename)).toEqual([1, 1, 0]);
    expect(await codes(grow)).toEqual([0, 1, 0]);
    expect(await codes(same)).toEqual([0, 0, 0]);
  });

  it('writes a pull-request comment with --format markdown: summary table, findings (destructive first), details', async () => {
    const { out, code } = await diff(rename, 'git:HEAD~1', 'git:HEAD', '--format', 'markdown');
    expect(code).toBe(1);
    const lines = out.split('\n');
    expect(lines[0]).toBe('### cdk8s-ai-inference diff');
    expect(out).toContain('**base** `git:HEAD~1` (16 objects) → **head** `git:HEAD` (16 objects): 15 renamed, 1 unchanged.');
    const table = lines.indexOf('| Object | Change | Findings |');
    const findings = lines.indexOf('#### Findings');
    const details = lines.indexOf('#### Details');
    expect(table).toBeGreaterThan(0);
    expect(findings).toBeGreaterThan(table);
    expect(details).toBeGreaterThan(findings);
    // Rows with destructive findings come first.
    expect(lines.slice(table + 2, table + 5).map((l) => l.split(' | ')[2])).toEqual(['destructive AII-D001 |', 'destructive AII-D001 |', 'destructive AII-D002 |']);
    const findingLines = lines.slice(findings + 2, details - 1).filter((l) => l.startsWith('- '));
    expect(findingLines.map((l) => l.split(' ')[1])).toEqual(['**destructive**', '**destructive**', '**destructive**', 'interrupting']);
    expect(out).toContain('<summary>Service pixelated-prod/ai-inference-lb -&gt; Service pixelated-prod/chat-lb: renamed (100 % alike after the name mapping), 3 field changes</summary>');
    expect(out).toContain('```diff\n@@ metadata.labels["app.kubernetes.io/instance"] (changed)\n- "ai-inference"\n+ "chat"\n');
  });

  it('writes the report as JSON with --format json', async () => {
    const { out } = await diff(grow, 'git:HEAD~1', 'git:HEAD', '--format', 'json');
    const report = JSON.parse(out);
    expect(report.summary).toEqual({ added: 0, removed: 0, renamed: 0, changed: 1, unchanged: 15 });
    expect(report.findingCounts).toEqual({ destructive: 0, interrupting: 0, notice: 1 });
    expect(report.findings[0]).toMatchObject({ id: 'AII-D022', rule: 'pvc-grow', level: 'notice', object: 'PersistentVolumeClaim pixelated-prod/ai-inference-data', old: '20Gi', new: '30Gi' });
    expect(report.objects[0].changes).toEqual([{ op: 'changed', path: 'spec.resources.requests.storage', old: '20Gi', new: '30Gi' }]);
  });

  it('compares a folder with a git ref', async () => {
    const r = await diff(grow, 'git:HEAD~1', 'dist');
    expect(r.code).toBe(0);
    expect(r.out).toContain('base git:HEAD~1 (16 objects) -> head dist (16 objects)');
    expect(r.out).toContain('~ PersistentVolumeClaim pixelated-prod/ai-inference-data: changed, 1 field [eks-nlb.k8s.yaml]');
  });

  it('exits 2 with the reason for bad arguments', async () => {
    const cases: [string[], string][] = [
      [[], 'needs two sources, <base> and <head> (got 0)'],
      [['git:HEAD'], 'needs two sources, <base> and <head> (got 1)'],
      [['a', 'b', 'c'], 'takes two sources, <base> and <head> (got 3: a b c)'],
      [['a', 'b', '--format', 'html'], '--format "html" is not one of text, markdown, json'],
      [['a', 'b', '--fail-on', 'warning'], '--fail-on "warning" is not one of destructive, any, never'],
      [['a', 'b', '--format'], '--format needs a value'],
      [['a', 'b', '--colour'], 'unknown option "--colour"'],
    ];
    for (const [args, message] of cases) {
      const r = await diff(same, ...args);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.split('\n')[0]).toBe(`cdk8s-ai-inference diff: ${message}`);
      expect(r.err).toContain('Usage: cdk8s-ai-inference diff <base> <head>');
    }
  });

  it('exits 2 naming the side and the ref when a ref is missing', async () => {
    const r = await diff(same, 'git:HEAD~1', 'git:feature/missing');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^cdk8s-ai-inference diff: head \(git:feature\/missing\): git ref "feature\/missing" names no commit in the repository at .+; check the branch, tag or commit/);
    const base = await diff(same, 'git:HEAD~5', 'git:HEAD');
    expect(base.err).toMatch(/^cdk8s-ai-inference diff: base \(git:HEAD~5\): git ref "HEAD~5" names no commit/);
  });

  it('prints its usage with --help and exits 0', async () => {
    const r = await diff(same, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Exit codes: 0 nothing to fail on, 1 the --fail-on condition holds, 2 bad arguments or unreadable input.');
  });
});
