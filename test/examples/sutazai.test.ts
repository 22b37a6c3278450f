import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, InferencePlatformChart, SCALING_PROFILES } from '../../src';
import { sutazai } from '../../examples/sutazai/app';
import { sutazaiPlatform } from '../../examples/sutazai/spec';
import { Manifest, errorOf, only } from '../support';

// Seed 002 (SutazAI), built fresh from the example app: behind ingress-nginx and behind Traefik.
const app = Testing.app();
const [nginxChart, traefikChart] = sutazai(app);
const nginx: Manifest[] = Testing.synth(nginxChart);
const traefik: Manifest[] = Testing.synth(traefikChart);
const warningsOf = (chart: InferencePlatformChart, id: string) => chart.warnings.filter((w) => w.id === id).map((w) => w.message);

const backendSpec = sutazaiPlatform.workloads[0];

describe.each([
  ['ingress-nginx', nginx],
  ['traefik', traefik],
])('examples/sutazai (%s): the backend of seed 002', (_provider, objects) => {
  const find = (kind: string, name?: string) => only(objects, kind, name);

  it('charts the names the platform sets', () => {
    expect([nginxChart.node.id, traefikChart.node.id]).toEqual(['sutazai', 'sutazai-traefik']);
    expect(find('Namespace').metadata.name).toBe('sutazai');
    expect(find('Deployment').metadata.name).toBe('sutazai-backend');
  });

  it("scrapes the seed's /metrics on the API port (backend:8000) every 10 s, and reads the seed's own series", () => {
    expect(find('Deployment').spec.template.spec.containers[0].ports.map((p: any) => [p.name, p.containerPort])).toEqual([['http', 8000]]);
    const sm = objects.find((o) => o.kind === 'ServiceMonitor' && o.metadata.name === 'sutazai-backend-monitor')!;
    expect(sm.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '10s', scrapeTimeout: '10s' }]);
    const rules = JSON.stringify(find('PrometheusRule').spec);
    expect(rules).toContain('sutazai_inference_requests_total{');
    expect(rules).toContain('sutazai_inference_duration_seconds_bucket{');
    // The 5 s p95 objective is one of the seed histogram's bounds (0.1 ... 60 s).
    expect(rules).toContain('sutazai_inference_duration_seconds_bucket{namespace=\\"sutazai\\",job=\\"sutazai-backend-internal\\"}[5m]))) > 5');
  });

  it("requests the seed's right-sized resources, CPU only", () => {
    const c = find('Deployment').spec.template.spec.containers[0];
    expect(c.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '4', memory: '8Gi' } });
    expect(find('Deployment').spec.template.spec.tolerations ?? []).toEqual([]);
  });

  it('scales 2-20 on CPU 70 % and on the agent queue, 20 per pod', () => {
    const hpa = find('HorizontalPodAutoscaler', 'sutazai-backend-hpa').spec;
    expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([2, 20]);
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'sutazai-backend' });
    expect(hpa.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Pods', pods: { metric: { name: 'ai_agent_queue_depth_per_pod' }, target: { type: 'AverageValue', averageValue: '20' } } },
    ]);
  });

  it("holds the seed's conservative cooldowns as stabilization windows: 60 s up, 300 s down", () => {
    const behavior = find('HorizontalPodAutoscaler').spec.behavior;
    expect(behavior.scaleUp.stabilizationWindowSeconds).toBe(60);
    expect(behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
    expect(SCALING_PROFILES.conservative.scaleUp?.stabilizationWindowSeconds).toBe(60);
    expect(SCALING_PROFILES.conservative.scaleDown?.stabilizationWindowSeconds).toBe(300);
  });

  it("sizes memory with a VPA in Auto within the seed's bounds, leaving CPU to the HPA", () => {
    const vpa = find('VerticalPodAutoscaler', 'sutazai-backend-vpa').spec;
    expect(vpa.targetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'sutazai-backend' });
    expect(vpa.updatePolicy.updateMode).toBe('Auto');
    expect(vpa.resourcePolicy.containerPolicies).toEqual([
      // The seed's memory bounds; its CPU bounds would do nothing on a memory-only policy (CPU is the HPA's).
      { containerName: 'inference', controlledResources: ['memory'], minAllowed: { memory: '2Gi' }, maxAllowed: { memory: '16Gi' } },
    ]);
  });
});

describe('examples/sutazai: ingress-nginx', () => {
  const find = (kind: string, name?: string) => only(nginx, kind, name);
  const annotations = () => find('Ingress').metadata.annotations;

  it('routes api.sutazai.example.com/api to the backend over TLS from cert-manager', () => {
    const ingress = find('Ingress');
    expect(ingress.spec.rules).toEqual([
      { host: 'api.sutazai.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'sutazai-backend-internal', port: { number: 8000 } } } }] } },
    ]);
    expect(ingress.spec.tls).toEqual([{ hosts: ['api.sutazai.example.com'], secretName: 'sutazai-ingress-tls' }]);
    expect(annotations()['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
  });

  it("balances by ewma for the seed's least_conn, and says so (AII-W070)", () => {
    expect(annotations()['nginx.ingress.kubernetes.io/load-balance']).toBe('ewma');
    const w070 = warningsOf(nginxChart, 'AII-W070');
    expect(w070).toHaveLength(1);
    expect(w070[0]).toMatch(/^nginx\.loadBalancing \("least-connections"\) is not a balancer of ingress-nginx .*load-balance: ewma is written instead/);
  });

  it("retries on another pod on the seed's conditions, 3 tries within 5 s", () => {
    expect(annotations()['nginx.ingress.kubernetes.io/proxy-next-upstream']).toBe('error timeout invalid_header http_500 http_502 http_503');
    expect(annotations()['nginx.ingress.kubernetes.io/proxy-next-upstream-tries']).toBe('3');
    expect(annotations()['nginx.ingress.kubernetes.io/proxy-next-upstream-timeout']).toBe('5');
  });

  it('says what holds of max_fails/fail_timeout (AII-W071) and of keepalive 32 (AII-W072)', () => {
    const w071 = warningsOf(nginxChart, 'AII-W071');
    expect(w071).toHaveLength(1);
    expect(w071[0]).toMatch(/^nginx\.passiveHealthCheck \("max_fails=3 fail_timeout=30s"\) has no ingress-nginx setting/);
    const w072 = warningsOf(nginxChart, 'AII-W072');
    expect(w072).toHaveLength(1);
    expect(w072[0]).toMatch(/^nginx\.upstreamKeepaliveConnections \(32\) is no Ingress annotation: it is the controller ConfigMap key upstream-keepalive-connections/);
    // Neither is written as an annotation.
    expect(Object.keys(annotations()).filter((k) => /keepalive|max-fails|fail-timeout/.test(k))).toEqual([]);
    expect(nginxChart.warnings.map((w) => w.id).sort()).toEqual(['AII-W070', 'AII-W071', 'AII-W072']);
  });

  it("admits the controller's pods from sutazai-infrastructure and scrapes the controller there", () => {
    const np = find('NetworkPolicy');
    expect(np.spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'sutazai-infrastructure' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } } },
    ]);
    expect(find('ServiceMonitor', 'sutazai-ingress-controller').spec.namespaceSelector).toEqual({ matchNames: ['sutazai-infrastructure'] });
  });
});

describe('examples/sutazai-traefik: the Traefik alternative', () => {
  const find = (kind: string, name?: string) => only(traefik, kind, name);

  it('routes the host and /api on the websecure entry point through the retry and circuit-breaker Middlewares', () => {
    expect(traefik.filter((o) => o.kind === 'Ingress')).toEqual([]);
    const route = find('IngressRoute', 'sutazai-ingress');
    expect(route.apiVersion).toBe('traefik.io/v1alpha1');
    expect(route.spec.entryPoints).toEqual(['websecure']);
    expect(route.spec.tls).toEqual({ secretName: 'sutazai-ingress-tls' });
    expect(route.spec.routes).toHaveLength(1);
    const r = route.spec.routes[0];
    expect(r.match).toBe('Host(`api.sutazai.example.com`) && (Path(`/api`) || PathPrefix(`/api/`))');
    expect(r.middlewares).toEqual([
      { name: 'sutazai-ingress-circuit-breaker', namespace: 'sutazai' },
      { name: 'sutazai-ingress-retry', namespace: 'sutazai' },
    ]);
    // max_fails=3 fail_timeout=30s as Traefik's passive health check of the Service.
    expect(r.services).toEqual([{ kind: 'Service', name: 'sutazai-backend-internal', namespace: 'sutazai', port: 8000, passiveHealthCheck: { maxFailedAttempts: 3, failureWindow: '30s' } }]);
  });

  it("retries 3 times within 5 s on the seed's statuses", () => {
    expect(find('Middleware', 'sutazai-ingress-retry').spec).toEqual({ retry: { attempts: 3, initialInterval: '100ms', status: ['500', '502', '503'], timeout: '5s' } });
  });

  it('breaks the circuit on network errors or 5xx answers', () => {
    expect(find('Middleware', 'sutazai-ingress-circuit-breaker').spec.circuitBreaker).toEqual({
      expression: 'NetworkErrorRatio() > 0.5 || ResponseCodeRatio(500, 600, 0, 600) > 0.5',
      checkPeriod: '100ms',
      fallbackDuration: '10s',
      recoveryDuration: '10s',
      responseCode: 503,
    });
  });

  it("asks cert-manager for the host's certificate from letsencrypt-prod", () => {
    const cert = find('Certificate', 'sutazai-ingress-tls');
    expect(cert.apiVersion).toBe('cert-manager.io/v1');
    expect(cert.spec).toEqual({ secretName: 'sutazai-ingress-tls', dnsNames: ['api.sutazai.example.com'], issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-prod' } });
  });

  it('says what Traefik does with least_conn, status retries and the circuit breaker', () => {
    expect(traefikChart.warnings.map((w) => w.id)).toEqual(['AII-W066', 'AII-W061', 'AII-W062', 'AII-W065']);
    expect(warningsOf(traefikChart, 'AII-W066')[0]).toMatch(/^ingress\.loadBalancing \("least-connections"\) is not a Traefik strategy/);
    expect(warningsOf(traefikChart, 'AII-W061')[0]).toMatch(/^retry\.onStatus \(500, 502, 503\) needs Traefik v3\.7\.0 or later/);
    expect(warningsOf(traefikChart, 'AII-W062')[0]).toMatch(/^retry\.onStatus \(500, 502, 503\) applies to GET-like requests only/);
    expect(warningsOf(traefikChart, 'AII-W065')[0]).toMatch(/^circuitBreaker \(NetworkErrorRatio\(\) > 0\.5 \|\| ResponseCodeRatio\(500, 600, 0, 600\) > 0\.5\) judges each route as a whole/);
  });

  it("admits Traefik's pods from sutazai-infrastructure; no nginx controller monitor", () => {
    expect(find('NetworkPolicy').spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'sutazai-infrastructure' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } },
    ]);
    expect(traefik.filter((o) => o.kind === 'ServiceMonitor').map((o) => o.metadata.name)).toEqual(['sutazai-backend-monitor']);
  });
});

describe("seed 002's own VPA", () => {
  const seedVpa = (spec: AiInferenceSpec): AiInferenceSpec => ({
    ...spec,
    scaling: { ...spec.scaling, vpa: { ...spec.scaling!.vpa, updateMode: 'Auto', controlledResources: ['cpu', 'memory'] } },
  });
  const refusal =
    'scaling.vpa.updateMode ("Auto") lets the VPA change the pods\' cpu requests while the HPA scales on cpu utilization (70 % of those requests): every resize moves the HPA\'s measure and the two autoscalers fight; set updateMode "Off" so the VPA only recommends, or remove cpu from the VPA\'s controlledResources or from the HPA\'s signals';

  it('refuses VPA Auto on cpu and memory beside the HPA on CPU, and says what works', () => {
    // The example runs the memory-only VPA the refusal offers.
    expect(backendSpec.scaling?.vpa).toMatchObject({ updateMode: 'Auto', controlledResources: ['memory'] });
    const message = errorOf(() => new AiInferenceChart(Testing.app(), 'backend', { spec: seedVpa(backendSpec) }));
    expect(message).toBe(`AiInferenceChart backend: spec is invalid:\n  - ${refusal}`);
  });

  it('refuses it in the platform too, at the workload\'s place', () => {
    const platformApp = Testing.app();
    const message = errorOf(() => new InferencePlatformChart(platformApp, 'sutazai', { spec: { ...sutazaiPlatform, workloads: [seedVpa(backendSpec)] } }));
    expect(message).toBe(`InferencePlatformChart sutazai: spec is invalid:\n  - workloads[0].${refusal}`);
    expect(platformApp.charts).toEqual([]);
  });
});
