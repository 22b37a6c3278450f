import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, PrometheusAdapterRules, validateSpec } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { only } from '../support';

const withQueue = (release: string, metric: string): AiInferenceSpec => ({ ...eksNlbSpec, release, createNamespace: false, metrics: { ...eksNlbSpec.metrics, queueDepth: { metric } } });

describe("metrics.queueDepth: the server's own queue gauge", () => {
  it('is what the HPA, the adapter rule, the queue alert and the dashboard read, under a custom-metrics name of its own', () => {
    const chart = new AiInferenceChart(Testing.app(), 'q', { spec: withQueue('l2o-optimizer', 'opifex_l2o_queue_length') });
    const objects = Testing.synth(chart);
    const hpa = only(objects, 'HorizontalPodAutoscaler');
    const queue = hpa.spec.metrics.find((m: any) => m.pods?.metric.name === 'opifex_l2o_queue_length_per_pod');
    expect(queue.pods.target).toEqual({ type: 'AverageValue', averageValue: '10' });
    const rule = chart.adapterRules!.rules.find((r) => r.metricName === 'opifex_l2o_queue_length_per_pod')!;
    expect(rule.rule.seriesQuery).toBe('opifex_l2o_queue_length{namespace!="",pod!=""}');
    const alert = only(objects, 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules).find((r: any) => r.alert === 'InferenceQueueDepthHigh');
    expect(alert.expr).toContain('opifex_l2o_queue_length{namespace="pixelated-prod",job="l2o-optimizer-internal"}');
    expect(JSON.stringify(objects)).not.toContain('inference_queue_depth');
  });

  it('two workloads with different queues share one adapter config without a conflict', () => {
    const app = Testing.app();
    new AiInferenceChart(app, 'a', { spec: withQueue('l2o-optimizer', 'opifex_l2o_queue_length') });
    new AiInferenceChart(app, 'b', { spec: withQueue('neural-operator', 'opifex_training_queue_length') });
    const names = PrometheusAdapterRules.valuesFor(PrometheusAdapterRules.allIn(app)).rules.custom.map((r) => r.name.as);
    expect(names).toContain('opifex_l2o_queue_length_per_pod');
    expect(names).toContain('opifex_training_queue_length_per_pod');
  });

  it('refuses a name that is not a Prometheus metric name', () => {
    expect(validateSpec(withQueue('x', 'opifex-queue'))).toEqual(['metrics.queueDepth.metric ("opifex-queue") must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*); fix the name']);
  });
});

describe("metrics.requests, errors, latencyHistogram and server.metricsPort 'http': seed 002's backend as it exports itself", () => {
  const spec: AiInferenceSpec = {
    ...eksNlbSpec,
    release: 'sutazai-backend',
    createNamespace: false,
    server: { engine: 'generic', metricsPort: 'http' },
    metrics: {
      requests: { metric: 'sutazai_inference_requests_total' },
      errors: { metric: 'sutazai_inference_requests_total', matchers: 'status="error"' },
      latencyHistogram: 'sutazai_inference_duration_seconds',
    },
    scaling: { ...eksNlbSpec.scaling!, signals: { requestRate: { type: 'AverageValue', averageValue: 50 }, latencyP95: { type: 'Value', value: 1.5 } } },
  };
  const chart = new AiInferenceChart(Testing.app(), 's', { spec });
  const objects = Testing.synth(chart);

  it('scrapes /metrics on the API port: no metrics port on the pod, the ServiceMonitor and the NetworkPolicy on http', () => {
    const container = only(objects, 'Deployment').spec.template.spec.containers[0];
    expect(container.ports.map((p: any) => p.name)).toEqual(['http']);
    expect(only(objects, 'ServiceMonitor').spec.endpoints[0].port).toBe('http');
    const fromMonitoring = only(objects, 'NetworkPolicy').spec.ingress.find((r: any) => JSON.stringify(r.from).includes('monitoring'));
    expect(fromMonitoring.ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
  });

  it("reads the server's own series in the SLO rules, and serves its signals under names of their own", () => {
    const rules = JSON.stringify(only(objects, 'PrometheusRule').spec);
    expect(rules).toContain('sutazai_inference_requests_total{');
    expect(rules).toContain('status=\\"error\\"');
    expect(rules).toContain('sutazai_inference_duration_seconds_bucket{');
    expect(rules).not.toMatch(/[^a-z_]inference_requests_total\{/);
    expect(rules).not.toMatch(/[^a-z_]inference_response_time_seconds_bucket\{/);
    expect(chart.adapterRules!.metricNames).toEqual(['sutazai_inference_requests_per_second', 'sutazai_inference_duration_seconds_p95']);
    const hpaNames = only(objects, 'HorizontalPodAutoscaler').spec.metrics.map((m: any) => (m.pods ?? m.object).metric.name);
    expect(hpaNames).toEqual(['sutazai_inference_requests_per_second', 'sutazai_inference_duration_seconds_p95']);
  });

  it('refuses another metricsPort value and a histogram name that is no metric name', () => {
    expect(validateSpec({ ...spec, server: { engine: 'generic', metricsPort: 'metrics' } as any })[0]).toMatch(/^server\.metricsPort \("metrics"\)/);
    expect(validateSpec({ ...spec, metrics: { latencyHistogram: 'sutazai-duration' } })).toEqual(['metrics.latencyHistogram ("sutazai-duration") must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*); fix the name']);
  });
});
