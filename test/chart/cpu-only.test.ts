import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, ROW_TITLES, validateSpec } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { only } from '../support';

// The seed service without GPUs: no node label written, so the defaults decide.
const { nodeLabels: _nodeLabels, ...scheduling } = eksNlbSpec.scheduling!;
const cpuOnly: AiInferenceSpec = {
  ...eksNlbSpec,
  resources: { ...eksNlbSpec.resources, gpu: { count: 0 } },
  scheduling,
  scaling: { ...eksNlbSpec.scaling!, signals: { cpu: { type: 'Utilization', averageUtilization: 70 }, queueDepth: { type: 'AverageValue', averageValue: 10 } } },
};
const synth = (spec: AiInferenceSpec) => Testing.synth(new AiInferenceChart(Testing.app(), 'cpu', { spec }));

describe('a CPU-only workload (resources.gpu.count 0) is first-class', () => {
  const objects = synth(cpuOnly);
  const pod = only(objects, 'Deployment').spec.template.spec;

  it('requests no GPU, tolerates no GPU taint and is not pinned to the GPU nodes', () => {
    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
      expect(Object.keys(c.resources.limits ?? {})).not.toContain('nvidia.com/gpu');
      expect(Object.keys(c.resources.requests ?? {})).not.toContain('nvidia.com/gpu');
    }
    expect(pod.tolerations ?? []).toEqual([]);
    expect(pod.affinity?.nodeAffinity).toBeUndefined();
  });

  it('keeps the GPU defaults for a GPU pod of the same spec', () => {
    const gpuPod = only(synth({ ...cpuOnly, resources: eksNlbSpec.resources }), 'Deployment').spec.template.spec;
    expect(gpuPod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(gpuPod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toEqual([
      { key: 'node-type', operator: 'In', values: ['gpu-inference'] },
    ]);
  });

  it('has no GPU alerts and no GPU dashboard row', () => {
    const alerts = only(objects, 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert)).filter(Boolean);
    expect(alerts).not.toContain('InferenceGpuUtilizationHigh');
    expect(alerts).not.toContain('InferenceGpuUnderutilized');
    expect(alerts).toContain('InferenceLatencyP95SLOBreach');
    const dashboardMap = objects.find((o: any) => o.kind === 'ConfigMap' && Object.keys(o.data ?? {}).some((k) => k.endsWith('.json')));
    const dashboard = JSON.parse(Object.values(dashboardMap.data)[0] as string);
    const rows = dashboard.panels.filter((p: any) => p.type === 'row').map((p: any) => p.title);
    expect(rows).not.toContain(ROW_TITLES.gpu);
    expect(rows).toContain(ROW_TITLES.capacity);
    expect(JSON.stringify(dashboard)).not.toContain('DCGM_FI_DEV_GPU_UTIL');
  });

  it('scales on CPU and its queue; a gpu signal is refused, naming the fix', () => {
    const hpa = only(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec.metrics.map((m: any) => m.resource?.name ?? m.pods?.metric.name)).toEqual(['cpu', 'inference_queue_depth_per_pod']);
    expect(validateSpec({ ...cpuOnly, scaling: { ...cpuOnly.scaling!, signals: { gpu: { type: 'AverageValue', averageValue: 70 } } } })).toEqual([
      'scaling.signals.gpu (an object) needs a GPU on the Deployment (resources.gpu.count is 0): dcgm-exporter reports nothing for the pods, so the signal is always missing; request a GPU or drop the gpu signal',
    ]);
  });
});
