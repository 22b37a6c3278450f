import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import {
  COMPONENT,
  HTTP_PORT_NAME,
  METRICS_PORT_NAME,
  SERVICE_ROLE_LABEL,
  commonLabels,
  objectNames,
  selectorLabels,
} from '../conventions';
import { parseOrThrow } from '../spec/problems';
import { seconds } from '../spec/workload';
import { NLB_ANNOTATION_PREFIX, NLB_DEFAULTS, NlbLoadBalancerOptions, nlbLoadBalancerSchema } from '../spec/traffic';
import { InferencePorts, portsSchema } from '../spec/workload';
import { zDns1035Label, zDnsLabel, zLabelMap } from '../spec/values';

export interface NlbServiceProps {
  /** Release name; Service names derive from it (`<name>-lb`, `-headless`, `-internal`). */
  readonly name: string;
  /** @default - none */
  readonly namespace?: string;
  /** Container ports the internal and headless Services expose. @default { http: 8000, metrics: 9090 } */
  readonly ports?: InferencePorts;
  /** The external NLB. @default - no external Service */
  readonly loadBalancer?: NlbLoadBalancerOptions;
  /** Headless Service for direct pod access. @default true */
  readonly headless?: boolean;
  /** Internal ClusterIP Service. @default true */
  readonly internal?: boolean;
  /** Extra labels. @default {} */
  readonly labels?: Record<string, string>;
}

export const nlbServicePropsSchema = z
  .object({
    name: zDns1035Label,
    namespace: zDnsLabel.optional(),
    ports: portsSchema.optional(),
    loadBalancer: nlbLoadBalancerSchema.optional(),
    headless: z.boolean().optional(),
    internal: z.boolean().optional(),
    labels: zLabelMap.optional(),
  })
  .strict() satisfies z.ZodType<NlbServiceProps>;

/** The annotations of the external Service, in a stable order. */
export function nlbAnnotations(lb: NlbLoadBalancerOptions): Record<string, string> {
  const o = { ...NLB_DEFAULTS, ...lb, healthCheck: { ...NLB_DEFAULTS.healthCheck, ...lb.healthCheck } };
  const a: Record<string, string> = {};
  const set = (key: string, value: string) => (a[NLB_ANNOTATION_PREFIX + key] = value);

  set('aws-load-balancer-nlb-target-type', 'ip');
  set('aws-load-balancer-scheme', o.scheme);

  const lbAttributes = [`load_balancing.cross_zone.enabled=${o.crossZone}`];
  if (o.accessLogs) {
    lbAttributes.push('access_logs.s3.enabled=true', `access_logs.s3.bucket=${o.accessLogs.bucket}`);
    if (o.accessLogs.prefix) lbAttributes.push(`access_logs.s3.prefix=${o.accessLogs.prefix}`);
  }
  set('aws-load-balancer-attributes', lbAttributes.join(','));

  const tgAttributes = [
    ...(o.stickiness === 'source_ip' ? ['stickiness.enabled=true', 'stickiness.type=source_ip'] : ['stickiness.enabled=false']),
    `deregistration_delay.timeout_seconds=${seconds(o.deregistrationDelay)}`,
    `preserve_client_ip.enabled=${o.preserveClientIp}`,
  ];
  set('aws-load-balancer-target-group-attributes', tgAttributes.join(','));

  const tls = new Set(o.certificateArns ? o.tlsPorts : []);
  for (const port of o.ports) {
    const protocol = tls.has(port.port) ? 'TLS' : 'TCP';
    set(`aws-load-balancer-listener-attributes.${protocol}-${port.port}`, `tcp.idle_timeout.seconds=${seconds(o.idleTimeout)}`);
  }

  if (o.certificateArns) {
    set('aws-load-balancer-ssl-cert', o.certificateArns.join(','));
    set('aws-load-balancer-ssl-ports', o.tlsPorts.join(','));
    set('aws-load-balancer-ssl-negotiation-policy', o.sslPolicy);
  }

  const hc = o.healthCheck;
  set('aws-load-balancer-healthcheck-protocol', hc.protocol);
  set('aws-load-balancer-healthcheck-port', String(hc.port));
  if (hc.protocol !== 'tcp') {
    set('aws-load-balancer-healthcheck-path', hc.path);
    set('aws-load-balancer-healthcheck-success-codes', hc.successCodes);
  }
  set('aws-load-balancer-healthcheck-interval', String(seconds(hc.interval)));
  set('aws-load-balancer-healthcheck-timeout', String(seconds(hc.timeout)));
  set('aws-load-balancer-healthcheck-healthy-threshold', String(hc.healthyThreshold));
  set('aws-load-balancer-healthcheck-unhealthy-threshold', String(hc.unhealthyThreshold));

  return { ...a, ...o.extraAnnotations };
}

/**
 * The three Services of seed 001: the external NLB (`<name>-lb`, AWS Load Balancer
 * Controller, ip targets), a headless Service (`<name>-headless`) for direct pod access
 * and an internal ClusterIP Service (`<name>-internal`) that the ServiceMonitor scrapes.
 * Each carries a `service-role` label so a selector can tell them apart.
 */
export class NlbService extends Construct {
  readonly loadBalancer?: k8s.KubeService;
  readonly headless?: k8s.KubeService;
  readonly internal?: k8s.KubeService;
  /** Labels of the internal Service (what a ServiceMonitor should select). */
  readonly internalServiceLabels: Record<string, string>;
  /** The NLB's listener ports. */
  readonly listenerPorts: number[];

  constructor(scope: Construct, id: string, props: NlbServiceProps) {
    super(scope, id);
    const p = parseOrThrow(nlbServicePropsSchema, props, `NlbService ${scope.node.path}/${id}`);
    const names = objectNames(p.name);
    const selector = selectorLabels(p.name);
    const labels = (role: string) => ({ ...commonLabels(p.name, COMPONENT.traffic), [SERVICE_ROLE_LABEL]: role, ...p.labels });
    const httpPort = p.ports?.http ?? 8000;
    const metricsPort = p.ports?.metrics ?? 9090;
    const podPorts = [
      { name: HTTP_PORT_NAME, port: httpPort, targetPort: k8s.IntOrString.fromString(HTTP_PORT_NAME), protocol: 'TCP' },
      { name: METRICS_PORT_NAME, port: metricsPort, targetPort: k8s.IntOrString.fromString(METRICS_PORT_NAME), protocol: 'TCP' },
    ];
    this.internalServiceLabels = labels('internal');
    this.listenerPorts = [];

    if (p.loadBalancer) {
      const lb = p.loadBalancer;
      const ports = lb.ports ?? NLB_DEFAULTS.ports;
      this.listenerPorts = ports.map((port) => port.port);
      this.loadBalancer = new k8s.KubeService(this, 'LoadBalancer', {
        metadata: { name: names.loadBalancer, namespace: p.namespace, labels: labels('load-balancer'), annotations: nlbAnnotations(lb) },
        spec: {
          type: 'LoadBalancer',
          // Hands the Service to the AWS Load Balancer Controller (not the in-tree controller).
          loadBalancerClass: 'service.k8s.aws/nlb',
          // ip targets reach pods directly: no NodePorts needed.
          allocateLoadBalancerNodePorts: false,
          selector,
          ports: ports.map((port) => ({
            name: port.name,
            port: port.port,
            targetPort: k8s.IntOrString.fromString(port.targetPort ?? HTTP_PORT_NAME),
            protocol: 'TCP',
          })),
          loadBalancerSourceRanges: lb.sourceRanges,
        },
      });
    }
    if (p.headless ?? true) {
      this.headless = new k8s.KubeService(this, 'Headless', {
        metadata: { name: names.headless, namespace: p.namespace, labels: labels('headless') },
        spec: { clusterIp: 'None', selector, ports: podPorts },
      });
    }
    if (p.internal ?? true) {
      this.internal = new k8s.KubeService(this, 'Internal', {
        metadata: { name: names.internal, namespace: p.namespace, labels: this.internalServiceLabels },
        spec: { type: 'ClusterIP', selector, ports: podPorts },
      });
    }
  }
}
