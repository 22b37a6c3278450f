import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { podVolumes } from '../../src/pod/volumes';
import { InferenceStorage } from '../../src/spec/workload';
import { resolved } from './fixtures';

const claimNames = { models: 'ai-inference-models', data: 'ai-inference-data' };
const volumesOf = (storage?: InferenceStorage) => podVolumes(resolved({ storage }).storage, claimNames);
const q = (s: string) => k8s.Quantity.fromString(s);

describe('podVolumes', () => {
  it('creates a 50Gi models and a 20Gi data claim, ReadWriteMany, on the default StorageClass', () => {
    expect(volumesOf().claims).toEqual([
      { volume: 'models', name: 'ai-inference-models', spec: { accessModes: ['ReadWriteMany'], storageClassName: undefined, resources: { requests: { storage: q('50Gi') } } } },
      { volume: 'data', name: 'ai-inference-data', spec: { accessModes: ['ReadWriteMany'], storageClassName: undefined, resources: { requests: { storage: q('20Gi') } } } },
    ]);
  });

  it('mounts the claims, a 1Gi cache and a 1Gi /tmp, read-write, and no /dev/shm by default', () => {
    const { volumes, mounts } = volumesOf();
    expect(volumes).toEqual([
      { name: 'models', persistentVolumeClaim: { claimName: 'ai-inference-models', readOnly: undefined } },
      { name: 'data', persistentVolumeClaim: { claimName: 'ai-inference-data', readOnly: undefined } },
      { name: 'cache', emptyDir: { medium: undefined, sizeLimit: q('1Gi') } },
      { name: 'tmp', emptyDir: { medium: undefined, sizeLimit: q('1Gi') } },
    ]);
    expect(mounts.map((m) => [m.name, m.mountPath, m.readOnly])).toEqual([
      ['models', '/models', undefined],
      ['data', '/data', undefined],
      ['cache', '/cache', undefined],
      ['tmp', '/tmp', undefined],
    ]);
  });

  it('mounts an existing claim by name, read-only on both the volume and the mount, and creates no claim for it', () => {
    const { volumes, mounts, claims } = volumesOf({ models: { existingClaim: 'shared-models', readOnly: true } });
    expect(claims.map((c) => c.name)).toEqual(['ai-inference-data']);
    expect(volumes[0]).toEqual({ name: 'models', persistentVolumeClaim: { claimName: 'shared-models', readOnly: true } });
    expect(mounts[0]).toEqual({ name: 'models', mountPath: '/models', readOnly: true });
  });

  it('mounts a new claim read-only when asked and keeps its access mode and StorageClass', () => {
    const { mounts, claims } = volumesOf({ data: { size: Size.gibibytes(5), storageClassName: 'efs', accessMode: 'ReadOnlyMany', readOnly: true } });
    expect(mounts[1]).toEqual({ name: 'data', mountPath: '/data', readOnly: true });
    expect(claims[1].spec).toEqual({ accessModes: ['ReadOnlyMany'], storageClassName: 'efs', resources: { requests: { storage: q('5Gi') } } });
  });

  it('backs /dev/shm with memory (medium Memory) of the given size', () => {
    const { volumes, mounts } = volumesOf({ sharedMemorySizeLimit: Size.gibibytes(2), cacheSizeLimit: Size.gibibytes(4) });
    expect(volumes.find((v) => v.name === 'shm')).toEqual({ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: q('2Gi') } });
    expect(volumes.find((v) => v.name === 'cache')?.emptyDir).toEqual({ medium: undefined, sizeLimit: q('4Gi') });
    expect(mounts.at(-1)).toEqual({ name: 'shm', mountPath: '/dev/shm' });
  });
});
