import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { expectValidManifests } from '../helpers/k8s-schema';
import { checkRules } from '../helpers/promtool';
import { podSecurityRestrictedViolations, podTemplateOf } from '../helpers/pod-security';

const root = resolve(__dirname, '../..');
const dist = join(root, 'dist');
let fresh: string;

const files = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const load = (file: string) => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJSON());

describe('examples', () => {
  beforeAll(() => {
    // The real CLI, as `npm run synth` runs it, into a scratch directory.
    fresh = mkdtempSync(join(tmpdir(), 'ai-inference-synth-'));
    execFileSync(join(root, 'node_modules/.bin/cdk8s'), ['synth', '--no-check-upgrade', '--output', fresh], { cwd: root, stdio: 'pipe' });
  });

  it('dist/ equals a fresh synth, file for file and byte for byte', () => {
    expect(files(fresh)).toEqual(files(dist));
    for (const f of files(dist)) {
      expect(readFileSync(join(fresh, f), 'utf8'), `dist/${f} is stale: run npm run synth`).toBe(readFileSync(join(dist, f), 'utf8'));
    }
    // The prometheus-adapter values (not a manifest: kept out of dist/'s top level).
    const values = join('helm', 'prometheus-adapter-values.yaml');
    expect(readFileSync(join(fresh, values), 'utf8'), `dist/${values} is stale: run npm run synth`).toBe(readFileSync(join(dist, values), 'utf8'));
  });

  it('synthesizes the same bytes twice', () => {
    const again = mkdtempSync(join(tmpdir(), 'ai-inference-synth-'));
    execFileSync(join(root, 'node_modules/.bin/cdk8s'), ['synth', '--no-check-upgrade', '--output', again], { cwd: root, stdio: 'pipe' });
    for (const f of files(fresh)) expect(readFileSync(join(again, f), 'utf8')).toBe(readFileSync(join(fresh, f), 'utf8'));
  });

  it('produces the eks-nlb example, its KEDA twin, the vLLM example, the GKE example and the three platforms, each service with exactly one autoscaler', () => {
    expect(files(dist)).toEqual(['eks-nlb-keda.k8s.yaml', 'eks-nlb.k8s.yaml', 'eks-vllm.k8s.yaml', 'gke-l4.k8s.yaml', 'opifex.k8s.yaml', 'sutazai-traefik.k8s.yaml', 'sutazai.k8s.yaml']);
    const kinds = (f: string) => load(join(dist, f)).map((o) => o.kind);
    expect(kinds('eks-nlb.k8s.yaml').filter((k) => k === 'HorizontalPodAutoscaler' || k === 'ScaledObject')).toEqual(['HorizontalPodAutoscaler']);
    expect(kinds('eks-nlb-keda.k8s.yaml').filter((k) => k === 'HorizontalPodAutoscaler' || k === 'ScaledObject')).toEqual(['ScaledObject']);
    expect(kinds('eks-vllm.k8s.yaml').filter((k) => k === 'HorizontalPodAutoscaler' || k === 'ScaledObject')).toEqual(['ScaledObject']);
    expect(kinds('gke-l4.k8s.yaml').filter((k) => k === 'HorizontalPodAutoscaler' || k === 'ScaledObject')).toEqual(['HorizontalPodAutoscaler']);
    expect(kinds('opifex.k8s.yaml').filter((k) => k === 'HorizontalPodAutoscaler' || k === 'ScaledObject')).toEqual(Array(4).fill('HorizontalPodAutoscaler'));
    for (const f of ['sutazai.k8s.yaml', 'sutazai-traefik.k8s.yaml']) expect(kinds(f).filter((k) => k === 'HorizontalPodAutoscaler' || k === 'ScaledObject')).toEqual(['HorizontalPodAutoscaler']);
  });

  it('validates every object against the Kubernetes 1.28 and CRD schemas', () => {
    for (const f of files(dist)) expectValidManifests(load(join(dist, f)));
  });

  it('passes Pod Security "restricted" for every pod template', () => {
    let checked = 0;
    for (const f of files(dist)) {
      for (const obj of load(join(dist, f))) {
        const template = podTemplateOf(obj);
        if (!template) continue;
        checked++;
        expect(podSecurityRestrictedViolations(template.spec, template.metadata.annotations), `${f} ${obj.kind}/${obj.metadata.name}`).toEqual([]);
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('passes promtool check rules for every synthesized PrometheusRule', () => {
    let checked = 0;
    for (const f of files(dist)) {
      for (const rule of load(join(dist, f)).filter((o) => o.kind === 'PrometheusRule')) {
        const result = checkRules(rule.spec);
        expect(result.output, `${f} ${rule.metadata.name}`).toContain('SUCCESS');
        expect(result.ok).toBe(true);
        checked++;
      }
    }
    // One per service: four examples, four Opifex workloads, the SutazAI backend twice.
    expect(checked).toBe(10);
  });

  it('never writes a Secret or a credential value', () => {
    for (const f of files(dist)) {
      const objs = load(join(dist, f));
      expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
      const text = readFileSync(join(dist, f), 'utf8');
      expect(text).not.toMatch(/password\s*[:=]\s*[^\s{]/i);
      expect(text).not.toMatch(/[a-z]+:\/\/[^/\s:@]+:[^/\s@]+@/i);
    }
  });
});
