import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Testing } from 'cdk8s';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { AiInferenceChart, AiInferenceSpec, validateSpec } from '../../src';
import { SUPPRESSED_WARNINGS_ANNOTATION, RULE_IDS, WARNING_IDS } from '../../src/conventions';
import { errorOf, only } from '../support';

const W001 = 'scaling.maxReplicas (20) gives exactly slo.throughputRps (1000) at full scale (50 rps/pod × 20 replicas = 1000 rps): no headroom for a failed pod or a burst; consider raising scaling.maxReplicas';
const REASON = 'the seed sizes maxReplicas to the objective on purpose; the cluster autoscaler adds nodes within 2 minutes';

const withSuppress = (suppress: unknown): AiInferenceSpec => ({ ...eksNlbSpec, warnings: { suppress } }) as AiInferenceSpec;

let printed: { text: string; code?: string }[];

beforeEach(() => {
  printed = [];
  vi.spyOn(process, 'emitWarning').mockImplementation(((text: string | Error, options?: { code?: string }) => {
    printed.push({ text: String(text), code: options?.code });
  }) as typeof process.emitWarning);
});
afterEach(() => vi.restoreAllMocks());

const printedIds = (chartPath: string) =>
  printed.filter((p) => p.text.startsWith(`${chartPath}: `)).map((p) => p.text.slice(chartPath.length + 2).split(' ')[0]);

describe('warnings', () => {
  it('prints each warning of each chart exactly once per app.synth(), however many charts the app has', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'ai-inference-warnings-')) });
    const charts = ['one', 'two', 'three'].map((id) => new AiInferenceChart(app, id, { spec: eksNlbSpec }));
    app.synth();
    for (const chart of charts) {
      expect(chart.warnings.map((w) => w.id)).toContain('AII-W001');
      expect(printedIds(chart.node.path)).toEqual(chart.warnings.map((w) => w.id));
    }
    expect(printed).toHaveLength(3 * charts[0].warnings.length);
    expect(printed.every((p) => p.code === 'AI_INFERENCE')).toBe(true);
    expect(printed.find((p) => p.text.startsWith('one: AII-W001 '))?.text).toBe(
      `one: AII-W001 ${W001} (to accept it, add { id: 'AII-W001', reason } to the spec's warnings.suppress)`,
    );
  });

  it('prints nothing when the chart is built, and nothing again when it is synthesized twice', () => {
    const chart = new AiInferenceChart(Testing.app(), 'svc', { spec: eksNlbSpec });
    expect(printed).toEqual([]);
    Testing.synth(chart);
    Testing.synth(chart);
    expect(printedIds('svc')).toEqual(chart.warnings.map((w) => w.id));
  });

  it('prints no AII-W001 when maxReplicas leaves headroom, and only the warnings the chart has', () => {
    const spec: AiInferenceSpec = {
      ...eksNlbSpec,
      scaling: { ...eksNlbSpec.scaling!, maxReplicas: 24 },
      traffic: { ...eksNlbSpec.traffic, loadBalancer: { ...eksNlbSpec.traffic!.loadBalancer!, ports: [{ name: 'https', port: 443 }] } },
    };
    const chart = new AiInferenceChart(Testing.app(), 'quiet', { spec });
    Testing.synth(chart);
    expect(chart.warnings.map((w) => w.id)).not.toContain('AII-W001');
    expect(printedIds('quiet')).toEqual(chart.warnings.map((w) => w.id));
  });

  describe('suppression', () => {
    it('takes AII-W001 off the seed: not printed, kept with its reason, and the reason written on the Deployment', () => {
      const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'ai-inference-warnings-')) });
      const chart = new AiInferenceChart(app, 'seed', { spec: withSuppress([{ id: 'AII-W001', reason: REASON }]) });
      app.synth();

      expect(printedIds('seed')).not.toContain('AII-W001');
      expect(printed.some((p) => p.text.includes('AII-W001'))).toBe(false);
      expect(chart.warnings.map((w) => w.id)).not.toContain('AII-W001');
      expect(chart.suppressedWarnings).toEqual([{ id: 'AII-W001', message: W001, reason: REASON }]);
      // The other warnings of the seed are still printed.
      expect(printedIds('seed')).toEqual(chart.warnings.map((w) => w.id));

      const objects = parseAllDocuments(readFileSync(join(app.outdir, 'seed.k8s.yaml'), 'utf8')).map((d) => d.toJSON());
      const deployment = only(objects, 'Deployment');
      expect(JSON.parse(deployment.metadata.annotations[SUPPRESSED_WARNINGS_ANNOTATION])).toEqual([{ id: 'AII-W001', reason: REASON }]);
      expect(SUPPRESSED_WARNINGS_ANNOTATION).toBe('ai-inference.cdk8s.io/suppressed-warnings');
      // Only the Deployment carries it.
      expect(objects.filter((o) => o.metadata?.annotations?.[SUPPRESSED_WARNINGS_ANNOTATION] !== undefined)).toHaveLength(1);
    });

    it('writes no annotation when the spec suppresses nothing', () => {
      const objects = Testing.synth(new AiInferenceChart(Testing.app(), 'seed', { spec: eksNlbSpec }));
      expect(only(objects, 'Deployment').metadata.annotations?.[SUPPRESSED_WARNINGS_ANNOTATION]).toBeUndefined();
    });

    it('refuses an unknown id, listing the valid ones', () => {
      // The chart's warnings and the policy rules (AII-R001, a broken suppression, excepted).
      const ids = [...Object.values(WARNING_IDS), ...Object.values(RULE_IDS).filter((id) => id !== 'AII-R001')].map((id) => JSON.stringify(id)).join(', ');
      expect(validateSpec(withSuppress([{ id: 'AII-W999', reason: REASON }]))).toEqual([
        `warnings.suppress[0].id ("AII-W999") names no warning of this library; the ids are ${ids}; copy the id the printed warning starts with`,
      ]);
      expect(validateSpec(withSuppress([{ id: 'AII-WOO1', reason: REASON }]))[0]).toMatch(/; did you mean "AII-W001"\?$/);
      expect(errorOf(() => new AiInferenceChart(Testing.app(), 'bad', { spec: withSuppress([{ id: 'W001', reason: REASON }]) }))).toContain(
        `warnings.suppress[0].id ("W001") names no warning of this library; the ids are ${ids}`,
      );
    });

    it('refuses an empty or blank reason, and a missing one', () => {
      const empty = 'must say why the warning does not apply (the reason is written into the output); write the reason, or remove the suppression';
      expect(validateSpec(withSuppress([{ id: 'AII-W001', reason: '' }]))).toEqual([`warnings.suppress[0].reason ("") ${empty}`]);
      expect(validateSpec(withSuppress([{ id: 'AII-W001', reason: '   ' }]))).toEqual([`warnings.suppress[0].reason ("   ") ${empty}`]);
      expect(validateSpec(withSuppress([{ id: 'AII-W001' }]))).toEqual(['warnings.suppress[0].reason (not set) is required; add it']);
    });

    it('refuses a reason that looks like a credential, without printing it', () => {
      const reason = 'tested against postgres://app:s3cr3t-pass@db.internal:5432/app';
      const problems = validateSpec(withSuppress([{ id: 'AII-W001', reason }]));
      expect(problems).toEqual([
        'warnings.suppress[0].reason ((value hidden)) looks like a credential (the value contains a URI with a password), and the reason is written into the manifest in clear; say why without it',
      ]);
      expect(problems.join('\n')).not.toContain('s3cr3t');
    });

    it('refuses the same id twice, and an unknown field', () => {
      expect(
        validateSpec(
          withSuppress([
            { id: 'AII-W001', reason: REASON },
            { id: 'AII-W001', reason: 'again' },
          ]),
        ),
      ).toEqual(['warnings.suppress[1].id ("AII-W001") is suppressed already by warnings.suppress[0]; keep one entry']);
      expect(validateSpec(withSuppress([{ id: 'AII-W001', reasn: REASON }]))).toContain('warnings.suppress[0].reasn is not a field; did you mean warnings.suppress[0].reason?');
      expect(validateSpec({ ...eksNlbSpec, warnings: { supress: [] } })).toEqual(['warnings.supress is not a field; did you mean warnings.suppress?']);
    });
  });
});
