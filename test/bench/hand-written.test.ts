import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, YamlOutputType } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildHandWrittenFleet,
  buildLibraryFleet,
  chartIdOf,
  compareOutputs,
  libraryTemplate,
  namespaceOf,
  relabel,
  releaseOf,
} from '../../bench/fleet';
import { AiInferenceChart } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';

const modules = { AiInferenceChart, eksNlbSpec };

// The benchmark's hand-written fleet (bench/fleet.ts) must write exactly the library's bytes;
// timing is the benchmark's business (npm run bench), never a test's.
describe('bench: hand-written fleet generator', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'bench-test-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const synthInto = (name: string, build: (app: App) => void): string => {
    const outdir = join(tmp, name);
    const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    build(app);
    app.synth();
    return outdir;
  };

  const template = libraryTemplate(modules);
  const lib = synthInto('lib', (app) => buildLibraryFleet(app, 2, modules));
  const hand = synthInto('hand', (app) => buildHandWrittenFleet(app, 2, template));

  it('writes the same files, byte for byte, as the library for N=2', () => {
    expect(compareOutputs(lib, hand)).toEqual([]);
    const second = readFileSync(join(hand, `${chartIdOf(1)}.k8s.yaml`), 'utf8');
    expect(second).toBe(readFileSync(join(lib, `${chartIdOf(1)}.k8s.yaml`), 'utf8'));
    // Service 1 is re-labelled: its own release and namespace, none of service 0's.
    expect(second).toContain(`name: ${releaseOf(1)}\n`);
    expect(second).toContain(`namespace: ${namespaceOf(1)}\n`);
    expect(second).not.toContain(releaseOf(0));
    expect(second).not.toContain(namespaceOf(0));
  });

  it('the comparison reports each differing file (a template named after another service)', () => {
    const third = synthInto('third', (app) => buildHandWrittenFleet(app, 2, relabel(template, 7)));
    const problems = compareOutputs(lib, third);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^svc-0000\.k8s\.yaml: first difference at line \d+/);
  });
});
