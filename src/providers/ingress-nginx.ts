/**
 * The ingress-nginx provider: typed options for what the controller does per Ingress (rate
 * limits, proxy timeouts, body size, retries to the next pod, load balancing), their zod
 * schema, their defaults (resolved in `resolveIngressNginxOptions` only), and pure functions
 * from the resolved options to
 * - the `nginx.ingress.kubernetes.io/*` annotations of the Ingress,
 * - the notes where an option asks for something the controller cannot do per Ingress, with
 *   what holds instead (id + message, for the chart to print as synth warnings),
 * - the controller ConfigMap keys (Helm values `controller.config`) the platform team sets
 *   for what only the controller as a whole can do.
 * No cdk8s constructs here; the NginxIngress construct wires them.
 *
 * Every fact below was read in kubernetes/ingress-nginx at tag controller-v1.15.1 (commit
 * 0a5901f3c64f11e92e487799b8da3f00cca37515) and its Helm chart at tag helm-chart-4.15.1;
 * each table names the file it comes from.
 */
import { Duration, Size } from 'cdk8s';
import { z } from 'zod';
import { INGRESS_NGINX_NOTE_IDS, IngressNginxNoteId } from '../conventions';
import { withDefaults } from '../private/defaults';
import { formatProblem } from '../spec/problems';
import { INT32_MAX, durationMillis, seconds, sizeKibibytes, zCidr, zDuration, zInt, zSize } from '../spec/values';

/** The controller release every fact of this module was checked against. */
export const INGRESS_NGINX_CHECKED_RELEASE = 'controller-v1.15.1';

/** Prefix of every annotation the controller reads (internal/ingress/annotations/parser/main.go, AnnotationsPrefix). */
export const INGRESS_NGINX_ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io/';

/**
 * Every `nginx.ingress.kubernetes.io/*` annotation this provider writes, with the parser that
 * reads it and the value it accepts. Source: kubernetes/ingress-nginx, tag controller-v1.15.1:
 * - internal/ingress/annotations/ratelimit/main.go: limit-rpm, limit-rps, limit-connections and
 *   limit-burst-multiplier are validated with parser.ValidateInt (strconv.Atoi); the burst of a
 *   zone is limit × multiplier, the multiplier defaulting to 5 (defBurst); limit-allowlist is a
 *   comma-separated CIDR list (ValidateCIDRs). template.go (buildRateLimitZones, buildRateLimit)
 *   renders `limit_req_zone ... rate=<n>r/m` and `limit_req ... burst=<limit × multiplier> nodelay`,
 *   keyed by limit-conn-zone-variable ($binary_remote_addr, config.go), per controller pod.
 * - internal/ingress/annotations/proxy/main.go: proxy-connect/send/read-timeout and
 *   proxy-next-upstream-timeout/-tries are ValidateInt (whole seconds, no unit; the annotations
 *   doc, "Custom timeouts": "All timeout values are unitless and in seconds");
 *   proxy-body-size matches parser.SizeRegex `^(?i)\d+[bkmg]?$` (validators.go); proxy-next-upstream
 *   matches `^((error|timeout|invalid_header|http_500|http_502|http_503|http_504|http_403|http_404|http_429|non_idempotent|off)\s?)+$`;
 *   proxy-buffering is "on" or "off".
 * - internal/ingress/annotations/loadbalancing/main.go: load-balance; the validator lists
 *   round_robin, chash, chashsubset, sticky_balanced, sticky_persistent, ewma, but the chash and
 *   sticky balancers are chosen by upstream-hash-by and affinity (rootfs/etc/nginx/lua/balancer.lua),
 *   and the documented values are round_robin and ewma (docs/user-guide/nginx-configuration/configmap.md,
 *   "load-balance"). There is no least-connections balancer.
 * - internal/ingress/annotations/backendprotocol/main.go: backend-protocol, one of HTTP, HTTPS,
 *   GRPC, GRPCS, AUTO_HTTP, FCGI (case-insensitive).
 * Each is Low or Medium risk (Medium: proxy-body-size, proxy-next-upstream), so the default
 * `annotations-risk-level` "High" (config.go) admits them all; a controller set to "Low"
 * refuses the Ingress for those two (parser/validators.go CheckAnnotationRisk: risk above the
 * level is an error).
 */
export const INGRESS_NGINX_ANNOTATIONS = {
  'limit-rpm': { parser: 'ratelimit/main.go', value: 'whole number of requests per minute per client address' },
  'limit-rps': { parser: 'ratelimit/main.go', value: 'whole number of requests per second per client address' },
  'limit-connections': { parser: 'ratelimit/main.go', value: 'whole number of concurrent connections per client address' },
  'limit-burst-multiplier': { parser: 'ratelimit/main.go', value: 'whole number; burst = limit × multiplier (controller default 5)' },
  'limit-allowlist': { parser: 'ratelimit/main.go', value: 'comma-separated CIDRs exempt from the limits' },
  'proxy-connect-timeout': { parser: 'proxy/main.go', value: 'whole seconds, no unit' },
  'proxy-send-timeout': { parser: 'proxy/main.go', value: 'whole seconds, no unit' },
  'proxy-read-timeout': { parser: 'proxy/main.go', value: 'whole seconds, no unit' },
  'proxy-body-size': { parser: 'proxy/main.go', value: 'NGINX size: digits and k, m or g (0 = unchecked)' },
  'proxy-next-upstream': { parser: 'proxy/main.go', value: 'space-separated conditions, or off' },
  'proxy-next-upstream-timeout': { parser: 'proxy/main.go', value: 'whole seconds, no unit (0 = no limit)' },
  'proxy-next-upstream-tries': { parser: 'proxy/main.go', value: 'whole number of tries (0 = no limit)' },
  'proxy-buffering': { parser: 'proxy/main.go', value: 'on or off' },
  'load-balance': { parser: 'loadbalancing/main.go', value: 'round_robin or ewma' },
  'backend-protocol': { parser: 'backendprotocol/main.go', value: 'HTTP, HTTPS, GRPC or GRPCS' },
} as const;

export type IngressNginxAnnotationName = keyof typeof INGRESS_NGINX_ANNOTATIONS;

/** The full annotation key of a table entry. */
export function ingressNginxAnnotationKey(name: IngressNginxAnnotationName): string {
  return `${INGRESS_NGINX_ANNOTATION_PREFIX}${name}`;
}

/**
 * Controller ConfigMap keys this provider may ask for (Helm values `controller.config`), with
 * the controller's default. Source: internal/ingress/controller/config/config.go (NewDefault)
 * and docs/user-guide/nginx-configuration/configmap.md, tag controller-v1.15.1.
 * `upstream-keepalive-connections` is rendered in the one `upstream_balancer` block every
 * backend goes through (rootfs/etc/nginx/template/nginx.tmpl: `keepalive {{ $cfg.UpstreamKeepaliveConnections }}`),
 * so it is per NGINX worker for all backends together, and no annotation sets it.
 */
export const INGRESS_NGINX_CONFIG_KEYS = {
  'upstream-keepalive-connections': { controllerDefault: '320' },
  'limit-req-status-code': { controllerDefault: '503' },
} as const;

export type IngressNginxConfigKey = keyof typeof INGRESS_NGINX_CONFIG_KEYS;

/**
 * What the controller and its Helm chart call things by default: the IngressClass the chart
 * creates (values.yaml controller.ingressClassResource.name), the namespace the install guide
 * uses, and the metrics Service the chart creates when `controller.metrics.enabled` (which
 * defaults to false): templates/controller-service-metrics.yaml labels it with the chart's
 * selector labels (`app.kubernetes.io/name`: the chart name or nameOverride,
 * `app.kubernetes.io/instance`: the release) and `app.kubernetes.io/component: controller`,
 * and names its port `controller.metrics.portName` ("metrics", port 10254, path /metrics).
 * The controller Service carries the same three labels but no `metrics` port, so a
 * ServiceMonitor on that port scrapes only the metrics Service (the chart's own
 * controller-servicemonitor.yaml selects the same way). Source: helm-chart-4.15.1,
 * charts/ingress-nginx/templates/_helpers.tpl, controller-service-metrics.yaml, values.yaml.
 */
export const INGRESS_NGINX_CONTROLLER = {
  ingressClassName: 'nginx',
  namespace: 'ingress-nginx',
  release: 'ingress-nginx',
  chartName: 'ingress-nginx',
  component: 'controller',
  metricsPortName: 'metrics',
  metricsPath: '/metrics',
} as const;

// ---- options ---------------------------------------------------------------------------

/** When NGINX passes a request on to the next pod (proxy_next_upstream conditions). */
export type NextUpstreamCondition =
  | 'error'
  | 'timeout'
  | 'invalid_header'
  | 'http_500'
  | 'http_502'
  | 'http_503'
  | 'http_504'
  | 'http_403'
  | 'http_404'
  | 'http_429'
  | 'non_idempotent';

/** The conditions the proxy parser accepts (proxy/main.go validUpstreamAnnotation), `off` written as an empty list. */
export const NEXT_UPSTREAM_CONDITIONS: readonly NextUpstreamCondition[] = [
  'error',
  'timeout',
  'invalid_header',
  'http_500',
  'http_502',
  'http_503',
  'http_504',
  'http_403',
  'http_404',
  'http_429',
  'non_idempotent',
];

/** Per-client limits (ratelimit/main.go). At least one of the three limits. */
export interface IngressNginxRateLimit {
  /** Requests per minute from one client address (`limit-rpm`). @default - no per-minute limit */
  readonly requestsPerMinute?: number;
  /** Requests per second from one client address (`limit-rps`). @default - no per-second limit */
  readonly requestsPerSecond?: number;
  /** Concurrent connections from one client address (`limit-connections`). @default - no connection limit */
  readonly connections?: number;
  /**
   * Burst above the rate, as a multiple of the limit, served without delay
   * (`limit-burst-multiplier`). The controller's own default is 5, which lets a client send
   * five minutes' worth of a per-minute limit at once; 1 keeps the bucket at the limit.
   * @default 1
   */
  readonly burstMultiplier?: number;
  /** Client CIDRs the limits do not apply to (`limit-allowlist`). @default - none */
  readonly allowlist?: string[];
}

/** Timeouts towards the pods (proxy/main.go), whole seconds. */
export interface IngressNginxTimeouts {
  /** Establishing a connection to a pod, 1-75 s (NGINX: proxy_connect_timeout cannot usually exceed 75 s). @default Duration.seconds(5) */
  readonly connect?: Duration;
  /** Between two reads of the response, 1 s to 1 day. @default Duration.seconds(60) */
  readonly read?: Duration;
  /** Between two writes of the request, 1 s to 1 day. @default Duration.seconds(60) */
  readonly send?: Duration;
}

/** Passing a failed request on to another pod (proxy_next_upstream*). */
export interface IngressNginxRetry {
  /**
   * The failures that pass a request on; an empty list turns it off. NGINX never passes on a
   * POST, PATCH or LOCK request unless `non_idempotent` is listed.
   * @default ['error', 'timeout']
   */
  readonly on?: NextUpstreamCondition[];
  /** Most tries in all, the first included, at least 1. @default 3 */
  readonly tries?: number;
  /** Time within which a request may be passed on, whole seconds; 0 s sets no limit. @default Duration.seconds(0) */
  readonly timeout?: Duration;
}

/**
 * NGINX's passive health check (`max_fails`/`fail_timeout` on an upstream server). The
 * controller has none: accepted so a spec written from an nginx.conf says what it wanted,
 * and answered with a note on what holds instead.
 */
export interface IngressNginxPassiveHealthCheck {
  /** Failures that would mark a pod down. */
  readonly maxFails: number;
  /** The window of those failures, and how long the pod would stay down; whole seconds. */
  readonly failTimeout: Duration;
}

/** How requests are spread over the pods. */
export type IngressNginxLoadBalancing = 'round-robin' | 'ewma' | 'least-connections';

/** The ingress-nginx options of one Ingress. */
export interface IngressNginxOptions {
  /** Per-client limits. @default - none */
  readonly rateLimit?: IngressNginxRateLimit;
  /** Proxy timeouts. @default - connect 5 s, read 60 s, send 60 s (the controller's) */
  readonly timeouts?: IngressNginxTimeouts;
  /** Largest request body, whole KiB (`proxy-body-size`). @default Size.mebibytes(1) (the controller's) */
  readonly bodySize?: Size;
  /**
   * `round-robin`, `ewma` (peak EWMA: the faster of two random pods by response time), or
   * `least-connections`, which the controller does not have: `ewma` is written instead and a
   * note says so.
   * @default 'round-robin'
   */
  readonly loadBalancing?: IngressNginxLoadBalancing;
  /** Passing failed requests to the next pod. @default - on error and timeout, 3 tries, no time limit (the controller's) */
  readonly retry?: IngressNginxRetry;
  /** What an nginx.conf said with max_fails/fail_timeout: nothing is written, a note says what holds. @default - none */
  readonly passiveHealthCheck?: IngressNginxPassiveHealthCheck;
  /**
   * Idle keepalive connections to the pods per NGINX worker (`keepalive` in an nginx.conf
   * upstream). A controller ConfigMap setting (`upstream-keepalive-connections`, shared by
   * every backend), returned by ingressNginxControllerConfig, never an annotation.
   * @default - the controller's 320
   */
  readonly upstreamKeepaliveConnections?: number;
  /** Protocol towards the pods (`backend-protocol`). @default 'HTTP' */
  readonly backendProtocol?: 'HTTP' | 'HTTPS' | 'GRPC' | 'GRPCS';
  /**
   * Buffer responses (`proxy-buffering`). Off, streamed tokens (server-sent events) reach the
   * client as the model writes them.
   * @default false (the controller's)
   */
  readonly proxyBuffering?: boolean;
}

/** A rate limit with its burst multiplier and allowlist resolved. */
export type ResolvedRateLimit = Required<Pick<IngressNginxRateLimit, 'burstMultiplier' | 'allowlist'>> & Omit<IngressNginxRateLimit, 'burstMultiplier' | 'allowlist'>;

/** The options with every default applied (rate limit, passive health check and keepalive stay optional). */
export interface ResolvedIngressNginxOptions {
  readonly rateLimit?: ResolvedRateLimit;
  readonly timeouts: Required<IngressNginxTimeouts>;
  readonly bodySize: Size;
  readonly loadBalancing: IngressNginxLoadBalancing;
  readonly retry: Required<IngressNginxRetry>;
  readonly passiveHealthCheck?: IngressNginxPassiveHealthCheck;
  readonly upstreamKeepaliveConnections?: number;
  readonly backendProtocol: 'HTTP' | 'HTTPS' | 'GRPC' | 'GRPCS';
  readonly proxyBuffering: boolean;
}

/**
 * The defaults: the controller's own (config.go NewDefault, controller-v1.15.1), written
 * explicitly so an Ingress means the same whatever the controller's ConfigMap says, except
 * the burst multiplier (1, not the controller's 5: a rate limit means what it says).
 */
export const INGRESS_NGINX_DEFAULTS = {
  timeouts: { connect: Duration.seconds(5), read: Duration.seconds(60), send: Duration.seconds(60) },
  bodySize: Size.mebibytes(1),
  loadBalancing: 'round-robin',
  retry: { on: ['error', 'timeout'], tries: 3, timeout: Duration.seconds(0) },
  backendProtocol: 'HTTP',
  proxyBuffering: false,
  rateLimit: { burstMultiplier: 1, allowlist: [] },
} as const satisfies {
  timeouts: Required<IngressNginxTimeouts>;
  bodySize: Size;
  loadBalancing: IngressNginxLoadBalancing;
  retry: { on: readonly NextUpstreamCondition[]; tries: number; timeout: Duration };
  backendProtocol: ResolvedIngressNginxOptions['backendProtocol'];
  proxyBuffering: boolean;
  rateLimit: { burstMultiplier: number; allowlist: readonly string[] };
};

/** Ranges this provider checks (whole numbers; seconds for timeouts). */
export const INGRESS_NGINX_LIMITS = {
  /** NGINX proxy_connect_timeout "cannot usually exceed 75 seconds" (ngx_http_proxy_module docs). */
  connectTimeoutSeconds: [1, 75],
  /** The project's bound: a read or send gap of more than a day is a stuck connection. */
  readSendTimeoutSeconds: [1, 86_400],
  /** 0 s: no limit (NGINX proxy_next_upstream_timeout). */
  retryTimeoutSeconds: [0, 86_400],
  /** 0 would mean unlimited tries in NGINX; refused, a failing request must stop somewhere. */
  retryTries: [1, INT32_MAX],
  rateLimit: [1, INT32_MAX],
  burstMultiplier: [1, INT32_MAX],
  /** NGINX parses the body size into an off_t; the project's bound catches unit mistakes. */
  bodySizeKibibytes: [1, 1024 * 1024 * 1024],
  keepaliveConnections: [0, INT32_MAX],
  maxFails: [0, INT32_MAX],
  failTimeoutSeconds: [1, 86_400],
} as const;

const wholeSeconds = (range: readonly [number, number], what: string, why = 'the controller reads whole seconds') =>
  zDuration.refine(
    (d) => {
      const s = durationMillis(d) / 1000;
      return Number.isInteger(s) && s >= range[0] && s <= range[1];
    },
    { message: `must be a whole number of seconds within ${range[0]}-${range[1]} s (${what}; ${why}); pick a value in range` },
  );

const intIn = (range: readonly [number, number], what: string) => zInt(range[0], range[1], what);

const zRateLimit = z
  .object({
    requestsPerMinute: intIn(INGRESS_NGINX_LIMITS.rateLimit, 'limit-rpm').optional(),
    requestsPerSecond: intIn(INGRESS_NGINX_LIMITS.rateLimit, 'limit-rps').optional(),
    connections: intIn(INGRESS_NGINX_LIMITS.rateLimit, 'limit-connections').optional(),
    burstMultiplier: intIn(INGRESS_NGINX_LIMITS.burstMultiplier, 'limit-burst-multiplier').optional(),
    allowlist: z.array(zCidr).min(1, 'must name at least one CIDR when given; leave allowlist out to limit every client').optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.requestsPerMinute === undefined && r.requestsPerSecond === undefined && r.connections === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'sets no limit (the controller writes no rate limit without limit-rpm, limit-rps or limit-connections); set requestsPerMinute, requestsPerSecond or connections, or leave rateLimit out',
      });
      return;
    }
    // Each zone's burst is limit × multiplier (ratelimit/main.go); keep it an int32.
    const multiplier = typeof r.burstMultiplier === 'number' ? r.burstMultiplier : INGRESS_NGINX_DEFAULTS.rateLimit.burstMultiplier;
    for (const key of ['requestsPerMinute', 'requestsPerSecond', 'connections'] as const) {
      const limit = r[key];
      if (typeof limit === 'number' && Number.isInteger(limit) && Number.isInteger(multiplier) && limit * multiplier > INT32_MAX) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['burstMultiplier'],
          message: `makes the burst of ${key} (${limit} × ${multiplier}) exceed ${INT32_MAX}; lower the multiplier or the limit`,
        });
      }
    }
  });

const zNextUpstream = z
  .array(z.enum(NEXT_UPSTREAM_CONDITIONS as [NextUpstreamCondition, ...NextUpstreamCondition[]]))
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((c, i) => {
      if (seen.has(c)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: 'is listed twice; list each condition once' });
      seen.add(c);
    });
  });

/** The schema of IngressNginxOptions: strict objects, every range checked. */
export const ingressNginxOptionsSchema = z
  .object({
    rateLimit: zRateLimit.optional(),
    timeouts: z
      .object({
        connect: wholeSeconds(INGRESS_NGINX_LIMITS.connectTimeoutSeconds, 'proxy-connect-timeout').optional(),
        read: wholeSeconds(INGRESS_NGINX_LIMITS.readSendTimeoutSeconds, 'proxy-read-timeout').optional(),
        send: wholeSeconds(INGRESS_NGINX_LIMITS.readSendTimeoutSeconds, 'proxy-send-timeout').optional(),
      })
      .strict()
      .optional(),
    bodySize: zSize
      .refine(
        (s) => {
          const kib = sizeKibibytes(s);
          const [min, max] = INGRESS_NGINX_LIMITS.bodySizeKibibytes;
          return Number.isInteger(kib) && kib >= min && kib <= max;
        },
        { message: 'must be a whole number of KiB within 1 KiB-1024 GiB (proxy-body-size takes k, m or g); e.g. Size.mebibytes(100)' },
      )
      .optional(),
    loadBalancing: z
      .enum(['round-robin', 'ewma', 'least-connections'], {
        message: 'must be "round-robin", "ewma" or "least-connections" (NGINX\'s least_conn, which the controller answers with ewma); pick one',
      })
      .optional(),
    retry: z
      .object({
        on: zNextUpstream.optional(),
        tries: intIn(INGRESS_NGINX_LIMITS.retryTries, 'proxy-next-upstream-tries; 0 would retry without end').optional(),
        timeout: wholeSeconds(INGRESS_NGINX_LIMITS.retryTimeoutSeconds, 'proxy-next-upstream-timeout, 0 s for no limit').optional(),
      })
      .strict()
      .optional(),
    passiveHealthCheck: z
      .object({
        maxFails: intIn(INGRESS_NGINX_LIMITS.maxFails, 'max_fails'),
        failTimeout: wholeSeconds(INGRESS_NGINX_LIMITS.failTimeoutSeconds, 'fail_timeout', 'as nginx.conf writes it'),
      })
      .strict()
      .optional(),
    upstreamKeepaliveConnections: intIn(INGRESS_NGINX_LIMITS.keepaliveConnections, 'upstream-keepalive-connections').optional(),
    backendProtocol: z.enum(['HTTP', 'HTTPS', 'GRPC', 'GRPCS']).optional(),
    proxyBuffering: z.boolean().optional(),
  })
  .strict() satisfies z.ZodType<IngressNginxOptions, z.ZodTypeDef, unknown>;

/** The one place the defaults apply. `options` must have passed ingressNginxOptionsSchema. */
export function resolveIngressNginxOptions(options: IngressNginxOptions = {}): ResolvedIngressNginxOptions {
  const d = INGRESS_NGINX_DEFAULTS;
  return {
    rateLimit: options.rateLimit
      ? withDefaults<ResolvedRateLimit>({ burstMultiplier: d.rateLimit.burstMultiplier, allowlist: [...d.rateLimit.allowlist] }, options.rateLimit)
      : undefined,
    timeouts: withDefaults<Required<IngressNginxTimeouts>>(d.timeouts, options.timeouts),
    bodySize: options.bodySize ?? d.bodySize,
    loadBalancing: options.loadBalancing ?? d.loadBalancing,
    retry: withDefaults<Required<IngressNginxRetry>>({ ...d.retry, on: [...d.retry.on] }, options.retry),
    passiveHealthCheck: options.passiveHealthCheck,
    upstreamKeepaliveConnections: options.upstreamKeepaliveConnections,
    backendProtocol: options.backendProtocol ?? d.backendProtocol,
    proxyBuffering: options.proxyBuffering ?? d.proxyBuffering,
  };
}

// ---- annotations -----------------------------------------------------------------------

/** A Size as NGINX writes it: the largest of g, m, k that divides it (NGINX units are binary: 1m = 1024k). */
export function nginxSize(size: Size): string {
  const kib = sizeKibibytes(size);
  if (kib % (1024 * 1024) === 0) return `${kib / (1024 * 1024)}g`;
  if (kib % 1024 === 0) return `${kib / 1024}m`;
  return `${kib}k`;
}

/** The load-balance value the controller has for each choice (least connections: ewma, see the note). */
const BALANCER: Record<IngressNginxLoadBalancing, 'round_robin' | 'ewma'> = {
  'round-robin': 'round_robin',
  ewma: 'ewma',
  'least-connections': 'ewma',
};

/** The `nginx.ingress.kubernetes.io/*` annotations of resolved options, keys sorted. */
export function ingressNginxAnnotations(o: ResolvedIngressNginxOptions): Record<string, string> {
  const a: Partial<Record<IngressNginxAnnotationName, string>> = {
    'proxy-connect-timeout': String(seconds(o.timeouts.connect)),
    'proxy-read-timeout': String(seconds(o.timeouts.read)),
    'proxy-send-timeout': String(seconds(o.timeouts.send)),
    'proxy-body-size': nginxSize(o.bodySize),
    'proxy-next-upstream': o.retry.on.length === 0 ? 'off' : o.retry.on.join(' '),
    'proxy-next-upstream-tries': String(o.retry.tries),
    'proxy-next-upstream-timeout': String(seconds(o.retry.timeout)),
    'proxy-buffering': o.proxyBuffering ? 'on' : 'off',
    'load-balance': BALANCER[o.loadBalancing],
    'backend-protocol': o.backendProtocol,
  };
  const r = o.rateLimit;
  if (r) {
    if (r.requestsPerMinute !== undefined) a['limit-rpm'] = String(r.requestsPerMinute);
    if (r.requestsPerSecond !== undefined) a['limit-rps'] = String(r.requestsPerSecond);
    if (r.connections !== undefined) a['limit-connections'] = String(r.connections);
    a['limit-burst-multiplier'] = String(r.burstMultiplier);
    if (r.allowlist.length > 0) a['limit-allowlist'] = r.allowlist.join(',');
  }
  return Object.fromEntries(
    (Object.keys(a) as IngressNginxAnnotationName[]).sort().map((name) => [ingressNginxAnnotationKey(name), a[name] as string]),
  );
}

// ---- what holds instead ----------------------------------------------------------------

/** Where an option asks for what the controller cannot do per Ingress: what holds instead. */
export interface IngressNginxNote {
  readonly id: IngressNginxNoteId;
  /** `path (value) what holds instead; what to do`, like a warning. */
  readonly message: string;
}

/**
 * The notes of resolved options, in a stable order. `prefix` is the path of the options in
 * the user's input (e.g. `nginx`), so each note names the field as written.
 */
export function ingressNginxNotes(o: ResolvedIngressNginxOptions, prefix?: string): IngressNginxNote[] {
  const notes: IngressNginxNote[] = [];
  const note = (id: IngressNginxNoteId, path: (string | number)[], value: unknown, message: string) =>
    notes.push({ id, message: formatProblem(path, value, message, prefix) });
  if (o.loadBalancing === 'least-connections') {
    // balancer.lua (controller-v1.15.1) implements round_robin, chash, chashsubset, sticky and
    // ewma; none counts open connections. ewma.lua keeps a decaying average of each pod's
    // response time and sends to the faster of two pods drawn at random, so a pod busy with
    // long generations is avoided, the nearest the controller comes to least_conn.
    note(
      INGRESS_NGINX_NOTE_IDS.leastConnections,
      ['loadBalancing'],
      o.loadBalancing,
      'is not a balancer of ingress-nginx (it has round_robin and ewma); load-balance: ewma is written instead, which sends each request to the faster of two randomly drawn pods by their recent response time, so busy pods get fewer requests; set loadBalancing to "ewma" or "round-robin" to say so',
    );
  }
  if (o.passiveHealthCheck) {
    // The controller renders one upstream_balancer block with a placeholder server and picks
    // pods in Lua (nginx.tmpl, balancer_by_lua_file); endpoints carry maxFails = 0 and no
    // annotation or ConfigMap key sets max_fails or fail_timeout.
    note(
      INGRESS_NGINX_NOTE_IDS.passiveHealthCheck,
      ['passiveHealthCheck'],
      `max_fails=${o.passiveHealthCheck.maxFails} fail_timeout=${seconds(o.passiveHealthCheck.failTimeout)}s`,
      `has no ingress-nginx setting: the controller's balancer never marks a pod down after failures. What holds instead: a failed request is passed to another pod (retry.on: ${o.retry.on.length ? o.retry.on.join(' ') : 'off'}, at most ${o.retry.tries} tries), and a pod that fails its readiness probe leaves the Service's endpoints; drop passiveHealthCheck once that suffices, or tighten the readiness probe`,
    );
  }
  if (o.upstreamKeepaliveConnections !== undefined) {
    note(
      INGRESS_NGINX_NOTE_IDS.upstreamKeepalive,
      ['upstreamKeepaliveConnections'],
      o.upstreamKeepaliveConnections,
      `is no Ingress annotation: it is the controller ConfigMap key upstream-keepalive-connections (controller default ${INGRESS_NGINX_CONFIG_KEYS['upstream-keepalive-connections'].controllerDefault}), per NGINX worker and shared by every backend of the controller; set it in the ingress-nginx Helm values controller.config (ingressNginxControllerConfig returns it)`,
    );
  }
  const r = o.rateLimit;
  if (r) {
    const field = r.requestsPerMinute !== undefined ? 'requestsPerMinute' : r.requestsPerSecond !== undefined ? 'requestsPerSecond' : 'connections';
    note(
      INGRESS_NGINX_NOTE_IDS.rateLimitScope,
      ['rateLimit', field],
      r[field],
      `holds per client address as NGINX sees it ($binary_remote_addr) and per controller replica: with R replicas a client may reach R times the limit, and behind a load balancer that hides client addresses (no client IP preservation, use-proxy-protocol or use-forwarded-headers in the controller) all clients share one limit; a burst of ${r.burstMultiplier} × the limit is served without delay; refused requests get ${INGRESS_NGINX_CONFIG_KEYS['limit-req-status-code'].controllerDefault} unless the controller ConfigMap sets limit-req-status-code (ingressNginxControllerConfig asks for 429)`,
    );
  }
  return notes;
}

// ---- controller settings ---------------------------------------------------------------

/**
 * The controller ConfigMap keys the options need (Helm values `controller.config`), keys
 * sorted: `upstream-keepalive-connections` when the options ask for a keepalive pool, and
 * `limit-req-status-code: "429"` with a rate limit, so a client over its limit is told so
 * instead of being told the service is unavailable (the controller's 503).
 */
export function ingressNginxControllerConfig(o: ResolvedIngressNginxOptions): Record<string, string> {
  const config: Partial<Record<IngressNginxConfigKey, string>> = {};
  if (o.rateLimit) config['limit-req-status-code'] = '429';
  if (o.upstreamKeepaliveConnections !== undefined) config['upstream-keepalive-connections'] = String(o.upstreamKeepaliveConnections);
  return Object.fromEntries(Object.entries(config).sort(([a], [b]) => a.localeCompare(b))) as Record<string, string>;
}

/** The part of the ingress-nginx Helm chart's values the platform team sets for these options. */
export interface IngressNginxHelmValues {
  readonly controller: {
    /** The controller ConfigMap (values.yaml `controller.config`). */
    readonly config: Record<string, string>;
    /**
     * The metrics Service IngressControllerServiceMonitor selects (the chart's default is
     * `controller.metrics.enabled: false`, no metrics Service); its own ServiceMonitor stays
     * off so the controller is not scraped twice.
     */
    readonly metrics?: { readonly enabled: true; readonly service: { readonly enabled: true }; readonly serviceMonitor: { readonly enabled: false } };
  };
}

/** The Helm values for `options` (merged over several Ingresses by the caller), with the metrics Service when `metrics`. */
export function ingressNginxHelmValues(o: ResolvedIngressNginxOptions, { metrics = false }: { metrics?: boolean } = {}): IngressNginxHelmValues {
  return {
    controller: {
      config: ingressNginxControllerConfig(o),
      ...(metrics ? { metrics: { enabled: true, service: { enabled: true }, serviceMonitor: { enabled: false } } as const } : {}),
    },
  };
}

// ---- controller metrics ----------------------------------------------------------------

/**
 * The controller's metric families and their types. Source: kubernetes/ingress-nginx
 * controller-v1.15.1, internal/ingress/metric/collectors/: main.go (namespace
 * `nginx_ingress_controller`), socket.go (per-request histograms and the `requests`
 * counter; `bytes_sent` is marked DEPRECATED there, `response_size` replaces it),
 * nginx_status.go with process.go's subsystem `nginx_process` (connections), controller.go
 * (reloads, certificates). pkg/metrics/handler.go serves them with promhttp.HandlerOpts{}
 * (no OpenMetrics), so a counter is exposed under its own name (`..._requests`, no `_total`
 * added) and a histogram as `<name>_bucket`, `<name>_sum`, `<name>_count`.
 */
export const INGRESS_NGINX_CONTROLLER_METRICS = {
  nginx_ingress_controller_requests: 'counter',
  nginx_ingress_controller_request_duration_seconds: 'histogram',
  nginx_ingress_controller_response_duration_seconds: 'histogram',
  nginx_ingress_controller_connect_duration_seconds: 'histogram',
  nginx_ingress_controller_header_duration_seconds: 'histogram',
  nginx_ingress_controller_request_size: 'histogram',
  nginx_ingress_controller_response_size: 'histogram',
  nginx_ingress_controller_bytes_sent: 'histogram',
  nginx_ingress_controller_nginx_process_connections: 'gauge',
  nginx_ingress_controller_nginx_process_connections_total: 'counter',
  nginx_ingress_controller_nginx_process_requests_total: 'counter',
  nginx_ingress_controller_ssl_expire_time_seconds: 'gauge',
  nginx_ingress_controller_ssl_certificate_info: 'gauge',
  nginx_ingress_controller_config_last_reload_successful: 'gauge',
  nginx_ingress_controller_config_last_reload_successful_timestamp_seconds: 'gauge',
} as const;

export type IngressNginxControllerMetric = keyof typeof INGRESS_NGINX_CONTROLLER_METRICS;

/**
 * Names written in seed 003 that the controller does not export, and the family that holds
 * what they meant: open connections are `nginx_process_connections` (label `state`);
 * request bytes are the `request_size` histogram (there is no `bytes_received`); certificate
 * expiry is `ssl_expire_time_seconds`, the expiry as a Unix time (compare it with `time()`),
 * not seconds left.
 */
export const INGRESS_NGINX_METRIC_SUBSTITUTES: Readonly<Record<string, IngressNginxControllerMetric>> = {
  nginx_ingress_controller_connections: 'nginx_ingress_controller_nginx_process_connections',
  nginx_ingress_controller_bytes_received: 'nginx_ingress_controller_request_size',
  nginx_ingress_controller_ssl_certificate_expiry_seconds: 'nginx_ingress_controller_ssl_expire_time_seconds',
};

/**
 * The families seed 003 keeps (requests, request duration, bytes sent, bytes received,
 * connections, certificate expiry), by their real names.
 */
export const SEED_CONTROLLER_METRICS: readonly IngressNginxControllerMetric[] = [
  'nginx_ingress_controller_request_duration_seconds',
  'nginx_ingress_controller_requests',
  'nginx_ingress_controller_bytes_sent',
  'nginx_ingress_controller_request_size',
  'nginx_ingress_controller_nginx_process_connections',
  'nginx_ingress_controller_ssl_expire_time_seconds',
];

const METRIC_PREFIX = 'nginx_ingress_controller_';

/**
 * The regex a `keep` metric relabeling on `__name__` needs to keep `metrics`: Prometheus
 * anchors it at both ends, so a histogram is matched by its `_bucket`, `_sum` and `_count`
 * series (its bare family name matches no series).
 */
export function ingressNginxKeepRegex(metrics: readonly IngressNginxControllerMetric[]): string {
  const parts = [...new Set(metrics)].map((m) => {
    const short = m.slice(METRIC_PREFIX.length);
    return INGRESS_NGINX_CONTROLLER_METRICS[m] === 'histogram' ? `${short}_(bucket|sum|count)` : short;
  });
  return `${METRIC_PREFIX}(${parts.join('|')})`;
}

/** Why `name` is not a controller metric family (with the real one when seed 003 used another name), or undefined. */
export function controllerMetricProblem(name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(INGRESS_NGINX_CONTROLLER_METRICS, name)) return undefined;
  const substitute = INGRESS_NGINX_METRIC_SUBSTITUTES[name];
  if (substitute) return `is not exported by ingress-nginx (${INGRESS_NGINX_CHECKED_RELEASE}); use ${substitute}`;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    const family = name.slice(0, -suffix.length);
    if (name.endsWith(suffix) && INGRESS_NGINX_CONTROLLER_METRICS[family as IngressNginxControllerMetric] === 'histogram') {
      return `is a series of the histogram ${family}; name the family, its series are kept together`;
    }
  }
  return `is not an ingress-nginx controller metric family (${INGRESS_NGINX_CHECKED_RELEASE}); use one of ${Object.keys(INGRESS_NGINX_CONTROLLER_METRICS).join(', ')}`;
}
