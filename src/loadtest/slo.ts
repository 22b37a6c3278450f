/**
 * The SLO of a service as its synthesized manifests carry it. The library writes no SLO
 * object of its own: the objectives live in the alert rules it derives from `slo`
 * (src/alerts/catalogue.ts), so they are read back from there:
 *
 * - p95: `InferenceLatencyP95SLOBreach`, `histogram_quantile(0.95, …) > <seconds>` (derived
 *   from slo.latencyP95);
 * - p99: `InferenceLatencyP99High`, `histogram_quantile(0.99, …) > <seconds>` (slo.latencyP99);
 * - error rate: the objective slo.errorRate is not any alert's threshold (InferenceErrorRateHigh
 *   fires at 5 %, a page-worthy rate, far above the objective); the only place it is written
 *   is that alert's description, `(SLO error-rate objective: <n>%)`, text the catalogue
 *   generates, so it is read from there.
 *
 * An alert override (monitoring.alerts.overrides) can move a latency alert's threshold away
 * from the SLO; the load test then judges against what production alerts on. A service
 * without latency metrics (Ollama on gke-l4) has no latency alerts, so its manifests carry no
 * latency objective.
 */
import { parseAllDocuments } from 'yaml';
import { Threshold } from './scenarios';
import { AlertName, ERROR_OBJECTIVE_PHRASE, RULE_GROUP_KINDS } from '../conventions';

const RULE_KINDS = RULE_GROUP_KINDS;

/** The alerts (src/conventions.ts ALERT_NAMES) an objective is read from. */
export const SLO_ALERTS = {
  p95: 'InferenceLatencyP95SLOBreach',
  p99: 'InferenceLatencyP99High',
  errorRate: 'InferenceErrorRateHigh',
} as const satisfies Record<string, AlertName>;

const ERROR_OBJECTIVE_TEXT = new RegExp(`${ERROR_OBJECTIVE_PHRASE} ([0-9]+(?:\\.[0-9]+)?)%`);
/** The comparison a latency alert ends with: `… > 2`. */
const TRAILING_THRESHOLD = />\s*([0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?)\s*$/i;

export interface ManifestSlo {
  readonly thresholds: readonly Threshold[];
  /** `namespace/deployment` of the service the alerts belong to. */
  readonly service?: string;
}

interface RuleEntry {
  readonly alert: string;
  readonly expr: string;
  readonly description: string;
  readonly service: string;
}

function rulesOf(doc: unknown): RuleEntry[] {
  if (!doc || typeof doc !== 'object') return [];
  const o = doc as { apiVersion?: unknown; kind?: unknown; metadata?: { namespace?: unknown }; spec?: { groups?: unknown } };
  const group = typeof o.apiVersion === 'string' ? o.apiVersion.split('/')[0] : '';
  if (!RULE_KINDS.some(([g, k]) => g === group && k === o.kind)) return [];
  const groups = Array.isArray(o.spec?.groups) ? o.spec.groups : [];
  const out: RuleEntry[] = [];
  for (const g of groups as Array<{ rules?: unknown }>) {
    for (const r of (Array.isArray(g?.rules) ? g.rules : []) as Array<Record<string, unknown>>) {
      if (typeof r?.alert !== 'string') continue;
      const labels = (r.labels ?? {}) as Record<string, unknown>;
      const annotations = (r.annotations ?? {}) as Record<string, unknown>;
      const namespace = String(labels.namespace ?? o.metadata?.namespace ?? '');
      out.push({
        alert: r.alert,
        expr: String(r.expr ?? ''),
        description: String(annotations.description ?? ''),
        service: `${namespace}/${String(labels.deployment ?? '')}`,
      });
    }
  }
  return out;
}

/**
 * The SLO thresholds in a multi-document YAML text. Throws when the text is not YAML, when it
 * holds the alerts of more than one service, or when an alert's threshold cannot be read.
 */
export function sloFromManifests(text: string, file: string): ManifestSlo {
  const docs = parseAllDocuments(text);
  const broken = docs.find((d) => d.errors.length > 0);
  if (broken) throw new Error(`--slo ${file}: not valid YAML: ${broken.errors[0].message.split('\n')[0]}; pass a file synthesized by cdk8s (e.g. dist/<app>.k8s.yaml)`);
  const entries = docs.flatMap((d) => rulesOf(d.toJS()));
  const wanted = new Set<string>(Object.values(SLO_ALERTS));
  const relevant = entries.filter((e) => wanted.has(e.alert));
  const services = [...new Set(relevant.map((e) => e.service))];
  if (services.length > 1) {
    throw new Error(`--slo ${file}: holds the SLO alerts of ${services.length} services (${services.join(', ')}); a load test targets one, pass a file with one service's manifests`);
  }
  const source = (alert: string) => `slo: ${alert} in ${file}`;
  const thresholds: Threshold[] = [];
  const latency = (metric: 'p95' | 'p99') => {
    const alert = SLO_ALERTS[metric];
    const rule = relevant.find((e) => e.alert === alert);
    if (!rule) return;
    const match = TRAILING_THRESHOLD.exec(rule.expr.trim());
    if (!match) throw new Error(`--slo ${file}: alert ${alert} has no trailing "> <seconds>" threshold in its expr (${JSON.stringify(rule.expr.slice(-60))}); pass manifests synthesized by this library`);
    // The alert fires above the objective, so the objective holds at or below it.
    thresholds.push({ metric, op: '<=', limit: Number(match[1]) * 1000, source: source(alert) });
  };
  latency('p95');
  latency('p99');
  const errorRule = relevant.find((e) => e.alert === SLO_ALERTS.errorRate);
  const objective = errorRule ? ERROR_OBJECTIVE_TEXT.exec(errorRule.description) : null;
  if (objective) thresholds.push({ metric: 'errorRate', op: '<=', limit: Number(objective[1]) / 100, source: source(SLO_ALERTS.errorRate) });
  return { thresholds, ...(services[0] ? { service: services[0] } : {}) };
}
