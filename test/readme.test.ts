import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runbookMarkdown } from '../src/alerts';

const root = resolve(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('README', () => {
  it('carries the runbook of every alert, exactly as the catalogue generates it', () => {
    const start = readme.indexOf('-->\n', readme.indexOf('<!-- runbooks:start')) + 4;
    const end = readme.indexOf('\n<!-- runbooks:end -->');
    expect(readme.slice(start, end)).toBe(runbookMarkdown().replace(/\n+$/, ''));
  });

  it('states the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm run synth');
    expect(readme).toContain('npm test');
  });

  it('has TypeScript samples, and every one of them compiles against the library', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(5);
    const dir = join(root, '.tmp', 'readme');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // Each sample is its own module; 'cdk8s-ai-inference' resolves to this checkout's source.
    snippets.forEach((code, i) => writeFileSync(join(dir, `sample-${i + 1}.ts`), `${code}\nexport {};\n`));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: { noEmit: true, rootDir: '../..', baseUrl: '../..', paths: { 'cdk8s-ai-inference': ['src/index.ts'] }, noUnusedLocals: false },
        include: ['*.ts', '../../src/**/*.ts', '../../examples/**/*.ts'],
      }),
    );
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      throw new Error(`README samples do not compile:\n${(e as { stdout?: string }).stdout}`);
    }
  });
});
