import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { appConfigData, configChecksum, cpuThreads } from '../../src/pod/app-config';

describe('appConfigData', () => {
  it('renders typed settings into environment keys, sorted, with the model path defaulting to /models', () => {
    const data = appConfigData({
      model: { name: 'm', version: '2' },
      performance: { maxBatchSize: 8, batchTimeout: Duration.millis(50) },
      caching: { enabled: true, ttl: Duration.minutes(5), maxSize: Size.mebibytes(1) },
      features: { biasDetection: true },
    });
    expect(data).toEqual({
      BATCH_TIMEOUT_MS: '50',
      CACHE_BACKEND: 'redis',
      CACHE_ENABLED: 'true',
      CACHE_MAX_SIZE_BYTES: '1048576',
      CACHE_TTL_SECONDS: '300',
      FEATURE_BIAS_DETECTION: 'true',
      MAX_BATCH_SIZE: '8',
      MODEL_NAME: 'm',
      MODEL_PATH: '/models',
      MODEL_VERSION: '2',
    });
    expect(Object.keys(data)).toEqual([...Object.keys(data)].sort());
  });

  it('writes nothing for an empty config', () => {
    expect(appConfigData({})).toEqual({});
  });

  it('sizes the OpenMP and MKL thread pools to the CPU limit, not to the node', () => {
    expect(appConfigData({}, { cpuLimit: Cpu.units(4) })).toEqual({ MKL_NUM_THREADS: '4', OMP_NUM_THREADS: '4' });
  });

  it('rounds a fractional CPU limit down to whole threads, at least 1', () => {
    expect(cpuThreads(Cpu.units(2.5))).toBe(2);
    expect(cpuThreads(Cpu.millis(500))).toBe(1);
  });

  it('lets config.extra set the thread variables instead', () => {
    expect(appConfigData({ extra: { OMP_NUM_THREADS: '1' } }, { cpuLimit: Cpu.units(8) })).toEqual({ MKL_NUM_THREADS: '8', OMP_NUM_THREADS: '1' });
  });
});

describe('configChecksum', () => {
  it('is a stable SHA-256 that changes with the data', () => {
    const a = configChecksum({ MAX_BATCH_SIZE: '8' });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(configChecksum({ MAX_BATCH_SIZE: '8' })).toBe(a);
    expect(configChecksum({ MAX_BATCH_SIZE: '16' })).not.toBe(a);
  });
});
