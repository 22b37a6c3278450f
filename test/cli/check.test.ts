import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run, summary } from '../../src/cli/check';
import { memoryIo } from '../../src/cli/io';
import { deployment, service, suppress } from '../rules/fixtures';

/** A scratch folder with files of YAML documents. */
function folder(files: Record<string, object[] | string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ai-inference-check-'));
  for (const [name, docs] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), typeof docs === 'string' ? docs : docs.map((d) => stringify(d)).join('---\n'));
  }
  return dir;
}

function bad() {
  const d = deployment();
  d.spec.template.spec.containers[0].image = 'nginx:latest';
  return d;
}

async function check(dir: string, ...args: string[]) {
  const io = memoryIo({ cwd: dir });
  const code = await run(args, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('cdk8s-ai-inference check', () => {
  it('runs from the package bin through the dispatcher, with its exit code', () => {
    const dir = folder({ 'app.yaml': [bad()] });
    const root = join(__dirname, '../..');
    // tsx's loader (ESM and CommonJS hooks): the dispatcher imports each command with import().
    const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    const help = cli('--help');
    expect(help.stdout).toContain(`check        ${summary}`);
    const failed = cli('check', 'app.yaml');
    expect(failed.stdout).toContain('app.yaml:1: Deployment shop/llm');
    expect(failed.status).toBe(1);
    expect(cli('check', '--format', 'xml', 'app.yaml').status).toBe(2);
  });

  it('exits 0 on compliant manifests and prints the summary line', async () => {
    const dir = folder({ 'service.yaml': service() });
    const { code, out } = await check(dir, 'service.yaml');
    expect(code).toBe(0);
    expect(out).toBe('10 objects checked against 20 rules: 0 errors, 0 warnings, 0 suppressed');
  });

  it('exits 1 on an error and prints the file, the line of the object, the rule and the message', async () => {
    const dir = folder({ 'manifests/app.yaml': [service()[0], bad()] });
    const { code, out } = await check(dir, 'manifests');
    expect(code).toBe(1);
    expect(out).toBe(
      [
        'manifests/app.yaml:8: Deployment shop/llm',
        '  error AII-R020 image-pinned: spec.template.spec.containers[0].image ("nginx:latest") uses the moving tag latest (container "server"); pin a release tag or a digest',
        '',
        '2 objects checked against 20 rules: 1 error, 0 warnings, 0 suppressed (failed)',
      ].join('\n'),
    );
  });

  it('exits 0 when the error is suppressed, and lists the suppressed finding with its reason', async () => {
    const dir = folder({ 'app.yaml': [suppress(bad(), ['AII-R020'], 'digest pinned by the deploy pipeline')] });
    const { code, out } = await check(dir, '.');
    expect(code).toBe(0);
    expect(out).toContain('Suppressed (1):\napp.yaml:1: Deployment shop/llm\n  error AII-R020 image-pinned, suppressed: digest pinned by the deploy pipeline\n    spec.template.spec.containers[0].image ("nginx:latest")');
  });

  it('writes a JSON report with the findings and the suppressed ones', async () => {
    const dir = folder({ 'a.yaml': [bad()], 'b.yml': [suppress(bad(), ['AII-R020'], 'accepted')] });
    const { code, out } = await check(dir, '.', '--format', 'json');
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report).toMatchObject({ version: 1, failed: true, summary: { objects: 2, errors: 1, warnings: 0, suppressed: 1 } });
    expect(report.findings).toEqual([
      {
        ruleId: 'AII-R020',
        rule: 'image-pinned',
        pack: 'workload',
        level: 'error',
        message: 'spec.template.spec.containers[0].image ("nginx:latest") uses the moving tag latest (container "server"); pin a release tag or a digest',
        path: 'spec.template.spec.containers[0].image',
        object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llm', namespace: 'shop' },
        file: 'a.yaml',
        line: 1,
      },
    ]);
    expect(report.suppressed).toMatchObject([{ ruleId: 'AII-R020', file: 'b.yml', reason: 'accepted' }]);
  });

  it('writes SARIF 2.1.0: the rules that ran, each result with its rule, level, message, file URI and document line', async () => {
    const second = bad();
    second.metadata.name = 'llm-2';
    const dir = folder({ 'k8s/app.yaml': [bad(), second] });
    const { code, out } = await check(dir, 'k8s/app.yaml', '--format=sarif', '--pack', 'workload');
    expect(code).toBe(1);
    const sarif = JSON.parse(out);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    const run0 = sarif.runs[0];
    expect(run0.tool.driver.name).toBe('cdk8s-ai-inference');
    expect(run0.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(run0.tool.driver.rules.map((r: any) => r.id)).toEqual(['AII-R001', 'AII-R020', 'AII-R021', 'AII-R022', 'AII-R023', 'AII-R024', 'AII-R025']);
    const pinned = run0.tool.driver.rules.find((r: any) => r.id === 'AII-R020');
    expect(pinned.shortDescription.text).toBe('Every container image is pinned: a tag other than latest, or a digest.');
    expect(pinned.help.text).toContain('Fix: Name a release tag');
    expect(pinned.defaultConfiguration.level).toBe('error');
    expect(run0.results).toHaveLength(2);
    expect(run0.results[1]).toEqual({
      ruleId: 'AII-R020',
      ruleIndex: 1,
      level: 'error',
      message: { text: 'spec.template.spec.containers[0].image ("nginx:latest") uses the moving tag latest (container "server"); pin a release tag or a digest' },
      locations: [
        {
          // The second document starts on the line after the first one and its `---`.
          physicalLocation: { artifactLocation: { uri: 'k8s/app.yaml' }, region: { startLine: stringify(bad()).split('\n').length + 1 } },
          logicalLocations: [{ fullyQualifiedName: 'Deployment/shop/llm-2', kind: 'object' }],
        },
      ],
    });
  });

  it('marks suppressed findings in SARIF with their justification', async () => {
    const dir = folder({ 'app.yaml': [suppress(bad(), ['AII-R020'], 'digest pinned at deploy')] });
    const { code, out } = await check(dir, 'app.yaml', '--format', 'sarif');
    expect(code).toBe(0);
    expect(JSON.parse(out).runs[0].results[0].suppressions).toEqual([{ kind: 'inSource', justification: 'digest pinned at deploy' }]);
  });

  it('skips YAML without a kind (Helm values) and expands kind: List', async () => {
    const dir = folder({ 'values.yaml': 'rules:\n  custom: []\n', 'list.yaml': [{ apiVersion: 'v1', kind: 'List', items: [bad()] }] });
    const { code, out } = await check(dir, '.', '--format', 'json');
    expect(code).toBe(1);
    expect(JSON.parse(out).findings.map((f: any) => `${f.file}:${f.line} ${f.object.name}`)).toEqual(['list.yaml:1 llm']);
  });

  it.each([
    [[], 'name at least one file or folder of manifests'],
    [['x.yaml', '--format', 'xml'], '--format "xml" is not a format; use text, json or sarif'],
    [['x.yaml', '--format'], '--format needs a value: text, json or sarif'],
    [['x.yaml', '--pack', 'security'], '--pack "security" is not a pack; use one of suppressions, pod-security, workload, autoscaling, networking, monitoring, aws-nlb'],
    [['x.yaml', '--strict'], 'unknown option "--strict"'],
  ])('exits 2 on bad arguments %j', async (args, message) => {
    const { code, err } = await check(folder({}), ...args);
    expect(code).toBe(2);
    expect(err).toContain(`cdk8s-ai-inference check: ${message}`);
    expect(err).toContain('Usage: cdk8s-ai-inference check');
  });

  it('exits 2 on a missing path, a folder without manifests and YAML that does not parse', async () => {
    expect(await check(folder({}), 'nowhere.yaml')).toMatchObject({ code: 2, err: 'cdk8s-ai-inference check: nowhere.yaml: no such file or folder' });
    expect((await check(folder({ 'README.md': 'x' }), '.')).code).toBe(2);
    const broken = await check(folder({ 'bad.yaml': 'kind: Service\nmetadata: {name: [x\n' }), 'bad.yaml');
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/^cdk8s-ai-inference check: bad\.yaml:\d+:\d+: not valid YAML: /);
  });

  it('prints its help with exit 0', async () => {
    const { code, out } = await check(folder({}), '--help');
    expect(code).toBe(0);
    expect(out).toContain('Exit codes: 0 no unsuppressed error, 1 an unsuppressed error, 2 bad arguments or unreadable input.');
  });
});

describe('the check example of the README', () => {
  it('prints exactly the output the README shows for its hand-written manifest, with exit code 1', async () => {
    const doc = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const manifest = /A hand-written manifest, `k8s\/llm\.yaml`:\n\n```yaml\n([\s\S]*?)```/.exec(doc)![1];
    const shown = /prints \(exit code 1\):\n\n```\n([\s\S]*?)\n```/.exec(doc)![1];
    const dir = folder({ 'k8s/llm.yaml': manifest });
    const { code, out } = await check(dir, 'k8s/');
    expect(out).toBe(shown);
    expect(code).toBe(1);
  });
});
