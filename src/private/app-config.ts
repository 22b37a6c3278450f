import { Duration, Size } from 'cdk8s';
import { z } from 'zod';
import { zDuration, zSize } from './validation';

/**
 * The inference server's application configuration (seed 000 configmap.yaml: model,
 * performance, caching, rate limiting, feature flags). Rendered as environment variables
 * into a ConfigMap; never holds credentials (those are Secret references).
 */
export interface AppConfig {
  readonly model?: {
    /** Model identifier the server loads. */
    readonly name: string;
    /** @default - none */
    readonly version?: string;
    /** @default '/models' */
    readonly path?: string;
  };
  readonly performance?: {
    /** Requests batched per forward pass (seed: up to 8). */
    readonly maxBatchSize?: number;
    /** How long a batch waits to fill. */
    readonly batchTimeout?: Duration;
    /** Server worker processes. */
    readonly workers?: number;
    /** Database connections per pod (seed: 100). */
    readonly connectionPoolSize?: number;
  };
  readonly caching?: {
    readonly enabled: boolean;
    /** @default 'redis' */
    readonly backend?: 'redis' | 'memory';
    /** Entry lifetime (seed: 1 hour). */
    readonly ttl?: Duration;
    /** Cache size per pod (seed: 1GB). */
    readonly maxSize?: Size;
  };
  readonly rateLimiting?: {
    readonly enabled: boolean;
    readonly requestsPerSecond?: number;
    readonly burst?: number;
  };
  /** Feature flags, rendered as FEATURE_<NAME>=true|false. */
  readonly features?: Record<string, boolean>;
  /** Further plain settings (no credentials: use Secret references). */
  readonly extra?: Record<string, string>;
}

/** Keys that name credentials; their values belong in a Secret. */
const CREDENTIAL_KEY = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|CREDENTIAL|PRIVATE_?KEY|ACCESS_?KEY)/i;
/** URIs with a password in them (`scheme://user:pass@host`). */
const CREDENTIAL_URI = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;

const positiveInt = z.number().int().min(1, 'must be a whole number of at least 1');

export const appConfigSchema = z
  .object({
    model: z
      .object({ name: z.string().min(1, 'must not be empty'), version: z.string().optional(), path: z.string().optional() })
      .strict()
      .optional(),
    performance: z
      .object({
        maxBatchSize: positiveInt.optional(),
        batchTimeout: zDuration.optional(),
        workers: positiveInt.optional(),
        connectionPoolSize: positiveInt.optional(),
      })
      .strict()
      .optional(),
    caching: z
      .object({ enabled: z.boolean(), backend: z.enum(['redis', 'memory']).optional(), ttl: zDuration.optional(), maxSize: zSize.optional() })
      .strict()
      .optional(),
    rateLimiting: z
      .object({ enabled: z.boolean(), requestsPerSecond: positiveInt.optional(), burst: positiveInt.optional() })
      .strict()
      .optional(),
    features: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a flag name of letters, digits and _'), z.boolean()).optional(),
    extra: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'must be a valid ConfigMap key'), z.string())
      .superRefine((extra, ctx) => {
        for (const [key, value] of Object.entries(extra)) {
          if (CREDENTIAL_KEY.test(key) || CREDENTIAL_URI.test(value)) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: [key],
              message:
                'looks like a credential, and ConfigMap values are written into the manifest in clear; put it in a Secret and reference it with secretEnv',
            });
          }
        }
      })
      .optional(),
  })
  .strict() satisfies z.ZodType<AppConfig>;

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
    put('MODEL_PATH', config.model.path ?? '/models');
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
    put('CACHE_MAX_SIZE_BYTES', config.caching.maxSize ? config.caching.maxSize.toKibibytes() * 1024 : undefined);
  }
  if (config.rateLimiting) {
    put('RATE_LIMIT_ENABLED', config.rateLimiting.enabled);
    put('RATE_LIMIT_RPS', config.rateLimiting.requestsPerSecond);
    put('RATE_LIMIT_BURST', config.rateLimiting.burst);
  }
  for (const [flag, on] of Object.entries(config.features ?? {})) put(`FEATURE_${snake(flag)}`, on);
  for (const [key, value] of Object.entries(config.extra ?? {})) put(key, value);
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => a.localeCompare(b)));
}
