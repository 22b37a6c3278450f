/**
 * The server section: which model server the container runs (`engine`), and the engine's
 * own settings. The default `generic` engine is the seeds' application, unchanged.
 */
import { z } from 'zod';
import { zInt, zPort } from './values';

export type ServerEngine = 'generic' | 'vllm' | 'ollama';

/** The seeds' own application: its image's entrypoint, `/api/v1/health`, metrics on a separate port. */
export interface GenericServer {
  readonly engine: 'generic';
}

/** vLLM's OpenAI-compatible server (`vllm serve`). */
export interface VllmServer {
  readonly engine: 'vllm';
  /** Hugging Face model id or path, e.g. `meta-llama/Llama-3.1-8B-Instruct` (`--model`). */
  readonly model: string;
  /** Model revision: branch, tag or commit (`--revision`). @default - the model's default branch */
  readonly revision?: string;
  /** Name clients send in `model` (`--served-model-name`). @default - the model id */
  readonly servedModelName?: string;
  /** API port; also serves `/metrics` (`--port`). @default 8000 */
  readonly port?: number;
  /** GPUs the model is split over (`--tensor-parallel-size`). @default - the GPU count (resources.gpu.count) */
  readonly tensorParallelSize?: number;
  /** Context length (`--max-model-len`). @default - the model's own */
  readonly maxModelLen?: number;
  /** Share of GPU memory vLLM may use, above 0 and at most 1 (`--gpu-memory-utilization`). @default - vLLM's (0.9) */
  readonly gpuMemoryUtilization?: number;
  /** Concurrent sequences per iteration (`--max-num-seqs`). @default - vLLM's */
  readonly maxNumSeqs?: number;
  /** More arguments, appended as given; may not repeat a flag the library sets. @default [] */
  readonly extraArgs?: string[];
}

/** Ollama (`ollama serve`, the image's entrypoint), configured by environment. */
export interface OllamaServer {
  readonly engine: 'ollama';
  /** Listening port: `OLLAMA_HOST=0.0.0.0:<port>`. @default 8000 (seed 004) */
  readonly port?: number;
  /** Parallel requests per model: `OLLAMA_NUM_PARALLEL`. @default 8 (seed 004) */
  readonly numParallel?: number;
}

export type ServerSpec = GenericServer | VllmServer | OllamaServer;

/**
 * vLLM flags the library sets. Checked against vllm-project/vllm's own source, NOT yet at a
 * tagged release (the repository was too large to mirror here; pin this to a release tag
 * when it is re-checked): vllm/entrypoints/openai/cli_args.py at commit 0052233
 * (FrontendArgs: `host`, `port` = 8000; every field becomes `--<field with _ as ->`) and
 * vllm/engine/arg_utils.py (EngineArgs fields `model`, `served_model_name`, `revision`,
 * `tensor_parallel_size` (also `-tp`), `max_model_len`, `gpu_memory_utilization`,
 * `max_num_seqs`, registered the same way); vllm/entrypoints/serve/instrumentator/health.py
 * at commit 98b137c (`GET /health`: 200, or 503 once the engine is dead, a process-only
 * check) and instrumentator/metrics.py (Prometheus `/metrics` mounted on the API app, so
 * on the API port).
 */
export const VLLM_FLAGS = {
  model: '--model',
  revision: '--revision',
  servedModelName: '--served-model-name',
  host: '--host',
  port: '--port',
  tensorParallelSize: '--tensor-parallel-size',
  maxModelLen: '--max-model-len',
  gpuMemoryUtilization: '--gpu-memory-utilization',
  maxNumSeqs: '--max-num-seqs',
} as const;

/** Short spellings vLLM accepts for the flags above (argparse aliases). */
const VLLM_FLAG_ALIASES: Record<string, string> = { '-tp': '--tensor-parallel-size' };

/**
 * Ollama's environment and health path, checked against ollama v0.33.0-rc2 (commit
 * fb30760): envconfig/config.go (Host() reads OLLAMA_HOST, default 127.0.0.1:11434;
 * Models() reads OLLAMA_MODELS; NumParallel reads OLLAMA_NUM_PARALLEL) and server/routes.go
 * (`GET /` answers "Ollama is running"; `GET /api/version`). Ollama exports no Prometheus
 * metrics of its own.
 */
export const OLLAMA_ENV = { host: 'OLLAMA_HOST', numParallel: 'OLLAMA_NUM_PARALLEL', models: 'OLLAMA_MODELS' } as const;

export const SERVER_DEFAULTS = {
  engine: 'generic' as const,
  vllm: { port: 8000, healthPath: '/health', metricsPath: '/metrics' },
  ollama: { port: 8000, numParallel: 8, healthPath: '/' },
};

/** The flag an argument names (`--max-model-len=4096` -> `--max-model-len`), or undefined for a value. */
function flagOf(arg: string): string | undefined {
  if (!arg.startsWith('-')) return undefined;
  const flag = arg.split('=')[0];
  return VLLM_FLAG_ALIASES[flag] ?? flag;
}

const ownFlags: readonly string[] = Object.values(VLLM_FLAGS);

const vllmSchema = z
  .object({
    engine: z.literal('vllm'),
    model: z.string().min(1, 'must name the model, e.g. "meta-llama/Llama-3.1-8B-Instruct"'),
    revision: z.string().min(1, 'must not be empty; leave it out instead').optional(),
    servedModelName: z.string().min(1, 'must not be empty; leave it out instead').optional(),
    port: zPort.optional(),
    tensorParallelSize: zInt(1, 64, 'GPUs the model is split over').optional(),
    maxModelLen: zInt(1, undefined, 'tokens of context').optional(),
    gpuMemoryUtilization: z.number().gt(0, 'must be above 0 (a share of GPU memory, e.g. 0.9)').max(1, 'must be at most 1 (a share of GPU memory, e.g. 0.9)').optional(),
    maxNumSeqs: zInt(1, undefined, 'concurrent sequences').optional(),
    extraArgs: z
      .array(z.string())
      .superRefine((args, ctx) => {
        args.forEach((arg, i) => {
          const flag = flagOf(arg);
          if (flag !== undefined && ownFlags.includes(flag)) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: [i],
              message: `repeats ${flag}, which the library sets from the server section (it sets ${ownFlags.join(', ')}); use the typed field instead`,
            });
          }
        });
      })
      .optional(),
  })
  .strict() satisfies z.ZodType<VllmServer>;

const ollamaSchema = z
  .object({
    engine: z.literal('ollama'),
    port: zPort.optional(),
    numParallel: zInt(1, 1024, 'parallel requests per model').optional(),
  })
  .strict() satisfies z.ZodType<OllamaServer>;

export const serverSchema = z.discriminatedUnion('engine', [z.object({ engine: z.literal('generic') }).strict(), vllmSchema, ollamaSchema], {
  errorMap: (issue, ctx) =>
    issue.code === z.ZodIssueCode.invalid_union_discriminator ? { message: 'must name an engine: "generic", "vllm" or "ollama"' } : { message: ctx.defaultError },
}) satisfies z.ZodType<ServerSpec>;

/** What the server section decides about the pod: the settings of its engine, its port, probes and scrape target. */
export interface ResolvedServer {
  readonly engine: ServerEngine;
  /** vLLM's settings with the port and tensor parallel size filled in. */
  readonly vllm?: VllmServer & { readonly port: number; readonly tensorParallelSize: number };
  /** Ollama's settings with their defaults filled in. */
  readonly ollama?: { readonly port: number; readonly numParallel: number };
  /** The serving port, when the engine decides it. */
  readonly port?: number;
  /** Health path for the probes, when the engine decides it. */
  readonly healthPath?: string;
  /**
   * Where the server's Prometheus metrics are: `separate` (the `metrics` port), `http`
   * (the API port), or `none` (nothing to scrape).
   */
  readonly metrics: 'separate' | 'http' | 'none';
  /** The metric preset the engine implies, when it implies one. */
  readonly preset?: 'generic' | 'vllm';
}

/** Resolves the server section; `gpuCount` is the default tensor parallel size (at least 1). */
export function resolveServer(server: ServerSpec | undefined, gpuCount: number): ResolvedServer {
  const s = server ?? { engine: SERVER_DEFAULTS.engine };
  switch (s.engine) {
    case 'generic':
      return { engine: 'generic', metrics: 'separate' };
    case 'vllm': {
      const port = s.port ?? SERVER_DEFAULTS.vllm.port;
      return {
        engine: 'vllm',
        vllm: { ...s, port, tensorParallelSize: s.tensorParallelSize ?? Math.max(1, gpuCount) },
        port,
        healthPath: SERVER_DEFAULTS.vllm.healthPath,
        metrics: 'http',
        preset: 'vllm',
      };
    }
    case 'ollama': {
      const port = s.port ?? SERVER_DEFAULTS.ollama.port;
      return {
        engine: 'ollama',
        ollama: { port, numParallel: s.numParallel ?? SERVER_DEFAULTS.ollama.numParallel },
        port,
        healthPath: SERVER_DEFAULTS.ollama.healthPath,
        metrics: 'none',
      };
    }
  }
}
