import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { z } from 'zod';
import { ServiceMonitor, ServiceMonitorSpecEndpointsMetricRelabelingsAction } from '../../imports/servicemonitor-monitoring.coreos.com';
import { LABEL_COMPONENT, LABEL_INSTANCE, LABEL_NAME } from '../conventions';
import { withDefaults } from '../private/defaults';
import { promDuration } from '../private/duration';
import {
  INGRESS_NGINX_CONTROLLER,
  IngressNginxControllerMetric,
  SEED_CONTROLLER_METRICS,
  controllerMetricProblem,
  ingressNginxKeepRegex,
} from '../providers/ingress-nginx';
import { MONITORING_DEFAULTS, scrapeTimingIssue, zScrapeDuration } from '../spec/monitoring';
import { parseOrThrow } from '../spec/problems';
import { zDnsLabel, zDnsSubdomain, zLabelMap, zLabelValue } from '../spec/values';

export interface IngressControllerServiceMonitorProps {
  /** metadata.name of the ServiceMonitor. */
  readonly name: string;
  /** Namespace of the ServiceMonitor. @default - the controller's namespace */
  readonly namespace?: string;
  /** Namespace the ingress-nginx controller runs in (`namespaceSelector.matchNames`). @default 'ingress-nginx' */
  readonly controllerNamespace?: string;
  /** Helm release name of the controller (`app.kubernetes.io/instance`). @default 'ingress-nginx' */
  readonly release?: string;
  /** The chart's name label (`app.kubernetes.io/name`: the chart name, or its nameOverride). @default 'ingress-nginx' */
  readonly chartName?: string;
  /**
   * The controller metric families to keep; every other series is dropped at scrape
   * (`metricRelabelings` keep on `__name__`). A histogram keeps its `_bucket`, `_sum` and
   * `_count` series.
   * @default - seed 003's: request duration, requests, bytes sent, request size, connections, certificate expiry
   */
  readonly keepMetrics?: IngressNginxControllerMetric[];
  /** Scrape interval. @default Duration.seconds(30) */
  readonly interval?: Duration;
  /** Scrape timeout, at most the interval. @default Duration.seconds(10) */
  readonly scrapeTimeout?: Duration;
  /** Labels the Prometheus Operator's `serviceMonitorSelector` matches. @default { release: 'kube-prometheus-stack' } */
  readonly operatorSelectorLabels?: Readonly<Record<string, string>>;
  /** More metadata labels. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Defaults of an IngressControllerServiceMonitor: the Helm chart's names, the monitoring section's scrape timing. */
export const INGRESS_CONTROLLER_MONITOR_DEFAULTS: Required<
  Pick<IngressControllerServiceMonitorProps, 'controllerNamespace' | 'release' | 'chartName' | 'keepMetrics' | 'interval' | 'scrapeTimeout' | 'operatorSelectorLabels'>
> = {
  controllerNamespace: INGRESS_NGINX_CONTROLLER.namespace,
  release: INGRESS_NGINX_CONTROLLER.release,
  chartName: INGRESS_NGINX_CONTROLLER.chartName,
  keepMetrics: [...SEED_CONTROLLER_METRICS],
  interval: MONITORING_DEFAULTS.scrapeInterval,
  scrapeTimeout: MONITORING_DEFAULTS.scrapeTimeout,
  operatorSelectorLabels: MONITORING_DEFAULTS.operatorSelectorLabels,
};

const zMetric = z.string().superRefine((name, ctx) => {
  const problem = controllerMetricProblem(name);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
}) as unknown as z.ZodType<IngressNginxControllerMetric>;

export const ingressControllerServiceMonitorPropsSchema = z
  .object({
    name: zDnsSubdomain,
    namespace: zDnsLabel.optional(),
    controllerNamespace: zDnsLabel.optional(),
    release: zLabelValue.refine((v) => v.length > 0, 'must not be empty; give the Helm release name').optional(),
    chartName: zLabelValue.refine((v) => v.length > 0, 'must not be empty; give the chart name or its nameOverride').optional(),
    keepMetrics: z
      .array(zMetric)
      .min(1, 'must name at least one metric family; a keep with nothing to keep drops every series')
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((m, i) => {
          if (seen.has(m)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: 'is listed twice; list each family once' });
          seen.add(m);
        });
      })
      .optional(),
    interval: zScrapeDuration('scrape interval').optional(),
    scrapeTimeout: zScrapeDuration('scrape timeout').optional(),
    operatorSelectorLabels: zLabelMap.optional(),
    labels: zLabelMap.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const { interval, scrapeTimeout } = withDefaults(INGRESS_CONTROLLER_MONITOR_DEFAULTS, p);
    const issue = scrapeTimingIssue(p, interval, scrapeTimeout);
    if (issue) ctx.addIssue(issue);
  }) satisfies z.ZodType<IngressControllerServiceMonitorProps, z.ZodTypeDef, unknown>;

/**
 * A `monitoring.coreos.com/v1` ServiceMonitor for the ingress-nginx controller's own metrics:
 * it selects the metrics Service the official Helm chart creates with
 * `controller.metrics.enabled: true` (labels `app.kubernetes.io/name`, `instance` and
 * `component: controller`; port `metrics`, path `/metrics`) in the controller's namespace,
 * and keeps only the named metric families.
 */
export class IngressControllerServiceMonitor extends Construct {
  readonly resource: ServiceMonitor;
  /** The regex of the keep relabeling (what Prometheus keeps of the controller's series). */
  readonly keepRegex: string;

  constructor(scope: Construct, id: string, props: IngressControllerServiceMonitorProps) {
    super(scope, id);
    const p = parseOrThrow(ingressControllerServiceMonitorPropsSchema, props, `IngressControllerServiceMonitor ${scope.node.path}/${id}`);
    const d = withDefaults(INGRESS_CONTROLLER_MONITOR_DEFAULTS, p);
    this.keepRegex = ingressNginxKeepRegex(d.keepMetrics);
    this.resource = new ServiceMonitor(this, 'Resource', {
      metadata: {
        name: p.name,
        namespace: p.namespace ?? d.controllerNamespace,
        labels: { ...p.labels, ...d.operatorSelectorLabels },
      },
      spec: {
        selector: {
          matchLabels: {
            [LABEL_NAME]: d.chartName,
            [LABEL_INSTANCE]: d.release,
            [LABEL_COMPONENT]: INGRESS_NGINX_CONTROLLER.component,
          },
        },
        namespaceSelector: { matchNames: [d.controllerNamespace] },
        endpoints: [
          {
            port: INGRESS_NGINX_CONTROLLER.metricsPortName,
            path: INGRESS_NGINX_CONTROLLER.metricsPath,
            interval: promDuration(d.interval),
            scrapeTimeout: promDuration(d.scrapeTimeout),
            metricRelabelings: [{ sourceLabels: ['__name__'], regex: this.keepRegex, action: ServiceMonitorSpecEndpointsMetricRelabelingsAction.KEEP }],
          },
        ],
      },
    });
  }
}
