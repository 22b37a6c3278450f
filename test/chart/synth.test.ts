import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, App, Chart, Testing, Yaml, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { eksVllmSpec } from '../../examples/eks-vllm/spec';
import { gkeL4Spec } from '../../examples/gke-l4/spec';
import { AiInferenceChart, AiInferenceSpec, HELM_CONTEXT_KEY } from '../../src';

// Why AiInferenceChart renders itself (src/chart/synth.ts): cdk8s 2.70 App._synthChart checks
// and resolves the whole App again for every chart, so N charts cost N+1 whole-App passes.

const outdir = () => mkdtempSync(join(tmpdir(), 'ai-inference-synth-'));
/** The seed service as the i-th member of a fleet: its own release and namespace. */
const member = (i: number, base: AiInferenceSpec = eksNlbSpec): AiInferenceSpec => ({ ...base, release: `svc-${i}`, namespace: `ns-${i}` });
/** What cdk8s itself renders for a chart (Chart.toJson -> App._synthChart: the whole-App passes). */
const upstream = (chart: Chart): any[] => Chart.prototype.toJson.call(chart);

let printed: string[];
beforeEach(() => {
  printed = [];
  vi.spyOn(process, 'emitWarning').mockImplementation(((text: string | Error) => void printed.push(String(text))) as typeof process.emitWarning);
});
afterEach(() => vi.restoreAllMocks());

/** Counts the node.validate() calls of every construct of `scope`. */
function countValidations(scope: IConstruct): () => number {
  let calls = 0;
  for (const c of scope.node.findAll()) {
    const validate = c.node.validate.bind(c.node);
    c.node.validate = () => {
      calls++;
      return validate();
    };
  }
  return () => calls;
}

describe('a fleet of charts in one App', () => {
  it('prints every warning of every chart exactly once in app.synth() of 12 charts', () => {
    const app = new App({ outdir: outdir() });
    const charts = Array.from({ length: 12 }, (_, i) => new AiInferenceChart(app, `svc-${i}`, { spec: member(i) }));
    app.synth();
    expect(charts[0].warnings.length).toBeGreaterThan(0);
    for (const chart of charts) {
      const mine = printed.filter((t) => t.startsWith(`${chart.node.path}: `)).map((t) => t.split(' ')[1]);
      expect(mine).toEqual(chart.warnings.map((w) => w.id));
    }
    expect(printed).toHaveLength(12 * charts[0].warnings.length);
  });

  it("runs a chart's validations twice in app.synth() (the App's pass and the chart's own), whatever the number of charts", () => {
    const callsWith = (n: number): number => {
      const app = new App({ outdir: outdir() });
      const charts = Array.from({ length: n }, (_, i) => new AiInferenceChart(app, `svc-${i}`, { spec: member(i) }));
      const calls = countValidations(charts[0]);
      app.synth();
      return calls();
    };
    const constructs = new AiInferenceChart(Testing.app(), 'svc-0', { spec: member(0) }).node.findAll().length;
    // cdk8s alone: n + 1 passes over every construct (App.synth, then _synthChart per chart).
    expect(callsWith(2)).toBe(2 * constructs);
    expect(callsWith(9)).toBe(2 * constructs);
  });

  it('writes the same bytes as cdk8s renders each chart, for every example spec and in Helm mode', () => {
    for (const helm of [false, true]) {
      const specs = [eksNlbSpec, eksVllmSpec, gkeL4Spec].flatMap((base, k) => [0, 1].map((i) => member(10 * k + i, base)));
      const build = () => {
        const app = new App({ outdir: outdir(), yamlOutputType: YamlOutputType.FILE_PER_CHART });
        if (helm) app.node.setContext(HELM_CONTEXT_KEY, true);
        return { app, charts: specs.map((spec) => new AiInferenceChart(app, spec.release, { spec })) };
      };
      const ours = build();
      ours.app.synth();
      const theirs = build();
      const files = readdirSync(ours.app.outdir).sort();
      expect(files).toEqual(specs.map((s) => `${s.release}.k8s.yaml`).sort());
      theirs.charts.forEach((chart, i) => {
        const written = readFileSync(join(ours.app.outdir, `${specs[i].release}.k8s.yaml`), 'utf8');
        expect(written).toBe(Yaml.stringify(...upstream(chart)));
      });
      // One file per App as well (App.synth FILE_PER_APP and synthYaml call chart.toJson too).
      expect(build().app.synthYaml()).toBe(Yaml.stringify(...build().charts.flatMap(upstream)));
    }
  });

  it('renders the same objects in the same order as cdk8s with a dependency on another chart and a chart nested in it', () => {
    const build = () => {
      const app = new App({ outdir: outdir() });
      const base = new Chart(app, 'base');
      const config = new ApiObject(base, 'config', { apiVersion: 'v1', kind: 'ConfigMap' });
      const chart = new AiInferenceChart(app, 'svc', { spec: member(1) });
      const nested = new Chart(chart, 'nested');
      new ApiObject(nested, 'extra', { apiVersion: 'v1', kind: 'ConfigMap' });
      chart.deployment.node.addDependency(config);
      chart.pdb.node.addDependency(chart.deployment);
      return chart;
    };
    const ours = build().toJson();
    expect(ours).toEqual(upstream(build()));
    const kinds = ours.map((o) => o.kind);
    expect(kinds[0]).toBe('Namespace');
    expect(kinds.indexOf('Deployment')).toBeGreaterThan(kinds.lastIndexOf('Service'));
    // The nested chart's object is in no file of this chart (cdk8s: only its closest chart's).
    expect(ours.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.includes('extra'))).toEqual([]);
  });
});

describe('errors at synth', () => {
  const failing = (app: App) => {
    const charts = [0, 1, 2].map((i) => new AiInferenceChart(app, `svc-${i}`, { spec: member(i) }));
    charts[1].deployment.node.addValidation({ validate: () => ['the image is not signed'] });
    return charts;
  };
  const MESSAGE = 'Validation failed with the following errors:\n  [svc-1/Deployment] the image is not signed';

  it('still fails app.synth() with the construct path, and writes no file', () => {
    const app = new App({ outdir: outdir() });
    failing(app);
    expect(() => app.synth()).toThrow(MESSAGE);
    expect(readdirSync(app.outdir)).toEqual([]);
  });

  it("fails a chart's own toJson() (Testing.synth) with cdk8s's message", () => {
    const charts = failing(Testing.app());
    expect(() => Testing.synth(charts[1])).toThrow(MESSAGE);
    expect(() => upstream(charts[1])).toThrow(MESSAGE);
  });

  it("fails app.synth() on an error in another chart of the App, and on one added after a first synth", () => {
    const app = new App({ outdir: outdir() });
    const chart = new AiInferenceChart(app, 'svc', { spec: member(0) });
    app.synth();
    const other = new Chart(app, 'other');
    other.node.addValidation({ validate: () => ['something else is wrong'] });
    expect(() => app.synth()).toThrow('[other] something else is wrong');
    const later = new AiInferenceChart(Testing.app(), 'later', { spec: member(1) });
    Testing.synth(later);
    later.pdb.node.addValidation({ validate: () => ['added later'] });
    expect(() => Testing.synth(later)).toThrow('[later/Disruption] added later');
    expect(chart.warnings.length).toBeGreaterThan(0);
  });
});
