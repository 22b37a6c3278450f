/**
 * The platform spec: several inference workloads in one namespace, each a whole service spec
 * (as AiInferenceChart takes it), with what they share: the namespace, PriorityClasses, a
 * ResourceQuota, an ingress in front of them and the node pools under them. Types and
 * schemas only; the platform chart checks the relations between the workloads.
 */
import { Duration, Size } from 'cdk8s';
import { z } from 'zod';
import { INGRESS_NGINX_NOTE_IDS, PLATFORM_CHART_WARNING_IDS, PLATFORM_WARNING_IDS, TRAEFIK_NOTE_IDS } from '../conventions';
import { AiInferenceSpec, warningsSchemaOf } from './spec';
import { IngressNginxOptions, ingressNginxOptionsSchema } from '../providers/ingress-nginx';
import { TraefikRouteOptions, traefikRouteOptionsSchema } from '../providers/traefik';
import { CpuValue, zCpu, zDnsLabel, zDnsSubdomain, zDuration, zInt, zLabelMap, zLabelValue, zSize } from './values';

/** A PriorityClass the platform creates (cluster-scoped: it serves every namespace). */
export interface PlatformPriorityClass {
  readonly name: string;
  /** Higher schedules first and may preempt lower; user classes are at most 1,000,000,000. */
  readonly value: number;
  readonly description?: string;
  /**
   * The priority of every pod in the CLUSTER that names no class. At most one class may be
   * the global default, in the whole cluster. @default false
   */
  readonly globalDefault?: boolean;
  /** `Never`: the class's pods wait instead of preempting lower ones. @default 'PreemptLowerPriority' */
  readonly preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
}

/** The namespace's ResourceQuota on requests (seed 003: 50 GPUs, 200 CPUs, 800Gi). */
export interface PlatformQuota {
  /** GPUs requested by all pods together (`requests.nvidia.com/gpu`). */
  readonly gpus: number;
  /** CPU requested by all pods together (`requests.cpu`). */
  readonly requestsCpu: CpuValue;
  /** Memory requested by all pods together (`requests.memory`). */
  readonly requestsMemory: Size;
}

/** One path of the ingress host, to one workload. */
export interface PlatformIngressRoute {
  /** Path prefix, e.g. `/api/v1/l2o`. */
  readonly path: string;
  /** The release of the workload serving it. */
  readonly workload: string;
}

/** Retries of a request that failed on one pod, on another pod. */
export interface PlatformIngressRetries {
  /** Tries in all, the first included (seed 002: 3). */
  readonly attempts: number;
  /**
   * What counts as failed (seed 002: error, timeout, invalid_header, http_500, http_502,
   * http_503). ingress-nginx reads each; Traefik retries network errors only.
   * @default ['error', 'timeout']
   */
  readonly on?: readonly PlatformRetryCondition[];
  /** Time budget of all tries together (seed 002: 5 s). @default - no budget */
  readonly timeout?: Duration;
}

export type PlatformRetryCondition = 'error' | 'timeout' | 'invalid_header' | 'http_500' | 'http_502' | 'http_503' | 'http_504' | 'http_403' | 'http_404' | 'http_429';

/**
 * The ingress in front of the workloads: one host, TLS from cert-manager, a path per
 * workload to its internal ClusterIP Service, and the traffic settings the seeds give.
 * `ingress-nginx` writes an Ingress with the controller's annotations; `traefik` an
 * IngressRoute with Middlewares. What a controller cannot do per route is said at synth.
 */
export interface PlatformIngress {
  readonly provider: 'ingress-nginx' | 'traefik';
  /** The host, e.g. `api.opifex.example.com`. */
  readonly host: string;
  /** TLS: the cert-manager ClusterIssuer and the Secret it writes. @default - no TLS (a warning) */
  readonly tls?: { readonly clusterIssuer: string; readonly secretName?: string };
  readonly routes: readonly PlatformIngressRoute[];
  /** Requests per minute per client IP (seed 003: 1000). @default - no rate limit */
  readonly rateLimitPerMinute?: number;
  /** Time a request may take to answer (seed 003: 300 s for long operations). @default - the controller's (60 s) */
  readonly timeout?: Duration;
  /** Largest request body (seed 003: 100 MB for model uploads). @default - the controller's (ingress-nginx 1m) */
  readonly maxBodySize?: Size;
  /** Retries on another pod (seed 002). @default - the controller's */
  readonly retries?: PlatformIngressRetries;
  /**
   * How requests spread over the pods. `least-connections` (seed 002's least_conn) is what
   * neither controller offers per route: ingress-nginx gets `ewma` (lowest latency-weighted
   * load), Traefik its weighted round robin; the chart says so. @default 'round-robin'
   */
  readonly loadBalancing?: 'round-robin' | 'least-connections' | 'ewma';
  /** The controller's IngressClass. @default - 'nginx' for ingress-nginx, 'traefik' for Traefik */
  readonly className?: string;
  /**
   * Where the controller's pods run: every routed workload's NetworkPolicy must admit them
   * (its `networkPolicy.webApp`), and the ingress-nginx ServiceMonitor selects its metrics
   * there. @default - the provider's Helm chart: namespace `ingress-nginx` with pods
   * `app.kubernetes.io/name: ingress-nginx`, or `traefik` with `app.kubernetes.io/name: traefik`
   */
  readonly controller?: {
    readonly namespace?: string;
    readonly podLabels?: Readonly<Record<string, string>>;
    /** The controller's Helm release (`app.kubernetes.io/instance` of its metrics Service). @default 'ingress-nginx' */
    readonly release?: string;
  };
  /**
   * ingress-nginx settings beyond the ones above (e.g. seed 002's upstreamKeepaliveConnections,
   * passiveHealthCheck), over what they map to; with provider ingress-nginx only.
   * @default - none
   */
  readonly nginx?: IngressNginxOptions;
  /** Traefik settings beyond the ones above (e.g. circuitBreaker), over what they map to; with provider traefik only. @default - none */
  readonly traefik?: TraefikRouteOptions;
}

/**
 * The controllers' namespaces and pod labels as their Helm charts install them: ingress-nginx
 * (kubernetes/ingress-nginx charts/ingress-nginx, _helpers.tpl selectorLabels: name
 * ingress-nginx, component controller) and Traefik (traefik/traefik-helm-chart, _helpers.tpl:
 * name traefik). The namespaces are the ones their install guides use.
 */
export const INGRESS_CONTROLLER_DEFAULTS = {
  'ingress-nginx': { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } },
  traefik: { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } },
} as const satisfies Record<PlatformIngress['provider'], { namespace: string; podLabels: Record<string, string> }>;

/** The ingress controller's namespace and pod labels, defaults filled in by provider. */
export function resolveIngressController(ingress: PlatformIngress): { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> } {
  const d = INGRESS_CONTROLLER_DEFAULTS[ingress.provider];
  return { namespace: ingress.controller?.namespace ?? d.namespace, podLabels: ingress.controller?.podLabels ?? d.podLabels };
}

/** A Karpenter NodePool for some of the workloads (EKS). */
export interface PlatformNodePool {
  readonly name: string;
  /** Instance types the pool may launch (seed 003 GPU: p3.8xlarge, p3.16xlarge, p4d.24xlarge). */
  readonly instanceTypes: readonly string[];
  /** Most nodes the pool may run (seed 003: GPU 50, CPU 50). */
  readonly maxNodes: number;
  /** Fewest nodes (seed 003: GPU 1, CPU 2). Karpenter keeps no minimum: said at synth. @default 0 */
  readonly minNodes?: number;
  /** Whether the pool's nodes are tainted for GPU pods only. @default - tainted when every instance type carries GPUs */
  readonly gpu?: boolean;
  /** The EC2NodeClass the nodes are launched with (installed with Karpenter, not by this chart). @default 'default' */
  readonly nodeClassName?: string;
}

export interface PlatformSpec {
  /** The platform's name: `app.kubernetes.io/part-of` of every object, and the prefix of shared objects. */
  readonly name: string;
  /** The one namespace of every workload. */
  readonly namespace: string;
  /** Create the Namespace. @default true */
  readonly createNamespace?: boolean;
  /** The workloads, each a whole service spec in `namespace`. */
  readonly workloads: readonly AiInferenceSpec[];
  readonly priorityClasses?: readonly PlatformPriorityClass[];
  /**
   * PriorityClasses the cluster already has, beside the platform's own and Kubernetes'
   * system-cluster-critical and system-node-critical. @default []
   */
  readonly existingPriorityClasses?: readonly string[];
  readonly quota?: PlatformQuota;
  readonly ingress?: PlatformIngress;
  readonly nodePools?: readonly PlatformNodePool[];
  /** The platform overview dashboard. @default true */
  readonly dashboard?: boolean;
  /** Platform warnings to accept, with a reason (the workloads' own are in their specs). */
  readonly warnings?: { readonly suppress?: readonly { readonly id: PlatformChartWarningId; readonly reason: string }[] };
}

/** Every id a platform warning may carry: the platform chart's and its constructs' notes. */
export const PLATFORM_CHART_WARNING_ID_LIST = [
  ...Object.values(PLATFORM_WARNING_IDS),
  ...Object.values(PLATFORM_CHART_WARNING_IDS),
  ...Object.values(INGRESS_NGINX_NOTE_IDS),
  ...Object.values(TRAEFIK_NOTE_IDS),
].sort() as [PlatformChartWarningId, ...PlatformChartWarningId[]];
export type PlatformChartWarningId =
  | (typeof PLATFORM_WARNING_IDS)[keyof typeof PLATFORM_WARNING_IDS]
  | (typeof PLATFORM_CHART_WARNING_IDS)[keyof typeof PLATFORM_CHART_WARNING_IDS]
  | (typeof INGRESS_NGINX_NOTE_IDS)[keyof typeof INGRESS_NGINX_NOTE_IDS]
  | (typeof TRAEFIK_NOTE_IDS)[keyof typeof TRAEFIK_NOTE_IDS];

// ---- defaults ------------------------------------------------------------------------------

/** Defaults of the platform spec. */
export const PLATFORM_DEFAULTS = {
  createNamespace: true,
  dashboard: true,
  /** The EC2NodeClass Karpenter's getting-started guide creates. */
  nodeClassName: 'default',
  minNodes: 0,
} as const;

/** A node pool with its defaults filled in (`gpu` stays as written: the chart reads it from the instance types). */
export type ResolvedNodePool = Required<Omit<PlatformNodePool, 'gpu'>> & Pick<PlatformNodePool, 'gpu'>;

/** The platform's own fields with their defaults filled in (the workloads resolve their own). */
export interface ResolvedPlatform {
  readonly createNamespace: boolean;
  readonly dashboard: boolean;
  readonly nodePools: readonly ResolvedNodePool[];
}

/** Fills the platform's defaults from {@link PLATFORM_DEFAULTS}: the one place they are applied. */
export function resolvePlatform(spec: PlatformSpec): ResolvedPlatform {
  const d = PLATFORM_DEFAULTS;
  return {
    createNamespace: spec.createNamespace ?? d.createNamespace,
    dashboard: spec.dashboard ?? d.dashboard,
    nodePools: (spec.nodePools ?? []).map((p) => ({ ...p, nodeClassName: p.nodeClassName ?? d.nodeClassName, minNodes: p.minNodes ?? d.minNodes })),
  };
}

// ---- zod -----------------------------------------------------------------------------------

/** Kubernetes' own PriorityClasses, always present. */
export const SYSTEM_PRIORITY_CLASSES = ['system-cluster-critical', 'system-node-critical'] as const;

const zPath = z
  .string()
  .regex(/^\/[A-Za-z0-9\-._~/%]*$/, 'must be a URL path starting with "/" (letters, digits, - . _ ~ / %); fix the path');

const zHost = z
  .string()
  .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, 'must be a lower-case DNS name with a dot, like api.example.com; fix the host')
  .max(253, 'must be at most 253 characters; shorten the host');

const RETRY_CONDITIONS = ['error', 'timeout', 'invalid_header', 'http_500', 'http_502', 'http_503', 'http_504', 'http_403', 'http_404', 'http_429'] as const satisfies readonly PlatformRetryCondition[];

export const platformIngressSchema = z
  .object({
    provider: z.enum(['ingress-nginx', 'traefik']),
    host: zHost,
    tls: z.object({ clusterIssuer: zDnsSubdomain, secretName: zDnsSubdomain.optional() }).strict().optional(),
    routes: z.array(z.object({ path: zPath, workload: zDnsLabel }).strict()).min(1, 'must route at least one path; add { path, workload }'),
    rateLimitPerMinute: zInt(1, 1_000_000, 'requests per minute').optional(),
    timeout: zDuration.optional(),
    maxBodySize: zSize.optional(),
    retries: z
      .object({
        attempts: zInt(1, 10, 'tries'),
        on: z.array(z.enum(RETRY_CONDITIONS)).min(1, 'must name at least one condition; leave on out for error and timeout').optional(),
        timeout: zDuration.optional(),
      })
      .strict()
      .optional(),
    loadBalancing: z.enum(['round-robin', 'least-connections', 'ewma']).optional(),
    className: zDnsSubdomain.optional(),
    controller: z.object({ namespace: zDnsLabel.optional(), podLabels: zLabelMap.optional(), release: zDnsLabel.optional() }).strict().optional(),
    nginx: ingressNginxOptionsSchema.optional(),
    traefik: traefikRouteOptionsSchema.optional(),
  })
  .strict()
  .superRefine((i, ctx) => {
    const other = i.provider === 'traefik' ? 'nginx' : 'traefik';
    if (i[other] !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [other], message: `is for provider ${other === 'nginx' ? 'ingress-nginx' : 'traefik'}, and this ingress is ${i.provider}'s; move the settings to ingress.${i.provider === 'traefik' ? 'traefik' : 'nginx'} or remove them` });
    }
    if (i.provider === 'traefik' && i.tls === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['tls'], message: "is required with provider traefik: the IngressRoute serves Traefik's websecure entry point (443), which needs a certificate; set tls { clusterIssuer }" });
    }
  }) satisfies z.ZodType<PlatformIngress, z.ZodTypeDef, unknown>;

export const platformSpecShapeSchema = z
  .object({
    name: zDnsLabel,
    namespace: zDnsLabel,
    createNamespace: z.boolean().optional(),
    // Each workload is checked by the service spec's own schema (with its path prefixed).
    workloads: z.array(z.custom<AiInferenceSpec>((v) => v !== null && typeof v === 'object' && !Array.isArray(v), 'must be a service spec object')).min(1, 'must name at least one workload'),
    priorityClasses: z
      .array(
        z
          .object({
            name: zDnsSubdomain.refine((n) => !n.startsWith('system-'), 'must not start with "system-" (the API server reserves that prefix for its own classes); rename it'),
            value: z.number().int('must be a whole number').min(-2_147_483_648).max(1_000_000_000, 'must be at most 1,000,000,000 (higher values are reserved for system classes); lower it'),
            description: z.string().optional(),
            globalDefault: z.boolean().optional(),
            preemptionPolicy: z.enum(['PreemptLowerPriority', 'Never']).optional(),
          })
          .strict(),
      )
      .optional(),
    existingPriorityClasses: z.array(zDnsSubdomain).optional(),
    quota: z.object({ gpus: zInt(0, 100_000, 'GPUs'), requestsCpu: zCpu, requestsMemory: zSize }).strict().optional(),
    ingress: platformIngressSchema.optional(),
    nodePools: z
      .array(
        z
          .object({
            name: zDnsLabel,
            instanceTypes: z.array(zLabelValue.refine((t) => t.length > 0, 'must not be empty')).min(1, 'must name at least one instance type'),
            maxNodes: zInt(1, 10_000, 'nodes'),
            minNodes: zInt(0, 10_000, 'nodes').optional(),
            gpu: z.boolean().optional(),
            nodeClassName: zDnsSubdomain.optional(),
          })
          .strict()
          .refine((p) => (p.minNodes ?? 0) <= p.maxNodes, { message: 'must not be above maxNodes; lower minNodes or raise maxNodes', path: ['minNodes'] }),
      )
      .optional(),
    dashboard: z.boolean().optional(),
    warnings: warningsSchemaOf(PLATFORM_CHART_WARNING_ID_LIST).optional(),
  })
  .strict() satisfies z.ZodType<PlatformSpec, z.ZodTypeDef, unknown>;
