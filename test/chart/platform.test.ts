import { Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { AiInferenceChart, AiInferenceSpec, InferencePlatformChart, PlatformSpec, validatePlatformSpec } from '../../src';
import { PLATFORM_CHECK_IDS } from '../../src/conventions';
import { opifexPlatform } from '../../examples/opifex/spec';
import { sutazaiPlatform, sutazaiTraefikPlatform } from '../../examples/sutazai/spec';
import { Manifest, errorOf } from '../support';

const INSTANCE = 'app.kubernetes.io/instance';
const ws = opifexPlatform.workloads;
const [l2o, neural, bench, community] = ws;
const withWorkload = (i: number, w: AiInferenceSpec): PlatformSpec => ({ ...opifexPlatform, workloads: ws.map((x, j) => (j === i ? w : x)) });
const opifexIngress = opifexPlatform.ingress!;

describe('InferencePlatformChart checks (AII-P001..P010)', () => {
  it('accepts the examples as they are', () => {
    for (const spec of [opifexPlatform, sutazaiPlatform, sutazaiTraefikPlatform]) expect(validatePlatformSpec(spec), spec.name).toEqual([]);
  });

  it('refuses two workloads with one release (AII-P001)', () => {
    expect(validatePlatformSpec(withWorkload(2, { ...bench, release: 'l2o-optimizer' }))).toEqual([
      `${PLATFORM_CHECK_IDS.duplicateRelease} workloads[2].release ("l2o-optimizer") is also the release of workloads[0]: every object's name derives from the release, so the second would overwrite the first; give each workload its own release`,
    ]);
  });

  it("refuses a release whose dashboard would take the overview dashboard's name (AII-P001)", () => {
    expect(validatePlatformSpec(withWorkload(3, { ...community, release: 'opifex-overview' }))).toEqual([
      "AII-P001 workloads[3].release (\"opifex-overview\") names its dashboard ConfigMap opifex-overview-dashboard, the name of the platform's overview dashboard, so one would overwrite the other; give the workload another release, or set dashboard false",
    ]);
    const spec = { ...withWorkload(3, { ...community, release: 'opifex-overview' }), dashboard: false };
    expect(validatePlatformSpec(spec)).toEqual([]);
    const names = Testing.synth(new InferencePlatformChart(Testing.app(), 'p', { spec })).filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name);
    expect(names.filter((n) => n === 'opifex-overview-dashboard')).toHaveLength(1);
  });

  it("refuses a workload outside the platform's namespace (AII-P002)", () => {
    expect(validatePlatformSpec(withWorkload(2, { ...bench, namespace: 'benchmarks' }))).toEqual([
      'AII-P002 workloads[2].namespace ("benchmarks") differs from the platform\'s namespace ("opifex-system"): its quota, ingress and priority checks cover that namespace only; set it to "opifex-system"',
    ]);
  });

  it('refuses a workload that would create the namespace again (AII-P003)', () => {
    expect(validatePlatformSpec(withWorkload(3, { ...community, createNamespace: true }))).toEqual([
      "AII-P003 workloads[3].createNamespace (true) would write the platform's Namespace a second time; the platform creates it (createNamespace); leave it out of the workload",
    ]);
  });

  it('refuses a PriorityClass the platform neither creates nor knows (AII-P004)', () => {
    expect(validatePlatformSpec(withWorkload(2, { ...bench, scheduling: { ...bench.scheduling, priorityClassName: 'batch' } }))).toEqual([
      'AII-P004 workloads[2].scheduling.priorityClassName ("batch") names a PriorityClass the platform neither creates nor lists in existingPriorityClasses (it creates gpu-workload, high-priority, cpu-workload, normal-priority, low-priority): the API server refuses pods whose class does not exist; add it to priorityClasses, or to existingPriorityClasses if the cluster has it',
    ]);
    expect(validatePlatformSpec({ ...sutazaiPlatform, workloads: [{ ...sutazaiPlatform.workloads[0], scheduling: { priorityClassName: 'batch' } }] })).toEqual([
      'AII-P004 workloads[0].scheduling.priorityClassName ("batch") names a PriorityClass the platform neither creates nor lists in existingPriorityClasses (it creates none): the API server refuses pods whose class does not exist; add it to priorityClasses, or to existingPriorityClasses if the cluster has it',
    ]);
  });

  it("accepts existingPriorityClasses and Kubernetes' own system classes", () => {
    const spec: PlatformSpec = {
      ...opifexPlatform,
      existingPriorityClasses: ['batch'],
      workloads: [
        l2o,
        { ...neural, scheduling: { ...neural.scheduling, priorityClassName: 'system-node-critical' } },
        { ...bench, scheduling: { ...bench.scheduling, priorityClassName: 'batch' } },
        { ...community, scheduling: { ...community.scheduling, priorityClassName: 'system-cluster-critical' } },
      ],
    };
    expect(validatePlatformSpec(spec)).toEqual([]);
    const pods = Testing.synth(new InferencePlatformChart(Testing.app(), 'p', { spec })).filter((o) => o.kind === 'Deployment');
    expect(pods.map((d) => d.spec.template.spec.priorityClassName)).toEqual(['gpu-workload', 'system-node-critical', 'batch', 'system-cluster-critical']);
  });

  it('refuses one adapter metric name served from two different series (AII-P005)', () => {
    // Both workloads scale on the gpu signal (dcgm_gpu_utilization_per_pod), one reading dcgm-exporter's pod label as `pod`.
    const spec = withWorkload(1, { ...neural, metrics: { ...neural.metrics, dcgm: { podLabel: 'pod' } } });
    expect(validatePlatformSpec(spec)).toEqual([
      'AII-P005 prometheus-adapter metric dcgm_gpu_utilization_per_pod is served by two different rules (workloads[0] (l2o-optimizer): DCGM_FI_DEV_GPU_UTIL{exported_namespace!="",exported_pod!=""} -> avg by (<<.GroupBy>>) (<<.Series>>{<<.LabelMatchers>>}); workloads[1] (neural-operator): DCGM_FI_DEV_GPU_UTIL{exported_namespace!="",pod!=""} -> avg by (<<.GroupBy>>) (<<.Series>>{<<.LabelMatchers>>})), but one adapter answers a metric name with one rule; give the services the same metrics.dcgm labels and rate window, or serve them from separate adapters',
    ]);
    // The same labels on both: one rule, accepted.
    const same = { ...opifexPlatform, workloads: [{ ...l2o, metrics: { ...l2o.metrics, dcgm: { podLabel: 'pod' } } }, { ...neural, metrics: { ...neural.metrics, dcgm: { podLabel: 'pod' } } }, bench, community] };
    expect(validatePlatformSpec(same)).toEqual([]);
  });

  it('refuses a route to a release no workload has (AII-P006)', () => {
    const spec = { ...opifexPlatform, ingress: { ...opifexIngress, routes: [...opifexIngress.routes, { path: '/api/v1/search', workload: 'search' }] } };
    expect(validatePlatformSpec(spec)).toEqual([
      'AII-P006 ingress.routes[2].workload ("search") is not the release of a workload; use one of "l2o-optimizer", "neural-operator", "benchmarking", "community-platform"',
    ]);
  });

  it('names each release once in the AII-P006 fix, also when a release is duplicated', () => {
    const spec = { ...withWorkload(3, { ...community, release: 'benchmarking' }), ingress: { ...opifexIngress, routes: [{ path: '/api/v1/search', workload: 'search' }] } };
    expect(validatePlatformSpec(spec)).toEqual([
      `AII-P001 workloads[3].release ("benchmarking") is also the release of workloads[2]: every object's name derives from the release, so the second would overwrite the first; give each workload its own release`,
      'AII-P006 ingress.routes[0].workload ("search") is not the release of a workload; use one of "l2o-optimizer", "neural-operator", "benchmarking"',
    ]);
  });

  it('refuses two routes on one path, a trailing slash included (AII-P007)', () => {
    const spec = { ...opifexPlatform, ingress: { ...opifexIngress, routes: [{ path: '/api/v1/l2o', workload: 'l2o-optimizer' }, { path: '/api/v1/l2o/', workload: 'neural-operator' }] } };
    expect(validatePlatformSpec(spec)).toEqual([
      'AII-P007 ingress.routes[1].path ("/api/v1/l2o/") is also the path of ingress.routes[0]: the controller sends a path to one backend only; give each route its own path',
    ]);
  });

  it('refuses a route to a workload without its internal Service (AII-P008)', () => {
    const spec = withWorkload(1, { ...neural, traffic: { internal: false }, monitoring: false });
    expect(validatePlatformSpec(spec)).toEqual([
      'AII-P008 ingress.routes[1].workload ("neural-operator") has traffic.internal false, so it has no ClusterIP Service for the ingress to send to; leave traffic.internal out',
    ]);
  });

  it('refuses a node pool instance type the library does not know (AII-P009)', () => {
    const spec = { ...opifexPlatform, nodePools: [{ name: 'gpu', instanceTypes: ['p3.8xlarge', 'x9.huge'], maxNodes: 5 }] };
    expect(validatePlatformSpec(spec)).toEqual([
      'AII-P009 nodePools[0].instanceTypes[1] ("x9.huge") is not an instance type whose vCPUs, memory and GPUs the library knows, so maxNodes cannot be turned into the NodePool limits Karpenter enforces; use a known type or leave it out',
    ]);
  });

  it("refuses a routed workload whose NetworkPolicy drops the controller's requests (AII-P010)", () => {
    const spec = withWorkload(0, { ...l2o, networkPolicy: { webApp: { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'nginx' } }, monitoringNamespace: 'monitoring' } });
    expect(validatePlatformSpec(spec)).toEqual([
      'AII-P010 workloads[0].networkPolicy.webApp (an object) does not admit the ingress-nginx controller\'s pods (namespace ingress-nginx, labels {"app.kubernetes.io/name":"ingress-nginx","app.kubernetes.io/component":"controller"}), so the workload\'s NetworkPolicy drops every request ingress.routes[0] sends it; set networkPolicy.webApp to { namespace: \'ingress-nginx\', podLabels: {"app.kubernetes.io/name":"ingress-nginx","app.kubernetes.io/component":"controller"} } (or ingress.controller to where the controller runs)',
    ]);
    // A workload no route reaches need not admit the controller; networkPolicy false admits everyone.
    expect(validatePlatformSpec(withWorkload(2, { ...bench, networkPolicy: { webApp: { namespace: 'elsewhere', podLabels: { app: 'web' } }, monitoringNamespace: 'monitoring' } }))).toEqual([]);
    expect(validatePlatformSpec(withWorkload(0, { ...l2o, networkPolicy: false }))).toEqual([]);
  });

  it('refuses a Traefik ingress without TLS', () => {
    const { tls: _tls, ...ingress } = sutazaiTraefikPlatform.ingress!;
    expect(validatePlatformSpec({ ...sutazaiTraefikPlatform, ingress })).toEqual([
      "ingress.tls (not set) is required with provider traefik: the IngressRoute serves Traefik's websecure entry point (443), which needs a certificate; set tls { clusterIssuer }",
    ]);
  });

  it("refuses the other provider's settings", () => {
    expect(validatePlatformSpec({ ...sutazaiTraefikPlatform, ingress: { ...sutazaiTraefikPlatform.ingress!, nginx: { upstreamKeepaliveConnections: 32 } } })).toEqual([
      "ingress.nginx (an object) is for provider ingress-nginx, and this ingress is traefik's; move the settings to ingress.traefik or remove them",
    ]);
    expect(validatePlatformSpec({ ...sutazaiPlatform, ingress: { ...sutazaiPlatform.ingress!, traefik: { circuitBreaker: {} } } })).toEqual([
      "ingress.traefik (an object) is for provider traefik, and this ingress is ingress-nginx's; move the settings to ingress.nginx or remove them",
    ]);
  });

  it("reports a workload's own problem at its place in workloads", () => {
    expect(validatePlatformSpec(withWorkload(1, { ...neural, scaling: { ...neural.scaling, minReplicas: 30 } }))).toEqual([
      'workloads[1].scaling.maxReplicas (15) must be at least minReplicas (30); raise maxReplicas or lower minReplicas (for a fixed count use pinnedReplicas)',
    ]);
  });

  it("refuses a workload's scaling signal that its metric preset cannot serve, at its place", () => {
    const problems = validatePlatformSpec(withWorkload(2, { ...bench, scaling: { ...bench.scaling!, signals: { kvCacheUsage: { type: 'AverageValue', averageValue: 0.8 } } } }));
    expect(problems).toEqual([
      `workloads[2].scaling.signals.kvCacheUsage.averageValue (0.8) needs vLLM's vllm:kv_cache_usage_perc gauge, but the generic metric preset has no such series (only vLLM exports them); run vLLM (server.engine "vllm") or leave it out`,
    ]);
  });

  it('lists every problem at once and writes no object: the chart never joins the app', () => {
    const app = Testing.app();
    const spec = { ...withWorkload(2, { ...bench, release: 'l2o-optimizer' }), nodePools: [{ name: 'gpu', instanceTypes: ['x9.huge'], maxNodes: 5 }] };
    const message = errorOf(() => new InferencePlatformChart(app, 'opifex', { spec }));
    expect(message).toBe(
      [
        'InferencePlatformChart opifex: spec is invalid:',
        `  - AII-P001 workloads[2].release ("l2o-optimizer") is also the release of workloads[0]: every object's name derives from the release, so the second would overwrite the first; give each workload its own release`,
        '  - AII-P009 nodePools[0].instanceTypes[0] ("x9.huge") is not an instance type whose vCPUs, memory and GPUs the library knows, so maxNodes cannot be turned into the NodePool limits Karpenter enforces; use a known type or leave it out',
      ].join('\n'),
    );
    expect(app.charts).toEqual([]);
    expect(app.node.children).toEqual([]);
  });
});

describe('InferencePlatformChart warnings', () => {
  it('suppresses a platform warning by id, keeping it with its reason, and prints it no more', () => {
    const reason = 'opifex owns the cluster: every pod without a class is one of its own';
    const chart = new InferencePlatformChart(Testing.app(), 'opifex', { spec: { ...opifexPlatform, warnings: { suppress: [{ id: 'AII-W050', reason }] } } });
    expect(chart.warnings.map((w) => w.id)).not.toContain('AII-W050');
    expect(chart.suppressedWarnings).toHaveLength(1);
    expect(chart.suppressedWarnings[0]).toMatchObject({ id: 'AII-W050', reason });
    expect(chart.suppressedWarnings[0].message).toMatch(/^PriorityClass "normal-priority" \(value 100\) is the global default/);
    // The suppression, with its reason, is in the output: on the platform's Namespace.
    const again = new InferencePlatformChart(Testing.app(), 'opifex', { spec: { ...opifexPlatform, warnings: { suppress: [{ id: 'AII-W050', reason }] } } });
    const ns = Testing.synth(again).find((o: any) => o.kind === 'Namespace');
    expect(JSON.parse(ns.metadata.annotations['ai-inference.cdk8s.io/suppressed-warnings'])).toEqual([{ id: 'AII-W050', reason }]);
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      Testing.synth(chart);
      const printed = emit.mock.calls.map((c) => String(c[0]));
      expect(printed).toHaveLength(chart.warnings.length);
      expect(printed.filter((p) => p.includes('AII-W050'))).toEqual([]);
      expect(printed.filter((p) => p.startsWith('opifex: AII-W053 NodePool "gpu"'))).toHaveLength(1);
    } finally {
      emit.mockRestore();
    }
  });

  it('refuses an unknown id with the nearest one', () => {
    const problems = validatePlatformSpec({ ...opifexPlatform, warnings: { suppress: [{ id: 'AII-W52' as never, reason: 'the quota is raised by hand' }] } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^warnings\.suppress\[0\]\.id \("AII-W52"\) names no warning of this library; the ids are "AII-W050", "AII-W051", "AII-W052", .*"AII-W073"; did you mean "AII-W052"\?$/);
  });

  it("does not accept a workload warning's id at the platform level", () => {
    const problems = validatePlatformSpec({ ...opifexPlatform, warnings: { suppress: [{ id: 'AII-W032' as never, reason: 'DCGM is what we want' }] } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^warnings\.suppress\[0\]\.id \("AII-W032"\) names no warning of this library/);
  });

  it('names the workloads a quota too small for their maxReplicas leaves short (AII-W052)', () => {
    const chart = new InferencePlatformChart(Testing.app(), 'opifex', { spec: { ...opifexPlatform, quota: { ...opifexPlatform.quota!, gpus: 20 } } });
    expect(chart.warnings.filter((w) => w.id === 'AII-W052').map((w) => w.message)).toEqual([
      // maxReplicas plus the rollout's surge pod: 21 and 16 GPUs.
      "namespace opifex-system: requests.nvidia.com/gpu needs 37 GPUs with every workload at maxReplicas (l2o-optimizer: 21 × 1 GPU = 21 GPUs, neural-operator: 16 × 1 GPU = 16 GPUs), above the quota's 20 GPUs; the API server refuses the pods past the quota (FailedCreate on the ReplicaSet), so whichever workload scales last stays short. Raise the quota or lower maxReplicas",
    ]);
    // The quota is still written as given: a warning, not a refusal.
    expect(Testing.synth(chart).find((o) => o.kind === 'ResourceQuota')!.spec.hard['requests.nvidia.com/gpu']).toBe(20);
  });
});

describe('the quota arithmetic of AII-W052', () => {
  it("counts each workload's pods as the synthesized Deployment and HPA run them: maxReplicas plus the surge pod, times the pod's requests", () => {
    const chart = new InferencePlatformChart(Testing.app(), 'opifex', { spec: { ...opifexPlatform, quota: { ...opifexPlatform.quota!, gpus: 0, requestsCpu: Cpu.millis(100) } } });
    const objects = Testing.synth(chart);
    const cpuLine = chart.warnings.find((w) => w.id === 'AII-W052' && w.message.startsWith('namespace opifex-system: requests.cpu'))!.message;
    const gpuLine = chart.warnings.find((w) => w.id === 'AII-W052' && w.message.startsWith('namespace opifex-system: requests.nvidia.com/gpu'))!.message;
    for (const w of ws) {
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === w.release)!;
      const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === `${w.release}-hpa`)!;
      const pods = hpa.spec.maxReplicas + deployment.spec.strategy.rollingUpdate.maxSurge;
      const containers = deployment.spec.template.spec.containers;
      expect(containers, w.release).toHaveLength(1);
      expect(deployment.spec.template.spec.initContainers ?? [], w.release).toEqual([]);
      const cores = Number(containers[0].resources.requests.cpu);
      expect(cpuLine, w.release).toContain(`${w.release}: ${pods} × ${cores} cores = ${pods * cores} cores`);
      const gpus = containers[0].resources.requests['nvidia.com/gpu'];
      if (gpus === undefined) expect(gpuLine, w.release).not.toContain(`${w.release}:`);
      else expect(gpuLine, w.release).toContain(`${w.release}: ${pods} × ${gpus} GPU = ${pods * gpus} GPUs`);
    }
  });
});

// ---- a workload in a platform is its spec synthesized alone ------------------------------

/** Objects by kind/name. */
function byKey(objects: readonly Manifest[]): Map<string, Manifest> {
  const map = new Map<string, Manifest>();
  for (const o of objects) {
    const key = `${o.kind}/${o.metadata.name}`;
    expect(map.has(key), `${key} twice`).toBe(false);
    map.set(key, o);
  }
  return map;
}

/** The kinds the platform adds beside its workloads' objects. */
const SHARED_KINDS = ['Namespace', 'PriorityClass', 'ResourceQuota', 'Ingress', 'ServiceMonitor', 'IngressRoute', 'Middleware', 'Certificate', 'NodePool', 'ConfigMap'];

/** Asserts that each workload's objects in the platform equal its spec alone; returns the shared objects. */
function expectWorkloadsAlone(spec: PlatformSpec): Manifest[] {
  const platform = Testing.synth(new InferencePlatformChart(Testing.app(), 'platform', { spec }));
  for (const w of spec.workloads) {
    const alone = Testing.synth(new AiInferenceChart(Testing.app(), 'x', { spec: w }));
    expect(alone.length).toBeGreaterThan(0);
    for (const o of alone) expect(o.metadata.labels?.[INSTANCE], `${w.release}: ${o.kind}/${o.metadata.name}`).toBe(w.release);
    const inPlatform = platform.filter((o) => o.metadata.labels?.[INSTANCE] === w.release);
    const a = byKey(alone);
    const b = byKey(inPlatform);
    expect([...b.keys()].sort(), w.release).toEqual([...a.keys()].sort());
    for (const [key, o] of a) expect(b.get(key), `${w.release}: ${key}`).toEqual(o);
  }
  const shared = platform.filter((o) => o.metadata.labels?.[INSTANCE] === undefined);
  for (const o of shared) {
    expect(SHARED_KINDS, `${o.kind}/${o.metadata.name}`).toContain(o.kind);
    expect(o.metadata.labels['app.kubernetes.io/part-of'], `${o.kind}/${o.metadata.name}`).toBe(spec.name);
  }
  // Every object is a workload's or shared: none carries another instance.
  expect(platform.length).toBe(shared.length + spec.workloads.reduce((n, w) => n + platform.filter((o) => o.metadata.labels?.[INSTANCE] === w.release).length, 0));
  return shared;
}

describe("a platform's workload is the same spec synthesized alone", () => {
  it.each([
    ['opifex', opifexPlatform],
    ['sutazai', sutazaiPlatform],
    ['sutazai-traefik', sutazaiTraefikPlatform],
  ])('holds for every workload of examples/%s; the platform adds only shared objects', (_name, spec) => {
    const shared = expectWorkloadsAlone(spec);
    expect(shared.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual([spec.namespace]);
  });

  it('holds for random subsets of the opifex workloads with random replica bounds', () => {
    const workload = fc
      .record({ index: fc.integer({ min: 0, max: ws.length - 1 }), min: fc.integer({ min: 1, max: 3 }), span: fc.integer({ min: 1, max: 20 }) })
      .map(({ index, min, span }) => ({ index, min, max: min + span }));
    const subset = fc.uniqueArray(workload, { minLength: 1, maxLength: 4, selector: (w) => w.index });
    fc.assert(
      fc.property(subset, (picks) => {
        const workloads = picks.map(({ index, min, max }) => ({ ...ws[index], scaling: { ...ws[index].scaling, minReplicas: min, maxReplicas: max } }));
        const releases = new Set(workloads.map((w) => w.release));
        const routes = opifexIngress.routes.filter((r) => releases.has(r.workload));
        const spec: PlatformSpec = { ...opifexPlatform, workloads, ingress: routes.length > 0 ? { ...opifexIngress, routes } : undefined };
        expect(validatePlatformSpec(spec)).toEqual([]);
        const shared = expectWorkloadsAlone(spec);
        expect(shared.filter((o) => o.kind === 'Ingress')).toHaveLength(routes.length > 0 ? 1 : 0);
        for (const w of workloads) {
          const hpa = Testing.synth(new AiInferenceChart(Testing.app(), 'x', { spec: w })).find((o) => o.kind === 'HorizontalPodAutoscaler')!;
          expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([w.scaling!.minReplicas, w.scaling!.maxReplicas]);
        }
      }),
      { numRuns: 25, seed: 12 },
    );
  });

  it('always refuses a duplicated release or a foreign namespace, with its id, and writes nothing', () => {
    const indexes = fc.uniqueArray(fc.integer({ min: 0, max: ws.length - 1 }), { minLength: 1, maxLength: 4 });
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('duplicate' as const), of: fc.nat() }),
      fc.record({
        kind: fc.constant('namespace' as const),
        of: fc.nat(),
        namespace: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/).filter((n) => n !== opifexPlatform.namespace),
      }),
    );
    fc.assert(
      fc.property(indexes, mutation, (picked, m) => {
        const workloads = picked.map((i) => ws[i]);
        const target = m.of % workloads.length;
        let expectedId: string;
        if (m.kind === 'duplicate') {
          // Another workload (or a copy) under an existing release, placed after it.
          const other = ws[(ws.indexOf(workloads[target]) + 1) % ws.length];
          workloads.push({ ...other, release: workloads[target].release });
          expectedId = PLATFORM_CHECK_IDS.duplicateRelease;
        } else {
          workloads[target] = { ...workloads[target], namespace: m.namespace };
          expectedId = PLATFORM_CHECK_IDS.foreignNamespace;
        }
        const releases = new Set(workloads.map((w) => w.release));
        const routes = opifexIngress.routes.filter((r) => releases.has(r.workload));
        const spec: PlatformSpec = { ...opifexPlatform, workloads, ingress: routes.length > 0 ? { ...opifexIngress, routes } : undefined };
        const app = Testing.app();
        const message = errorOf(() => new InferencePlatformChart(app, 'p', { spec }));
        const line = m.kind === 'duplicate' ? `  - ${expectedId} workloads[${workloads.length - 1}].release ("${workloads[target].release}") is also the release of workloads[${target}]` : `  - ${expectedId} workloads[${target}].namespace ("${m.namespace}") differs from the platform's namespace ("opifex-system")`;
        expect(message).toContain(line);
        expect(app.charts).toEqual([]);
      }),
      { numRuns: 40, seed: 12 },
    );
  });
});

describe('InferencePlatformChart: the ingress controller it monitors', () => {
  it("selects the controller's metrics Service by the release and namespace the spec gives", () => {
    const spec: PlatformSpec = { ...sutazaiPlatform, ingress: { ...sutazaiPlatform.ingress!, controller: { ...sutazaiPlatform.ingress!.controller, release: 'edge' } } };
    const sm = Testing.synth(new InferencePlatformChart(Testing.app(), 'sutazai', { spec })).find((o: Manifest) => o.kind === 'ServiceMonitor' && o.metadata.name === 'sutazai-ingress-controller')!;
    expect(sm.spec.selector.matchLabels['app.kubernetes.io/instance']).toBe('edge');
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['sutazai-infrastructure'] });
  });
});
