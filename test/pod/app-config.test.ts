import { Duration, Size } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { appConfigData, configChecksum } from '../../src/pod/app-config';

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
});

describe('configChecksum', () => {
  it('is a stable SHA-256 that changes with the data', () => {
    const a = configChecksum({ MAX_BATCH_SIZE: '8' });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(configChecksum({ MAX_BATCH_SIZE: '8' })).toBe(a);
    expect(configChecksum({ MAX_BATCH_SIZE: '16' })).not.toBe(a);
  });
});
