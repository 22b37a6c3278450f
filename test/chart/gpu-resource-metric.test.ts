import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, GpuHpa, validateSpec } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { only } from '../support';
import { Chart } from 'cdk8s';

// Seed 003 writes its GPU target as an HPA Resource metric named nvidia.com/gpu.
const seed003: AiInferenceSpec = {
  ...eksNlbSpec,
  scaling: { ...eksNlbSpec.scaling!, signals: { 'nvidia.com/gpu': { type: 'Utilization', averageUtilization: 85 }, queueDepth: { type: 'AverageValue', averageValue: 10 } } },
};

describe("seed 003's Resource metric nvidia.com/gpu", () => {
  it('becomes the DCGM GPU signal with the same percent, and the chart says so (AII-W032)', () => {
    const chart = new AiInferenceChart(Testing.app(), 'gpu', { spec: seed003 });
    const metrics = only(Testing.synth(chart), 'HorizontalPodAutoscaler').spec.metrics;
    expect(metrics).toContainEqual({ type: 'Pods', pods: { metric: { name: 'dcgm_gpu_utilization_per_pod' }, target: { type: 'AverageValue', averageValue: '85' } } });
    expect(metrics.some((m: any) => m.type === 'Resource' && m.resource.name === 'nvidia.com/gpu')).toBe(false);
    const w = chart.warnings.find((x) => x.id === 'AII-W032')!;
    expect(w.message).toMatch(/^scaling\.signals\.nvidia\.com\/gpu \(.*\) is a Resource metric the HPA cannot read: the resource metrics API \(metrics-server\) reports cpu and memory only/);
    expect(w.message).toContain("write it as scaling.signals.gpu { type: 'AverageValue', averageValue: 85 }");
    expect(chart.adapterRules!.metricNames).toContain('dcgm_gpu_utilization_per_pod');
  });

  it('the GpuHpa construct alone reads it the same way', () => {
    const chart = new Chart(Testing.app(), 'alone');
    const workload = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'l2o-optimizer', namespace: 'opifex-system', gpuCount: 1, selectorLabels: { app: 'l2o' }, ports: { http: 8000 } } as any;
    new GpuHpa(chart, 'hpa', { name: 'l2o-optimizer', namespace: 'opifex-system', workload, minReplicas: 1, maxReplicas: 20, signals: { 'nvidia.com/gpu': { type: 'Utilization', averageUtilization: 85 } } });
    const hpa = only(Testing.synth(chart), 'HorizontalPodAutoscaler');
    expect(hpa.spec.metrics).toEqual([{ type: 'Pods', pods: { metric: { name: 'dcgm_gpu_utilization_per_pod' }, target: { type: 'AverageValue', averageValue: '85' } } }]);
  });

  it('is refused above 100 %, beside gpu, and in the wrong target shape', () => {
    const withSignals = (signals: any): AiInferenceSpec => ({ ...seed003, scaling: { ...seed003.scaling!, signals } });
    expect(validateSpec(withSignals({ 'nvidia.com/gpu': { type: 'Utilization', averageUtilization: 120 } }))).toEqual([
      'scaling.signals.nvidia.com/gpu.averageUtilization (120) must be at most 100 (dcgm-exporter reports percent 0-100, a higher target never triggers); lower it',
    ]);
    expect(validateSpec(withSignals({ 'nvidia.com/gpu': { type: 'Utilization', averageUtilization: 85 }, gpu: { type: 'AverageValue', averageValue: 70 } }))).toEqual([
      expect.stringContaining('scaling.signals.nvidia.com/gpu (an object) sets GPU utilization a second time beside gpu'),
    ]);
    expect(validateSpec(withSignals({ 'nvidia.com/gpu': { type: 'AverageValue', averageValue: 85 } }))[0]).toMatch(/^scaling\.signals\.nvidia\.com\/gpu\.type \("AverageValue"\) nvidia\.com\/gpu takes only a Utilization target/);
  });
});
