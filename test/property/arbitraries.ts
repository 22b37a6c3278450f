/**
 * fast-check arbitraries of VALID specs: every section within the ranges its schema in
 * src/spec/*.ts documents, and every relation validateSpec checks held (request <= limit,
 * probe timeout < period, startup budget >= model load time, grace > preStop, TLS ports
 * among the listener ports, health-check timeout <= interval, disruption below the replica
 * floor, reachable utilization targets, p95 target below the SLO, request-rate capacity at
 * maxReplicas >= the throughput objective, ...).
 *
 * Built as plain records of independent raw choices mapped through `buildSpec`, which
 * derives the dependent values (a timeout below its period, a p95 target below the SLO)
 * by clamping. fast-check shrinks the raw choices one by one, so a counterexample shrinks
 * to a small spec quickly (optional sections drop out, numbers go to their minimum).
 *
 * Generated strings never contain the words `nan`, `inf` or `infinity` (any case), so the
 * synthesized YAML can be searched for them: any occurrence is a number gone wrong.
 */
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import fc from 'fast-check';
import type { AiInferenceSpec } from '../../src';
import { ALERT_CATALOGUE, BURN_RATE_TIERS } from '../../src/alerts';
import { errorBudget } from '../../src/spec/spec';
import { ALERT_NAMES, APP_CONFIG_KEYS } from '../../src/conventions';
import { credentialFinding } from '../../src/spec/credentials';
import { cpuCores, sizeKibibytes } from '../../src/spec/values';
import { VLLM_TOKEN_HISTOGRAMS } from '../../src/spec/metrics';

type Json = Record<string, any>;

/** Words a search for NaN/Infinity in the YAML would flag. */
export const NUMBER_WORDS = /\b(nan|inf|infinity)\b/i;
const clean = (s: string) => !NUMBER_WORDS.test(s);

/** A string matching the anchored `re`, never containing a number word. */
const matching = (re: RegExp) => fc.stringMatching(re).filter(clean);
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const int = (min: number, max: number) => fc.integer({ min, max });

/** `x` folded into [min, max]: derives a dependent value from an independent raw one. */
const within = (x: number, min: number, max: number) => min + (Math.abs(Math.trunc(x)) % (max - min + 1));

/** Sets `key` only when `value` is defined, so optional fields are really absent. */
function put(obj: Json, key: string, value: unknown): Json {
  if (value !== undefined) obj[key] = value;
  return obj;
}

// ---- names, labels, paths --------------------------------------------------------------

/** A release: RFC 1035 label, short enough that `<release>-headless` fits 63 characters. */
export const releaseArb = matching(/^[a-z]([-a-z0-9]{0,52}[a-z0-9])?$/);
/** A namespace: RFC 1123 label. */
export const namespaceArb = matching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
const dnsLabel = matching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
const dnsSubdomain = matching(/^[a-z0-9]([-a-z0-9]{0,15}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?){0,3}$/);
/** A label or annotation key: an optional DNS-subdomain prefix, a name of 1-63 characters. */
export const labelKeyArb = fc
  .tuple(opt(dnsSubdomain), matching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/))
  .map(([prefix, name]) => (prefix ? `${prefix}/${name}` : name));
/** A label value: empty, or 1-63 characters starting and ending alphanumeric. */
export const labelValueArb = matching(/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/);
const labelMap = (maxKeys: number) => fc.dictionary(labelKeyArb, labelValueArb, { maxKeys });
const envName = matching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/);
const dataKey = matching(/^[-._a-zA-Z0-9]{1,30}$/).filter((k) => k !== '.' && k !== '..');
const portName = matching(/^[a-z]([a-z0-9]|-[a-z0-9]){0,6}$/);
const httpPath = matching(/^\/[-A-Za-z0-9._~!$&'()*+,;=:@%/]{0,40}$/);
const metricName = matching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/);
const promLabelName = matching(/^[a-zA-Z_][a-zA-Z0-9_]{0,15}$/);
/** Printable text without number words (model names, annotation values, settings). */
const text = (maxLength: number) => fc.string({ minLength: 1, maxLength }).filter(clean);

// ---- images ---------------------------------------------------------------------------

const hex64 = matching(/^[0-9a-f]{64}$/);
/** An image pinned by a tag other than `latest`, by a sha256 digest, or by both. */
export const imageArb = fc
  .record({
    registry: opt(fc.oneof(fc.constantFrom('ghcr.io', 'registry.example.com:5000', 'localhost:5000', '123456789012.dkr.ecr.us-east-1.amazonaws.com'), dnsSubdomain)),
    path: fc.array(matching(/^[a-z0-9]{1,8}([._-][a-z0-9]{1,6}){0,2}$/), { minLength: 1, maxLength: 3 }),
    pin: fc.oneof(
      matching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/)
        .filter((t) => t !== 'latest')
        .map((tag) => `:${tag}`),
      hex64.map((h) => `@sha256:${h}`),
      fc.tuple(matching(/^[0-9]{1,2}\.[0-9]{1,2}$/), hex64).map(([tag, h]) => `:${tag}@sha256:${h}`),
    ),
  })
  .map(({ registry, path, pin }) => `${registry ? `${registry}/` : ''}${path.join('/')}${pin}`);

// ---- addresses ------------------------------------------------------------------------

const ipv4Cidr = fc
  .tuple(fc.array(int(0, 255), { minLength: 4, maxLength: 4 }), int(0, 32))
  .map(([o, p]) => `${o.join('.')}/${p}`);
const ipv6Cidr = fc
  .tuple(fc.array(int(0, 0xffff), { minLength: 8, maxLength: 8 }), int(0, 128), fc.boolean())
  .map(([groups, p, compress]) => {
    const hex = groups.map((x) => x.toString(16));
    return `${compress ? `${hex.slice(0, 2).join(':')}::` : hex.join(':')}/${p}`;
  });
/** An IPv4 or IPv6 CIDR block. */
export const cidrArb = fc.oneof({ weight: 3, arbitrary: ipv4Cidr }, { weight: 1, arbitrary: ipv6Cidr });
const certificateArn = fc.oneof(
  fc
    .tuple(fc.constantFrom('aws', 'aws-cn', 'aws-us-gov'), matching(/^[a-z]{2}-[a-z]{4,7}-[1-3]$/), matching(/^[0-9]{12}$/), fc.uuid())
    .map(([partition, region, account, uuid]) => `arn:${partition}:acm:${region}:${account}:certificate/${uuid}`),
  fc.tuple(matching(/^[0-9]{12}$/), matching(/^[\w+=.@-]{1,20}$/)).map(([account, name]) => `arn:aws:iam::${account}:server-certificate/${name}`),
);

// ---- cdk8s values, written in the ways a user would --------------------------------------

/** A Duration of `s` whole seconds; `style` picks seconds, millis, minutes or hours. */
function durationOf(s: number, style: number): Duration {
  const forms = [
    () => Duration.seconds(s),
    () => Duration.millis(s * 1000),
    ...(s % 60 === 0 ? [() => Duration.minutes(s / 60)] : []),
    ...(s % 3600 === 0 ? [() => Duration.hours(s / 3600)] : []),
  ];
  return forms[style % forms.length]();
}
/** `m` millicores as Cpu.millis or Cpu.units. */
const cpuOf = (m: number, style: number) => (style % 2 === 0 ? Cpu.units(m / 1000) : Cpu.millis(m));
/** `mib` mebibytes as Size.mebibytes or (when whole) Size.gibibytes. */
const sizeOf = (mib: number, style: number) => (mib % 1024 === 0 && style % 2 === 1 ? Size.gibibytes(mib / 1024) : Size.mebibytes(mib));

// ---- raw choices ----------------------------------------------------------------------

const timingRaw = fc.record({ period: opt(int(2, 3600)), timeout: opt(fc.nat()), failureThreshold: opt(int(1, 1000)) });

const claimRaw = fc.oneof(
  fc.record({ sizeGi: int(1, 4096), storageClassName: opt(dnsSubdomain), accessMode: opt(fc.nat()), readOnly: opt(fc.boolean()) }),
  fc.record({ existingClaim: dnsSubdomain, readOnly: opt(fc.boolean()) }),
);

const loadBalancerRaw = fc.record({
  scheme: fc.constantFrom('internet-facing', 'internal'),
  ports: opt(
    fc.record({
      names: fc.uniqueArray(portName, { minLength: 1, maxLength: 3 }),
      numbers: fc.uniqueArray(int(1, 65_535), { minLength: 3, maxLength: 3 }),
      targetPort: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    }),
  ),
  tls: opt(
    fc.record({
      certificateArns: fc.array(certificateArn, { minLength: 1, maxLength: 2 }),
      tlsPorts: opt(fc.array(fc.nat(), { minLength: 1, maxLength: 3 })),
      sslPolicy: opt(fc.constantFrom('ELBSecurityPolicy-TLS13-1-2-2021-06', 'ELBSecurityPolicy-2016-08', 'ELBSecurityPolicy-FS-1-2-Res-2020-10')),
    }),
  ),
  healthCheck: opt(
    fc.record({
      protocol: opt(fc.constantFrom('http', 'https', 'tcp')),
      path: opt(httpPath),
      port: opt(fc.oneof(fc.constant('traffic-port' as const), int(1, 65_535))),
      interval: opt(int(5, 300)),
      timeout: opt(fc.nat()),
      healthyThreshold: opt(int(2, 10)),
      unhealthyThreshold: opt(int(2, 10)),
      successCodes: opt(fc.oneof(fc.constantFrom('200-399', '200', '200,204', '200-299,301'), int(200, 599).map(String))),
    }),
  ),
  crossZone: opt(fc.boolean()),
  stickiness: opt(fc.constantFrom('source_ip', 'none')),
  deregistrationDelay: opt(fc.nat()),
  preserveClientIp: opt(fc.boolean()),
  idleTimeout: opt(int(60, 6000)),
  accessLogs: opt(fc.record({ bucket: matching(/^[a-z0-9][a-z0-9.-]{1,20}[a-z0-9]$/), prefix: opt(matching(/^[a-z0-9]([-a-z0-9/]{0,20}[a-z0-9])?$/)) })),
  sourceRanges: opt(fc.array(cidrArb, { minLength: 1, maxLength: 3 })),
  extraAnnotations: opt(fc.dictionary(labelKeyArb, text(40), { maxKeys: 2 })),
});

const peerRaw = fc.oneof(
  fc.constant(undefined),
  fc.record({ cidr: cidrArb }),
  fc.record({ podLabels: opt(labelMap(2)), namespace: opt(dnsLabel) }),
);

const networkPolicyRaw = fc.oneof(
  fc.constant(undefined),
  fc.constant(false as const),
  fc.record({
    loadBalancerSubnets: fc.array(cidrArb, { minLength: 1, maxLength: 3 }),
    vpcCidr: opt(cidrArb),
    webApp: opt(fc.record({ podLabels: labelMap(2), namespace: opt(dnsLabel) })),
    monitoringNamespace: opt(dnsLabel),
    databases: opt(fc.record({ postgres: peerRaw, redis: peerRaw, mongodb: peerRaw })),
    httpsEgress: fc.oneof(fc.constant(undefined), fc.constant(false as const), fc.record({ cidr: cidrArb })),
  }),
);

const SIGNAL_NAMES = ['cpu', 'memory', 'gpu', 'requestRate', 'latencyP95', 'queueDepth'] as const;
const rulesRaw = fc.record({
  stabilizationWindowSeconds: opt(int(0, 3600)),
  policies: opt(fc.array(fc.record({ type: fc.constantFrom('Pods', 'Percent'), value: int(1, 1000), periodSeconds: int(1, 1800) }), { minLength: 1, maxLength: 3 })),
  selectPolicy: opt(fc.constantFrom('Max', 'Min', 'Disabled')),
});
const boundsRaw = opt(fc.record({ cpu: opt(fc.nat()), memory: opt(fc.nat()) }));

const scalingRaw = fc.record({
  backend: fc.constantFrom(undefined, 'prometheus-adapter', 'keda'),
  keda: fc.record({ serverAddress: fc.nat(2), pollingInterval: opt(int(1, 3600)), cooldownPeriod: opt(int(0, 86_400)) }),
  pinned: fc.boolean(),
  minReplicas: int(1, 30),
  extraReplicas: fc.nat(50),
  signals: opt(
    fc.record({
      names: fc.subarray([...SIGNAL_NAMES], { minLength: 1 }),
      cpu: fc.nat(),
      memory: fc.nat(),
      gpu: int(1, 100_000),
      requestRate: int(1, 1_000_000),
      latencyP95: int(1, 60_000),
      queueDepth: int(1, 100_000),
      // vLLM's KV-cache usage, in thousandths of the cache (only drawn with the vllm preset).
      kvCacheUsage: opt(int(1, 1000)),
    }),
  ),
  behavior: opt(fc.record({ scaleUp: opt(rulesRaw), scaleDown: opt(rulesRaw) })),
  vpa: fc.oneof(
    fc.constant(undefined),
    fc.constant(false as const),
    fc.record({ acting: fc.boolean(), mode: fc.nat(), resources: fc.subarray(['cpu', 'memory'] as const), minAllowed: boundsRaw, maxAllowed: boundsRaw }),
  ),
});

const monitoringRaw = fc.oneof(
  fc.constant(undefined),
  fc.constant(false as const),
  fc.record({
    operatorSelectorLabels: opt(labelMap(2)),
    scrapeInterval: opt(int(1, 300)),
    scrapeTimeout: opt(fc.nat()),
    evaluationInterval: opt(int(1, 300)),
    runbookBaseUrl: opt(fc.webUrl({ withFragments: false }).filter((u) => !/[\s#]/.test(u) && clean(u))),
    alerts: opt(fc.array(fc.record({ name: fc.constantFrom(...ALERT_NAMES), enabled: opt(fc.boolean()), forSeconds: opt(int(0, 3600)) }), { maxLength: 4 })),
    dashboard: fc.oneof(
      fc.constant(undefined),
      fc.constant(false as const),
      fc.record({ sidecarLabel: opt(fc.record({ key: labelKeyArb, value: labelValueArb })), folder: opt(text(40)), namespace: opt(dnsLabel) }),
    ),
  }),
);

const configRaw = fc.record({
  performance: opt(
    fc.record(
      { maxBatchSize: int(1, 1024), batchTimeoutMs: int(0, 10_000), workers: int(1, 64), connectionPoolSize: int(1, 1000) },
      { requiredKeys: [] },
    ),
  ),
  caching: opt(fc.record({ enabled: fc.boolean(), backend: opt(fc.constantFrom('redis', 'memory')), ttl: opt(int(1, 86_400)), maxSizeMib: opt(int(1, 16_384)) })),
  rateLimiting: opt(fc.record({ enabled: fc.boolean(), requestsPerSecond: opt(int(1, 100_000)), burst: opt(int(1, 100_000)) })),
  features: opt(fc.dictionary(matching(/^[A-Za-z][A-Za-z0-9_]{0,15}$/), fc.boolean(), { maxKeys: 3 })),
  extra: opt(fc.dictionary(envName, text(40), { maxKeys: 3 })),
});

/** Every independent choice of one spec. */
const specRaw = fc.record({
  style: fc.nat(1000),
  release: releaseArb,
  namespace: namespaceArb,
  image: imageArb,
  createNamespace: opt(fc.boolean()),
  partOf: opt(labelValueArb),
  imagePullPolicy: opt(fc.constantFrom('IfNotPresent', 'Always')),
  model: fc.record({ name: text(30), version: opt(text(20)), loadTime: opt(fc.record({ seconds: int(1, 3600), millisShort: fc.nat(999) })) }),
  resources: fc.record({
    cpuRequestMillis: int(1, 16_000),
    cpuExtraMillis: fc.nat(16_000),
    memoryRequestMib: int(64, 65_536),
    memoryExtraMib: fc.nat(65_536),
    gpu: opt(fc.record({ count: int(0, 8), withRequest: fc.boolean(), resourceName: opt(fc.constantFrom('nvidia.com/gpu', 'amd.com/gpu', 'gpu.intel.com/i915')) })),
    nodeAllocatableExtraMib: opt(int(1, 16_384)),
  }),
  replicas: opt(int(1, 20)),
  scaling: opt(scalingRaw),
  scheduling: opt(
    fc.record(
      {
        nodeLabels: labelMap(3),
        tolerateTaints: fc.array(labelKeyArb, { maxLength: 2 }),
        hostAntiAffinity: fc.constantFrom('required', 'preferred', 'none'),
        zoneSpread: fc.constantFrom('DoNotSchedule', 'ScheduleAnyway', 'none'),
        priorityClassName: dnsSubdomain,
      },
      { requiredKeys: [] },
    ),
  ),
  probes: opt(
    fc.record({
      path: opt(httpPath),
      livenessPath: opt(httpPath),
      readinessPath: opt(httpPath),
      liveness: opt(timingRaw),
      readiness: opt(timingRaw),
      startupBudget: opt(fc.nat()),
      startupPeriod: opt(fc.nat()),
    }),
  ),
  ports: opt(fc.record({ http: int(1, 65_535), metrics: int(1, 65_535), which: fc.nat(2) })),
  storage: opt(
    fc.record({ models: opt(claimRaw), data: opt(claimRaw), cacheMib: opt(int(1, 65_536)), tmpMib: opt(int(1, 65_536)), sharedMemory: opt(fc.nat()) }),
  ),
  config: opt(configRaw),
  secretEnv: opt(
    fc.uniqueArray(fc.record({ name: envName, secretName: dnsSubdomain, key: dataKey, optional: opt(fc.boolean()) }), { selector: (s) => s.name, maxLength: 4 }),
  ),
  shutdown: opt(fc.record({ grace: opt(int(2, 86_400)), preStop: opt(fc.nat()) })),
  identity: opt(
    fc.record(
      {
        runAsUser: fc.oneof(int(1, 65_535), fc.constant(2 ** 31 - 1)),
        runAsGroup: fc.oneof(int(0, 65_535), fc.constant(2 ** 31 - 1)),
        fsGroup: fc.oneof(int(0, 65_535), fc.constant(2 ** 31 - 1)),
      },
      { requiredKeys: [] },
    ),
  ),
  disruption: fc.oneof(
    fc.constant(undefined),
    fc.record({ minAvailable: fc.nat(), policy: opt(fc.constantFrom('AlwaysAllow', 'IfHealthyBudget')) }),
    fc.record({ maxUnavailable: opt(fc.nat()), policy: opt(fc.constantFrom('AlwaysAllow', 'IfHealthyBudget')) }),
  ),
  networkPolicy: networkPolicyRaw,
  slo: fc.record({
    availabilityHundredths: int(9000, 9999),
    latencyP95Ms: fc.nat(),
    latencyP99ExtraMs: fc.nat(60_000),
    errorRateHundredths: int(1, 499),
    throughputShare: fc.double({ min: 0, max: 1, noNaN: true }),
    periodDays: opt(int(3, 90)),
    // Indexes into vLLM's bucket bounds: the LLM objectives exist only with the vllm preset.
    ttftBucket: opt(fc.nat(VLLM_TOKEN_HISTOGRAMS.timeToFirstToken.buckets.length - 1)),
    itlBucket: opt(fc.nat(VLLM_TOKEN_HISTOGRAMS.interTokenLatency.buckets.length - 1)),
  }),
  metrics: opt(
    fc.record({
      preset: opt(fc.constantFrom('generic', 'vllm')),
      dcgm: opt(fc.record({ utilizationMetric: metricName, memoryUsedMetric: metricName, podLabel: promLabelName, namespaceLabel: promLabelName }, { requiredKeys: [] })),
    }),
  ),
  monitoring: monitoringRaw,
  traffic: opt(fc.record({ loadBalancer: opt(loadBalancerRaw), headless: opt(fc.boolean()), internal: opt(fc.boolean()) })),
});

type Raw = typeof specRaw extends fc.Arbitrary<infer T> ? T : never;

// ---- building a spec from raw choices ----------------------------------------------------

const SEED_SIGNALS_SHAPE: Json = {
  cpu: { type: 'Utilization', averageUtilization: 70 },
  memory: { type: 'Utilization', averageUtilization: 75 },
  gpu: { type: 'AverageValue', averageValue: 70 },
  requestRate: { type: 'AverageValue', averageValue: 50 },
  latencyP95: { type: 'Value', value: 1.5 },
  queueDepth: { type: 'AverageValue', averageValue: 10 },
};
const BURN_RATE_ALERTS = new Set<string>(ALERT_CATALOGUE.filter((a) => a.threshold.kind === 'burn-rate').map((a) => a.name));
const ACTING_MODES = ['Initial', 'Recreate', 'InPlaceOrRecreate', 'InPlace', 'Auto'] as const;
const KEDA_SERVERS = ['http://kube-prometheus-stack-prometheus.monitoring.svc:9090', 'https://prometheus.example.com/prom', 'http://10.0.0.1:9090'];

/** Derives one valid spec from raw choices. */
export function buildSpec(r: Raw): AiInferenceSpec {
  let salt = 0;
  const style = () => r.style + salt++;
  const dur = (s: number) => durationOf(s, style());
  const spec: Json = { release: r.release, namespace: r.namespace, image: r.image };
  put(spec, 'createNamespace', r.createNamespace);
  put(spec, 'partOf', r.partOf);
  put(spec, 'imagePullPolicy', r.imagePullPolicy);

  // Model: a load time of whole seconds, or a few milliseconds short of them.
  const model = put({ name: r.model.name }, 'version', r.model.version);
  let loadSeconds: number | undefined;
  if (r.model.loadTime) {
    loadSeconds = r.model.loadTime.seconds;
    model.loadTime = style() % 2 === 0 ? dur(loadSeconds) : Duration.millis(loadSeconds * 1000 - within(r.model.loadTime.millisShort, 0, 999));
  }
  spec.model = model;

  // Resources: request <= limit; node allocatable memory above the limit.
  const res = r.resources;
  const cpuLimitMillis = res.cpuRequestMillis + res.cpuExtraMillis;
  const memoryLimitMib = res.memoryRequestMib + res.memoryExtraMib;
  const resources: Json = {
    cpu: { request: cpuOf(res.cpuRequestMillis, style()), limit: cpuOf(cpuLimitMillis, style()) },
    memory: { request: sizeOf(res.memoryRequestMib, style()), limit: sizeOf(memoryLimitMib, style()) },
  };
  let gpuCount = 1;
  if (res.gpu) {
    gpuCount = res.gpu.count;
    resources.gpu = put({ count: gpuCount }, 'resourceName', res.gpu.resourceName);
  }
  if (res.nodeAllocatableExtraMib !== undefined) resources.nodeAllocatableMemory = Size.mebibytes(memoryLimitMib + res.nodeAllocatableExtraMib);
  spec.resources = resources;
  // The highest reachable utilization target, computed as validateSpec does.
  const ceiling = {
    cpu: (cpuCores(resources.cpu.limit.amount) / cpuCores(resources.cpu.request.amount)) * 100,
    memory: (sizeKibibytes(resources.memory.limit) / sizeKibibytes(resources.memory.request)) * 100,
  };

  // Replicas, or an autoscaler (never both). The floor bounds the disruption budget.
  let floor: number;
  let maxReplicas: number;
  let effectiveSignals: Json = {};
  const sc = r.scaling;
  if (sc) {
    const scaling: Json = put({}, 'backend', sc.backend);
    if (sc.backend === 'keda') {
      const keda: Json = { serverAddress: KEDA_SERVERS[sc.keda.serverAddress % KEDA_SERVERS.length] };
      if (sc.keda.pollingInterval !== undefined) keda.pollingInterval = dur(sc.keda.pollingInterval);
      if (sc.keda.cooldownPeriod !== undefined) keda.cooldownPeriod = dur(sc.keda.cooldownPeriod);
      scaling.keda = keda;
    }
    floor = sc.minReplicas;
    maxReplicas = sc.pinned ? floor : floor + sc.extraReplicas;
    if (sc.pinned) scaling.pinnedReplicas = floor;
    else Object.assign(scaling, { minReplicas: floor, maxReplicas });
    if (sc.signals) {
      // The GPU signal needs a GPU.
      let names: string[] = sc.signals.names.filter((n) => n !== 'gpu' || gpuCount > 0);
      if (names.length === 0) names = ['queueDepth'];
      const s: Json = {};
      for (const name of names) {
        if (name === 'cpu' || name === 'memory') {
          s[name] = { type: 'Utilization', averageUtilization: within(sc.signals[name], 1, Math.floor(Math.min(ceiling[name], 1000))) };
        } else if (name === 'latencyP95') {
          s.latencyP95 = { type: 'Value', value: sc.signals.latencyP95 / 1000 };
        } else {
          s[name] = { type: 'AverageValue', averageValue: sc.signals[name as 'gpu' | 'requestRate' | 'queueDepth'] / 1000 };
        }
      }
      if (r.metrics?.preset === 'vllm' && sc.signals.kvCacheUsage !== undefined) {
        s.kvCacheUsage = { type: 'AverageValue', averageValue: sc.signals.kvCacheUsage / 1000 };
      }
      scaling.signals = s;
    } else if (gpuCount === 0) {
      // The seed signals scale on the GPU: they need one.
      gpuCount = resources.gpu.count = 1;
    }
    effectiveSignals = scaling.signals ?? SEED_SIGNALS_SHAPE;
    if (sc.behavior) {
      const behavior: Json = {};
      for (const dir of ['scaleUp', 'scaleDown'] as const) {
        const rules = sc.behavior[dir];
        if (rules) behavior[dir] = Object.fromEntries(Object.entries(rules).filter(([, v]) => v !== undefined));
      }
      scaling.behavior = behavior;
    }
    if (sc.vpa !== undefined) scaling.vpa = sc.vpa === false ? false : buildVpa(sc.vpa, res.cpuRequestMillis, res.memoryRequestMib, effectiveSignals, style);
    spec.scaling = scaling;
  } else {
    put(spec, 'replicas', r.replicas);
    floor = maxReplicas = r.replicas ?? 3;
  }
  if (res.gpu?.withRequest) resources.gpu.request = resources.gpu.count;

  put(spec, 'scheduling', r.scheduling);
  put(spec, 'probes', buildProbes(r.probes, loadSeconds === undefined ? undefined : Math.ceil(model.loadTime.toMilliseconds() / 1000), dur));

  if (r.ports) {
    const http = r.ports.http;
    const metrics = r.ports.metrics === http ? (http % 65_535) + 1 : r.ports.metrics;
    // A port given alone must differ from the other's default (http 8000, metrics 9090).
    const both = r.ports.which === 0 || (r.ports.which === 1 && http === 9090) || (r.ports.which === 2 && metrics === 8000);
    spec.ports = both ? { http, metrics } : r.ports.which === 1 ? { http } : { metrics };
  }

  // Storage: single-node access modes only with a single replica; /dev/shm below the memory limit.
  if (r.storage) {
    const multiReplica = sc !== undefined || floor > 1;
    const modes = multiReplica ? ['ReadOnlyMany', 'ReadWriteMany'] : ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
    const storage: Json = {};
    for (const vol of ['models', 'data'] as const) {
      const c = r.storage[vol];
      if (!c) continue;
      if ('existingClaim' in c) storage[vol] = put({ existingClaim: c.existingClaim }, 'readOnly', c.readOnly);
      else {
        const claim = put({ size: sizeOf(c.sizeGi * 1024, style()) }, 'storageClassName', c.storageClassName);
        if (c.accessMode !== undefined) claim.accessMode = modes[c.accessMode % modes.length];
        storage[vol] = put(claim, 'readOnly', c.readOnly);
      }
    }
    if (r.storage.cacheMib !== undefined) storage.cacheSizeLimit = sizeOf(r.storage.cacheMib, style());
    if (r.storage.tmpMib !== undefined) storage.tmpSizeLimit = sizeOf(r.storage.tmpMib, style());
    if (r.storage.sharedMemory !== undefined && memoryLimitMib > 1) storage.sharedMemorySizeLimit = Size.mebibytes(within(r.storage.sharedMemory, 1, memoryLimitMib - 1));
    spec.storage = storage;
  }

  const secretNames = new Set((r.secretEnv ?? []).map((s) => s.name));
  if (r.secretEnv) spec.secretEnv = r.secretEnv.map((s) => put({ name: s.name, secretName: s.secretName, key: s.key }, 'optional', s.optional));
  if (r.config) spec.config = buildConfig(r.config, secretNames);

  // Shutdown: grace above preStop. Without a grace the chart derives it from the drain:
  // preStop (2 min by default) + 30 s longest request + 10 s margin.
  const derivedGrace = (sleep: number | undefined) => (sleep ?? 120) + 40;
  let graceSeconds = derivedGrace(undefined);
  if (r.shutdown) {
    const { grace, preStop } = r.shutdown;
    const bound = grace ?? 60;
    const sleep = preStop !== undefined ? within(preStop, 1, bound - 1) : grace !== undefined && grace <= 15 ? bound - 1 : undefined;
    graceSeconds = grace ?? derivedGrace(sleep);
    const shutdown: Json = {};
    if (grace !== undefined) shutdown.gracePeriod = dur(grace);
    if (sleep !== undefined) shutdown.preStopSleep = dur(sleep);
    spec.shutdown = shutdown;
  }
  put(spec, 'identity', r.identity);

  // Disruption: minAvailable below the replica floor.
  const d = r.disruption;
  if (d) {
    const disruption: Json = 'minAvailable' in d ? { minAvailable: within(d.minAvailable, 0, floor - 1) } : d.maxUnavailable !== undefined ? { maxUnavailable: within(d.maxUnavailable, 1, floor + 2) } : {};
    spec.disruption = put(disruption, 'unhealthyPodEvictionPolicy', d.policy);
  }
  // With an NLB, the default-deny policy must be told the NLB's subnets (its health checks
  // come from them); without one, naming subnets is refused.
  const hasLoadBalancer = r.traffic?.loadBalancer !== undefined;
  if (r.networkPolicy === false) spec.networkPolicy = false;
  else if (r.networkPolicy !== undefined) spec.networkPolicy = buildNetworkPolicy(r.networkPolicy, hasLoadBalancer);
  else if (hasLoadBalancer) spec.networkPolicy = { loadBalancerSubnets: ['10.0.0.0/24', '10.0.1.0/24'] };

  // SLO: availability 90-99.99 %, p99 >= p95; the p95 objective above any p95 target; the
  // throughput within what maxReplicas pods serve at the request-rate target.
  const latencyTarget: number | undefined = effectiveSignals.latencyP95?.value;
  const p95Ms = within(r.slo.latencyP95Ms, latencyTarget !== undefined ? Math.round(latencyTarget * 1000) + 1 : 10, 120_000);
  const perPod: number | undefined = effectiveSignals.requestRate?.averageValue;
  const throughputMax = perPod !== undefined ? perPod * maxReplicas : 1e6;
  const availability = r.slo.availabilityHundredths / 100;
  const slo: Json = {
    availability,
    latencyP95: Duration.millis(p95Ms),
    latencyP99: Duration.millis(p95Ms + r.slo.latencyP99ExtraMs),
    errorRate: r.slo.errorRateHundredths / 100, // InferenceErrorRateHigh (5 %) must stay above it
    throughputRps: Math.min(throughputMax, Math.max(0.001, Math.floor(r.slo.throughputShare * throughputMax * 1000) / 1000)),
  };
  if (r.slo.periodDays !== undefined) slo.period = style() % 2 === 0 ? Duration.days(r.slo.periodDays) : Duration.hours(24 * r.slo.periodDays);
  if (r.metrics?.preset === 'vllm') {
    const bound = (seconds: number) => Duration.millis(Math.round(seconds * 1000));
    if (r.slo.ttftBucket !== undefined) slo.timeToFirstTokenP95 = bound(VLLM_TOKEN_HISTOGRAMS.timeToFirstToken.buckets[r.slo.ttftBucket]);
    if (r.slo.itlBucket !== undefined) slo.interTokenLatencyP95 = bound(VLLM_TOKEN_HISTOGRAMS.interTokenLatency.buckets[r.slo.itlBucket]);
  }
  spec.slo = slo;

  if (r.metrics) {
    const metrics = put({}, 'preset', r.metrics.preset);
    spec.metrics = put(metrics, 'dcgm', r.metrics.dcgm);
  }
  const monitoring = buildMonitoring(r.monitoring, availability, dur);
  if (monitoring !== undefined) spec.monitoring = monitoring;

  // Traffic: the internal Service may go only without monitoring and without the p95 signal.
  if (r.traffic) {
    const traffic: Json = {};
    if (r.traffic.loadBalancer) traffic.loadBalancer = buildLoadBalancer(r.traffic.loadBalancer, graceSeconds, dur);
    put(traffic, 'headless', r.traffic.headless);
    const mayDropInternal = spec.monitoring === false && effectiveSignals.latencyP95 === undefined;
    put(traffic, 'internal', r.traffic.internal === false && !mayDropInternal ? undefined : r.traffic.internal);
    spec.traffic = traffic;
  }
  return withPrinter(spec as AiInferenceSpec);
}

type Dur = (s: number) => Duration;
type RawOf<K extends keyof Raw> = NonNullable<Raw[K]>;

function buildProbes(p: Raw['probes'], loadSeconds: number | undefined, dur: Dur): Json | undefined {
  // The startup budget (300 s by default) must cover the model load time.
  if (!p) return loadSeconds !== undefined && loadSeconds > 300 ? { startupBudget: dur(loadSeconds) } : undefined;
  const probes: Json = {};
  put(probes, 'path', p.path);
  put(probes, 'livenessPath', p.livenessPath);
  put(probes, 'readinessPath', p.readinessPath);
  for (const [kind, defaultPeriod] of [['liveness', 30], ['readiness', 10]] as const) {
    const t = p[kind];
    if (!t) continue;
    // timeout < period; the default timeout (5 s) must stay below a period given alone.
    const period = t.period ?? defaultPeriod;
    const timeout = t.timeout !== undefined ? within(t.timeout, 1, period - 1) : period <= 5 ? period - 1 : undefined;
    const timing: Json = {};
    if (t.period !== undefined) timing.period = dur(t.period);
    if (timeout !== undefined) timing.timeout = dur(timeout);
    probes[kind] = put(timing, 'failureThreshold', t.failureThreshold);
  }
  const minBudget = Math.max(loadSeconds ?? 1, 10);
  const budget = p.startupBudget !== undefined ? within(p.startupBudget, minBudget, 86_400) : loadSeconds !== undefined && loadSeconds > 300 ? loadSeconds : undefined;
  if (budget !== undefined) probes.startupBudget = dur(budget);
  if (p.startupPeriod !== undefined) probes.startupPeriod = dur(within(p.startupPeriod, 1, Math.min(3600, budget ?? 300)));
  return probes;
}

function buildConfig(c: RawOf<'config'>, secretNames: ReadonlySet<string>): Json {
  const config: Json = {};
  if (c.performance) {
    const { batchTimeoutMs, ...rest } = c.performance;
    config.performance = { ...rest };
    if (batchTimeoutMs !== undefined) config.performance.batchTimeout = Duration.millis(batchTimeoutMs);
  }
  if (c.caching) {
    const caching = put({ enabled: c.caching.enabled }, 'backend', c.caching.backend);
    if (c.caching.ttl !== undefined) caching.ttl = Duration.seconds(c.caching.ttl);
    if (c.caching.maxSizeMib !== undefined) caching.maxSize = Size.mebibytes(c.caching.maxSizeMib);
    config.caching = caching;
  }
  if (c.rateLimiting) config.rateLimiting = Object.fromEntries(Object.entries(c.rateLimiting).filter(([, v]) => v !== undefined));
  put(config, 'features', c.features);
  if (c.extra) {
    // Plain settings: not a generated key, not a secretEnv variable, nothing like a credential.
    config.extra = Object.fromEntries(
      Object.entries(c.extra).filter(([k, v]) => !(APP_CONFIG_KEYS as readonly string[]).includes(k) && !secretNames.has(k) && !credentialFinding(k, v)),
    );
  }
  return config;
}

function buildVpa(v: Exclude<RawOf<'scaling'>['vpa'], false | undefined>, cpuRequestMillis: number, memoryRequestMib: number, signals: Json, style: () => number): Json {
  const vpa: Json = {};
  // An acting mode may not control a resource the HPA scales on.
  const free = (['cpu', 'memory'] as const).filter((r) => signals[r] === undefined);
  if (v.acting && free.length > 0) {
    vpa.updateMode = ACTING_MODES[v.mode % ACTING_MODES.length];
    const controlled = v.resources.filter((r) => free.includes(r));
    vpa.controlledResources = controlled.length > 0 ? controlled : [free[0]];
  } else {
    if (v.mode % 2 === 1) vpa.updateMode = 'Off';
    if (v.resources.length > 0) vpa.controlledResources = [...v.resources];
  }
  // The bounds contain the Deployment's requests.
  for (const side of ['minAllowed', 'maxAllowed'] as const) {
    const b = v[side];
    if (!b) continue;
    const bounds: Json = {};
    if (b.cpu !== undefined) bounds.cpu = cpuOf(side === 'minAllowed' ? within(b.cpu, 1, cpuRequestMillis) : cpuRequestMillis + (b.cpu % 64_000), style());
    if (b.memory !== undefined) bounds.memory = Size.mebibytes(side === 'minAllowed' ? within(b.memory, 1, memoryRequestMib) : memoryRequestMib + (b.memory % 65_536));
    vpa[side] = bounds;
  }
  return vpa;
}

function buildNetworkPolicy(n: Exclude<Raw['networkPolicy'], false | undefined>, hasLoadBalancer: boolean): Json {
  const np: Json = {};
  if (hasLoadBalancer) np.loadBalancerSubnets = n.loadBalancerSubnets;
  put(np, 'vpcCidr', n.vpcCidr);
  if (n.webApp) np.webApp = put({ podLabels: n.webApp.podLabels }, 'namespace', n.webApp.namespace);
  put(np, 'monitoringNamespace', n.monitoringNamespace);
  if (n.databases) {
    const dbs: Json = {};
    for (const [db, peer] of Object.entries(n.databases)) {
      if (peer) dbs[db] = Object.fromEntries(Object.entries(peer).filter(([, v]) => v !== undefined));
    }
    np.databases = dbs;
  }
  put(np, 'httpsEgress', n.httpsEgress);
  return np;
}

function buildMonitoring(m: Raw['monitoring'], availability: number, dur: Dur): Json | false | undefined {
  if (m === false) return false;
  const monitoring: Json = {};
  if (m) {
    put(monitoring, 'operatorSelectorLabels', m.operatorSelectorLabels);
    if (m.scrapeInterval !== undefined) monitoring.scrapeInterval = dur(m.scrapeInterval);
    // The timeout may not exceed the interval (30 s by default); the default timeout is 10 s.
    const interval = m.scrapeInterval ?? 30;
    if (m.scrapeTimeout !== undefined || interval < 10) monitoring.scrapeTimeout = dur(within(m.scrapeTimeout ?? 0, 1, interval));
    if (m.evaluationInterval !== undefined) monitoring.evaluationInterval = dur(m.evaluationInterval);
    put(monitoring, 'runbookBaseUrl', m.runbookBaseUrl);
    if (m.alerts) {
      const alerts: Json = {};
      for (const a of m.alerts) {
        const o = put({}, 'enabled', a.enabled);
        if (a.forSeconds !== undefined && !BURN_RATE_ALERTS.has(a.name)) o.for = dur(a.forSeconds);
        alerts[a.name] = o;
      }
      monitoring.alerts = alerts;
    }
    if (m.dashboard === false) monitoring.dashboard = false;
    else if (m.dashboard) {
      const dashboard: Json = {};
      put(dashboard, 'sidecarLabel', m.dashboard.sidecarLabel);
      put(dashboard, 'folder', m.dashboard.folder);
      monitoring.dashboard = put(dashboard, 'namespace', m.dashboard.namespace);
    }
  }
  // A burn threshold above 100 % can never fire and is refused: below ~93.06 % availability
  // the 14.4x tier is turned off.
  const budget = errorBudget(availability);
  for (const tier of BURN_RATE_TIERS) {
    if (tier.burnRate * budget >= 1) monitoring.alerts = { ...monitoring.alerts, [tier.alert]: { ...monitoring.alerts?.[tier.alert], enabled: false } };
  }
  return m === undefined && Object.keys(monitoring).length === 0 ? undefined : monitoring;
}

function buildLoadBalancer(l: NonNullable<RawOf<'traffic'>['loadBalancer']>, graceSeconds: number, dur: Dur): Json {
  const lb: Json = { scheme: l.scheme };
  let listenerPorts = [80, 443];
  if (l.ports) {
    lb.ports = l.ports.names.map((name, i) => put({ name, port: l.ports!.numbers[i] }, 'targetPort', l.ports!.targetPort[i] ? 'http' : undefined));
    listenerPorts = lb.ports.map((p: Json) => p.port);
  }
  if (l.tls) {
    lb.certificateArns = l.tls.certificateArns;
    // TLS ports are listener ports; the default [443] must then be one.
    if (l.tls.tlsPorts || !listenerPorts.includes(443)) lb.tlsPorts = [...new Set((l.tls.tlsPorts ?? [0]).map((i) => listenerPorts[i % listenerPorts.length]))];
    put(lb, 'sslPolicy', l.tls.sslPolicy);
  }
  if (l.healthCheck) {
    const h = l.healthCheck;
    const hc = put({}, 'protocol', h.protocol);
    if (h.protocol !== 'tcp') put(hc, 'path', h.path);
    put(hc, 'port', h.port);
    if (h.interval !== undefined) hc.interval = dur(h.interval);
    if (h.timeout !== undefined) hc.timeout = dur(within(h.timeout, 2, Math.min(120, h.interval ?? 10)));
    put(hc, 'healthyThreshold', h.healthyThreshold);
    put(hc, 'unhealthyThreshold', h.unhealthyThreshold);
    lb.healthCheck = put(hc, 'successCodes', h.successCodes);
  }
  put(lb, 'crossZone', l.crossZone);
  put(lb, 'stickiness', l.stickiness);
  // The NLB must finish draining (60 s by default) before the kubelet kills the pod.
  if (l.deregistrationDelay !== undefined || graceSeconds < 60) lb.deregistrationDelay = dur(within(l.deregistrationDelay ?? graceSeconds, 0, Math.min(3600, graceSeconds)));
  put(lb, 'preserveClientIp', l.preserveClientIp);
  // The idle timeout applies to TCP listeners only (AWS fixes TLS listeners at 350 s).
  const tlsPorts: number[] = lb.certificateArns ? (lb.tlsPorts ?? [443]) : [];
  if (l.idleTimeout !== undefined && listenerPorts.some((port) => !tlsPorts.includes(port))) lb.idleTimeout = dur(l.idleTimeout);
  if (l.accessLogs) lb.accessLogs = put({ bucket: l.accessLogs.bucket }, 'prefix', l.accessLogs.prefix);
  // Source ranges are enforced only with client IP preservation.
  if (l.preserveClientIp !== false) put(lb, 'sourceRanges', l.sourceRanges);
  put(lb, 'extraAnnotations', l.extraAnnotations);
  return lb;
}

/** One valid spec. */
export const validSpecArb: fc.Arbitrary<AiInferenceSpec> = specRaw.map(buildSpec);

// ---- printing -------------------------------------------------------------------------

/** A value as a user would read it: Durations, Sizes and CPU amounts by their value. */
export function describeSpec(value: unknown): string {
  const show = (v: unknown): string => {
    if (v instanceof Duration) {
      const ms = v.toMilliseconds({ integral: false });
      return `Duration(${Number.isFinite(ms) ? `${ms}ms` : String(ms)})`;
    }
    if (v instanceof Size) return `Size(${v.asString()})`;
    if (v instanceof Cpu) return `Cpu(${v.amount})`;
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    if (typeof v === 'string') return JSON.stringify(v);
    if (v === undefined) return 'undefined';
    if (v === null || typeof v !== 'object') return String(v);
    if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
    return `{ ${Object.keys(v)
      .map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${show((v as Json)[k])}`)
      .join(', ')} }`;
  };
  return show(value);
}

/** Makes fast-check print the spec with describeSpec in counterexamples. */
export function withPrinter<T extends object>(spec: T): T {
  Object.defineProperty(spec, fc.toStringMethod, { value: () => describeSpec(spec), enumerable: false, configurable: true });
  return spec;
}
