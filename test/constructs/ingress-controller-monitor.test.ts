import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { IngressControllerServiceMonitor, IngressControllerServiceMonitorProps } from '../../src/constructs/ingress-controller-monitor';
import { IngressNginxControllerMetric } from '../../src/providers/ingress-nginx';
import { expectValidManifests } from '../helpers/k8s-schema';
import { errorOf, only, synth } from '../support';

const monitor = (props: Partial<IngressControllerServiceMonitorProps> = {}) =>
  synth((chart) => new IngressControllerServiceMonitor(chart, 'Monitor', { name: 'ingress-nginx-controller', ...props }));

describe('IngressControllerServiceMonitor: seed 003', () => {
  const objects = monitor();
  const sm = only(objects, 'ServiceMonitor');

  it('selects the metrics Service the ingress-nginx Helm chart creates, in the controller\'s namespace', () => {
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.metadata.namespace).toBe('ingress-nginx');
    expect(sm.spec.selector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/instance': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
    });
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['ingress-nginx'] });
  });

  it('scrapes the metrics port at /metrics every 30 s', () => {
    expect(sm.spec.endpoints).toHaveLength(1);
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s' });
  });

  it('keeps only the seed\'s families, by the names the controller exports', () => {
    expect(sm.spec.endpoints[0].metricRelabelings).toEqual([
      {
        sourceLabels: ['__name__'],
        regex:
          'nginx_ingress_controller_(request_duration_seconds_(bucket|sum|count)|requests|bytes_sent_(bucket|sum|count)|request_size_(bucket|sum|count)|nginx_process_connections|ssl_expire_time_seconds)',
        action: 'keep',
      },
    ]);
  });

  it('carries the Prometheus Operator\'s selector labels', () => {
    expect(sm.metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
  });

  it('is valid against the ServiceMonitor CRD', () => {
    expectValidManifests(objects);
  });
});

describe('IngressControllerServiceMonitor props', () => {
  it('follows another release, chart name, namespace and metric list', () => {
    const sm = only(
      monitor({
        namespace: 'monitoring',
        controllerNamespace: 'edge',
        release: 'edge-nginx',
        chartName: 'nginx',
        keepMetrics: ['nginx_ingress_controller_requests', 'nginx_ingress_controller_response_size'],
        interval: Duration.seconds(15),
        scrapeTimeout: Duration.seconds(5),
        operatorSelectorLabels: { prometheus: 'main' },
        labels: { team: 'platform' },
      }),
      'ServiceMonitor',
    );
    expect(sm.metadata.namespace).toBe('monitoring');
    expect(sm.metadata.labels).toEqual({ team: 'platform', prometheus: 'main' });
    expect(sm.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'nginx', 'app.kubernetes.io/instance': 'edge-nginx', 'app.kubernetes.io/component': 'controller' });
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['edge'] });
    expect(sm.spec.endpoints[0]).toMatchObject({ interval: '15s', scrapeTimeout: '5s' });
    expect(sm.spec.endpoints[0].metricRelabelings[0].regex).toBe('nginx_ingress_controller_(requests|response_size_(bucket|sum|count))');
  });

  const cases: [string, Partial<IngressControllerServiceMonitorProps>, string][] = [
    [
      'a seed metric name the controller does not export',
      { keepMetrics: ['nginx_ingress_controller_ssl_certificate_expiry_seconds' as IngressNginxControllerMetric] },
      'keepMetrics[0] ("nginx_ingress_controller_ssl_certificate_expiry_seconds") is not exported by ingress-nginx (controller-v1.15.1); use nginx_ingress_controller_ssl_expire_time_seconds',
    ],
    [
      'bytes_received',
      { keepMetrics: ['nginx_ingress_controller_bytes_received' as IngressNginxControllerMetric] },
      'keepMetrics[0] ("nginx_ingress_controller_bytes_received") is not exported by ingress-nginx (controller-v1.15.1); use nginx_ingress_controller_request_size',
    ],
    [
      'connections',
      { keepMetrics: ['nginx_ingress_controller_connections' as IngressNginxControllerMetric] },
      'keepMetrics[0] ("nginx_ingress_controller_connections") is not exported by ingress-nginx (controller-v1.15.1); use nginx_ingress_controller_nginx_process_connections',
    ],
    [
      'a histogram series instead of its family',
      { keepMetrics: ['nginx_ingress_controller_request_duration_seconds_bucket' as IngressNginxControllerMetric] },
      'keepMetrics[0] ("nginx_ingress_controller_request_duration_seconds_bucket") is a series of the histogram nginx_ingress_controller_request_duration_seconds',
    ],
    ['an empty list', { keepMetrics: [] }, 'keepMetrics (an empty list) must name at least one metric family; a keep with nothing to keep drops every series'],
    [
      'a family twice',
      { keepMetrics: ['nginx_ingress_controller_requests', 'nginx_ingress_controller_requests'] },
      'keepMetrics[1] ("nginx_ingress_controller_requests") is listed twice; list each family once',
    ],
    ['a timeout above the interval', { interval: Duration.seconds(10), scrapeTimeout: Duration.seconds(20) }, 'scrapeTimeout (20s) must not exceed the scrape interval (10 s), or Prometheus rejects the scrape config'],
    ['an interval below the default timeout', { interval: Duration.seconds(5) }, 'interval (5s) must not be below the default scrape timeout (10 s)'],
    ['a bad controller namespace', { controllerNamespace: 'Ingress_Nginx' }, 'controllerNamespace ("Ingress_Nginx") must be an RFC 1123 label'],
    ['an empty release', { release: '' }, 'release ("") must not be empty; give the Helm release name'],
    ['an unknown field', { port: 'metrics' } as never, 'port is not a field'],
  ];
  it.each(cases)('refuses %s with its field path and message', (_what, props, message) => {
    const error = errorOf(() => monitor(props));
    expect(error).toContain('IngressControllerServiceMonitor test/Monitor is invalid:');
    expect(error).toContain(message);
  });
});
