import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffValues, formatPath } from '../../src/review/diff';

const paths = (a: unknown, b: unknown) => diffValues(a, b).map((c) => `${c.op} ${c.pathText}`);

describe('diffValues', () => {
  it('ignores key order', () => {
    expect(diffValues({ a: 1, b: { c: 2, d: [1, 2] } }, { b: { d: [1, 2], c: 2 }, a: 1 })).toEqual([]);
  });

  it('reports added, removed and changed fields by path, with old and new values', () => {
    const changes = diffValues({ spec: { replicas: 3, paused: false } }, { spec: { replicas: 2, minReadySeconds: 10 } });
    expect(changes.map((c) => ({ op: c.op, path: c.pathText, old: c.old, new: c.new }))).toEqual([
      { op: 'added', path: 'spec.minReadySeconds', old: undefined, new: 10 },
      { op: 'removed', path: 'spec.paused', old: false, new: undefined },
      { op: 'changed', path: 'spec.replicas', old: 3, new: 2 },
    ]);
  });

  it('treats null and an absent field alike', () => {
    expect(diffValues({ a: null, b: 1 }, { b: 1 })).toEqual([]);
  });

  it('matches named list items by name: an inserted container is one addition, reordering is no change', () => {
    const c = (name: string, image: string) => ({ name, image });
    expect(paths({ cs: [c('a', '1'), c('b', '1')] }, { cs: [c('x', '1'), c('b', '1'), c('a', '2')] })).toEqual(['changed cs[name=a].image', 'added cs[name=x]']);
    expect(diffValues({ cs: [c('a', '1'), c('b', '1')] }, { cs: [c('b', '1'), c('a', '1')] })).toEqual([]);
  });

  it('matches Prometheus rules by alert or record name, a repeated alert by its occurrence', () => {
    const base = [{ record: 'r1', expr: 'x' }, { alert: 'A', expr: 'a > 1' }, { alert: 'A', expr: 'a > 2' }];
    const head = [{ record: 'r1', expr: 'x' }, { alert: 'A', expr: 'a > 1' }, { alert: 'A', expr: 'a > 3' }];
    expect(paths({ rules: base }, { rules: head })).toEqual(['changed rules[rule=alert:A#2].expr']);
  });

  it('compares other lists position by position', () => {
    expect(paths({ l: ['a', 'b'] }, { l: ['a', 'c', 'd'] })).toEqual(['changed l[1]', 'added l[2]']);
  });

  it('compares a JSON string (a dashboard) as JSON, so its formatting does not count', () => {
    expect(diffValues({ d: '{"a": 1, "b": [1]}' }, { d: '{\n  "b": [1],\n  "a": 1\n}' })).toEqual([]);
    expect(paths({ d: '{"panels":[{"title":"x"}]}' }, { d: '{"panels":[{"title":"y"}]}' })).toEqual(['changed d.(json).panels[0].title']);
  });

  it('quotes keys that are not plain identifiers', () => {
    expect(formatPath([{ key: 'metadata' }, { key: 'annotations' }, { key: 'service.beta.kubernetes.io/aws-load-balancer-scheme' }])).toBe(
      'metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"]',
    );
  });

  it('pairs renamed keys through mapKey', () => {
    const mapKey = (k: string) => k.replace('old', 'new');
    expect(paths({ data: { 'old.json': '1' } }, { data: { 'new.json': '1' } })).toEqual(['added data["new.json"]', 'removed data["old.json"]']);
    expect(diffValues({ data: { 'old.json': '1' } }, { data: { 'new.json': '1' } }, { mapKey })).toEqual([]);
  });
});

/** JSON-like values as manifests hold them: maps, lists (some with name keys), scalars. */
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('map'), tie('list'), tie('named')),
  leaf: fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -5, max: 5 }), fc.boolean(), fc.constant(null)),
  map: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'name', 'x.y/z', 'spec'), tie('node'), { maxKeys: 4 }),
  list: fc.array(tie('node'), { maxLength: 4 }),
  named: fc.array(fc.record({ name: fc.constantFrom('n1', 'n2', 'n3'), v: tie('node') }), { maxLength: 4 }),
})).node;

describe('diffValues properties', () => {
  it('finds no change between a value and itself, or a structural copy of it', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(diffValues(v, v)).toEqual([]);
        expect(diffValues(v, structuredClone(v))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('is symmetric: what diff(a, b) removes, diff(b, a) adds, and changes swap old and new', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        const ab = diffValues(a, b);
        const ba = diffValues(b, a);
        const of = (cs: typeof ab, op: string) => cs.filter((c) => c.op === op).map((c) => ({ path: c.pathText, v: c.op === 'added' ? c.new : c.old }));
        expect(of(ab, 'removed')).toEqual(of(ba, 'added'));
        expect(of(ab, 'added')).toEqual(of(ba, 'removed'));
        expect(ab.filter((c) => c.op === 'changed').map((c) => [c.pathText, c.old, c.new])).toEqual(ba.filter((c) => c.op === 'changed').map((c) => [c.pathText, c.new, c.old]));
      }),
      { numRuns: 300 },
    );
  });
});
