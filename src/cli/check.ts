/**
 * `cdk8s-ai-inference check <files or folders> [--format text|json|sarif] [--pack <name>]...`:
 * the policy rule pack over any YAML manifests. Exit 0 when no error-level finding is left
 * unsuppressed, 1 when one is, 2 for bad arguments or unreadable input.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { checkObjects } from '../rules/check';
import { PACKS, RULES } from '../rules/catalogue';
import { parseManifests } from '../rules/manifests';
import { formatText, toJsonReport } from '../rules/report';
import { toSarif } from '../rules/sarif';
import { K8sObject, SourceLocation } from '../rules/types';
import { CliIo } from './io';

export const summary = 'Check Kubernetes manifests (files or folders of YAML) against the policy rule pack';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

function help(): string {
  return [
    'Usage: cdk8s-ai-inference check <file or folder>... [--format text|json|sarif] [--pack <name>]...',
    '',
    'Checks every object of the YAML files (folders: every *.yaml, *.yml and *.json below them)',
    `against the policy rules (${RULES.length}; see docs/RULES.md). Suppress a finding on its object with the`,
    'annotation ai-inference.cdk8s.io/suppress-rules and a reason.',
    '',
    'Options:',
    '  --format <f>   text (default), json, or sarif (SARIF 2.1.0 for GitHub code scanning)',
    '  --pack <name>  run only this pack; repeat for several. Packs:',
    ...Object.entries(PACKS).map(([name, what]) => `                   ${name.padEnd(13)} ${what}`),
    '  -h, --help     this text',
    '',
    'Exit codes: 0 no unsuppressed error, 1 an unsuppressed error, 2 bad arguments or unreadable input.',
  ].join('\n');
}

interface Args {
  readonly paths: string[];
  readonly format: Format;
  readonly packs: string[];
  readonly help: boolean;
}

function parseArgs(argv: readonly string[]): Args | string {
  const paths: string[] = [];
  const packs: string[] = [];
  let format: Format = 'text';
  let showHelp = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '-h' || flag === '--help') showHelp = true;
    else if (flag === '--format') {
      const v = value();
      if (v === undefined) return '--format needs a value: text, json or sarif';
      if (!(FORMATS as readonly string[]).includes(v)) return `--format "${v}" is not a format; use text, json or sarif`;
      format = v as Format;
    } else if (flag === '--pack') {
      const v = value();
      if (v === undefined) return `--pack needs a pack name: ${Object.keys(PACKS).join(', ')}`;
      if (!Object.prototype.hasOwnProperty.call(PACKS, v)) return `--pack "${v}" is not a pack; use one of ${Object.keys(PACKS).join(', ')}`;
      packs.push(v);
    } else if (a.startsWith('-') && a !== '-') return `unknown option "${a}"`;
    else paths.push(a);
  }
  if (!showHelp && paths.length === 0) return 'name at least one file or folder of manifests';
  return { paths, format, packs, help: showHelp };
}

/** The manifest files of a folder, sorted, skipping node_modules and dot folders. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) out.push(...filesUnder(p));
    } else if (/\.(ya?ml|json)$/i.test(entry.name)) out.push(p);
  }
  return out;
}

/** The package version, from the package.json above this module (src/cli or lib/src/cli). */
function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (pkg.name === 'cdk8s-ai-inference') return String(pkg.version);
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.err(`cdk8s-ai-inference check: ${args}\n\n${help()}`);
    return 2;
  }
  if (args.help) {
    io.out(help());
    return 0;
  }
  const files: string[] = [];
  for (const p of args.paths) {
    const abs = resolve(io.cwd, p);
    if (!existsSync(abs)) {
      io.err(`cdk8s-ai-inference check: ${p}: no such file or folder`);
      return 2;
    }
    if (statSync(abs).isDirectory()) files.push(...filesUnder(abs));
    else files.push(abs);
  }
  if (files.length === 0) {
    io.err(`cdk8s-ai-inference check: no *.yaml, *.yml or *.json file under ${args.paths.join(', ')}`);
    return 2;
  }
  const objects: K8sObject[] = [];
  const locations: SourceLocation[] = [];
  for (const file of files) {
    // Reported relative to the working directory, with forward slashes (SARIF, editors).
    const shown = relative(io.cwd, file).split(sep).join('/') || file;
    let parsed;
    try {
      parsed = parseManifests(readFileSync(file, 'utf8'), shown);
    } catch (e) {
      io.err(`cdk8s-ai-inference check: ${(e as Error).message}`);
      return 2;
    }
    objects.push(...parsed.objects);
    locations.push(...parsed.locations);
  }
  const result = checkObjects(objects, { packs: args.packs, locations });
  if (args.format === 'json') io.out(JSON.stringify(toJsonReport(result), null, 2));
  else if (args.format === 'sarif') io.out(JSON.stringify(toSarif(result, { version: packageVersion() }), null, 2));
  else io.out(formatText(result));
  return result.failed ? 1 : 0;
}
