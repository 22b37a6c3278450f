import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { PrometheusAdapterRules } from '../../src';
import { opifex } from '../../examples/opifex/app';
import { CPU_INSTANCE_TYPES, GPU_INSTANCE_TYPES } from '../../examples/opifex/spec';
import { Manifest, only } from '../support';

// Seed 003 (Opifex), built fresh from the example app (dist/ is compared by examples.test.ts).
const app = Testing.app();
const chart = opifex(app);
const objects: Manifest[] = Testing.synth(chart);
const find = (kind: string, name?: string) => only(objects, kind, name);
const hpa = (release: string) => find('HorizontalPodAutoscaler', `${release}-hpa`).spec;
const pod = (release: string) => find('Deployment', release).spec.template.spec;
const ids = chart.warnings.map((w) => w.id);
const warningsOf = (id: string) => chart.warnings.filter((w) => w.id === id).map((w) => w.message);

const GPU = ['l2o-optimizer', 'neural-operator'];
const CPU = ['benchmarking', 'community-platform'];

describe('examples/opifex: seed 003, four workloads on one platform', () => {
  it('puts every workload in opifex-system and creates the namespace once', () => {
    expect(find('Namespace').metadata.name).toBe('opifex-system');
    for (const o of objects.filter((x) => x.metadata.namespace !== undefined)) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('opifex-system');
    expect(objects.filter((o) => o.kind === 'Deployment').map((d) => d.metadata.name)).toEqual([...GPU, ...CPU]);
  });

  it("writes the seed's five PriorityClasses with their values, normal-priority the global default", () => {
    const classes = objects.filter((o) => o.kind === 'PriorityClass').map((c) => [c.metadata.name, c.value, c.globalDefault]);
    expect(classes).toEqual([
      ['gpu-workload', 1000, false],
      ['high-priority', 900, false],
      ['cpu-workload', 500, false],
      ['normal-priority', 100, true],
      ['low-priority', 50, false],
    ]);
    expect(ids).toContain('AII-W050');
    expect(warningsOf('AII-W050')[0]).toMatch(/^PriorityClass "normal-priority" \(value 100\) is the global default/);
  });

  it('gives the GPU workloads gpu-workload and benchmarking cpu-workload; community-platform takes the default', () => {
    expect(GPU.map((r) => pod(r).priorityClassName)).toEqual(['gpu-workload', 'gpu-workload']);
    expect(pod('benchmarking').priorityClassName).toBe('cpu-workload');
    expect(pod('community-platform').priorityClassName).toBeUndefined();
  });

  it("limits the namespace's requests to the seed's quota: 50 GPUs, 200 CPUs, 800Gi", () => {
    const quota = find('ResourceQuota');
    expect(quota.metadata).toMatchObject({ name: 'opifex-quota', namespace: 'opifex-system' });
    // Extended resources are quota'd with the requests. prefix only (kubernetes.io, Resource Quotas).
    expect(quota.spec.hard).toEqual({ 'requests.nvidia.com/gpu': 50, 'requests.cpu': '200', 'requests.memory': '800Gi' });
    // Every workload at maxReplicas (and its surge pod) fits: no shortfall warning.
    expect(ids).not.toContain('AII-W052');
  });

  it('scales l2o-optimizer 1-20: up 50 % per 60 s, down 10 % per 60 s after 5 minutes', () => {
    const s = hpa('l2o-optimizer');
    expect([s.minReplicas, s.maxReplicas]).toEqual([1, 20]);
    expect(s.behavior.scaleUp.policies).toEqual([{ type: 'Percent', value: 50, periodSeconds: 60 }]);
    expect(s.behavior.scaleDown.policies).toEqual([{ type: 'Percent', value: 10, periodSeconds: 60 }]);
    expect(s.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
  });

  it('scales neural-operator 1-15: up 100 % per 120 s, down 20 % per 120 s after 10 minutes', () => {
    const s = hpa('neural-operator');
    expect([s.minReplicas, s.maxReplicas]).toEqual([1, 15]);
    expect(s.behavior.scaleUp.policies).toEqual([{ type: 'Percent', value: 100, periodSeconds: 120 }]);
    expect(s.behavior.scaleDown.policies).toEqual([{ type: 'Percent', value: 20, periodSeconds: 120 }]);
    expect(s.behavior.scaleDown.stabilizationWindowSeconds).toBe(600);
  });

  it('scales benchmarking 1-10: up 75 % per 180 s, down 25 % per 180 s after 15 minutes', () => {
    const s = hpa('benchmarking');
    expect([s.minReplicas, s.maxReplicas]).toEqual([1, 10]);
    expect(s.behavior.scaleUp.policies).toEqual([{ type: 'Percent', value: 75, periodSeconds: 180 }]);
    expect(s.behavior.scaleDown.policies).toEqual([{ type: 'Percent', value: 25, periodSeconds: 180 }]);
    expect(s.behavior.scaleDown.stabilizationWindowSeconds).toBe(900);
  });

  it('scales community-platform 2-10 on CPU 70 %', () => {
    const s = hpa('community-platform');
    expect([s.minReplicas, s.maxReplicas]).toEqual([2, 10]);
    expect(s.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
  });

  it("serves the seed's nvidia.com/gpu Resource targets (85, 90) as the DCGM Pods metric, and says so", () => {
    const gpuMetric = (v: string) => ({ type: 'Pods', pods: { metric: { name: 'dcgm_gpu_utilization_per_pod' }, target: { type: 'AverageValue', averageValue: v } } });
    expect(hpa('l2o-optimizer').metrics[0]).toEqual(gpuMetric('85'));
    expect(hpa('neural-operator').metrics).toEqual([gpuMetric('90')]);
    // The HPA's resource metrics are cpu and memory only: no Resource metric nvidia.com/gpu is written.
    for (const r of [...GPU, ...CPU]) expect(hpa(r).metrics.filter((m: any) => m.type === 'Resource' && m.resource.name !== 'cpu'), r).toEqual([]);
    const w032 = warningsOf('AII-W032');
    expect(w032).toHaveLength(2);
    expect(w032[0]).toMatch(/^workloads\[0\] \(l2o-optimizer\): scaling\.signals\.nvidia\.com\/gpu .* Resource metric the HPA cannot read/);
    expect(w032[1]).toMatch(/^workloads\[1\] \(neural-operator\): scaling\.signals\.nvidia\.com\/gpu /);
    for (const m of w032) expect(m).toContain('dcgm_gpu_utilization_per_pod');
  });

  it('scales l2o-optimizer on its queue (10 per pod) and benchmarking on the generic queue (3 per pod)', () => {
    const queue = (name: string, v: string) => ({ type: 'Pods', pods: { metric: { name }, target: { type: 'AverageValue', averageValue: v } } });
    expect(hpa('l2o-optimizer').metrics).toHaveLength(2);
    expect(hpa('l2o-optimizer').metrics[1]).toEqual(queue('opifex_l2o_queue_length_per_pod', '10'));
    expect(hpa('benchmarking').metrics).toEqual([queue('inference_queue_depth_per_pod', '3')]);
  });

  it('serves every custom metric from one prometheus-adapter configuration, each name once', () => {
    const rules = PrometheusAdapterRules.valuesFor(PrometheusAdapterRules.allIn(chart)).rules.custom;
    expect(rules.map((r) => [r.name.as, r.seriesQuery])).toEqual([
      ['dcgm_gpu_utilization_per_pod', 'DCGM_FI_DEV_GPU_UTIL{exported_namespace!="",exported_pod!=""}'],
      ['opifex_l2o_queue_length_per_pod', 'opifex_l2o_queue_length{namespace!="",pod!=""}'],
      ['inference_queue_depth_per_pod', 'inference_queue_depth{namespace!="",pod!=""}'],
    ]);
  });

  it('routes api.opifex.example.com/api/v1/l2o and /api/v1/neural-operators to the internal Services', () => {
    const ingress = find('Ingress');
    expect(ingress.metadata.name).toBe('opifex-ingress');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.rules).toHaveLength(1);
    expect(ingress.spec.rules[0].host).toBe('api.opifex.example.com');
    expect(ingress.spec.rules[0].http.paths.map((p: any) => [p.path, p.pathType, p.backend.service.name, p.backend.service.port.number])).toEqual([
      ['/api/v1/l2o', 'Prefix', 'l2o-optimizer-internal', 8000],
      ['/api/v1/neural-operators', 'Prefix', 'neural-operator-internal', 8000],
    ]);
    // The backends exist and serve 8000, the port the seed's load generator reaches.
    for (const s of ['l2o-optimizer-internal', 'neural-operator-internal']) expect(find('Service', s).spec.ports.find((p: any) => p.name === 'http').port).toBe(8000);
  });

  it("terminates TLS with a Let's Encrypt certificate from cert-manager", () => {
    const ingress = find('Ingress');
    expect(ingress.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
    expect(ingress.spec.tls).toEqual([{ hosts: ['api.opifex.example.com'], secretName: 'opifex-ingress-tls' }]);
    expect(ids).not.toContain('AII-W058');
  });

  it('limits each client to 1000 requests per minute, allows 300 s per request and 100 MB bodies', () => {
    const a = find('Ingress').metadata.annotations;
    expect(a['nginx.ingress.kubernetes.io/limit-rpm']).toBe('1000');
    expect(a['nginx.ingress.kubernetes.io/limit-burst-multiplier']).toBe('1');
    expect(a['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('300');
    expect(a['nginx.ingress.kubernetes.io/proxy-send-timeout']).toBe('300');
    // NGINX's client_max_body_size counts "m" as 1024 × 1024 bytes: 100m is the 100 MiB of the spec.
    expect(a['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('100m');
    expect(warningsOf('AII-W073')).toHaveLength(1);
    expect(warningsOf('AII-W073')[0]).toMatch(/^nginx\.rateLimit\.requestsPerMinute \(1000\) holds per client address/);
  });

  it("scrapes the ingress controller's request, latency, bytes, connection and certificate series only", () => {
    const monitor = find('ServiceMonitor', 'opifex-ingress-controller');
    expect(monitor.spec.namespaceSelector).toEqual({ matchNames: ['ingress-nginx'] });
    expect(monitor.spec.endpoints).toHaveLength(1);
    const relabel = monitor.spec.endpoints[0].metricRelabelings;
    expect(relabel).toEqual([
      {
        sourceLabels: ['__name__'],
        action: 'keep',
        regex: 'nginx_ingress_controller_(request_duration_seconds_(bucket|sum|count)|requests|bytes_sent_(bucket|sum|count)|request_size_(bucket|sum|count)|nginx_process_connections|ssl_expire_time_seconds)',
      },
    ]);
    // Prometheus anchors relabel regexes at both ends.
    const keep = new RegExp(`^(?:${relabel[0].regex})$`);
    for (const kept of [
      'nginx_ingress_controller_request_duration_seconds_bucket',
      'nginx_ingress_controller_requests',
      'nginx_ingress_controller_bytes_sent_sum',
      'nginx_ingress_controller_request_size_count',
      'nginx_ingress_controller_nginx_process_connections',
      'nginx_ingress_controller_ssl_expire_time_seconds',
    ]) expect(keep.test(kept), kept).toBe(true);
    for (const dropped of ['nginx_ingress_controller_response_duration_seconds_bucket', 'nginx_ingress_controller_config_hash', 'go_goroutines']) expect(keep.test(dropped), dropped).toBe(false);
  });

  it("prefers the seed's GPU instance types for the GPU workloads and its CPU types for the CPU ones", () => {
    const preferred = (types: string[]) => [{ weight: 100, preference: { matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: types }] } }];
    expect(GPU_INSTANCE_TYPES).toEqual(['p3.8xlarge', 'p3.16xlarge', 'p4d.24xlarge']);
    expect(CPU_INSTANCE_TYPES).toEqual(['c5.4xlarge', 'c5.9xlarge', 'c5.18xlarge']);
    for (const r of GPU) expect(pod(r).affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution, r).toEqual(preferred(['p3.8xlarge', 'p3.16xlarge', 'p4d.24xlarge']));
    for (const r of CPU) expect(pod(r).affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution, r).toEqual(preferred(['c5.4xlarge', 'c5.9xlarge', 'c5.18xlarge']));
    // Preferred only: no required node affinity pins a pod to a label.
    for (const r of [...GPU, ...CPU]) expect(pod(r).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, r).toBeUndefined();
  });

  it('writes a Karpenter NodePool per node group: gpu (p3/p4d, 50 nodes, tainted) and cpu (c5, 50 nodes)', () => {
    const gpu = find('NodePool', 'gpu');
    const cpu = find('NodePool', 'cpu');
    const types = (np: Manifest) => np.spec.template.spec.requirements.find((r: any) => r.key === 'node.kubernetes.io/instance-type');
    expect(types(gpu)).toEqual({ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['p3.8xlarge', 'p3.16xlarge', 'p4d.24xlarge'] });
    expect(types(cpu)).toEqual({ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['c5.4xlarge', 'c5.9xlarge', 'c5.18xlarge'] });
    expect(gpu.spec.limits.nodes).toBe(50);
    expect(cpu.spec.limits.nodes).toBe(50);
    // 50 of the largest type of each pool.
    expect(gpu.spec.limits).toEqual({ cpu: '4800', memory: '57600Gi', nodes: 50, 'nvidia.com/gpu': 400 });
    expect(cpu.spec.limits).toEqual({ cpu: '3600', memory: '7200Gi', nodes: 50 });
    expect(gpu.spec.template.spec.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }]);
    expect(cpu.spec.template.spec.taints).toBeUndefined();
  });

  it('says that Karpenter keeps no minimum (AII-W053) and how the 50-node maximum holds (AII-W054), per pool', () => {
    const w053 = warningsOf('AII-W053');
    expect(w053).toHaveLength(2);
    expect(w053[0]).toMatch(/^NodePool "gpu": a minimum of 1 node cannot be expressed: Karpenter has no minimum node count/);
    expect(w053[1]).toMatch(/^NodePool "cpu": a minimum of 2 nodes cannot be expressed/);
    const w054 = warningsOf('AII-W054');
    expect(w054).toHaveLength(2);
    expect(w054[0]).toMatch(/^NodePool "gpu": at most 50 nodes is limits\.nodes 50, which Karpenter enforces from v1\.11\.0 on/);
    expect(w054[1]).toMatch(/^NodePool "cpu": at most 50 nodes is limits\.nodes 50/);
  });

  it('gives the GPU workloads one GPU each, the GPU toleration and the GPU alerts', () => {
    for (const r of GPU) {
      expect(pod(r).containers[0].resources.limits['nvidia.com/gpu'], r).toBe(1);
      expect(pod(r).tolerations, r).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
      expect(alerts(r), r).toEqual(expect.arrayContaining(['InferenceGpuUtilizationHigh', 'InferenceGpuUnderutilized']));
    }
  });

  it('gives the CPU-only workloads no GPU request, no GPU toleration and no GPU alert or series', () => {
    for (const r of CPU) {
      const spec = pod(r);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect(Object.keys(c.resources.limits ?? {}), `${r} ${c.name}`).not.toContain('nvidia.com/gpu');
        expect(Object.keys(c.resources.requests ?? {}), `${r} ${c.name}`).not.toContain('nvidia.com/gpu');
      }
      expect((spec.tolerations ?? []).filter((t: any) => t.key === 'nvidia.com/gpu'), r).toEqual([]);
      expect(spec.runtimeClassName, r).toBeUndefined();
      expect(alerts(r).filter((a) => /Gpu/.test(a)), r).toEqual([]);
      expect(JSON.stringify(find('PrometheusRule', `${r}-rules`)), r).not.toMatch(/DCGM_/);
      expect(hpa(r).metrics.filter((m: any) => m.pods?.metric.name === 'dcgm_gpu_utilization_per_pod'), r).toEqual([]);
    }
  });
});

function alerts(release: string): string[] {
  return find('PrometheusRule', `${release}-rules`).spec.groups.flatMap((g: any) => g.rules.filter((r: any) => r.alert).map((r: any) => r.alert));
}
