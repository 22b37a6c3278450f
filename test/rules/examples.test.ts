/**
 * The library's own examples pass the rule pack: synthesized here (examples/main.ts
 * buildApp into a scratch folder), then checked as the CLI checks any manifests. A new
 * finding fails this test; fix the library, never silence the rule.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../examples/main';
import { run } from '../../src/cli/check';
import { memoryIo } from '../../src/cli/io';
import { checkObjects } from '../../src/rules/check';
import { parseManifests } from '../../src/rules/manifests';

let outdir: string;

describe('the examples against the rule pack', () => {
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'ai-inference-rules-'));
    const before = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      buildApp().synth();
    } finally {
      if (before === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = before;
    }
  });

  it('has no error-level finding in any example', () => {
    const files = readdirSync(outdir).filter((f) => f.endsWith('.k8s.yaml'));
    expect(files.sort()).toEqual(['eks-nlb-keda.k8s.yaml', 'eks-nlb.k8s.yaml', 'eks-vllm.k8s.yaml', 'gke-l4.k8s.yaml', 'opifex.k8s.yaml', 'sutazai-traefik.k8s.yaml', 'sutazai.k8s.yaml']);
    for (const f of files) {
      const { objects, locations } = parseManifests(readFileSync(join(outdir, f), 'utf8'), f);
      const result = checkObjects(objects, { locations });
      expect(result.findings.filter((x) => x.level === 'error').map((x) => `${x.ruleId} ${x.object.kind}/${x.object.name}: ${x.message}`), f).toEqual([]);
      expect(result.failed).toBe(false);
    }
  });

  it('has no finding at all in any example (the GPU is written as a request equal to its limit)', () => {
    const io = memoryIo({ cwd: outdir });
    return run(['.', '--format', 'json'], io).then((code) => {
      expect(code).toBe(0);
      const report = JSON.parse(io.stdout.join(''));
      expect(report.findings.map((f: any) => `${f.ruleId} ${f.file} ${f.object.name}: ${f.message}`)).toEqual([]);
      expect(report.summary).toMatchObject({ errors: 0, warnings: 0, suppressed: 0 });
    });
  });
});
