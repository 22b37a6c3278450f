import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

  it('runs both quick starts and the platform sample unpatched: they synthesize, printing exactly the warnings the README names', () => {
    const quickStarts = snippets.filter((code) => code.includes('const app = new App();') && code.includes('app.synth();'));
    expect(quickStarts).toHaveLength(3);
    const dir = join(root, '.tmp', 'readme-run');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const runs = quickStarts.map((code, i) => {
      const out = join(dir, `out-${i + 1}`);
      const file = join(dir, `quick-start-${i + 1}.ts`);
      // The sample as written, with the package name resolved to this checkout and the output folder set.
      writeFileSync(file, code.replace("from 'cdk8s-ai-inference'", `from ${JSON.stringify(join(root, 'src'))}`).replace('new App();', `new App({ outdir: ${JSON.stringify(out)} });`));
      const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', file], { cwd: root, encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      const manifest = readdirSync(out).filter((f) => f.endsWith('.k8s.yaml'));
      expect(manifest).toHaveLength(1);
      const kinds = readFileSync(join(out, manifest[0]), 'utf8').match(/^kind: .*$/gm);
      return { warnings: [...result.stderr.matchAll(/Warning: [\w-]+: (AII-W\d+)/g)].map((m) => m[1]), kinds, manifest: manifest[0] };
    });
    expect(runs[0].manifest).toBe('inference.k8s.yaml');
    expect(runs[0].warnings).toEqual(['AII-W003']);
    expect(readme).toContain('Its synth prints one warning,\n`AII-W003`');
    expect(runs[1].manifest).toBe('llama-8b.k8s.yaml');
    expect(runs[1].warnings).toEqual([]);
    expect(readme).toContain('The synth prints no warning.');
    expect(runs[2].manifest).toBe('opifex.k8s.yaml');
    expect(runs[2].warnings).toEqual(['AII-W032', 'AII-W050', 'AII-W073', 'AII-W054', 'AII-W053']);
    expect(readme).toContain('This sample synthesizes `opifex.k8s.yaml` with the warnings AII-W032, AII-W050, AII-W073,\nAII-W054 and AII-W053');
    expect(runs[2].kinds).toEqual(expect.arrayContaining(['kind: PriorityClass', 'kind: ResourceQuota', 'kind: Ingress', 'kind: NodePool']));
    for (const run of runs) expect(run.kinds).toContain('kind: Deployment');
    expect(runs[1].kinds).toContain('kind: HorizontalPodAutoscaler');
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
