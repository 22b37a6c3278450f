/**
 * A compliant hand-written inference service (every rule passes), built fresh on each call
 * so a test can break one field; and helpers to run the pack and pick findings.
 */
import { SUPPRESS_RULES_ANNOTATION } from '../../src/conventions';
import { checkObjects, CheckOptions } from '../../src/rules/check';
import { K8sObject } from '../../src/rules/types';

export const NS = 'shop';
export const LABELS = { 'app.kubernetes.io/name': 'llm', 'app.kubernetes.io/instance': 'llm' };

export function deployment(): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'llm', namespace: NS },
    spec: {
      replicas: 3,
      progressDeadlineSeconds: 900,
      selector: { matchLabels: { ...LABELS } },
      template: {
        metadata: { labels: { ...LABELS, 'app.kubernetes.io/version': '1.0.0' } },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          initContainers: [
            {
              name: 'fetch',
              image: 'ghcr.io/acme/fetch:2.1.0',
              resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
          containers: [
            {
              name: 'server',
              image: 'ghcr.io/acme/server@sha256:' + 'a'.repeat(64),
              ports: [
                { name: 'http', containerPort: 8000 },
                { name: 'metrics', containerPort: 9090 },
              ],
              resources: {
                requests: { cpu: '4', memory: '32Gi', 'nvidia.com/gpu': 1 },
                limits: { cpu: '4', memory: '32Gi', 'nvidia.com/gpu': 1 },
              },
              readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
              livenessProbe: { tcpSocket: { port: 'http' } },
              startupProbe: { tcpSocket: { port: 'http' }, periodSeconds: 10, failureThreshold: 60 },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
            },
          ],
          volumes: [{ name: 'models', persistentVolumeClaim: { claimName: 'models' } }],
        },
      },
    },
  };
}

export function namespace(): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled' } } };
}

export function nlbService(): K8sObject {
  const a = 'service.beta.kubernetes.io/';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'llm-lb',
      namespace: NS,
      annotations: {
        [`${a}aws-load-balancer-nlb-target-type`]: 'ip',
        [`${a}aws-load-balancer-scheme`]: 'internet-facing',
        [`${a}aws-load-balancer-healthcheck-interval`]: '10',
        [`${a}aws-load-balancer-healthcheck-timeout`]: '5',
        [`${a}aws-load-balancer-healthcheck-path`]: '/ready',
        [`${a}aws-load-balancer-target-group-attributes`]: 'deregistration_delay.timeout_seconds=60,preserve_client_ip.enabled=true',
        [`${a}aws-load-balancer-listener-attributes.TCP-80`]: 'tcp.idle_timeout.seconds=300',
      },
    },
    spec: {
      type: 'LoadBalancer',
      loadBalancerClass: 'service.k8s.aws/nlb',
      loadBalancerSourceRanges: ['203.0.113.0/24'],
      selector: { ...LABELS },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    },
  };
}

export function internalService(): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'llm-internal', namespace: NS, labels: { ...LABELS, role: 'internal' } },
    spec: {
      selector: { ...LABELS },
      ports: [
        { name: 'http', port: 8000, targetPort: 'http' },
        { name: 'metrics', port: 9090, targetPort: 9090 },
      ],
    },
  };
}

export function networkPolicy(): K8sObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'llm', namespace: NS },
    spec: {
      podSelector: { matchLabels: { ...LABELS } },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ ipBlock: { cidr: '203.0.113.0/24' } }, { ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ port: 'http', protocol: 'TCP' }] },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 9090 }] },
      ],
    },
  };
}

export function pdb(): K8sObject {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'llm', namespace: NS }, spec: { minAvailable: '66%', selector: { matchLabels: { ...LABELS } } } };
}

export function hpa(): K8sObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'llm', namespace: NS },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llm' },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Object', object: { describedObject: { apiVersion: 'v1', kind: 'Service', name: 'llm-internal' }, metric: { name: 'inference_response_time_p95_seconds' }, target: { type: 'Value', value: '1500m' } } },
      ],
    },
  };
}

export function vpa(): K8sObject {
  return {
    apiVersion: 'autoscaling.k8s.io/v1',
    kind: 'VerticalPodAutoscaler',
    metadata: { name: 'llm', namespace: NS },
    spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llm' }, updatePolicy: { updateMode: 'Off' } },
  };
}

export function serviceMonitor(): K8sObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'llm', namespace: NS },
    spec: { selector: { matchLabels: { role: 'internal' } }, endpoints: [{ port: 'metrics', interval: '30s' }] },
  };
}

export function prometheusRule(): K8sObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'llm', namespace: NS },
    spec: {
      groups: [
        {
          name: 'slo',
          rules: [
            {
              alert: 'InferenceLatencyP95SLOBreach',
              expr: 'histogram_quantile(0.95, sum by (namespace, job, le) (rate(inference_response_time_seconds_bucket{namespace="shop",job="llm-internal"}[5m]))) > 2',
              for: '5m',
              labels: { deployment: 'llm', severity: 'critical' },
            },
          ],
        },
      ],
    },
  };
}

/** The whole compliant service. */
export function service(): K8sObject[] {
  return [namespace(), deployment(), nlbService(), internalService(), networkPolicy(), pdb(), hpa(), vpa(), serviceMonitor(), prometheusRule()];
}

/** The unsuppressed findings of one rule. */
export function findings(objects: readonly K8sObject[], ruleId: string, options?: CheckOptions) {
  return checkObjects(objects, options).findings.filter((f) => f.ruleId === ruleId);
}

export function messages(objects: readonly K8sObject[], ruleId: string): string[] {
  return findings(objects, ruleId).map((f) => f.message);
}

/** The suppressed findings of one rule. */
export function suppressed(objects: readonly K8sObject[], ruleId: string) {
  return checkObjects(objects).suppressed.filter((f) => f.ruleId === ruleId);
}

/** Adds a suppression of `ids` (with a reason) to an object. */
export function suppress<T extends K8sObject>(o: T, ids: string[], reason = 'accepted for this test'): T {
  o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [SUPPRESS_RULES_ANNOTATION]: JSON.stringify(ids.map((id) => ({ id, reason }))) };
  return o;
}

/** Replaces the object of `kind` (first of it) in the service with `f(object)`. */
export function withChanged(kind: string, change: (o: K8sObject) => void, objects = service()): K8sObject[] {
  const o = objects.find((x) => x.kind === kind)!;
  change(o);
  return objects;
}
