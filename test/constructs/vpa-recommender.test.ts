import { Size, Yaml } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { VpaRecommender, VpaRecommenderProps, vpaHpaConflicts } from '../../src/constructs/vpa-recommender';
import { SEED_SIGNALS } from '../../src/spec/signals';
import { expectValidManifests } from '../helpers/k8s-schema';
import { Manifest, errorOf, only, synth } from '../support';
import { SEED_WORKLOAD, seedDeployment } from './workloads';

const SEED: VpaRecommenderProps = {
  name: 'ai-inference',
  workload: SEED_WORKLOAD,
  namespace: 'pixelated-prod',
  containers: [
    {
      containerName: 'inference',
      minAllowed: { cpu: Cpu.units(1), memory: Size.gibibytes(4) },
      maxAllowed: { cpu: Cpu.units(8), memory: Size.gibibytes(32) },
    },
  ],
};

function vpaOf(props: Partial<VpaRecommenderProps> = {}): Manifest {
  return only(synth((chart) => new VpaRecommender(chart, 'Vpa', { ...SEED, ...props })), 'VerticalPodAutoscaler');
}

const CPU_CONFLICT =
  "updateMode (\"Auto\") lets the VPA change the pods' cpu requests while the HPA scales on cpu utilization (70 % of those requests): every resize moves the HPA's measure and the two autoscalers fight; set updateMode \"Off\" so the VPA only recommends, or remove cpu from the VPA's controlledResources or from the HPA's signals";

describe('VpaRecommender', () => {
  it('recommends only (updateMode "Off") for the ai-inference Deployment by default', () => {
    const vpa = vpaOf();
    expect(vpa.apiVersion).toBe('autoscaling.k8s.io/v1');
    expect(vpa.metadata).toEqual({
      name: 'ai-inference-vpa',
      namespace: 'pixelated-prod',
      labels: {
        'app.kubernetes.io/name': 'ai-inference',
        'app.kubernetes.io/instance': 'ai-inference',
        'app.kubernetes.io/component': 'autoscaling',
        'app.kubernetes.io/managed-by': 'cdk8s-ai-inference',
      },
    });
    expect(vpa.spec.targetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'ai-inference' });
    expect(vpa.spec.updatePolicy).toEqual({ updateMode: 'Off' });
  });

  it('bounds the inference container between 1 and 8 cpu and 4Gi and 32Gi memory, controlling both', () => {
    expect(vpaOf().spec.resourcePolicy).toEqual({
      containerPolicies: [
        {
          containerName: 'inference',
          controlledResources: ['cpu', 'memory'],
          minAllowed: { cpu: '1', memory: '4Gi' },
          maxAllowed: { cpu: '8', memory: '32Gi' },
        },
      ],
    });
  });

  it('writes milli-cpu, one-sided bounds, controlledResources and controlledValues as given', () => {
    const vpa = vpaOf({
      containers: [
        { containerName: 'inference', minAllowed: { cpu: Cpu.millis(500) }, controlledResources: ['memory'], controlledValues: 'RequestsOnly' },
        { containerName: '*', maxAllowed: { memory: Size.mebibytes(512) } },
      ],
    });
    expect(vpa.spec.resourcePolicy.containerPolicies).toEqual([
      { containerName: 'inference', controlledResources: ['memory'], controlledValues: 'RequestsOnly', minAllowed: { cpu: '500m' } },
      { containerName: '*', controlledResources: ['cpu', 'memory'], maxAllowed: { memory: '512Mi' } },
    ]);
  });

  it('quotes updateMode "Off" in YAML so YAML 1.1 readers do not turn it into false', () => {
    const objects = synth((chart) => new VpaRecommender(chart, 'Vpa', SEED));
    expect(Yaml.stringify(...objects)).toContain('updateMode: "Off"');
    expectValidManifests(objects);
  });

  it('allows an acting mode when the HPA scales on neither cpu nor memory', () => {
    const vpa = vpaOf({ updateMode: 'Auto', hpaSignals: { queueDepth: SEED_SIGNALS.queueDepth, latencyP95: SEED_SIGNALS.latencyP95 } });
    expect(vpa.spec.updatePolicy).toEqual({ updateMode: 'Auto' });
  });

  it('allows an acting mode that controls only the resource the HPA does not scale on', () => {
    const vpa = vpaOf({
      updateMode: 'InPlaceOrRecreate',
      containers: [{ containerName: 'inference', controlledResources: ['memory'] }],
      hpaSignals: { cpu: SEED_SIGNALS.cpu, gpu: SEED_SIGNALS.gpu },
    });
    expect(vpa.spec.updatePolicy.updateMode).toBe('InPlaceOrRecreate');
  });

  it('fails synth when an acting mode fights an HPA on cpu and memory, naming both ways out', () => {
    const message = errorOf(() => vpaOf({ updateMode: 'Auto', hpaSignals: SEED_SIGNALS }));
    expect(message).toContain(CPU_CONFLICT);
    expect(message).toContain(
      "updateMode (\"Auto\") lets the VPA change the pods' memory requests while the HPA scales on memory utilization (75 % of those requests)",
    );
  });

  it('fails synth when the bounds do not contain the requests of the workload\'s container', () => {
    const message = errorOf(() =>
      synth((chart) => {
        const workload = seedDeployment(chart);
        new VpaRecommender(chart, 'Vpa', {
          name: 'ai-inference',
          workload,
          containers: [{ containerName: 'inference', minAllowed: { cpu: Cpu.units(3) }, maxAllowed: { memory: Size.gibibytes(6) } }],
        });
      }),
    );
    expect(message).toContain(
      'containers[0].minAllowed.cpu (3 cores) must not exceed the cpu request of container "inference" of workload "ai-inference" (2): the VPA bounds must contain the Deployment\'s request, or its recommendation is wrong from the start; widen the bound or change the request',
    );
    expect(message).toContain('containers[0].maxAllowed.memory (6Gi) must not be below the memory request of container "inference" of workload "ai-inference" (8Gi)');
  });

  it('checks the "*" policy when the workload\'s container has none of its own, and nothing when the requests are not known', () => {
    const workload = { ...SEED_WORKLOAD, requests: { container: 'inference', cpu: Cpu.units(2) } };
    const containers = [{ containerName: 'sidecar' }, { containerName: '*', maxAllowed: { cpu: Cpu.units(1) } }];
    expect(errorOf(() => vpaOf({ workload, containers }))).toContain('containers[1].maxAllowed.cpu (1 core) must not be below the cpu request of container "inference"');
    expect(vpaOf({ containers }).spec.resourcePolicy.containerPolicies).toHaveLength(2);
  });

  it('targets the workload it is given, in its namespace', () => {
    const vpa = vpaOf({ workload: { ...SEED_WORKLOAD, kind: 'StatefulSet', name: 'llm' }, namespace: undefined });
    expect(vpa.metadata.namespace).toBe('pixelated-prod');
    expect(vpa.spec.targetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'llm' });
  });

  it('refuses minAllowed above maxAllowed for cpu and for memory', () => {
    const message = errorOf(() =>
      vpaOf({
        containers: [
          {
            containerName: 'inference',
            minAllowed: { cpu: Cpu.units(8), memory: Size.gibibytes(64) },
            maxAllowed: { cpu: Cpu.millis(1500), memory: Size.gibibytes(32) },
          },
        ],
      }),
    );
    expect(message).toContain('containers[0].minAllowed.cpu (8 cores) must not exceed maxAllowed.cpu (1500m); lower minAllowed or raise maxAllowed');
    expect(message).toContain('containers[0].minAllowed.memory (64Gi) must not exceed maxAllowed.memory (32Gi); lower minAllowed or raise maxAllowed');
  });

  it('accepts equal bounds', () => {
    const vpa = vpaOf({ containers: [{ containerName: 'inference', minAllowed: { memory: Size.mebibytes(4096) }, maxAllowed: { memory: Size.gibibytes(4) } }] });
    expect(vpa.spec.resourcePolicy.containerPolicies[0]).toMatchObject({ minAllowed: { memory: '4096Mi' }, maxAllowed: { memory: '4Gi' } });
  });

  it('refuses an unknown update mode, no containers, a duplicate container and an empty or unknown controlled resource', () => {
    expect(errorOf(() => vpaOf({ updateMode: 'On' as 'Off' }))).toContain(
      'updateMode ("On") must be one of Off, Initial, Recreate, InPlaceOrRecreate, InPlace, Auto; pick one ("Off" only recommends)',
    );
    expect(errorOf(() => vpaOf({ containers: [] }))).toContain(
      'containers (an empty list) must hold at least one container policy; add one for the inference container',
    );
    expect(errorOf(() => vpaOf({ containers: [{ containerName: 'inference' }, { containerName: 'inference' }] }))).toContain(
      'containers[1].containerName ("inference") appears twice; keep one policy per container',
    );
    expect(errorOf(() => vpaOf({ containers: [{ containerName: 'inference', controlledResources: [] }] }))).toContain(
      'containers[0].controlledResources (an empty list) must name at least one resource; to leave a container alone drop its policy or remove it from the pod',
    );
    expect(errorOf(() => vpaOf({ containers: [{ containerName: 'inference', controlledResources: ['nvidia.com/gpu' as 'cpu'] }] }))).toContain(
      'containers[0].controlledResources[0] ("nvidia.com/gpu") must be "cpu" or "memory"; drop other resources',
    );
  });

  it('refuses bounds that are not Cpu or Size', () => {
    expect(errorOf(() => vpaOf({ containers: [{ containerName: 'inference', minAllowed: { cpu: '1' as unknown as Cpu } }] }))).toContain(
      'containers[0].minAllowed.cpu ("1") must be a CPU amount of at least 1 millicore; use Cpu.units(n) or Cpu.millis(n)',
    );
  });
});

describe('vpaHpaConflicts', () => {
  it('finds nothing in recommendation-only mode', () => {
    expect(vpaHpaConflicts({ updateMode: 'Off', controlledResources: ['cpu', 'memory'] }, SEED_SIGNALS)).toEqual([]);
  });

  it('reports each acting mode that controls a resource the HPA scales on', () => {
    for (const updateMode of ['Initial', 'Recreate', 'InPlaceOrRecreate', 'InPlace', 'Auto'] as const) {
      expect(vpaHpaConflicts({ updateMode, controlledResources: ['cpu'] }, { cpu: SEED_SIGNALS.cpu }), updateMode).toHaveLength(1);
    }
    expect(vpaHpaConflicts({ updateMode: 'Auto', controlledResources: ['cpu', 'memory'] }, SEED_SIGNALS)).toEqual([
      CPU_CONFLICT,
      "updateMode (\"Auto\") lets the VPA change the pods' memory requests while the HPA scales on memory utilization (75 % of those requests): every resize moves the HPA's measure and the two autoscalers fight; set updateMode \"Off\" so the VPA only recommends, or remove memory from the VPA's controlledResources or from the HPA's signals",
    ]);
  });

  it('finds nothing when the controlled and the scaled resources differ', () => {
    expect(vpaHpaConflicts({ updateMode: 'Auto', controlledResources: ['memory'] }, { cpu: SEED_SIGNALS.cpu, queueDepth: SEED_SIGNALS.queueDepth })).toEqual([]);
    expect(vpaHpaConflicts({ updateMode: 'Recreate', controlledResources: ['cpu', 'memory'] }, { gpu: SEED_SIGNALS.gpu })).toEqual([]);
  });
});
