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
