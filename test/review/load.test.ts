import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSource, parseSource, ReviewInputError } from '../../src/review/load';
import { commitAll, git, newRepo, removeRepo, writeRepoFile } from './repo';

const cm = (name: string, ns = 'default') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  k: v\n`;
const errorOf = (fn: () => unknown): ReviewInputError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ReviewInputError) return e;
    throw e;
  }
  throw new Error('expected a ReviewInputError');
};

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeRepo));
function repoWith(files: Record<string, string>): string {
  const repo = newRepo();
  dirs.push(repo);
  for (const [p, t] of Object.entries(files)) writeRepoFile(repo, p, t);
  commitAll(repo, 'first');
  return repo;
}

describe('parseSource', () => {
  it('reads git:<ref> as the dist/ folder of the ref and git:<ref>:<path> as another path', () => {
    expect(parseSource('base', 'git:HEAD~1')).toEqual({ type: 'git', ref: 'HEAD~1', path: 'dist' });
    expect(parseSource('head', 'git:origin/main:deploy/manifests/')).toEqual({ type: 'git', ref: 'origin/main', path: 'deploy/manifests' });
    expect(parseSource('head', 'dist/')).toEqual({ type: 'path', path: 'dist/' });
  });

  it('refuses an empty ref, a ref starting with "-" and a path leaving the repository', () => {
    expect(errorOf(() => parseSource('base', 'git:')).message).toBe('base (git:): the git ref is empty; write git:<ref> (git:HEAD~1, git:main) or git:<ref>:<path>');
    expect(errorOf(() => parseSource('head', 'git:--output=x')).message).toBe('head (git:--output=x): the git ref "--output=x" starts with "-"; name a branch, tag or commit');
    expect(errorOf(() => parseSource('head', 'git:HEAD:../x')).message).toBe('head (git:HEAD:../x): the path "../x" must stay inside the repository (relative to its top folder, no "..")');
  });
});

describe('loadSource from git', () => {
  it('reads every *.yaml / *.yml under dist/ of a ref, recursively, without touching the work tree', () => {
    const repo = repoWith({ 'dist/a.k8s.yaml': `${cm('a')}---\n${cm('b')}`, 'dist/sub/c.yml': cm('c'), 'dist/README.md': '# not a manifest', 'other/d.yaml': cm('d') });
    writeRepoFile(repo, 'dist/a.k8s.yaml', cm('changed-in-work-tree'));
    const set = loadSource('head', 'git:HEAD', repo);
    expect(set.objects.map((o) => `${o.file}:${o.line} ${o.id.name}`)).toEqual(['a.k8s.yaml:1 a', 'a.k8s.yaml:9 b', 'sub/c.yml:1 c']);
    expect(loadSource('head', 'git:HEAD:other', repo).objects.map((o) => o.id.name)).toEqual(['d']);
    expect(loadSource('head', 'git:HEAD:other/d.yaml', repo).objects.map((o) => o.id.name)).toEqual(['d']);
    expect(git(repo, 'status', '--porcelain')).toBe(' M dist/a.k8s.yaml\n');
  });

  it('says which side, which ref and why when the ref names no commit', () => {
    const repo = repoWith({ 'dist/a.yaml': cm('a') });
    const e = errorOf(() => loadSource('base', 'git:no-such-branch', repo));
    expect(e.side).toBe('base');
    expect(e.message).toBe(
      `base (git:no-such-branch): git ref "no-such-branch" names no commit in the repository at ${git(repo, 'rev-parse', '--show-toplevel').trim()}; check the branch, tag or commit (git fetch it first in a shallow CI clone)`,
    );
  });

  it('says so when the ref has no dist/ folder, or the folder holds no manifest', () => {
    const repo = repoWith({ 'deploy/a.txt': 'x' });
    expect(errorOf(() => loadSource('head', 'git:HEAD', repo)).message).toMatch(
      /^head \(git:HEAD\): "dist" does not exist at HEAD \([0-9a-f]{12}\); commit the synthesized manifests \(cdk8s synth\) or name their folder as git:<ref>:<path>$/,
    );
    expect(errorOf(() => loadSource('head', 'git:HEAD:deploy', repo)).message).toMatch(/^head \(git:HEAD:deploy\): no \*\.yaml or \*\.yml file under "deploy" at HEAD \([0-9a-f]{12}\)$/);
  });

  it('says so when the working folder is not in a git repository', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aii-nogit-'));
    dirs.push(dir);
    expect(errorOf(() => loadSource('base', 'git:HEAD', dir)).message).toMatch(new RegExp(`^base \\(git:HEAD\\): ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not inside a git repository \\(git: fatal: not a git repository`));
  });
});

describe('loadSource from the filesystem', () => {
  it('reads a file or a folder, skips documents that are not Kubernetes objects and expands Lists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aii-fs-'));
    dirs.push(dir);
    writeRepoFile(dir, 'dist/a.yaml', `${cm('a')}---\n# empty\n---\nrules: []\n`);
    writeRepoFile(dir, 'dist/helm/values.yaml', 'rules:\n  custom: []\n');
    writeRepoFile(dir, 'dist/list.yaml', 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata: { name: s }\n---\napiVersion: v1\nkind: List\n');
    const set = loadSource('head', 'dist', dir);
    expect(set.objects.map((o) => `${o.id.kind} ${o.id.name}`)).toEqual(['ConfigMap a', 'Secret s']);
    expect(set.skipped).toEqual([
      { file: 'a.yaml', line: 11, reason: 'not a Kubernetes object (no apiVersion and kind)' },
      { file: 'helm/values.yaml', line: 1, reason: 'not a Kubernetes object (no apiVersion and kind)' },
    ]);
    expect(loadSource('head', 'dist/a.yaml', dir).objects.map((o) => o.file)).toEqual(['a.yaml']);
  });

  it('names the side, the path and the reason for a missing path and invalid YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aii-fs-'));
    dirs.push(dir);
    expect(errorOf(() => loadSource('head', 'nope', dir)).message).toBe(`head (nope): no file or folder at ${join(dir, 'nope')}`);
    writeRepoFile(dir, 'bad.yaml', 'apiVersion: v1\nkind: [unclosed\n');
    expect(errorOf(() => loadSource('base', 'bad.yaml', dir)).message).toMatch(/^base \(bad\.yaml\): bad\.yaml:\d+ is not valid YAML \(/);
    rmSync(join(dir, 'bad.yaml'));
    expect(errorOf(() => loadSource('base', '.', dir)).message).toBe(`base (.): no *.yaml or *.yml file under ${dir}`);
  });
});
