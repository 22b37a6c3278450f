import { App, JsonPatch, Testing } from 'cdk8s';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, InferencePlatformChart } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { sutazaiPlatform } from '../../examples/sutazai/spec';
import { SUPPRESS_RULES_ANNOTATION } from '../../src/conventions';

describe('the policy rule pack at synth', () => {
  it('passes the charts the library builds', () => {
    expect(() => Testing.synth(new AiInferenceChart(Testing.app(), 'ok', { spec: eksNlbSpec }))).not.toThrow();
    expect(() => Testing.synth(new InferencePlatformChart(Testing.app(), 'ok', { spec: sutazaiPlatform }))).not.toThrow();
  });

  it('fails synth on an error-level finding in what a user changed after the chart was built, and writes no file', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'ai-inference-rules-synth-'));
    const app = new App({ outdir });
    const chart = new AiInferenceChart(app, 'patched', { spec: eksNlbSpec });
    chart.deployment.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'ghcr.io/pixelated/ai-inference:latest'));
    expect(() => app.synth()).toThrow(
      /^AiInferenceChart patched: the synthesized manifests break the policy rule pack \(docs\/RULES\.md\):\n  - AII-R020 [a-z-]+: Deployment pixelated-prod\/ai-inference: .*latest/,
    );
    expect(readdirSync(outdir).filter((f) => f.endsWith('.yaml'))).toEqual([]);
  });

  it('lets a suppression with a reason through', () => {
    const chart = new AiInferenceChart(Testing.app(), 'suppressed', { spec: eksNlbSpec });
    const api = chart.deployment.deployment;
    api.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'ghcr.io/pixelated/ai-inference:latest'));
    api.metadata.addAnnotation(SUPPRESS_RULES_ANNOTATION, JSON.stringify([{ id: 'AII-R020', reason: 'the tag is moved by the release pipeline, which pins by digest at deploy' }]));
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  it('takes a rule suppression from the spec (warnings.suppress with an AII-R id): every object of the service carries it', () => {
    const reason = 'the tag is moved by the release pipeline, which pins by digest at deploy';
    const spec = { ...eksNlbSpec, warnings: { suppress: [{ id: 'AII-R020' as const, reason }] } };
    const chart = new AiInferenceChart(Testing.app(), 'spec-suppressed', { spec });
    chart.deployment.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'ghcr.io/pixelated/ai-inference:latest'));
    const objects = Testing.synth(chart);
    for (const o of objects) expect(JSON.parse(o.metadata.annotations[SUPPRESS_RULES_ANNOTATION]), `${o.kind}/${o.metadata.name}`).toEqual([{ id: 'AII-R020', reason }]);
  });

  it('refuses a spec suppression of an unknown rule id, naming the nearest, and of AII-R001', async () => {
    const { validateSpec } = await import('../../src');
    expect(validateSpec({ ...eksNlbSpec, warnings: { suppress: [{ id: 'AII-R02', reason: 'x' }] } })[0]).toMatch(/^warnings\.suppress\[0\]\.id \("AII-R02"\) names no warning of this library; the ids are .*; did you mean "AII-R020"\?/);
    expect(validateSpec({ ...eksNlbSpec, warnings: { suppress: [{ id: 'AII-R001', reason: 'x' }] } })[0]).toMatch(/^warnings\.suppress\[0\]\.id \("AII-R001"\) names no warning of this library/);
  });
});
