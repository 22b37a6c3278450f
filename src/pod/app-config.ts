/** The application ConfigMap's data, and the hash that rolls the pods when it changes. */
import { createHash } from 'node:crypto';
import { FEATURE_FLAG_PREFIX, MOUNT_PATHS } from '../conventions';
import { AppConfig } from '../spec/config';
import { sizeKibibytes } from '../spec/values';

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** ConfigMap data (sorted keys) for an AppConfig. */
export function appConfigData(config: AppConfig): Record<string, string> {
  const data: Record<string, string> = {};
  const put = (key: string, value: string | number | boolean | undefined) => {
    if (value !== undefined) data[key] = String(value);
  };
  if (config.model) {
    put('MODEL_NAME', config.model.name);
    put('MODEL_VERSION', config.model.version);
    put('MODEL_PATH', config.model.path ?? MOUNT_PATHS.models);
  }
  const perf = config.performance;
  put('MAX_BATCH_SIZE', perf?.maxBatchSize);
  put('BATCH_TIMEOUT_MS', perf?.batchTimeout?.toMilliseconds());
  put('WORKERS', perf?.workers);
  put('DB_POOL_SIZE', perf?.connectionPoolSize);
  if (config.caching) {
    put('CACHE_ENABLED', config.caching.enabled);
    put('CACHE_BACKEND', config.caching.backend ?? 'redis');
    put('CACHE_TTL_SECONDS', config.caching.ttl?.toSeconds());
    put('CACHE_MAX_SIZE_BYTES', config.caching.maxSize ? sizeKibibytes(config.caching.maxSize) * 1024 : undefined);
  }
  if (config.rateLimiting) {
    put('RATE_LIMIT_ENABLED', config.rateLimiting.enabled);
    put('RATE_LIMIT_RPS', config.rateLimiting.requestsPerSecond);
    put('RATE_LIMIT_BURST', config.rateLimiting.burst);
  }
  for (const [flag, on] of Object.entries(config.features ?? {})) put(`${FEATURE_FLAG_PREFIX}${snake(flag)}`, on);
  for (const [key, value] of Object.entries(config.extra ?? {})) put(key, value);
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
}

/** SHA-256 of the ConfigMap data, for the pod template's checksum annotation. */
export function configChecksum(data: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex');
}
