import { Duration, Size } from 'cdk8s';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TRAEFIK_NOTE_IDS } from '../../src/conventions';
import {
  TRAEFIK_CIRCUIT_BREAKER_DEFAULTS,
  TraefikRouteOptions,
  certificateSpec,
  circuitBreakerExpressionProblem,
  goDuration,
  normalizeRoutePath,
  resolveTraefikOptions,
  traefikIngressRouteSpec,
  traefikMiddlewares,
  traefikNotes,
  traefikRouteMatch,
  traefikRouteOptionsSchema,
  traefikServersTransportSpec,
} from '../../src/providers/traefik';
import { zodProblems } from '../../src/spec/problems';
import { validateManifest } from '../helpers/k8s-schema';

/** Seed 003: 1000 requests per minute per client, 300 s proxy timeouts, 100 MB bodies. */
const SEED_003: TraefikRouteOptions = {
  rateLimit: { average: 1000, period: Duration.minutes(1) },
  proxyTimeout: Duration.seconds(300),
  maxRequestBody: Size.mebibytes(100),
};

/** Seed 002: proxy_next_upstream error timeout http_500 http_502 http_503, 5 s, 3 tries; max_fails=3 fail_timeout=30s; circuit breakers. */
const SEED_002: TraefikRouteOptions = {
  retry: { attempts: 3, onStatus: [500, 502, 503], timeout: Duration.seconds(5) },
  circuitBreaker: {},
  passiveHealthCheck: { maxFailedAttempts: 3, failureWindow: Duration.seconds(30) },
};

const middleware = (name: string, spec: object) => ({ apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: { name, namespace: 'opifex-system' }, spec });

/**
 * The published Traefik model of `kind` (@kubernetes-models/traefik, ESM-only, loaded by
 * vitest). Its declarations extend a base class that this project's node10 resolution
 * cannot follow, so the constructor is typed by what the tests call.
 */
async function publishedModel(kind: 'IngressRoute' | 'Middleware' | 'ServersTransport'): Promise<new (data: unknown) => { validate(): void }> {
  const load: Record<string, () => Promise<unknown>> = {
    IngressRoute: () => import('@kubernetes-models/traefik/traefik.io/v1alpha1/IngressRoute'),
    Middleware: () => import('@kubernetes-models/traefik/traefik.io/v1alpha1/Middleware'),
    ServersTransport: () => import('@kubernetes-models/traefik/traefik.io/v1alpha1/ServersTransport'),
  };
  const mod = (await load[kind]()) as Record<string, new (data: unknown) => { validate(): void }>;
  return mod[kind];
}

/** Validates `obj` with the published model and with the Traefik v3.7.9 CRD in crds/. */
async function expectValidTraefik(obj: { kind: string } & Record<string, unknown>) {
  const Model = await publishedModel(obj.kind as 'IngressRoute' | 'Middleware' | 'ServersTransport');
  expect(() => new Model(obj).validate()).not.toThrow();
  // The model's schema lets unknown fields through; the CRD (as the API server reads it) does not.
  expect(validateManifest(obj)).toEqual([]);
}

describe('the schemas the objects are checked against', () => {
  it('refuse a misspelt Traefik field (the CRD in crds/), which the published model lets through', async () => {
    const typo = middleware('x', { rateLimit: { averag: 1000 } });
    const Middleware = await publishedModel('Middleware');
    expect(() => new Middleware(typo).validate()).not.toThrow();
    expect(validateManifest(typo).join('\n')).toContain('averag');
    expect(validateManifest({ ...middleware('x', { retry: { attempts: 3, status: ['5xx'] } }) })).not.toEqual([]);
  });
});

describe('seed 003 on Traefik', () => {
  it('limits each client IP to 1000 requests per minute: average 1000, period 1m, a minute\'s allowance as burst', async () => {
    const [rateLimit] = traefikMiddlewares('opifex-api', SEED_003);
    expect(rateLimit).toEqual({
      name: 'opifex-api-rate-limit',
      spec: { rateLimit: { average: 1000, period: '1m', burst: 1000, sourceCriterion: { ipStrategy: {} } } },
    });
    await expectValidTraefik(middleware(rateLimit.name, rateLimit.spec));
  });

  it('limits bodies to 100 MiB (104857600 bytes, nginx\'s 100m) with a Buffering middleware', async () => {
    const body = traefikMiddlewares('opifex-api', SEED_003)[1];
    expect(body).toEqual({ name: 'opifex-api-body-limit', spec: { buffering: { maxRequestBodyBytes: 104_857_600 } } });
    await expectValidTraefik(middleware(body.name, body.spec));
  });

  it('waits 300 s (5m) for response headers through a ServersTransport', async () => {
    const spec = traefikServersTransportSpec(SEED_003);
    expect(spec).toEqual({ forwardingTimeouts: { responseHeaderTimeout: '5m' } });
    expect(goDuration(Duration.seconds(300))).toBe('5m');
    await expectValidTraefik({ apiVersion: 'traefik.io/v1alpha1', kind: 'ServersTransport', metadata: { name: 'opifex-api-transport', namespace: 'opifex-system' }, spec });
  });

  it('routes api.opifex.example.com/api/v1/l2o and /api/v1/neural-operators by whole segments, TLS from the Secret', async () => {
    const spec = traefikIngressRouteSpec({
      name: 'opifex-api',
      namespace: 'opifex-system',
      host: 'api.opifex.example.com',
      entryPoints: ['websecure'],
      routes: [
        { path: '/api/v1/l2o', serviceName: 'l2o-optimizer-service', port: 8000 },
        { path: '/api/v1/neural-operators', serviceName: 'neural-operator-service', port: 8000 },
      ],
      tlsSecretName: 'opifex-api-tls',
      options: SEED_003,
    });
    const middlewares = [
      { name: 'opifex-api-rate-limit', namespace: 'opifex-system' },
      { name: 'opifex-api-body-limit', namespace: 'opifex-system' },
    ];
    expect(spec).toEqual({
      entryPoints: ['websecure'],
      routes: [
        {
          kind: 'Rule',
          match: 'Host(`api.opifex.example.com`) && (Path(`/api/v1/l2o`) || PathPrefix(`/api/v1/l2o/`))',
          middlewares,
          services: [{ kind: 'Service', name: 'l2o-optimizer-service', namespace: 'opifex-system', port: 8000, serversTransport: 'opifex-api-transport', passiveHealthCheck: undefined }],
        },
        {
          kind: 'Rule',
          match: 'Host(`api.opifex.example.com`) && (Path(`/api/v1/neural-operators`) || PathPrefix(`/api/v1/neural-operators/`))',
          middlewares,
          services: [{ kind: 'Service', name: 'neural-operator-service', namespace: 'opifex-system', port: 8000, serversTransport: 'opifex-api-transport', passiveHealthCheck: undefined }],
        },
      ],
      tls: { secretName: 'opifex-api-tls' },
    });
    await expectValidTraefik(JSON.parse(JSON.stringify({ apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { name: 'opifex-api', namespace: 'opifex-system' }, spec })));
  });

  it('asks a Let\'s Encrypt ClusterIssuer for the host\'s certificate', () => {
    expect(certificateSpec('api.opifex.example.com', 'letsencrypt-prod', 'opifex-api-tls')).toEqual({
      secretName: 'opifex-api-tls',
      dnsNames: ['api.opifex.example.com'],
      issuerRef: { name: 'letsencrypt-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    });
  });

  it('notes what holds instead: per-replica buckets, whole-response buffering, a response-header timeout', () => {
    const notes = traefikNotes(SEED_003);
    expect(notes.map((n) => n.id)).toEqual([TRAEFIK_NOTE_IDS.rateLimitPerReplica, TRAEFIK_NOTE_IDS.bufferingHoldsResponses, TRAEFIK_NOTE_IDS.proxyTimeoutIsHeaderTimeout]);
    expect(notes.map((n) => n.id)).toEqual(['AII-W060', 'AII-W063', 'AII-W064']);
    expect(notes[0].message).toContain('rateLimit (1000 per 1m) is counted in each Traefik replica\'s memory and separately for each route');
    expect(notes[1].message).toContain('maxRequestBody (100Mi) is a Buffering middleware');
    expect(notes[1].message).toContain('streamed responses (server-sent tokens) reach the client only when complete');
    expect(notes[2].message).toContain('proxyTimeout (5m) is the ServersTransport\'s responseHeaderTimeout');
    expect(notes[2].message).toContain('respondingTimeouts.readTimeout (60 s by default)');
  });
});

describe('seed 002 on Traefik', () => {
  it('retries 3 tries in all on network errors and on 500, 502, 503 within 5 s, from 100 ms apart', async () => {
    const retry = traefikMiddlewares('sutazai-api', SEED_002).find((m) => m.spec.retry)!;
    expect(retry).toEqual({
      name: 'sutazai-api-retry',
      spec: { retry: { attempts: 3, initialInterval: '100ms', status: ['500', '502', '503'], retryNonIdempotentMethod: undefined, timeout: '5s' } },
    });
    await expectValidTraefik(middleware(retry.name, JSON.parse(JSON.stringify(retry.spec))));
  });

  it('puts the circuit breaker before the retries, with Traefik\'s timings and a trip at 50 % failures', async () => {
    const chain = traefikMiddlewares('sutazai-api', SEED_002);
    expect(chain.map((m) => m.name)).toEqual(['sutazai-api-circuit-breaker', 'sutazai-api-retry']);
    expect(chain[0].spec).toEqual({
      circuitBreaker: {
        expression: 'NetworkErrorRatio() > 0.5 || ResponseCodeRatio(500, 600, 0, 600) > 0.5',
        checkPeriod: '100ms',
        fallbackDuration: '10s',
        recoveryDuration: '10s',
        responseCode: 503,
      },
    });
    await expectValidTraefik(middleware(chain[0].name, chain[0].spec));
  });

  it('takes a pod out after 3 failures within 30 s (max_fails=3 fail_timeout=30s) with a passive health check', () => {
    const spec = traefikIngressRouteSpec({
      name: 'sutazai-api',
      namespace: 'sutazai',
      host: 'api.sutazai.example.com',
      entryPoints: ['websecure'],
      routes: [{ path: '/api/', serviceName: 'sutazai-backend', port: 8000 }],
      tlsSecretName: 'sutazai-api-tls',
      options: SEED_002,
    });
    expect(spec.routes[0].services[0].passiveHealthCheck).toEqual({ maxFailedAttempts: 3, failureWindow: '30s' });
    // location /api/ is the path /api by segments
    expect(spec.routes[0].match).toBe('Host(`api.sutazai.example.com`) && (Path(`/api`) || PathPrefix(`/api/`))');
  });

  it('notes that status retries need Traefik v3.7 and skip POST, and that the breaker judges the whole route', () => {
    const notes = traefikNotes(SEED_002);
    expect(notes.map((n) => n.id)).toEqual(['AII-W061', 'AII-W062', 'AII-W065']);
    expect(notes[0].message).toContain('retry.onStatus (500, 502, 503) needs Traefik v3.7.0 or later');
    expect(notes[1].message).toContain('Traefik does not retry POST, PATCH or LOCK on a status');
    expect(notes[2].message).toContain('every request gets 503 for 10s');
    expect(notes[2].message).toContain('use passiveHealthCheck');
    expect(traefikNotes({ retry: { ...SEED_002.retry!, retryNonIdempotent: true } }).map((n) => n.id)).toEqual(['AII-W061']);
  });

  it('retries POST on a status only when asked, and network errors alone without a status list', () => {
    const post = traefikMiddlewares('a', { retry: { attempts: 2, onStatus: [503], retryNonIdempotent: true } })[0];
    expect(post.spec.retry).toMatchObject({ attempts: 2, status: ['503'], retryNonIdempotentMethod: true });
    const network = traefikMiddlewares('a', { retry: { attempts: 2, retryNonIdempotent: true, initialInterval: Duration.millis(0) } })[0];
    expect(network.spec.retry).toEqual({ attempts: 2, initialInterval: undefined, status: undefined, retryNonIdempotentMethod: undefined, timeout: undefined });
    expect(traefikNotes({ retry: { attempts: 2 } })).toEqual([]);
  });
});

describe('defaults', () => {
  it('fills every default once, and an explicit undefined takes it', () => {
    expect(resolveTraefikOptions({})).toEqual({});
    const o = resolveTraefikOptions({
      rateLimit: { average: 10, period: undefined, burst: undefined },
      retry: { attempts: 2, initialInterval: undefined },
      circuitBreaker: { expression: undefined },
      passiveHealthCheck: {},
    });
    expect(o.rateLimit).toEqual({ average: 10, period: Duration.seconds(1), burst: 10, clientIpDepth: 0 });
    expect(o.retry).toEqual({ attempts: 2, timeout: undefined, initialInterval: Duration.millis(100), onStatus: [], retryNonIdempotent: false });
    expect(o.circuitBreaker).toEqual(TRAEFIK_CIRCUIT_BREAKER_DEFAULTS);
    expect(o.passiveHealthCheck).toEqual({ maxFailedAttempts: 1, failureWindow: Duration.seconds(10) });
  });

  it('emits nothing for rules not asked for', () => {
    expect(traefikMiddlewares('a', {})).toEqual([]);
    expect(traefikServersTransportSpec({})).toBeUndefined();
    expect(traefikNotes({})).toEqual([]);
  });

  it('says where the client address comes from, and what it needs', () => {
    expect(traefikNotes({ rateLimit: { average: 5 } })[0].message).toContain('the client is the connection\'s source address, so Traefik\'s own Service must preserve client IPs');
    expect(traefikNotes({ rateLimit: { average: 5, clientIpDepth: 2 } })[0].message).toContain(
      'clientIpDepth 2 reads X-Forwarded-For, which Traefik keeps only from the addresses in the entry point\'s forwardedHeaders.trustedIPs',
    );
  });

  it('reads the client from X-Forwarded-For at the depth given', () => {
    expect(traefikMiddlewares('a', { rateLimit: { average: 5, clientIpDepth: 1 } })[0].spec.rateLimit).toEqual({
      average: 5,
      period: '1s',
      burst: 5,
      sourceCriterion: { ipStrategy: { depth: 1 } },
    });
  });
});

describe('paths and durations', () => {
  it('matches a path by segments, a trailing slash being the same path and / everything', () => {
    expect(normalizeRoutePath('/api/')).toBe('/api');
    expect(normalizeRoutePath('/api//')).toBe('/api');
    expect(normalizeRoutePath('/')).toBe('/');
    expect(normalizeRoutePath('//')).toBe('/');
    expect(traefikRouteMatch('a.example.com', '/')).toBe('Host(`a.example.com`) && PathPrefix(`/`)');
  });

  it('writes Go durations, never a unit Go lacks', () => {
    expect(goDuration(Duration.millis(100))).toBe('100ms');
    expect(goDuration(Duration.minutes(90))).toBe('1h30m');
    expect(goDuration(Duration.days(2))).toBe('48h');
    expect(goDuration(Duration.millis(1500))).toBe('1s500ms');
    expect(goDuration(Duration.seconds(0))).toBe('0s');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400_000 }), (ms) => {
        const text = goDuration(Duration.millis(ms));
        // The CRD's pattern for duration fields.
        expect(text).toMatch(/^([0-9]+(ns|us|µs|ms|s|m|h)?)+$/);
        const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
        const total = [...text.matchAll(/(\d+)(ms|h|m|s)/g)].reduce((sum, m) => sum + Number(m[1]) * units[m[2]], 0);
        expect(total).toBe(ms);
      }),
    );
  });
});

describe('validation of the options', () => {
  const problems = (input: unknown) => zodProblems(traefikRouteOptionsSchema, input);

  it('refuses a rate limit without a real rate', () => {
    expect(problems({ rateLimit: { average: 0 } })).toEqual(['rateLimit.average (0) must be within 1-1000000000 (requests per period); pick a value in range']);
    expect(problems({ rateLimit: { average: 1.5 } })).toEqual(['rateLimit.average (1.5) must be a whole number (requests per period); round it']);
    expect(problems({ rateLimit: {} })).toEqual(['rateLimit.average (not set) is required; add it']);
    expect(problems({ rateLimit: { average: 10, period: Duration.millis(500) } })).toEqual([
      'rateLimit.period (500ms) must be within 1 s-1 h (the period average is counted over); pick a value in range',
    ]);
    expect(problems({ rateLimit: { average: 10, period: Duration.hours(2) } })).toEqual(['rateLimit.period (2h) must be within 1 s-1 h (the period average is counted over); pick a value in range']);
    expect(problems({ rateLimit: { average: 10, burst: 0 } })).toEqual(['rateLimit.burst (0) must be within 1-1000000000 (requests at once); pick a value in range']);
    expect(problems({ rateLimit: { average: 10, clientIpDepth: -1 } })).toEqual([
      'rateLimit.clientIpDepth (-1) must be within 0-32 (proxies in front of Traefik that append to X-Forwarded-For); pick a value in range',
    ]);
    expect(problems({ rateLimit: { average: 10, perClient: true } })).toEqual(['rateLimit.perClient is not a field; known fields of rateLimit: average, period, burst, clientIpDepth']);
  });

  it('refuses retries that would not retry, or would retry what must not be', () => {
    expect(problems({ retry: { attempts: 1 } })).toEqual(['retry.attempts (1) must be within 2-10 (tries in all, the first included; leave retry out for a single try); pick a value in range']);
    expect(problems({ retry: { attempts: 11 } })).toEqual(['retry.attempts (11) must be within 2-10 (tries in all, the first included; leave retry out for a single try); pick a value in range']);
    expect(problems({ retry: { attempts: 3, onStatus: [404] } })).toEqual([
      'retry.onStatus[0] (404) must be 429 or a 5xx status: retrying any other 4xx repeats a request the server refused; drop it',
    ]);
    expect(problems({ retry: { attempts: 3, onStatus: [600] } })).toEqual(['retry.onStatus[0] (600) must be within 100-599 (an HTTP status); pick a value in range']);
    expect(problems({ retry: { attempts: 3, onStatus: [502, 502] } })).toEqual(['retry.onStatus[1] (502) is listed twice; list each status once']);
    expect(problems({ retry: { attempts: 3, onStatus: [] } })).toEqual([
      'retry.onStatus (an empty list) must list at least one status when given; leave onStatus out to retry network errors only',
    ]);
    expect(problems({ retry: { attempts: 3, initialInterval: Duration.minutes(2) } })).toEqual([
      'retry.initialInterval (2m) must be within 0-60 s (the first wait before a retry); pick a value in range',
    ]);
    expect(problems({ retry: { attempts: 3, timeout: Duration.seconds(0) } })).toEqual(['retry.timeout (0s) must be within 1 ms-1 h (how long retries may go on); pick a value in range']);
    expect(problems({ retry: { attempts: 3, timeout: Duration.millis(0.5) } })).toEqual(['retry.timeout (0.5 ms) must be a whole number of milliseconds; round it']);
    expect(problems({ retry: { attempts: 3, retryNonIdempotent: 'yes' } })).toEqual(['retry.retryNonIdempotent ("yes") must be true or false, not a string; fix the type']);
  });

  it('refuses a circuit breaker Traefik cannot parse', () => {
    expect(problems({ circuitBreaker: { expression: 'ErrorRatio() > 0.5' } })).toEqual([
      'circuitBreaker.expression ("ErrorRatio() > 0.5") calls "ErrorRatio", which Traefik does not know (its functions: NetworkErrorRatio(), ResponseCodeRatio(), LatencyAtQuantileMS()); use one of them',
    ]);
    expect(problems({ circuitBreaker: { expression: 'NetworkErrorRatio() > 0.5)' } })).toEqual(['circuitBreaker.expression ("NetworkErrorRatio() > 0.5)") has unbalanced parentheses; close every "(" once']);
    expect(problems({ circuitBreaker: { expression: 'NetworkErrorRatio()' } })).toEqual([
      'circuitBreaker.expression ("NetworkErrorRatio()") must compare a function\'s value with a threshold (e.g. NetworkErrorRatio() > 0.5); add the comparison',
    ]);
    expect(problems({ circuitBreaker: { expression: '' } })).toEqual([
      'circuitBreaker.expression ("") must not be empty; e.g. NetworkErrorRatio() > 0.5 || ResponseCodeRatio(500, 600, 0, 600) > 0.5',
    ]);
    expect(problems({ circuitBreaker: { expression: '0.5 > 0.1' } })).toEqual([
      'circuitBreaker.expression ("0.5 > 0.1") must call at least one of NetworkErrorRatio(), ResponseCodeRatio(), LatencyAtQuantileMS(); e.g. NetworkErrorRatio() > 0.5 || ResponseCodeRatio(500, 600, 0, 600) > 0.5',
    ]);
    expect(problems({ circuitBreaker: { expression: 'NetworkErrorRatio() > 0.5; rm' } })[0]).toContain('may hold only function calls, numbers, comparisons');
    expect(problems({ circuitBreaker: { responseCode: 99 } })).toEqual(['circuitBreaker.responseCode (99) must be within 100-599 (an HTTP status); pick a value in range']);
    expect(problems({ circuitBreaker: { fallbackDuration: Duration.seconds(0) } })).toEqual([
      'circuitBreaker.fallbackDuration (0s) must be within 1 ms-1 h (how long a tripped breaker answers itself); pick a value in range',
    ]);
    expect(problems({ circuitBreaker: { checkPeriod: Duration.minutes(2) } })).toEqual(['circuitBreaker.checkPeriod (2m) must be within 1 ms-60 s (how often the expression is checked); pick a value in range']);
    expect(problems({ circuitBreaker: { recoveryDuration: Duration.hours(2) } })).toEqual([
      'circuitBreaker.recoveryDuration (2h) must be within 1 ms-1 h (how long traffic comes back gradually); pick a value in range',
    ]);
    for (const ok of [TRAEFIK_CIRCUIT_BREAKER_DEFAULTS.expression, 'LatencyAtQuantileMS(50.0) > 100', 'ResponseCodeRatio(500, 600, 0, 600) > 0.25 && NetworkErrorRatio() >= 0.1']) {
      expect(circuitBreakerExpressionProblem(ok)).toBeUndefined();
    }
  });

  it('refuses a passive health check, body limit or timeout out of range', () => {
    expect(problems({ passiveHealthCheck: { maxFailedAttempts: 0 } })).toEqual(['passiveHealthCheck.maxFailedAttempts (0) must be within 1-100 (consecutive failures); pick a value in range']);
    expect(problems({ passiveHealthCheck: { failureWindow: Duration.millis(10) } })).toEqual([
      'passiveHealthCheck.failureWindow (10ms) must be within 1 s-1 h (the failure window, and how long a pod stays out); pick a value in range',
    ]);
    expect(problems({ maxRequestBody: Size.kibibytes(0.0001) })).toEqual(['maxRequestBody (0.0001Ki) must be a whole number of bytes; use Size.mebibytes(n)']);
    expect(problems({ maxRequestBody: 100 })).toEqual(['maxRequestBody (100) must be a finite cdk8s Size above 0; use Size.gibibytes(n) / Size.mebibytes(n) with a positive number']);
    expect(problems({ proxyTimeout: Duration.millis(500) })).toEqual(['proxyTimeout (500ms) must be within 1 s-24 h (the wait for response headers); pick a value in range']);
    expect(problems({ proxyTimeout: 300 })).toEqual(['proxyTimeout (300) must be a finite cdk8s Duration; use Duration.seconds(n) / Duration.minutes(n) with a real number']);
    expect(problems({ timeouts: {} })).toEqual([
      'timeouts is not a field; known fields: rateLimit, retry, circuitBreaker, passiveHealthCheck, maxRequestBody, proxyTimeout',
    ]);
  });
});

// ---- properties -----------------------------------------------------------------------------

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const ms = (min: number, max: number) => fc.integer({ min, max }).map((n) => Duration.millis(n));

/** Any options the schema accepts. */
const validOptions: fc.Arbitrary<TraefikRouteOptions> = fc.record(
  {
    rateLimit: opt(
      fc.record(
        { average: fc.integer({ min: 1, max: 1_000_000 }), period: opt(fc.integer({ min: 1, max: 3600 }).map((s) => Duration.seconds(s))), burst: opt(fc.integer({ min: 1, max: 100_000 })), clientIpDepth: opt(fc.integer({ min: 0, max: 32 })) },
        { requiredKeys: ['average'] },
      ),
    ),
    retry: opt(
      fc.record(
        {
          attempts: fc.integer({ min: 2, max: 10 }),
          initialInterval: opt(ms(0, 60_000)),
          onStatus: opt(fc.uniqueArray(fc.oneof(fc.constant(429), fc.integer({ min: 500, max: 599 })), { minLength: 1, maxLength: 5 })),
          retryNonIdempotent: opt(fc.boolean()),
          timeout: opt(ms(1, 3_600_000)),
        },
        { requiredKeys: ['attempts'] },
      ),
    ),
    circuitBreaker: opt(
      fc.record(
        {
          expression: opt(fc.constantFrom('NetworkErrorRatio() > 0.3', 'ResponseCodeRatio(500, 600, 0, 600) > 0.25', 'LatencyAtQuantileMS(99.0) > 5000')),
          checkPeriod: opt(ms(1, 60_000)),
          fallbackDuration: opt(ms(1, 3_600_000)),
          recoveryDuration: opt(ms(1, 3_600_000)),
          responseCode: opt(fc.integer({ min: 100, max: 599 })),
        },
        { requiredKeys: [] },
      ),
    ),
    passiveHealthCheck: opt(fc.record({ maxFailedAttempts: opt(fc.integer({ min: 1, max: 100 })), failureWindow: opt(ms(1000, 3_600_000)) }, { requiredKeys: [] })),
    maxRequestBody: opt(fc.integer({ min: 1, max: 1_000_000 }).map((k) => Size.kibibytes(k))),
    proxyTimeout: opt(ms(1000, 86_400_000)),
  },
  { requiredKeys: [] },
);

describe('any accepted options', () => {
  it('are accepted by the schema and give schema-valid Middlewares, ServersTransport and IngressRoute', async () => {
    const Middleware = await publishedModel('Middleware');
    const IngressRoute = await publishedModel('IngressRoute');
    const ServersTransport = await publishedModel('ServersTransport');
    fc.assert(
      fc.property(validOptions, (options) => {
        expect(zodProblems(traefikRouteOptionsSchema, options)).toEqual([]);
        const metadata = (name: string) => ({ name, namespace: 'ns' });
        const middlewares = traefikMiddlewares('api', options);
        // One middleware per rule asked for, each with exactly one kind.
        const asked = [options.rateLimit, options.maxRequestBody, options.circuitBreaker, options.retry].filter((x) => x !== undefined).length;
        expect(middlewares).toHaveLength(asked);
        for (const m of middlewares) {
          expect(Object.keys(m.spec)).toHaveLength(1);
          const obj = JSON.parse(JSON.stringify({ apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: metadata(m.name), spec: m.spec }));
          expect(() => new Middleware(obj).validate()).not.toThrow();
          expect(validateManifest(obj)).toEqual([]);
        }
        const transport = traefikServersTransportSpec(options);
        expect(transport !== undefined).toBe(options.proxyTimeout !== undefined);
        if (transport) {
          const obj = { apiVersion: 'traefik.io/v1alpha1', kind: 'ServersTransport', metadata: metadata('api-transport'), spec: transport };
          expect(() => new ServersTransport(obj).validate()).not.toThrow();
          expect(validateManifest(obj)).toEqual([]);
        }
        const spec = traefikIngressRouteSpec({ name: 'api', namespace: 'ns', host: 'a.example.com', entryPoints: ['websecure'], routes: [{ path: '/v1', serviceName: 's', port: 80 }], tlsSecretName: 't', options });
        const route = JSON.parse(JSON.stringify({ apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: metadata('api'), spec }));
        expect(() => new IngressRoute(route).validate()).not.toThrow();
        expect(validateManifest(route)).toEqual([]);
        expect(route.spec.routes[0].middlewares ?? []).toEqual(middlewares.map((m) => ({ name: m.name, namespace: 'ns' })));
        // Every rule asked for has its note where Traefik differs, and none appears unasked.
        const ids = traefikNotes(options).map((n) => n.id);
        expect(ids.includes('AII-W060')).toBe(options.rateLimit !== undefined);
        expect(ids.includes('AII-W063')).toBe(options.maxRequestBody !== undefined);
        expect(ids.includes('AII-W064')).toBe(options.proxyTimeout !== undefined);
        expect(ids.includes('AII-W065')).toBe(options.circuitBreaker !== undefined);
        expect(ids.includes('AII-W061')).toBe((options.retry?.onStatus?.length ?? 0) > 0);
      }),
      { numRuns: 150 },
    );
  });

  it('the rate Traefik computes (average / period) is the one asked for', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 3600 }), (average, periodSeconds) => {
        const spec = traefikMiddlewares('a', { rateLimit: { average, period: Duration.seconds(periodSeconds) } })[0].spec.rateLimit!;
        expect(spec.average).toBe(average);
        expect(spec.burst).toBe(average);
        expect(goDuration(Duration.seconds(periodSeconds))).toBe(spec.period);
      }),
    );
  });
});

describe('any refused options', () => {
  it('name the field path of the value out of range', () => {
    const bad = fc.oneof(
      fc.integer({ max: 0 }).map((average) => ({ input: { rateLimit: { average } }, path: 'rateLimit.average' })),
      fc.oneof(fc.integer({ max: 1 }), fc.integer({ min: 11 })).map((attempts) => ({ input: { retry: { attempts } }, path: 'retry.attempts' })),
      fc.integer({ min: 100, max: 499 }).filter((c) => c !== 429).map((c) => ({ input: { retry: { attempts: 2, onStatus: [c] } }, path: 'retry.onStatus[0]' })),
      fc.oneof(fc.integer({ max: 99 }), fc.integer({ min: 600 })).map((responseCode) => ({ input: { circuitBreaker: { responseCode } }, path: 'circuitBreaker.responseCode' })),
      fc.integer({ min: 0, max: 999 }).map((n) => ({ input: { proxyTimeout: Duration.millis(n) }, path: 'proxyTimeout' })),
      fc.string({ minLength: 1, maxLength: 12 }).filter((s) => /^[a-z]+$/.test(s) && !['rateLimit', 'retry', 'circuitBreaker', 'passiveHealthCheck', 'maxRequestBody', 'proxyTimeout'].includes(s)).map((k) => ({ input: { [k]: 1 }, path: k })),
    );
    fc.assert(
      fc.property(bad, ({ input, path }) => {
        const found = zodProblems(traefikRouteOptionsSchema, input);
        expect(found).toHaveLength(1);
        expect(found[0].startsWith(`${path} `)).toBe(true);
      }),
    );
  });
});
