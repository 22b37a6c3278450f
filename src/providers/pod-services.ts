/**
 * What every provider's Services share: the headless and internal Services (the same on EKS
 * and GKE), the labels of all three, and the checks of the listeners against the workload's
 * named ports. The provider modules (aws-nlb.ts, gke-l4.ts) build only the load balancer.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { COMPONENT, SERVICE_ROLE_LABEL, commonLabels, objectNames } from '../conventions';
import { withDefaults } from '../private/defaults';
import { formatProblem } from '../spec/problems';
import { TRAFFIC_DEFAULTS } from '../spec/traffic';
import { WorkloadTarget, missingPortProblem } from '../constructs/workload-target';

/** Which of the two pod Services to create. */
export interface PodServices {
  readonly headless: boolean;
  readonly internal: boolean;
}

/** The pod Services to create: the props' choice, else the traffic section's defaults. */
export function resolvePodServices(p: Partial<PodServices>): PodServices {
  return withDefaults<PodServices>(TRAFFIC_DEFAULTS, p);
}

/** The labels of one of a release's Services (`role`: load-balancer, headless, internal). */
export function serviceLabels(name: string, workload: WorkloadTarget, role: string, extra?: Record<string, string>): Record<string, string> {
  return { ...commonLabels(name, COMPONENT.traffic), ...workload.selectorLabels, [SERVICE_ROLE_LABEL]: role, ...extra };
}

export interface BuiltPodServices {
  readonly headless?: k8s.KubeService;
  readonly internal?: k8s.KubeService;
  readonly internalServiceLabels: Record<string, string>;
}

/**
 * The headless Service (`<name>-headless`, direct pod access) and the internal ClusterIP
 * Service (`<name>-internal`, what the ServiceMonitor scrapes), each exposing every named
 * container port of the workload under its name.
 */
export function buildPodServices(
  scope: Construct,
  o: { name: string; namespace?: string; workload: WorkloadTarget; services: PodServices; labels?: Record<string, string> },
): BuiltPodServices {
  const names = objectNames(o.name);
  const selector = { ...o.workload.selectorLabels };
  const ports = Object.entries(o.workload.ports).map(([name, port]) => ({
    name,
    port,
    targetPort: k8s.IntOrString.fromString(name),
    protocol: 'TCP',
  }));
  const internalServiceLabels = serviceLabels(o.name, o.workload, 'internal', o.labels);
  const headless = o.services.headless
    ? new k8s.KubeService(scope, 'Headless', {
        metadata: { name: names.headless, namespace: o.namespace, labels: serviceLabels(o.name, o.workload, 'headless', o.labels) },
        spec: { clusterIp: 'None', selector, ports },
      })
    : undefined;
  const internal = o.services.internal
    ? new k8s.KubeService(scope, 'Internal', {
        metadata: { name: names.internal, namespace: o.namespace, labels: internalServiceLabels },
        spec: { type: 'ClusterIP', selector, ports },
      })
    : undefined;
  return { headless, internal, internalServiceLabels };
}

/**
 * Each listener forwards to a named port of the workload (`given`: the ports as written,
 * undefined when the provider's defaults apply); the pod Services need a named port.
 */
export function listenerAndPodPortProblems(
  listeners: readonly { readonly targetPort: string }[] | undefined,
  given: readonly { readonly targetPort?: string }[] | undefined,
  { headless, internal }: PodServices,
  workload: WorkloadTarget,
): string[] {
  const problems: string[] = [];
  if (listeners) {
    const nothing = 'the load balancer would forward to nothing';
    if (given === undefined) {
      for (const target of new Set(listeners.map((port) => port.targetPort))) {
        problems.push(...missingPortProblem(workload, target, ['loadBalancer', 'ports'], `${nothing}; set loadBalancer.ports with a targetPort of the workload`, true));
      }
    } else {
      listeners.forEach((port, i) => {
        problems.push(...missingPortProblem(workload, port.targetPort, ['loadBalancer', 'ports', i, 'targetPort'], nothing, given[i].targetPort === undefined));
      });
    }
  }
  if ((headless || internal) && Object.keys(workload.ports).length === 0) {
    const which = [headless && 'headless', internal && 'internal'].filter(Boolean).join(' and ');
    problems.push(
      formatProblem(
        ['workload', 'ports'],
        workload.ports,
        `hold no named container port, so the ${which} Service${headless && internal ? 's' : ''} would expose nothing; name the container's port (cdk8s-plus: ports: [{ number, name }]) or turn ${headless && internal ? 'them' : 'it'} off`,
      ),
    );
  }
  return problems;
}
