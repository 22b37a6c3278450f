/**
 * The application configuration section: its type and schema. Rendered by the pod
 * builders into a ConfigMap, which is stored in clear in the manifests, so no value may
 * be a credential (those are Secret references, `secretEnv`).
 */
import { Duration, Size } from 'cdk8s';
import { z } from 'zod';
import { credentialFinding } from './credentials';
import { durationMillis, zDuration, zInt, zSize } from './values';

const wholeSeconds = zDuration.refine((d) => durationMillis(d) >= 1000 && Number.isInteger(durationMillis(d) / 1000), 'must be a whole number of seconds, at least 1 s; use Duration.seconds(n)');
const wholeMillis = zDuration.refine((d) => Number.isInteger(durationMillis(d)), 'must be a whole number of milliseconds; round it');

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
    /**
     * Connections the database accepts from this service in all (its `max_connections`
     * less what other clients need). When set with connectionPoolSize, the chart warns when
     * the pools of the most pods the service runs (maxReplicas, plus the surge pod of a
     * rollout) could open more. @default - not checked
     */
    readonly databaseMaxConnections?: number;
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

const positiveInt = zInt(1);

export const appConfigSchema = z
  .object({
    model: z
      .object({ name: z.string().min(1, 'must not be empty'), version: z.string().optional(), path: z.string().optional() })
      .strict()
      .optional(),
    performance: z
      .object({
        maxBatchSize: positiveInt.optional(),
        batchTimeout: wholeMillis.optional(),
        workers: positiveInt.optional(),
        connectionPoolSize: positiveInt.optional(),
        databaseMaxConnections: positiveInt.optional(),
      })
      .strict()
      .optional(),
    caching: z
      .object({ enabled: z.boolean(), backend: z.enum(['redis', 'memory']).optional(), ttl: wholeSeconds.optional(), maxSize: zSize.optional() })
      .strict()
      .optional(),
    rateLimiting: z
      .object({ enabled: z.boolean(), requestsPerSecond: positiveInt.optional(), burst: positiveInt.optional() })
      .strict()
      .optional(),
    features: z.record(z.string(), z.boolean()).superRefine((features, ctx) => {
      for (const flag of Object.keys(features)) {
        if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(flag)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [flag], params: { value: flag }, message: 'is not a flag name (letters, digits and _, starting with a letter); rename it' });
      }
    }).optional(),
    extra: z
      .record(z.string(), z.string())
      .superRefine((extra, ctx) => {
        for (const [key, value] of Object.entries(extra)) {
          // envFrom turns each key into an environment variable: keys must be variable names.
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
            ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], params: { value: key }, message: 'is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*); envFrom would skip it; rename the key' });
          }
          const finding = credentialFinding(key, value);
          if (finding) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: [key],
              message: `looks like a credential (${finding.reason}), and ConfigMap values are written into the manifest in clear; put it in a Secret and reference it with secretEnv`,
            });
          }
        }
      })
      .optional(),
  })
  .strict() satisfies z.ZodType<AppConfig>;

