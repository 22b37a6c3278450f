import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const version = (name: string) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
let project: string;

const CONSUMER = `
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { AiInferenceChart, InferenceDeployment, NlbService, PdbPolicy } from 'cdk8s-ai-inference';

const app = new App({ outdir: 'out' });
const chart = new Chart(app, 'consumer');
new InferenceDeployment(chart, 'Inference', {
  name: 'ai-inference',
  namespace: 'prod',
  image: 'ghcr.io/acme/inference:1.0.0',
  resources: {
    cpu: { request: Cpu.units(2), limit: Cpu.units(4) },
    memory: { request: Size.gibibytes(8), limit: Size.gibibytes(16) },
  },
});
new NlbService(chart, 'Services', { name: 'ai-inference', namespace: 'prod' });
new PdbPolicy(chart, 'Pdb', { name: 'ai-inference', namespace: 'prod', minAvailable: 2 });
// The whole chart: autoscaling (KEDA classes from imports/), alert rules, Grafana dashboard.
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
    scaling: { backend: 'keda', keda: { serverAddress: 'http://prometheus:9090' }, minReplicas: 3, maxReplicas: 30 },
    metrics: { preset: 'vllm' },
    slo: { availability: 99.9, latencyP95: Duration.seconds(2), latencyP99: Duration.seconds(3), errorRate: 1, throughputRps: 1000 },
  },
});
app.synth();
`;

describe('the packed npm package', () => {
  beforeAll(() => {
    const packDir = mkdtempSync(join(tmpdir(), 'ai-inference-pack-'));
    // prepack compiles to lib/ first.
    const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], { cwd: root, encoding: 'utf8' });
    const tarball = join(packDir, out.trim().split('\n').pop()!);
    project = mkdtempSync(join(tmpdir(), 'ai-inference-consumer-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    execFileSync(
      'npm',
      [
        'install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error',
        tarball,
        `cdk8s@${version('cdk8s')}`,
        `cdk8s-plus-28@${version('cdk8s-plus-28')}`,
        `constructs@${version('constructs')}`,
      ],
      { cwd: project, stdio: 'pipe' },
    );
    writeFileSync(join(project, 'main.ts'), CONSUMER);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: false, types: [] }, files: ['main.ts'] }),
    );
  }, 300_000);

  it('type-checks and compiles a consumer that imports the constructs by package name', () => {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, stdio: 'pipe' });
    expect(readFileSync(join(project, 'main.js'), 'utf8')).toContain("require(\"cdk8s-ai-inference\")");
  });

  it('synthesizes the consumer chart from the installed package', () => {
    execFileSync(process.execPath, ['main.js'], { cwd: project, stdio: 'pipe' });
    const yaml = readFileSync(join(project, 'out', 'consumer.k8s.yaml'), 'utf8');
    expect(yaml).toContain('kind: Deployment');
    expect(yaml).toContain('name: ai-inference-internal');
    expect(yaml).toContain('minAvailable: 2');
    expect(yaml).toContain('nvidia.com/gpu: 1');
    const full = readFileSync(join(project, 'out', 'full.k8s.yaml'), 'utf8');
    for (const kind of ['Deployment', 'ScaledObject', 'VerticalPodAutoscaler', 'ServiceMonitor', 'PrometheusRule']) {
      expect(full).toContain(`kind: ${kind}`);
    }
    expect(full).toContain('vllm:num_requests_waiting');
    expect(full).toContain('grafana_dashboard: "1"');
  });

  it('ships only the compiled library and its declarations', () => {
    const pkg = JSON.parse(readFileSync(join(project, 'node_modules/cdk8s-ai-inference/package.json'), 'utf8'));
    expect(pkg.exports['.'].types).toBe('./lib/src/index.d.ts');
    expect(() => readFileSync(join(project, 'node_modules/cdk8s-ai-inference/lib/src/index.d.ts'))).not.toThrow();
    expect(() => readFileSync(join(project, 'node_modules/cdk8s-ai-inference/src/index.ts'))).toThrow();
  });
});
