/**
 * The fields of GMP's two kinds as verified in GoogleCloudPlatform/prometheus-engine at
 * commit 2ffde4ec7b7e4ca1da4e32f36b692945b78a60e4 (pkg/operator/apis/monitoring/v1/pod_types.go,
 * rules_types.go; charts/operator/crds/monitoring.googleapis.com_{podmonitorings,rules}.yaml).
 * The CRD files are not in crds/ (not among the shared, copyable CRDs), so the tests check the
 * output's shape against these lists, written by hand from that reading.
 */
import { expect } from 'vitest';

export const VERIFIED = {
  podMonitoring: {
    spec: { keys: ['selector', 'endpoints', 'targetLabels', 'limits', 'filterRunning'], required: ['selector', 'endpoints'] },
    endpoint: {
      keys: ['port', 'scheme', 'path', 'params', 'interval', 'timeout', 'metricRelabeling', 'authorization', 'basicAuth', 'oauth2', 'tls', 'proxyUrl'],
      required: ['port', 'interval'],
    },
    targetLabels: { keys: ['metadata', 'fromPod'] },
    metadataEnum: ['container', 'node', 'pod', 'top_level_controller_name', 'top_level_controller_type'],
    endpointsMax: 10,
  },
  rules: {
    spec: { keys: ['groups'], required: ['groups'] },
    group: { keys: ['name', 'interval', 'rules'], required: ['name', 'rules'] },
    rule: { keys: ['record', 'alert', 'expr', 'for', 'labels', 'annotations'], required: ['expr'] },
    recordPattern: /^[a-zA-Z_:][a-zA-Z0-9_:]*$/,
  },
} as const;

const PROM_DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;

function fields(obj: Record<string, unknown>, spec: { keys: readonly string[]; required?: readonly string[] }, where: string): void {
  for (const k of Object.keys(obj)) expect(spec.keys, `${where}: unknown field ${k}`).toContain(k);
  for (const k of spec.required ?? []) expect(obj, `${where}: missing ${k}`).toHaveProperty(k);
}

/** Asserts a synthesized PodMonitoring uses only the verified fields, with their rules. */
export function expectPodMonitoringShape(o: any): void {
  expect(o.apiVersion).toBe('monitoring.googleapis.com/v1');
  expect(o.kind).toBe('PodMonitoring');
  expect(typeof o.metadata.namespace).toBe('string');
  const v = VERIFIED.podMonitoring;
  fields(o.spec, v.spec, 'spec');
  expect(Object.keys(o.spec.selector)).toEqual(['matchLabels']);
  expect(o.spec.endpoints.length).toBeGreaterThanOrEqual(1);
  expect(o.spec.endpoints.length).toBeLessThanOrEqual(v.endpointsMax);
  for (const e of o.spec.endpoints) {
    fields(e, v.endpoint, 'endpoint');
    expect(e.interval).toMatch(PROM_DURATION);
    if (e.timeout !== undefined) expect(e.timeout).toMatch(PROM_DURATION);
  }
  if (o.spec.targetLabels) {
    fields(o.spec.targetLabels, v.targetLabels, 'targetLabels');
    for (const m of o.spec.targetLabels.metadata ?? []) expect(v.metadataEnum).toContain(m);
  }
}

/** Asserts a synthesized Rules uses only the verified fields, with the CRD's rules. */
export function expectRulesShape(o: any): void {
  expect(o.apiVersion).toBe('monitoring.googleapis.com/v1');
  expect(o.kind).toBe('Rules');
  expect(typeof o.metadata.namespace).toBe('string');
  const v = VERIFIED.rules;
  fields(o.spec, v.spec, 'spec');
  for (const g of o.spec.groups) {
    fields(g, v.group, `group ${g.name}`);
    if (g.interval !== undefined) expect(g.interval).toMatch(PROM_DURATION);
    expect(g.rules.length).toBeGreaterThanOrEqual(1);
    for (const r of g.rules) {
      fields(r, v.rule, `rule ${r.alert ?? r.record}`);
      // "Must set exactly one of Record or Alert"; "Annotations are only allowed for alerting rules".
      expect((r.record === undefined) !== (r.alert === undefined)).toBe(true);
      if (r.record !== undefined) {
        expect(r.record).toMatch(v.recordPattern);
        expect(r.annotations).toBeUndefined();
        expect(r.for).toBeUndefined();
      }
      if (r.for !== undefined) expect(r.for).toMatch(PROM_DURATION);
      // GMP writes these itself and rejects a rule that sets them (rules_config.go setLabel).
      for (const l of ['namespace', 'project_id', 'location', 'cluster']) expect(Object.keys(r.labels ?? {})).not.toContain(l);
    }
  }
}
