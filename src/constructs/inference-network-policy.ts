import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import { COMPONENT, HTTP_PORT_NAME, METRICS_PORT_NAME, commonLabels, objectNames, selectorLabels } from '../conventions';
import { withDefaults } from '../private/defaults';
import { NetworkPeer, NetworkPolicySpec, networkPolicyFields } from '../spec/network';
import { GMP_COLLECTOR_NAMESPACES, MONITORING_BACKENDS, MonitoringBackend } from '../spec/monitoring';
import { formatProblem, parseOrThrow, throwIfProblems } from '../spec/problems';
import { zCidr, zDnsLabel, zLabelMap, zPort } from '../spec/values';

/** Well-known database ports (seed 000: PostgreSQL, Redis, MongoDB). */
export const DATABASE_PORTS = { postgres: 5432, redis: 6379, mongodb: 27017 } as const;

export interface InferenceNetworkPolicyProps extends NetworkPolicySpec {
  /** Release name: the policy is `<name>-netpol` and selects the release's pods. */
  readonly name: string;
  /** @default - none */
  readonly namespace?: string;
  /**
   * Client CIDRs of the load balancer, allowed to the http port. Give them only with
   * client IP preservation (then the pods see client addresses; without it every packet
   * comes from `loadBalancerSubnets`). `0.0.0.0/0` when the NLB admits everyone.
   * @default []
   */
  readonly loadBalancerSourceRanges?: string[];
  /**
   * The target port of the NLB health checks when it is not the http port (a number
   * `healthCheck.port` of the NlbService); `loadBalancerSubnets` are allowed to it.
   * @default - the http port (`traffic-port`)
   */
  readonly loadBalancerHealthCheckPort?: number;
  /**
   * The load balancer in front of the pods. `aws-nlb`: its health checks (and, without
   * client IP preservation, its traffic) come from `loadBalancerSubnets`, required with
   * `loadBalancerSourceRanges`. `gke-l4`: GKE's passthrough load balancer delivers client
   * packets with their own addresses (externalTrafficPolicy Local) and health-checks the
   * nodes' health port, never the pod (kubernetes/ingress-gce pkg/l4/healthchecks), so only
   * `loadBalancerSourceRanges` are admitted and `loadBalancerSubnets` is refused.
   * @default 'aws-nlb'
   */
  readonly loadBalancerProvider?: 'aws-nlb' | 'gke-l4';
  /** @default {} */
  readonly labels?: Record<string, string>;
  /**
   * The named port the monitoring namespace may reach (the scrape target); false: none
   * (a server without metrics of its own).
   * @default 'metrics'
   */
  readonly metricsPort?: string | false;
  /**
   * Who scrapes the metrics port. `gmp`: GKE's managed collectors, which scrape the pods
   * directly from their own namespace (GMP_COLLECTOR_NAMESPACES); they are admitted, and
   * `monitoringNamespace` too when given.
   * @default 'prometheus-operator' - the monitoring namespace
   */
  readonly monitoringBackend?: MonitoringBackend;
}

/** Defaults of an InferenceNetworkPolicy's openings (seed 000). */
export const INFERENCE_NETWORK_POLICY_DEFAULTS: Required<Pick<InferenceNetworkPolicyProps, 'loadBalancerSourceRanges' | 'monitoringNamespace' | 'databases' | 'httpsEgress'>> = {
  loadBalancerSourceRanges: [],
  monitoringNamespace: 'monitoring',
  databases: {},
  httpsEgress: { cidr: '0.0.0.0/0' },
};

/** Default of a peer chosen by labels: an empty selector, every pod (of its namespace). */
const PEER_DEFAULTS: { readonly podLabels: Record<string, string> } = { podLabels: {} };

export const inferenceNetworkPolicyPropsSchema = z
  .object({
    name: zDnsLabel,
    namespace: zDnsLabel.optional(),
    loadBalancerSourceRanges: z.array(zCidr).optional(),
    loadBalancerHealthCheckPort: zPort.optional(),
    loadBalancerProvider: z.enum(['aws-nlb', 'gke-l4']).optional(),
    ...networkPolicyFields,
    labels: zLabelMap.optional(),
    metricsPort: z.union([z.string().min(1), z.literal(false)]).optional(),
    monitoringBackend: z.enum(MONITORING_BACKENDS).optional(),
  })
  .strict() satisfies z.ZodType<InferenceNetworkPolicyProps>;

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The NLB-only openings, refused in front of GKE's L4 load balancer. */
function gkeL4PolicyProblems(p: InferenceNetworkPolicyProps): string[] {
  return [
    ...(p.loadBalancerSubnets !== undefined
      ? [formatProblem(['loadBalancerSubnets'], p.loadBalancerSubnets, "are an AWS NLB setting: GKE's passthrough load balancer has no subnet of its own (client packets keep their addresses, health checks reach the node, not the pod); drop loadBalancerSubnets")]
      : []),
    ...(p.loadBalancerHealthCheckPort !== undefined
      ? [formatProblem(['loadBalancerHealthCheckPort'], p.loadBalancerHealthCheckPort, "is an AWS NLB setting: GKE's health checks probe the node's health port, not the pod; drop it")]
      : []),
  ];
}

function peer(p: NetworkPeer): k8s.NetworkPolicyPeer {
  if ('cidr' in p) return { ipBlock: { cidr: p.cidr, except: p.except } };
  return {
    podSelector: { matchLabels: withDefaults(PEER_DEFAULTS, p).podLabels },
    namespaceSelector: p.namespace ? { matchLabels: { [NAMESPACE_NAME_LABEL]: p.namespace } } : undefined,
  };
}

const tcp = (port: number | string) => ({
  protocol: 'TCP',
  port: typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port),
});

/**
 * Default-deny NetworkPolicy for the inference pods (both directions), opening only what
 * seed 000 lists: ingress to `http` from the load balancer's real sources (its client
 * ranges, and its subnets for health checks and proxied traffic), from the web
 * application (and the VPC CIDR if given); to `metrics` from the monitoring namespace;
 * egress to DNS, the databases and HTTPS.
 */
export class InferenceNetworkPolicy extends Construct {
  readonly policy: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: InferenceNetworkPolicyProps) {
    super(scope, id);
    const subject = `InferenceNetworkPolicy ${scope.node.path}/${id}`;
    const p = parseOrThrow(inferenceNetworkPolicyPropsSchema, props, subject);
    const d = withDefaults(INFERENCE_NETWORK_POLICY_DEFAULTS, p);
    // Never a policy that silently drops its own load balancer's health checks. (In the
    // chart, findings/network.ts reports this with the spec's paths before any object is built.)
    const gke = p.loadBalancerProvider === 'gke-l4';
    throwIfProblems(subject, [
      ...(gke ? gkeL4PolicyProblems(p) : []),
      ...(!gke && d.loadBalancerSourceRanges.length > 0 && p.loadBalancerSubnets === undefined
        ? [formatProblem(['loadBalancerSubnets'], undefined, "is needed with loadBalancerSourceRanges: the NLB's health checks (and, without client IP preservation, all its traffic) come from its private IPs in its subnets, and this default-deny policy would drop them; set it to the CIDRs of the NLB's subnets")]
        : []),
      ...(!gke && p.loadBalancerHealthCheckPort !== undefined && p.loadBalancerSubnets === undefined
        ? [formatProblem(['loadBalancerHealthCheckPort'], p.loadBalancerHealthCheckPort, 'opens nothing without loadBalancerSubnets (the health checks come from the NLB subnets); set loadBalancerSubnets or drop it')]
        : []),
    ]);

    // The load balancer's sources: client ranges (client IP preservation) and the NLB's
    // subnets (health checks always; all traffic without client IP preservation).
    const subnets = p.loadBalancerSubnets ?? [];
    const httpFrom: k8s.NetworkPolicyPeer[] = [
      ...d.loadBalancerSourceRanges.map((cidr) => ({ ipBlock: { cidr } })),
      ...subnets.map((cidr) => ({ ipBlock: { cidr } })),
      ...(p.vpcCidr ? [{ ipBlock: { cidr: p.vpcCidr } }] : []),
      ...(p.webApp ? [peer(p.webApp)] : []),
    ];
    const ingress: k8s.NetworkPolicyIngressRule[] = [];
    if (httpFrom.length > 0) ingress.push({ from: httpFrom, ports: [tcp(HTTP_PORT_NAME)] });
    if (p.loadBalancerHealthCheckPort !== undefined && subnets.length > 0) {
      ingress.push({ from: subnets.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(p.loadBalancerHealthCheckPort)] });
    }
    const metricsPort = p.metricsPort ?? METRICS_PORT_NAME;
    if (metricsPort !== false) {
      const scrapers =
        p.monitoringBackend === 'gmp'
          ? { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...GMP_COLLECTOR_NAMESPACES, ...(p.monitoringNamespace ? [p.monitoringNamespace] : [])] }] }
          : { matchLabels: { [NAMESPACE_NAME_LABEL]: d.monitoringNamespace } };
      ingress.push({ from: [{ namespaceSelector: scrapers }], ports: [tcp(metricsPort)] });
    }

    const egress: k8s.NetworkPolicyEgressRule[] = [
      {
        // Cluster DNS, wherever CoreDNS runs.
        to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
          { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
        ],
      },
    ];
    for (const db of ['postgres', 'redis', 'mongodb'] as const) {
      const target = d.databases[db];
      if (target) egress.push({ to: [peer(target)], ports: [tcp(DATABASE_PORTS[db])] });
    }
    const https = d.httpsEgress;
    if (https !== false) {
      egress.push({ to: [{ ipBlock: { cidr: https.cidr, except: https.except } }], ports: [tcp(443)] });
    }

    this.policy = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: {
        name: objectNames(p.name).networkPolicy,
        namespace: p.namespace,
        labels: { ...commonLabels(p.name, COMPONENT.security), ...p.labels },
      },
      spec: {
        podSelector: { matchLabels: selectorLabels(p.name) },
        policyTypes: ['Ingress', 'Egress'],
        ingress,
        egress,
      },
    });
  }
}
