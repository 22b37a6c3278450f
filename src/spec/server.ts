/**
 * The server section: which model server the container runs (`engine`), and the engine's
 * own settings. The default `generic` engine is the seeds' application, unchanged.
 */
import { Duration, Size } from 'cdk8s';
import { z } from 'zod';
import { HiddenValue } from './problems';
import { zDataKey, zDnsSubdomain, zDurationBetween, zInt, zPort } from './values';
import type { ResolvedGpu, SecretEnvVar, WorkloadFields } from './workload';

export type ServerEngine = 'generic' | 'vllm' | 'ollama';

/** The seeds' own application: its image's entrypoint, `/api/v1/health`, metrics on a separate port. */
export interface GenericServer {
  readonly engine: 'generic';
  /**
   * Where the server serves `/metrics`: `separate` (the `metrics` port, seed 000) or `http`
   * (the API port, as seed 002's backend does: one port, scraped as `http`).
   * @default 'separate'
   */
  readonly metricsPort?: 'separate' | 'http';
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
  /**
   * Hugging Face access token for gated models, by Secret reference only: `HF_TOKEN` from
   * `valueFrom.secretKeyRef` in the server and in the download container. A token written
   * inline is refused (it would be committed in clear with the manifests).
   * @default - no token: public models only
   */
  readonly huggingFaceToken?: SecretKeyReference;
  /**
   * Download the weights in an init container (the server's image, huggingface_hub's
   * `snapshot_download`) into the models volume before the server starts. Without it vLLM
   * downloads them itself at startup, inside the startup probe's budget.
   * @default false
   */
  readonly preDownload?: boolean;
  /**
   * Declared worst-case time to download the weights (e.g. 140 GB at 1 Gbit/s: about 20
   * min). Without preDownload the startup budget must cover it with the model load time;
   * with preDownload it is added to progressDeadlineSeconds and to the grace of
   * InferencePodNotReady.
   * @default - not counted
   */
  readonly downloadTime?: Duration;
}

/** A key of a Secret in the release's namespace. */
export interface SecretKeyReference {
  /** Secret name, e.g. `hf-token`. */
  readonly secretName: string;
  /** Key in the Secret, e.g. `token`. */
  readonly key: string;
}

/** Ollama (`ollama serve`, the image's entrypoint), configured by environment. */
export interface OllamaServer {
  readonly engine: 'ollama';
  /** Listening port: `OLLAMA_HOST=0.0.0.0:<port>`. @default 8000 (seed 004) */
  readonly port?: number;
  /** Parallel requests per model: `OLLAMA_NUM_PARALLEL`. @default 8 (seed 004) */
  readonly numParallel?: number;
  /**
   * Model to pull into the models volume before the server starts, e.g. `llama3.1:8b`: an
   * init container (the Ollama image) runs `ollama serve` on 127.0.0.1, `ollama pull`, and
   * stops the server. Layers already in the volume are not fetched again.
   * @default - nothing pulled (Ollama serves only models already in the volume)
   */
  readonly model?: string;
  /** Declared worst-case time of the pull: added to progressDeadlineSeconds and the grace of InferencePodNotReady. @default - not counted */
  readonly downloadTime?: Duration;
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

/**
 * Where the engines write, with a read-only root filesystem and UID 1001 without a passwd
 * entry (so `~` is `/` and `~/.cache` is not writable). Checked in the engines' source:
 * - huggingface/huggingface_hub src/huggingface_hub/constants.py (the stored version is an
 *   early one, commit 264537b): the hub cache is `$HF_HOME/hub`, HF_HOME falling back to
 *   `$XDG_CACHE_HOME/huggingface`, then `~/.cache/huggingface`; HF_HUB_OFFLINE is read
 *   there too. src/huggingface_hub/utils/_auth.py (commit 52c718a, current): the token
 *   comes first from `HF_TOKEN`, then the older HUGGING_FACE_HUB_TOKEN, then the token file
 *   (constants.HF_TOKEN_PATH).
 * - vllm-project/vllm vllm/envs.py (the stored version is an older one, commit f218f9c;
 *   re-check at the release you pin): VLLM_CACHE_ROOT defaults to `$XDG_CACHE_HOME/vllm`,
 *   else `~/.cache/vllm`; VLLM_CONFIG_ROOT to `$XDG_CONFIG_HOME/vllm`, else
 *   `~/.config/vllm`, so HOME must be writable too. Triton's kernel cache defaults to
 *   `$HOME/.triton` (Triton's own default, not re-read here).
 * - ollama/ollama v0.33.0-rc2 (commit fb30760): cmd/cmd.go initializeKeypair and
 *   auth/auth.go read and write the key pair at `$HOME/.ollama/id_ed25519` (os.UserHomeDir,
 *   i.e. HOME), which `ollama serve` creates at start; envconfig/config.go Models() takes
 *   OLLAMA_MODELS before `$HOME/.ollama/models`.
 * So: HF_HOME is the models volume (the weights are the Hugging Face cache), HOME and
 * XDG_CACHE_HOME the /cache emptyDir.
 */
export const CACHE_ENV = { hfHome: 'HF_HOME', hfToken: 'HF_TOKEN', hfOffline: 'HF_HUB_OFFLINE', home: 'HOME', xdgCache: 'XDG_CACHE_HOME' } as const;

/**
 * The download container asks for no GPU, but the engine images set
 * NVIDIA_VISIBLE_DEVICES=all, which the NVIDIA container toolkit honours for containers
 * without a device-plugin allocation (its default accepts the variable from unprivileged
 * containers): the download would see every GPU of the node, the other pods' included.
 * `void` makes the toolkit leave the container alone, as plain runc would (NVIDIA container
 * toolkit docs, docker-specialized.md "GPU Enumeration": `void` or empty or unset: neither
 * GPUs nor capabilities exposed; internal/config/image/devices.go parses it).
 */
export const NO_GPU_ENV = { name: 'NVIDIA_VISIBLE_DEVICES', value: 'void' } as const;

/**
 * The download scripts. Model id and revision arrive as argv (`sys.argv`, `$1`), never
 * inside the script text, so no name can change what runs.
 * - vLLM: the image ships huggingface_hub (vLLM downloads with it); `snapshot_download`
 *   takes the repo id and an optional revision and fills `$HF_HOME/hub`.
 * - Ollama: `ollama pull` talks to a running server (cmd/cmd.go: its PreRunE
 *   checkServerHeartbeat, at v0.33.0-rc2), so the script starts `ollama serve` on
 *   OLLAMA_HOST (127.0.0.1 in the init container), waits up to a minute for `ollama list`
 *   to answer, pulls, stops the server and exits with the pull's status.
 */
export const DOWNLOAD_SCRIPTS = {
  vllm: [
    'import sys',
    'from huggingface_hub import snapshot_download',
    'revision = sys.argv[2] if len(sys.argv) > 2 else None',
    'snapshot_download(repo_id=sys.argv[1], revision=revision)',
  ].join('\n'),
  ollama: [
    'ollama serve & server=$!',
    'tries=0',
    'until ollama list >/dev/null 2>&1 || [ "$tries" -ge 60 ]; do tries=$((tries + 1)); sleep 1; done',
    'ollama pull "$1"; status=$?',
    'kill "$server"; wait "$server"',
    'exit "$status"',
  ].join('\n'),
} as const;

export const SERVER_DEFAULTS = {
  engine: 'generic' as const,
  generic: { metricsPort: 'separate' as 'separate' | 'http' },
  vllm: {
    port: 8000,
    healthPath: '/health',
    metricsPath: '/metrics',
    preDownload: false,
    /**
     * /cache emptyDir for vLLM (the 1Gi default is the generic server's): with HOME and
     * XDG_CACHE_HOME there, VLLM_CACHE_ROOT (its torch.compile cache among others) and
     * Triton's compiled kernels land here, and grow with the model and the batch sizes
     * compiled for; 1Gi fills up, and a full cache makes startup fail, not slow down.
     * Disk-backed, so it costs node ephemeral storage, not memory.
     */
    cacheSizeLimit: Size.gibibytes(10),
    /**
     * Memory-backed /dev/shm with tensor parallelism: NCCL's shared-memory transport (used
     * between GPUs without P2P) and vLLM's shared-memory broadcast queue between its worker
     * processes live there, and the container runtime's 64Mi is far too little. 20Gi is the
     * default of vllm-project/production-stack helm/templates/deployment-vllm-multi.yaml
     * (commit f1f9822: `sizeLimit: {{ default "20Gi" $modelSpec.shmSize }}` whenever
     * tensorParallelSize is set); vLLM's own docs/deployment/k8s.md (commit 07b3dbf) shows
     * 2Gi for a single-GPU example. A limit, not a reservation: the pages count against the
     * memory limit only once written, but the checks compare the limit.
     */
    tensorParallelSharedMemory: Size.gibibytes(20),
  },
  ollama: { port: 8000, numParallel: 8, healthPath: '/', pullHost: '127.0.0.1:11434' },
};

/** The flag an argument names (`--max-model-len=4096` -> `--max-model-len`), or undefined for a value. */
function flagOf(arg: string): string | undefined {
  if (!arg.startsWith('-')) return undefined;
  const flag = arg.split('=')[0];
  return VLLM_FLAG_ALIASES[flag] ?? flag;
}

const ownFlags: readonly string[] = Object.values(VLLM_FLAGS);

/**
 * A Secret reference; a string is refused without being echoed: an inline token would
 * be written into the manifest in clear.
 */
const secretKeyReferenceSchema = z
  .union([z.object({ secretName: zDnsSubdomain, key: zDataKey }).strict(), z.string()], {
    errorMap: (issue, ctx) =>
      issue.code === z.ZodIssueCode.invalid_union ? { message: 'must be a Secret reference { secretName, key }; fix the value' } : { message: ctx.defaultError },
  })
  .superRefine((v, ctx) => {
    if (typeof v === 'string') {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        params: { value: new HiddenValue() },
        message:
          'must be a Secret reference { secretName, key }, not the token itself: an inline token would be written into the manifest in clear; put it in a Secret (kubectl create secret generic hf-token --from-literal=token=...) and reference it',
      });
    }
  })
  .transform((v) => v as SecretKeyReference) satisfies z.ZodType<SecretKeyReference, z.ZodTypeDef, unknown>;

const zDownloadTime = zDurationBetween(1, 86_400, 'worst-case download time');

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
    huggingFaceToken: secretKeyReferenceSchema.optional(),
    preDownload: z.boolean().optional(),
    downloadTime: zDownloadTime.optional(),
  })
  .strict() satisfies z.ZodType<VllmServer, z.ZodTypeDef, unknown>;

const ollamaSchema = z
  .object({
    engine: z.literal('ollama'),
    port: zPort.optional(),
    numParallel: zInt(1, 1024, 'parallel requests per model').optional(),
    model: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'must be an Ollama model name such as "llama3.1:8b" (letters, digits, ".", "_", "-", ":" and "/", not starting with "-"); fix the name')
      .optional(),
    downloadTime: zDownloadTime.optional(),
  })
  .strict() satisfies z.ZodType<OllamaServer>;

export const serverSchema = z.discriminatedUnion('engine', [z.object({ engine: z.literal('generic'), metricsPort: z.enum(['separate', 'http']).optional() }).strict(), vllmSchema, ollamaSchema], {
  errorMap: (issue, ctx) =>
    issue.code === z.ZodIssueCode.invalid_union_discriminator ? { message: 'must name an engine: "generic", "vllm" or "ollama"' } : { message: ctx.defaultError },
}) satisfies z.ZodType<ServerSpec, z.ZodTypeDef, unknown>;

/** What the server section decides about the pod: the settings of its engine, its port, probes and scrape target. */
export interface ResolvedServer {
  readonly engine: ServerEngine;
  /** vLLM's settings with the port, tensor parallel size and preDownload filled in. */
  readonly vllm?: VllmServer & { readonly port: number; readonly tensorParallelSize: number; readonly preDownload: boolean };
  /** Ollama's settings with their defaults filled in; `model` undefined: nothing pulled. */
  readonly ollama?: { readonly port: number; readonly numParallel: number; readonly model?: string };
  /**
   * What the engine adds to the workload: the download time and whether an init container
   * downloads, and the storage defaults it implies (vLLM's /cache, /dev/shm for tensor
   * parallelism). Empty for the generic engine.
   */
  readonly workload: ServerWorkloadFields;
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

/** The workload fields the server section decides (see {@link ResolvedServer.workload}). */
export type ServerWorkloadFields = Pick<WorkloadFields, 'downloadTime' | 'downloadTimePath' | 'downloadInInitContainer' | 'storageDefaults'>;

/** Resolves the server section; `gpuCount` is the default tensor parallel size (at least 1). */
export function resolveServer(server: ServerSpec | undefined, gpuCount: number): ResolvedServer {
  const s = server ?? { engine: SERVER_DEFAULTS.engine };
  const downloadTimePath = 'server.downloadTime';
  switch (s.engine) {
    case 'generic':
      return { engine: 'generic', metrics: s.metricsPort ?? SERVER_DEFAULTS.generic.metricsPort, workload: {} };
    case 'vllm': {
      const d = SERVER_DEFAULTS.vllm;
      const port = s.port ?? d.port;
      const tensorParallelSize = s.tensorParallelSize ?? Math.max(1, gpuCount);
      const preDownload = s.preDownload ?? d.preDownload;
      return {
        engine: 'vllm',
        vllm: { ...s, port, tensorParallelSize, preDownload },
        workload: {
          downloadTime: s.downloadTime,
          downloadTimePath,
          downloadInInitContainer: preDownload,
          storageDefaults: { cacheSizeLimit: d.cacheSizeLimit, sharedMemorySizeLimit: tensorParallelSize > 1 ? d.tensorParallelSharedMemory : undefined },
        },
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
        ollama: { port, numParallel: s.numParallel ?? SERVER_DEFAULTS.ollama.numParallel, model: s.model },
        workload: { downloadTime: s.downloadTime, downloadTimePath, downloadInInitContainer: s.model !== undefined },
        port,
        healthPath: SERVER_DEFAULTS.ollama.healthPath,
        metrics: 'none',
      };
    }
  }
}

/** A problem of the server section against the rest of the spec: path, value as written, message. */
export interface ServerProblem {
  readonly path: (string | number)[];
  readonly value: unknown;
  readonly message: string;
}

/**
 * Extended resource names of MIG devices: `nvidia.com/mig-<profile>` (NVIDIA k8s-device-plugin,
 * MIG strategy "mixed"). Tensor parallelism needs GPU-to-GPU communication, which MIG does
 * not offer: no CUDA IPC and so no NVLink/NVSwitch or PCIe peer-to-peer between MIG
 * instances (RAPIDS deployment docs, "Multi-Instance GPU (MIG)"; NVIDIA MIG User Guide,
 * "Deployment Considerations", which also says a CUDA process enumerates a single MIG
 * device; that part of the guide was not re-read when this rule was written).
 */
const MIG_RESOURCE_PREFIX = 'nvidia.com/mig-';

/**
 * Rules between the server section and the GPUs, the storage and the secrets:
 * tensor parallelism over exactly the pod's GPUs and never over MIG devices, a download
 * by an init container with its time declared, a pull with something to time, and one
 * HF_TOKEN.
 */
export function serverRelationProblems(
  server: ServerSpec | undefined,
  ctx: { readonly gpu: ResolvedGpu; readonly secretEnv?: readonly SecretEnvVar[]; readonly modelsAccessMode?: string },
): ServerProblem[] {
  const problems: ServerProblem[] = [];
  if (server?.engine === 'vllm') {
    const { count, resourceName } = ctx.gpu;
    if (server.tensorParallelSize !== undefined && server.tensorParallelSize !== count) {
      problems.push({
        path: ['server', 'tensorParallelSize'],
        value: server.tensorParallelSize,
        message: `must equal resources.gpu.count (${count}): vLLM puts one shard of the model on each GPU it is given, so ${server.tensorParallelSize} shards on ${count} GPU${count === 1 ? '' : 's'} either fails at startup or leaves GPUs idle; set server.tensorParallelSize to ${count} (or leave it out: it defaults to the GPU count), or set resources.gpu.count to ${server.tensorParallelSize}`,
      });
    }
    if (resourceName.startsWith(MIG_RESOURCE_PREFIX) && count > 1) {
      problems.push({
        path: ['resources', 'gpu', 'count'],
        value: count,
        message: `asks for ${count} MIG devices (${resourceName}), but vLLM cannot split a model over MIG devices: a CUDA process enumerates only one MIG device, and MIG instances have no peer-to-peer (NVLink or PCIe) path between them for NCCL (NVIDIA MIG User Guide, "Deployment Considerations"); use 1 MIG device with a profile large enough for the model, or whole GPUs (nvidia.com/gpu) for tensor parallelism`,
      });
    }
    if (server.huggingFaceToken && typeof server.huggingFaceToken === 'object') {
      (ctx.secretEnv ?? []).forEach((s, i) => {
        if (s.name === CACHE_ENV.hfToken) {
          problems.push({ path: ['secretEnv', i, 'name'], value: s.name, message: 'is set from server.huggingFaceToken already; keep one of them (server.huggingFaceToken also reaches the download container)' });
        }
      });
    }
    if (server.preDownload && ctx.modelsAccessMode === 'ReadOnlyMany') {
      problems.push({
        path: ['server', 'preDownload'],
        value: true,
        message: 'needs to write the weights into the models volume, but storage.models.accessMode is ReadOnlyMany; use ReadWriteMany (the server may still mount it read-only with storage.models.readOnly), or fill the volume another way and leave preDownload out',
      });
    }
  }
  // An init container's download runs before the startup probe, so only a declared time
  // reaches progressDeadlineSeconds and the InferencePodNotReady grace; without one, the
  // first start of a large model is reported failed and pages while it is healthy.
  const initDownload = (server?.engine === 'vllm' && server.preDownload === true) || (server?.engine === 'ollama' && server.model !== undefined);
  if (initDownload && server.downloadTime === undefined) {
    problems.push({
      path: ['server', 'downloadTime'],
      value: undefined,
      message: `must be declared when an init container downloads the model (${server.engine === 'vllm' ? 'server.preDownload' : 'server.model'}): the download runs before the startup probe, so the Deployment's progressDeadlineSeconds and the InferencePodNotReady grace must allow for it, or a healthy first start is reported failed and pages; declare the worst case, e.g. Duration.minutes(25) for 140 GB at 1 Gbit/s`,
    });
  }
  if (server?.engine === 'ollama' && server.downloadTime !== undefined && server.model === undefined) {
    problems.push({
      path: ['server', 'downloadTime'],
      value: server.downloadTime,
      message: 'times a pull, but server.model names none, so nothing is pulled; set server.model (e.g. "llama3.1:8b") or leave downloadTime out',
    });
  }
  return problems;
}
