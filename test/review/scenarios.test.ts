import { Duration, Size } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AiInferenceSpec } from '../../src';
import { NlbLoadBalancerOptions } from '../../src/spec/traffic';
import { loadSource } from '../../src/review/load';
import { reviewManifests } from '../../src/review/review';
import { DiffFinding, Review } from '../../src/review/types';
import { editObjects, eksNlbSpec, find, removeRepo, twoCommits } from './repo';

/** Reviews git:HEAD~1 against git:HEAD of `repo`. */
function review(repo: string): Review {
  return reviewManifests(loadSource('base', 'git:HEAD~1', repo), loadSource('head', 'git:HEAD', repo));
}
const ids = (r: Review) => r.findings.map((f) => `${f.id} ${f.object}`);
const only = (r: Review, id: string): DiffFinding[] => r.findings.filter((f) => f.id === id);

const repos: string[] = [];
function repoOf(base: AiInferenceSpec, head: AiInferenceSpec | ((repo: string) => void)): string {
  const repo = twoCommits(base, head);
  repos.push(repo);
  return repo;
}
afterAll(() => repos.forEach(removeRepo));

const withLb = (lb: Partial<NlbLoadBalancerOptions>): AiInferenceSpec => ({
  ...eksNlbSpec,
  traffic: { ...eksNlbSpec.traffic, loadBalancer: { ...(eksNlbSpec.traffic!.loadBalancer as NlbLoadBalancerOptions), ...lb } },
});

describe('a release rename (ai-inference -> chat)', () => {
  let r: Review;
  beforeAll(() => {
    r = review(repoOf(eksNlbSpec, { ...eksNlbSpec, release: 'chat' }));
  });

  it('pairs every renamed object with its new name instead of reporting deletions and additions', () => {
    expect(r.objects.filter((o) => o.status === 'renamed').map((o) => `${o.base!.id.kind} ${o.base!.id.name} -> ${o.head!.id.name}`)).toEqual([
      'ConfigMap ai-inference-config -> chat-config',
      'ConfigMap ai-inference-dashboard -> chat-dashboard',
      'Deployment ai-inference -> chat',
      'HorizontalPodAutoscaler ai-inference-hpa -> chat-hpa',
      'NetworkPolicy ai-inference-netpol -> chat-netpol',
      'PersistentVolumeClaim ai-inference-data -> chat-data',
      'PersistentVolumeClaim ai-inference-models -> chat-models',
      'PodDisruptionBudget ai-inference-pdb -> chat-pdb',
      'PrometheusRule ai-inference-rules -> chat-rules',
      'Service ai-inference-headless -> chat-headless',
      'Service ai-inference-internal -> chat-internal',
      'Service ai-inference-lb -> chat-lb',
      'ServiceAccount ai-inference -> chat',
      'ServiceMonitor ai-inference-monitor -> chat-monitor',
      'VerticalPodAutoscaler ai-inference-vpa -> chat-vpa',
    ]);
    expect(r.objects.filter((o) => o.status === 'added' || o.status === 'removed')).toEqual([]);
    expect(r.objects.find((o) => o.status === 'unchanged')?.base?.id).toMatchObject({ kind: 'Namespace', name: 'pixelated-prod' });
  });

  it('flags the NLB replacement and both PVC deletions as destructive, the Deployment as interrupting', () => {
    expect(ids(r)).toEqual([
      'AII-D001 PersistentVolumeClaim pixelated-prod/ai-inference-data',
      'AII-D001 PersistentVolumeClaim pixelated-prod/ai-inference-models',
      'AII-D002 Service pixelated-prod/ai-inference-lb',
      'AII-D004 Deployment pixelated-prod/ai-inference',
    ]);
    expect(r.findings.map((f) => f.level)).toEqual(['destructive', 'destructive', 'destructive', 'interrupting']);
    expect(only(r, 'AII-D002')[0].message).toBe('renamed to Service pixelated-prod/chat-lb: its load balancer is deleted; a new one gets a new DNS name');
    expect(only(r, 'AII-D001')[1].message).toBe('renamed to PersistentVolumeClaim pixelated-prod/chat-models: the claim and (reclaim policy Delete) its data are deleted');
  });

  it('diffs a renamed object field by field, pairing name-derived keys (rule groups, dashboard file)', () => {
    const rules = r.objects.find((o) => o.base?.id.name === 'ai-inference-rules')!;
    const paths = rules.changes.map((c) => c.pathText);
    expect(paths).toContain('spec.groups[name=chat-alerts].name');
    expect(paths.some((p) => p.startsWith('spec.groups[name=ai-inference-alerts]'))).toBe(false);
    const lb = r.objects.find((o) => o.base?.id.name === 'ai-inference-lb')!;
    expect(lb.changes.map((c) => `${c.pathText}: ${String(c.old)} -> ${String(c.new)}`)).toEqual([
      'metadata.labels["app.kubernetes.io/instance"]: ai-inference -> chat',
      'metadata.name: ai-inference-lb -> chat-lb',
      'spec.selector["app.kubernetes.io/instance"]: ai-inference -> chat',
    ]);
    const dashboard = r.objects.find((o) => o.base?.id.name === 'ai-inference-dashboard')!;
    expect(dashboard.changes.some((c) => c.op === 'removed')).toBe(false);
    expect(dashboard.changes[0].pathText.startsWith('data["pixelated-prod-chat.json"].(json)')).toBe(true);
  });
});

describe('in-place changes', () => {
  it('flags a PVC shrink as destructive: the API server refuses it', () => {
    const head = { ...eksNlbSpec, storage: { ...eksNlbSpec.storage!, models: { ...eksNlbSpec.storage!.models!, size: Size.gibibytes(40) } } };
    const r = review(repoOf(eksNlbSpec, head));
    expect(ids(r)).toEqual(['AII-D021 PersistentVolumeClaim pixelated-prod/ai-inference-models']);
    expect(r.findings[0]).toMatchObject({ level: 'destructive', path: 'spec.resources.requests.storage', old: '50Gi', new: '40Gi' });
    expect(r.findings[0].message).toContain('the API server refuses the update');
  });

  it('reports a PVC growth as a notice about allowVolumeExpansion', () => {
    const head = { ...eksNlbSpec, storage: { ...eksNlbSpec.storage!, data: { ...eksNlbSpec.storage!.data!, size: Size.gibibytes(30) } } };
    const r = review(repoOf(eksNlbSpec, head));
    expect(r.findings.map((f) => [f.id, f.level, f.old, f.new])).toEqual([['AII-D022', 'notice', '20Gi', '30Gi']]);
  });

  it('flags a storage class or access mode change of a PVC as refused', () => {
    const head = { ...eksNlbSpec, storage: { ...eksNlbSpec.storage!, data: { ...eksNlbSpec.storage!.data!, storageClassName: 'gp3', accessMode: 'ReadOnlyMany' as const } } };
    const r = review(repoOf(eksNlbSpec, head));
    expect(only(r, 'AII-D020').map((f) => [f.path, f.old, f.new])).toEqual([
      ['spec.accessModes', ['ReadWriteMany'], ['ReadOnlyMany']],
      ['spec.storageClassName', 'efs-sc', 'gp3'],
    ]);
  });

  it('flags a Deployment selector change as destructive', () => {
    const r = review(
      repoOf(eksNlbSpec, (repo) =>
        editObjects(repo, (objects) => {
          const d = find(objects, 'Deployment', 'ai-inference');
          d.spec.selector.matchLabels['app.kubernetes.io/component'] = 'inference-server';
        }),
      ),
    );
    expect(ids(r)).toEqual(['AII-D010 Deployment pixelated-prod/ai-inference']);
    expect(r.findings[0]).toMatchObject({ level: 'destructive', path: 'spec.selector' });
    expect(r.findings[0].new).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'ai-inference', 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/component': 'inference-server' } });
  });

  it('flags the scheme change internal -> internet-facing as a destructive NLB replacement', () => {
    const r = review(repoOf(withLb({ scheme: 'internal' }), eksNlbSpec));
    expect(ids(r)).toEqual(['AII-D030 Service pixelated-prod/ai-inference-lb']);
    expect(r.findings[0]).toMatchObject({
      level: 'destructive',
      path: 'metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"]',
      old: 'internal',
      new: 'internet-facing',
      message: 'scheme "internal" -> "internet-facing": the NLB is replaced and gets a new DNS name'.replace(/"/g, ''),
    });
  });

  it('flags maxReplicas 10 -> 5 as interrupting', () => {
    const at = (maxReplicas: number): AiInferenceSpec => ({ ...eksNlbSpec, scaling: { ...eksNlbSpec.scaling!, maxReplicas }, slo: { ...eksNlbSpec.slo, throughputRps: 200 } });
    const r = review(repoOf(at(10), at(5)));
    const f = only(r, 'AII-D040');
    expect(f.map((x) => [x.level, x.object, x.path, x.old, x.new])).toEqual([['interrupting', 'HorizontalPodAutoscaler pixelated-prod/ai-inference-hpa', 'spec.maxReplicas', 10, 5]]);
    // The ceiling also lands in the HPA-at-max alert: an alert change, not an SLO change.
    expect(only(r, 'AII-D051').map((x) => x.path)).toContain('spec.groups[name=ai-inference-alerts].rules[rule=alert:InferenceHpaAtMaxReplicas].expr');
    expect(only(r, 'AII-D050')).toEqual([]);
  });

  it('reports an SLO change through the alerts derived from it', () => {
    const head = { ...eksNlbSpec, slo: { ...eksNlbSpec.slo, latencyP95: Duration.millis(2500) } };
    const r = review(repoOf(eksNlbSpec, head));
    const f = only(r, 'AII-D050');
    expect(f.map((x) => x.path)).toEqual(['spec.groups[name=ai-inference-alerts].rules[rule=alert:InferenceLatencyP95SLOBreach].expr']);
    expect(String(f[0].old)).toMatch(/> 2$/);
    expect(String(f[0].new)).toMatch(/> 2\.5$/);
    expect(f[0].level).toBe('notice');
    expect(r.findings.filter((x) => x.level !== 'notice')).toEqual([]);
  });

  it('reports an availability objective change on the burn-rate alerts', () => {
    const head = { ...eksNlbSpec, slo: { ...eksNlbSpec.slo, availability: 99.5 } };
    const r = review(repoOf(eksNlbSpec, head));
    const alerts = [...new Set(only(r, 'AII-D050').map((x) => /alert:(\w+)/.exec(x.path!)![1]))];
    expect(alerts).toEqual(expect.arrayContaining(['InferenceErrorBudgetBurnFast', 'InferenceErrorBudgetBurnSlow', 'InferenceErrorBudgetExhausted']));
  });

  it('flags a PodDisruptionBudget loosening as interrupting and a tightening as a notice', () => {
    const loose = review(repoOf(eksNlbSpec, { ...eksNlbSpec, disruption: { minAvailable: '50%' } }));
    expect(loose.findings.map((f) => [f.id, f.level, f.old, f.new])).toEqual([['AII-D043', 'interrupting', '66%', '50%']]);
    const tight = review(repoOf({ ...eksNlbSpec, disruption: { minAvailable: '50%' } }, eksNlbSpec));
    expect(tight.findings.map((f) => [f.id, f.level, f.old, f.new])).toEqual([['AII-D044', 'notice', '50%', '66%']]);
  });

  it('flags a target type change as a target-group replacement', () => {
    const r = review(
      repoOf(eksNlbSpec, (repo) =>
        editObjects(repo, (objects) => {
          find(objects, 'Service', 'ai-inference-lb').metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-nlb-target-type'] = 'instance';
        }),
      ),
    );
    expect(r.findings.map((f) => [f.id, f.level, f.message])).toEqual([['AII-D032', 'interrupting', 'target type ip -> instance: the target groups are replaced']]);
  });

  it('flags a loadBalancerClass change as refused and a health-check protocol change as a notice', () => {
    const r = review(
      repoOf(eksNlbSpec, (repo) =>
        editObjects(repo, (objects) => {
          const lb = find(objects, 'Service', 'ai-inference-lb');
          lb.spec.loadBalancerClass = 'example.com/other';
          lb.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol'] = 'tcp';
        }),
      ),
    );
    expect(r.findings.map((f) => [f.id, f.level])).toEqual([
      ['AII-D013', 'destructive'],
      ['AII-D033', 'notice'],
    ]);
  });

  it('reports a config change as a rollout (the checksum annotation changes the pod template), not as a stale config', () => {
    const head = { ...eksNlbSpec, config: { ...eksNlbSpec.config!, performance: { ...eksNlbSpec.config!.performance!, maxBatchSize: 16 } } };
    const r = review(repoOf(eksNlbSpec, head));
    expect(r.findings.map((f) => [f.id, f.object, f.message])).toEqual([['AII-D060', 'Deployment pixelated-prod/ai-inference', 'the pod template changes (1 field): every pod is replaced']]);
  });

  it('flags a ConfigMap edited by hand, without a pod template change, as not reaching the running pods', () => {
    const r = review(
      repoOf(eksNlbSpec, (repo) =>
        editObjects(repo, (objects) => {
          find(objects, 'ConfigMap', 'ai-inference-config').data.MAX_BATCH_SIZE = '16';
        }),
      ),
    );
    expect(r.findings.map((f) => [f.id, f.object, f.message])).toEqual([
      ['AII-D061', 'ConfigMap pixelated-prod/ai-inference-config', 'Deployment pixelated-prod/ai-inference reads it as environment variables and its pod template is unchanged: its pods keep the old values'],
    ]);
  });

  it('finds nothing in a reformatted dist/: other key order, indentation and quoting', () => {
    const repo = repoOf(eksNlbSpec, (repo) =>
      editObjects(repo, (objects) => {
        const reversed = (o: unknown): unknown =>
          Array.isArray(o) ? o.map(reversed) : o && typeof o === 'object' ? Object.fromEntries(Object.entries(o).reverse().map(([k, v]) => [k, reversed(v)])) : o;
        objects.splice(0, objects.length, ...objects.map((x) => reversed(x) as Record<string, any>).reverse());
      }),
    );
    const r = review(repo);
    expect(r.objects.every((o) => o.status === 'unchanged')).toBe(true);
    expect(r.findings).toEqual([]);
  });
});
