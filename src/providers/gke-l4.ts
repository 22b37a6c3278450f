/**
 * The GKE provider (`traffic.loadBalancer.provider: 'gke-l4'`): GKE's L4 passthrough load
 * balancer, external (regional external passthrough Network Load Balancer on a backend
 * service) or internal (internal passthrough Network Load Balancer), its options, their
 * rules and defaults, and the Service it builds.
 *
 * Facts, with where they were read (docs through stored copies, code at
 * kubernetes/ingress-gce acbcf5d66dd9, which vendors kubernetes/cloud-provider-gcp):
 *
 * | what | fact | source |
 * |---|---|---|
 * | external, annotation | `cloud.google.com/l4-rbs: "enabled"` makes GKE build the backend-service NLB; GKE 1.25.5 or later, HttpLoadBalancing add-on (on by default) | GKE docs how-to/backend-service-based-external-load-balancer (requirements) and concepts/service-load-balancer-parameters; ingress-gce pkg/l4/annotations/service.go `RBSAnnotationKey`, `RBSEnabled` |
 * | external, class | `spec.loadBalancerClass: networking.gke.io/l4-regional-external`, GKE 1.33.1-gke.1779000 or later, recommended there; immutable after creation | GKE docs concepts/service-load-balancer ("In clusters that run GKE 1.33.1-gke.1779000 or later, add spec.loadBalancerClass ..."); ingress-gce pkg/l4/annotations/gce_annotations.go `RegionalExternalLoadBalancerClass` |
 * | without either | GKE builds the older target-pool NLB | GKE docs concepts/service-load-balancer |
 * | internal, annotation | `networking.gke.io/load-balancer-type: "Internal"`, all supported versions | GKE docs concepts/service-load-balancer-parameters; gce_annotations.go `ServiceAnnotationLoadBalancerType`, `LBTypeInternal` |
 * | internal, class | `networking.gke.io/l4-regional-internal`: GKE 1.33.1-gke.1779000 or later AND GKE subsetting (automatic from GKE 1.36) | GKE docs concepts/service-load-balancer-parameters; gce_annotations.go `RegionalInternalLoadBalancerClass` |
 * | class wins | a loadBalancerClass takes precedence over the type annotation | gce_annotations.go `GetLoadBalancerAnnotationType` |
 * | global access | `networking.gke.io/internal-load-balancer-allow-global-access: "true"` (internal only) | cloud-provider-gcp providers/gce/gce_annotations.go `ServiceAnnotationILBAllowGlobalAccess`, read by ingress-gce pkg/l4/resources/l4.go (ILB forwarding rule) |
 * | network tier | `cloud.google.com/network-tier`: `Premium` or `Standard` (anything else: the default) | ingress-gce pkg/l4/annotations/network_tier.go |
 * | weighted LB | `networking.gke.io/weighted-load-balancing: "pods-per-node"` (GKE 1.31.0+; backend-service NLB 1.31.0-gke.1506000+); no effect with externalTrafficPolicy Cluster (the controller emits UnsupportedConfiguration) | GKE docs service-load-balancer-parameters and backend-service-based-external-load-balancer; ingress-gce pkg/l4/resources/l4netlb.go `determineBackendServiceLocalityPolicy` |
 * | static IP | `spec.loadBalancerIP` is read by every GKE L4 controller (ingress-gce pkg/l4/address/to_use.go; cloud-provider-gcp gce_loadbalancer_external.go and _internal.go) | code as named |
 * | health checks | `Cluster`: one shared check of every node on port 10256 `/healthz` (kube-proxy); `Local`: a per-Service check on `spec.healthCheckNodePort` `/healthz`, passing only on nodes with a ready local endpoint. Both reach the NODE, never the pod's port | ingress-gce pkg/l4/healthchecks/healthchecksl4.go (`GetNodesHealthCheckPath/Port` when shared); cloud-provider-gcp gce_healthchecks.go |
 * | health-check sources | GKE opens the node health port to 130.211.0.0/22, 35.191.0.0/16, 209.85.152.0/22, 209.85.204.0/22 | cloud-provider-gcp providers/gce/gce_loadbalancer.go `init` (L4 source ranges) |
 * | client IP | passthrough: packets arrive with the client's address; with `Local` the node hands them to a local pod unchanged, with `Cluster` they may be forwarded to another node and SNATed to a node IP | Google Cloud docs load-balancing/docs/network/networklb-backend-service; Kubernetes docs tasks/access-application-cluster/create-external-load-balancer ("Preserving the client source IP") |
 * | source ranges | `spec.loadBalancerSourceRanges` becomes the VPC firewall rule's source (0.0.0.0/0 without it), for external and internal alike | GKE docs service-load-balancer-parameters; ingress-gce pkg/l4/resources/l4netlb.go and l4.go (`IPv4ServiceSourceRanges`) |
 *
 * Not verified here: whether GKE Dataplane V2 (no kube-proxy) SNATs forwarded `Cluster`
 * traffic exactly as kube-proxy does; the `Cluster` rule below assumes it may.
 */
import { k8s } from 'cdk8s-plus-28';
import { z } from 'zod';
import { HTTP_PORT_NAME } from '../conventions';
import { withDefaults } from '../private/defaults';
import { zAnnotationMap, zCidr, zDns1035Label, zPort, zPortName } from '../spec/values';
import { AWS_ANNOTATION_PREFIXES } from './annotation-keys';

/** The annotation keys and classes the GKE provider writes. */
export const GKE_L4 = {
  rbsAnnotation: 'cloud.google.com/l4-rbs',
  rbsEnabled: 'enabled',
  typeAnnotation: 'networking.gke.io/load-balancer-type',
  typeInternal: 'Internal',
  externalClass: 'networking.gke.io/l4-regional-external',
  internalClass: 'networking.gke.io/l4-regional-internal',
  globalAccessAnnotation: 'networking.gke.io/internal-load-balancer-allow-global-access',
  networkTierAnnotation: 'cloud.google.com/network-tier',
  weightedAnnotation: 'networking.gke.io/weighted-load-balancing',
  weightedPodsPerNode: 'pods-per-node',
} as const;

/**
 * The source ranges of Google's L4 health checks (IPv4). They probe the node's health port
 * (10256 or the Service's healthCheckNodePort), not the pod, so the pod's NetworkPolicy does
 * not admit them; listed for the node firewall, which GKE opens itself.
 */
export const GKE_L4_HEALTH_CHECK_RANGES = ['130.211.0.0/22', '35.191.0.0/16', '209.85.152.0/22', '209.85.204.0/22'] as const;

/** The first GKE version of the load balancer classes. */
export const GKE_L4_CLASS_MIN_VERSION = '1.33.1-gke.1779000';

/** One port of the GKE load balancer. */
export interface GkeL4Port {
  /** Service port name. */
  readonly name: string;
  /** The port clients connect to. */
  readonly port: number;
  /** Container port name it forwards to. @default 'http' */
  readonly targetPort?: string;
}

/** GKE's L4 passthrough load balancer (a `type: LoadBalancer` Service GKE's controllers turn into one). */
export interface GkeL4LoadBalancerOptions {
  readonly provider: 'gke-l4';
  /**
   * `external`: a regional external passthrough Network Load Balancer on a backend service
   * (reachable from the internet); `internal`: an internal passthrough Network Load Balancer
   * (reachable from the VPC and connected networks). Always explicit.
   */
  readonly scheme: 'external' | 'internal';
  /**
   * How the Service asks for that load balancer. `annotation`: `cloud.google.com/l4-rbs:
   * "enabled"` (external, GKE 1.25.5+) or `networking.gke.io/load-balancer-type: "Internal"`
   * (internal, every supported version). `loadBalancerClass`: `spec.loadBalancerClass`
   * `networking.gke.io/l4-regional-external` / `-internal`, which Google recommends on GKE
   * 1.33.1-gke.1779000 or later (the internal class also needs GKE subsetting, automatic from
   * GKE 1.36); choose it only when the cluster is that new. The class cannot be changed on an
   * existing Service: switching recreates the Service and its IP.
   * @default 'annotation'
   */
  readonly selectBy?: 'annotation' | 'loadBalancerClass';
  /** The Service's name. @default `<release>-lb` */
  readonly name?: string;
  /** @default - one port, http 80 to the container's `http` port */
  readonly ports?: GkeL4Port[];
  /**
   * Client CIDRs allowed to reach the load balancer (`spec.loadBalancerSourceRanges`; GKE
   * writes them into the VPC firewall rule of the Service). With client IPs preserved the
   * NetworkPolicy admits exactly these. @default - everyone (GKE's firewall source 0.0.0.0/0)
   */
  readonly sourceRanges?: string[];
  /**
   * `Local`: the node delivers to a pod on itself, so the pod sees the client's address, and
   * GKE's per-Service health check passes only on nodes with a ready pod (no second hop).
   * `Cluster`: any node accepts and may forward to another node after SNAT to its own IP, so
   * pods may see node addresses; refused while the chart's NetworkPolicy is on.
   * @default 'Local'
   */
  readonly externalTrafficPolicy?: 'Local' | 'Cluster';
  /** Internal only: clients in every region of the VPC may connect. @default false */
  readonly allowGlobalAccess?: boolean;
  /** External only: the network service tier of the address. @default - the project's default tier */
  readonly networkTier?: 'Premium' | 'Standard';
  /**
   * Weighted load balancing by pods per node (`networking.gke.io/weighted-load-balancing:
   * "pods-per-node"`, GKE 1.31.0+; the backend-service NLB needs 1.31.0-gke.1506000+). Needs
   * externalTrafficPolicy `Local`. @default false
   */
  readonly weightedLoadBalancing?: boolean;
  /** A reserved static IPv4 address in the Service's region (`spec.loadBalancerIP`). @default - an ephemeral address */
  readonly staticIp?: string;
  /** Further annotations (they win over the generated ones; no AWS annotation). @default {} */
  readonly extraAnnotations?: Record<string, string>;
}

/** Defaults of the GKE load balancer. */
export const GKE_L4_DEFAULTS = {
  selectBy: 'annotation',
  ports: [{ name: HTTP_PORT_NAME, port: 80, targetPort: HTTP_PORT_NAME }] as GkeL4Port[],
  externalTrafficPolicy: 'Local',
  allowGlobalAccess: false,
  weightedLoadBalancing: false,
} as const satisfies Required<Pick<GkeL4LoadBalancerOptions, 'selectBy' | 'ports' | 'externalTrafficPolicy' | 'allowGlobalAccess' | 'weightedLoadBalancing'>>;

/** Default of each port: it forwards to the serving port. */
export const GKE_L4_PORT_DEFAULTS: Required<Pick<GkeL4Port, 'targetPort'>> = { targetPort: HTTP_PORT_NAME };

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The GKE load balancer's fields (the rules between them are gkeL4LoadBalancerRules). */
export const gkeL4LoadBalancerObject = z
  .object({
    provider: z.literal('gke-l4'),
    scheme: z.enum(['external', 'internal'], { message: 'must be "external" or "internal"; say which load balancer GKE should build' }),
    selectBy: z
      .enum(['annotation', 'loadBalancerClass'], {
        message: `must be "annotation" (every supported GKE version) or "loadBalancerClass" (GKE ${GKE_L4_CLASS_MIN_VERSION} or later)`,
      })
      .optional(),
    name: zDns1035Label.optional(),
    ports: z
      .array(z.object({ name: zPortName, port: zPort, targetPort: zPortName.optional() }).strict())
      .min(1, 'must list at least one port; leave ports out for http 80')
      .optional(),
    sourceRanges: z.array(zCidr).min(1, 'must name at least one CIDR when given (an empty list admits everyone); list the client CIDRs or leave sourceRanges out').optional(),
    externalTrafficPolicy: z.enum(['Local', 'Cluster'], { message: 'must be "Local" or "Cluster"' }).optional(),
    allowGlobalAccess: z.boolean().optional(),
    networkTier: z.enum(['Premium', 'Standard'], { message: 'must be "Premium" or "Standard" (GKE ignores any other value)' }).optional(),
    weightedLoadBalancing: z.boolean().optional(),
    staticIp: z.string().regex(IPV4, 'must be an IPv4 address (the reserved static address, e.g. "203.0.113.10")').optional(),
    extraAnnotations: zAnnotationMap.optional(),
  })
  .strict();

/** The rules between the GKE load balancer's fields. */
export function gkeL4LoadBalancerRules(lb: z.infer<typeof gkeL4LoadBalancerObject>, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
  if (lb.allowGlobalAccess !== undefined && lb.scheme === 'external') {
    issue(['allowGlobalAccess'], 'applies to an internal load balancer only (an external one is reachable from everywhere); drop it, or use scheme "internal"');
  }
  if (lb.networkTier !== undefined && lb.scheme === 'internal') {
    issue(['networkTier'], 'applies to an external load balancer only (an internal address has no network tier); drop it, or use scheme "external"');
  }
  if (lb.weightedLoadBalancing === true && lb.externalTrafficPolicy === 'Cluster') {
    issue(['weightedLoadBalancing'], 'has no effect with externalTrafficPolicy "Cluster" (GKE reports UnsupportedConfiguration and balances evenly); use "Local" or drop weightedLoadBalancing');
  }
  for (const key of Object.keys(lb.extraAnnotations ?? {})) {
    if (AWS_ANNOTATION_PREFIXES.some((prefix) => key.startsWith(prefix))) {
      issue(['extraAnnotations', key], `is an AWS annotation (${AWS_ANNOTATION_PREFIXES.join(', ')}) on a GKE Service; drop it, or use provider 'aws-nlb' for an AWS NLB`);
    }
  }
  const names = new Set<string>();
  const numbers = new Set<number>();
  (lb.ports ?? []).forEach((p, i) => {
    if (names.has(p.name)) issue(['ports', i, 'name'], 'is used twice; port names must be unique');
    if (numbers.has(p.port)) issue(['ports', i, 'port'], 'is used twice; the API server refuses two Service ports with the same number and protocol; give each port its own number');
    names.add(p.name);
    numbers.add(p.port);
  });
}

export const gkeL4LoadBalancerSchema = gkeL4LoadBalancerObject.superRefine(gkeL4LoadBalancerRules) satisfies z.ZodType<GkeL4LoadBalancerOptions>;

type GkeDefaulted = 'selectBy' | 'ports' | 'externalTrafficPolicy' | 'allowGlobalAccess' | 'weightedLoadBalancing';

/** The GKE load balancer with every default filled in (`name` stays optional: its default is the release's, objectNames). */
export type ResolvedGkeL4LoadBalancer = Omit<GkeL4LoadBalancerOptions, GkeDefaulted | 'ports'> &
  Required<Pick<GkeL4LoadBalancerOptions, Exclude<GkeDefaulted, 'ports'>>> & { readonly ports: Required<GkeL4Port>[] };

/** Fills every default of the GKE load balancer once (an explicit `undefined` takes the default). */
export function resolveGkeL4LoadBalancer(lb: GkeL4LoadBalancerOptions): ResolvedGkeL4LoadBalancer {
  const { selectBy, ports, externalTrafficPolicy, allowGlobalAccess, weightedLoadBalancing, ...rest } = lb;
  const d = withDefaults<Required<Pick<GkeL4LoadBalancerOptions, GkeDefaulted>>>(GKE_L4_DEFAULTS, { selectBy, ports, externalTrafficPolicy, allowGlobalAccess, weightedLoadBalancing });
  return { ...rest, ...d, ports: d.ports.map((port) => ({ ...port, ...withDefaults(GKE_L4_PORT_DEFAULTS, port) })) };
}

/** The annotations of the GKE Service, in a stable order; never an AWS key. */
export function gkeL4Annotations(lb: GkeL4LoadBalancerOptions): Record<string, string> {
  const o = resolveGkeL4LoadBalancer(lb);
  const a: Record<string, string> = {};
  if (o.selectBy === 'annotation') {
    if (o.scheme === 'external') a[GKE_L4.rbsAnnotation] = GKE_L4.rbsEnabled;
    else a[GKE_L4.typeAnnotation] = GKE_L4.typeInternal;
  }
  if (o.allowGlobalAccess) a[GKE_L4.globalAccessAnnotation] = 'true';
  if (o.networkTier) a[GKE_L4.networkTierAnnotation] = o.networkTier;
  if (o.weightedLoadBalancing) a[GKE_L4.weightedAnnotation] = GKE_L4.weightedPodsPerNode;
  return { ...a, ...o.extraAnnotations };
}

/** The GKE Service's annotations and spec (without name and labels). */
export function gkeL4ServiceSpec(lb: GkeL4LoadBalancerOptions, selector: Record<string, string>): { annotations?: Record<string, string>; spec: k8s.ServiceSpec } {
  const o = resolveGkeL4LoadBalancer(lb);
  const annotations = gkeL4Annotations(lb);
  return {
    annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
    spec: {
      type: 'LoadBalancer',
      loadBalancerClass: o.selectBy === 'loadBalancerClass' ? (o.scheme === 'external' ? GKE_L4.externalClass : GKE_L4.internalClass) : undefined,
      externalTrafficPolicy: o.externalTrafficPolicy,
      selector,
      ports: o.ports.map((port) => ({ name: port.name, port: port.port, targetPort: k8s.IntOrString.fromString(port.targetPort), protocol: 'TCP' })),
      loadBalancerSourceRanges: o.sourceRanges,
      loadBalancerIp: o.staticIp,
    },
  };
}
