import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { z } from 'zod';
import { METRICS_PORT_NAME } from '../conventions';
import { promDuration } from '../private/duration';
import { withDefaults } from '../private/defaults';
import { MONITORING_DEFAULTS, zScrapeDuration } from '../spec/monitoring';
import { seconds } from '../spec/workload';
import { zDnsLabel, zDnsSubdomain, zLabelMap } from '../spec/values';
import { InferenceDeployment } from './inference-deployment';
import { WorkloadTarget, missingPortProblem, namespaceProblems, parseWithWorkload } from './workload-target';

/**
 * The `monitoring.googleapis.com/v1` PodMonitoring of Google Cloud Managed Service for
 * Prometheus (GMP), the fields this library writes. Written from the Go types and the CRD of
 * GoogleCloudPlatform/prometheus-engine at commit 2ffde4ec7b7e4ca1da4e32f36b692945b78a60e4
 * (pkg/operator/apis/monitoring/v1/pod_types.go `PodMonitoringSpec`, `ScrapeEndpoint`,
 * `TargetLabels`; charts/operator/crds/monitoring.googleapis.com_podmonitorings.yaml:
 * namespaced, `spec.selector` a LabelSelector, `spec.endpoints` 1 to 10 items each requiring
 * `port` and `interval`).
 *
 * What GMP makes of it (pod_config.go `ScrapeConfigs`): only pods of the PodMonitoring's own
 * namespace are scraped; every series gets `namespace` (the pod's), `job` = the
 * PodMonitoring's name, `instance` = `<pod>:<port name>`, and the `targetLabels.metadata`
 * labels (`pod`, `container` when the port is named); `project_id`, `location` and `cluster`
 * are forced. The series' `job` is therefore this object's name, which the alert rules'
 * MetricScope.job must be (chart/wiring.ts).
 */
export const GMP_API_VERSION = 'monitoring.googleapis.com/v1';

/** One endpoint of a PodMonitoring (`ScrapeEndpoint`, the subset written here). */
export interface GmpScrapeEndpoint {
  /** Name (or number) of the container port to scrape; a name also sets the `container` label. Required. */
  readonly port: string | number;
  /** `http` or `https`. @default - http */
  readonly scheme?: 'http' | 'https';
  /** HTTP path. @default - /metrics */
  readonly path?: string;
  /** Scrape interval, a Prometheus duration. Required. */
  readonly interval: string;
  /** Scrape timeout, a Prometheus duration, not above the interval (CEL rule of the CRD). */
  readonly timeout?: string;
}

/** `TargetLabels`: which pod metadata becomes target labels. */
export interface GmpTargetLabels {
  /**
   * Subset of `container`, `node`, `pod`, `top_level_controller_name`,
   * `top_level_controller_type` (PodMonitoring may not list `namespace`: it is always set).
   * @default - container, pod, top_level_controller_name, top_level_controller_type
   */
  readonly metadata?: readonly GmpMetadataLabel[];
}

/** The pod metadata labels a PodMonitoring may attach (pod_types.go `TargetLabels.Metadata` enum). */
export type GmpMetadataLabel = 'container' | 'node' | 'pod' | 'top_level_controller_name' | 'top_level_controller_type';

/** `PodMonitoringSpec`, the subset written here. */
export interface GmpPodMonitoringSpec {
  /** Which pods of the namespace are scraped (a LabelSelector; matchLabels here). */
  readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
  /** 1 to 10 endpoints. */
  readonly endpoints: readonly GmpScrapeEndpoint[];
  readonly targetLabels?: GmpTargetLabels;
}

/**
 * The target labels this library asks for: `pod` and `container`, which the pod alerts
 * join on (`namespace` is always set by GMP for a PodMonitoring).
 */
export const GMP_TARGET_METADATA: readonly GmpMetadataLabel[] = ['container', 'pod'];

export interface GmpPodMonitoringProps {
  /** metadata.name of the PodMonitoring: GMP writes it into every series' `job` label. */
  readonly name: string;
  /** Namespace of the PodMonitoring: it scrapes only pods of its own namespace, so it is the workload's. */
  readonly namespace: string;
  /**
   * The workload whose pods are scraped directly (no Service in between): selected by its
   * selector labels. An InferenceDeployment, or `fromPlusWorkload(deployment)`.
   */
  readonly workload: InferenceDeployment | WorkloadTarget;
  /** Name of the container port to scrape. @default 'metrics' */
  readonly port?: string;
  /** HTTP path of the metrics endpoint. @default '/metrics' */
  readonly path?: string;
  /** Scrape interval. @default Duration.seconds(30) */
  readonly interval?: Duration;
  /** Scrape timeout, at most the interval. @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** Metadata labels (e.g. the release's recommended labels). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Defaults of a GmpPodMonitoring; the scrape timing is the monitoring section's. */
export const GMP_POD_MONITORING_DEFAULTS: Required<Pick<GmpPodMonitoringProps, 'port' | 'path' | 'interval' | 'timeout'>> = {
  port: METRICS_PORT_NAME,
  path: '/metrics',
  interval: MONITORING_DEFAULTS.scrapeInterval,
  timeout: MONITORING_DEFAULTS.scrapeTimeout,
};

export const gmpPodMonitoringPropsSchema = z
  .object({
    name: zDnsSubdomain,
    namespace: zDnsLabel,
    port: z
      .string()
      .max(15, "must be at most 15 characters (IANA_SVC_NAME); use the container port's name")
      .regex(/^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a container port name (IANA_SVC_NAME: lower-case letters, digits and \"-\", with a letter); use the port's name, not its number, so GMP sets the container label")
      .optional(),
    path: z.string().regex(/^\/\S*$/, 'must be an HTTP path starting with "/"; e.g. /metrics').optional(),
    interval: zScrapeDuration('scrape interval').optional(),
    timeout: zScrapeDuration('scrape timeout').optional(),
    labels: zLabelMap.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const { interval, timeout } = withDefaults(GMP_POD_MONITORING_DEFAULTS, p);
    const usable = (d: unknown) => d instanceof Duration && d.toMilliseconds() >= 1000 && d.toMilliseconds() % 1000 === 0;
    if (usable(interval) && usable(timeout) && timeout.toMilliseconds() > interval.toMilliseconds()) {
      ctx.addIssue(
        p.timeout === undefined
          ? {
            code: z.ZodIssueCode.custom,
            path: ['interval'],
            message: `must not be below the default scrape timeout (${seconds(timeout)} s), or the PodMonitoring CRD rejects it (timeout <= interval); raise interval or set a shorter timeout`,
          }
          : {
            code: z.ZodIssueCode.custom,
            path: ['timeout'],
            message: `must not exceed the scrape interval (${seconds(interval)} s), or the PodMonitoring CRD rejects it (timeout <= interval); lower timeout or raise interval`,
          },
      );
    }
  }) satisfies z.ZodType<Omit<GmpPodMonitoringProps, 'workload'>, z.ZodTypeDef, unknown>;

/**
 * A `monitoring.googleapis.com/v1` PodMonitoring (GMP managed collection) that scrapes one
 * workload's pods directly: selected by the workload's selector labels, on the named
 * `metrics` port at `/metrics`. GMP sets the series' `job` to this object's name, which is
 * the MetricScope `job` the alert rules select by under backend `gmp`.
 */
export class GmpPodMonitoring extends Construct {
  readonly resource: ApiObject;
  /** The spec as written. */
  readonly spec: GmpPodMonitoringSpec;

  constructor(scope: Construct, id: string, props: GmpPodMonitoringProps) {
    super(scope, id);
    const { p, workload } = parseWithWorkload(gmpPodMonitoringPropsSchema, props, `GmpPodMonitoring ${scope.node.path}/${id}`, (p, w) => [
      ...namespaceProblems(p.namespace, w),
      ...missingPortProblem(w, withDefaults(GMP_POD_MONITORING_DEFAULTS, p).port, ['port'], 'GMP keeps only targets on that port name, so nothing is scraped', p.port === undefined),
    ]);
    const d = withDefaults(GMP_POD_MONITORING_DEFAULTS, p);
    this.spec = {
      selector: { matchLabels: { ...workload.selectorLabels } },
      endpoints: [{ port: d.port, path: d.path, interval: promDuration(d.interval), timeout: promDuration(d.timeout) }],
      targetLabels: { metadata: [...GMP_TARGET_METADATA] },
    };
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: GMP_API_VERSION,
      kind: 'PodMonitoring',
      metadata: { name: p.name, namespace: p.namespace, labels: p.labels ? { ...p.labels } : undefined },
      spec: this.spec,
    });
  }
}
