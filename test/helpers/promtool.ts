import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';

/**
 * Runs the real `promtool` (Prometheus 2.42 from Debian's `prometheus` package) on rule
 * files and rule unit tests.
 *
 * - `PROMTOOL=/path/to/promtool` picks the binary; otherwise it is looked up on PATH.
 * - When promtool is missing, tests that need it FAIL with an install hint, unless
 *   `SKIP_PROMTOOL=1` is set explicitly (then they are skipped).
 */

/** True only when SKIP_PROMTOOL=1 asks to skip the promtool tests. */
export function promtoolSkipped(): boolean {
  return process.env.SKIP_PROMTOOL === '1';
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The promtool binary: $PROMTOOL, else the first `promtool` on PATH; undefined when none. */
export function findPromtool(): string | undefined {
  const fromEnv = process.env.PROMTOOL;
  if (fromEnv) return executable(fromEnv) ? fromEnv : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'promtool');
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/** The promtool binary, or an Error that says how to get one (or how to skip on purpose). */
export function requirePromtool(): string {
  const path = findPromtool();
  if (path) return path;
  const where = process.env.PROMTOOL ? `PROMTOOL=${process.env.PROMTOOL} is not an executable file` : 'promtool is not on PATH';
  throw new Error(
    `${where}; install it (Debian/Ubuntu: apt-get install -y prometheus, which brings /usr/bin/promtool), ` +
      'point PROMTOOL at the binary, or set SKIP_PROMTOOL=1 to skip these tests on purpose',
  );
}

export interface PromtoolResult {
  /** Exit code 0. */
  readonly ok: boolean;
  readonly exitCode: number | null;
  /** stdout and stderr together. */
  readonly output: string;
}

function inTempDir<T>(files: Record<string, unknown>, run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), typeof content === 'string' ? content : stringify(content, { lineWidth: 0 }));
    }
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runPromtool(args: string[], cwd: string): PromtoolResult {
  const result = spawnSync(requirePromtool(), args, { cwd, encoding: 'utf8', timeout: 300_000 });
  if (result.error) throw result.error;
  return { ok: result.status === 0, exitCode: result.status, output: `${result.stdout}${result.stderr}` };
}

/** `promtool check rules` on a plain rule file (`{ groups: [...] }`, not a PrometheusRule). */
export function checkRules(ruleFile: unknown): PromtoolResult {
  return inTempDir({ 'rules.yaml': ruleFile }, (dir) => runPromtool(['check', 'rules', 'rules.yaml'], dir));
}

/**
 * `promtool test rules` of `tests` (a rule unit-test file without `rule_files`) against
 * `ruleFile`. The rule file is written as rules.yaml next to the test file.
 */
export function testRules(ruleFile: unknown, tests: Record<string, unknown>): PromtoolResult {
  const testFile = { rule_files: ['rules.yaml'], ...tests };
  return inTempDir({ 'rules.yaml': ruleFile, 'tests.yaml': testFile }, (dir) => runPromtool(['test', 'rules', 'tests.yaml'], dir));
}
