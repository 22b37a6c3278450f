#!/usr/bin/env node
/**
 * The `cdk8s-ai-inference` command: one subcommand per module under src/cli/, each a thin
 * layer over library functions. A module exports `run(argv, io)` and `summary`; exit codes
 * are the module's (0 ok, 1 the check failed, 2 bad arguments or an error before checking).
 */
import { CliIo, processIo } from './io';

/** Subcommand -> module, imported on use so `--help` of one command loads nothing heavy. */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  check: () => import('./check'),
  diff: () => import('./diff'),
  'verify-nlb': () => import('./verify-nlb'),
  loadtest: () => import('./loadtest'),
};

export interface CommandModule {
  /** One line for the command list. */
  readonly summary: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

async function loadCommand(name: string): Promise<CommandModule | undefined> {
  return Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name]() : undefined;
}

async function usage(): Promise<string> {
  const lines = ['Usage: cdk8s-ai-inference <command> [options]', '', 'Commands:'];
  for (const name of Object.keys(COMMANDS)) {
    const mod = await loadCommand(name);
    if (mod) lines.push(`  ${name.padEnd(12)} ${mod.summary}`);
  }
  lines.push('', 'Run `cdk8s-ai-inference <command> --help` for the options of a command.');
  return lines.join('\n');
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    // No command is a usage error: the usage goes to stderr, as with an unknown command.
    io.err(await usage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(await usage());
    return 0;
  }
  const mod = await loadCommand(name);
  if (!mod) {
    io.err(`cdk8s-ai-inference: unknown command "${name}"\n\n${await usage()}`);
    return 2;
  }
  try {
    return await mod.run(rest, io);
  } catch (e) {
    io.err(`cdk8s-ai-inference ${name}: ${(e as Error).message}`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}
