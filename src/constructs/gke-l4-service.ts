import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import { objectNames } from '../conventions';
import { GkeL4LoadBalancerOptions, gkeL4LoadBalancerSchema, gkeL4ServiceSpec, resolveGkeL4LoadBalancer } from '../providers/gke-l4';
import { buildPodServices, listenerAndPodPortProblems, resolvePodServices, serviceLabels } from '../providers/pod-services';
import { zDns1035Label, zDnsLabel, zLabelMap } from '../spec/values';
import { InferenceDeployment } from './inference-deployment';
import { WorkloadTarget, namespaceProblems, parseWithWorkload } from './workload-target';

export interface GkeL4ServiceProps {
  /** Release name; Service names derive from it (`<name>-lb` unless loadBalancer.name, `-headless`, `-internal`). */
  readonly name: string;
  /**
   * The workload the Services front: they select its pods by its selector labels, the
   * headless and internal Services expose each of its named container ports under its
   * name, and the load balancer's ports forward to its ports by name. An
   * InferenceDeployment, or `fromPlusWorkload(deployment)` for a cdk8s-plus workload.
   */
  readonly workload: InferenceDeployment | WorkloadTarget;
  /** @default - the workload's namespace */
  readonly namespace?: string;
  /**
   * GKE's L4 passthrough load balancer. Each port's `targetPort` must be a named container
   * port of the workload. @default - no external Service
   */
  readonly loadBalancer?: GkeL4LoadBalancerOptions;
  /** Headless Service for direct pod access. @default true */
  readonly headless?: boolean;
  /** Internal ClusterIP Service. @default true */
  readonly internal?: boolean;
  /** Extra labels. @default {} */
  readonly labels?: Record<string, string>;
}

/** Every prop but `workload` (the chart validates these from the spec before building). */
export const gkeL4ServicePropsSchema = z
  .object({
    name: zDns1035Label,
    namespace: zDnsLabel.optional(),
    loadBalancer: gkeL4LoadBalancerSchema.optional(),
    headless: z.boolean().optional(),
    internal: z.boolean().optional(),
    labels: zLabelMap.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const names = objectNames(p.name);
    const lbName = p.loadBalancer?.name;
    if (lbName !== undefined && (lbName === names.headless || lbName === names.internal)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['loadBalancer', 'name'],
        message: `is the name of the ${lbName === names.headless ? 'headless' : 'internal'} Service of the release; give the load balancer another name`,
      });
    }
  }) satisfies z.ZodType<Omit<GkeL4ServiceProps, 'workload'>, z.ZodTypeDef, unknown>;

/**
 * The Services of an inference release on GKE: the load balancer (`<name>-lb` or
 * `loadBalancer.name`; a `type: LoadBalancer` Service that GKE's L4 controllers turn into a
 * backend-service passthrough Network Load Balancer, external or internal, see
 * providers/gke-l4.ts), and the same headless (`<name>-headless`) and internal
 * (`<name>-internal`) Services as NlbService. All select the workload's pods by its
 * selector labels and carry a `service-role` label. No AWS annotation is ever written.
 */
export class GkeL4Service extends Construct {
  readonly loadBalancer?: k8s.KubeService;
  readonly headless?: k8s.KubeService;
  readonly internal?: k8s.KubeService;
  /** Labels of the internal Service (what a ServiceMonitor should select). */
  readonly internalServiceLabels: Record<string, string>;
  /** The load balancer's ports. */
  readonly listenerPorts: number[];

  constructor(scope: Construct, id: string, props: GkeL4ServiceProps) {
    super(scope, id);
    const given = props.loadBalancer;
    const { p, workload } = parseWithWorkload(gkeL4ServicePropsSchema, props, `GkeL4Service ${scope.node.path}/${id}`, (p, w) => [
      ...namespaceProblems(p.namespace, w),
      ...listenerAndPodPortProblems(given && resolveGkeL4LoadBalancer(given).ports, given?.ports, resolvePodServices(p), w),
    ]);
    const services = resolvePodServices(p);
    // The ports as given, with their targetPort names (the schema checks them without).
    const lb = p.loadBalancer && (given?.ports ? { ...p.loadBalancer, ports: given.ports } : p.loadBalancer);
    const namespace = p.namespace ?? workload.namespace;
    this.listenerPorts = [];

    if (lb) {
      const { annotations, spec } = gkeL4ServiceSpec(lb, { ...workload.selectorLabels });
      this.listenerPorts = (spec.ports ?? []).map((port) => port.port);
      this.loadBalancer = new k8s.KubeService(this, 'LoadBalancer', {
        metadata: { name: lb.name ?? objectNames(p.name).loadBalancer, namespace, labels: serviceLabels(p.name, workload, 'load-balancer', p.labels), annotations },
        spec,
      });
    }
    const pod = buildPodServices(this, { name: p.name, namespace, workload, services, labels: p.labels });
    this.headless = pod.headless;
    this.internal = pod.internal;
    this.internalServiceLabels = pod.internalServiceLabels;
  }
}
