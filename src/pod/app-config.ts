/** The application ConfigMap's data, and the hash that rolls the pods when it changes. */
import { createHash } from 'node:crypto';
import { FEATURE_FLAG_PREFIX, MOUNT_PATHS } from '../conventions';
import { AppConfig } from '../spec/config';
import { CpuValue, cpuCores, sizeKibibytes } from '../spec/values';

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/**
 * Thread-count variables the CPU math libraries of a model server read at start. Without
 * them PyTorch's intra-op pool (OpenMP) and MKL size themselves to the node's cores, not the
 * container's CPU limit, and a 4-CPU pod on a 64-core node runs 64 threads into CFS
 * throttling. Sources: PyTorch "CPU threading and TorchScript inference" (OMP_NUM_THREADS,
 * MKL_NUM_THREADS); kserve issue #1031.
 */
export const CPU_THREAD_ENV = ['OMP_NUM_THREADS', 'MKL_NUM_THREADS'] as const;

/** Whole CPUs of a limit, at least 1: the thread count of {@link CPU_THREAD_ENV}. */
export function cpuThreads(cpuLimit: CpuValue): number {
  const cores = cpuCores(cpuLimit.amount);
  return Number.isFinite(cores) ? Math.max(1, Math.floor(cores)) : 1;
}

/** What the ConfigMap derives from outside the AppConfig. */
export interface AppConfigContext {
  /** The container's CPU limit: sets {@link CPU_THREAD_ENV} unless `config.extra` does. @default - no thread variables */
  readonly cpuLimit?: CpuValue;
}

/** ConfigMap data (sorted keys) for an AppConfig; `config.extra` wins over derived keys. */
export function appConfigData(config: AppConfig, context: AppConfigContext = {}): Record<string, string> {
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
  if (context.cpuLimit) for (const key of CPU_THREAD_ENV) put(key, cpuThreads(context.cpuLimit));
  for (const [key, value] of Object.entries(config.extra ?? {})) put(key, value);
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
}

/** SHA-256 of the ConfigMap data, for the pod template's checksum annotation. */
export function configChecksum(data: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex');
}
