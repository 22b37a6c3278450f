import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { AiInferenceChart, InferenceValidationError, validateSpec } from '../../src';
import { eksNlbSpec } from '../../examples/eks-nlb/spec';

// The seed spec, loosened to `any` the way a spec read from JSON or YAML arrives.
const seed: any = eksNlbSpec;
const lb = seed.traffic.loadBalancer;

/** The problems of the seed spec with `changes` applied on top. */
function problems(changes: Record<string, unknown>): string[] {
  return validateSpec({ ...seed, ...changes });
}

/** The one problem of a change (fails when there are several or none). */
function problem(changes: Record<string, unknown>): string {
  const found = problems(changes);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('the spec as the one validated root', () => {
  it('accepts the seed spec as is', () => {
    expect(validateSpec(seed)).toEqual([]);
  });

  describe('names unknown keys and suggests the nearest field', () => {
    it.each(([
      [{ traffic: { loadbalancer: lb } }, 'traffic.loadbalancer is not a field; did you mean traffic.loadBalancer?'],
      [{ scaling: { ...seed.scaling, behaviour: {} } }, 'scaling.behaviour is not a field; did you mean scaling.behavior?'],
      [{ scaling: { ...seed.scaling, signal: {} } }, 'scaling.signal is not a field; did you mean scaling.signals?'],
      [{ scaling: { ...seed.scaling, vpa: { minAllow: {} } } }, 'scaling.vpa.minAllow is not a field; did you mean scaling.vpa.minAllowed?'],
      [{ monitoring: { scrapeIntervall: Duration.seconds(30) } }, 'monitoring.scrapeIntervall is not a field; did you mean monitoring.scrapeInterval?'],
      [{ disruption: { minAvailible: 2 } }, 'disruption.minAvailible is not a field; did you mean disruption.minAvailable?'],
      [{ replica: 3 }, 'replica is not a field; did you mean replicas?'],
    ] as [Record<string, unknown>, string][]).map(([changes, message]) => [message, changes] as const))('reports: %s', (message, changes) => {
      expect(problem(changes)).toBe(message);
    });

    it('lists the known fields when no name is close', () => {
      expect(problem({ disruption: { zzzzzz: 1 } })).toBe(
        'disruption.zzzzzz is not a field; known fields of disruption: minAvailable, maxUnavailable, unhealthyPodEvictionPolicy',
      );
    });
  });

  describe('refuses wrong types in every section', () => {
    it.each(([
      [{ config: 7 }, 'config (7) must be an object, not a number; fix the type'],
      [{ traffic: 'oops' }, 'traffic ("oops") must be an object, not a string; fix the type'],
      [{ networkPolicy: [] }, 'networkPolicy (an empty list) must be false or an object; fix the value'],
      [{ monitoring: null }, 'monitoring (null) must be false or an object; fix the value'],
      [{ resources: undefined }, 'resources (not set) is required; add it'],
      [{ release: null }, 'release (null) must be a string, not null; give a value (an optional field may be left out)'],
    ] as [Record<string, unknown>, string][]).map(([changes, message]) => [message, changes] as const))('reports: %s', (message, changes) => {
      expect(problem(changes)).toBe(message);
    });
  });

  describe('makes the backend a choice with named options', () => {
    it('refuses an unknown backend instead of emitting no autoscaler', () => {
      expect(problem({ scaling: { ...seed.scaling, backend: 'hpa' } })).toBe(
        'scaling.backend ("hpa") must be one of "prometheus-adapter", "keda"; pick one',
      );
    });

    it('suggests the backend a wrong case meant', () => {
      expect(problem({ scaling: { ...seed.scaling, backend: 'KEDA' } })).toBe(
        'scaling.backend ("KEDA") must be one of "prometheus-adapter", "keda"; did you mean "keda"?',
      );
    });

    it('requires the KEDA server with the keda backend', () => {
      expect(problem({ scaling: { ...seed.scaling, backend: 'keda' } })).toBe('scaling.keda (not set) is required; add it');
    });

    it('refuses pinned replicas next to a range', () => {
      expect(problems({ scaling: { ...seed.scaling, pinnedReplicas: 5 } })).toEqual([
        'scaling.minReplicas (3) cannot be set with scaling.pinnedReplicas, which sets minReplicas = maxReplicas itself; remove one of them',
        'scaling.maxReplicas (20) cannot be set with scaling.pinnedReplicas, which sets minReplicas = maxReplicas itself; remove one of them',
      ]);
    });
  });

  describe('refuses NaN and Infinity with the field path, never crashing inside cdk8s', () => {
    it.each(([
      [{ probes: { ...seed.probes, startupBudget: Duration.seconds(NaN) } }, 'probes.startupBudget (a duration of NaN) must be a finite cdk8s Duration'],
      [{ storage: { ...seed.storage, tmpSizeLimit: Size.gibibytes(NaN) } }, 'storage.tmpSizeLimit (a size of NaN) must be a finite cdk8s Size above 0'],
      [{ storage: { ...seed.storage, tmpSizeLimit: Size.gibibytes(Infinity) } }, 'storage.tmpSizeLimit (a size of NaN) must be a finite cdk8s Size above 0'],
      [
        { resources: { ...seed.resources, cpu: { request: Cpu.units(NaN), limit: Cpu.units(4) } } },
        'resources.cpu.request (CPU "NaN") must be a CPU amount of at least 1 millicore',
      ],
      [{ probes: { ...seed.probes, liveness: { failureThreshold: Infinity } } }, 'probes.liveness.failureThreshold (Infinity) must be a finite whole number'],
      [{ probes: { ...seed.probes, liveness: { failureThreshold: NaN } } }, 'probes.liveness.failureThreshold (NaN) must be a number, not NaN; give a real value'],
      [{ slo: { ...seed.slo, throughputRps: Infinity } }, 'slo.throughputRps (Infinity) must be a finite number of requests per second'],
    ] as [Record<string, unknown>, string][]).map(([changes, start]) => [start, changes] as const))('reports: %s', (start, changes) => {
      expect(problem(changes)).toMatch(new RegExp(`^${start.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    });
  });

  describe('refuses values Kubernetes refuses at apply', () => {
    it.each(([
      [{ scaling: { ...seed.scaling, maxReplicas: 1e12 } }, 'scaling.maxReplicas (1000000000000) must be within 1-10000 (most replicas); pick a value in range'],
      [{ identity: { runAsUser: 2 ** 31 } }, 'identity.runAsUser (2147483648) must fit a 32-bit integer (at most 2147483647); lower it'],
      [
        { probes: { ...seed.probes, liveness: { period: Duration.seconds(0) } } },
        'probes.liveness.period (0s) must be a whole number of seconds within 1-3600 s (probe period); pick a value in range',
      ],
      [
        { release: '1abc' },
        'release ("1abc") must be an RFC 1035 label (lower-case letters, digits and "-", starting with a letter, ending with a letter or digit: the rule for Service names); rename it',
      ],
      [
        { partOf: 'Not A Label!' },
        'partOf ("Not A Label!") must be a Kubernetes label value (letters, digits, "-", "_", ".", starting and ending with a letter or digit); fix the value',
      ],
      [{ networkPolicy: { ...seed.networkPolicy, vpcCidr: '2001:db8::/129' } }, 'networkPolicy.vpcCidr ("2001:db8::/129") has an IPv6 prefix length above 128; use 0-128'],
      [
        { traffic: { loadBalancer: { ...lb, ports: [{ name: 'a', port: 443 }, { name: 'b', port: 443 }] } } },
        'traffic.loadBalancer.ports[1].port (443) is used twice; the API server refuses two Service ports with the same number and protocol; give each listener its own port',
      ],
      [
        { traffic: { loadBalancer: { ...lb, ports: [{ name: 'https', port: 443, targetPort: 'grpc' }] } } },
        'traffic.loadBalancer.ports[0].targetPort ("grpc") names no serving port of the inference pods (http); the load balancer would forward to nothing, or expose the metrics port; use http or leave it out',
      ],
      [
        { image: 'ghcr.io/acme/my image:1.0' },
        'image ("ghcr.io/acme/my image:1.0") is not an image reference ([registry/]repository[:tag][@sha256:digest], repository in lower case, no spaces); fix the image name',
      ],
      [
        { image: 'ghcr.io/Acme/Inference:1.0' },
        'image ("ghcr.io/Acme/Inference:1.0") is not an image reference ([registry/]repository[:tag][@sha256:digest], repository in lower case, no spaces); fix the image name',
      ],
    ] as [Record<string, unknown>, string][]).map(([changes, message]) => [message, changes] as const))('reports: %s', (message, changes) => {
      expect(problem(changes)).toBe(message);
    });

    it('accepts an IPv6 CIDR within its prefix range', () => {
      expect(problems({ networkPolicy: { ...seed.networkPolicy, vpcCidr: '2001:db8::/32' } })).toEqual([]);
    });

    it('refuses an empty tlsPorts that would write an empty ssl-ports annotation', () => {
      expect(problem({ traffic: { loadBalancer: { ...lb, tlsPorts: [] } } })).toMatch(/^traffic\.loadBalancer\.tlsPorts \(an empty list\) must name at least one port/);
    });

    it('refuses a Secret key over 253 characters', () => {
      expect(problem({ secretEnv: [{ name: 'X', secretName: 's', key: 'k'.repeat(254) }] })).toMatch(
        /^secretEnv\[0\]\.key \("k+\.\.\."\) must be at most 253 characters \(Secret and ConfigMap keys\); shorten it$/,
      );
    });

    it('checks derived names after derivation, naming release and the longest name', () => {
      const release = 'a'.repeat(60);
      expect(problem({ release })).toBe(
        `release ("${release}") is too long: the derived name "${release}-headless" has 69 characters, above the 63 of a Kubernetes name; shorten release to at most 54 characters`,
      );
      expect(problems({ release: 'a'.repeat(54) })).toEqual([]);
    });

    it('checks label keys and values in node labels, tolerations and pod selectors', () => {
      expect(problems({ scheduling: { nodeLabels: { 'bad key!': 'x', ok: 'bad value!' } } })).toEqual([
        'scheduling.nodeLabels.bad key! ("bad key!") is not a valid key: must be a Kubernetes label/annotation key ([prefix/]name, name 1-63 letters, digits, "-", "_", ".", starting and ending with a letter or digit); fix the key',
        'scheduling.nodeLabels.ok ("bad value!") must be a Kubernetes label value (letters, digits, "-", "_", ".", starting and ending with a letter or digit); fix the value',
      ]);
      expect(problem({ scheduling: { tolerateTaints: ['nvidia.com/gpu', 'Bad Taint'] } })).toMatch(/^scheduling\.tolerateTaints\[1\] \("Bad Taint"\) must be a Kubernetes label\/annotation key/);
      expect(problem({ networkPolicy: { ...seed.networkPolicy, webApp: { podLabels: { 'a/b/c': 'x' } } } })).toMatch(
        /^networkPolicy\.webApp\.podLabels\.a\/b\/c \("a\/b\/c"\) is not a valid key: must have a DNS-subdomain prefix/,
      );
      expect(problem({ traffic: { loadBalancer: { ...lb, extraAnnotations: { 'bad key': 'x' } } } })).toMatch(
        /^traffic\.loadBalancer\.extraAnnotations\.bad key \("bad key"\) is not a valid key/,
      );
    });
  });

  describe('checks relations between sections before synth', () => {
    it('refuses a /dev/shm size limit at or above the memory limit', () => {
      expect(problem({ storage: { ...seed.storage, sharedMemorySizeLimit: Size.gibibytes(32) } })).toBe(
        "storage.sharedMemorySizeLimit (32Gi) must stay below resources.memory.limit (16Gi): /dev/shm is memory-backed and counts against the container's limit, so filling it OOM-kills the pod; lower it (a few Gi is typical) or raise the limit",
      );
    });

    it('refuses a utilization target the pods can never reach', () => {
      // limit 4 / request 2 cores: usage tops out at 200 % of the request.
      expect(problem({ scaling: { ...seed.scaling, signals: { cpu: { type: 'Utilization', averageUtilization: 250 } } } })).toBe(
        'scaling.signals.cpu.averageUtilization (250) can never be reached: usage stops at the cpu limit, which is 200 % of the request (resources.cpu), so the autoscaler never scales out on cpu; lower the target below 200 or raise the limit',
      );
      expect(problems({ scaling: { ...seed.scaling, signals: { cpu: { type: 'Utilization', averageUtilization: 200 } } } })).toEqual([]);
    });

    it('refuses turning off the internal Service that the ServiceMonitor and the latency signal use', () => {
      expect(problems({ traffic: { ...seed.traffic, internal: false } })).toEqual([
        'traffic.internal (false) turns off the internal Service, but the ServiceMonitor scrapes the pods through it (and every alert reads those series); keep it, or set monitoring: false',
        'traffic.internal (false) turns off the internal Service, but the latencyP95 scaling signal is an Object metric on it; keep it, or drop scaling.signals.latencyP95',
      ]);
      const { latencyP95: _dropped, ...signals } = seed.scaling.signals;
      expect(problems({ traffic: { ...seed.traffic, internal: false }, monitoring: false, scaling: { ...seed.scaling, signals } })).toEqual([]);
    });

    it('refuses config.extra keys that override a generated key or a secretEnv variable', () => {
      expect(problem({ config: { extra: { MODEL_NAME: 'x' } } })).toBe(
        'config.extra.MODEL_NAME ("x") overrides a key the library generates from the spec (MODEL_NAME); set the typed field instead (e.g. model.name for MODEL_NAME) or rename the key',
      );
      expect(problem({ config: { extra: { POSTGRES_HOST: 'db' } } })).toBe(
        "config.extra.POSTGRES_HOST (\"db\") is also a secretEnv variable; the Secret's value would win and this one would be silently ignored; remove one of them",
      );
    });
  });

  describe('messages', () => {
    it('use the path the user wrote', () => {
      expect(problem({ slo: { ...seed.slo, availability: 100 } })).toMatch(/^slo\.availability \(100\) /);
      expect(problem({ slo: { ...seed.slo, period: Duration.hours(1) } })).toMatch(/^slo\.period \(1h\) must be a whole number of days within 3-90/);
      expect(problem({ slo: { ...seed.slo, period: Duration.days(91) } })).toMatch(/^slo\.period \(91d\) must be a whole number of days within 3-90/);
      expect(problem({ slo: { ...seed.slo, period: Duration.hours(100) } })).toMatch(/^slo\.period \(4d4h\) must be a whole number of days/);
      expect(problem({ model: { name: 'm', loadTime: Duration.minutes(6) } })).toMatch(/^probes\.startupBudget \(5m\) is shorter than the declared model load time \(model\.loadTime: 6m\)/);
    });

    it('never print a credential and name the reason instead', () => {
      const token = `ghp_${'A1b2'.repeat(9)}`;
      const cases: [Record<string, string>, string][] = [
        [{ DB_PASSWORD: 'hunter2' }, 'the key names a password'],
        [{ CACHE_URL: 'redis://:s3cret@host:6379/0' }, 'the value contains a URI with a password'],
        [{ UPSTREAM: `sk-${'aB3'.repeat(16)}` }, 'OpenAI API key'],
        [{ HUB: `hf_${'aBc'.repeat(12)}` }, 'Hugging Face access token'],
        [{ CI_THING: token }, 'GitHub'],
      ];
      for (const [extra, reason] of cases) {
        const message = problem({ config: { extra } });
        const [key, value] = Object.entries(extra)[0];
        expect(message).toMatch(new RegExp(`^config\\.extra\\.${key} \\(\\(value hidden\\)\\) looks like a credential \\(`));
        expect(message).toContain(reason);
        expect(message).not.toContain(value);
        expect(message).not.toContain(value.slice(0, 12));
      }
    });

    it('accept a _FILE key that holds a path', () => {
      expect(problems({ config: { extra: { TOKEN_FILE: '/var/run/secrets/token' } } })).toEqual([]);
    });

    it('report every problem of a spec at once, without zod wording or JSON dumps', () => {
      const found = problems({
        release: 'AI',
        replicas: 'three',
        traffic: { loadbalancer: {} },
        slo: { ...seed.slo, availability: NaN },
        scaling: { ...seed.scaling, backend: 'hpa' },
      });
      expect(found).toHaveLength(5);
      for (const line of found) {
        expect(line).not.toMatch(/Required|Invalid input|Expected|received|Unrecognized key|\{"/);
      }
    });
  });

  describe('the chart', () => {
    it('throws an InferenceValidationError before writing any file', () => {
      const outdir = mkdtempSync(join(tmpdir(), 'ai-inference-spec-'));
      const app = new App({ outdir });
      let error: unknown;
      try {
        new AiInferenceChart(app, 'bad', { spec: { ...seed, traffic: { loadbalancer: lb } } });
        app.synth();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InferenceValidationError);
      expect((error as InferenceValidationError).problems).toEqual(['traffic.loadbalancer is not a field; did you mean traffic.loadBalancer?']);
      expect(readdirSync(outdir)).toEqual([]);
    });
  });
});
