/**
 * The AWS NLB provider (`traffic.loadBalancer.provider: 'aws-nlb'`, also what a load balancer
 * without a provider means): its options with the ranges the AWS Load Balancer Controller and
 * the ELBv2 API accept, their defaults, and the external Service it builds.
 */
import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { z } from 'zod';
import { HTTP_PORT_NAME } from '../conventions';
import { withDefaults } from '../private/defaults';
import { durationMillis, seconds, zAnnotationMap, zCidr, zDuration, zPort, zPortName } from '../spec/values';
import { GKE_ANNOTATION_PREFIXES } from './annotation-keys';

/**
 * Ranges the AWS Load Balancer Controller (v2.9+, checked at v3.5.0) and the ELBv2 API
 * accept for Service annotations. Source: REFERENCE.md, AWS Load Balancer Controller
 * "Service annotations" documentation.
 *
 * Minimum controller version of the annotations NlbService writes: v2.9.0, for
 * `aws-load-balancer-listener-attributes.TCP-<port>` (kubernetes-sigs/aws-load-balancer-controller
 * commit 174ad832d "Support listener attributes", first in tag v2.9.0; docs/guide/service/annotations.md
 * "listener-attributes"). The idle timeout range 60-6000 s applies to TCP listeners only; TLS
 * listeners are fixed at 350 s (ELB docs, network/update-idle-timeout: "The connection idle
 * timeout for TLS listeners is 350 seconds and can't be modified").
 */
export const NLB_LIMITS = {
  healthCheckIntervalSeconds: [5, 300],
  healthCheckTimeoutSeconds: [2, 120],
  healthCheckThreshold: [2, 10],
  healthCheckPathLength: [1, 1024],
  idleTimeoutSeconds: [60, 6000],
  deregistrationDelaySeconds: [0, 3600],
  successCodes: [200, 599],
} as const;

/** Annotation keys (prefix `service.beta.kubernetes.io/`). */
export const NLB_ANNOTATION_PREFIX = 'service.beta.kubernetes.io/';

/** The loadBalancerClass that hands a Service to the AWS Load Balancer Controller (its default --load-balancer-class). */
export const NLB_LOAD_BALANCER_CLASS = 'service.k8s.aws/nlb';

/** A TLS 1.3 policy; the controller's default is the 2016 policy. */
export const DEFAULT_TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** One listener of the NLB. */
export interface NlbPort {
  /** Service port name. */
  readonly name: string;
  /** Listener port. */
  readonly port: number;
  /** Container port name it forwards to. @default 'http' */
  readonly targetPort?: string;
}

/** NLB target-group health check. */
export interface NlbHealthCheck {
  /** @default 'http' */
  readonly protocol?: 'http' | 'https' | 'tcp';
  /** @default '/api/v1/health' */
  readonly path?: string;
  /** `traffic-port` or a port number. @default 'traffic-port' */
  readonly port?: 'traffic-port' | number;
  /** 5-300 s. @default Duration.seconds(10) */
  readonly interval?: Duration;
  /** 2-120 s and not above the interval. @default Duration.seconds(5) */
  readonly timeout?: Duration;
  /** 2-10. @default 2 */
  readonly healthyThreshold?: number;
  /** 2-10. @default 2 */
  readonly unhealthyThreshold?: number;
  /** HTTP codes within 200-599, e.g. `200-399` or `200,204`. @default '200-399' */
  readonly successCodes?: string;
}

/** The external NLB Service through the AWS Load Balancer Controller. */
export interface NlbLoadBalancerOptions {
  /**
   * The load balancer provider. Left out, a load balancer is an AWS NLB (every spec written
   * before GKE support stays valid). @default 'aws-nlb'
   */
  readonly provider?: 'aws-nlb';
  /** Always explicit: the controller's default is internal. */
  readonly scheme: 'internet-facing' | 'internal';
  /** @default - http 80 and https 443, both to the container's `http` port */
  readonly ports?: NlbPort[];
  /** ACM (or IAM) certificate ARNs for the TLS listeners. @default - no TLS */
  readonly certificateArns?: string[];
  /** Listener ports that terminate TLS; each must be one of `ports`. @default [443] */
  readonly tlsPorts?: number[];
  /** @default 'ELBSecurityPolicy-TLS13-1-2-2021-06' */
  readonly sslPolicy?: string;
  /** @default - HTTP on the traffic port, 10 s / 5 s, thresholds 2/2 */
  readonly healthCheck?: NlbHealthCheck;
  /** @default true */
  readonly crossZone?: boolean;
  /**
   * Client stickiness. `source_ip` is what an NLB can do: it pins a client IP to a target
   * while the target is healthy, with no duration (there is no "1 hour").
   * @default 'source_ip'
   */
  readonly stickiness?: 'source_ip' | 'none';
  /** Target deregistration delay, 0-3600 s. @default Duration.seconds(60) */
  readonly deregistrationDelay?: Duration;
  /**
   * Client IP preservation on the target group: the pods see client addresses (and the
   * NetworkPolicy admits the client ranges); without it every packet comes from the NLB's
   * own IPs in its subnets. Source ranges are enforced either way by the NLB's
   * controller-managed security group (default since controller v2.6.0); only with that
   * security group disabled (`aws-load-balancer-disable-nlb-sg: "true"`) do they need it.
   * @default true
   */
  readonly preserveClientIp?: boolean;
  /**
   * Idle timeout of the TCP (plaintext) listeners, 60-6000 s (AWS default 350 s). TLS
   * listeners keep 350 s whatever is set: AWS fixes their idle timeout, so none is written
   * for them, and an idle timeout given for a load balancer whose listeners are all TLS is
   * refused. Written as `aws-load-balancer-listener-attributes.TCP-<port>`, which needs AWS
   * Load Balancer Controller v2.9.0 or later.
   * @default Duration.minutes(5) (on TCP listeners)
   */
  readonly idleTimeout?: Duration;
  /** Access logs to S3. @default - off */
  readonly accessLogs?: { readonly bucket: string; readonly prefix?: string };
  /**
   * Client CIDRs allowed to reach the NLB (`spec.loadBalancerSourceRanges`, enforced in the
   * NLB's frontend security group). @default - everyone (the controller's 0.0.0.0/0)
   */
  readonly sourceRanges?: string[];
  /** Further annotations (they win over the generated ones). @default {} */
  readonly extraAnnotations?: Record<string, string>;
}

const ACM_OR_IAM_ARN = /^arn:aws(-[a-z]+)*:(acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}|iam::\d{12}:server-certificate\/[\w+=,.@/-]+)$/;
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const range = (key: keyof typeof NLB_LIMITS, unit: string) => {
  const [min, max] = NLB_LIMITS[key];
  return `must be within ${min}-${max}${unit} (AWS Load Balancer Controller); pick a value in range`;
};
const wholeSecondsIn = (key: keyof typeof NLB_LIMITS) =>
  zDuration.refine((d) => {
    const s = durationMillis(d) / 1000;
    return Number.isInteger(s) && s >= NLB_LIMITS[key][0] && s <= NLB_LIMITS[key][1];
  }, range(key, ' s, whole seconds'));
const threshold = z
  .number()
  .int()
  .min(NLB_LIMITS.healthCheckThreshold[0], range('healthCheckThreshold', ''))
  .max(NLB_LIMITS.healthCheckThreshold[1], range('healthCheckThreshold', ''));

/** Whether a success-codes value (`200`, `200-399`, `200,202`) stays within NLB_LIMITS.successCodes. */
export function successCodesOk(codes: string): boolean {
  const [min, max] = NLB_LIMITS.successCodes;
  return codes.split(',').every((part) => {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part.trim());
    if (!m) return false;
    const lo = Number(m[1]);
    const hi = Number(m[2] ?? m[1]);
    return lo >= min && hi <= max && lo <= hi;
  });
}

/** The NLB's fields (the rules between them are nlbLoadBalancerRules). */
export const nlbLoadBalancerObject = z
  .object({
    provider: z.literal('aws-nlb').optional(),
    scheme: z.enum(['internet-facing', 'internal'], { message: 'must be "internet-facing" or "internal"; the controller defaults to internal, so say which' }),
    ports: z
      .array(z.object({ name: zPortName, port: zPort, targetPort: zPortName.optional() }).strict())
      .min(1, 'must list at least one listener')
      .optional(),
    certificateArns: z
      .array(
        z.string().regex(ACM_OR_IAM_ARN, 'is not a certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>); copy the ARN from ACM'),
      )
      .min(1, 'must name at least one certificate ARN when given; remove it to serve without TLS')
      .optional(),
    tlsPorts: z.array(zPort).min(1, 'must name at least one port when given (an empty list would write an empty ssl-ports annotation and the controller would make every listener TLS); list the TLS ports or leave tlsPorts out for [443]').optional(),
    sslPolicy: z.string().regex(/^ELBSecurityPolicy-[\w-]+$/, 'must be an ELBSecurityPolicy-* name').optional(),
    healthCheck: z
      .object({
        protocol: z.enum(['http', 'https', 'tcp']).optional(),
        path: z
          .string()
          .min(NLB_LIMITS.healthCheckPathLength[0], range('healthCheckPathLength', ' characters'))
          .max(NLB_LIMITS.healthCheckPathLength[1], range('healthCheckPathLength', ' characters'))
          .regex(/^\//, 'must start with "/"')
          .optional(),
        port: z.union([z.literal('traffic-port'), zPort]).optional(),
        interval: wholeSecondsIn('healthCheckIntervalSeconds').optional(),
        timeout: wholeSecondsIn('healthCheckTimeoutSeconds').optional(),
        healthyThreshold: threshold.optional(),
        unhealthyThreshold: threshold.optional(),
        successCodes: z.string().refine(successCodesOk, 'must be HTTP codes within 200-599, e.g. "200-399" or "200,204"').optional(),
      })
      .strict()
      .optional(),
    crossZone: z.boolean().optional(),
    stickiness: z.enum(['source_ip', 'none']).optional(),
    deregistrationDelay: wholeSecondsIn('deregistrationDelaySeconds').optional(),
    preserveClientIp: z.boolean().optional(),
    idleTimeout: wholeSecondsIn('idleTimeoutSeconds').optional(),
    accessLogs: z
      .object({
        bucket: z.string().regex(S3_BUCKET, 'must be an S3 bucket name (3-63 lower-case letters, digits, "." and "-")'),
        prefix: z.string().regex(/^[^/].*[^/]$|^[^/]$/, 'must not start or end with "/"').optional(),
      })
      .strict()
      .optional(),
    // An empty list is what leaving it out means to Kubernetes (spec.loadBalancerSourceRanges:
    // empty admits everyone), but it reads as "admit no one": refused so the two cannot differ.
    sourceRanges: z.array(zCidr).min(1, 'must name at least one CIDR when given (an empty list admits everyone); list the client CIDRs or leave sourceRanges out').optional(),
    extraAnnotations: zAnnotationMap.optional(),
  })
  .strict();

/** The rules between the NLB's fields (also applied by the provider union in spec/traffic.ts). */
export function nlbLoadBalancerRules(lb: z.infer<typeof nlbLoadBalancerObject>, ctx: z.RefinementCtx): void {
    // No GKE annotation ever on an NLB Service: the GKE controllers would act on an AWS Service.
    for (const key of Object.keys(lb.extraAnnotations ?? {})) {
      if (GKE_ANNOTATION_PREFIXES.some((prefix) => key.startsWith(prefix))) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['extraAnnotations', key],
          message: `is a GKE annotation (${GKE_ANNOTATION_PREFIXES.join(', ')}) on an AWS NLB Service; drop it, or use provider 'gke-l4' for a GKE load balancer`,
        });
      }
    }
    const ports = lb.ports ?? DEFAULT_NLB_PORTS;
    const tlsPorts = lb.tlsPorts ?? [443];
    if (lb.certificateArns) {
      tlsPorts.forEach((port, i) => {
        if (!ports.some((p) => p.port === port)) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: lb.tlsPorts ? ['tlsPorts', i] : ['tlsPorts'],
            message: `names a TLS port that is not a Service port (${ports.map((p) => p.port).join(', ')}); the controller would ignore it. Add the port to ports or fix tlsPorts`,
          });
        }
      });
    } else if (lb.tlsPorts) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['tlsPorts'], message: 'needs certificateArns; add the ACM certificate or drop tlsPorts' });
    }
    // AWS fixes the TLS listener idle timeout at 350 s ("The connection idle timeout for TLS
    // listeners is 350 seconds and can't be modified", ELB docs, network/update-idle-timeout):
    // an idle timeout asked for a TLS-only listener set would be applied nowhere.
    const tlsSet = new Set(lb.certificateArns ? tlsPorts : []);
    if (lb.idleTimeout !== undefined && ports.every((p) => tlsSet.has(p.port))) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['idleTimeout'],
        message: `cannot apply: every listener (${ports.map((p) => p.port).join(', ')}) is TLS, and AWS fixes the TLS listener idle timeout at 350 s; drop idleTimeout, or add a TCP listener for it to act on`,
      });
    }
    const hc = withDefaults(NLB_DEFAULTS.healthCheck, lb.healthCheck);
    if (seconds(hc.timeout) > seconds(hc.interval)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['healthCheck', 'timeout'],
        message: `must not exceed healthCheck.interval (${seconds(hc.interval)} s); lower the timeout or raise the interval`,
      });
    }
    if (hc.protocol === 'tcp' && lb.healthCheck?.path) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['healthCheck', 'path'], message: 'has no effect with protocol tcp; use protocol http or drop the path' });
    }
    // The controller enforces source ranges in the NLB's frontend security group for every
    // target type (pkg/service/model_build_managed_sg.go, buildCIDRsFromSourceRanges, v3.5.0;
    // default since v2.6.0). Without that security group (disable-nlb-sg, checked in
    // model_build_load_balancer.go buildLoadBalancerSecurityGroups) only the pods' own
    // security group rules remain, which see the NLB's IPs unless client IP is preserved.
    const sgDisabled = lb.extraAnnotations?.[`${NLB_ANNOTATION_PREFIX}aws-load-balancer-disable-nlb-sg`]?.toLowerCase() === 'true';
    if (lb.sourceRanges && lb.preserveClientIp === false && sgDisabled) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['sourceRanges'],
        message: 'are not enforced without client IP preservation when the NLB has no controller-managed security group (extraAnnotations sets aws-load-balancer-disable-nlb-sg): every packet comes from the NLB; set preserveClientIp: true, drop the disable-nlb-sg annotation, or drop sourceRanges',
      });
    }
    const names = new Set<string>();
    const numbers = new Set<number>();
    ports.forEach((p, i) => {
      if (names.has(p.name)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ports', i, 'name'], message: 'is used twice; port names must be unique' });
      if (numbers.has(p.port)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ports', i, 'port'], message: 'is used twice; the API server refuses two Service ports with the same number and protocol; give each listener its own port' });
      names.add(p.name);
      numbers.add(p.port);
    });
}

export const nlbLoadBalancerSchema = nlbLoadBalancerObject.superRefine(nlbLoadBalancerRules) satisfies z.ZodType<NlbLoadBalancerOptions>;

const DEFAULT_NLB_PORTS: NlbPort[] = [
  { name: 'http', port: 80, targetPort: HTTP_PORT_NAME },
  { name: 'https', port: 443, targetPort: HTTP_PORT_NAME },
];

/** The fields of the load balancer that have a default. */
type DefaultedFields = Omit<NlbLoadBalancerOptions, 'provider' | 'scheme' | 'certificateArns' | 'accessLogs' | 'sourceRanges' | 'extraAnnotations' | 'healthCheck'>;

/** Defaults of the external Service (seed 001 values where it gives them). */
export const NLB_DEFAULTS: Required<DefaultedFields> & { readonly healthCheck: Required<NlbHealthCheck> } = {
  ports: DEFAULT_NLB_PORTS,
  tlsPorts: [443],
  sslPolicy: DEFAULT_TLS_POLICY,
  healthCheck: {
    protocol: 'http',
    path: '/api/v1/health',
    port: 'traffic-port',
    interval: Duration.seconds(10),
    timeout: Duration.seconds(5),
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    successCodes: '200-399',
  },
  crossZone: true,
  stickiness: 'source_ip',
  deregistrationDelay: Duration.seconds(60),
  preserveClientIp: true,
  idleTimeout: Duration.minutes(5),
};

/** The load balancer with every default filled in (an explicit `undefined` takes the default). */
export type ResolvedNlbLoadBalancer = Required<DefaultedFields> &
  Pick<NlbLoadBalancerOptions, 'scheme' | 'certificateArns' | 'accessLogs' | 'sourceRanges' | 'extraAnnotations'> & {
    readonly provider: 'aws-nlb';
    readonly healthCheck: Required<NlbHealthCheck>;
  };

/** Fills every default of the external Service once; the annotations and the chart read this. */
export function resolveLoadBalancer(lb: NlbLoadBalancerOptions): ResolvedNlbLoadBalancer {
  const { provider: _provider, healthCheck, scheme, certificateArns, accessLogs, sourceRanges, extraAnnotations, ...defaulted } = lb;
  return {
    ...withDefaults<Required<DefaultedFields>>(NLB_DEFAULTS, defaulted),
    provider: 'aws-nlb',
    scheme,
    certificateArns,
    accessLogs,
    sourceRanges,
    extraAnnotations,
    healthCheck: withDefaults<Required<NlbHealthCheck>>(NLB_DEFAULTS.healthCheck, healthCheck),
  };
}

/** Listener ports that terminate TLS (none without certificates). */
export function tlsListenerPorts(o: ResolvedNlbLoadBalancer): number[] {
  const tls = new Set(o.certificateArns ? o.tlsPorts : []);
  return o.ports.map((p) => p.port).filter((port) => tls.has(port));
}

/** Plaintext TCP listener ports: what is not TLS. */
export function tcpListenerPorts(o: ResolvedNlbLoadBalancer): number[] {
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

/** A listener with its target port filled in. */
export type ResolvedNlbPort = Required<NlbPort>;

/** Default of each listener: it forwards to the serving port (NlbPort.targetPort). */
export const NLB_LISTENER_DEFAULTS: Required<Pick<NlbPort, 'targetPort'>> = { targetPort: HTTP_PORT_NAME };

/** The NLB's listeners, given or the defaults, each with its target port filled in. */
export function resolveListeners(lb: NlbLoadBalancerOptions): ResolvedNlbPort[] {
  return resolveLoadBalancer(lb).ports.map((port) => ({ ...port, ...withDefaults(NLB_LISTENER_DEFAULTS, port) }));
}

/**
 * The external Service's metadata annotations and spec (without selector and name), for
 * the AWS Load Balancer Controller with ip targets.
 */
export function nlbServiceSpec(lb: NlbLoadBalancerOptions, selector: Record<string, string>): { annotations: Record<string, string>; spec: k8s.ServiceSpec } {
  return {
    annotations: nlbAnnotations(lb),
    spec: {
      type: 'LoadBalancer',
      // Hands the Service to the AWS Load Balancer Controller (not the in-tree controller).
      loadBalancerClass: NLB_LOAD_BALANCER_CLASS,
      // ip targets reach pods directly: no NodePorts needed.
      allocateLoadBalancerNodePorts: false,
      selector,
      ports: resolveListeners(lb).map((port) => ({
        name: port.name,
        port: port.port,
        targetPort: k8s.IntOrString.fromString(port.targetPort),
        protocol: 'TCP',
      })),
      loadBalancerSourceRanges: lb.sourceRanges,
    },
  };
}
