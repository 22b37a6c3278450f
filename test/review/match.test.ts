import { describe, expect, it } from 'vitest';
import { objectId } from '../../src/review/load';
import { matchObjects, nameMapping, RENAME_SIMILARITY, renameSimilarity } from '../../src/review/match';
import { K8sObject, LoadedObject } from '../../src/review/types';

const loaded = (object: K8sObject, file = 'a.yaml'): LoadedObject => ({ id: objectId(object), object, file, line: 1 });
const svc = (name: string, instance: string, extra: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'prod', labels: { 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/instance': instance } },
  spec: { type: 'LoadBalancer', selector: { 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/instance': instance, ...extra }, ports: [{ name: 'http', port: 80 }] },
});
const summary = (pairs: ReturnType<typeof matchObjects>) => pairs.map((p) => `${p.base?.id.name ?? '-'} -> ${p.head?.id.name ?? '-'}${p.similarity === undefined ? '' : ' (rename)'}`);

describe('nameMapping', () => {
  it('maps the differing middle of two names, bounded by non-alphanumerics', () => {
    const map = nameMapping(objectId(svc('ai-inference-lb', 'x')), objectId(svc('chat-lb', 'x')));
    expect(map('job="ai-inference-internal"')).toBe('job="chat-internal"');
    expect(map('ai-inference')).toBe('chat');
    expect(map('xai-inference')).toBe('xai-inference');
  });

  it('maps a namespace change as well', () => {
    const a = objectId({ ...svc('x-lb', 'x'), metadata: { name: 'x-lb', namespace: 'old-ns' } });
    const b = objectId({ ...svc('x-lb', 'x'), metadata: { name: 'x-lb', namespace: 'new-ns' } });
    expect(nameMapping(a, b)('svc.old-ns.svc')).toBe('svc.new-ns.svc');
  });
});

describe('matchObjects', () => {
  it('pairs by API group, kind, namespace and name; an apiVersion bump is the same object', () => {
    const hpa = (v: string) => ({ apiVersion: `autoscaling/${v}`, kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'prod' }, spec: {} });
    expect(summary(matchObjects([loaded(hpa('v2beta2'))], [loaded(hpa('v2'))]))).toEqual(['h -> h']);
  });

  it('takes a deleted and an added object of one kind with equal selectors (after the name mapping) for a rename', () => {
    const pairs = matchObjects([loaded(svc('ai-inference-lb', 'ai-inference'))], [loaded(svc('chat-lb', 'chat'))]);
    expect(summary(pairs)).toEqual(['ai-inference-lb -> chat-lb (rename)']);
    expect(pairs[0].similarity).toBe(1);
  });

  it('does not take objects whose selectors differ beyond the name for a rename', () => {
    const pairs = matchObjects([loaded(svc('ai-inference-lb', 'ai-inference'))], [loaded(svc('chat-lb', 'chat', { 'app.kubernetes.io/component': 'api' }))]);
    expect(summary(pairs)).toEqual(['ai-inference-lb -> -', '- -> chat-lb']);
  });

  it(`does not take objects less than ${RENAME_SIMILARITY * 100} % alike for a rename`, () => {
    const a = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a-config' }, data: { A: '1', B: '2', C: '3', D: '4', E: '5' } };
    const b = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b-config' }, data: { A: '1', B: 'x', C: 'y', D: '4', E: '5' } };
    expect(renameSimilarity(loaded(a), loaded(b))).toBeCloseTo(5 / 7);
    expect(summary(matchObjects([loaded(a)], [loaded(b)]))).toEqual(['a-config -> -', '- -> b-config']);
  });

  it('pairs each renamed object with its best match when several of a kind are renamed at once', () => {
    const pvc = (name: string, instance: string, size: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, labels: { 'app.kubernetes.io/instance': instance } }, spec: { resources: { requests: { storage: size } }, accessModes: ['ReadWriteMany'] } });
    const pairs = matchObjects([loaded(pvc('old-models', 'old', '50Gi')), loaded(pvc('old-data', 'old', '20Gi'))], [loaded(pvc('new-data', 'new', '20Gi')), loaded(pvc('new-models', 'new', '50Gi'))]);
    expect(summary(pairs).sort()).toEqual(['old-data -> new-data (rename)', 'old-models -> new-models (rename)']);
  });

  it('pairs an identity defined in several files by file too', () => {
    const cm = (v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'prod' }, data: { v } });
    const pairs = matchObjects([loaded(cm('1'), 'one.yaml'), loaded(cm('2'), 'two.yaml')], [loaded(cm('2'), 'two.yaml'), loaded(cm('1b'), 'one.yaml')]);
    expect(pairs.map((p) => `${p.base!.file}:${p.base!.object.data.v} -> ${p.head!.file}:${p.head!.object.data.v}`)).toEqual(['one.yaml:1 -> one.yaml:1b', 'two.yaml:2 -> two.yaml:2']);
  });
});
