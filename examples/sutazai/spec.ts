import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { AiInferenceSpec, PlatformIngress, PlatformSpec, SCALING_PROFILES } from '../../src';

/**
 * Seed 002 (SutazAI): the backend with its HPA (2-20 on CPU 70 % and the agent queue, 20 per
 * pod) and VPA, behind ingress-nginx, or behind Traefik as the alternative. The seed's Docker
 * Swarm and Compose deployments are not Kubernetes: the library does not emit them. Images,
 * host, probes and objectives the seed does not give are placeholders.
 */
const NAMESPACE = 'sutazai';

/** The seed checks its ingress controller with `kubectl get pods -n sutazai-infrastructure`. */
const CONTROLLER_NAMESPACE = 'sutazai-infrastructure';

const backend = (controllerPods: Record<string, string>): AiInferenceSpec => ({
  release: 'sutazai-backend',
  namespace: NAMESPACE,
  partOf: 'sutazai',
  // The seed runs sutazai/backend:latest; a pinned tag is required (placeholder version).
  image: 'sutazai/backend:1.0.0',
  model: { name: 'sutazai-backend', version: '1.0.0' },
  // The seed's "right-sized for auto-scaling" requests and limits; a CPU-only backend.
  resources: { cpu: { request: Cpu.units(1), limit: Cpu.units(4) }, memory: { request: Size.gibibytes(2), limit: Size.gibibytes(8) }, gpu: { count: 0 } },
  probes: { path: '/api/health' },
  ports: { http: 8000 },
  // The seed scrapes the backend's /metrics on its API port (targets: ['backend:8000']).
  server: { engine: 'generic', metricsPort: 'http' },
  networkPolicy: { webApp: { namespace: CONTROLLER_NAMESPACE, podLabels: controllerPods }, monitoringNamespace: 'monitoring' },
  scaling: {
    minReplicas: 2,
    maxReplicas: 20,
    signals: {
      cpu: { type: 'Utilization', averageUtilization: 70 },
      // The seed's Object metric ai_agent_queue_depth with AverageValue 20: the queue divided
      // by the pods. Served here as the Pods metric of each pod's own gauge, averaged: the
      // same number when every pod exports its own queue.
      queueDepth: { type: 'AverageValue', averageValue: 20 },
    },
    // The seed's "conservative" thresholds: 60 s before scaling up, 300 s before scaling down.
    behavior: SCALING_PROFILES.conservative,
    // The seed's VPA runs in Auto on cpu and memory beside the HPA on CPU, and the two fight
    // (the chart refuses it). Memory only: the VPA sizes memory, the HPA scales on CPU.
    vpa: {
      updateMode: 'Auto',
      controlledResources: ['memory'],
      // The seed's memory bounds; its CPU bounds (1-8) are left out: a VPA ignores the bounds
      // of a resource it does not control, and the HPA owns CPU.
      minAllowed: { memory: Size.gibibytes(2) },
      maxAllowed: { memory: Size.gibibytes(16) },
    },
  },
  // The seed's own series: requests by status, the duration histogram (buckets 0.1 ... 60 s,
  // so the 5 s objective sits on a bound), the agent queue.
  metrics: {
    requests: { metric: 'sutazai_inference_requests_total' },
    errors: { metric: 'sutazai_inference_requests_total', matchers: 'status="error"' },
    latencyHistogram: 'sutazai_inference_duration_seconds',
    queueDepth: { metric: 'ai_agent_queue_depth' },
  },
  // The seed's 10 s scrape interval.
  monitoring: { scrapeInterval: Duration.seconds(10) },
  slo: { availability: 99.9, latencyP95: Duration.seconds(5), latencyP99: Duration.seconds(10), errorRate: 1, throughputRps: 100 },
});

/** What both ingress alternatives share: the seed's /api/ location and its upstream behaviour. */
const ingressCommon = {
  host: 'api.sutazai.example.com',
  tls: { clusterIssuer: 'letsencrypt-prod' },
  routes: [{ path: '/api', workload: 'sutazai-backend' }],
  // least_conn; proxy_next_upstream error timeout invalid_header http_500 http_502 http_503,
  // 3 tries within 5 s.
  loadBalancing: 'least-connections',
  retries: { attempts: 3, on: ['error', 'timeout', 'invalid_header', 'http_500', 'http_502', 'http_503'], timeout: Duration.seconds(5) },
} satisfies Partial<PlatformIngress>;

const NGINX_PODS = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' };
const TRAEFIK_PODS = { 'app.kubernetes.io/name': 'traefik' };

export const sutazaiPlatform: PlatformSpec = {
  name: 'sutazai',
  namespace: NAMESPACE,
  workloads: [backend(NGINX_PODS)],
  ingress: {
    ...ingressCommon,
    provider: 'ingress-nginx',
    controller: { namespace: CONTROLLER_NAMESPACE, podLabels: NGINX_PODS },
    // keepalive 32 and max_fails=3 fail_timeout=30s: a controller setting and nothing per
    // Ingress (the chart says what holds, AII-W071, AII-W072).
    nginx: { upstreamKeepaliveConnections: 32, passiveHealthCheck: { maxFails: 3, failTimeout: Duration.seconds(30) } },
  },
};

export const sutazaiTraefikPlatform: PlatformSpec = {
  name: 'sutazai',
  namespace: NAMESPACE,
  workloads: [backend(TRAEFIK_PODS)],
  ingress: {
    ...ingressCommon,
    provider: 'traefik',
    controller: { namespace: CONTROLLER_NAMESPACE, podLabels: TRAEFIK_PODS },
    // The seed's Traefik circuit breaker, and max_fails=3 fail_timeout=30s as Traefik's
    // passive health check.
    traefik: { circuitBreaker: {}, passiveHealthCheck: { maxFailedAttempts: 3, failureWindow: Duration.seconds(30) } },
  },
};
