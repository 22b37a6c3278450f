/**
 * The validation plugin through the real cdk8s CLI: `cdk8s synth` (validation on by
 * default; `--validate` said explicitly) in a scratch project whose cdk8s.yaml points
 * `validations:` at the plugin by local path. The path is a small CommonJS file that loads
 * the TypeScript source through tsx's require hook (what `npm run synth` uses for the app),
 * so the test needs no build; a user points at the compiled lib/src/rules/cdk8s-plugin.js.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Validation, ValidationContext } from 'cdk8s-cli/lib/plugins/validation';
import { AiInferenceValidation } from '../../src/rules/cdk8s-plugin';
import { deployment, suppress } from './fixtures';

const root = resolve(__dirname, '../..');

// Compile-time check: the plugin is a cdk8s-cli Validation and accepts its ValidationContext.
const asValidation: Validation = new AiInferenceValidation();
type AcceptsContext = Parameters<AiInferenceValidation['validate']>[0] extends infer P ? (ValidationContext extends P ? true : false) : never;
const contextFits: AcceptsContext = true;

function project(objects: object[], properties: object = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ai-inference-plugin-'));
  writeFileSync(join(dir, 'plugin.js'), `require(${JSON.stringify(join(root, 'node_modules/tsx/dist/cjs/index.cjs'))});\nmodule.exports = require(${JSON.stringify(join(root, 'src/rules/cdk8s-plugin.ts'))});\n`);
  writeFileSync(
    join(dir, 'app.js'),
    [
      `const { App, Chart, ApiObject } = require(${JSON.stringify(join(root, 'node_modules/cdk8s'))});`,
      'const app = new App();',
      "const chart = new Chart(app, 'service');",
      `${JSON.stringify(objects)}.forEach((o, i) => new ApiObject(chart, 'object' + i, o));`,
      'app.synth();',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'cdk8s.yaml'),
    ['language: typescript', 'app: node app.js', 'output: dist', 'validations:', `  - package: ${join(dir, 'plugin.js')}`, '    version: 0.1.0', '    class: AiInferenceValidation', `    properties: ${JSON.stringify(properties)}`, ''].join('\n'),
  );
  return dir;
}

function synth(dir: string) {
  const r = spawnSync(process.execPath, [join(root, 'node_modules/cdk8s-cli/bin/cdk8s'), 'synth', '--validate', '--no-check-upgrade'], { cwd: dir, encoding: 'utf8', timeout: 55_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('AiInferenceValidation through cdk8s synth --validate', () => {
  it('is a cdk8s-cli Validation', () => {
    expect(typeof asValidation.validate).toBe('function');
    expect(contextFits).toBe(true);
  });

  it('fails synth (exit 2) on an error-level finding and reports the rule, the resource, its construct path and the message', () => {
    const bad = deployment();
    bad.spec.template.spec.containers[0].image = 'vllm/vllm-openai:latest';
    const { code, out } = synth(project([bad], { packs: ['workload'] }));
    expect(out).toContain('AII-R020 image-pinned (error)');
    expect(out).toContain('Resource Name: llm');
    expect(out).toContain('Construct Path: service/object0');
    expect(out).toContain('spec.template.spec.containers[0].image ("vllm/vllm-openai:latest") uses the moving tag latest (container "server")');
    expect(out).toContain('Validation failed');
    expect(code).toBe(2);
  });

  it('passes synth (exit 0) when the finding is suppressed with a reason, and logs the suppression', () => {
    const ok = suppress(deployment(), ['AII-R020'], 'pinned by digest at deploy time');
    ok.spec.template.spec.containers[0].image = 'vllm/vllm-openai:latest';
    const { code, out } = synth(project([ok], { packs: ['workload'] }));
    expect(out).toContain('AII-R020 suppressed on Deployment llm: pinned by digest at deploy time');
    expect(out).toContain('Validations ended succesfully');
    expect(code).toBe(0);
  });
});
