import { Chart, Duration, Size, Testing, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INGRESS_NGINX_NOTE_IDS } from '../../src/conventions';
import { CERT_MANAGER_CLUSTER_ISSUER_ANNOTATION, NginxIngress, NginxIngressProps } from '../../src/constructs/nginx-ingress';
import { INGRESS_NGINX_ANNOTATIONS, INGRESS_NGINX_ANNOTATION_PREFIX, IngressNginxOptions } from '../../src/providers/ingress-nginx';
import { expectValidManifests } from '../helpers/k8s-schema';
import { Manifest, errorOf, only } from '../support';

const P = INGRESS_NGINX_ANNOTATION_PREFIX;
const NS = 'opifex-system';

/** A ClusterIP Service like the seed's (port 8000). */
function service(chart: Chart, name: string, ports: number[] = [8000], namespace: string | undefined = NS): k8s.KubeService {
  return new k8s.KubeService(chart, name, {
    metadata: { name, namespace },
    spec: { selector: { 'app.kubernetes.io/name': name }, ports: ports.map((port) => ({ name: `p${port}`, port, targetPort: k8s.IntOrString.fromNumber(port) })) },
  });
}

/** Seed 003 (Opifex): one host, two paths, Let's Encrypt through cert-manager, the proxy options. */
const SEED_003_NGINX: IngressNginxOptions = {
  rateLimit: { requestsPerMinute: 1000 },
  timeouts: { read: Duration.seconds(300), send: Duration.seconds(300) },
  bodySize: Size.mebibytes(100),
};

function seed003(chart: Chart, more: Partial<NginxIngressProps> = {}): NginxIngress {
  const l2o = service(chart, 'l2o-optimizer-service');
  const neural = service(chart, 'neural-operator-service');
  return new NginxIngress(chart, 'Ingress', {
    name: 'opifex-api',
    namespace: NS,
    host: 'api.opifex.example.com',
    tls: { clusterIssuer: 'letsencrypt-prod' },
    routes: [
      { path: '/api/v1/l2o', service: l2o, port: 8000 },
      { path: '/api/v1/neural-operators', service: neural, port: 8000 },
    ],
    nginx: SEED_003_NGINX,
    ...more,
  });
}

function build(fn: (chart: Chart) => unknown): { objects: Manifest[]; result: unknown } {
  const chart = Testing.chart();
  const result = fn(chart);
  return { objects: Testing.synth(chart), result };
}

const ingressOf = (objects: Manifest[]) => only(objects, 'Ingress');

describe('NginxIngress: seed 003 (Opifex)', () => {
  const { objects, result } = build((chart) => seed003(chart));
  const construct = result as NginxIngress;
  const ingress = ingressOf(objects);

  it('emits one networking.k8s.io/v1 Ingress for the nginx IngressClass', () => {
    expect(objects.filter((o) => o.kind === 'Ingress')).toHaveLength(1);
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.metadata.name).toBe('opifex-api');
    expect(ingress.metadata.namespace).toBe(NS);
    expect(ingress.spec.ingressClassName).toBe('nginx');
  });

  it('routes /api/v1/l2o and /api/v1/neural-operators on api.opifex.example.com to their Services, as Prefix paths', () => {
    expect(ingress.spec.rules).toEqual([
      {
        host: 'api.opifex.example.com',
        http: {
          paths: [
            { path: '/api/v1/l2o', pathType: 'Prefix', backend: { service: { name: 'l2o-optimizer-service', port: { number: 8000 } } } },
            { path: '/api/v1/neural-operators', pathType: 'Prefix', backend: { service: { name: 'neural-operator-service', port: { number: 8000 } } } },
          ],
        },
      },
    ]);
  });

  it('asks cert-manager for the certificate from the Let\'s Encrypt ClusterIssuer, into <name>-tls', () => {
    expect(ingress.metadata.annotations[CERT_MANAGER_CLUSTER_ISSUER_ANNOTATION]).toBe('letsencrypt-prod');
    expect(CERT_MANAGER_CLUSTER_ISSUER_ANNOTATION).toBe('cert-manager.io/cluster-issuer');
    expect(ingress.spec.tls).toEqual([{ hosts: ['api.opifex.example.com'], secretName: 'opifex-api-tls' }]);
  });

  it('limits each client to 1000 requests per minute, gives 300 s proxy timeouts and 100 MB bodies', () => {
    const a = ingress.metadata.annotations;
    expect(a[`${P}limit-rpm`]).toBe('1000');
    expect(a[`${P}limit-burst-multiplier`]).toBe('1');
    expect(a[`${P}proxy-read-timeout`]).toBe('300');
    expect(a[`${P}proxy-send-timeout`]).toBe('300');
    expect(a[`${P}proxy-body-size`]).toBe('100m');
  });

  it('writes no nginx.ingress.kubernetes.io key outside the verified table, and no other annotation than cert-manager\'s', () => {
    for (const key of Object.keys(ingress.metadata.annotations)) {
      if (key === CERT_MANAGER_CLUSTER_ISSUER_ANNOTATION) continue;
      expect(key.startsWith(P), key).toBe(true);
      expect(Object.keys(INGRESS_NGINX_ANNOTATIONS)).toContain(key.slice(P.length));
    }
  });

  it('returns the rate-limit note and the controller ConfigMap keys for the chart and the platform team', () => {
    expect(construct.notes.map((n) => n.id)).toEqual([INGRESS_NGINX_NOTE_IDS.rateLimitScope]);
    expect(construct.notes[0].message).toMatch(/^nginx\.rateLimit\.requestsPerMinute \(1000\) holds per client address/);
    expect(construct.controllerConfig).toEqual({ 'limit-req-status-code': '429' });
  });

  it('is valid against the Kubernetes 1.28 schema', () => {
    expectValidManifests(objects);
  });

  it('quotes "off" and the numbers in the YAML, so a YAML 1.1 reader (kubectl) still reads strings', () => {
    const text = Yaml.stringify(ingress);
    expect(text).toContain('nginx.ingress.kubernetes.io/proxy-buffering: "off"');
    expect(text).toContain('nginx.ingress.kubernetes.io/limit-rpm: "1000"');
    expect(text).toContain('nginx.ingress.kubernetes.io/proxy-read-timeout: "300"');
  });
});

describe('NginxIngress: seed 002 (SutazAI) location /api/', () => {
  it('sends /api/ to sutazai-backend:8000 with the retry policy, ewma for least_conn, and the notes', () => {
    let construct: NginxIngress | undefined;
    const { objects } = build((chart) => {
      const backend = service(chart, 'sutazai-backend', [8000], 'sutazai');
      construct = new NginxIngress(chart, 'Ingress', {
        name: 'sutazai',
        namespace: 'sutazai',
        host: 'sutazai.example.com',
        routes: [{ path: '/api/', service: backend, port: 8000 }],
        nginx: {
          loadBalancing: 'least-connections',
          passiveHealthCheck: { maxFails: 3, failTimeout: Duration.seconds(30) },
          upstreamKeepaliveConnections: 32,
          retry: { on: ['error', 'timeout', 'invalid_header', 'http_500', 'http_502', 'http_503'], timeout: Duration.seconds(5), tries: 3 },
        },
      });
    });
    const ingress = ingressOf(objects);
    const a = ingress.metadata.annotations;
    expect(ingress.spec.rules[0].http.paths).toEqual([{ path: '/api/', pathType: 'Prefix', backend: { service: { name: 'sutazai-backend', port: { number: 8000 } } } }]);
    expect(a[`${P}load-balance`]).toBe('ewma');
    expect(a[`${P}proxy-next-upstream`]).toBe('error timeout invalid_header http_500 http_502 http_503');
    expect(a[`${P}proxy-next-upstream-timeout`]).toBe('5');
    expect(a[`${P}proxy-next-upstream-tries`]).toBe('3');
    expect(a[CERT_MANAGER_CLUSTER_ISSUER_ANNOTATION]).toBeUndefined();
    expect(ingress.spec.tls).toBeUndefined();
    expect(construct!.notes.map((n) => n.id)).toEqual([INGRESS_NGINX_NOTE_IDS.leastConnections, INGRESS_NGINX_NOTE_IDS.passiveHealthCheck, INGRESS_NGINX_NOTE_IDS.upstreamKeepalive]);
    expect(construct!.notes[0].message).toMatch(/^nginx\.loadBalancing \("least-connections"\) is not a balancer of ingress-nginx/);
    expect(construct!.controllerConfig).toEqual({ 'upstream-keepalive-connections': '32' });
    expectValidManifests(objects);
  });
});

describe('NginxIngress: other props', () => {
  it('takes a given IngressClass, TLS Secret and labels, and the chart\'s namespace when none is given', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: NS });
    const svc = service(chart, 'l2o-optimizer-service', [8000], undefined);
    new NginxIngress(chart, 'Ingress', {
      name: 'opifex-api',
      ingressClassName: 'nginx-internal',
      host: 'api.opifex.example.com',
      tls: { clusterIssuer: 'letsencrypt-staging', secretName: 'opifex-cert' },
      routes: [{ path: '/', service: svc, port: 8000 }],
      labels: { team: 'opifex' },
    });
    const ingress = ingressOf(Testing.synth(chart));
    expect(ingress.metadata.namespace).toBe(NS);
    expect(ingress.spec.ingressClassName).toBe('nginx-internal');
    expect(ingress.spec.tls).toEqual([{ hosts: ['api.opifex.example.com'], secretName: 'opifex-cert' }]);
    expect(ingress.metadata.labels).toEqual({ team: 'opifex' });
    expect(ingress.metadata.annotations[CERT_MANAGER_CLUSTER_ISSUER_ANNOTATION]).toBe('letsencrypt-staging');
  });
});

describe('NginxIngress validation', () => {
  const refuse = (more: (chart: Chart) => Partial<NginxIngressProps>) => errorOf(() => build((chart) => seed003(chart, more(chart))));

  it('names the construct in its errors', () => {
    expect(refuse(() => ({ host: 'API.example.com' }))).toContain('NginxIngress test/Ingress is invalid:');
  });

  it('refuses a host that is not a DNS name', () => {
    const rule = 'must be a DNS name (lower-case letters, digits and "-" in labels of at most 63, separated by "."), without scheme, port or path; e.g. api.example.com';
    expect(refuse(() => ({ host: 'API.opifex.example.com' }))).toContain(`host ("API.opifex.example.com") ${rule}`);
    expect(refuse(() => ({ host: 'https://api.opifex.example.com' }))).toContain(`host ("https://api.opifex.example.com") ${rule}`);
    expect(refuse(() => ({ host: 'api.opifex.example.com:443' }))).toContain(`host ("api.opifex.example.com:443") ${rule}`);
    expect(refuse(() => ({ host: `${'a'.repeat(64)}.example.com` }))).toContain(rule);
    expect(refuse(() => ({ host: `${'a.'.repeat(127)}com` }))).toContain('must be at most 253 characters (a DNS name); shorten it');
    expect(refuse(() => ({ host: '10.0.0.1' }))).toContain('host ("10.0.0.1") is an IP address; an Ingress host must be a DNS name');
    expect(refuse(() => ({ host: '*.opifex.example.com' }))).toContain('host ("*.opifex.example.com") is a wildcard; name the one host the routes serve');
  });

  it('refuses a path that does not start with "/" or that the API server or the controller refuse', () => {
    const at = (path: string) => (chart: Chart) => ({ routes: [{ path, service: service(chart, 'x-svc'), port: 8000 }] });
    expect(refuse(at('api/v1/l2o'))).toContain('routes[0].path ("api/v1/l2o") must start with "/" (a Prefix path is absolute); e.g. /api/v1/l2o');
    expect(refuse(at('/api/v1/(l2o)'))).toContain('routes[0].path ("/api/v1/(l2o)") may hold only letters, digits, ".", "_", "-" and "/" (ingress-nginx refuses other characters in a Prefix path); remove the others');
    expect(refuse(at('/api//v1'))).toContain('routes[0].path ("/api//v1") must not contain "//" (the API server refuses it in a Prefix path); write the path plainly');
    expect(refuse(at('/api/../v1'))).toContain('routes[0].path ("/api/../v1") must not contain "/../"');
    expect(refuse(at('/api/..'))).toContain('routes[0].path ("/api/..") must not end with "/." or "/.."');
  });

  it('refuses two routes with the same path, a trailing slash included', () => {
    const twice = (second: string) => (chart: Chart) => {
      const a = service(chart, 'a-svc');
      const b = service(chart, 'b-svc');
      return { routes: [{ path: '/api/v1/l2o', service: a, port: 8000 }, { path: second, service: b, port: 8000 }] };
    };
    const message =
      'is the same prefix as routes[0].path ("/api/v1/l2o"; a trailing "/" does not make a Prefix path another one), and only one Service can serve it; give each route its own path';
    expect(refuse(twice('/api/v1/l2o'))).toContain(`routes[1].path ("/api/v1/l2o") ${message}`);
    expect(refuse(twice('/api/v1/l2o/'))).toContain(`routes[1].path ("/api/v1/l2o/") ${message}`);
  });

  it('refuses a port the Service does not have', () => {
    expect(refuse((chart) => ({ routes: [{ path: '/api', service: service(chart, 'l2o', [8000, 9090]), port: 80 }] }))).toContain(
      'routes[0].port (80) is not a port of Service "l2o" (its ports: 8000, 9090), so the controller would have no endpoint to send the path to; use one of its ports',
    );
    expect(refuse((chart) => ({ routes: [{ path: '/api', service: service(chart, 'bare', []), port: 80 }] }))).toContain('routes[0].port (80) is not a port of Service "bare" (it has no ports)');
    expect(refuse((chart) => ({ routes: [{ path: '/api', service: service(chart, 'l2o'), port: 0 }] }))).toContain('routes[0].port (0) must be within 1-65535 (a port)');
  });

  it('refuses a Service of another namespace', () => {
    expect(refuse((chart) => ({ routes: [{ path: '/api', service: service(chart, 'l2o', [8000], 'other'), port: 8000 }] }))).toContain(
      'routes[0].service ("other/l2o") is not in the Ingress\'s namespace (opifex-system), and an Ingress reaches only Services of its own namespace; create the Ingress in "other" or route to a Service of "opifex-system"',
    );
  });

  it('refuses a route to something that is not a Service, and no routes at all', () => {
    expect(refuse((chart) => ({ routes: [{ path: '/api', service: new k8s.KubeConfigMap(chart, 'cm', {}) as unknown as k8s.KubeService, port: 8000 }] }))).toContain(
      'routes[0].service (an object) must be a Service object (a k8s.KubeService, e.g. NlbService.internal); pass the Service itself, not its name',
    );
    expect(refuse(() => ({ routes: [{ path: '/api', service: 'l2o-optimizer-service' as unknown as k8s.KubeService, port: 8000 }] }))).toContain(
      'routes[0].service ("l2o-optimizer-service") must be a Service object',
    );
    expect(refuse(() => ({ routes: [] }))).toContain('routes (an empty list) must hold at least one route; an Ingress without paths serves nothing');
  });

  it('refuses bad TLS, names and options with their field paths', () => {
    expect(refuse(() => ({ tls: { clusterIssuer: 'LetsEncrypt' } }))).toContain('tls.clusterIssuer ("LetsEncrypt") must be an RFC 1123 subdomain');
    expect(refuse(() => ({ tls: { clusterIssuer: 'letsencrypt-prod', secretName: 'Opifex_TLS' } }))).toContain('tls.secretName ("Opifex_TLS") must be an RFC 1123 subdomain');
    expect(refuse(() => ({ tls: { clusterIssuer: 'letsencrypt-prod', issuer: 'x' } as never }))).toContain('tls.issuer is not a field');
    expect(refuse(() => ({ name: 'Opifex' }))).toContain('name ("Opifex") must be an RFC 1123 subdomain');
    expect(refuse(() => ({ ingressClassName: 'NGINX' }))).toContain('ingressClassName ("NGINX") must be an RFC 1123 subdomain');
    expect(refuse(() => ({ nginx: { timeouts: { connect: Duration.seconds(120) } } }))).toContain('nginx.timeouts.connect (2m) must be a whole number of seconds within 1-75 s');
    expect(refuse(() => ({ nginx: { rateLimit: {} } }))).toContain('nginx.rateLimit (an empty object) sets no limit');
    expect(refuse(() => ({ labels: { 'bad key!': 'x' } }))).toContain('labels.bad key! ("bad key!") is not a valid key: must be a Kubernetes label/annotation key');
  });

  it('reports every problem of the routes at once', () => {
    const message = refuse((chart) => ({
      routes: [
        { path: '/a', service: service(chart, 'one', [8000], 'other'), port: 80 },
        { path: '/a/', service: service(chart, 'two'), port: 8000 },
      ],
    }));
    expect(message).toContain('routes[0].service ("other/one") is not in the Ingress\'s namespace');
    expect(message).toContain('routes[0].port (80) is not a port of Service "one"');
    expect(message).toContain('routes[1].path ("/a/") is the same prefix as routes[0].path');
  });
});

describe('NginxIngress: any valid routes and options', () => {
  const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,11}$/).filter((s) => s !== '.' && s !== '..' && !s.endsWith('.'));
  const paths = fc.uniqueArray(fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`), { minLength: 1, maxLength: 5, selector: (p) => p.replace(/\/+$/, '') });
  const options: fc.Arbitrary<IngressNginxOptions> = fc.record(
    {
      rateLimit: fc.record({ requestsPerMinute: fc.integer({ min: 1, max: 100_000 }), burstMultiplier: fc.integer({ min: 1, max: 10 }) }, { requiredKeys: ['requestsPerMinute'] }),
      timeouts: fc.record({ read: fc.integer({ min: 1, max: 3600 }).map((s) => Duration.seconds(s)) }),
      bodySize: fc.integer({ min: 1, max: 2048 }).map((n) => Size.mebibytes(n)),
      loadBalancing: fc.constantFrom('round-robin' as const, 'ewma' as const, 'least-connections' as const),
      proxyBuffering: fc.boolean(),
    },
    { requiredKeys: [] },
  );

  it('synthesizes a schema-valid Ingress with one Prefix path per route and only verified annotations', () => {
    fc.assert(
      fc.property(paths, options, fc.boolean(), (routePaths, nginx, tls) => {
        const { objects } = build((chart) => {
          const routes = routePaths.map((path, i) => ({ path, service: service(chart, `svc-${i}`, [8000 + i]), port: 8000 + i }));
          return new NginxIngress(chart, 'Ingress', { name: 'api', namespace: NS, host: 'api.example.com', routes, nginx, tls: tls ? { clusterIssuer: 'letsencrypt-prod' } : undefined });
        });
        expectValidManifests(objects);
        const ingress = ingressOf(objects);
        expect(ingress.spec.rules[0].http.paths.map((p: Manifest) => [p.path, p.pathType, p.backend.service.port.number])).toEqual(routePaths.map((p, i) => [p, 'Prefix', 8000 + i]));
        for (const key of Object.keys(ingress.metadata.annotations)) {
          expect(key === CERT_MANAGER_CLUSTER_ISSUER_ANNOTATION ? tls : Object.keys(INGRESS_NGINX_ANNOTATIONS).includes(key.slice(P.length)) && key.startsWith(P)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('NginxIngress: any bad path, host or port', () => {
  const badPath = fc.oneof(
    fc.stringMatching(/^[a-z][a-z0-9/]{0,12}$/), // not absolute
    fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.constantFrom('?', '#', ' ', '%', '*', '(', '~', '$')).map(([a, c]) => `/${a}${c}`),
    fc.stringMatching(/^[a-z]{1,6}$/).map((a) => `/${a}//x`),
  );
  const badHost = fc.oneof(
    fc.stringMatching(/^[a-z]{1,8}$/).map((a) => `${a.toUpperCase()}.example.com`),
    fc.stringMatching(/^[a-z]{1,8}$/).map((a) => `${a}.example.com:8443`),
    fc.stringMatching(/^[a-z]{1,8}$/).map((a) => `-${a}.example.com`),
    fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `10.0.${a}.${b}`),
  );

  it('is refused with the path of the bad field', () => {
    fc.assert(
      fc.property(badPath, badHost, fc.integer({ min: 1, max: 65535 }).filter((p) => p !== 8000), (path, host, port) => {
        const pathError = errorOf(() => build((chart) => seed003(chart, { routes: [{ path, service: service(chart, 'a-svc'), port: 8000 }] })));
        expect(pathError).toContain(`routes[0].path (${JSON.stringify(path)})`);
        expect(errorOf(() => build((chart) => seed003(chart, { host })))).toContain(`host (${JSON.stringify(host)})`);
        const portError = errorOf(() => build((chart) => seed003(chart, { routes: [{ path: '/api', service: service(chart, 'a-svc'), port }] })));
        expect(portError).toContain(`routes[0].port (${port}) is not a port of Service "a-svc"`);
      }),
      { numRuns: 60 },
    );
  });
});
