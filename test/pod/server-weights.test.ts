import { Duration, Size, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Cpu } from 'cdk8s-plus-28';
import { AiInferenceChart, AiInferenceSpec, InferenceDeployment, InferenceDeploymentProps, NlbLoadBalancerOptions } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';
import { ServerSpec } from '../../src/spec/server';
import { expectValidManifests } from '../helpers/k8s-schema';
import { podSecurityRestrictedViolations } from '../helpers/pod-security';
import { errorOf, only, synth } from '../support';

// Model weights for the vLLM and Ollama engines: writable caches, the Hugging Face token by
// Secret reference, the download init container and the time it takes.

const { path: _seedPath, ...probesWithoutPath } = eksNlbSpec.probes!;
const lb = (eksNlbSpec.traffic!.loadBalancer! as NlbLoadBalancerOptions);
const traffic = (path: string) => ({ ...eksNlbSpec.traffic!, loadBalancer: { ...lb, healthCheck: { ...lb.healthCheck!, path } } });
// Guaranteed memory: no AII-W025 noise in these specs.
const resources = { ...eksNlbSpec.resources, memory: { request: Size.gibibytes(16), limit: Size.gibibytes(16) } };
// The seed's claims without its cache and /dev/shm sizes, so the engine's defaults show.
const storage = { models: eksNlbSpec.storage!.models, data: eksNlbSpec.storage!.data };

const vllmSpec = (server: Partial<Extract<ServerSpec, { engine: 'vllm' }>> = {}, rest: Partial<AiInferenceSpec> = {}): AiInferenceSpec => ({
  ...eksNlbSpec,
  resources,
  storage,
  probes: probesWithoutPath,
  metrics: undefined,
  traffic: traffic('/health'),
  server: { engine: 'vllm', model: 'meta-llama/Llama-3.1-8B-Instruct', ...server },
  ...rest,
});

const ollamaSpec = (server: Partial<Extract<ServerSpec, { engine: 'ollama' }>> = {}, rest: Partial<AiInferenceSpec> = {}): AiInferenceSpec => ({
  ...eksNlbSpec,
  resources,
  storage,
  probes: probesWithoutPath,
  metrics: undefined,
  traffic: traffic('/'),
  scaling: { ...eksNlbSpec.scaling!, signals: { cpu: { type: 'Utilization', averageUtilization: 70 }, gpu: { type: 'AverageValue', averageValue: 70 } } },
  server: { engine: 'ollama', ...server },
  ...rest,
});

const synthSpec = (spec: AiInferenceSpec) => Testing.synth(new AiInferenceChart(Testing.app(), 'weights', { spec }));
const deployment = (objects: any[]) => only(objects, 'Deployment');
const podSpec = (objects: any[]) => deployment(objects).spec.template.spec;
const server = (objects: any[]) => podSpec(objects).containers[0];
const envOf = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
const mountsOf = (c: any) => c.volumeMounts.map((m: any) => [m.name, m.mountPath, m.readOnly]);
const hfToken = { secretName: 'hf-token', key: 'token' };
const tokenRef = { secretKeyRef: { name: 'hf-token', key: 'token' } };

describe('vLLM writes its caches to the volumes, not the read-only root', () => {
  it('sets HF_HOME to the models volume and HOME and XDG_CACHE_HOME to /cache, before the secrets', () => {
    const c = server(synthSpec(vllmSpec()));
    expect(c.env.slice(0, 3)).toEqual([
      { name: 'HF_HOME', value: '/models' },
      { name: 'HOME', value: '/cache' },
      { name: 'XDG_CACHE_HOME', value: '/cache' },
    ]);
    // No download container: the server fetches the weights itself, online.
    expect(envOf(c).HF_HUB_OFFLINE).toBeUndefined();
    expect(podSpec(synthSpec(vllmSpec())).initContainers).toBeUndefined();
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  it('gives vLLM a 10Gi /cache for its compile caches, and keeps a size the spec gives', () => {
    const cache = (objects: any[]) => podSpec(objects).volumes.find((v: any) => v.name === 'cache').emptyDir;
    expect(cache(synthSpec(vllmSpec()))).toEqual({ sizeLimit: '10Gi' });
    expect(cache(synthSpec(vllmSpec({}, { storage: { ...storage, cacheSizeLimit: Size.gibibytes(3) } })))).toEqual({ sizeLimit: '3Gi' });
    // The generic engine keeps its 1Gi.
    expect(podSpec(synthSpec({ ...eksNlbSpec, storage })).volumes.find((v: any) => v.name === 'cache').emptyDir).toEqual({ sizeLimit: '1Gi' });
    // No /dev/shm without tensor parallelism.
    expect(podSpec(synthSpec(vllmSpec())).volumes.map((v: any) => v.name)).toEqual(['models', 'data', 'cache', 'tmp']);
  });

  it('reads the Hugging Face token from its Secret key (HF_TOKEN), never from the manifest', () => {
    const objects = synthSpec(vllmSpec({ huggingFaceToken: hfToken }));
    const c = server(objects);
    expect(c.env.find((e: any) => e.name === 'HF_TOKEN')).toEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } });
    // After the engine's plain variables, before the spec's own secrets.
    expect(c.env.map((e: any) => e.name).slice(0, 5)).toEqual(['HF_HOME', 'HOME', 'XDG_CACHE_HOME', 'HF_TOKEN', eksNlbSpec.secretEnv![0].name]);
  });
});

describe('vLLM with preDownload', () => {
  const spec = vllmSpec({ revision: 'main', huggingFaceToken: hfToken, preDownload: true, downloadTime: Duration.minutes(20) });

  it('fills the models volume in an init container of the same image, with snapshot_download and the model as argv', () => {
    const objects = synthSpec(spec);
    const init = podSpec(objects).initContainers;
    expect(init).toHaveLength(1);
    const d = init[0];
    expect(d.name).toBe('model-download');
    expect(d.image).toBe(eksNlbSpec.image);
    expect(d.imagePullPolicy).toBe('IfNotPresent');
    expect(d.command.slice(0, 2)).toEqual(['python3', '-c']);
    const script: string = d.command[2];
    expect(script).toContain('from huggingface_hub import snapshot_download');
    expect(script).toContain('snapshot_download(repo_id=sys.argv[1], revision=revision)');
    // The model and revision are arguments, never part of the script.
    expect(script).not.toContain('meta-llama');
    expect(d.args).toEqual(['meta-llama/Llama-3.1-8B-Instruct', 'main']);
    expect(d.env).toEqual([
      { name: 'HF_HOME', value: '/models' },
      { name: 'HOME', value: '/cache' },
      { name: 'XDG_CACHE_HOME', value: '/cache' },
      // No GPU for a download: the image's NVIDIA_VISIBLE_DEVICES=all would show it every GPU of the node.
      { name: 'NVIDIA_VISIBLE_DEVICES', value: 'void' },
      { name: 'HF_TOKEN', valueFrom: tokenRef },
    ]);
    // A download's resources: CPU and memory, requests equal to limits, no GPU.
    expect(d.resources).toEqual({ requests: { cpu: '2', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(mountsOf(d)).toEqual([
      ['models', '/models', undefined],
      ['cache', '/cache', undefined],
      ['tmp', '/tmp', undefined],
    ]);
    expect(d.securityContext).toEqual(server(objects).securityContext);
  });

  it('passes only the model when no revision is given', () => {
    const d = podSpec(synthSpec(vllmSpec({ preDownload: true, downloadTime: Duration.minutes(5) })))
      .initContainers[0];
    expect(d.args).toEqual(['meta-llama/Llama-3.1-8B-Instruct']);
    expect(d.env.map((e: any) => e.name)).toEqual(['HF_HOME', 'HOME', 'XDG_CACHE_HOME', 'NVIDIA_VISIBLE_DEVICES']);
  });

  it('runs the server offline on the downloaded cache', () => {
    expect(envOf(server(synthSpec(spec))).HF_HUB_OFFLINE).toBe('1');
  });

  it('keeps the models volume writable for the download when the server mounts it read-only', () => {
    const readOnlyModels = vllmSpec({ preDownload: true, downloadTime: Duration.minutes(5) }, { storage: { ...storage, models: { ...storage.models!, readOnly: true } } });
    const objects = synthSpec(readOnlyModels);
    const pod = podSpec(objects);
    // readOnly on the volume source would make the download's mount read-only too.
    expect(pod.volumes.find((v: any) => v.name === 'models')).toEqual({ name: 'models', persistentVolumeClaim: { claimName: 'ai-inference-models' } });
    expect(mountsOf(pod.containers[0])[0]).toEqual(['models', '/models', true]);
    expect(mountsOf(pod.initContainers[0])[0]).toEqual(['models', '/models', undefined]);
    // Without the download, a read-only claim stays read-only at the source.
    const plain = podSpec(synthSpec(vllmSpec({}, { storage: readOnlyModels.storage })));
    expect(plain.volumes.find((v: any) => v.name === 'models').persistentVolumeClaim.readOnly).toBe(true);
  });

  it('adds the download time to progressDeadlineSeconds and to the grace of InferencePodNotReady', () => {
    const withDownload = synthSpec(spec);
    const without = synthSpec(vllmSpec({ revision: 'main', huggingFaceToken: hfToken }));
    expect(deployment(withDownload).spec.progressDeadlineSeconds - deployment(without).spec.progressDeadlineSeconds).toBe(20 * 60);
    const podNotReady = (objects: any[]) =>
      only(objects, 'PrometheusRule')
        .spec.groups.flatMap((g: any) => g.rules)
        .find((r: any) => r.alert === 'InferencePodNotReady');
    // startup budget 5m + download 20m + the 5m margin = 30m = 1800 s.
    expect(podNotReady(withDownload).expr).toContain('1800');
    expect(podNotReady(without).expr).toContain('600');
    expect(podNotReady(without).expr).not.toContain('1800');
  });

  it('still meets Pod Security "restricted" and the Kubernetes schema', () => {
    const objects = synthSpec(spec);
    expect(podSecurityRestrictedViolations(podSpec(objects), deployment(objects).spec.template.metadata.annotations)).toEqual([]);
    expectValidManifests(objects);
  });
});

describe('the startup budget covers a download the server does itself', () => {
  it('refuses a budget below the download plus the load time, naming both and the init container way out', () => {
    const message = errorOf(() => synthSpec(vllmSpec({ downloadTime: Duration.minutes(10) })));
    expect(message).toContain(
      'probes.startupBudget (5m) is shorter than the declared download and model load time (server.downloadTime: 10m + model.loadTime: 4m): the server downloads the weights at startup, so the kubelet would kill it while the weights are still coming; raise probes.startupBudget to at least 840 s, or download in an init container first (server.preDownload)',
    );
  });

  it('accepts the same download in an init container, or a budget that covers it', () => {
    expect(() => synthSpec(vllmSpec({ downloadTime: Duration.minutes(10), preDownload: true }))).not.toThrow();
    const objects = synthSpec(vllmSpec({ downloadTime: Duration.minutes(10) }, { probes: { ...probesWithoutPath, startupBudget: Duration.minutes(15) } }));
    expect(server(objects).startupProbe.failureThreshold).toBe(90);
  });
});

describe('the Hugging Face token is a Secret reference only', () => {
  it('refuses a token written inline, naming the field and hiding the value', () => {
    const message = errorOf(() => synthSpec(vllmSpec({ huggingFaceToken: 'hf_abcdefghijklmnopqrstuvwxyz0123456789' as any })));
    expect(message).toContain(
      'server.huggingFaceToken ((value hidden)) must be a Secret reference { secretName, key }, not the token itself: an inline token would be written into the manifest in clear; put it in a Secret',
    );
    expect(message).not.toContain('hf_abcdefghijklmnopqrstuvwxyz0123456789');
    // Any string, even one that does not look like a token.
    const plain = errorOf(() => synthSpec(vllmSpec({ huggingFaceToken: 'swordfish' as any })));
    expect(plain).toContain('server.huggingFaceToken ((value hidden)) must be a Secret reference');
    expect(plain).not.toContain('swordfish');
  });

  it('refuses a reference with a bad Secret name or an unknown field', () => {
    expect(errorOf(() => synthSpec(vllmSpec({ huggingFaceToken: { secretName: 'HF_Token', key: 'token' } })))).toContain(
      'server.huggingFaceToken.secretName ("HF_Token") must be an RFC 1123 subdomain',
    );
    expect(errorOf(() => synthSpec(vllmSpec({ huggingFaceToken: { secretName: 'hf-token', key: 'token', keyName: 'x' } as any })))).toContain(
      'server.huggingFaceToken.keyName is not a field',
    );
  });

  it('refuses HF_TOKEN in secretEnv beside it', () => {
    const secretEnv = [...eksNlbSpec.secretEnv!, { name: 'HF_TOKEN', secretName: 'other', key: 'token' }];
    expect(errorOf(() => synthSpec(vllmSpec({ huggingFaceToken: hfToken }, { secretEnv })))).toContain(
      `secretEnv[${eksNlbSpec.secretEnv!.length}].name ("HF_TOKEN") is set from server.huggingFaceToken already; keep one of them`,
    );
  });

  it('refuses a download by an init container without its declared time, for vLLM and Ollama alike', () => {
    const rule =
      'the download runs before the startup probe, so the Deployment\'s progressDeadlineSeconds and the InferencePodNotReady grace must allow for it, or a healthy first start is reported failed and pages; declare the worst case, e.g. Duration.minutes(25) for 140 GB at 1 Gbit/s';
    expect(errorOf(() => synthSpec(vllmSpec({ preDownload: true })))).toContain(
      `server.downloadTime (not set) must be declared when an init container downloads the model (server.preDownload): ${rule}`,
    );
    expect(errorOf(() => synthSpec(ollamaSpec({ model: 'llama3.1:8b' })))).toContain(
      `server.downloadTime (not set) must be declared when an init container downloads the model (server.model): ${rule}`,
    );
    // A download by vLLM itself at startup is the startup budget's business (checked when declared).
    expect(() => synthSpec(vllmSpec({ preDownload: false }))).not.toThrow();
  });

  it('refuses preDownload into a ReadOnlyMany claim', () => {
    const readOnlyMany = { ...storage, models: { size: Size.gibibytes(50), accessMode: 'ReadOnlyMany' as const } };
    expect(errorOf(() => synthSpec(vllmSpec({ preDownload: true, downloadTime: Duration.minutes(5) }, { storage: readOnlyMany })))).toContain(
      'server.preDownload (true) needs to write the weights into the models volume, but storage.models.accessMode is ReadOnlyMany',
    );
  });
});

describe('Ollama', () => {
  it('sets HOME to /cache so $HOME/.ollama (its key pair) is writable', () => {
    const c = server(synthSpec(ollamaSpec()));
    expect(c.env.slice(0, 4)).toEqual([
      { name: 'OLLAMA_HOST', value: '0.0.0.0:8000' },
      { name: 'OLLAMA_NUM_PARALLEL', value: '8' },
      { name: 'OLLAMA_MODELS', value: '/models' },
      { name: 'HOME', value: '/cache' },
    ]);
    expect(podSpec(synthSpec(ollamaSpec())).initContainers).toBeUndefined();
  });

  it('pulls server.model in an init container: ollama serve on 127.0.0.1, wait, pull, stop', () => {
    const objects = synthSpec(ollamaSpec({ model: 'llama3.1:8b', downloadTime: Duration.minutes(10) }));
    const d = podSpec(objects).initContainers[0];
    expect(d.name).toBe('model-download');
    expect(d.image).toBe(eksNlbSpec.image);
    expect(d.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    const script: string = d.command[2];
    expect(script.split('\n')).toEqual([
      'ollama serve & server=$!',
      'tries=0',
      'until ollama list >/dev/null 2>&1 || [ "$tries" -ge 60 ]; do tries=$((tries + 1)); sleep 1; done',
      'ollama pull "$1"; status=$?',
      'kill "$server"; wait "$server"',
      'exit "$status"',
    ]);
    // $0 names the script, $1 is the model: never interpolated into it.
    expect(d.command[3]).toBe('ollama-pull');
    expect(d.args).toEqual(['llama3.1:8b']);
    expect(d.env).toEqual([
      { name: 'OLLAMA_HOST', value: '127.0.0.1:11434' },
      { name: 'OLLAMA_MODELS', value: '/models' },
      { name: 'HOME', value: '/cache' },
      { name: 'NVIDIA_VISIBLE_DEVICES', value: 'void' },
    ]);
    expect(d.resources.limits).toEqual({ cpu: '2', memory: '4Gi' });
    expect(mountsOf(d).map((m: any[]) => m[1])).toEqual(['/models', '/cache', '/tmp']);
    expect(podSecurityRestrictedViolations(podSpec(objects))).toEqual([]);
    expectValidManifests(objects);
  });

  it('adds the pull time to progressDeadlineSeconds', () => {
    const pulled = deployment(synthSpec(ollamaSpec({ model: 'llama3.1:8b', downloadTime: Duration.minutes(10) }))).spec.progressDeadlineSeconds;
    const plain = deployment(synthSpec(ollamaSpec())).spec.progressDeadlineSeconds;
    expect(pulled - plain).toBe(600);
  });

  it('refuses a download time without a model to pull, and a model name that reads as a flag', () => {
    expect(errorOf(() => synthSpec(ollamaSpec({ downloadTime: Duration.minutes(10) })))).toContain(
      'server.downloadTime (10m) times a pull, but server.model names none, so nothing is pulled; set server.model (e.g. "llama3.1:8b") or leave downloadTime out',
    );
    expect(errorOf(() => synthSpec(ollamaSpec({ model: '--insecure' })))).toContain('server.model ("--insecure") must be an Ollama model name such as "llama3.1:8b"');
  });
});

describe('a download time out of range', () => {
  it('is refused with the field', () => {
    expect(errorOf(() => synthSpec(vllmSpec({ downloadTime: Duration.seconds(0) })))).toContain('server.downloadTime (0s)');
  });
});

describe('the InferenceDeployment alone', () => {
  const props: InferenceDeploymentProps = {
    name: 'ai-inference',
    image: 'vllm/vllm-openai:v0.11.0',
    resources: { cpu: { request: Cpu.units(4), limit: Cpu.units(4) }, memory: { request: Size.gibibytes(32), limit: Size.gibibytes(32) }, gpu: { count: 1, product: 'NVIDIA-L4', productLabel: 'cloud.google.com/gke-accelerator' } },
    scheduling: { runtimeClassName: 'nvidia' },
    storage: { models: { size: Size.gibibytes(100), readOnly: true } },
    serverSecretEnv: [{ name: 'HF_TOKEN', secretName: 'hf-token', key: 'token' }],
  };
  const pod = (p: InferenceDeploymentProps) => only(synth((chart) => new InferenceDeployment(chart, 'Inference', p)), 'Deployment').spec.template.spec;

  it('takes an init container, HF_TOKEN, the GPU product and the RuntimeClass as props', () => {
    const spec = pod({ ...props, modelDownload: { command: ['python3', '-c', 'pass'], args: ['m'], env: [{ name: 'HF_HOME', value: '/models' }] } });
    expect(spec.runtimeClassName).toBe('nvidia');
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toContainEqual({
      key: 'cloud.google.com/gke-accelerator',
      operator: 'In',
      values: ['NVIDIA-L4'],
    });
    expect(spec.initContainers[0]).toMatchObject({ name: 'model-download', image: 'vllm/vllm-openai:v0.11.0', command: ['python3', '-c', 'pass'], args: ['m'] });
    expect(spec.initContainers[0].env).toEqual([{ name: 'HF_HOME', value: '/models' }, { name: 'HF_TOKEN', valueFrom: tokenRef }]);
    expect(spec.containers[0].env).toContainEqual({ name: 'HF_TOKEN', valueFrom: tokenRef });
    expect(spec.volumes[0]).toEqual({ name: 'models', persistentVolumeClaim: { claimName: 'ai-inference-models' } });
  });

  it('checks a download the server does itself against the startup budget, by its prop name', () => {
    expect(errorOf(() => pod({ ...props, downloadTime: Duration.minutes(8) }))).toContain(
      'probes.startupBudget (5m by default) is shorter than the declared download time (downloadTime: 8m): the server downloads the weights at startup',
    );
    expect(errorOf(() => pod({ ...props, modelDownload: { command: [] } }))).toContain('modelDownload.command (an empty list) must hold the command; add it');
  });
});

describe('a Hugging Face token of the wrong type', () => {
  it('is refused as a Secret reference, not as a string', () => {
    expect(errorOf(() => synthSpec(vllmSpec({ huggingFaceToken: 42 as any })))).toContain('server.huggingFaceToken (42) must be a Secret reference { secretName, key }; fix the value');
  });
});
