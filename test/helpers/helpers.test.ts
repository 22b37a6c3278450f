import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { SCHEMA_DIR, expectValidManifests, knownKinds, validateManifest } from './k8s-schema';
import { podSecurityRestrictedViolations, podSpecOf, podTemplateOf } from './pod-security';

type Json = Record<string, any>;

const labels = (): Record<string, string> => ({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' });

/** A restricted-compliant container; tests break one field at a time. */
function container(name = 'server'): Json {
  return {
    name,
    image: 'registry.example.com/llm:1.0',
    ports: [{ name: 'http', containerPort: 8000 }],
    resources: {
      requests: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': 1 },
      limits: { memory: '16Gi', 'nvidia.com/gpu': 1 },
    },
    readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 5 },
    securityContext: {
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

function podSpec(): Json {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container()],
    volumes: [
      { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
      { name: 'config', configMap: { name: 'web-config' } },
    ],
  };
}

function deployment(): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ai', labels: labels() },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels() },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: { metadata: { labels: labels() }, spec: podSpec() },
    },
  };
}

describe('validateManifest on core kinds', () => {
  it('accepts a valid hand-written Deployment', () => {
    expect(validateManifest(deployment())).toEqual([]);
  });

  it('reports a misspelled top-level spec field with its path', () => {
    const d = deployment();
    d.spec.replicass = 3;
    expect(validateManifest(d)).toEqual(['Deployment/web: spec.replicass: unknown field']);
  });

  it('reports a misspelled field deep inside the pod template', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].readinessProbe.httpGet.paht = '/ready';
    expect(validateManifest(d)).toEqual([
      'Deployment/web: spec.template.spec.containers[0].readinessProbe.httpGet.paht: unknown field',
    ]);
  });

  it('reports a wrong type with the value it got', () => {
    const d = deployment();
    d.spec.replicas = '3';
    expect(validateManifest(d)).toEqual(['Deployment/web: spec.replicas: must be integer, got string "3"']);
  });

  it('reports a missing required field: a container without a name', () => {
    const d = deployment();
    delete d.spec.template.spec.containers[0].name;
    expect(validateManifest(d)).toEqual([
      'Deployment/web: spec.template.spec.containers[0].name: required field is missing',
    ]);
  });

  it('reports a quantity that is not in Kubernetes syntax and accepts numbers and suffixes', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].resources.limits.memory = '16GB';
    expect(validateManifest(d)).toEqual([
      'Deployment/web: spec.template.spec.containers[0].resources.limits.memory: must be a quantity like "500m", "2Gi" or "1.5", got string "16GB"',
    ]);
    d.spec.template.spec.containers[0].resources.limits = { cpu: 2.5, memory: '1.5e9', 'nvidia.com/gpu': '1' };
    d.spec.template.spec.containers[0].resources.requests = { cpu: '500m', memory: '512Mi' };
    expect(validateManifest(d)).toEqual([]);
  });

  it('reports an IntOrString that is neither string nor integer', () => {
    const d = deployment();
    d.spec.strategy.rollingUpdate.maxSurge = 1.5;
    expect(validateManifest(d)).toEqual([
      'Deployment/web: spec.strategy.rollingUpdate.maxSurge: must be string or integer, got number 1.5',
    ]);
  });

  it('names label keys with dots and slashes in brackets', () => {
    const d = deployment();
    d.metadata.labels['app.kubernetes.io/version'] = 2;
    expect(validateManifest(d)).toEqual([
      'Deployment/web: metadata.labels["app.kubernetes.io/version"]: must be string, got number 2',
    ]);
  });

  it('reports an integer outside its int32 format', () => {
    const d = deployment();
    d.spec.replicas = 2 ** 31;
    expect(validateManifest(d)).toEqual(['Deployment/web: spec.replicas: must match format "int32", got number 2147483648']);
  });

  it('lists every problem of one manifest, not only the first', () => {
    const d = deployment();
    d.spec.replicas = '3';
    d.spec.paused = 'no';
    d.spec.template.spec.containers[0].imagePullPolicy = 7;
    expect(validateManifest(d)).toEqual([
      'Deployment/web: spec.paused: must be boolean, got string "no"',
      'Deployment/web: spec.replicas: must be integer, got string "3"',
      'Deployment/web: spec.template.spec.containers[0].imagePullPolicy: must be string, got number 7',
    ]);
  });

  it('treats an apiVersion/kind without a schema as a problem and names the known versions', () => {
    expect(
      validateManifest({ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' } }),
    ).toEqual([
      'HorizontalPodAutoscaler/web: no schema for apiVersion "autoscaling/v2beta2" kind "HorizontalPodAutoscaler"; HorizontalPodAutoscaler is known as autoscaling/v1, autoscaling/v2',
    ]);
    expect(validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'Widget/w: no schema for apiVersion "example.com/v1" kind "Widget"',
    ]);
  });

  it('treats a manifest without apiVersion or kind, or a non-object, as a problem', () => {
    expect(validateManifest({ kind: 'Deployment', metadata: { name: 'web' } })).toEqual([
      'Deployment/web: apiVersion and kind must be strings, got apiVersion nothing, kind string "Deployment"',
    ]);
    expect(validateManifest('apiVersion: v1')).toEqual(['manifest must be an object, got string "apiVersion: v1"']);
  });

  it('accepts what cdk8s and cdk8s-plus-28 really synthesize', () => {
    const chart = new Chart(Testing.app(), 'test');
    const d = new kplus.Deployment(chart, 'web', {
      metadata: { name: 'web' },
      replicas: 2,
      containers: [{ image: 'registry.example.com/llm:1.0', portNumber: 8000, resources: {} }],
    });
    d.exposeViaService({ name: 'web' });
    new kplus.k8s.KubePodDisruptionBudget(chart, 'pdb', {
      metadata: { name: 'web' },
      spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: labels() } },
    });
    const manifests = Testing.synth(chart);
    expect(manifests.map((m) => m.kind)).toEqual(['Deployment', 'Service', 'PodDisruptionBudget']);
    expectValidManifests(manifests);
  });
});

describe('expectValidManifests', () => {
  it('passes a list of valid manifests', () => {
    expect(() => expectValidManifests([deployment()])).not.toThrow();
  });

  it('throws one error listing every problem of every manifest with its index', () => {
    const bad = deployment();
    bad.spec.replicass = 3;
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { threshold: 0.5 } };
    expect(() => expectValidManifests([deployment(), bad, cm])).toThrow(
      '2 schema problem(s) in 3 manifest(s):\n' +
        '  - [1] Deployment/web: spec.replicass: unknown field\n' +
        '  - [2] ConfigMap/cfg: data.threshold: must be string, got number 0.5',
    );
  });

  it('throws on an empty list so that a test cannot pass by validating nothing', () => {
    expect(() => expectValidManifests([])).toThrow('no manifests to validate');
  });
});

describe('knownKinds', () => {
  it('lists core kinds and the served versions of the CRDs in crds/', () => {
    const kinds = knownKinds();
    for (const k of [
      'apps/v1 Deployment',
      'v1 Service',
      'policy/v1 PodDisruptionBudget',
      'autoscaling/v2 HorizontalPodAutoscaler',
      'networking.k8s.io/v1 NetworkPolicy',
      'monitoring.coreos.com/v1 PrometheusRule',
      'monitoring.coreos.com/v1 ServiceMonitor',
      'autoscaling.k8s.io/v1 VerticalPodAutoscaler',
      'keda.sh/v1alpha1 ScaledObject',
    ]) {
      expect(kinds).toContain(k);
    }
    // v1beta2 of the VPA CRD is defined but not served, so the API server would refuse it.
    expect(kinds).not.toContain('autoscaling.k8s.io/v1beta2 VerticalPodAutoscaler');
    expect(kinds).not.toContain('v1 Status');
  });
});

describe('schema sources', () => {
  it('reads the schemas from crds/ inside the repository', () => {
    expect(relative(resolve(__dirname, '../..'), SCHEMA_DIR)).toBe('crds');
  });

  it('crds/ holds the unmodified files SOURCES.md lists', () => {
    const sources = readFileSync(join(SCHEMA_DIR, 'SOURCES.md'), 'utf8');
    const listed = new Map([...sources.matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm)].map((m) => [m[2], m[1]]));
    const files = readdirSync(SCHEMA_DIR).filter((f) => f !== 'SOURCES.md').sort();
    expect([...listed.keys()].sort()).toEqual(files);
    for (const f of files) {
      expect(sources, `${f} has no row in the table of crds/SOURCES.md`).toContain(`| \`${f}\` |`);
      const sha = createHash('sha256').update(readFileSync(join(SCHEMA_DIR, f))).digest('hex');
      expect(sha, `crds/${f} differs from the upstream copy SOURCES.md records`).toBe(listed.get(f));
    }
  });
});

describe('validateManifest on custom resources', () => {
  const prometheusRule = (): Json => ({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'web-slo', labels: { release: 'kube-prometheus-stack' } },
    spec: {
      groups: [
        {
          name: 'web-slo.alerts',
          interval: '30s',
          rules: [
            { record: 'slo:errors:ratio_rate5m', expr: 'sum(rate(errors_total[5m])) / sum(rate(requests_total[5m]))' },
            {
              alert: 'WebErrorBudgetBurn',
              expr: 'slo:errors:ratio_rate5m > 0.0144',
              for: '2m',
              labels: { severity: 'critical' },
              annotations: { summary: 'burning', runbook_url: 'https://runbooks.example.com/web' },
            },
          ],
        },
      ],
    },
  });

  it('accepts a valid PrometheusRule', () => {
    expect(validateManifest(prometheusRule())).toEqual([]);
  });

  it('rejects a PrometheusRule with a bad duration, a rule without expr and a misspelled field', () => {
    const r = prometheusRule();
    r.spec.groups[0].rules[1].for = '2 minutes';
    delete r.spec.groups[0].rules[0].expr;
    r.spec.groups[0].rules[1].anotations = {};
    expect(validateManifest(r)).toEqual([
      'PrometheusRule/web-slo: spec.groups[0].rules[0].expr: required field is missing',
      'PrometheusRule/web-slo: spec.groups[0].rules[1].anotations: unknown field',
      expect.stringMatching(/^PrometheusRule\/web-slo: spec\.groups\[0\]\.rules\[1\]\.for: must match \/.*\/, got string "2 minutes"$/),
    ]);
  });

  it('checks custom resource metadata as ObjectMeta', () => {
    const r = prometheusRule();
    r.metadata.labels.release = true;
    r.metadata.annotation = {};
    expect(validateManifest(r)).toEqual([
      'PrometheusRule/web-slo: metadata.annotation: unknown field',
      'PrometheusRule/web-slo: metadata.labels.release: must be string, got boolean true',
    ]);
  });

  it('understands Go-style case-insensitive patterns of the CRDs', () => {
    const r = prometheusRule();
    r.spec.groups[0].partial_response_strategy = 'WARN';
    expect(validateManifest(r)).toEqual([]);
    r.spec.groups[0].partial_response_strategy = 'retry';
    expect(validateManifest(r)).toEqual([
      'PrometheusRule/web-slo: spec.groups[0].partial_response_strategy: must match /^(?i)(abort|warn)?$/, got string "retry"',
    ]);
  });

  const serviceMonitor = (): Json => ({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'web', namespace: 'ai' },
    spec: {
      selector: { matchLabels: labels() },
      namespaceSelector: { matchNames: ['ai'] },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '15s', scrapeTimeout: '10s', honorLabels: true }],
    },
  });

  it('accepts a valid ServiceMonitor, with targetPort as a number or a name (x-kubernetes-int-or-string)', () => {
    const sm = serviceMonitor();
    expect(validateManifest(sm)).toEqual([]);
    sm.spec.endpoints[0].targetPort = 9400;
    expect(validateManifest(sm)).toEqual([]);
    sm.spec.endpoints[0].targetPort = 'metrics';
    expect(validateManifest(sm)).toEqual([]);
  });

  it('rejects a ServiceMonitor without selector, with a fractional targetPort and a bad scheme', () => {
    const sm = serviceMonitor();
    delete sm.spec.selector;
    sm.spec.endpoints[0].targetPort = 94.5;
    sm.spec.endpoints[0].scheme = 'tcp';
    expect(validateManifest(sm)).toEqual([
      'ServiceMonitor/web: spec.selector: required field is missing',
      'ServiceMonitor/web: spec.endpoints[0].scheme: must be one of "http", "https", "HTTP", "HTTPS", got string "tcp"',
      'ServiceMonitor/web: spec.endpoints[0].targetPort: must be integer or string, got number 94.5',
    ]);
  });

  const vpa = (): Json => ({
    apiVersion: 'autoscaling.k8s.io/v1',
    kind: 'VerticalPodAutoscaler',
    metadata: { name: 'web' },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      updatePolicy: { updateMode: 'Off' },
      resourcePolicy: {
        containerPolicies: [
          { containerName: 'server', controlledResources: ['memory'], minAllowed: { memory: '8Gi' }, maxAllowed: { memory: 64 * 2 ** 30 } },
        ],
      },
    },
  });

  it('accepts a valid VerticalPodAutoscaler', () => {
    expect(validateManifest(vpa())).toEqual([]);
  });

  it('rejects a VerticalPodAutoscaler with an unknown update mode and a bad quantity', () => {
    const v = vpa();
    v.spec.updatePolicy.updateMode = 'Sometimes';
    v.spec.resourcePolicy.containerPolicies[0].minAllowed.memory = '8 GiB';
    const problems = validateManifest(v);
    expect(problems).toContain(
      'VerticalPodAutoscaler/web: spec.updatePolicy.updateMode: must be one of "Off", "Initial", "Recreate", "InPlaceOrRecreate", "InPlace", "Auto", got string "Sometimes"',
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^VerticalPodAutoscaler\/web: spec\.resourcePolicy\.containerPolicies\[0\]\.minAllowed\.memory: must match .*, got string "8 GiB"$/),
    );
    expect(problems).toHaveLength(2);
  });

  it('rejects a VerticalPodAutoscaler without targetRef', () => {
    const v = vpa();
    delete v.spec.targetRef;
    expect(validateManifest(v)).toEqual(['VerticalPodAutoscaler/web: spec.targetRef: required field is missing']);
  });

  const scaledObject = (): Json => ({
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { name: 'web' },
      minReplicaCount: 2,
      maxReplicaCount: 10,
      pollingInterval: 30,
      cooldownPeriod: 300,
      triggers: [
        {
          type: 'prometheus',
          metricType: 'AverageValue',
          metadata: { serverAddress: 'http://prometheus:9090', query: 'sum(vllm:num_requests_waiting)', threshold: '5' },
        },
      ],
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } },
        },
      },
    },
  });

  it('accepts a valid ScaledObject', () => {
    expect(validateManifest(scaledObject())).toEqual([]);
  });

  it('rejects a ScaledObject with a numeric trigger threshold, a trigger without type and no scaleTargetRef', () => {
    const so = scaledObject();
    so.spec.triggers[0].metadata.threshold = 5;
    delete so.spec.triggers[0].type;
    delete so.spec.scaleTargetRef;
    expect(validateManifest(so)).toEqual([
      'ScaledObject/web: spec.scaleTargetRef: required field is missing',
      'ScaledObject/web: spec.triggers[0].type: required field is missing',
      'ScaledObject/web: spec.triggers[0].metadata.threshold: must be string, got number 5',
    ]);
  });
});

describe('podSpecOf and podTemplateOf', () => {
  it('digs the pod spec out of Deployment, StatefulSet, Job, CronJob and Pod', () => {
    const spec = podSpec();
    expect(podSpecOf(deployment())).toEqual(spec);
    expect(podSpecOf({ kind: 'StatefulSet', spec: { template: { spec } } })).toBe(spec);
    expect(podSpecOf({ kind: 'Job', spec: { template: { spec } } })).toBe(spec);
    expect(podSpecOf({ kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec } } } } })).toBe(spec);
    expect(podSpecOf({ kind: 'Pod', metadata: { name: 'p' }, spec })).toBe(spec);
  });

  it('returns the template metadata with the spec', () => {
    expect(podTemplateOf(deployment())?.metadata).toEqual({ labels: labels() });
  });

  it('returns undefined for kinds without pods and throws for a workload without its pod spec', () => {
    expect(podSpecOf({ kind: 'Service', spec: {} })).toBeUndefined();
    expect(() => podSpecOf({ kind: 'Deployment', metadata: { name: 'web' }, spec: {} })).toThrow(
      'Deployment/web has no spec.template.spec',
    );
  });
});

describe('podSecurityRestrictedViolations', () => {
  /** Violations after `change` is applied to a compliant pod spec. */
  function violations(change: (spec: Json) => void, annotations?: Record<string, string>): string[] {
    const spec = podSpec();
    change(spec);
    return podSecurityRestrictedViolations(spec, annotations);
  }
  const c0 = (spec: Json): Json => spec.containers[0];

  it('passes a restricted-compliant pod', () => {
    expect(violations(() => {})).toEqual([]);
  });

  it('passes when every container sets runAsNonRoot and seccompProfile instead of the pod', () => {
    expect(violations((s) => delete s.securityContext)).toEqual([]);
  });

  it('passes the allowed extras: NET_BIND_SERVICE, safe sysctls, Localhost seccomp, allowed SELinux type, AppArmor default', () => {
    expect(
      violations(
        (s) => {
          c0(s).securityContext.capabilities.add = ['NET_BIND_SERVICE'];
          c0(s).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/llm.json' };
          s.securityContext.sysctls = [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }];
          s.securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c123,c456' };
          c0(s).ports[0].hostPort = 0;
          c0(s).securityContext.procMount = 'Default';
        },
        { 'container.apparmor.security.beta.kubernetes.io/server': 'runtime/default' },
      ),
    ).toEqual([]);
  });

  it.each(['hostNetwork', 'hostPID', 'hostIPC'])('rejects %s', (ns) => {
    expect(violations((s) => (s[ns] = true))).toEqual([`[hostNamespaces] pod: spec.${ns} must be unset or false (got true)`]);
  });

  it('rejects a privileged container', () => {
    expect(violations((s) => (c0(s).securityContext.privileged = true))).toEqual([
      '[privileged] container "server": spec.containers[0].securityContext.privileged must be unset or false (got true)',
    ]);
  });

  it('rejects Windows HostProcess on the pod and on a container', () => {
    expect(
      violations((s) => {
        s.securityContext.windowsOptions = { hostProcess: true };
        c0(s).securityContext.windowsOptions = { hostProcess: true };
      }),
    ).toEqual([
      '[windowsHostProcess] pod: spec.securityContext.windowsOptions.hostProcess must be unset or false (got true)',
      '[windowsHostProcess] container "server": spec.containers[0].securityContext.windowsOptions.hostProcess must be unset or false (got true)',
    ]);
  });

  it('rejects a hostPath volume, as a host path and as a volume type outside the restricted list', () => {
    expect(violations((s) => s.volumes.push({ name: 'models', hostPath: { path: '/mnt/models' } }))).toEqual([
      '[hostPathVolumes] pod: spec.volumes[2].hostPath must be unset (volume "models") (got {"path":"/mnt/models"})',
      '[restrictedVolumes] pod: spec.volumes[2].hostPath is not an allowed volume type (volume "models"); use one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret (got {"path":"/mnt/models"})',
    ]);
  });

  it('rejects a volume type outside the restricted list', () => {
    expect(violations((s) => s.volumes.push({ name: 'models', nfs: { server: 'nfs', path: '/models' } }))).toEqual([
      '[restrictedVolumes] pod: spec.volumes[2].nfs is not an allowed volume type (volume "models"); use one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret (got {"server":"nfs","path":"/models"})',
    ]);
  });

  it('rejects a hostPort', () => {
    expect(violations((s) => (c0(s).ports[0].hostPort = 8000))).toEqual([
      '[hostPorts] container "server": spec.containers[0].ports[0].hostPort must be unset or 0 (got 8000)',
    ]);
  });

  it('rejects allowPrivilegeEscalation unset or true', () => {
    expect(violations((s) => delete c0(s).securityContext.allowPrivilegeEscalation)).toEqual([
      '[allowPrivilegeEscalation] container "server": spec.containers[0].securityContext.allowPrivilegeEscalation must be false (got unset)',
    ]);
    expect(violations((s) => (c0(s).securityContext.allowPrivilegeEscalation = true))).toEqual([
      '[allowPrivilegeEscalation] container "server": spec.containers[0].securityContext.allowPrivilegeEscalation must be false (got true)',
    ]);
  });

  it('rejects runAsNonRoot set on neither the pod nor the container', () => {
    expect(
      violations((s) => {
        delete s.securityContext.runAsNonRoot;
        delete c0(s).securityContext.runAsNonRoot;
      }),
    ).toEqual([
      '[runAsNonRoot] container "server": spec.containers[0].securityContext.runAsNonRoot must be true, or spec.securityContext.runAsNonRoot must be true (got unset)',
    ]);
  });

  it('rejects runAsNonRoot false on a container even when the pod sets true, and false on the pod', () => {
    expect(violations((s) => (c0(s).securityContext.runAsNonRoot = false))).toEqual([
      '[runAsNonRoot] container "server": spec.containers[0].securityContext.runAsNonRoot must be unset or true (got false)',
    ]);
    expect(violations((s) => (s.securityContext.runAsNonRoot = false))).toEqual([
      '[runAsNonRoot] pod: spec.securityContext.runAsNonRoot must be unset or true (got false)',
    ]);
  });

  it('rejects runAsUser 0 on the pod and on a container', () => {
    expect(
      violations((s) => {
        s.securityContext.runAsUser = 0;
        c0(s).securityContext.runAsUser = 0;
      }),
    ).toEqual([
      '[runAsUser] pod: spec.securityContext.runAsUser must not be 0 (got 0)',
      '[runAsUser] container "server": spec.containers[0].securityContext.runAsUser must not be 0 (got 0)',
    ]);
  });

  it('rejects a seccomp profile set on neither the pod nor the container', () => {
    expect(
      violations((s) => {
        delete s.securityContext.seccompProfile;
        delete c0(s).securityContext.seccompProfile;
      }),
    ).toEqual([
      '[seccompProfile] container "server": spec.containers[0].securityContext.seccompProfile.type must be RuntimeDefault or Localhost, or unset with spec.securityContext.seccompProfile.type one of them (got unset)',
    ]);
  });

  it('rejects an Unconfined seccomp profile on the pod and on a container', () => {
    expect(violations((s) => (s.securityContext.seccompProfile.type = 'Unconfined'))).toEqual([
      '[seccompProfile] pod: spec.securityContext.seccompProfile.type must be RuntimeDefault or Localhost (got "Unconfined")',
    ]);
    expect(violations((s) => (c0(s).securityContext.seccompProfile.type = 'Unconfined'))).toEqual([
      '[seccompProfile] container "server": spec.containers[0].securityContext.seccompProfile.type must be RuntimeDefault or Localhost, or unset with spec.securityContext.seccompProfile.type one of them (got "Unconfined")',
    ]);
  });

  it('rejects capabilities that do not drop ALL', () => {
    expect(violations((s) => (c0(s).securityContext.capabilities.drop = ['NET_RAW']))).toEqual([
      '[capabilities] container "server": spec.containers[0].securityContext.capabilities.drop must include "ALL" (got ["NET_RAW"])',
    ]);
    expect(violations((s) => delete c0(s).securityContext.capabilities)).toEqual([
      '[capabilities] container "server": spec.containers[0].securityContext.capabilities.drop must include "ALL" (got unset)',
    ]);
  });

  it('rejects added capabilities other than NET_BIND_SERVICE', () => {
    expect(violations((s) => (c0(s).securityContext.capabilities.add = ['NET_BIND_SERVICE', 'SYS_ADMIN']))).toEqual([
      '[capabilities] container "server": spec.containers[0].securityContext.capabilities.add may only contain "NET_BIND_SERVICE" (got ["NET_BIND_SERVICE","SYS_ADMIN"])',
    ]);
  });

  it('rejects unsafe sysctls', () => {
    expect(violations((s) => (s.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }]))).toEqual([
      '[sysctls] pod: spec.securityContext.sysctls[0].name must be one of kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_local_reserved_ports (got "kernel.msgmax")',
    ]);
  });

  it('rejects an unmasked /proc mount', () => {
    expect(violations((s) => (c0(s).securityContext.procMount = 'Unmasked'))).toEqual([
      '[procMount] container "server": spec.containers[0].securityContext.procMount must be unset or Default (got "Unmasked")',
    ]);
  });

  it('rejects an AppArmor annotation that is not runtime/default or localhost/*', () => {
    expect(violations(() => {}, { 'container.apparmor.security.beta.kubernetes.io/server': 'unconfined' })).toEqual([
      '[appArmorProfile] pod: metadata.annotations["container.apparmor.security.beta.kubernetes.io/server"] must be runtime/default or localhost/<profile> (got "unconfined")',
    ]);
    expect(violations(() => {}, { 'container.apparmor.security.beta.kubernetes.io/server': 'localhost/llm' })).toEqual([]);
  });

  it('rejects SELinux types outside the allowed list and custom SELinux users and roles', () => {
    expect(
      violations((s) => {
        s.securityContext.seLinuxOptions = { type: 'spc_t' };
        c0(s).securityContext.seLinuxOptions = { user: 'system_u', role: 'system_r' };
      }),
    ).toEqual([
      '[seLinuxOptions] pod: spec.securityContext.seLinuxOptions.type must be unset or one of container_t, container_init_t, container_kvm_t (got "spc_t")',
      '[seLinuxOptions] container "server": spec.containers[0].securityContext.seLinuxOptions.user must be unset or empty (got "system_u")',
      '[seLinuxOptions] container "server": spec.containers[0].securityContext.seLinuxOptions.role must be unset or empty (got "system_r")',
    ]);
  });

  it('checks init containers and ephemeral containers like containers', () => {
    expect(
      violations((s) => {
        s.initContainers = [{ name: 'fetch-model', image: 'busybox', securityContext: { privileged: true } }];
        s.ephemeralContainers = [{ name: 'debug', image: 'busybox', securityContext: { ...container().securityContext, runAsUser: 0 } }];
      }),
    ).toEqual([
      '[privileged] initContainer "fetch-model": spec.initContainers[0].securityContext.privileged must be unset or false (got true)',
      '[allowPrivilegeEscalation] initContainer "fetch-model": spec.initContainers[0].securityContext.allowPrivilegeEscalation must be false (got unset)',
      '[capabilities] initContainer "fetch-model": spec.initContainers[0].securityContext.capabilities.drop must include "ALL" (got unset)',
      '[runAsUser] ephemeralContainer "debug": spec.ephemeralContainers[0].securityContext.runAsUser must not be 0 (got 0)',
    ]);
  });

  it('exempts Windows pods from the Linux-only checks but not from the others', () => {
    expect(
      violations((s) => {
        s.os = { name: 'windows' };
        delete s.securityContext.seccompProfile;
        c0(s).securityContext = { runAsUser: 0 };
      }),
    ).toEqual(['[runAsUser] container "server": spec.containers[0].securityContext.runAsUser must not be 0 (got 0)']);
  });

  it('finds what cdk8s-plus-28 leaves out of its security defaults: dropped capabilities and seccomp', () => {
    const chart = new Chart(Testing.app(), 'test');
    new kplus.Deployment(chart, 'web', {
      metadata: { name: 'web' },
      containers: [{ name: 'server', image: 'registry.example.com/llm:1.0', portNumber: 8000 }],
    });
    const [manifest] = Testing.synth(chart);
    expect(podSecurityRestrictedViolations(podSpecOf(manifest)!)).toEqual([
      '[seccompProfile] container "server": spec.containers[0].securityContext.seccompProfile.type must be RuntimeDefault or Localhost, or unset with spec.securityContext.seccompProfile.type one of them (got unset)',
      '[capabilities] container "server": spec.containers[0].securityContext.capabilities.drop must include "ALL" (got unset)',
    ]);
  });
});
