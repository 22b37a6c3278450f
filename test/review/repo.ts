/**
 * Test support for `diff`: real git repositories in temporary folders, holding a dist/ the
 * library synthesized (one chart per commit), so sources are read as `git:<ref>` the way CI does.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { App, YamlOutputType } from 'cdk8s';
import { parseAllDocuments, stringify } from 'yaml';
import { AiInferenceChart, AiInferenceSpec } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';

export { eksNlbSpec };

/** Runs git in `cwd` (no global config needed: identity given per command). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A new, empty git repository in a temporary folder. */
export function newRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aii-diff-'));
  git(dir, 'init', '-q');
  return dir;
}

/** Replaces `<repo>/dist` with a fresh synth of the eks-nlb chart for `spec` (what `cdk8s synth` writes). */
export function synthDist(repo: string, spec: AiInferenceSpec, chartId = 'eks-nlb'): void {
  const outdir = join(repo, 'dist');
  rmSync(outdir, { recursive: true, force: true });
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  new AiInferenceChart(app, chartId, { spec });
  app.synth();
}

/** Writes a file under the repository (for hand-edited manifests). */
export function writeRepoFile(repo: string, path: string, text: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}

export function readRepoFile(repo: string, path: string): string {
  return readFileSync(join(repo, path), 'utf8');
}

export function commitAll(repo: string, message: string): void {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '--allow-empty', '-m', message);
}

/**
 * A repository with two commits: dist/ for `base`, then dist/ for `head` (a spec, or an edit
 * of the first commit's files). Compare `git:HEAD~1` with `git:HEAD`.
 */
export function twoCommits(base: AiInferenceSpec, head: AiInferenceSpec | ((repo: string) => void)): string {
  const repo = newRepo();
  synthDist(repo, base);
  commitAll(repo, 'base');
  if (typeof head === 'function') head(repo);
  else synthDist(repo, head);
  commitAll(repo, 'head');
  return repo;
}

/** Edits the text of `dist/eks-nlb.k8s.yaml`. */
export function editDist(repo: string, edit: (text: string) => string, file = 'dist/eks-nlb.k8s.yaml'): void {
  const before = readRepoFile(repo, file);
  const after = edit(before);
  if (after === before) throw new Error(`the edit changed nothing in ${file}`);
  writeRepoFile(repo, file, after);
}

export function removeRepo(repo: string): void {
  rmSync(repo, { recursive: true, force: true });
}

/** Parses `dist/eks-nlb.k8s.yaml`, lets `edit` change the objects, writes them back (yaml's own layout). */
export function editObjects(repo: string, edit: (objects: Record<string, any>[]) => void, file = 'dist/eks-nlb.k8s.yaml'): void {
  const docs = parseAllDocuments(readRepoFile(repo, file)).map((d) => d.toJS() as Record<string, any>);
  edit(docs);
  writeRepoFile(repo, file, docs.map((d) => stringify(d)).join('---\n'));
}

/** The one object of `kind` and `name` among `objects`. */
export function find(objects: Record<string, any>[], kind: string, name: string): Record<string, any> {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
}
