import { Duration, Size } from 'cdk8s';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INGRESS_NGINX_NOTE_IDS } from '../../src/conventions';
import {
  INGRESS_NGINX_ANNOTATIONS,
  INGRESS_NGINX_ANNOTATION_PREFIX,
  INGRESS_NGINX_CONFIG_KEYS,
  INGRESS_NGINX_CONTROLLER_METRICS,
  INGRESS_NGINX_DEFAULTS,
  INGRESS_NGINX_LIMITS,
  INGRESS_NGINX_METRIC_SUBSTITUTES,
  IngressNginxOptions,
  NEXT_UPSTREAM_CONDITIONS,
  NextUpstreamCondition,
  SEED_CONTROLLER_METRICS,
  controllerMetricProblem,
  ingressNginxAnnotations,
  ingressNginxControllerConfig,
  ingressNginxHelmValues,
  ingressNginxKeepRegex,
  ingressNginxNotes,
  ingressNginxOptionsSchema,
  nginxSize,
  resolveIngressNginxOptions,
} from '../../src/providers/ingress-nginx';
import { zodProblems } from '../../src/spec/problems';

const P = INGRESS_NGINX_ANNOTATION_PREFIX;

/** Seed 003 (Opifex): 1000 requests per minute per client, 300 s proxy timeouts, 100 MB bodies. */
const SEED_003: IngressNginxOptions = {
  rateLimit: { requestsPerMinute: 1000 },
  timeouts: { read: Duration.seconds(300), send: Duration.seconds(300) },
  bodySize: Size.mebibytes(100),
};

/** Seed 002 (SutazAI) nginx.conf: least_conn, max_fails=3 fail_timeout=30s, keepalive 32, proxy_next_upstream*. */
const SEED_002: IngressNginxOptions = {
  loadBalancing: 'least-connections',
  passiveHealthCheck: { maxFails: 3, failTimeout: Duration.seconds(30) },
  upstreamKeepaliveConnections: 32,
  retry: { on: ['error', 'timeout', 'invalid_header', 'http_500', 'http_502', 'http_503'], timeout: Duration.seconds(5), tries: 3 },
};

const annotationsOf = (o: IngressNginxOptions) => ingressNginxAnnotations(resolveIngressNginxOptions(o));
const problemsOf = (o: unknown) => zodProblems(ingressNginxOptionsSchema, o);

/** The parsers' own value checks (controller-v1.15.1): proxy/main.go, ratelimit/main.go, loadbalancing/main.go, backendprotocol/main.go, parser/validators.go. */
const CONTROLLER_ACCEPTS: Record<string, (v: string) => boolean> = {
  'limit-rpm': (v) => /^\d+$/.test(v),
  'limit-rps': (v) => /^\d+$/.test(v),
  'limit-connections': (v) => /^\d+$/.test(v),
  'limit-burst-multiplier': (v) => /^\d+$/.test(v),
  'limit-allowlist': (v) => v.split(',').every((c) => /^[0-9a-f.:]+(\/\d+)?$/i.test(c)),
  'proxy-connect-timeout': (v) => /^\d+$/.test(v),
  'proxy-send-timeout': (v) => /^\d+$/.test(v),
  'proxy-read-timeout': (v) => /^\d+$/.test(v),
  'proxy-body-size': (v) => /^\d+[bkmg]?$/i.test(v),
  'proxy-next-upstream': (v) => /^((error|timeout|invalid_header|http_500|http_502|http_503|http_504|http_403|http_404|http_429|non_idempotent|off)\s?)+$/.test(v),
  'proxy-next-upstream-timeout': (v) => /^\d+$/.test(v),
  'proxy-next-upstream-tries': (v) => /^\d+$/.test(v),
  'proxy-buffering': (v) => v === 'on' || v === 'off',
  'load-balance': (v) => v === 'round_robin' || v === 'ewma',
  'backend-protocol': (v) => ['HTTP', 'HTTPS', 'GRPC', 'GRPCS'].includes(v),
};

/** Every key is in the verified table and every value is one its parser accepts. */
function expectControllerReads(annotations: Record<string, string>): void {
  for (const [key, value] of Object.entries(annotations)) {
    expect(key.startsWith(P)).toBe(true);
    const name = key.slice(P.length);
    expect(Object.keys(INGRESS_NGINX_ANNOTATIONS)).toContain(name);
    expect(CONTROLLER_ACCEPTS[name](value), `${key}: ${value}`).toBe(true);
  }
}

describe('ingress-nginx annotations: seed 003 (Opifex)', () => {
  const a = annotationsOf(SEED_003);

  it('limits each client to 1000 requests per minute with a burst of the limit itself', () => {
    expect(a[`${P}limit-rpm`]).toBe('1000');
    // The controller's burst is limit × multiplier (5 by default): 1 keeps 1000 per minute at 1000.
    expect(a[`${P}limit-burst-multiplier`]).toBe('1');
    expect(a[`${P}limit-rps`]).toBeUndefined();
    expect(a[`${P}limit-connections`]).toBeUndefined();
  });

  it('gives long-running operations 300 s proxy read and send timeouts, in whole seconds without a unit', () => {
    expect(a[`${P}proxy-read-timeout`]).toBe('300');
    expect(a[`${P}proxy-send-timeout`]).toBe('300');
    expect(a[`${P}proxy-connect-timeout`]).toBe('5');
  });

  it('accepts request bodies up to 100 MB as NGINX writes it', () => {
    expect(a[`${P}proxy-body-size`]).toBe('100m');
  });

  it('writes only annotations of the verified table, with values the parsers accept', () => {
    expectControllerReads(a);
  });

  it('notes the scope of the rate limit and asks the controller for 429 on refusal', () => {
    const o = resolveIngressNginxOptions(SEED_003);
    const notes = ingressNginxNotes(o, 'nginx');
    expect(notes.map((n) => n.id)).toEqual([INGRESS_NGINX_NOTE_IDS.rateLimitScope]);
    expect(notes[0].message).toContain('nginx.rateLimit.requestsPerMinute (1000) holds per client address as NGINX sees it ($binary_remote_addr) and per controller replica');
    expect(notes[0].message).toContain('refused requests get 503 unless the controller ConfigMap sets limit-req-status-code');
    expect(ingressNginxControllerConfig(o)).toEqual({ 'limit-req-status-code': '429' });
  });
});

describe('ingress-nginx annotations: seed 002 (SutazAI) upstream behaviour', () => {
  const o = resolveIngressNginxOptions(SEED_002);
  const a = ingressNginxAnnotations(o);
  const notes = ingressNginxNotes(o);

  it('passes failed requests on as proxy_next_upstream says: the same conditions, 5 s, 3 tries', () => {
    expect(a[`${P}proxy-next-upstream`]).toBe('error timeout invalid_header http_500 http_502 http_503');
    expect(a[`${P}proxy-next-upstream-timeout`]).toBe('5');
    expect(a[`${P}proxy-next-upstream-tries`]).toBe('3');
  });

  it('answers least_conn with ewma, and says so', () => {
    expect(a[`${P}load-balance`]).toBe('ewma');
    const note = notes.find((n) => n.id === INGRESS_NGINX_NOTE_IDS.leastConnections);
    expect(note?.message).toBe(
      'loadBalancing ("least-connections") is not a balancer of ingress-nginx (it has round_robin and ewma); load-balance: ewma is written instead, which sends each request to the faster of two randomly drawn pods by their recent response time, so busy pods get fewer requests; set loadBalancing to "ewma" or "round-robin" to say so',
    );
  });

  it('writes nothing for max_fails=3 fail_timeout=30s and notes what holds instead', () => {
    expect(Object.keys(a).filter((k) => /fail/.test(k))).toEqual([]);
    const note = notes.find((n) => n.id === INGRESS_NGINX_NOTE_IDS.passiveHealthCheck);
    expect(note?.message).toContain('passiveHealthCheck ("max_fails=3 fail_timeout=30s") has no ingress-nginx setting');
    expect(note?.message).toContain('retry.on: error timeout invalid_header http_500 http_502 http_503, at most 3 tries');
  });

  it('puts keepalive 32 into the controller ConfigMap, not the Ingress, and says so', () => {
    expect(Object.keys(a).filter((k) => /keepalive/.test(k))).toEqual([]);
    expect(ingressNginxControllerConfig(o)).toEqual({ 'upstream-keepalive-connections': '32' });
    expect(ingressNginxHelmValues(o)).toEqual({ controller: { config: { 'upstream-keepalive-connections': '32' } } });
    expect(notes.find((n) => n.id === INGRESS_NGINX_NOTE_IDS.upstreamKeepalive)?.message).toContain(
      'upstreamKeepaliveConnections (32) is no Ingress annotation: it is the controller ConfigMap key upstream-keepalive-connections (controller default 320), per NGINX worker and shared by every backend of the controller',
    );
  });

  it('gives one note per unsupported wish, in a stable order', () => {
    expect(notes.map((n) => n.id)).toEqual([INGRESS_NGINX_NOTE_IDS.leastConnections, INGRESS_NGINX_NOTE_IDS.passiveHealthCheck, INGRESS_NGINX_NOTE_IDS.upstreamKeepalive]);
    expectControllerReads(a);
  });
});

describe('ingress-nginx defaults', () => {
  it('resolves every default in one place: the controller\'s own values, a burst of 1 × the limit', () => {
    const o = resolveIngressNginxOptions();
    expect(o.timeouts.connect.toSeconds()).toBe(5);
    expect(o.timeouts.read.toSeconds()).toBe(60);
    expect(o.timeouts.send.toSeconds()).toBe(60);
    expect(nginxSize(o.bodySize)).toBe('1m');
    expect(o.loadBalancing).toBe('round-robin');
    expect(o.retry.on).toEqual(['error', 'timeout']);
    expect(o.retry.tries).toBe(3);
    expect(o.retry.timeout.toSeconds()).toBe(0);
    expect(o.backendProtocol).toBe('HTTP');
    expect(o.proxyBuffering).toBe(false);
    expect(o.rateLimit).toBeUndefined();
    expect(resolveIngressNginxOptions({ rateLimit: { connections: 10 } }).rateLimit).toEqual({ connections: 10, burstMultiplier: 1, allowlist: [] });
  });

  it('pins the defaults in the annotations, so the Ingress means the same whatever the controller ConfigMap says', () => {
    expect(annotationsOf({})).toEqual({
      [`${P}backend-protocol`]: 'HTTP',
      [`${P}load-balance`]: 'round_robin',
      [`${P}proxy-body-size`]: '1m',
      [`${P}proxy-buffering`]: 'off',
      [`${P}proxy-connect-timeout`]: '5',
      [`${P}proxy-next-upstream`]: 'error timeout',
      [`${P}proxy-next-upstream-timeout`]: '0',
      [`${P}proxy-next-upstream-tries`]: '3',
      [`${P}proxy-read-timeout`]: '60',
      [`${P}proxy-send-timeout`]: '60',
    });
    expect(ingressNginxNotes(resolveIngressNginxOptions())).toEqual([]);
    expect(ingressNginxControllerConfig(resolveIngressNginxOptions())).toEqual({});
  });

  it('does not share the default lists between resolutions', () => {
    const a = resolveIngressNginxOptions();
    (a.retry.on as NextUpstreamCondition[]).push('http_502');
    expect(resolveIngressNginxOptions().retry.on).toEqual(['error', 'timeout']);
    expect(INGRESS_NGINX_DEFAULTS.retry.on).toEqual(['error', 'timeout']);
  });

  it('writes "off" for an empty retry list, the allowlist comma-separated, and the other limits', () => {
    const a = annotationsOf({ retry: { on: [] }, rateLimit: { requestsPerSecond: 20, connections: 8, burstMultiplier: 3, allowlist: ['10.0.0.0/8', '192.0.2.1/32'] } });
    expect(a[`${P}proxy-next-upstream`]).toBe('off');
    expect(a[`${P}limit-rps`]).toBe('20');
    expect(a[`${P}limit-connections`]).toBe('8');
    expect(a[`${P}limit-burst-multiplier`]).toBe('3');
    expect(a[`${P}limit-allowlist`]).toBe('10.0.0.0/8,192.0.2.1/32');
    expectControllerReads(a);
  });

  it('asks the Helm chart for the metrics Service when a ServiceMonitor will scrape the controller', () => {
    expect(ingressNginxHelmValues(resolveIngressNginxOptions(), { metrics: true })).toEqual({
      controller: { config: {}, metrics: { enabled: true, service: { enabled: true }, serviceMonitor: { enabled: false } } },
    });
  });

  it('names only ConfigMap keys of its verified table', () => {
    const config = ingressNginxControllerConfig(resolveIngressNginxOptions({ ...SEED_002, ...SEED_003 }));
    expect(Object.keys(config).every((k) => k in INGRESS_NGINX_CONFIG_KEYS)).toBe(true);
    expect(config).toEqual({ 'limit-req-status-code': '429', 'upstream-keepalive-connections': '32' });
  });
});

describe('nginxSize', () => {
  it('writes the largest binary unit that divides the size', () => {
    expect(nginxSize(Size.mebibytes(100))).toBe('100m');
    expect(nginxSize(Size.gibibytes(2))).toBe('2g');
    expect(nginxSize(Size.mebibytes(1024))).toBe('1g');
    expect(nginxSize(Size.kibibytes(1536))).toBe('1536k');
  });
});

describe('ingress-nginx option validation', () => {
  const cases: [string, unknown, string][] = [
    ['an unknown field', { limitRpm: 5 }, 'limitRpm is not a field; known fields: rateLimit, timeouts'],
    ['a rate limit without a limit', { rateLimit: { burstMultiplier: 2 } }, 'rateLimit (an object) sets no limit (the controller writes no rate limit without limit-rpm, limit-rps or limit-connections); set requestsPerMinute, requestsPerSecond or connections, or leave rateLimit out'],
    ['a zero rate', { rateLimit: { requestsPerMinute: 0 } }, 'rateLimit.requestsPerMinute (0) must be at least 1 (limit-rpm); pick a value in range'],
    ['a fractional rate', { rateLimit: { requestsPerSecond: 1.5 } }, 'rateLimit.requestsPerSecond (1.5) must be a whole number (limit-rps); round it'],
    ['a zero connection limit', { rateLimit: { connections: 0 } }, 'rateLimit.connections (0) must be at least 1 (limit-connections); pick a value in range'],
    ['a zero burst multiplier', { rateLimit: { requestsPerMinute: 1000, burstMultiplier: 0 } }, 'rateLimit.burstMultiplier (0) must be at least 1 (limit-burst-multiplier); pick a value in range'],
    ['a burst above int32', { rateLimit: { requestsPerMinute: 2 ** 30, burstMultiplier: 4 } }, 'rateLimit.burstMultiplier (4) makes the burst of requestsPerMinute (1073741824 × 4) exceed 2147483647; lower the multiplier or the limit'],
    ['an empty allowlist', { rateLimit: { connections: 5, allowlist: [] } }, 'rateLimit.allowlist (an empty list) must name at least one CIDR when given; leave allowlist out to limit every client'],
    ['a bad allowlist CIDR', { rateLimit: { connections: 5, allowlist: ['10.0.0.0/33'] } }, 'rateLimit.allowlist[0] ("10.0.0.0/33")'],
    ['a connect timeout above 75 s', { timeouts: { connect: Duration.seconds(76) } }, 'timeouts.connect (1m16s) must be a whole number of seconds within 1-75 s (proxy-connect-timeout; the controller reads whole seconds); pick a value in range'],
    ['a fractional read timeout', { timeouts: { read: Duration.millis(1500) } }, 'timeouts.read (1s500ms) must be a whole number of seconds within 1-86400 s (proxy-read-timeout; the controller reads whole seconds); pick a value in range'],
    ['a zero send timeout', { timeouts: { send: Duration.seconds(0) } }, 'timeouts.send (0s) must be a whole number of seconds within 1-86400 s (proxy-send-timeout; the controller reads whole seconds)'],
    ['a read timeout above a day', { timeouts: { read: Duration.days(2) } }, 'timeouts.read (2d) must be a whole number of seconds within 1-86400 s'],
    ['a timeout given as a number', { timeouts: { read: 300 } }, 'timeouts.read (300) must be a finite cdk8s Duration'],
    ['half a KiB of body', { bodySize: Size.kibibytes(0.5) }, 'bodySize (0.5Ki) must be a whole number of KiB within 1 KiB-1024 GiB (proxy-body-size takes k, m or g); e.g. Size.mebibytes(100)'],
    ['a body size above 1024 GiB', { bodySize: Size.gibibytes(2048) }, 'bodySize (2048Gi) must be a whole number of KiB within 1 KiB-1024 GiB'],
    ['a body size as a string', { bodySize: '100m' }, 'bodySize ("100m") must be a finite cdk8s Size above 0'],
    ['least_conn spelt as NGINX does', { loadBalancing: 'least_conn' }, 'loadBalancing ("least_conn") must be "round-robin", "ewma" or "least-connections" (NGINX\'s least_conn, which the controller answers with ewma); pick one'],
    ['a condition listed twice', { retry: { on: ['error', 'error'] } }, 'retry.on[1] ("error") is listed twice; list each condition once'],
    ['an unknown condition', { retry: { on: ['http_418'] } }, 'retry.on[0] ("http_418") must be one of "error", "timeout", "invalid_header", "http_500"'],
    ['zero tries', { retry: { tries: 0 } }, 'retry.tries (0) must be at least 1 (proxy-next-upstream-tries; 0 would retry without end); pick a value in range'],
    ['a fractional retry timeout', { retry: { timeout: Duration.millis(2500) } }, 'retry.timeout (2s500ms) must be a whole number of seconds within 0-86400 s (proxy-next-upstream-timeout, 0 s for no limit; the controller reads whole seconds)'],
    ['negative max_fails', { passiveHealthCheck: { maxFails: -1, failTimeout: Duration.seconds(30) } }, 'passiveHealthCheck.maxFails (-1) must be at least 0 (max_fails); pick a value in range'],
    ['a zero fail_timeout', { passiveHealthCheck: { maxFails: 3, failTimeout: Duration.seconds(0) } }, 'passiveHealthCheck.failTimeout (0s) must be a whole number of seconds within 1-86400 s (fail_timeout; as nginx.conf writes it)'],
    ['negative keepalive', { upstreamKeepaliveConnections: -1 }, 'upstreamKeepaliveConnections (-1) must be at least 0 (upstream-keepalive-connections); pick a value in range'],
    ['a protocol the construct does not write', { backendProtocol: 'FCGI' }, 'backendProtocol ("FCGI") must be one of "HTTP", "HTTPS", "GRPC", "GRPCS"'],
    ['buffering as a string', { proxyBuffering: 'off' }, 'proxyBuffering ("off") must be true or false, not a string; fix the type'],
  ];
  it.each(cases)('refuses %s with the field path, the value, the rule and the fix', (_what, input, message) => {
    expect(problemsOf(input).join('\n')).toContain(message);
  });

  it('accepts both seeds', () => {
    expect(problemsOf(SEED_003)).toEqual([]);
    expect(problemsOf(SEED_002)).toEqual([]);
    expect(problemsOf({ ...SEED_002, ...SEED_003 })).toEqual([]);
  });
});

describe('ingress-nginx controller metrics', () => {
  const seedRegex = 'nginx_ingress_controller_(request_duration_seconds|requests|bytes_sent|bytes_received|connections|ssl_certificate_expiry_seconds)';
  const keeps = (regex: string, series: string) => new RegExp(`^(?:${regex})$`).test(series);

  it('keeps the series of the seed\'s families by their real names, histograms by _bucket, _sum and _count', () => {
    const regex = ingressNginxKeepRegex(SEED_CONTROLLER_METRICS);
    expect(regex).toBe(
      'nginx_ingress_controller_(request_duration_seconds_(bucket|sum|count)|requests|bytes_sent_(bucket|sum|count)|request_size_(bucket|sum|count)|nginx_process_connections|ssl_expire_time_seconds)',
    );
    for (const series of [
      'nginx_ingress_controller_request_duration_seconds_bucket',
      'nginx_ingress_controller_request_duration_seconds_sum',
      'nginx_ingress_controller_request_duration_seconds_count',
      'nginx_ingress_controller_requests',
      'nginx_ingress_controller_bytes_sent_bucket',
      'nginx_ingress_controller_request_size_count',
      'nginx_ingress_controller_nginx_process_connections',
      'nginx_ingress_controller_ssl_expire_time_seconds',
    ]) {
      expect(keeps(regex, series), series).toBe(true);
    }
    for (const series of ['nginx_ingress_controller_response_size_bucket', 'nginx_ingress_controller_nginx_process_connections_total', 'nginx_ingress_controller_requests_total']) {
      expect(keeps(regex, series), series).toBe(false);
    }
  });

  it('shows why the seed\'s regex would not do: Prometheus anchors it, so the histograms and three names match nothing exported', () => {
    expect(keeps(seedRegex, 'nginx_ingress_controller_request_duration_seconds_bucket')).toBe(false);
    expect(keeps(seedRegex, 'nginx_ingress_controller_bytes_sent_bucket')).toBe(false);
    for (const wrong of ['nginx_ingress_controller_bytes_received', 'nginx_ingress_controller_connections', 'nginx_ingress_controller_ssl_certificate_expiry_seconds']) {
      expect(wrong in INGRESS_NGINX_CONTROLLER_METRICS).toBe(false);
      expect(INGRESS_NGINX_METRIC_SUBSTITUTES[wrong] in INGRESS_NGINX_CONTROLLER_METRICS).toBe(true);
    }
  });

  it('refuses a family the controller does not export, naming the real one', () => {
    expect(controllerMetricProblem('nginx_ingress_controller_ssl_certificate_expiry_seconds')).toBe(
      'is not exported by ingress-nginx (controller-v1.15.1); use nginx_ingress_controller_ssl_expire_time_seconds',
    );
    expect(controllerMetricProblem('nginx_ingress_controller_request_duration_seconds_bucket')).toBe(
      'is a series of the histogram nginx_ingress_controller_request_duration_seconds; name the family, its series are kept together',
    );
    expect(controllerMetricProblem('nginx_ingress_controller_upstream_latency_seconds')).toContain('is not an ingress-nginx controller metric family (controller-v1.15.1); use one of nginx_ingress_controller_requests');
    expect(controllerMetricProblem('nginx_ingress_controller_requests')).toBeUndefined();
  });
});

// ---- property tests ------------------------------------------------------------------------

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const secondsIn = ([min, max]: readonly [number, number]) => fc.integer({ min, max }).map((s) => Duration.seconds(s));

const validRateLimit = fc
  .record({
    requestsPerMinute: opt(fc.integer({ min: 1, max: 1_000_000 })),
    requestsPerSecond: opt(fc.integer({ min: 1, max: 100_000 })),
    connections: opt(fc.integer({ min: 1, max: 10_000 })),
    burstMultiplier: opt(fc.integer({ min: 1, max: 100 })),
    allowlist: opt(fc.subarray(['10.0.0.0/8', '192.0.2.0/24', '2001:db8::/32'], { minLength: 1 })),
  })
  .filter((r) => r.requestsPerMinute !== undefined || r.requestsPerSecond !== undefined || r.connections !== undefined);

const validOptions: fc.Arbitrary<IngressNginxOptions> = fc.record(
  {
    rateLimit: validRateLimit,
    timeouts: fc.record(
      { connect: secondsIn(INGRESS_NGINX_LIMITS.connectTimeoutSeconds), read: secondsIn(INGRESS_NGINX_LIMITS.readSendTimeoutSeconds), send: secondsIn(INGRESS_NGINX_LIMITS.readSendTimeoutSeconds) },
      { requiredKeys: [] },
    ),
    bodySize: fc.oneof(fc.integer({ min: 1, max: 4096 }).map((n) => Size.kibibytes(n)), fc.integer({ min: 1, max: 1024 }).map((n) => Size.mebibytes(n)), fc.integer({ min: 1, max: 64 }).map((n) => Size.gibibytes(n))),
    loadBalancing: fc.constantFrom('round-robin' as const, 'ewma' as const, 'least-connections' as const),
    retry: fc.record(
      { on: fc.subarray([...NEXT_UPSTREAM_CONDITIONS]), tries: fc.integer({ min: 1, max: 20 }), timeout: secondsIn(INGRESS_NGINX_LIMITS.retryTimeoutSeconds) },
      { requiredKeys: [] },
    ),
    passiveHealthCheck: fc.record({ maxFails: fc.integer({ min: 0, max: 100 }), failTimeout: secondsIn(INGRESS_NGINX_LIMITS.failTimeoutSeconds) }),
    upstreamKeepaliveConnections: fc.integer({ min: 0, max: 10_000 }),
    backendProtocol: fc.constantFrom('HTTP' as const, 'HTTPS' as const, 'GRPC' as const, 'GRPCS' as const),
    proxyBuffering: fc.boolean(),
  },
  { requiredKeys: [] },
);

const inRange = (value: string | undefined, [min, max]: readonly [number, number]) => value !== undefined && /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max;

describe('ingress-nginx: any accepted option set', () => {
  it('writes only verified annotations, each within the range its parser and NGINX accept', () => {
    fc.assert(
      fc.property(validOptions, (options) => {
        expect(problemsOf(options)).toEqual([]);
        const o = resolveIngressNginxOptions(options);
        const a = ingressNginxAnnotations(o);
        expectControllerReads(a);
        expect(inRange(a[`${P}proxy-connect-timeout`], INGRESS_NGINX_LIMITS.connectTimeoutSeconds)).toBe(true);
        expect(inRange(a[`${P}proxy-read-timeout`], INGRESS_NGINX_LIMITS.readSendTimeoutSeconds)).toBe(true);
        expect(inRange(a[`${P}proxy-send-timeout`], INGRESS_NGINX_LIMITS.readSendTimeoutSeconds)).toBe(true);
        expect(inRange(a[`${P}proxy-next-upstream-timeout`], INGRESS_NGINX_LIMITS.retryTimeoutSeconds)).toBe(true);
        expect(inRange(a[`${P}proxy-next-upstream-tries`], INGRESS_NGINX_LIMITS.retryTries)).toBe(true);
        expect(a[`${P}load-balance`]).toBe(options.loadBalancing === 'ewma' || options.loadBalancing === 'least-connections' ? 'ewma' : 'round_robin');
        const r = options.rateLimit;
        expect(a[`${P}limit-rpm`]).toBe(r?.requestsPerMinute?.toString());
        expect(a[`${P}limit-rps`]).toBe(r?.requestsPerSecond?.toString());
        expect(a[`${P}limit-connections`]).toBe(r?.connections?.toString());
        expect(a[`${P}limit-burst-multiplier`]).toBe(r ? String(r.burstMultiplier ?? 1) : undefined);
        const multiplier = Number(a[`${P}limit-burst-multiplier`] ?? 1);
        for (const key of ['limit-rpm', 'limit-rps', 'limit-connections']) {
          if (a[`${P}${key}`] !== undefined) expect(Number(a[`${P}${key}`]) * multiplier).toBeLessThanOrEqual(2 ** 31 - 1);
        }
        // Each unsupported wish has its note; nothing else does.
        const ids = ingressNginxNotes(o).map((n) => n.id);
        expect(ids.includes(INGRESS_NGINX_NOTE_IDS.leastConnections)).toBe(options.loadBalancing === 'least-connections');
        expect(ids.includes(INGRESS_NGINX_NOTE_IDS.passiveHealthCheck)).toBe(options.passiveHealthCheck !== undefined);
        expect(ids.includes(INGRESS_NGINX_NOTE_IDS.upstreamKeepalive)).toBe(options.upstreamKeepaliveConnections !== undefined);
        expect(ids.includes(INGRESS_NGINX_NOTE_IDS.rateLimitScope)).toBe(r !== undefined);
        expect(ingressNginxControllerConfig(o)['upstream-keepalive-connections']).toBe(options.upstreamKeepaliveConnections?.toString());
      }),
      { numRuns: 200 },
    );
  });
});

/** One field made invalid, with the path a problem must name. */
const invalidField: fc.Arbitrary<{ patch: Record<string, unknown>; path: string }> = fc.oneof(
  fc.integer({ min: -1000, max: 0 }).map((n) => ({ patch: { rateLimit: { requestsPerMinute: n } }, path: 'rateLimit.requestsPerMinute' })),
  fc.double({ min: 1.01, max: 1000, noNaN: true }).filter((n) => !Number.isInteger(n)).map((n) => ({ patch: { rateLimit: { requestsPerSecond: n } }, path: 'rateLimit.requestsPerSecond' })),
  fc.integer({ min: -10, max: 0 }).map((n) => ({ patch: { rateLimit: { connections: 5, burstMultiplier: n } }, path: 'rateLimit.burstMultiplier' })),
  fc.integer({ min: 76, max: 100_000 }).map((s) => ({ patch: { timeouts: { connect: Duration.seconds(s) } }, path: 'timeouts.connect' })),
  fc.integer({ min: 86_401, max: 10_000_000 }).map((s) => ({ patch: { timeouts: { read: Duration.seconds(s) } }, path: 'timeouts.read' })),
  fc.integer({ min: 1, max: 999 }).map((ms) => ({ patch: { timeouts: { send: Duration.millis(60_000 + ms) } }, path: 'timeouts.send' })),
  fc.integer({ min: 1, max: 1023 }).map((b) => ({ patch: { bodySize: Size.kibibytes(b / 1024) }, path: 'bodySize' })),
  fc.string().filter((s) => !['round-robin', 'ewma', 'least-connections'].includes(s)).map((s) => ({ patch: { loadBalancing: s }, path: 'loadBalancing' })),
  fc.string({ minLength: 1 }).filter((s) => !(NEXT_UPSTREAM_CONDITIONS as readonly string[]).includes(s)).map((s) => ({ patch: { retry: { on: ['error', s] } }, path: 'retry.on[1]' })),
  fc.integer({ min: -5, max: 0 }).map((n) => ({ patch: { retry: { tries: n } }, path: 'retry.tries' })),
  fc.integer({ min: -100, max: -1 }).map((n) => ({ patch: { upstreamKeepaliveConnections: n }, path: 'upstreamKeepaliveConnections' })),
  fc.integer({ min: -100, max: -1 }).map((n) => ({ patch: { passiveHealthCheck: { maxFails: n, failTimeout: Duration.seconds(30) } }, path: 'passiveHealthCheck.maxFails' })),
  fc.constantFrom('AUTO_HTTP', 'FCGI', 'http2').map((p) => ({ patch: { backendProtocol: p }, path: 'backendProtocol' })),
  fc.string({ minLength: 1 }).filter((k) => !(k in ingressNginxOptionsSchema.shape)).map((k) => ({ patch: { [k]: 1 }, path: k })),
);

describe('ingress-nginx: any option set with one bad field', () => {
  it('is refused with a problem naming that field', () => {
    fc.assert(
      fc.property(validOptions, invalidField, (options, { patch, path }) => {
        const input = { ...options, ...patch };
        const problems = problemsOf(input);
        expect(problems.length).toBeGreaterThan(0);
        expect(problems.some((p) => p.startsWith(`${path} `)), `${path}: ${problems.join(' | ')}`).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
