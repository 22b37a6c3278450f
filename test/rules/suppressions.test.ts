import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SUPPRESS_RULES_ANNOTATION } from '../../src/conventions';
import { checkObjects } from '../../src/rules/check';
import { findings, messages, service, withChanged } from './fixtures';

const set = (value: string) =>
  withChanged('Deployment', (d) => {
    d.spec.template.spec.containers[0].image = 'nginx';
    d.metadata.annotations = { [SUPPRESS_RULES_ANNOTATION]: value };
  });

describe('suppression-valid (AII-R001)', () => {
  it('passes objects without suppressions and valid suppressions', () => {
    expect(findings(service(), 'AII-R001')).toEqual([]);
    expect(findings(set('[{"id":"AII-R020","reason":"digest pinned at deploy"}]'), 'AII-R001')).toEqual([]);
  });

  it('refuses a suppression without a reason, and does not suppress', () => {
    const objects = set('[{"id":"AII-R020"}]');
    expect(messages(objects, 'AII-R001')).toEqual([
      'metadata.annotations["ai-inference.cdk8s.io/suppress-rules"][0].reason (not set) is required: a suppression says why the object may break AII-R020; add a "reason"',
    ]);
    expect(findings(objects, 'AII-R020')).toHaveLength(1);
    expect(checkObjects(objects).failed).toBe(true);
  });

  it('refuses an empty reason, an unknown id, a suppression of AII-R001 and text that is not JSON', () => {
    expect(messages(set('[{"id":"AII-R020","reason":"  "}]'), 'AII-R001')).toEqual([
      'metadata.annotations["ai-inference.cdk8s.io/suppress-rules"][0].reason ("  ") is required: a suppression says why the object may break AII-R020; add a "reason"',
    ]);
    expect(messages(set('[{"id":"AII-W001","reason":"x"},{"id":"AII-R001","reason":"x"}]'), 'AII-R001')).toEqual([
      'metadata.annotations["ai-inference.cdk8s.io/suppress-rules"][0].id ("AII-W001") is not a rule id of the pack; use one of the ids in docs/RULES.md',
      'metadata.annotations["ai-inference.cdk8s.io/suppress-rules"][1].id ("AII-R001") cannot be suppressed; fix the suppression instead',
    ]);
    expect(messages(set('AII-R020'), 'AII-R001')).toEqual([
      'metadata.annotations["ai-inference.cdk8s.io/suppress-rules"] is not JSON; write a list such as [{"id":"AII-R020","reason":"why this object may break the rule"}]',
    ]);
  });

  it('suppresses only on the object that carries the annotation', () => {
    const objects = set('[{"id":"AII-R041","reason":"x"}]');
    const svc = objects.find((o) => o.kind === 'Service')!;
    svc.spec.selector = { app: 'none' };
    expect(findings(objects, 'AII-R041').map((f) => f.object.name)).toEqual(['llm-lb']);
  });
});

describe('checkObjects', () => {
  it('runs only the packs asked for, plus the suppressions pack', () => {
    const r = checkObjects(service(), { packs: ['workload'] });
    expect(new Set(r.rules.map((x) => x.pack))).toEqual(new Set(['suppressions', 'workload']));
  });

  it('refuses an unknown pack, naming the packs', () => {
    expect(() => checkObjects([], { packs: ['security'] })).toThrow('unknown rule pack "security"; the packs are suppressions, pod-security, workload, autoscaling, networking, monitoring, aws-nlb');
  });

  it('skips entries without a kind (Helm values, empty documents) and fails only on unsuppressed errors', () => {
    const r = checkObjects([null, { replicas: 2 }, ...service()]);
    expect(r.objectCount).toBe(10);
    expect(r.failed).toBe(false);
    expect(r.findings).toEqual([]);
  });
});

describe('formatFinding', () => {
  it('puts the rule, the object and the message on one line', async () => {
    const { formatFinding } = await import('../../src/rules/report');
    const objects = set('[]');
    expect(checkObjects(objects).findings.map(formatFinding)).toEqual([
      'AII-R020 image-pinned: Deployment shop/llm: spec.template.spec.containers[0].image ("nginx") has no tag, so it means :latest (container "server"); pin a release tag or a digest',
    ]);
  });
});

describe('checkObjects on arbitrary input', () => {
  it('never throws, whatever the fields of objects of the kinds the rules read hold', () => {
    const kinds = fc.constantFrom('Deployment', 'Pod', 'CronJob', 'Service', 'PodDisruptionBudget', 'NetworkPolicy', 'HorizontalPodAutoscaler', 'ScaledObject', 'VerticalPodAutoscaler', 'ServiceMonitor', 'PrometheusRule', 'Namespace');
    const junk = fc.anything({ maxDepth: 4, withNullPrototype: false });
    const object = fc.record({
      apiVersion: fc.constantFrom('apps/v1', 'v1', 'keda.sh/v1alpha1', 'monitoring.coreos.com/v1', 'autoscaling.k8s.io/v1'),
      kind: kinds,
      metadata: fc.oneof(junk, fc.record({ name: fc.constantFrom('a', 'b'), namespace: fc.constantFrom('x', undefined), annotations: fc.oneof(junk, fc.constant({ [SUPPRESS_RULES_ANNOTATION]: '[{"id":"AII-R020"}]' })) })),
      spec: fc.oneof(junk, fc.record({ template: fc.oneof(junk, fc.record({ metadata: junk, spec: fc.record({ containers: fc.oneof(junk, fc.array(junk)) }) })), selector: junk, ports: junk, metrics: junk, triggers: junk })),
    });
    fc.assert(
      fc.property(fc.array(object, { maxLength: 8 }), (objects) => {
        const r = checkObjects(objects);
        expect(r.objectCount).toBe(objects.length);
      }),
      { numRuns: 400 },
    );
  });
});
