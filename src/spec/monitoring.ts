/**
 * The monitoring section: the ServiceMonitor's scrape settings, the alert overrides and the
 * Grafana dashboard's placement, with their schemas.
 */
import { Duration } from 'cdk8s';
import { z } from 'zod';
import { ALERT_NAMES, AlertName, isAlertName } from '../conventions';
import { withDefaults } from '../private/defaults';
import { durationMillis, zDnsLabel, zDuration, zLabelKey, zLabelMap, zLabelValue } from './values';

/** Per-alert change of the catalogue defaults. */
export interface AlertOverride {
  /** false leaves the alert out. @default true */
  readonly enabled?: boolean;
  /**
   * New threshold, in the alert's unit (ALERT_CATALOGUE[].threshold.unit). Only for alerts
   * with a numeric threshold. @default - the catalogue default or the SLO-derived value
   */
  readonly threshold?: number;
  /** New `for` duration; not for the burn-rate alerts (their tiers fix it). @default - the catalogue's */
  readonly for?: Duration;
}

export const alertOverrideSchema = z
  .object({
    enabled: z.boolean().optional(),
    threshold: z.number().finite('must be a finite number; fix the threshold').optional(),
    for: zDuration
      .refine((d) => durationMillis(d) >= 0 && durationMillis(d) % 1000 === 0, {
        message: 'must be a whole number of seconds, 0 or more; use Duration.seconds/minutes/hours',
      })
      .optional(),
  })
  .strict();

/** Per-alert overrides: keys must be catalogue alert names. */
export const alertOverridesSchema = z.record(z.string(), alertOverrideSchema).superRefine((overrides, ctx) => {
  for (const name of Object.keys(overrides)) {
    if (!isAlertName(name)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [name],
        params: { value: name },
        message: `is not an alert of the catalogue; use one of: ${ALERT_NAMES.join(', ')}`,
      });
    }
  }
});

/** Where the dashboard ConfigMap goes and how the Grafana sidecar finds it. */
export interface DashboardSpec {
  /** @default { key: 'grafana_dashboard', value: '1' } */
  readonly sidecarLabel?: { readonly key: string; readonly value: string };
  /** Grafana folder (annotation `grafana_folder`). @default - none */
  readonly folder?: string;
  /**
   * Namespace of the ConfigMap. The Grafana sidecar reads only its own namespace unless
   * `sidecar.dashboards.searchNamespace` is `ALL` (not the kube-prometheus-stack default):
   * set this to Grafana's namespace (e.g. `monitoring`) or widen the sidecar's search.
   * @default - the service namespace
   */
  readonly namespace?: string;
}

export const dashboardSpecSchema = z
  .object({
    sidecarLabel: z.object({ key: zLabelKey, value: zLabelValue }).strict().optional(),
    folder: z.string().min(1).max(253, 'must be at most 253 characters; shorten it').optional(),
    namespace: zDnsLabel.optional(),
  })
  .strict() satisfies z.ZodType<DashboardSpec>;

/**
 * Who scrapes the pods and evaluates the rules:
 * - `prometheus-operator`: a Prometheus run by the Prometheus Operator (kube-prometheus-stack):
 *   a ServiceMonitor and a PrometheusRule (`monitoring.coreos.com/v1`).
 * - `gmp`: Google Cloud Managed Service for Prometheus on GKE: a PodMonitoring and a Rules
 *   (`monitoring.googleapis.com/v1`) with the same recording rules and alerts (see
 *   constructs/gmp-pod-monitoring.ts and constructs/gmp-rules.ts).
 */
export type MonitoringBackend = 'prometheus-operator' | 'gmp';

/** The monitoring backends, in the order messages list them. */
export const MONITORING_BACKENDS = ['prometheus-operator', 'gmp'] as const satisfies readonly MonitoringBackend[];

/** The ServiceMonitor (or PodMonitoring), the PrometheusRule (or Rules) and the Grafana dashboard. */
export interface MonitoringSpec {
  /**
   * Who scrapes and evaluates: the Prometheus Operator, or GKE's managed Prometheus (GMP).
   * @default 'prometheus-operator'
   */
  readonly backend?: MonitoringBackend;
  /**
   * Labels the Prometheus Operator selects ServiceMonitors and PrometheusRules by; put on
   * both. Not with backend `gmp` (GMP reads every PodMonitoring and Rules of the cluster).
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly operatorSelectorLabels?: Record<string, string>;
  /** @default Duration.seconds(30) */
  readonly scrapeInterval?: Duration;
  /** Not above the interval. @default Duration.seconds(10) */
  readonly scrapeTimeout?: Duration;
  /** Rule evaluation interval. @default Duration.seconds(30) */
  readonly evaluationInterval?: Duration;
  /**
   * Runbook page; every alert links to `<base>#<alert name in lower case>`.
   * @default - the runbook section of this library's README
   */
  readonly runbookBaseUrl?: string;
  /** Per-alert overrides (disable, re-threshold, change `for`); unknown names are errors. @default {} */
  readonly alerts?: Partial<Record<AlertName, AlertOverride>>;
  /** The Grafana dashboard ConfigMap, or `false`. @default - sidecar label grafana_dashboard: "1" */
  readonly dashboard?: false | DashboardSpec;
}

/** A scrape or evaluation interval: whole seconds, at least 1 s. */
/**
 * The issue of a scrape config whose timeout exceeds its interval (Prometheus rejects it),
 * given the timing as written and with its defaults: on the interval when the timeout is the
 * default one, else on the timeout. Undefined when they fit or either is not a whole second.
 */
export function scrapeTimingIssue(written: { readonly scrapeTimeout?: unknown }, interval: unknown, timeout: unknown): z.IssueData | undefined {
  const whole = (d: unknown): d is Duration => d instanceof Duration && d.toMilliseconds() >= 1000 && d.toMilliseconds() % 1000 === 0;
  if (!whole(interval) || !whole(timeout) || timeout.toMilliseconds() <= interval.toMilliseconds()) return undefined;
  return written.scrapeTimeout === undefined
    ? {
        code: z.ZodIssueCode.custom,
        path: ['interval'],
        message: `must not be below the default scrape timeout (${timeout.toSeconds()} s), or Prometheus rejects the scrape config; raise interval or set a shorter scrapeTimeout`,
      }
    : {
        code: z.ZodIssueCode.custom,
        path: ['scrapeTimeout'],
        message: `must not exceed the scrape interval (${interval.toSeconds()} s), or Prometheus rejects the scrape config; lower scrapeTimeout or raise interval`,
      };
}

export const zScrapeDuration = (what: string) =>
  zDuration.refine((d) => durationMillis(d) >= 1000 && durationMillis(d) % 1000 === 0, {
    message: `must be a whole number of seconds, at least 1 s (${what}); use Duration.seconds(n)`,
  });

export const zRunbookUrl = z
  .string()
  .regex(/^https?:\/\/[^\s#]+$/, 'must be an http(s) URL without a "#" fragment (the alert name is appended as the anchor); fix the URL');

export const monitoringSchema = z
  .object({
    backend: z
      .string()
      .refine((b): b is MonitoringBackend => (MONITORING_BACKENDS as readonly string[]).includes(b), {
        message: `is not a monitoring backend; use one of: ${MONITORING_BACKENDS.join(', ')}`,
      })
      .optional(),
    operatorSelectorLabels: zLabelMap.optional(),
    scrapeInterval: zScrapeDuration('scrape interval').optional(),
    scrapeTimeout: zScrapeDuration('scrape timeout').optional(),
    evaluationInterval: zScrapeDuration('rule evaluation interval').optional(),
    runbookBaseUrl: zRunbookUrl.optional(),
    alerts: alertOverridesSchema.optional(),
    dashboard: z.union([z.literal(false), dashboardSpecSchema]).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.backend === 'gmp' && m.operatorSelectorLabels !== undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['operatorSelectorLabels'],
        message:
          "is read by the Prometheus Operator only; with backend 'gmp' the managed collectors and rule evaluator read every PodMonitoring and Rules, no label selects them; remove operatorSelectorLabels or use backend 'prometheus-operator'",
      });
    }
  }) satisfies z.ZodType<MonitoringSpec, z.ZodTypeDef, unknown>;

// ---- defaults and resolution -------------------------------------------------------------

/**
 * Labels the Prometheus Operator of kube-prometheus-stack selects ServiceMonitors and
 * PrometheusRules by (its `serviceMonitorSelector` / `ruleSelector` match
 * `release: <helm release>`; REFERENCE.md "SLO alerting").
 */
export const DEFAULT_OPERATOR_SELECTOR_LABELS: Readonly<Record<string, string>> = { release: 'kube-prometheus-stack' };

/** Where alerts link when the spec names no runbook page: this library's README. */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://www.npmjs.com/package/cdk8s-ai-inference';

/**
 * Queue depth per pod the alerts and the dashboard compare against when no autoscaler
 * sets one (the seed's queue-depth scaling target).
 */
export const DEFAULT_QUEUE_DEPTH_TARGET = 10;

/**
 * Namespaces GMP's managed collectors scrape from, which a NetworkPolicy must admit to the
 * metrics port under backend `gmp`. The collectors are a DaemonSet (not host-network) that
 * scrapes the pods of its own node directly, not through a Service.
 * - `gmp-system`: the operator's default namespace for everything it runs
 *   (GoogleCloudPlatform/prometheus-engine pkg/operator/operator.go DefaultOperatorNamespace,
 *   manifests/operator.yaml DaemonSet `collector`, commit 2ffde4ec7b7e4ca1da4e32f36b692945b78a60e4),
 *   and the namespace Google's managed-collection pages for GKE attached / multi-cloud
 *   clusters name (`gmp-system/collector`).
 * - `gke-gmp-system`: where GKE's own managed collection runs the collectors (GKE-managed
 *   namespace; named so by several third-party GKE tools, not confirmed on a Google page here).
 */
export const GMP_COLLECTOR_NAMESPACES: readonly string[] = ['gmp-system', 'gke-gmp-system'];

/**
 * dcgm-exporter's pod and namespace labels under GMP. GMP's DCGM ClusterPodMonitoring
 * attaches no pod or namespace target labels (`targetLabels.metadata: []`, prometheus-engine
 * examples/nvidia-dcgm/pod-monitoring.yaml at the commit above), so the exporter's own
 * `pod`/`namespace` (the GPU's workload pod) arrive unrenamed; and a namespaced Rules adds
 * `namespace="<its namespace>"` to every selector (rules_config.go `scope`), which only
 * series whose `namespace` is the workload's pass.
 */
export const GMP_DCGM_LABELS = { podLabel: 'pod', namespaceLabel: 'namespace' } as const;

/** The backend a monitoring section names (its default when none). */
export function monitoringBackend(monitoring: MonitoringSpec | false | undefined): MonitoringBackend {
  return (monitoring && monitoring.backend) || 'prometheus-operator';
}

/** The fields of the monitoring section that have a default, filled in. */
type DefaultedMonitoring = Required<Omit<MonitoringSpec, 'dashboard' | 'operatorSelectorLabels'>> & {
  readonly operatorSelectorLabels: Readonly<Record<string, string>>;
};

/** Defaults of the monitoring section (seed 000 and kube-prometheus-stack's). */
export const MONITORING_DEFAULTS: DefaultedMonitoring = {
  backend: 'prometheus-operator',
  operatorSelectorLabels: DEFAULT_OPERATOR_SELECTOR_LABELS,
  scrapeInterval: Duration.seconds(30),
  scrapeTimeout: Duration.seconds(10),
  evaluationInterval: Duration.seconds(30),
  runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
  alerts: {},
};

/** Defaults of the dashboard's placement: the grafana chart's dashboard sidecar label. */
export const DASHBOARD_DEFAULTS: { readonly sidecarLabel: { readonly key: string; readonly value: string } } = {
  sidecarLabel: { key: 'grafana_dashboard', value: '1' },
};

/** The dashboard's placement with every default filled in. */
export interface ResolvedDashboard {
  readonly sidecarLabel: { readonly key: string; readonly value: string };
  /** Undefined: no folder annotation, the sidecar's default folder. */
  readonly folder?: string;
  /** The ConfigMap's namespace: the one given, else the service namespace. */
  readonly namespace: string;
}

/** The monitoring section with every default filled in. */
export type ResolvedMonitoring = DefaultedMonitoring & {
  /** false: no dashboard. */
  readonly dashboard: ResolvedDashboard | false;
};

/**
 * Fills every default of the monitoring section once, from {@link MONITORING_DEFAULTS}
 * and {@link DASHBOARD_DEFAULTS}; a field written as `undefined` takes its default.
 * `false` stays false (no monitoring); an absent section is monitoring with every
 * default. The dashboard's namespace defaults to `serviceNamespace`.
 */
export function resolveMonitoring(monitoring: MonitoringSpec | false | undefined, serviceNamespace: string): ResolvedMonitoring | false {
  if (monitoring === false) return false;
  const { dashboard, ...defaulted } = monitoring ?? {};
  return {
    ...withDefaults(MONITORING_DEFAULTS, defaulted),
    dashboard: dashboard === false ? false : withDefaults<ResolvedDashboard>({ ...DASHBOARD_DEFAULTS, namespace: serviceNamespace }, dashboard),
  };
}
