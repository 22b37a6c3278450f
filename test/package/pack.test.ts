import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { account, eksNlbManifests, CLUSTER, NAMESPACE, SERVICE } from '../verify/nlb-fixture';
import { startElbv2Server } from '../verify/elbv2-server';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');
const version = (name: string) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

/**
 * The consumer program; the consumers differ only in the package `Cpu` comes from. The CPU values are
 * asserted in the synthesized YAML, so a Cpu of another cdk8s-plus major must come out as
 * the same quantities.
 */
const consumer = (plus: string) => `
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu } from '${plus}';
import { AiInferenceChart, InferenceDeployment, NlbService, PdbPolicy } from 'cdk8s-ai-inference';

const app = new App({ outdir: 'out' });
const chart = new Chart(app, 'consumer');
const inference = new InferenceDeployment(chart, 'Inference', {
  name: 'ai-inference',
  namespace: 'prod',
  image: 'ghcr.io/acme/inference:1.0.0',
  resources: {
    cpu: { request: Cpu.millis(1500), limit: Cpu.units(4) },
    memory: { request: Size.gibibytes(8), limit: Size.gibibytes(16) },
  },
});
new NlbService(chart, 'Services', { name: 'ai-inference', workload: inference });
new PdbPolicy(chart, 'Pdb', { name: 'ai-inference', workload: inference, minAvailable: 2 });
// The whole chart: autoscaling (KEDA classes from imports/), VPA bounds, alert rules, Grafana dashboard.
new AiInferenceChart(app, 'full', {
  spec: {
    release: 'llm',
    namespace: 'prod',
    image: 'ghcr.io/acme/llm:2.0.0',
    model: { name: 'llama' },
    resources: {
      cpu: { request: Cpu.units(2), limit: Cpu.units(4) },
      memory: { request: Size.gibibytes(8), limit: Size.gibibytes(16) },
    },
    scaling: {
      backend: 'keda',
      keda: { serverAddress: 'http://prometheus:9090' },
      minReplicas: 3,
      maxReplicas: 30,
      vpa: { minAllowed: { cpu: Cpu.millis(500) }, maxAllowed: { cpu: Cpu.units(8) } },
    },
    metrics: { preset: 'vllm' },
    slo: { availability: 99.9, latencyP95: Duration.seconds(2), latencyP99: Duration.seconds(3), errorRate: 1, throughputRps: 1000 },
  },
});
app.synth();
`;

const TSCONFIG = JSON.stringify({
  compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: false, types: [] },
  files: ['main.ts'],
});

/** The consumers: one on cdk8s-plus-28, one with only cdk8s-plus-33 (what `cdk8s init typescript-app` ships). */
const PLUS = ['cdk8s-plus-28', 'cdk8s-plus-33'] as const;
type Plus = (typeof PLUS)[number];
const projects = {} as Record<Plus, string>;

type Doc = any;
const docs = (project: string, chart: string): Doc[] =>
  parseAllDocuments(readFileSync(join(project, 'out', `${chart}.k8s.yaml`), 'utf8')).map((d) => d.toJS());
const ofKind = (all: Doc[], kind: string) => all.filter((d) => d.kind === kind);

describe('the packed npm package', () => {
  beforeAll(async () => {
    const packDir = mkdtempSync(join(tmpdir(), 'ai-inference-pack-'));
    // prepack compiles to lib/ first.
    const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], { cwd: root, encoding: 'utf8' });
    const tarball = join(packDir, out.trim().split('\n').pop()!);
    // Both consumers install at once, from the npm cache where it holds the packages
    // (this repository's devDependencies put cdk8s-plus-28's and cdk8s-plus-33's versions there).
    await Promise.all(
      PLUS.map(async (plus) => {
        const project = mkdtempSync(join(tmpdir(), `ai-inference-consumer-${plus}-`));
        projects[plus] = project;
        writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
        await run(
          'npm',
          [
            'install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error',
            // cdk8s-plus-28: a conflicting peer fails the install instead of being resolved
            // quietly. cdk8s-plus-33: npm installs no peer on its own (as yarn does not), so
            // cdk8s-plus-28 is there only because the library depends on it.
            plus === 'cdk8s-plus-28' ? '--strict-peer-deps' : '--legacy-peer-deps',
            tarball,
            `cdk8s@${version('cdk8s')}`,
            `${plus}@${version(plus)}`,
            `constructs@${version('constructs')}`,
          ],
          { cwd: project },
        );
        writeFileSync(join(project, 'main.ts'), consumer(plus));
        writeFileSync(join(project, 'tsconfig.json'), TSCONFIG);
      }),
    );
  }, 300_000);

  describe.each(PLUS)('in a consumer that uses %s', (plus) => {
    it('installs with no missing, invalid or conflicting peer', () => {
      const pkg = JSON.parse(readFileSync(join(projects[plus], 'package.json'), 'utf8'));
      expect(Object.keys(pkg.dependencies).sort()).toEqual(['cdk8s', 'cdk8s-ai-inference', plus, 'constructs'].sort());
      // npm ls exits non-zero on a missing or invalid (peer) dependency anywhere in the tree.
      const tree = JSON.parse(execFileSync('npm', ['ls', '--all', '--json'], { cwd: projects[plus], encoding: 'utf8' }));
      expect(tree.problems ?? []).toEqual([]);
      // One cdk8s and one constructs: the library's objects and the consumer's App share them.
      const cdk8s = execFileSync('npm', ['ls', '--all', '--parseable', 'cdk8s', 'constructs'], { cwd: projects[plus], encoding: 'utf8' });
      expect(cdk8s.trim().split('\n').map((p) => p.slice(projects[plus].length)).sort()).toEqual(['/node_modules/cdk8s', '/node_modules/constructs']);
    });

    it('type-checks and compiles the consumer, which imports the constructs by package name', () => {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', projects[plus]], { cwd: projects[plus], stdio: 'pipe' });
      const js = readFileSync(join(projects[plus], 'main.js'), 'utf8');
      expect(js).toContain('require("cdk8s-ai-inference")');
      expect(js).toContain(`require("${plus}")`);
    });

    it('synthesizes the charts, with the CPU quantities of its Cpu values', () => {
      execFileSync(process.execPath, ['main.js'], { cwd: projects[plus], stdio: 'pipe' });
      const yaml = readFileSync(join(projects[plus], 'out', 'consumer.k8s.yaml'), 'utf8');
      expect(yaml).toContain('name: ai-inference-internal');
      expect(yaml).toContain('minAvailable: 2');
      expect(yaml).toContain('nvidia.com/gpu: 1');
      const [deployment] = ofKind(docs(projects[plus], 'consumer'), 'Deployment');
      const [container] = deployment.spec.template.spec.containers;
      expect(container.resources.requests.cpu).toBe('1500m');
      expect(container.resources.limits.cpu).toBe('4');

      const full = docs(projects[plus], 'full');
      for (const kind of ['Deployment', 'ScaledObject', 'VerticalPodAutoscaler', 'ServiceMonitor', 'PrometheusRule']) {
        expect(ofKind(full, kind)).toHaveLength(1);
      }
      const [fullContainer] = ofKind(full, 'Deployment')[0].spec.template.spec.containers;
      expect(fullContainer.resources.requests.cpu).toBe('2');
      expect(fullContainer.resources.limits.cpu).toBe('4');
      const [policy] = ofKind(full, 'VerticalPodAutoscaler')[0].spec.resourcePolicy.containerPolicies;
      expect(policy.minAllowed.cpu).toBe('500m');
      expect(policy.maxAllowed.cpu).toBe('8');
      const text = readFileSync(join(projects[plus], 'out', 'full.k8s.yaml'), 'utf8');
      expect(text).toContain('vllm:num_requests_waiting');
      expect(text).toContain('grafana_dashboard: "1"');
    });
  });

  it('leaves cdk8s-plus-28 out of the consumer that did not ask for it: it is the library\'s own dependency', () => {
    const project = projects['cdk8s-plus-33'];
    const explain = JSON.parse(execFileSync('npm', ['explain', 'cdk8s-plus-28', '--json'], { cwd: project, encoding: 'utf8' }));
    const edges = explain.flatMap((node: { dependents: { type: string; from: { name?: string; location?: string } }[] }) => node.dependents);
    expect(edges.map((e: { type: string; from: { name?: string } }) => `${e.type} ${e.from.name}`)).toEqual(['prod cdk8s-ai-inference']);
  });

  it('ships only the compiled library and its declarations, peering on cdk8s and constructs only', () => {
    const installed = join(projects['cdk8s-plus-28'], 'node_modules/cdk8s-ai-inference');
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(pkg.exports['.'].types).toBe('./lib/src/index.d.ts');
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['cdk8s', 'constructs']);
    expect(pkg.dependencies['cdk8s-plus-28']).toBeDefined();
    expect(() => readFileSync(join(installed, 'lib/src/index.d.ts'))).not.toThrow();
    expect(() => readFileSync(join(installed, 'src/index.ts'))).toThrow();
  });

  describe('its command, npx cdk8s-ai-inference, in the consumer', () => {
    const cli = async (args: string[], env: Record<string, string> = {}) => {
      try {
        const { stdout, stderr } = await run('npx', ['--no-install', 'cdk8s-ai-inference', ...args], { cwd: projects['cdk8s-plus-28'], env: { ...process.env, ...env }, maxBuffer: 20 * 1024 * 1024 });
        return { code: 0, stdout, stderr };
      } catch (e: any) {
        return { code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string };
      }
    };

    it('lists its four commands', async () => {
      const r = await cli(['--help']);
      expect(r.code).toBe(0);
      for (const name of ['check', 'diff', 'verify-nlb', 'loadtest']) expect(r.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    });

    it('check: the consumer\'s synthesized chart has no error-level finding (exit 0), SARIF on request', async () => {
      const r = await cli(['check', 'out/full.k8s.yaml', '--format', 'sarif']);
      expect(r.code, r.stderr).toBe(0);
      const sarif = JSON.parse(r.stdout);
      expect(sarif.version).toBe('2.1.0');
      expect(sarif.runs[0].tool.driver.rules.length).toBeGreaterThan(10);
    });

    it('diff: a file against itself has no change (exit 0); a missing file is exit 2', async () => {
      expect((await cli(['diff', 'out/full.k8s.yaml', 'out/full.k8s.yaml'])).code).toBe(0);
      const missing = await cli(['diff', 'out/full.k8s.yaml', 'out/none.yaml']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('none.yaml');
    });

    it('verify-nlb: reads the live NLB through the AWS SDK from a loopback ELBv2 endpoint', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ai-inference-verify-'));
      const manifest = join(dir, 'eks-nlb.k8s.yaml');
      writeFileSync(manifest, eksNlbManifests().map((o) => stringify(o)).join('---\n'));
      const server = await startElbv2Server(account());
      try {
        const r = await cli(['verify-nlb', '--manifest', manifest, '--service', `${NAMESPACE}/${SERVICE}`, '--cluster', CLUSTER, '--region', 'us-east-1', '--endpoint', server.url, '--format', 'json'], {
          AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        });
        // The loopback account holds the NLB exactly as the manifest asks for it, among 24 others.
        expect(r.code, r.stdout + r.stderr).toBe(0);
        const report = JSON.parse(r.stdout);
        expect(report.summary.drift + report.summary.missing).toBe(0);
        expect(report.summary.ok).toBeGreaterThan(10);
        // 25 load balancers: DescribeTags in batches of at most 20 ARNs.
        expect(server.callsOf('DescribeTags').length).toBeGreaterThanOrEqual(2);
      } finally {
        await server.close();
      }
    });

    it('loadtest: runs the baseline scenario against a loopback server and judges it (exit 0)', async () => {
      const server = createServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      try {
        const { port } = server.address() as AddressInfo;
        const r = await cli(['loadtest', '--url', `http://127.0.0.1:${port}`, '--scenario', 'baseline', '--format', 'json']);
        expect(r.code, r.stderr).toBe(0);
        const report = JSON.parse(r.stdout);
        // Seed 000's baseline: 1,000 requests at 10 concurrent, judged against its thresholds.
        expect(JSON.stringify(report)).toContain('"p95"');
        expect(JSON.stringify(report)).toContain('1000');
      } finally {
        await new Promise((done) => server.close(done));
      }
    });
  });
});
