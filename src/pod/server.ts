/**
 * The model server's container arguments and environment, from the resolved server
 * section: vLLM is configured by flags, Ollama by environment variables, the generic
 * engine (the seeds' application) by neither (its image's entrypoint and the ConfigMap).
 */
import { MOUNT_PATHS } from '../conventions';
import { CACHE_ENV, DOWNLOAD_SCRIPTS, NO_GPU_ENV, OLLAMA_ENV, ResolvedServer, SERVER_DEFAULTS, VLLM_FLAGS } from '../spec/server';
import { ModelDownload, SecretEnvVar } from '../spec/workload';

/** The container's args: vLLM's flags in the order of {@link VLLM_FLAGS}, then `extraArgs`; undefined for the other engines. */
export function serverArgs(server: ResolvedServer): string[] | undefined {
  const v = server.vllm;
  if (!v) return undefined;
  const args: string[] = [VLLM_FLAGS.model, v.model];
  const opt = (flag: string, value: string | number | undefined) => {
    if (value !== undefined) args.push(flag, String(value));
  };
  opt(VLLM_FLAGS.revision, v.revision);
  opt(VLLM_FLAGS.servedModelName, v.servedModelName);
  // Listen on every interface: the kubelet, the Services and the NLB reach the pod IP.
  opt(VLLM_FLAGS.host, '0.0.0.0');
  opt(VLLM_FLAGS.port, v.port);
  opt(VLLM_FLAGS.tensorParallelSize, v.tensorParallelSize);
  opt(VLLM_FLAGS.maxModelLen, v.maxModelLen);
  opt(VLLM_FLAGS.gpuMemoryUtilization, v.gpuMemoryUtilization);
  opt(VLLM_FLAGS.maxNumSeqs, v.maxNumSeqs);
  return [...args, ...(v.extraArgs ?? [])];
}

/** HOME and XDG_CACHE_HOME on the /cache emptyDir: the root filesystem is read-only and UID 1001 has no home. */
const writableHome = [
  { name: CACHE_ENV.home, value: MOUNT_PATHS.cache },
  { name: CACHE_ENV.xdgCache, value: MOUNT_PATHS.cache },
];

/**
 * The container's plain environment; undefined for the generic engine. vLLM: the models
 * volume as the Hugging Face cache (HF_HOME), HOME and XDG_CACHE_HOME on /cache, and
 * HF_HUB_OFFLINE=1 when an init container downloaded the weights (the server then reads
 * the cache only, so a read-only models mount works and no second round trip to the Hub
 * is made). Ollama: its host, parallelism and models directory (the models volume), HOME
 * on /cache (its key pair under $HOME/.ollama).
 */
export function serverEnv(server: ResolvedServer): { name: string; value: string }[] | undefined {
  const v = server.vllm;
  if (v) {
    return [{ name: CACHE_ENV.hfHome, value: MOUNT_PATHS.models }, ...writableHome, ...(v.preDownload ? [{ name: CACHE_ENV.hfOffline, value: '1' }] : [])];
  }
  const o = server.ollama;
  if (!o) return undefined;
  return [
    { name: OLLAMA_ENV.host, value: `0.0.0.0:${o.port}` },
    { name: OLLAMA_ENV.numParallel, value: String(o.numParallel) },
    { name: OLLAMA_ENV.models, value: MOUNT_PATHS.models },
    { name: CACHE_ENV.home, value: MOUNT_PATHS.cache },
  ];
}

/** Secret-backed variables of the engine: vLLM's HF_TOKEN from server.huggingFaceToken; undefined when none. */
export function serverSecretEnv(server: ResolvedServer): SecretEnvVar[] | undefined {
  const token = server.vllm?.huggingFaceToken;
  return token ? [{ name: CACHE_ENV.hfToken, secretName: token.secretName, key: token.key }] : undefined;
}

/**
 * The init container's command, arguments and environment, when the engine downloads
 * before the server starts (vLLM with preDownload, Ollama with a model); undefined
 * otherwise. The model (and revision) are arguments, never part of the script. The
 * container sees no GPU ({@link NO_GPU_ENV}): a download needs none.
 */
export function modelDownload(server: ResolvedServer): ModelDownload | undefined {
  const v = server.vllm;
  if (v?.preDownload) {
    return {
      command: ['python3', '-c', DOWNLOAD_SCRIPTS.vllm],
      args: v.revision === undefined ? [v.model] : [v.model, v.revision],
      env: [{ name: CACHE_ENV.hfHome, value: MOUNT_PATHS.models }, ...writableHome, { ...NO_GPU_ENV }],
    };
  }
  const o = server.ollama;
  if (o?.model !== undefined) {
    return {
      // $0 names the script in messages; $1 is the model.
      command: ['/bin/sh', '-c', DOWNLOAD_SCRIPTS.ollama, 'ollama-pull'],
      args: [o.model],
      env: [
        { name: OLLAMA_ENV.host, value: SERVER_DEFAULTS.ollama.pullHost },
        { name: OLLAMA_ENV.models, value: MOUNT_PATHS.models },
        { name: CACHE_ENV.home, value: MOUNT_PATHS.cache },
        { ...NO_GPU_ENV },
      ],
    };
  }
  return undefined;
}
