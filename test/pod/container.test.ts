import { Duration, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { containerPorts, containerResources, inferenceContainer, nativePreStopSleep, preStopSleep, secretEnv } from '../../src/pod/container';
import { GpuResources } from '../../src/spec/workload';
import { minimalWorkload, resolved } from './fixtures';

const q = (s: string) => k8s.Quantity.fromString(s);
const n = (v: number) => k8s.Quantity.fromNumber(v);
const withGpu = (gpu?: GpuResources) => resolved({ resources: { ...minimalWorkload.resources, gpu } }).resources;

describe('containerResources', () => {
  it('sets cpu and memory requests and limits, and one GPU as a request equal to its limit by default', () => {
    expect(containerResources(withGpu())).toEqual({
      requests: { cpu: q('2'), memory: q('8Gi'), 'nvidia.com/gpu': n(1) },
      limits: { cpu: q('4'), memory: q('16Gi'), 'nvidia.com/gpu': n(1) },
    });
  });

  it('writes the GPU request equal to the count when one is given too', () => {
    const r = containerResources(withGpu({ count: 2, request: 2 }));
    expect(r.limits?.['nvidia.com/gpu']).toEqual(n(2));
    expect(r.requests?.['nvidia.com/gpu']).toEqual(n(2));
  });

  it('sets no GPU limit or request when the count is 0', () => {
    const r = containerResources(withGpu({ count: 0, request: 0 }));
    expect(Object.keys(r.limits ?? {})).toEqual(['cpu', 'memory']);
    expect(Object.keys(r.requests ?? {})).toEqual(['cpu', 'memory']);
  });

  it('uses the device plugin resource name given', () => {
    expect(Object.keys(containerResources(withGpu({ count: 1, resourceName: 'amd.com/gpu' })).limits ?? {})).toEqual(['cpu', 'memory', 'amd.com/gpu']);
  });
});

describe('containerPorts', () => {
  it('names the ports http and metrics, over TCP', () => {
    expect(containerPorts({ http: 8080, metrics: 9100 })).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9100, protocol: 'TCP' },
    ]);
  });
});

describe('secretEnv', () => {
  it('reads each variable from its Secret key and carries no value', () => {
    expect(secretEnv([{ name: 'POSTGRES_PASSWORD', secretName: 'db', key: 'password', optional: true }])).toEqual([
      { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: true } } },
    ]);
  });
});

describe('preStopSleep', () => {
  it('sleeps the whole seconds of the duration before the container is stopped', () => {
    expect(preStopSleep({ preStopSleep: Duration.seconds(15), preStopMode: 'exec' })).toEqual({ preStop: { exec: { command: ['sleep', '15'] } } });
  });

  it('sleeps 2 minutes by default, the ip-target NLB propagation', () => {
    expect(preStopSleep(resolved().shutdown)).toEqual({ preStop: { exec: { command: ['sleep', '120'] } } });
  });

  it('leaves the hook to the native sleep action (no sleep binary) when asked', () => {
    const shutdown = resolved({ shutdown: { preStopMode: 'sleepAction', preStopSleep: Duration.seconds(90) } }).shutdown;
    expect(preStopSleep(shutdown)).toBeUndefined();
    expect(nativePreStopSleep(shutdown)).toEqual({ preStop: { sleep: { seconds: 90 } } });
  });
});

describe('inferenceContainer', () => {
  const mounts = [{ name: 'models', mountPath: '/models' }];
  const container = inferenceContainer({
    image: 'ghcr.io/pixelated/ai-inference:1.4.2',
    configMapName: 'ai-inference-config',
    workload: resolved({
      imagePullPolicy: 'Always',
      secretEnv: [{ name: 'TOKEN', secretName: 's', key: 'k' }],
      shutdown: { preStopSleep: Duration.seconds(20) },
      storage: { sharedMemorySizeLimit: Size.gibibytes(1) },
    }),
    volumeMounts: mounts,
  });

  it('is named inference and runs the image with its pull policy', () => {
    expect(container.name).toBe('inference');
    expect(container.image).toBe('ghcr.io/pixelated/ai-inference:1.4.2');
    expect(container.imagePullPolicy).toBe('Always');
  });

  it('injects the ConfigMap whole and the secrets by reference', () => {
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'ai-inference-config' } }]);
    expect(container.env?.map((e) => e.name)).toEqual(['TOKEN']);
  });

  it('carries the three probes, the preStop sleep, the restricted security context and the mounts given', () => {
    expect(container.startupProbe?.failureThreshold).toBe(30);
    expect(container.livenessProbe?.periodSeconds).toBe(30);
    expect(container.readinessProbe?.periodSeconds).toBe(10);
    expect(container.lifecycle?.preStop?.exec?.command).toEqual(['sleep', '20']);
    expect(container.securityContext?.capabilities).toEqual({ drop: ['ALL'] });
    expect(container.securityContext?.runAsNonRoot).toBe(true);
    expect(container.volumeMounts).toBe(mounts);
    expect(container.ports?.map((p) => p.containerPort)).toEqual([8000, 9090]);
  });
});
