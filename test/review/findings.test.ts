import { describe, expect, it } from 'vitest';
import { DIFF_RULES } from '../../src/review/findings';
import { objectId } from '../../src/review/load';
import { reviewManifests } from '../../src/review/review';
import { K8sObject, ManifestSet } from '../../src/review/types';

const set = (side: 'base' | 'head', objects: K8sObject[]): ManifestSet => ({ side, source: side, objects: objects.map((object) => ({ id: objectId(object), object, file: 'x.yaml', line: 1 })), skipped: [] });
/** Findings for base -> head as `id level path old->new`. */
function findings(base: K8sObject[], head: K8sObject[]): string[] {
  return reviewManifests(set('base', base), set('head', head)).findings.map((f) => `${f.id} ${f.level}${f.path ? ` ${f.path}` : ''}${f.old !== undefined || f.new !== undefined ? ` ${JSON.stringify(f.old)}->${JSON.stringify(f.new)}` : ''}`);
}
const meta = (name: string, extra: K8sObject = {}) => ({ name, namespace: 'prod', ...extra });
const obj = (apiVersion: string, kind: string, name: string, spec: K8sObject, metadata: K8sObject = {}): K8sObject => ({ apiVersion, kind, metadata: meta(name, metadata), spec });
const lbSvc = (annotations: Record<string, string> = {}, spec: K8sObject = {}) =>
  obj('v1', 'Service', 'lb', { type: 'LoadBalancer', loadBalancerClass: 'service.k8s.aws/nlb', ports: [{ name: 'https', port: 443, protocol: 'TCP' }], ...spec }, { annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal', ...annotations } });

describe('diff rules', () => {
  it('have unique ids, names, and a why and a fix each', () => {
    expect(new Set(DIFF_RULES.map((r) => r.id)).size).toBe(DIFF_RULES.length);
    expect(new Set(DIFF_RULES.map((r) => r.rule)).size).toBe(DIFF_RULES.length);
    for (const r of DIFF_RULES) {
      expect(r.id).toMatch(/^AII-D\d{3}$/);
      expect(r.why.length).toBeGreaterThan(40);
      expect(r.fix.length).toBeGreaterThan(20);
    }
  });

  it('AII-D003: a deleted Namespace is destructive; AII-D005: another deleted object a notice', () => {
    expect(findings([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } }], [])).toEqual(['AII-D003 destructive']);
    expect(findings([obj('v1', 'ConfigMap', 'c', {})], [])).toEqual(['AII-D005 notice']);
  });

  it('AII-D011: a StatefulSet volumeClaimTemplates change is refused; replicas and template are not', () => {
    const sts = (size: string, replicas: number) => obj('apps/v1', 'StatefulSet', 's', { replicas, selector: { matchLabels: { a: 'b' } }, serviceName: 's', volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: { resources: { requests: { storage: size } } } }] });
    expect(findings([sts('1Gi', 3)], [sts('2Gi', 3)])).toEqual([
      'AII-D011 destructive spec.volumeClaimTemplates [{"metadata":{"name":"d"},"spec":{"resources":{"requests":{"storage":"1Gi"}}}}]->[{"metadata":{"name":"d"},"spec":{"resources":{"requests":{"storage":"2Gi"}}}}]',
    ]);
    expect(findings([sts('1Gi', 3)], [sts('1Gi', 2)])).toEqual(['AII-D042 interrupting spec.replicas 3->2']);
  });

  it('AII-D012: a clusterIP change or a headless change is refused; leaving an allocated IP out is not', () => {
    const svc = (clusterIP?: string) => obj('v1', 'Service', 's', { ...(clusterIP === undefined ? {} : { clusterIP }), ports: [{ port: 80 }] });
    expect(findings([svc('10.0.0.1')], [svc('10.0.0.2')])).toEqual(['AII-D012 destructive spec.clusterIP "10.0.0.1"->"10.0.0.2"']);
    expect(findings([svc('None')], [svc()])).toEqual(['AII-D012 destructive spec.clusterIP "None"->undefined']);
    expect(findings([svc('10.0.0.1')], [svc()])).toEqual([]);
  });

  it('AII-D014: a Service leaving type LoadBalancer loses its load balancer; AII-D015: other type changes are notices', () => {
    expect(findings([lbSvc()], [obj('v1', 'Service', 'lb', { type: 'ClusterIP', ports: [{ name: 'https', port: 443 }] })])).toEqual(['AII-D014 destructive spec.type "LoadBalancer"->"ClusterIP"']);
    expect(findings([obj('v1', 'Service', 's', { ports: [{ port: 80 }] })], [obj('v1', 'Service', 's', { type: 'NodePort', ports: [{ port: 80 }] })])).toEqual(['AII-D015 notice spec.type undefined->"NodePort"']);
  });

  it('AII-D016: a new LoadBalancer Service is a notice naming its scheme', () => {
    expect(reviewManifests(set('base', []), set('head', [lbSvc()])).findings.map((f) => `${f.id} ${f.level} ${f.message}`)).toEqual(['AII-D016 notice a new load balancer is created (scheme internal)']);
  });

  it('AII-D030: removing the scheme annotation keeps the NLB; internet-facing -> internal replaces it', () => {
    expect(findings([lbSvc({ 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing' })], [lbSvc()])).toEqual([
      'AII-D030 destructive metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] "internet-facing"->"internal"',
    ]);
    const noScheme = lbSvc();
    delete noScheme.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme'];
    expect(findings([lbSvc()], [noScheme])).toEqual([]);
  });

  it('AII-D031: changing aws-load-balancer-type hands the Service to another controller', () => {
    expect(findings([lbSvc({ 'service.beta.kubernetes.io/aws-load-balancer-type': 'external' })], [lbSvc({ 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' })])).toEqual([
      'AII-D031 destructive metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-type"] "external"->"nlb"',
    ]);
  });

  it('AII-D032: a removed port, a port protocol or a backend protocol change replaces target groups', () => {
    expect(findings([lbSvc()], [lbSvc({}, { ports: [{ name: 'https', port: 8443, protocol: 'TCP' }] })])).toEqual(['AII-D032 interrupting spec.ports 443->undefined']);
    expect(findings([lbSvc()], [lbSvc({ 'service.beta.kubernetes.io/aws-load-balancer-backend-protocol': 'ssl' })])).toEqual([
      'AII-D032 interrupting metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-backend-protocol"] undefined->"ssl"',
    ]);
  });

  it('AII-D040/AII-D041: a ScaledObject maxReplicaCount down is interrupting, minReplicaCount down a notice', () => {
    const so = (min: number, max: number) => obj('keda.sh/v1alpha1', 'ScaledObject', 'so', { minReplicaCount: min, maxReplicaCount: max });
    expect(findings([so(3, 20)], [so(2, 10)])).toEqual(['AII-D040 interrupting spec.maxReplicaCount 20->10', 'AII-D041 notice spec.minReplicaCount 3->2']);
  });

  it('AII-D045: a switch from minAvailable to maxUnavailable is reported as not comparable', () => {
    const pdb = (spec: K8sObject) => obj('policy/v1', 'PodDisruptionBudget', 'p', { selector: { matchLabels: { a: 'b' } }, ...spec });
    expect(findings([pdb({ minAvailable: 2 })], [pdb({ maxUnavailable: 1 })])).toEqual(['AII-D045 notice spec {"minAvailable":2}->{"maxUnavailable":1}']);
  });

  it('AII-D051/AII-D052/AII-D053: a changed `for` of a plain alert, a removed alert and a removed or changed recording rule are notices', () => {
    const rules = (r: K8sObject[]) => obj('monitoring.coreos.com/v1', 'PrometheusRule', 'r', { groups: [{ name: 'g', rules: r }] });
    const a = { alert: 'QueueDeep', expr: 'q > 10', for: '5m', annotations: { summary: 'queue is deep' } };
    expect(findings([rules([a])], [rules([{ ...a, for: '15m' }])])).toEqual(['AII-D051 notice spec.groups[name=g].rules[rule=alert:QueueDeep].for "5m"->"15m"']);
    expect(findings([rules([a])], [rules([])])).toEqual(['AII-D052 notice spec.groups[name=g].rules[rule=alert:QueueDeep] "q > 10"->undefined']);
    const rec = { record: 'job:errors:ratio_rate5m', expr: 'sum(rate(e[5m])) / sum(rate(r[5m]))' };
    expect(findings([rules([rec, a])], [rules([a])])).toEqual(['AII-D053 notice spec.groups[name=g].rules[rule=record:job:errors:ratio_rate5m] "sum(rate(e[5m])) / sum(rate(r[5m]))"->undefined']);
    expect(findings([rules([rec])], [rules([{ ...rec, expr: 'sum(rate(e[1m])) / sum(rate(r[1m]))' }])])).toEqual([
      'AII-D053 notice spec.groups[name=g].rules[rule=record:job:errors:ratio_rate5m].expr "sum(rate(e[5m])) / sum(rate(r[5m]))"->"sum(rate(e[1m])) / sum(rate(r[1m]))"',
    ]);
    // A hand-written alert whose texts speak of the SLO counts as an SLO alert.
    const slo = { alert: 'ApiSlow', expr: 'p95 > 1', annotations: { summary: 'p95 above the SLO' } };
    expect(findings([rules([slo])], [rules([{ ...slo, expr: 'p95 > 2' }])])).toEqual(['AII-D050 notice spec.groups[name=g].rules[rule=alert:ApiSlow].expr "p95 > 1"->"p95 > 2"']);
  });
});
