/**
 * The model server's container arguments and environment, from the resolved server
 * section: vLLM is configured by flags, Ollama by environment variables, the generic
 * engine (the seeds' application) by neither (its image's entrypoint and the ConfigMap).
 */
import { MOUNT_PATHS } from '../conventions';
import { OLLAMA_ENV, ResolvedServer, VLLM_FLAGS } from '../spec/server';

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

/** The container's plain environment: Ollama's host, parallelism and models directory (the models volume); undefined for the other engines. */
export function serverEnv(server: ResolvedServer): { name: string; value: string }[] | undefined {
  const o = server.ollama;
  if (!o) return undefined;
  return [
    { name: OLLAMA_ENV.host, value: `0.0.0.0:${o.port}` },
    { name: OLLAMA_ENV.numParallel, value: String(o.numParallel) },
    { name: OLLAMA_ENV.models, value: MOUNT_PATHS.models },
  ];
}
