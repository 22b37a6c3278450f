/**
 * Pack `monitoring`: a ServiceMonitor selects Services of the input and scrapes ports they
 * have. Prometheus Operator semantics (prometheus-operator v0.89.0, Documentation/api-reference
 * ServiceMonitorSpec): `selector` selects Services (not pods); `namespaceSelector` defaults
 * to the ServiceMonitor's own namespace (`any: true` for all, `matchNames` for a list);
 * `endpoints[].port` is the name of a Service port.
 */
import { RULE_IDS } from '../conventions';
import { problem } from './message';
import { describeObject, isObject, labelsOf, namespaceOf, selectorMatches } from './objects';
import { K8sObject, RawFinding, Rule, RuleContext } from './types';

function isServiceMonitor(o: K8sObject): boolean {
  return o.kind === 'ServiceMonitor' && String(o.apiVersion ?? '').startsWith('monitoring.coreos.com/');
}

/** The Services of the input in the namespaces a ServiceMonitor looks in, and those its selector selects. */
export function servicesOfMonitor(ctx: RuleContext, sm: K8sObject): { candidates: K8sObject[]; selected: K8sObject[] } {
  const nsSel = isObject(sm.spec?.namespaceSelector) ? sm.spec.namespaceSelector : {};
  const names: string[] | undefined = nsSel.any === true ? undefined : Array.isArray(nsSel.matchNames) && nsSel.matchNames.length ? nsSel.matchNames : [namespaceOf(sm)];
  const candidates = names === undefined ? ctx.ofKind('Service') : names.flatMap((n) => ctx.inNamespace('Service', n));
  const selected = candidates.filter((s) => selectorMatches(sm.spec?.selector ?? {}, labelsOf(s.metadata)));
  return { candidates, selected };
}

export const MONITORING_RULES: readonly Rule[] = [
  {
    id: RULE_IDS.serviceMonitorSelectsService,
    name: 'servicemonitor-selects-service',
    pack: 'monitoring',
    level: 'error',
    summary: 'A ServiceMonitor selects at least one Service of the input in the namespaces it looks in (checked where those namespaces have Services in the input).',
    why: 'A ServiceMonitor that selects no Service gives Prometheus no target: no series, so the SLO recording rules are empty, the alerts never fire and the HPA custom metrics are missing.',
    fix: "Make spec.selector match the labels of the Service to scrape (the library's internal Service carries ai-inference.cdk8s.io/service-role: internal), and spec.namespaceSelector name its namespace.",
    check(ctx) {
      const out: RawFinding[] = [];
      for (const sm of ctx.ofKind('ServiceMonitor').filter(isServiceMonitor)) {
        const { candidates, selected } = servicesOfMonitor(ctx, sm);
        if (candidates.length === 0 || selected.length > 0) continue;
        out.push({ object: sm, path: 'spec.selector', message: `spec.selector selects none of the Services it can see (${candidates.map(describeObject).join(', ')}); match the labels of the Service to scrape` });
      }
      return out;
    },
  },
  {
    id: RULE_IDS.serviceMonitorPortExists,
    name: 'servicemonitor-port-exists',
    pack: 'monitoring',
    level: 'error',
    summary: 'Every ServiceMonitor endpoint port is the name of a port of each Service it selects.',
    why: 'The operator builds a scrape target only for Service ports whose name equals endpoints[].port; an unnamed or renamed port gives no target, silently, and the metrics behind the alerts and the autoscaler disappear.',
    fix: 'Name the Service port (e.g. metrics) and use that name in spec.endpoints[].port.',
    check(ctx) {
      const out: RawFinding[] = [];
      for (const sm of ctx.ofKind('ServiceMonitor').filter(isServiceMonitor)) {
        const { selected } = servicesOfMonitor(ctx, sm);
        (Array.isArray(sm.spec?.endpoints) ? sm.spec.endpoints : []).forEach((e: K8sObject, i: number) => {
          if (typeof e?.port !== 'string') return;
          for (const svc of selected) {
            const names = (Array.isArray(svc.spec?.ports) ? svc.spec.ports : []).map((p: K8sObject) => p?.name).filter((n: unknown) => typeof n === 'string');
            if (names.includes(e.port)) continue;
            const path = `spec.endpoints[${i}].port`;
            out.push({ object: sm, path, message: problem(path, e.port, `is not a port name of ${describeObject(svc)} (its ports: ${names.join(', ') || 'none named'}); Prometheus gets no target: use one of them`) });
          }
        });
      }
      return out;
    },
  },
];
