/**
 * The Traefik provider: the routes of the ingress contract (ingress-routes.ts: one host, TLS
 * from cert-manager, a path per workload Service) as Traefik v3 custom resources, and the
 * traffic rules around them (rate limit, retries, circuit breaker, body limit, proxy
 * timeout) as Middlewares and a ServersTransport. Pure builders: typed options with their
 * schema and defaults, and the specs of the objects; no cdk8s (TraefikIngressRoute emits them).
 *
 * Facts, with where they were read. Traefik at tag v3.7.9 (github:traefik/traefik); its
 * middlewares come from vulcand/oxy v2.1.0 (Traefik's go.mod), which buffers through
 * mailgun/multibuf v0.2.0; durations are parsed by traefik/paerser types.Duration
 * (HEAD 368ce2e); cert-manager at v1.19.6; the Traefik Helm chart at v41.3.0 (appVersion v3.7.11).
 *
 * | what | fact | source |
 * |---|---|---|
 * | objects | IngressRoute, Middleware, ServersTransport are `traefik.io/v1alpha1` | pkg/provider/kubernetes/crd/traefikio/v1alpha1/register.go, ingressroute.go, middleware.go, serverstransport.go |
 * | rule syntax | `PathPrefix` is a plain string prefix (`/api/v1/l2o` also matches `/api/v1/l2ox`); `Path` is exact; so a path is matched per segment as `Path(p) \|\| PathPrefix(p/)`, like an Ingress `Prefix` path | pkg/muxer/http/matcher.go `pathPrefix`, `path` |
 * | priority | a route's default priority is the length of its rule, so the longer path wins | pkg/muxer/http/mux.go `GetRulePriority` |
 * | references | a Middleware or ServersTransport is named without namespace (or with the IngressRoute's); another namespace needs `allowCrossNamespace`, false in the Helm chart | pkg/provider/kubernetes/crd/kubernetes.go `resolveReference`; kubernetes_http.go `makeServersTransportKey`; chart values.yaml `providers.kubernetesCRD.allowCrossNamespace: false` |
 * | entry points | the Helm chart names its entry points `web` (8000, exposed 80) and `websecure` (8443, exposed 443); without `entryPoints` a route binds to all of them | chart traefik/values.yaml `ports`; ingressroute.go `EntryPoints` ("Default: all") |
 * | rate | rate = average / period per source; period defaults to 1 s; average 0 means no limit | pkg/middlewares/ratelimiter/rate_limiter.go `New`; pkg/config/dynamic/middlewares.go `RateLimit.SetDefaults` |
 * | burst | the bucket holds `max(burst, 1)` requests (default 1); a request that would wait longer than 1/(2·rate) (0.5 s below 1 req/s) gets 429 with Retry-After | rate_limiter.go `New`, `ServeHTTP`, `serveDelayError` |
 * | client | without a sourceCriterion (or with an empty `ipStrategy`) the source is the connection's remote address; `ipStrategy.depth` n takes the n-th address from the right of X-Forwarded-For | rate_limiter.go `New`; middlewares.go `IPStrategy.Get` |
 * | forwarded headers | an entry point deletes the X-Forwarded-* headers of a request from an address outside its `forwardedHeaders.trustedIPs`; a depth strategy then reads an empty header and returns "" (one source for every such client) | pkg/middlewares/forwardedheaders/forwarded_header.go `ServeHTTP`; pkg/ip/strategy.go `DepthStrategy.GetIP` |
 * | buckets | in memory unless `redis` is set: one set per rate limiter instance, and the chain is built per router, so each route and each Traefik replica counts on its own | rate_limiter.go (`newInMemoryRateLimiter`, key `<middleware>:<source>`); pkg/server/router/router.go `buildHTTPHandler` (a chain per router) |
 * | retry attempts | `attempts` counts every try, the first included (attempts 1 never retries), like nginx `proxy_next_upstream_tries` | pkg/middlewares/retry/retry.go `ServeHTTP` (`attempts == r.attempts` is the last) |
 * | retry on network errors | on by default: retried when the request reached the proxy but no byte was written to the server (dial failure, refused connection), for every method | retry.go `WrapHandler`, `responseWriter.WriteHeader` |
 * | retry on status | `status` (code ranges) retries responses with those codes; only GET-like methods unless `retryNonIdempotentMethod` (POST, PATCH, LOCK are not); the body is replayed only up to `maxRequestBodyBytes` (default 2 MiB), above it no status retry; added in v3.7.0 (absent from the v3.6.0 CRD types) | retry.go `New`, `ServeHTTP`; middlewares.go `RetryDefaultMaxRequestBodyBytes`; commit 827f5ca8c7; `git show v3.6.0:pkg/provider/kubernetes/crd/traefikio/v1alpha1/middleware.go` has no Status |
 * | retry backoff | exponential from `initialInterval`, growing to at most twice it; without it retries are immediate; `timeout` stops retrying once that long has passed since the first try | retry.go `newBackOff`, `responseWriter.WriteHeader` (`timedOut`) |
 * | circuit breaker | `expression` over NetworkErrorRatio(), ResponseCodeRatio(from, to, dividedByFrom, dividedByTo) (half-open ranges), LatencyAtQuantileMS(q), with && \|\| and comparisons; counted over a rolling 10 s window (10 buckets of 1 s), no minimum request count; NetworkErrorRatio counts 502 and 504 responses | oxy cbreaker/predicates.go `parseExpression`; memmetrics/roundtrip.go `NewRTMetrics` (`counterBuckets`, `counterResolution`), `NetworkErrorRatio`, `ResponseCodeRatio`, `Record` |
 * | breaker states | standby, checked every `checkPeriod` (default 100 ms); tripped: every request gets `responseCode` (default 503) for `fallbackDuration` (default 10 s); recovering for `recoveryDuration` (default 10 s) | oxy cbreaker/cbreaker.go; middlewares.go `CircuitBreaker.SetDefaults`; crd/kubernetes.go `createCircuitBreakerMiddleware`; traefik pkg/middlewares/circuitbreaker/circuit_breaker.go |
 * | passive health check | on a route's Service (v3.6.0+): a failure is a 5xx answer or a request that never reached the server; `maxFailedAttempts` consecutive failures within `failureWindow` take that server (a pod IP: Traefik balances over the endpoints unless nativeLB) out for `failureWindow`; defaults 1 and 10 s (nginx `max_fails`/`fail_timeout`) | ingressroute.go `PassiveServerHealthCheck`; kubernetes_http.go `buildServersLB`, `loadServers`; pkg/config/dynamic/http_config.go `PassiveServerHealthCheck.SetDefaults`; pkg/healthcheck/healthcheck.go `PassiveServiceHealthChecker.WrapHandler`; commit fc0fac8543 (first in v3.6.0) |
 * | body limit | Buffering `maxRequestBodyBytes`: a larger Content-Length, or a body that grows past it, gets 413; 0 means no limit | oxy buffer/buffer.go `checkLimit`, `SizeErrHandler`; multibuf buffer.go `New` (maxBytes > 0) |
 * | buffering | the middleware reads the whole request before forwarding and the whole response before sending (beyond 1 MiB in memory, on the Traefik pod's disk); response buffering can be turned off only in code | oxy buffer/buffer.go `ServeHTTP`; traefik pkg/config/dynamic/middlewares.go `Buffering.DisableResponseBuffer` (`file:"-"`, `label:"-"`); multibuf `DefaultMemBytes` |
 * | timeouts | no timeout per IngressRoute: a ServersTransport's `forwardingTimeouts.responseHeaderTimeout` bounds the wait for the server's response headers after the request is written (default 0: none); nothing bounds the gaps while a body streams; a timed-out request gets 504 | serverstransport.go `ForwardingTimeouts`; pkg/config/dynamic/http_config.go `ForwardingTimeouts` (+`SetDefaults`: dial 30 s, idle 90 s); pkg/proxy/httputil/proxy.go `ComputeStatusCode` (a net.Error timeout is 504, other network errors 502) |
 * | entry point timeouts | static configuration only: `respondingTimeouts.readTimeout` (reading the whole request, body included) defaults to 60 s, idleTimeout 180 s | pkg/config/static/entrypoints.go, static_config.go `DefaultReadTimeout`, `DefaultIdleTimeout`; chart values `ports.<name>.transport.respondingTimeouts` |
 * | durations | duration fields accept Go duration text (`300ms`, `5m`, `1h30m`; no `d`) or bare digits as seconds | CRD markers `^([0-9]+(ns\|us\|µs\|ms\|s\|m\|h)?)+$`; paerser types/duration.go `Set` |
 * | TLS | IngressRoute `tls.secretName` names a Secret in the IngressRoute's namespace; cert-manager's ingress-shim issues certificates only for Ingress and Gateway objects, so the Secret comes from an explicit `cert-manager.io/v1` Certificate | ingressroute.go `TLS`; cert-manager pkg/controller/certificate-shim/sync.go (`validateIngressLike` handles Ingress and Gateway only) |
 */
import { Duration, Size } from 'cdk8s';
import { z } from 'zod';
import { TRAEFIK_NOTE_IDS, TRAEFIK_OBJECT_SUFFIXES, TraefikNoteId } from '../conventions';
import { withDefaults } from '../private/defaults';
import { durationMillis, sizeKibibytes, zDuration, zInt, zSize } from '../spec/values';

/** API version and kinds of the Traefik objects. */
export const TRAEFIK = {
  apiVersion: 'traefik.io/v1alpha1',
  ingressRouteKind: 'IngressRoute',
  middlewareKind: 'Middleware',
  serversTransportKind: 'ServersTransport',
  /** The Traefik Helm chart's TLS entry point (port 443). */
  websecure: 'websecure',
  /** The first Traefik version that retries on HTTP status codes (Retry.status). */
  retryStatusMinVersion: 'v3.7.0',
} as const;

/** API version and kind of the cert-manager Certificate. */
export const CERT_MANAGER = { apiVersion: 'cert-manager.io/v1', certificateKind: 'Certificate', group: 'cert-manager.io', clusterIssuerKind: 'ClusterIssuer' } as const;

// ---- options -----------------------------------------------------------------------------

/** A per-client request rate limit (a Traefik RateLimit: a token bucket per client IP). */
export interface TraefikRateLimitOptions {
  /** Requests per `period` a client may make on average, e.g. 1000 (with a 1 minute period). */
  readonly average: number;
  /** The period `average` is counted over (Traefik's rate is average / period). @default Duration.seconds(1) */
  readonly period?: Duration;
  /**
   * How many requests a client may make at once (the bucket size). Traefik's own default, 1,
   * refuses a second request sent within 1/(2·rate) of the first, which breaks clients that
   * send a few requests in parallel; a period's allowance lets them spend it at once (so a
   * client that starts with a full bucket may get up to twice `average` in its first period).
   * @default - `average` (one period's allowance)
   */
  readonly burst?: number;
  /**
   * Where the client's address is read. 0: the connection's source address (right when the
   * load balancer preserves client IPs, as the chart's NLB does). n > 0: the n-th address
   * from the right of X-Forwarded-For, for n proxies in front of Traefik that append to it.
   * @default 0
   */
  readonly clientIpDepth?: number;
}

/** Retries of failed requests to another try (a Traefik Retry). */
export interface TraefikRetryOptions {
  /** Tries in all, the first included (nginx `proxy_next_upstream_tries`), 2-10. */
  readonly attempts: number;
  /** The first wait before a retry; later waits grow to at most twice it. Zero retries at once. @default Duration.millis(100) */
  readonly initialInterval?: Duration;
  /**
   * Response codes (429 or 500-599) that are retried too, besides network errors (which are always
   * retried when the request could not be sent). Needs Traefik v3.7.0 or later.
   * @default - none: network errors only
   */
  readonly onStatus?: number[];
  /**
   * Retry POST and PATCH on `onStatus` too. Only for calls that are safe to repeat: the
   * server may have acted on the first try. @default false
   */
  readonly retryNonIdempotent?: boolean;
  /** No further try once this long has passed since the first (nginx `proxy_next_upstream_timeout`). @default - no limit */
  readonly timeout?: Duration;
}

/** A circuit breaker on the route (a Traefik CircuitBreaker). */
export interface TraefikCircuitBreakerOptions {
  /**
   * When to trip, over the last 10 s of responses: NetworkErrorRatio(),
   * ResponseCodeRatio(from, to, dividedByFrom, dividedByTo), LatencyAtQuantileMS(q),
   * combined with && and ||.
   * @default 'NetworkErrorRatio() > 0.5 || ResponseCodeRatio(500, 600, 0, 600) > 0.5'
   */
  readonly expression?: string;
  /** How often the expression is checked. @default Duration.millis(100) */
  readonly checkPeriod?: Duration;
  /** How long a tripped breaker answers `responseCode` itself. @default Duration.seconds(10) */
  readonly fallbackDuration?: Duration;
  /** How long it then lets traffic back in gradually. @default Duration.seconds(10) */
  readonly recoveryDuration?: Duration;
  /** The status a tripped breaker answers. @default 503 */
  readonly responseCode?: number;
}

/** Taking a failing pod out of the route for a while (a Traefik passive health check, v3.6.0+; nginx `max_fails`/`fail_timeout`). */
export interface TraefikPassiveHealthCheckOptions {
  /** Consecutive failures (5xx, or the pod not reached) that take a pod out. @default 1 */
  readonly maxFailedAttempts?: number;
  /** The window the failures must fall in, and how long the pod then stays out. @default Duration.seconds(10) */
  readonly failureWindow?: Duration;
}

/** The traffic rules of a Traefik route, each left out when not given. */
export interface TraefikRouteOptions {
  /** A per-client rate limit. @default - none */
  readonly rateLimit?: TraefikRateLimitOptions;
  /** Retries. @default - none: Traefik tries once */
  readonly retry?: TraefikRetryOptions;
  /** A circuit breaker. @default - none */
  readonly circuitBreaker?: TraefikCircuitBreakerOptions;
  /** Take a pod that keeps failing out of the route for a while. @default - none */
  readonly passiveHealthCheck?: TraefikPassiveHealthCheckOptions;
  /** The largest request body; larger requests get 413 (a Buffering middleware). @default - no limit */
  readonly maxRequestBody?: Size;
  /** How long Traefik waits for a server's response headers (a ServersTransport). @default - no limit */
  readonly proxyTimeout?: Duration;
}

/** Defaults of the rate limit (burst: `average`, see resolveTraefikOptions). */
export const TRAEFIK_RATE_LIMIT_DEFAULTS = { period: Duration.seconds(1), clientIpDepth: 0 } as const satisfies Required<
  Pick<TraefikRateLimitOptions, 'period' | 'clientIpDepth'>
>;

/** Defaults of the retries. */
export const TRAEFIK_RETRY_DEFAULTS = { initialInterval: Duration.millis(100), onStatus: [] as number[], retryNonIdempotent: false } satisfies Required<
  Pick<TraefikRetryOptions, 'initialInterval' | 'onStatus' | 'retryNonIdempotent'>
>;

/** Defaults of the circuit breaker: Traefik's own timings, and an expression that trips when most requests fail. */
export const TRAEFIK_CIRCUIT_BREAKER_DEFAULTS = {
  expression: 'NetworkErrorRatio() > 0.5 || ResponseCodeRatio(500, 600, 0, 600) > 0.5',
  checkPeriod: Duration.millis(100),
  fallbackDuration: Duration.seconds(10),
  recoveryDuration: Duration.seconds(10),
  responseCode: 503,
} as const satisfies Required<TraefikCircuitBreakerOptions>;

/** Defaults of the passive health check: Traefik's (and nginx's) own. */
export const TRAEFIK_PASSIVE_HEALTH_CHECK_DEFAULTS = { maxFailedAttempts: 1, failureWindow: Duration.seconds(10) } as const satisfies Required<TraefikPassiveHealthCheckOptions>;

/** The functions a circuit-breaker expression may call (oxy cbreaker/predicates.go). */
export const CIRCUIT_BREAKER_FUNCTIONS = ['NetworkErrorRatio', 'ResponseCodeRatio', 'LatencyAtQuantileMS'] as const;

// ---- schema ------------------------------------------------------------------------------

/** A Duration of whole milliseconds within [minMs, maxMs]. */
function zMillisBetween(minMs: number, maxMs: number, range: string, what: string) {
  return zDuration.refine(
    (d) => {
      const ms = durationMillis(d);
      return ms >= minMs && ms <= maxMs;
    },
    { message: `must be within ${range} (${what}); pick a value in range` },
  );
}

/** Why a circuit-breaker expression cannot be parsed by Traefik, or undefined. */
export function circuitBreakerExpressionProblem(expression: string): string | undefined {
  const known = CIRCUIT_BREAKER_FUNCTIONS.join('(), ') + '()';
  if (expression.trim() === '') return `must not be empty; e.g. ${TRAEFIK_CIRCUIT_BREAKER_DEFAULTS.expression}`;
  if (!/^[A-Za-z0-9_.,()\s<>=!&|]+$/.test(expression)) {
    return `may hold only function calls, numbers, comparisons (< <= > >= == !=), && and || and parentheses; e.g. ${TRAEFIK_CIRCUIT_BREAKER_DEFAULTS.expression}`;
  }
  let depth = 0;
  for (const c of expression) {
    depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    if (depth < 0) break;
  }
  if (depth !== 0) return 'has unbalanced parentheses; close every "(" once';
  const names = [...expression.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m[0]);
  const unknown = names.find((n) => !(CIRCUIT_BREAKER_FUNCTIONS as readonly string[]).includes(n));
  if (unknown !== undefined) return `calls ${JSON.stringify(unknown)}, which Traefik does not know (its functions: ${known}); use one of them`;
  if (names.length === 0) return `must call at least one of ${known}; e.g. ${TRAEFIK_CIRCUIT_BREAKER_DEFAULTS.expression}`;
  if (!/[<>]=?|[=!]=/.test(expression)) return 'must compare a function\'s value with a threshold (e.g. NetworkErrorRatio() > 0.5); add the comparison';
  return undefined;
}

const rateLimitSchema = z
  .object({
    average: zInt(1, 1_000_000_000, 'requests per period'),
    period: zMillisBetween(1000, 3_600_000, '1 s-1 h', 'the period average is counted over').optional(),
    burst: zInt(1, 1_000_000_000, 'requests at once').optional(),
    clientIpDepth: zInt(0, 32, 'proxies in front of Traefik that append to X-Forwarded-For').optional(),
  })
  .strict() satisfies z.ZodType<TraefikRateLimitOptions, z.ZodTypeDef, unknown>;

const retrySchema = z
  .object({
    attempts: zInt(2, 10, 'tries in all, the first included; leave retry out for a single try'),
    initialInterval: zMillisBetween(0, 60_000, '0-60 s', 'the first wait before a retry').optional(),
    onStatus: z
      .array(
        zInt(100, 599, 'an HTTP status').refine((c) => c === 429 || c >= 500, {
          message: 'must be 429 or a 5xx status: retrying any other 4xx repeats a request the server refused; drop it',
        }),
      )
      .min(1, 'must list at least one status when given; leave onStatus out to retry network errors only')
      .superRefine((codes, ctx) => {
        codes.forEach((code, i) => {
          if (codes.indexOf(code) !== i) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: 'is listed twice; list each status once' });
        });
      })
      .optional(),
    retryNonIdempotent: z.boolean().optional(),
    timeout: zMillisBetween(1, 3_600_000, '1 ms-1 h', 'how long retries may go on').optional(),
  })
  .strict() satisfies z.ZodType<TraefikRetryOptions, z.ZodTypeDef, unknown>;

const circuitBreakerSchema = z
  .object({
    expression: z
      .string()
      .superRefine((e, ctx) => {
        const problem = circuitBreakerExpressionProblem(e);
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      })
      .optional(),
    checkPeriod: zMillisBetween(1, 60_000, '1 ms-60 s', 'how often the expression is checked').optional(),
    fallbackDuration: zMillisBetween(1, 3_600_000, '1 ms-1 h', 'how long a tripped breaker answers itself').optional(),
    recoveryDuration: zMillisBetween(1, 3_600_000, '1 ms-1 h', 'how long traffic comes back gradually').optional(),
    responseCode: zInt(100, 599, 'an HTTP status').optional(),
  })
  .strict() satisfies z.ZodType<TraefikCircuitBreakerOptions, z.ZodTypeDef, unknown>;

const passiveHealthCheckSchema = z
  .object({
    maxFailedAttempts: zInt(1, 100, 'consecutive failures').optional(),
    failureWindow: zMillisBetween(1000, 3_600_000, '1 s-1 h', 'the failure window, and how long a pod stays out').optional(),
  })
  .strict() satisfies z.ZodType<TraefikPassiveHealthCheckOptions, z.ZodTypeDef, unknown>;

/** The fields of TraefikRouteOptions. */
const traefikRouteOptionsShape = {
  rateLimit: rateLimitSchema.optional(),
  retry: retrySchema.optional(),
  circuitBreaker: circuitBreakerSchema.optional(),
  passiveHealthCheck: passiveHealthCheckSchema.optional(),
  maxRequestBody: zSize
    .refine((s) => Number.isInteger(sizeKibibytes(s) * 1024) && sizeKibibytes(s) * 1024 <= Number.MAX_SAFE_INTEGER, {
      message: 'must be a whole number of bytes; use Size.mebibytes(n)',
    })
    .optional(),
  proxyTimeout: zMillisBetween(1000, 86_400_000, '1 s-24 h', 'the wait for response headers').optional(),
};

/** The schema of TraefikRouteOptions. */
export const traefikRouteOptionsSchema = z.object(traefikRouteOptionsShape).strict() satisfies z.ZodType<TraefikRouteOptions, z.ZodTypeDef, unknown>;

// ---- defaults ----------------------------------------------------------------------------

export type ResolvedTraefikRateLimit = Required<TraefikRateLimitOptions>;
export type ResolvedTraefikRetry = Required<Omit<TraefikRetryOptions, 'timeout'>> & Pick<TraefikRetryOptions, 'timeout'>;
export type ResolvedTraefikCircuitBreaker = Required<TraefikCircuitBreakerOptions>;

/** TraefikRouteOptions with every default filled in (a rule not given stays undefined). */
export interface ResolvedTraefikOptions {
  readonly rateLimit?: ResolvedTraefikRateLimit;
  readonly retry?: ResolvedTraefikRetry;
  readonly circuitBreaker?: ResolvedTraefikCircuitBreaker;
  readonly passiveHealthCheck?: Required<TraefikPassiveHealthCheckOptions>;
  readonly maxRequestBody?: Size;
  readonly proxyTimeout?: Duration;
}

/** Fills every default of the options once (an explicit `undefined` takes the default). */
export function resolveTraefikOptions(o: TraefikRouteOptions): ResolvedTraefikOptions {
  const rateLimit = o.rateLimit && {
    average: o.rateLimit.average,
    ...withDefaults<Required<Pick<TraefikRateLimitOptions, 'period' | 'clientIpDepth'>>>(TRAEFIK_RATE_LIMIT_DEFAULTS, {
      period: o.rateLimit.period,
      clientIpDepth: o.rateLimit.clientIpDepth,
    }),
    // Not a constant default: one period's allowance.
    burst: o.rateLimit.burst ?? o.rateLimit.average,
  };
  const retry = o.retry && {
    attempts: o.retry.attempts,
    timeout: o.retry.timeout,
    ...withDefaults<Required<Pick<TraefikRetryOptions, 'initialInterval' | 'onStatus' | 'retryNonIdempotent'>>>(TRAEFIK_RETRY_DEFAULTS, { initialInterval: o.retry.initialInterval, onStatus: o.retry.onStatus, retryNonIdempotent: o.retry.retryNonIdempotent }),
  };
  const circuitBreaker = o.circuitBreaker && withDefaults<ResolvedTraefikCircuitBreaker>(TRAEFIK_CIRCUIT_BREAKER_DEFAULTS, o.circuitBreaker);
  const passiveHealthCheck = o.passiveHealthCheck && withDefaults<Required<TraefikPassiveHealthCheckOptions>>(TRAEFIK_PASSIVE_HEALTH_CHECK_DEFAULTS, o.passiveHealthCheck);
  return { rateLimit, retry, circuitBreaker, passiveHealthCheck, maxRequestBody: o.maxRequestBody, proxyTimeout: o.proxyTimeout };
}

// ---- the objects' specs (the parts this library writes) ----------------------------------

/** A reference to a Middleware of the IngressRoute's namespace. */
export interface TraefikMiddlewareRef {
  readonly name: string;
  readonly namespace: string;
}

/** A Kubernetes Service a route forwards to. */
export interface TraefikServiceRef {
  readonly kind: 'Service';
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
  /** A ServersTransport of the same namespace. */
  readonly serversTransport?: string;
  readonly passiveHealthCheck?: { readonly maxFailedAttempts: number; readonly failureWindow: string };
}

/** One route of an IngressRoute. */
export interface TraefikRoute {
  readonly kind: 'Rule';
  readonly match: string;
  readonly middlewares?: TraefikMiddlewareRef[];
  readonly services: TraefikServiceRef[];
}

/** `spec` of a `traefik.io/v1alpha1` IngressRoute. */
export interface TraefikIngressRouteSpec {
  readonly entryPoints: string[];
  readonly routes: TraefikRoute[];
  readonly tls: { readonly secretName: string };
}

export interface TraefikRateLimitSpec {
  readonly average: number;
  /** Go duration text. */
  readonly period: string;
  readonly burst: number;
  readonly sourceCriterion: { readonly ipStrategy: { readonly depth?: number } };
}

export interface TraefikRetrySpec {
  readonly attempts: number;
  readonly initialInterval?: string;
  readonly status?: string[];
  readonly retryNonIdempotentMethod?: boolean;
  readonly timeout?: string;
}

export interface TraefikCircuitBreakerSpec {
  readonly expression: string;
  readonly checkPeriod: string;
  readonly fallbackDuration: string;
  readonly recoveryDuration: string;
  readonly responseCode: number;
}

export interface TraefikBufferingSpec {
  readonly maxRequestBodyBytes: number;
}

/** `spec` of a `traefik.io/v1alpha1` Middleware: exactly one of these. */
export interface TraefikMiddlewareSpec {
  readonly rateLimit?: TraefikRateLimitSpec;
  readonly buffering?: TraefikBufferingSpec;
  readonly circuitBreaker?: TraefikCircuitBreakerSpec;
  readonly retry?: TraefikRetrySpec;
}

/** `spec` of a `traefik.io/v1alpha1` ServersTransport. */
export interface TraefikServersTransportSpec {
  readonly forwardingTimeouts: { readonly responseHeaderTimeout: string };
}

/** `spec` of a `cert-manager.io/v1` Certificate. */
export interface CertificateSpec {
  readonly secretName: string;
  readonly dnsNames: string[];
  readonly issuerRef: { readonly name: string; readonly kind: 'ClusterIssuer'; readonly group: 'cert-manager.io' };
}

/** A Middleware to emit: its name and spec, in the order the route applies them. */
export interface TraefikMiddleware {
  readonly name: string;
  readonly spec: TraefikMiddlewareSpec;
}

/** Go duration text (`100ms`, `5m`, `1h30m`): what Traefik's duration fields parse; Go has no `d`. */
export function goDuration(d: Duration): string {
  let ms = durationMillis(d);
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`duration (${ms} ms) must be a non-negative whole number of milliseconds`);
  if (ms === 0) return '0s';
  let text = '';
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(ms / size);
    if (n > 0) {
      text += `${n}${unit}`;
      ms -= n * size;
    }
  }
  return text;
}

/** The name of an object emitted beside the IngressRoute `name`. */
export function traefikObjectName(name: string, part: keyof typeof TRAEFIK_OBJECT_SUFFIXES): string {
  return `${name}-${TRAEFIK_OBJECT_SUFFIXES[part]}`;
}

/**
 * The Middlewares the options ask for, in the order a request passes them: the rate limit
 * first (a refused client costs nothing more), then the body limit (413 before anything is
 * forwarded), then the circuit breaker, then the retries inside it, so the breaker counts
 * what is left after retries and a tripped breaker is not retried.
 */
export function traefikMiddlewares(name: string, options: TraefikRouteOptions): TraefikMiddleware[] {
  const o = resolveTraefikOptions(options);
  const out: TraefikMiddleware[] = [];
  if (o.rateLimit) {
    out.push({
      name: traefikObjectName(name, 'rateLimit'),
      spec: {
        rateLimit: {
          average: o.rateLimit.average,
          period: goDuration(o.rateLimit.period),
          burst: o.rateLimit.burst,
          // Written out although it is Traefik's default, so the manifest says what a client is.
          sourceCriterion: { ipStrategy: o.rateLimit.clientIpDepth > 0 ? { depth: o.rateLimit.clientIpDepth } : {} },
        },
      },
    });
  }
  if (o.maxRequestBody) {
    out.push({ name: traefikObjectName(name, 'bodyLimit'), spec: { buffering: { maxRequestBodyBytes: Math.round(sizeKibibytes(o.maxRequestBody) * 1024) } } });
  }
  if (o.circuitBreaker) {
    const cb = o.circuitBreaker;
    out.push({
      name: traefikObjectName(name, 'circuitBreaker'),
      spec: {
        circuitBreaker: {
          expression: cb.expression,
          checkPeriod: goDuration(cb.checkPeriod),
          fallbackDuration: goDuration(cb.fallbackDuration),
          recoveryDuration: goDuration(cb.recoveryDuration),
          responseCode: cb.responseCode,
        },
      },
    });
  }
  if (o.retry) {
    const r = o.retry;
    const status = [...new Set(r.onStatus)].sort((a, b) => a - b).map(String);
    out.push({
      name: traefikObjectName(name, 'retry'),
      spec: {
        retry: {
          attempts: r.attempts,
          initialInterval: durationMillis(r.initialInterval) > 0 ? goDuration(r.initialInterval) : undefined,
          status: status.length > 0 ? status : undefined,
          retryNonIdempotentMethod: status.length > 0 && r.retryNonIdempotent ? true : undefined,
          timeout: r.timeout && goDuration(r.timeout),
        },
      },
    });
  }
  return out;
}

/** The ServersTransport the options need (only for proxyTimeout), or undefined. */
export function traefikServersTransportSpec(options: TraefikRouteOptions): TraefikServersTransportSpec | undefined {
  const o = resolveTraefikOptions(options);
  return o.proxyTimeout && { forwardingTimeouts: { responseHeaderTimeout: goDuration(o.proxyTimeout) } };
}

/**
 * A path as an Ingress `Prefix` path matches it, by whole segments: `/api/v1/l2o` matches
 * itself and everything under `/api/v1/l2o/`, not `/api/v1/l2ox`. A trailing `/` is the same
 * path (`/api/` is `/api`), and `/` matches everything.
 */
export function normalizeRoutePath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

/** The rule of one route: the host and the path by segments. */
export function traefikRouteMatch(host: string, path: string): string {
  const p = normalizeRoutePath(path);
  const pathRule = p === '/' ? 'PathPrefix(`/`)' : `(Path(\`${p}\`) || PathPrefix(\`${p}/\`))`;
  return `Host(\`${host}\`) && ${pathRule}`;
}

/** One route of the IngressRoute, as the builder takes it (the Service by name). */
export interface TraefikRouteInput {
  readonly path: string;
  readonly serviceName: string;
  readonly port: number;
}

export interface TraefikIngressRouteInput {
  readonly name: string;
  readonly namespace: string;
  readonly host: string;
  readonly entryPoints: readonly string[];
  readonly routes: readonly TraefikRouteInput[];
  readonly tlsSecretName: string;
  readonly options: TraefikRouteOptions;
}

/** The IngressRoute's spec: one route per path, each through the options' Middlewares to its Service. */
export function traefikIngressRouteSpec(input: TraefikIngressRouteInput): TraefikIngressRouteSpec {
  const middlewares = traefikMiddlewares(input.name, input.options).map((m) => ({ name: m.name, namespace: input.namespace }));
  const transport = traefikServersTransportSpec(input.options) ? traefikObjectName(input.name, 'serversTransport') : undefined;
  const phc = resolveTraefikOptions(input.options).passiveHealthCheck;
  const passiveHealthCheck = phc && { maxFailedAttempts: phc.maxFailedAttempts, failureWindow: goDuration(phc.failureWindow) };
  return {
    entryPoints: [...input.entryPoints],
    routes: input.routes.map((r) => ({
      kind: 'Rule',
      match: traefikRouteMatch(input.host, r.path),
      middlewares: middlewares.length > 0 ? middlewares.map((m) => ({ ...m })) : undefined,
      services: [{ kind: 'Service', name: r.serviceName, namespace: input.namespace, port: r.port, serversTransport: transport, passiveHealthCheck }],
    })),
    tls: { secretName: input.tlsSecretName },
  };
}

/** The cert-manager Certificate that fills the IngressRoute's TLS Secret for the host. */
export function certificateSpec(host: string, clusterIssuer: string, secretName: string): CertificateSpec {
  return { secretName, dnsNames: [host], issuerRef: { name: clusterIssuer, kind: CERT_MANAGER.clusterIssuerKind, group: CERT_MANAGER.group } };
}

// ---- what holds instead ------------------------------------------------------------------

/** Something Traefik does differently from what the options ask, for the chart's synth warnings. */
export interface TraefikNote {
  readonly id: TraefikNoteId;
  readonly message: string;
}

/** The notes of the options: where Traefik's behaviour differs from what they say, and what holds instead. */
export function traefikNotes(options: TraefikRouteOptions): TraefikNote[] {
  const o = resolveTraefikOptions(options);
  const notes: TraefikNote[] = [];
  if (o.rateLimit) {
    notes.push({
      id: TRAEFIK_NOTE_IDS.rateLimitPerReplica,
      message:
        `rateLimit (${o.rateLimit.average} per ${goDuration(o.rateLimit.period)}) is counted in each Traefik replica's memory and separately for each route (Traefik builds a middleware chain per router): ` +
        'with N replicas behind the load balancer a client may reach up to N times the limit on each path; run one Traefik replica for an exact limit, or configure the RateLimit\'s redis store (one bucket per client for all replicas and routes)' +
        (o.rateLimit.clientIpDepth > 0
          ? `; clientIpDepth ${o.rateLimit.clientIpDepth} reads X-Forwarded-For, which Traefik keeps only from the addresses in the entry point's forwardedHeaders.trustedIPs (Helm values ports.websecure.forwardedHeaders.trustedIPs): list the proxies in front of Traefik there, or every client shares one bucket`
          : '; the client is the connection\'s source address, so Traefik\'s own Service must preserve client IPs (externalTrafficPolicy Local, or proxy protocol), or every client behind one node or load balancer address shares one bucket'),
    });
  }
  if (o.retry && o.retry.onStatus.length > 0) {
    notes.push({
      id: TRAEFIK_NOTE_IDS.retryStatusNeedsV37,
      message:
        `retry.onStatus (${o.retry.onStatus.join(', ')}) needs Traefik ${TRAEFIK.retryStatusMinVersion} or later: an older Traefik CRD has no Retry.status (kubectl refuses the field, other clients have it pruned) and Traefik then retries network errors only; ` +
        `bodies above 2 MiB are not replayed, so such requests are not retried on a status`,
    });
    if (!o.retry.retryNonIdempotent) {
      notes.push({
        id: TRAEFIK_NOTE_IDS.retryStatusSkipsPost,
        message:
          `retry.onStatus (${o.retry.onStatus.join(', ')}) applies to GET-like requests only: Traefik does not retry POST, PATCH or LOCK on a status (nginx's proxy_next_upstream does not either), and inference calls are POSTs; ` +
          'set retry.retryNonIdempotent when repeating a call is harmless',
      });
    }
  }
  if (o.maxRequestBody) {
    notes.push({
      id: TRAEFIK_NOTE_IDS.bufferingHoldsResponses,
      message:
        `maxRequestBody (${o.maxRequestBody.asString()}) is a Buffering middleware, the only request body limit Traefik has: it reads each whole request before forwarding it and each whole response before sending it (above 1 MiB on the Traefik pod's disk), ` +
        'so streamed responses (server-sent tokens) reach the client only when complete; leave maxRequestBody out on routes that stream',
    });
  }
  if (o.proxyTimeout) {
    notes.push({
      id: TRAEFIK_NOTE_IDS.proxyTimeoutIsHeaderTimeout,
      message:
        `proxyTimeout (${goDuration(o.proxyTimeout)}) is the ServersTransport's responseHeaderTimeout: the wait for the response headers after the request is sent (504 after it), not a limit between two reads of a streamed body; ` +
        'Traefik has no per-route request read timeout: its entry point reads each request, body included, within respondingTimeouts.readTimeout (60 s by default), so set ports.websecure.transport.respondingTimeouts.readTimeout in the Traefik Helm values for slow or large uploads',
    });
  }
  if (o.circuitBreaker) {
    notes.push({
      id: TRAEFIK_NOTE_IDS.circuitBreakerWholeRoute,
      message:
        `circuitBreaker (${o.circuitBreaker.expression}) judges each route as a whole over a 10 s window with no minimum request count: at low traffic one failed request can trip it, and then every request gets ${o.circuitBreaker.responseCode} for ${goDuration(o.circuitBreaker.fallbackDuration)}, ` +
        'whichever pod failed; to take only the failing pod out (nginx max_fails), use passiveHealthCheck',
    });
  }
  return notes;
}
