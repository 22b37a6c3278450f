/**
 * Sources -> objects. A side of `diff` is a manifest file, a folder (every *.yaml / *.yml under
 * it, recursively), or `git:<ref>[:<path>]`: the files of that commit, read with `git ls-tree`
 * and `git show` from the repository at the working directory, without a checkout (the working
 * tree, the index and HEAD stay as they are).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { K8sObject, LoadedObject, ManifestSet, ObjectId, Side, SkippedDocument } from './types';

/** The folder a bare `git:<ref>` reads: where `cdk8s synth` writes (cdk8s.yaml `output: dist`). */
export const DEFAULT_GIT_PATH = 'dist';

/** A source that cannot be read: which side, what was asked for, and why. */
export class ReviewInputError extends Error {
  constructor(
    readonly side: Side,
    readonly source: string,
    detail: string,
  ) {
    super(`${side} (${source}): ${detail}`);
    this.name = 'ReviewInputError';
  }
}

/** A parsed source argument. */
export type SourceSpec = { readonly type: 'path'; readonly path: string } | { readonly type: 'git'; readonly ref: string; readonly path: string };

/**
 * Reads a source argument: `git:<ref>` (the dist/ folder of that ref), `git:<ref>:<path>` (a
 * file or folder of that ref, relative to the repository's top folder), or a filesystem path.
 * A git ref cannot contain `:` (git-check-ref-format), so the first `:` after the ref ends it.
 */
export function parseSource(side: Side, arg: string): SourceSpec {
  if (arg === '') throw new ReviewInputError(side, arg, 'the source is empty; give a file, a folder or git:<ref>');
  if (!arg.startsWith('git:')) return { type: 'path', path: arg };
  const rest = arg.slice('git:'.length);
  const colon = rest.indexOf(':');
  const ref = colon < 0 ? rest : rest.slice(0, colon);
  const rawPath = colon < 0 ? DEFAULT_GIT_PATH : rest.slice(colon + 1);
  if (ref === '') throw new ReviewInputError(side, arg, 'the git ref is empty; write git:<ref> (git:HEAD~1, git:main) or git:<ref>:<path>');
  if (ref.startsWith('-')) throw new ReviewInputError(side, arg, `the git ref "${ref}" starts with "-"; name a branch, tag or commit`);
  const path = rawPath.replace(/^\.\/+/, '').replace(/\/+$/, '');
  if (path === '' || path === '.') return { type: 'git', ref, path: '' };
  if (path.startsWith('/') || path.split('/').includes('..')) {
    throw new ReviewInputError(side, arg, `the path "${rawPath}" must stay inside the repository (relative to its top folder, no "..")`);
  }
  return { type: 'git', ref, path };
}

/** Loads one side. `cwd` is where relative paths resolve and where the git repository is found. */
export function loadSource(side: Side, arg: string, cwd: string): ManifestSet {
  const spec = parseSource(side, arg);
  const files = spec.type === 'path' ? readPathFiles(side, arg, resolve(cwd, spec.path)) : readGitFiles(side, arg, spec, cwd);
  const objects: LoadedObject[] = [];
  const skipped: SkippedDocument[] = [];
  for (const f of files) parseManifest(side, arg, f.name, f.text, objects, skipped);
  return { side, source: arg, objects, skipped };
}

interface SourceFile {
  /** Relative to the source's folder. */
  readonly name: string;
  readonly text: string;
}

const MANIFEST_FILE = /\.ya?ml$/i;

function readPathFiles(side: Side, arg: string, path: string): SourceFile[] {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReviewInputError(side, arg, code === 'ENOENT' ? `no file or folder at ${path}` : `cannot read ${path} (${code ?? (e as Error).message})`);
  }
  if (stat.isFile()) return [{ name: basename(path), text: readText(side, arg, path) }];
  if (!stat.isDirectory()) throw new ReviewInputError(side, arg, `${path} is neither a file nor a folder`);
  const names = walk(path).sort();
  if (names.length === 0) throw new ReviewInputError(side, arg, `no *.yaml or *.yml file under ${path}`);
  return names.map((name) => ({ name: name.split(sep).join('/'), text: readText(side, arg, join(path, name)) }));
}

/** Files under `root` (relative paths); skips dot folders and node_modules. */
function walk(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(root, full));
    else if (entry.isFile() && MANIFEST_FILE.test(entry.name)) out.push(relative(root, full));
  }
  return out;
}

function readText(side: Side, arg: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ReviewInputError(side, arg, `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Runs git in `cwd` (no shell): its stdout, or the first line of its error. */
function git(cwd: string, args: string[]): { ok: true; out: string } | { ok: false; err: string } {
  try {
    const out = execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
    return { ok: true, out };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') return { ok: false, err: 'git is not installed (no git on PATH)' };
    return { ok: false, err: String(err.stderr ?? err.message).trim().split('\n')[0] };
  }
}

function readGitFiles(side: Side, arg: string, spec: { ref: string; path: string }, cwd: string): SourceFile[] {
  const top = git(cwd, ['rev-parse', '--show-toplevel']);
  if (!top.ok) throw new ReviewInputError(side, arg, `${cwd} is not inside a git repository (git: ${top.err})`);
  const repo = top.out.trim();
  const commit = git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${spec.ref}^{commit}`]);
  if (!commit.ok) throw new ReviewInputError(side, arg, `git ref "${spec.ref}" names no commit in the repository at ${repo}; check the branch, tag or commit (git fetch it first in a shallow CI clone)`);
  const sha = commit.out.trim();
  const where = spec.path === '' ? 'the repository' : `"${spec.path}"`;
  const type = spec.path === '' ? { ok: true as const, out: 'tree' } : git(repo, ['cat-file', '-t', `${sha}:${spec.path}`]);
  if (!type.ok) {
    const hint = spec.path === DEFAULT_GIT_PATH ? '; commit the synthesized manifests (cdk8s synth) or name their folder as git:<ref>:<path>' : '';
    throw new ReviewInputError(side, arg, `${where} does not exist at ${spec.ref} (${sha.slice(0, 12)})${hint}`);
  }
  if (type.out.trim() === 'blob') {
    return [{ name: basename(spec.path), text: gitShow(side, arg, repo, sha, spec.path) }];
  }
  const listing = git(repo, ['ls-tree', '-r', '-z', '--name-only', sha, '--', spec.path === '' ? '.' : spec.path]);
  if (!listing.ok) throw new ReviewInputError(side, arg, `cannot list ${where} at ${spec.ref} (git: ${listing.err})`);
  const prefix = spec.path === '' ? '' : `${spec.path}/`;
  const names = listing.out
    .split('\0')
    .filter((n) => n !== '' && MANIFEST_FILE.test(n) && !n.split('/').some((part) => part.startsWith('.') || part === 'node_modules'))
    .sort();
  if (names.length === 0) throw new ReviewInputError(side, arg, `no *.yaml or *.yml file under ${where} at ${spec.ref} (${sha.slice(0, 12)})`);
  return names.map((n) => ({ name: n.startsWith(prefix) ? n.slice(prefix.length) : n, text: gitShow(side, arg, repo, sha, n) }));
}

function gitShow(side: Side, arg: string, repo: string, sha: string, path: string): string {
  const shown = git(repo, ['show', `${sha}:${path}`]);
  if (!shown.ok) throw new ReviewInputError(side, arg, `cannot read "${path}" at ${sha.slice(0, 12)} (git: ${shown.err})`);
  return shown.out;
}

/** Splits a multi-document YAML file into objects; `kind: List` documents give their items. */
function parseManifest(side: Side, arg: string, file: string, text: string, objects: LoadedObject[], skipped: SkippedDocument[]): void {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, merge: true });
  if (!Array.isArray(docs)) return; // an empty stream
  for (const doc of docs) {
    // The document's first content line (after a `---` marker and comments).
    const line = lineCounter.linePos(doc.contents?.range?.[0] ?? doc.range[0]).line;
    if (doc.errors.length > 0) {
      const first = doc.errors[0];
      const at = first.linePos?.[0]?.line ?? line;
      throw new ReviewInputError(side, arg, `${file}:${at} is not valid YAML (${first.message.split('\n')[0]})`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      throw new ReviewInputError(side, arg, `${file}:${line} cannot be read (${(e as Error).message.split('\n')[0]})`);
    }
    if (value === null || value === undefined) continue;
    if (!isObject(value) || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
      skipped.push({ file, line, reason: 'not a Kubernetes object (no apiVersion and kind)' });
      continue;
    }
    const isList = value.kind.endsWith('List') && (value.kind === 'List' || Array.isArray(value.items));
    const items: unknown[] = isList ? (Array.isArray(value.items) ? value.items : []) : [value];
    for (const item of items) {
      if (!isObject(item) || typeof item.kind !== 'string' || typeof item.apiVersion !== 'string') {
        skipped.push({ file, line, reason: 'a List item that is not a Kubernetes object (no apiVersion and kind)' });
        continue;
      }
      const name = item.metadata?.name;
      if (typeof name !== 'string' || name === '') {
        skipped.push({ file, line, reason: `${item.kind} without metadata.name (generateName objects cannot be matched)` });
        continue;
      }
      objects.push({ id: objectId(item), object: item, file, line });
    }
  }
}

function isObject(v: unknown): v is K8sObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The identity of an object: group of its apiVersion, kind, namespace, name. */
export function objectId(o: K8sObject): ObjectId {
  const apiVersion = String(o.apiVersion);
  const slash = apiVersion.indexOf('/');
  return {
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    kind: String(o.kind),
    namespace: typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : '',
    name: String(o.metadata?.name),
  };
}

/** `Kind namespace/name` (or `Kind name` without a namespace), as messages show an object. */
export function describeId(id: ObjectId): string {
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}
