import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import { objectNames } from '../conventions';
import { NlbLoadBalancerOptions, nlbLoadBalancerSchema, nlbServiceSpec, resolveListeners } from '../providers/aws-nlb';
import { PodServices, buildPodServices, listenerAndPodPortProblems, resolvePodServices, serviceLabels } from '../providers/pod-services';
import { TRAFFIC_DEFAULTS } from '../spec/traffic';
import { zDns1035Label, zDnsLabel, zLabelMap } from '../spec/values';
import { InferenceDeployment } from './inference-deployment';
import { WorkloadTarget, namespaceProblems, parseWithWorkload } from './workload-target';

// The NLB's annotation builders live in providers/aws-nlb.ts; re-exported for existing imports.
export { NLB_LISTENER_DEFAULTS, nlbAnnotations, tcpListenerPorts, tlsListenerPorts } from '../providers/aws-nlb';

export interface NlbServiceProps {
  /** Release name; Service names derive from it (`<name>-lb`, `-headless`, `-internal`). */
  readonly name: string;
  /**
   * The workload the Services front: they select its pods by its selector labels, the
   * headless and internal Services expose each of its named container ports under its
   * name, and the NLB's listeners forward to its ports by name. An InferenceDeployment,
   * or `fromPlusWorkload(deployment)` for a cdk8s-plus workload.
   */
  readonly workload: InferenceDeployment | WorkloadTarget;
  /** @default - the workload's namespace */
  readonly namespace?: string;
  /**
   * The external NLB. Each listener's `targetPort` must be a named container port of the
   * workload. @default - no external Service
   */
  readonly loadBalancer?: NlbLoadBalancerOptions;
  /** Headless Service for direct pod access. @default true */
  readonly headless?: boolean;
  /** Internal ClusterIP Service. @default true */
  readonly internal?: boolean;
  /** Extra labels. @default {} */
  readonly labels?: Record<string, string>;
}

/** Defaults of an NlbService: the traffic section's pod Services (TRAFFIC_DEFAULTS). */
export const NLB_SERVICE_DEFAULTS: PodServices = { ...TRAFFIC_DEFAULTS };

/** Every prop but `workload` (the chart validates these from the spec before building). */
export const nlbServicePropsSchema = z
  .object({
    name: zDns1035Label,
    namespace: zDnsLabel.optional(),
    loadBalancer: nlbLoadBalancerSchema.optional(),
    headless: z.boolean().optional(),
    internal: z.boolean().optional(),
    labels: zLabelMap.optional(),
  })
  .strict() satisfies z.ZodType<Omit<NlbServiceProps, 'workload'>, z.ZodTypeDef, unknown>;

/**
 * The three Services of seed 001: the external NLB (`<name>-lb`, AWS Load Balancer
 * Controller, ip targets), a headless Service (`<name>-headless`) for direct pod access
 * and an internal ClusterIP Service (`<name>-internal`) that the ServiceMonitor scrapes.
 * All three select the workload's pods by its selector labels and carry those labels and
 * a `service-role` label, so a selector can tell them apart.
 */
export class NlbService extends Construct {
  readonly loadBalancer?: k8s.KubeService;
  readonly headless?: k8s.KubeService;
  readonly internal?: k8s.KubeService;
  /** Labels of the internal Service (what a ServiceMonitor should select). */
  readonly internalServiceLabels: Record<string, string>;
  /** The NLB's listener ports. */
  readonly listenerPorts: number[];

  constructor(scope: Construct, id: string, props: NlbServiceProps) {
    super(scope, id);
    const { p, workload } = parseWithWorkload(nlbServicePropsSchema, props, `NlbService ${scope.node.path}/${id}`, (p, w) => [
      ...namespaceProblems(p.namespace, w),
      ...listenerAndPodPortProblems(props.loadBalancer && resolveListeners(props.loadBalancer), props.loadBalancer?.ports, resolvePodServices(p), w),
    ]);
    const services = resolvePodServices(p);
    // The listeners as given, with their targetPort names (the schema checks them without).
    const givenPorts = props.loadBalancer?.ports;
    const lb = p.loadBalancer && (givenPorts ? { ...p.loadBalancer, ports: givenPorts } : p.loadBalancer);
    const namespace = p.namespace ?? workload.namespace;
    this.listenerPorts = [];

    if (lb) {
      const { annotations, spec } = nlbServiceSpec(lb, { ...workload.selectorLabels });
      this.listenerPorts = (spec.ports ?? []).map((port) => port.port);
      this.loadBalancer = new k8s.KubeService(this, 'LoadBalancer', {
        metadata: { name: objectNames(p.name).loadBalancer, namespace, labels: serviceLabels(p.name, workload, 'load-balancer', p.labels), annotations },
        spec,
      });
    }
    const pod = buildPodServices(this, { name: p.name, namespace, workload, services, labels: p.labels });
    this.headless = pod.headless;
    this.internal = pod.internal;
    this.internalServiceLabels = pod.internalServiceLabels;
  }
}
