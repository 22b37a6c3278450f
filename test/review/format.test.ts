import { describe, expect, it } from 'vitest';
import { formatReview, MARKDOWN_BUDGET, MAX_VALUE_LINES } from '../../src/review/format';
import { objectId } from '../../src/review/load';
import { reviewManifests } from '../../src/review/review';
import { K8sObject, ManifestSet } from '../../src/review/types';

const set = (side: 'base' | 'head', objects: K8sObject[]): ManifestSet => ({ side, source: `${side}/`, objects: objects.map((object) => ({ id: objectId(object), object, file: 'x.yaml', line: 1 })), skipped: [] });
const cm = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'prod' }, data });

describe('formatReview', () => {
  it('shows a multi-line string change as a line diff with two lines of context', () => {
    const base = Array.from({ length: 12 }, (_, i) => `line ${i}`).join('\n');
    const head = base.replace('line 6', 'line six');
    const text = formatReview(reviewManifests(set('base', [cm('c', { f: base })]), set('head', [cm('c', { f: head })])), 'text');
    expect(text).toContain(['    ~ data.f', '          …', '          line 4', '          line 5', '        - line 6', '        + line six', '          line 7', '          line 8', '          …'].join('\n'));
  });

  it(`cuts an added or removed value after ${MAX_VALUE_LINES} lines`, () => {
    const big = Array.from({ length: 40 }, (_, i) => `l${i}`).join('\n');
    const text = formatReview(reviewManifests(set('base', [cm('c', {})]), set('head', [cm('c', { f: big })])), 'text');
    expect(text).toContain(`        + … (${40 - MAX_VALUE_LINES} more lines)`);
  });

  it('says so when nothing differs', () => {
    const r = reviewManifests(set('base', [cm('c', { a: '1' })]), set('head', [cm('c', { a: '1' })]));
    expect(formatReview(r, 'text')).toBe('cdk8s-ai-inference diff: base base/ (1 objects) -> head head/ (1 objects)\nObjects: 1 unchanged\nFindings: no findings\n');
    expect(formatReview(r, 'markdown')).toBe('### cdk8s-ai-inference diff\n\n**base** `base/` (1 objects) → **head** `head/` (1 objects): 1 unchanged.\nFindings: no findings.\n\nNo object differs.\n');
  });

  it('keeps a Markdown comment under the size GitHub accepts, saying what it left out', () => {
    const n = 80;
    const base = Array.from({ length: n }, (_, i) => cm(`c${i}`, { f: Array.from({ length: 60 }, (_, j) => `value ${j} of ${i} ${'x'.repeat(40)}`).join('\n') }));
    const head = base.map((o) => cm(o.metadata.name, { f: o.data.f.replace(/value (\d+)/g, 'v$1') }));
    const md = formatReview(reviewManifests(set('base', base), set('head', head)), 'markdown');
    expect(md.length).toBeLessThan(MARKDOWN_BUDGET + 1000);
    expect(md).toMatch(/_\d+ more objects left out to stay within the comment size limit; run `cdk8s-ai-inference diff` with --format text for all\._/);
  });

  it('escapes table cells and fences in Markdown', () => {
    const r = reviewManifests(set('base', [cm('c', { a: '```' })]), set('head', [cm('c', { a: '````|' })]));
    const md = formatReview(r, 'markdown');
    expect(md).toContain('\n`````diff\n@@ data.a (changed)\n- "```"\n+ "````|"\n`````');
  });
});

describe('formatReview with one identity in two files', () => {
  it('keeps each file\'s findings on its own row, and lists a document both sides skip once', () => {
    const pvc = (size: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'prod' }, spec: { resources: { requests: { storage: size } } } });
    const side = (s: 'base' | 'head', sizes: [string, string]): ManifestSet => ({
      side: s,
      source: s,
      objects: sizes.map((size, i) => ({ id: objectId(pvc(size)), object: pvc(size), file: `chart${i}.yaml`, line: 1 })),
      skipped: [{ file: 'helm/values.yaml', line: 1, reason: 'not a Kubernetes object (no apiVersion and kind)' }],
    });
    const r = reviewManifests(side('base', ['10Gi', '10Gi']), side('head', ['5Gi', '20Gi']));
    expect(r.findings.map((f) => `${f.id} ${f.file}`)).toEqual(['AII-D021 chart0.yaml', 'AII-D022 chart1.yaml']);
    const md = formatReview(r, 'markdown');
    expect(md).toContain('| PersistentVolumeClaim prod/data | changed, 1 field | destructive AII-D021 |\n| PersistentVolumeClaim prod/data | changed, 1 field | notice AII-D022 |');
    expect(formatReview(r, 'text')).toContain('Findings: 1 destructive, 0 interrupting, 1 notice\nSkipped (both sides) helm/values.yaml:1: not a Kubernetes object (no apiVersion and kind)\n');
  });
});

describe('secrets in the diff', () => {
  it('never prints a Secret\'s data, nor a value that looks like a credential', () => {
    const secret = (v: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'prod' }, data: { token: v } });
    const dep = (env: { name: string; value: string }[], url: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'prod' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { annotations: { url } }, spec: { containers: [{ name: 'c', env }] } } },
    });
    const r = reviewManifests(
      set('base', [secret('c2VjcmV0LW9uZQ=='), dep([{ name: 'DB_PASSWORD', value: 'hunter2-old' }], 'postgres://app:oldpass@db:5432/x')]),
      set('head', [secret('c2VjcmV0LXR3bw=='), dep([{ name: 'DB_PASSWORD', value: 'hunter2-new' }, { name: 'API_TOKEN', value: 'tok-abc-123' }], 'postgres://app:newpass@db:5432/x')]),
    );
    for (const format of ['text', 'markdown', 'json'] as const) {
      const out = formatReview(r, format);
      for (const leak of ['c2VjcmV0', 'hunter2', 'tok-abc', 'oldpass', 'newpass']) expect(out).not.toContain(leak);
      expect(out).toContain('(value hidden)');
    }
    // A rule message quoting a value quotes the placeholder.
    const annotated = (v: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', namespace: 'prod', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol': v } }, spec: { type: 'LoadBalancer', loadBalancerClass: 'service.k8s.aws/nlb' } });
    const hc = reviewManifests(set('base', [annotated('http')]), set('head', [annotated('postgres://u:pw-secret@h/db')]));
    expect(hc.findings.map((f) => [f.id, f.new, f.message])).toEqual([
      ['AII-D033', '(value hidden)', 'metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol"]: http -> (value hidden)'],
    ]);
    expect(r.objects.find((o) => o.base?.id.kind === 'Secret')!.changes).toEqual([expect.objectContaining({ pathText: 'data.token', old: '(value hidden)', new: '(value hidden)' })]);
  });
});
