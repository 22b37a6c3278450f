import { Chart, Duration, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraefikIngressRoute, TraefikIngressRouteProps } from '../../src/constructs/traefik-ingress-route';
import { expectValidManifests, validateManifest } from '../helpers/k8s-schema';
import { Manifest, errorOf, only, synth, synthError } from '../support';

const NS = 'opifex-system';

/** A ClusterIP Service of a workload, as NlbService.internal would be. */
function service(chart: Chart, name: string, ports: number[] = [8000], namespace: string | null = NS): k8s.KubeService {
  return new k8s.KubeService(chart, name, {
    metadata: { name, namespace: namespace ?? undefined },
    spec: { type: 'ClusterIP', selector: { 'app.kubernetes.io/name': name }, ports: ports.map((port) => ({ name: `p${port}`, port, targetPort: k8s.IntOrString.fromNumber(port) })) },
  });
}

/** Seed 003: api.opifex.example.com, two workloads, Let's Encrypt, 1000/min per client, 300 s, 100 MB. */
function seed003(chart: Chart, more: Partial<TraefikIngressRouteProps> = {}): TraefikIngressRoute {
  return new TraefikIngressRoute(chart, 'Api', {
    name: 'opifex-api',
    namespace: NS,
    host: 'api.opifex.example.com',
    tls: { clusterIssuer: 'letsencrypt-prod' },
    routes: [
      { path: '/api/v1/l2o', service: service(chart, 'l2o-optimizer-service'), port: 8000 },
      { path: '/api/v1/neural-operators', service: service(chart, 'neural-operator-service'), port: 8000 },
    ],
    traefik: {
      rateLimit: { average: 1000, period: Duration.minutes(1) }, // per client IP
      proxyTimeout: Duration.seconds(300),
      maxRequestBody: Size.mebibytes(100),
    },
    ...more,
  });
}

const traefikObjects = (objects: Manifest[]) => objects.filter((o) => o.apiVersion === 'traefik.io/v1alpha1');

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

/** Every Traefik object through the published model and the v3.7.9 CRD in crds/; the rest through k8s-schema. */
async function expectValid(objects: Manifest[]) {
  for (const obj of traefikObjects(objects)) {
    const Model = await publishedModel(obj.kind);
    expect(() => new Model(obj).validate(), `${obj.kind}/${obj.metadata.name}`).not.toThrow();
  }
  // Core kinds, the cert-manager Certificate and the Traefik kinds, against crds/ (unknown fields refused).
  expectValidManifests(objects);
}

describe('TraefikIngressRoute, seed 003', () => {
  it('emits the Certificate, the Middlewares, the ServersTransport and then the IngressRoute, all in opifex-system', async () => {
    const objects = synth((chart) => void seed003(chart));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Service/l2o-optimizer-service',
      'Service/neural-operator-service',
      'Certificate/opifex-api-tls',
      'Middleware/opifex-api-rate-limit',
      'Middleware/opifex-api-body-limit',
      'ServersTransport/opifex-api-transport',
      'IngressRoute/opifex-api',
    ]);
    for (const o of objects) expect(o.metadata.namespace).toBe(NS);
    await expectValid(objects);
  });

  it('routes api.opifex.example.com/api/v1/l2o and /api/v1/neural-operators to their Services on websecure, through both Middlewares', () => {
    const route = only(synth((chart) => void seed003(chart)), 'IngressRoute', 'opifex-api');
    expect(route.apiVersion).toBe('traefik.io/v1alpha1');
    const middlewares = [
      { name: 'opifex-api-rate-limit', namespace: NS },
      { name: 'opifex-api-body-limit', namespace: NS },
    ];
    expect(route.spec).toEqual({
      entryPoints: ['websecure'],
      routes: [
        {
          kind: 'Rule',
          match: 'Host(`api.opifex.example.com`) && (Path(`/api/v1/l2o`) || PathPrefix(`/api/v1/l2o/`))',
          middlewares,
          services: [{ kind: 'Service', name: 'l2o-optimizer-service', namespace: NS, port: 8000, serversTransport: 'opifex-api-transport' }],
        },
        {
          kind: 'Rule',
          match: 'Host(`api.opifex.example.com`) && (Path(`/api/v1/neural-operators`) || PathPrefix(`/api/v1/neural-operators/`))',
          middlewares,
          services: [{ kind: 'Service', name: 'neural-operator-service', namespace: NS, port: 8000, serversTransport: 'opifex-api-transport' }],
        },
      ],
      tls: { secretName: 'opifex-api-tls' },
    });
  });

  it('gets the TLS Secret from a cert-manager Certificate of the Let\'s Encrypt ClusterIssuer for the host', () => {
    const objects = synth((chart) => void seed003(chart));
    const certificate = only(objects, 'Certificate', 'opifex-api-tls');
    expect(certificate.apiVersion).toBe('cert-manager.io/v1');
    expect(certificate.spec).toEqual({
      secretName: 'opifex-api-tls',
      dnsNames: ['api.opifex.example.com'],
      issuerRef: { name: 'letsencrypt-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    });
    expect(only(objects, 'IngressRoute').spec.tls.secretName).toBe(certificate.spec.secretName);
    expect(validateManifest(certificate)).toEqual([]);
    expect(validateManifest({ ...certificate, spec: { ...certificate.spec, issuer: 'x' } })).not.toEqual([]);
  });

  it('limits 1000 requests per minute per client IP, bodies to 100 MiB, and waits 300 s for response headers', () => {
    const objects = synth((chart) => void seed003(chart));
    expect(only(objects, 'Middleware', 'opifex-api-rate-limit').spec).toEqual({
      rateLimit: { average: 1000, period: '1m', burst: 1000, sourceCriterion: { ipStrategy: {} } },
    });
    expect(only(objects, 'Middleware', 'opifex-api-body-limit').spec).toEqual({ buffering: { maxRequestBodyBytes: 100 * 1024 * 1024 } });
    expect(only(objects, 'ServersTransport', 'opifex-api-transport').spec).toEqual({ forwardingTimeouts: { responseHeaderTimeout: '5m' } });
  });

  it('says what Traefik does instead, with the warning ids the chart prints', () => {
    let construct: TraefikIngressRoute | undefined;
    synth((chart) => void (construct = seed003(chart)));
    expect(construct!.notes.map((n) => n.id)).toEqual(['AII-W060', 'AII-W063', 'AII-W064']);
    expect(construct!.tlsSecretName).toBe('opifex-api-tls');
    expect(construct!.middlewares.map((m) => m.name)).toEqual(['opifex-api-rate-limit', 'opifex-api-body-limit']);
    expect(construct!.serversTransport?.name).toBe('opifex-api-transport');
    expect(construct!.ingressRoute.kind).toBe('IngressRoute');
    expect(construct!.certificate.kind).toBe('Certificate');
  });

  it('is the same YAML every time', () => {
    expect(synth((chart) => void seed003(chart))).toEqual(synth((chart) => void seed003(chart)));
  });
});

describe('TraefikIngressRoute, seed 002', () => {
  it('retries 3 tries on 500, 502, 503 within 5 s inside a circuit breaker, and takes a pod out after 3 failures in 30 s', async () => {
    const objects = synth((chart) => {
      new TraefikIngressRoute(chart, 'Api', {
        name: 'sutazai-api',
        namespace: 'sutazai',
        host: 'api.sutazai.example.com',
        tls: { clusterIssuer: 'letsencrypt-prod', secretName: 'sutazai-tls' },
        routes: [{ path: '/api/', service: service(chart, 'sutazai-backend', [8000], 'sutazai'), port: 8000 }],
        traefik: {
          retry: { attempts: 3, onStatus: [500, 502, 503], timeout: Duration.seconds(5) },
          circuitBreaker: {},
          passiveHealthCheck: { maxFailedAttempts: 3, failureWindow: Duration.seconds(30) },
        },
      });
    });
    const route = only(objects, 'IngressRoute', 'sutazai-api');
    expect(route.spec.routes).toEqual([
      {
        kind: 'Rule',
        match: 'Host(`api.sutazai.example.com`) && (Path(`/api`) || PathPrefix(`/api/`))',
        middlewares: [
          { name: 'sutazai-api-circuit-breaker', namespace: 'sutazai' },
          { name: 'sutazai-api-retry', namespace: 'sutazai' },
        ],
        services: [{ kind: 'Service', name: 'sutazai-backend', namespace: 'sutazai', port: 8000, passiveHealthCheck: { maxFailedAttempts: 3, failureWindow: '30s' } }],
      },
    ]);
    expect(route.spec.tls).toEqual({ secretName: 'sutazai-tls' });
    expect(only(objects, 'Certificate', 'sutazai-tls').spec.secretName).toBe('sutazai-tls');
    expect(only(objects, 'Middleware', 'sutazai-api-retry').spec).toEqual({ retry: { attempts: 3, initialInterval: '100ms', status: ['500', '502', '503'], timeout: '5s' } });
    expect(only(objects, 'Middleware', 'sutazai-api-circuit-breaker').spec.circuitBreaker).toEqual({
      expression: 'NetworkErrorRatio() > 0.5 || ResponseCodeRatio(500, 600, 0, 600) > 0.5',
      checkPeriod: '100ms',
      fallbackDuration: '10s',
      recoveryDuration: '10s',
      responseCode: 503,
    });
    expect(objects.some((o) => o.kind === 'ServersTransport')).toBe(false);
    await expectValid(objects);
  });
});

describe('TraefikIngressRoute props', () => {
  it('binds to the entry points given, labels every object, and emits only what is asked', () => {
    const objects = synth((chart) => {
      new TraefikIngressRoute(chart, 'Api', {
        name: 'web',
        namespace: 'apps',
        host: 'web.example.com',
        tls: { clusterIssuer: 'internal-ca' },
        routes: [{ path: '/', service: service(chart, 'web', [80, 443], 'apps'), port: 443 }],
        entryPoints: ['websecure', 'internal'],
        labels: { 'app.kubernetes.io/part-of': 'opifex' },
      });
    });
    expect(objects.filter((o) => o.kind !== 'Service').map((o) => o.kind)).toEqual(['Certificate', 'IngressRoute']);
    for (const o of objects.filter((x) => x.kind !== 'Service')) expect(o.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'opifex' });
    const route = only(objects, 'IngressRoute');
    expect(route.spec.entryPoints).toEqual(['websecure', 'internal']);
    expect(route.spec.routes[0]).toEqual({ kind: 'Rule', match: 'Host(`web.example.com`) && PathPrefix(`/`)', services: [{ kind: 'Service', name: 'web', namespace: 'apps', port: 443 }] });
  });

  it('accepts a Service without a namespace (it lands where the chart is applied)', () => {
    const objects = synth((chart) => {
      new TraefikIngressRoute(chart, 'Api', { name: 'a', namespace: 'apps', host: 'a.example.com', tls: { clusterIssuer: 'ca' }, routes: [{ path: '/v1', service: service(chart, 'a', [80], null), port: 80 }] });
    });
    expect(only(objects, 'IngressRoute').spec.routes[0].services[0]).toEqual({ kind: 'Service', name: 'a', namespace: 'apps', port: 80 });
  });
});

describe('TraefikIngressRoute validation', () => {
  const base = (chart: Chart, routes?: TraefikIngressRouteProps['routes']): TraefikIngressRouteProps => ({
    name: 'opifex-api',
    namespace: NS,
    host: 'api.opifex.example.com',
    tls: { clusterIssuer: 'letsencrypt-prod' },
    routes: routes ?? [{ path: '/api/v1/l2o', service: service(chart, 'l2o-optimizer-service'), port: 8000 }],
  });
  const build = (change: (chart: Chart, p: TraefikIngressRouteProps) => unknown) =>
    errorOf(() => synth((chart) => void new TraefikIngressRoute(chart, 'Api', change(chart, base(chart)) as TraefikIngressRouteProps)));

  it('names the construct and every bad field at once', () => {
    const message = build((_c, p) => ({ ...p, name: 'Opifex', host: 'localhost' }));
    expect(message).toContain('TraefikIngressRoute test/Api is invalid:');
    expect(message).toContain('name ("Opifex") must be an RFC 1123 label');
    expect(message).toContain('host ("localhost") must be a fully qualified host name, e.g. api.example.com; give the public name clients use');
  });

  it('refuses a route path that does not start with "/", or that would end a Traefik rule string', () => {
    expect(build((_c, p) => ({ ...p, routes: [{ ...p.routes[0], path: 'api/v1' }] }))).toContain(
      'routes[0].path ("api/v1") must be an absolute HTTP path starting with "/", without spaces, query or fragment; e.g. /health',
    );
    expect(build((_c, p) => ({ ...p, routes: [{ ...p.routes[0], path: '/a`b' }] }))).toContain(
      'routes[0].path ("/a`b") must not contain a backquote (it would end the path\'s string in the Traefik rule); remove it',
    );
  });

  it('refuses the same path twice, a trailing "/" included', () => {
    expect(build((_c, p) => ({ ...p, routes: [p.routes[0], { ...p.routes[0], path: '/api/v1/l2o/' }] }))).toContain(
      'routes[1].path ("/api/v1/l2o/") is the same path as routes[0].path (a trailing "/" makes no other path), and Traefik would pick either; give each path one route',
    );
  });

  it('refuses no routes, a route without a Service object, and a bad port number', () => {
    expect(build((_c, p) => ({ ...p, routes: [] }))).toContain('routes (an empty list) must hold at least one route; add a path to a Service');
    expect(build((_c, p) => ({ ...p, routes: [{ ...p.routes[0], service: 'l2o-optimizer-service' }] }))).toContain(
      'routes[0].service ("l2o-optimizer-service") must be a Kubernetes Service object (a cdk8s k8s.KubeService, e.g. NlbService.internal); pass the Service, not its name',
    );
    expect(build((_c, p) => ({ ...p, routes: [{ ...p.routes[0], port: 0 }] }))).toContain('routes[0].port (0) must be within 1-65535 (a port); pick a value in range');
  });

  it('refuses at synth a port the Service does not have', () => {
    expect(
      synthError((chart) => new TraefikIngressRoute(chart, 'Api', base(chart, [{ path: '/api/v1/l2o', service: service(chart, 'l2o-optimizer-service', [8000, 9090]), port: 8080 }]))),
    ).toContain('routes[0].port (8080) is no port of Service "l2o-optimizer-service" (its ports: 8000, 9090), so Traefik would drop the route ("service port not found"); use one of them');
  });

  it('refuses at synth a Service of another namespace', () => {
    expect(
      synthError((chart) => new TraefikIngressRoute(chart, 'Api', base(chart, [{ path: '/api/v1/l2o', service: service(chart, 'l2o-optimizer-service', [8000], 'other'), port: 8000 }]))),
    ).toContain(
      'routes[0].service ("other/l2o-optimizer-service") is in namespace "other", not the IngressRoute\'s "opifex-system", and Traefik refuses references to another namespace (allowCrossNamespace is off in its Helm chart); create the TraefikIngressRoute in "other" or route to a Service of "opifex-system"',
    );
  });

  it('refuses entry points that are none, repeated or not names', () => {
    expect(build((_c, p) => ({ ...p, entryPoints: [] }))).toContain(
      'entryPoints (an empty list) must name at least one entry point (none binds the route to every entry point, plain HTTP included); leave entryPoints out for websecure',
    );
    expect(build((_c, p) => ({ ...p, entryPoints: ['websecure', 'websecure'] }))).toContain('entryPoints[1] ("websecure") is listed twice; list each entry point once');
    expect(build((_c, p) => ({ ...p, entryPoints: ['web secure'] }))).toContain('entryPoints[0] ("web secure") must be a Traefik entry point name (letters, digits, "-" and "_"); e.g. websecure');
  });

  it('refuses missing or malformed TLS, and unknown props', () => {
    expect(build((_c, p) => ({ ...p, tls: undefined }))).toContain('tls (not set) is required; add it');
    expect(build((_c, p) => ({ ...p, tls: { clusterIssuer: 'Lets Encrypt' } }))).toContain('tls.clusterIssuer ("Lets Encrypt") must be an RFC 1123 subdomain');
    expect(build((_c, p) => ({ ...p, tls: { clusterIssuer: 'le', issuer: 'x' } }))).toContain('tls.issuer is not a field; known fields of tls: clusterIssuer, secretName');
    expect(build((_c, p) => ({ ...p, timeouts: {} }))).toContain('timeouts is not a field; known fields: name, namespace, host, tls, routes, entryPoints, traefik, labels');
    expect(build((_c, p) => ({ ...p, rateLimit: { average: 10 } }))).toContain('rateLimit is not a field;');
    expect(build((_c, p) => ({ ...p, traefik: { ratelimit: {} } }))).toContain('traefik.ratelimit is not a field; did you mean traefik.rateLimit?');
    expect(build((_c, p) => ({ ...p, namespce: NS }))).toContain('namespce is not a field; did you mean namespace?');
  });

  it('checks the traffic rules with their paths', () => {
    expect(build((_c, p) => ({ ...p, traefik: { rateLimit: { average: 0 } } }))).toContain('traefik.rateLimit.average (0) must be within 1-1000000000 (requests per period); pick a value in range');
    expect(build((_c, p) => ({ ...p, traefik: { retry: { attempts: 3, onStatus: [404] } } }))).toContain('traefik.retry.onStatus[0] (404) must be 429 or a 5xx status');
  });
});

// ---- properties -----------------------------------------------------------------------------

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/);
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`);

describe('TraefikIngressRoute, any routes', () => {
  it('gives one schema-valid route per path, each to its Service\'s port, the longer path winning', async () => {
    const IngressRoute = await publishedModel('IngressRoute');
    fc.assert(
      fc.property(
        fc.uniqueArray(path, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (paths, ports, withRules) => {
          const objects = synth((chart) => {
            new TraefikIngressRoute(chart, 'Api', {
              name: 'api',
              namespace: 'apps',
              host: 'api.example.com',
              tls: { clusterIssuer: 'letsencrypt-prod' },
              routes: paths.map((p, i) => ({ path: p, service: service(chart, `svc-${i}`, [...new Set(ports)], 'apps'), port: ports[i % ports.length] })),
              ...(withRules ? { traefik: { rateLimit: { average: 10 }, retry: { attempts: 2 }, proxyTimeout: Duration.seconds(30) } } : {}),
            });
          });
          const route = only(objects, 'IngressRoute');
          expect(() => new IngressRoute(route).validate()).not.toThrow();
          expect(validateManifest(route)).toEqual([]);
          expect(route.spec.routes).toHaveLength(paths.length);
          route.spec.routes.forEach((r: Manifest, i: number) => {
            expect(r.match).toBe(`Host(\`api.example.com\`) && (Path(\`${paths[i]}\`) || PathPrefix(\`${paths[i]}/\`))`);
            expect(r.services).toEqual([
              { kind: 'Service', name: `svc-${i}`, namespace: 'apps', port: ports[i % ports.length], ...(withRules ? { serversTransport: 'api-transport' } : {}) },
            ]);
          });
          // Traefik ranks routes by rule length: a path under another has the longer rule.
          for (let i = 0; i < paths.length; i++) {
            for (let j = 0; j < paths.length; j++) {
              if (paths[j].startsWith(`${paths[i]}/`)) expect(route.spec.routes[j].match.length).toBeGreaterThan(route.spec.routes[i].match.length);
            }
          }
          for (const o of traefikObjects(objects)) expect(validateManifest(o)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses any route whose port the Service lacks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 }), (has, asked) => {
        fc.pre(has !== asked);
        const message = synthError(
          (chart) => new TraefikIngressRoute(chart, 'Api', { name: 'a', namespace: 'apps', host: 'a.example.com', tls: { clusterIssuer: 'ca' }, routes: [{ path: '/v1', service: service(chart, 'a', [has], 'apps'), port: asked }] }),
        );
        expect(message).toContain(`routes[0].port (${asked}) is no port of Service "a" (its ports: ${has})`);
      }),
      { numRuns: 30 },
    );
  });
});
