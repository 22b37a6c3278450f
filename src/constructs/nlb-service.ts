import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import { COMPONENT, HTTP_PORT_NAME, SERVICE_ROLE_LABEL, commonLabels, objectNames } from '../conventions';
import { withDefaults } from '../private/defaults';
import { formatProblem } from '../spec/problems';
import { TRAFFIC_DEFAULTS } from '../spec/traffic';
import { seconds } from '../spec/workload';
import { NLB_ANNOTATION_PREFIX, NlbLoadBalancerOptions, NlbPort, ResolvedLoadBalancer, nlbLoadBalancerSchema, resolveLoadBalancer } from '../spec/traffic';
import { zDns1035Label, zDnsLabel, zLabelMap } from '../spec/values';
import { InferenceDeployment } from './inference-deployment';
import { WorkloadTarget, missingPortProblem, namespaceProblems, parseWithWorkload } from './workload-target';

export interface NlbServiceProps {
  /** Release name; Service names derive from it (`<name>-lb`, `-headless`, `-internal`). */
  readonly name: string;
  /**
   * The workload the Services front: they select its pods by its selector labels, the
   * headless and internal Services expose each of its named container ports under its
   * name, and the NLB's listeners forward to its ports by name. An InferenceDeployment,
   * or `fromPlusWorkload(deployment)` for a cdk8s-plus workload.
   */
  readonly workload: InferenceDeployment | WorkloadTarget;
  /** @default - the workload's namespace */
  readonly namespace?: string;
  /**
   * The external NLB. Each listener's `targetPort` must be a named container port of the
   * workload. @default - no external Service
   */
  readonly loadBalancer?: NlbLoadBalancerOptions;
  /** Headless Service for direct pod access. @default true */
  readonly headless?: boolean;
  /** Internal ClusterIP Service. @default true */
  readonly internal?: boolean;
  /** Extra labels. @default {} */
  readonly labels?: Record<string, string>;
}

type PodServices = Required<Pick<NlbServiceProps, 'headless' | 'internal'>>;

/** Defaults of an NlbService: the traffic section's pod Services (TRAFFIC_DEFAULTS). */
export const NLB_SERVICE_DEFAULTS: PodServices = { ...TRAFFIC_DEFAULTS };

/** Default of each listener: it forwards to the serving port (NlbPort.targetPort). */
export const NLB_LISTENER_DEFAULTS: Required<Pick<NlbPort, 'targetPort'>> = { targetPort: HTTP_PORT_NAME };

/** The pod Services to create: the props' choice, else the defaults. */
function resolveServices(p: Partial<PodServices>): PodServices {
  return withDefaults(NLB_SERVICE_DEFAULTS, p);
}

/** The NLB's listeners, given or the defaults, each with its target port filled in. */
function resolveListeners(lb: NlbLoadBalancerOptions): Required<NlbPort>[] {
  return resolveLoadBalancer(lb).ports.map((port) => ({ ...port, ...withDefaults(NLB_LISTENER_DEFAULTS, port) }));
}

/** Every prop but `workload` (the chart validates these from the spec before building). */
export const nlbServicePropsSchema = z
  .object({
    name: zDns1035Label,
    namespace: zDnsLabel.optional(),
    loadBalancer: nlbLoadBalancerSchema.optional(),
    headless: z.boolean().optional(),
    internal: z.boolean().optional(),
    labels: zLabelMap.optional(),
  })
  .strict() satisfies z.ZodType<Omit<NlbServiceProps, 'workload'>, z.ZodTypeDef, unknown>;

/** Listener ports that terminate TLS (none without certificates). */
export function tlsListenerPorts(o: ResolvedLoadBalancer): number[] {
  const tls = new Set(o.certificateArns ? o.tlsPorts : []);
  return o.ports.map((p) => p.port).filter((port) => tls.has(port));
}

/** Plaintext TCP listener ports: what is not TLS. */
export function tcpListenerPorts(o: ResolvedLoadBalancer): number[] {
  const tls = new Set(tlsListenerPorts(o));
  return o.ports.map((p) => p.port).filter((port) => !tls.has(port));
}

/**
 * The annotations of the external Service, in a stable order. They need AWS Load Balancer
 * Controller v2.9.0 or later (the listener attributes; see below).
 */
export function nlbAnnotations(lb: NlbLoadBalancerOptions): Record<string, string> {
  const o = resolveLoadBalancer(lb);
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

  // Idle timeout on the TCP listeners only. The controller (pkg/service/model_build_listener.go,
  // buildListenerAttributes, v3.5.0) passes `aws-load-balancer-listener-attributes.<Protocol>-<port>`
  // unchanged to ModifyListenerAttributes; the annotation exists from controller v2.9.0
  // (commit 174ad832d "Support listener attributes", first tagged v2.9.0). AWS applies
  // `tcp.idle_timeout.seconds` to TCP listeners only: "The connection idle timeout for TLS
  // listeners is 350 seconds and can't be modified" (ELB docs, network/update-idle-timeout).
  for (const port of tcpListenerPorts(o)) {
    set(`aws-load-balancer-listener-attributes.TCP-${port}`, `tcp.idle_timeout.seconds=${seconds(o.idleTimeout)}`);
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
 * All three select the workload's pods by its selector labels and carry those labels and
 * a `service-role` label, so a selector can tell them apart.
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
    const { p, workload } = parseWithWorkload(nlbServicePropsSchema, props, `NlbService ${scope.node.path}/${id}`, (p, w) => [
      ...namespaceProblems(p.namespace, w),
      ...workloadPortProblems(props.loadBalancer, resolveServices(p), w),
    ]);
    const services = resolveServices(p);
    // The listeners as given, with their targetPort names (the schema checks them without).
    const givenPorts = props.loadBalancer?.ports;
    const lb = p.loadBalancer && (givenPorts ? { ...p.loadBalancer, ports: givenPorts } : p.loadBalancer);
    const namespace = p.namespace ?? workload.namespace;
    const names = objectNames(p.name);
    const selector = { ...workload.selectorLabels };
    const labels = (role: string) => ({
      ...commonLabels(p.name, COMPONENT.traffic),
      ...workload.selectorLabels,
      [SERVICE_ROLE_LABEL]: role,
      ...p.labels,
    });
    const podPorts = Object.entries(workload.ports).map(([name, port]) => ({
      name,
      port,
      targetPort: k8s.IntOrString.fromString(name),
      protocol: 'TCP',
    }));
    this.internalServiceLabels = labels('internal');
    this.listenerPorts = [];

    if (lb) {
      const ports = resolveListeners(lb);
      this.listenerPorts = ports.map((port) => port.port);
      this.loadBalancer = new k8s.KubeService(this, 'LoadBalancer', {
        metadata: { name: names.loadBalancer, namespace, labels: labels('load-balancer'), annotations: nlbAnnotations(lb) },
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
            targetPort: k8s.IntOrString.fromString(port.targetPort),
            protocol: 'TCP',
          })),
          loadBalancerSourceRanges: lb.sourceRanges,
        },
      });
    }
    if (services.headless) {
      this.headless = new k8s.KubeService(this, 'Headless', {
        metadata: { name: names.headless, namespace, labels: labels('headless') },
        spec: { clusterIp: 'None', selector, ports: podPorts },
      });
    }
    if (services.internal) {
      this.internal = new k8s.KubeService(this, 'Internal', {
        metadata: { name: names.internal, namespace, labels: this.internalServiceLabels },
        spec: { type: 'ClusterIP', selector, ports: podPorts },
      });
    }
  }
}

/** Each listener forwards to a named port of the workload; the pod Services need one. */
function workloadPortProblems(
  lb: NlbLoadBalancerOptions | undefined,
  { headless, internal }: PodServices,
  workload: WorkloadTarget,
): string[] {
  const problems: string[] = [];
  if (lb) {
    const nothing = 'the load balancer would forward to nothing';
    const listeners = resolveListeners(lb);
    const given = lb.ports;
    if (given === undefined) {
      for (const target of new Set(listeners.map((port) => port.targetPort))) {
        problems.push(...missingPortProblem(workload, target, ['loadBalancer', 'ports'], `${nothing}; set loadBalancer.ports with a targetPort of the workload`, true));
      }
    } else {
      listeners.forEach((port, i) => {
        problems.push(...missingPortProblem(workload, port.targetPort, ['loadBalancer', 'ports', i, 'targetPort'], nothing, given[i].targetPort === undefined));
      });
    }
  }
  if ((headless || internal) && Object.keys(workload.ports).length === 0) {
    const which = [headless && 'headless', internal && 'internal'].filter(Boolean).join(' and ');
    problems.push(
      formatProblem(
        ['workload', 'ports'],
        workload.ports,
        `hold no named container port, so the ${which} Service${headless && internal ? 's' : ''} would expose nothing; name the container's port (cdk8s-plus: ports: [{ number, name }]) or turn ${headless && internal ? 'them' : 'it'} off`,
      ),
    );
  }
  return problems;
}
