import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { memoryIo } from '../../src/cli/io';

describe('the cdk8s-ai-inference command', () => {
  it('lists its four commands on --help and exits 0', async () => {
    const io = memoryIo();
    expect(await main(['--help'], io)).toBe(0);
    const text = io.stdout.join('\n');
    for (const name of ['check', 'diff', 'verify-nlb', 'loadtest']) expect(text).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });

  it('exits 2 with the usage on stderr when no command is given', async () => {
    const io = memoryIo();
    expect(await main([], io)).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr.join('\n')).toContain('Usage: cdk8s-ai-inference <command> [options]');
  });

  it('refuses an unknown command, naming it, with exit 2', async () => {
    const io = memoryIo();
    expect(await main(['deploy'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/^cdk8s-ai-inference: unknown command "deploy"/);
  });

  it('hands the arguments to the command (its --help exits 0)', async () => {
    for (const name of ['check', 'diff', 'verify-nlb', 'loadtest']) {
      const io = memoryIo();
      expect(await main([name, '--help'], io)).toBe(0);
      // The command's own help, not the command list.
      const text = io.stdout.join('\n');
      expect(text).not.toContain('Usage: cdk8s-ai-inference <command>');
      expect(text).toMatch(new RegExp(`cdk8s-ai-inference ${name}\\b`));
    }
  });
});
