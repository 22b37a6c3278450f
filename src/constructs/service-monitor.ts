import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { z } from 'zod';
import { ServiceMonitor } from '../../imports/servicemonitor-monitoring.coreos.com';
import { promDuration } from '../private/duration';
import { METRICS_PORT_NAME, SERVICE_ROLE_LABEL } from '../conventions';
import { withDefaults } from '../private/defaults';
import { MONITORING_DEFAULTS, scrapeTimingIssue, zScrapeDuration } from '../spec/monitoring';
import { zDnsLabel, zDnsSubdomain, zLabelMap } from '../spec/values';
import { InferenceDeployment } from './inference-deployment';
import { WorkloadTarget, missingPortProblem, namespaceProblems, parseWithWorkload } from './workload-target';

export interface InferenceServiceMonitorProps {
  /** metadata.name of the ServiceMonitor. */
  readonly name: string;
  /** Namespace of the ServiceMonitor (it may be the monitoring namespace). */
  readonly namespace: string;
  /**
   * The workload to scrape, through the internal Service an NlbService creates for it:
   * the ServiceMonitor selects the Service that carries the workload's selector labels
   * and `service-role: internal`, so its pods are scraped once. An InferenceDeployment,
   * or `fromPlusWorkload(deployment)` for a cdk8s-plus workload.
   */
  readonly workload: InferenceDeployment | WorkloadTarget;
  /** Namespace of the Service (`namespaceSelector.matchNames`). @default - the workload's namespace, else the ServiceMonitor's */
  readonly serviceNamespace?: string;
  /**
   * Name of the port to scrape: a named container port of the workload (the internal
   * Service exposes each under its own name).
   * @default 'metrics'
   */
  readonly port?: string;
  /** HTTP path of the metrics endpoint. @default '/metrics' */
  readonly path?: string;
  /** Scrape interval. @default Duration.seconds(30) */
  readonly interval?: Duration;
  /** Scrape timeout, at most the interval. @default Duration.seconds(10) */
  readonly scrapeTimeout?: Duration;
  /**
   * Labels the Prometheus Operator's `serviceMonitorSelector` matches.
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly operatorSelectorLabels?: Readonly<Record<string, string>>;
  /** More metadata labels (e.g. the release's recommended labels). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Defaults of an InferenceServiceMonitor; the scrape timing and selector labels are the monitoring section's. */
export const SERVICE_MONITOR_DEFAULTS: Required<Pick<InferenceServiceMonitorProps, 'port' | 'path' | 'interval' | 'scrapeTimeout' | 'operatorSelectorLabels'>> = {
  port: METRICS_PORT_NAME,
  path: '/metrics',
  interval: MONITORING_DEFAULTS.scrapeInterval,
  scrapeTimeout: MONITORING_DEFAULTS.scrapeTimeout,
  operatorSelectorLabels: MONITORING_DEFAULTS.operatorSelectorLabels,
};

export const inferenceServiceMonitorPropsSchema = z
  .object({
    name: zDnsSubdomain,
    namespace: zDnsLabel,
    serviceNamespace: zDnsLabel.optional(),
    port: z
      .string()
      .max(15, 'must be at most 15 characters (IANA_SVC_NAME); use the port\'s name')
      .regex(/^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Service port name (IANA_SVC_NAME: lower-case letters, digits and "-", with a letter); use the port\'s name, not its number')
      .optional(),
    path: z.string().regex(/^\/\S*$/, 'must be an HTTP path starting with "/"; e.g. /metrics').optional(),
    interval: zScrapeDuration('scrape interval').optional(),
    scrapeTimeout: zScrapeDuration('scrape timeout').optional(),
    operatorSelectorLabels: zLabelMap.optional(),
    labels: zLabelMap.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const { interval, scrapeTimeout } = withDefaults(SERVICE_MONITOR_DEFAULTS, p);
    const issue = scrapeTimingIssue(p, interval, scrapeTimeout);
    if (issue) ctx.addIssue(issue);
  }) satisfies z.ZodType<Omit<InferenceServiceMonitorProps, 'workload'>, z.ZodTypeDef, unknown>;

/**
 * A `monitoring.coreos.com/v1` ServiceMonitor that scrapes one workload through its
 * internal Service (NlbService): selected by the workload's selector labels and the
 * internal role label, on the named `metrics` port at `/metrics`. The Prometheus
 * Operator sets the series' `job` label to the Service's name, which is the MetricScope
 * `job` the alert rules select by.
 */
export class InferenceServiceMonitor extends Construct {
  readonly resource: ServiceMonitor;

  constructor(scope: Construct, id: string, props: InferenceServiceMonitorProps) {
    super(scope, id);
    const { p, workload } = parseWithWorkload(inferenceServiceMonitorPropsSchema, props, `InferenceServiceMonitor ${scope.node.path}/${id}`, (p, w) => [
      ...namespaceProblems(p.serviceNamespace, w, ['serviceNamespace']),
      ...missingPortProblem(w, withDefaults(SERVICE_MONITOR_DEFAULTS, p).port, ['port'], 'the internal Service has no such port, so nothing is scraped', p.port === undefined),
    ]);
    const d = withDefaults(SERVICE_MONITOR_DEFAULTS, p);
    // Not a default of its own: the namespace of the workload, else the ServiceMonitor's.
    const serviceNamespace = p.serviceNamespace ?? workload.namespace ?? p.namespace;
    this.resource = new ServiceMonitor(this, 'Resource', {
      metadata: {
        name: p.name,
        namespace: p.namespace,
        labels: { ...p.labels, ...d.operatorSelectorLabels },
      },
      spec: {
        selector: { matchLabels: { ...workload.selectorLabels, [SERVICE_ROLE_LABEL]: 'internal' } },
        namespaceSelector: { matchNames: [serviceNamespace] },
        endpoints: [
          {
            port: d.port,
            path: d.path,
            interval: promDuration(d.interval),
            scrapeTimeout: promDuration(d.scrapeTimeout),
          },
        ],
      },
    });
  }
}
