/**
 * `cdk8s-ai-inference diff <base> <head>`: what a change to the synthesized manifests does to a
 * cluster. Thin: arguments here; reading, matching, rules and output under src/review/.
 */
import { formatReview, Format, FORMATS } from '../review/format';
import { loadSource, ReviewInputError } from '../review/load';
import { hasChanges, reviewManifests } from '../review/review';
import { CliIo } from './io';

export const summary = 'Compare two sets of manifests (files, folders or git:<ref>) and flag changes that destroy or interrupt';

export const FAIL_ON = ['destructive', 'any', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

const USAGE = `Usage: cdk8s-ai-inference diff <base> <head> [--format text|markdown|json] [--fail-on destructive|any|never]

  <base>, <head>   a manifest file, a folder (every *.yaml/*.yml under it), git:<ref> (the dist/
                   folder of that commit, read from the repository here without a checkout) or
                   git:<ref>:<path> (another file or folder of it, relative to the repository top)
  --format         text (default), markdown (a pull-request comment) or json
  --fail-on        destructive (default): exit 1 when a destructive finding exists;
                   any: exit 1 when anything differs; never: exit 0 after the report

Exit codes: 0 nothing to fail on, 1 the --fail-on condition holds, 2 bad arguments or unreadable input.
Example: cdk8s-ai-inference diff git:origin/main git:HEAD --format markdown`;

interface DiffArgs {
  readonly base: string;
  readonly head: string;
  readonly format: Format;
  readonly failOn: FailOn;
}

/** Parses the arguments; a string is the error message. */
export function parseDiffArgs(argv: readonly string[]): DiffArgs | { help: true } | string {
  const positional: string[] = [];
  let format: string = 'text';
  let failOn: string = 'destructive';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    const m = /^(--format|--fail-on)(?:=(.*))?$/.exec(arg);
    if (m) {
      const value = m[2] ?? argv[++i];
      if (value === undefined || value === '') return `${m[1]} needs a value`;
      if (m[1] === '--format') format = value;
      else failOn = value;
      continue;
    }
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('-') && arg.length > 1) return `unknown option "${arg}"`;
    positional.push(arg);
  }
  if (!(FORMATS as readonly string[]).includes(format)) return `--format "${format}" is not one of ${FORMATS.join(', ')}`;
  if (!(FAIL_ON as readonly string[]).includes(failOn)) return `--fail-on "${failOn}" is not one of ${FAIL_ON.join(', ')}`;
  if (positional.length < 2) return `needs two sources, <base> and <head> (got ${positional.length})`;
  if (positional.length > 2) return `takes two sources, <base> and <head> (got ${positional.length}: ${positional.join(' ')})`;
  return { base: positional[0], head: positional[1], format: format as Format, failOn: failOn as FailOn };
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseDiffArgs(argv);
  if (typeof args === 'string') {
    io.err(`cdk8s-ai-inference diff: ${args}\n\n${USAGE}`);
    return 2;
  }
  if ('help' in args) {
    io.out(USAGE);
    return 0;
  }
  let review;
  try {
    review = reviewManifests(loadSource('base', args.base, io.cwd), loadSource('head', args.head, io.cwd));
  } catch (e) {
    if (e instanceof ReviewInputError) {
      io.err(`cdk8s-ai-inference diff: ${e.message}`);
      return 2;
    }
    throw e;
  }
  io.out(formatReview(review, args.format));
  if (args.failOn === 'never') return 0;
  if (args.failOn === 'any') return hasChanges(review) ? 1 : 0;
  return review.findings.some((f) => f.level === 'destructive') ? 1 : 0;
}
