/**
 * The monitoring section: the ServiceMonitor's scrape settings, the alert overrides and the
 * Grafana dashboard's placement, with their schemas.
 */
import { Duration } from 'cdk8s';
import { z } from 'zod';
import { ALERT_NAMES, AlertName, isAlertName } from '../conventions';
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

/** The ServiceMonitor, the PrometheusRule and the Grafana dashboard. */
export interface MonitoringSpec {
  /**
   * Labels the Prometheus Operator selects ServiceMonitors and PrometheusRules by; put on
   * both. @default { release: 'kube-prometheus-stack' }
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
export const zScrapeDuration = (what: string) =>
  zDuration.refine((d) => durationMillis(d) >= 1000 && durationMillis(d) % 1000 === 0, {
    message: `must be a whole number of seconds, at least 1 s (${what}); use Duration.seconds(n)`,
  });

export const zRunbookUrl = z
  .string()
  .regex(/^https?:\/\/[^\s#]+$/, 'must be an http(s) URL without a "#" fragment (the alert name is appended as the anchor); fix the URL');

export const monitoringSchema = z
  .object({
    operatorSelectorLabels: zLabelMap.optional(),
    scrapeInterval: zScrapeDuration('scrape interval').optional(),
    scrapeTimeout: zScrapeDuration('scrape timeout').optional(),
    evaluationInterval: zScrapeDuration('rule evaluation interval').optional(),
    runbookBaseUrl: zRunbookUrl.optional(),
    alerts: alertOverridesSchema.optional(),
    dashboard: z.union([z.literal(false), dashboardSpecSchema]).optional(),
  })
  .strict() satisfies z.ZodType<MonitoringSpec, z.ZodTypeDef, unknown>;
