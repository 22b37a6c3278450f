import { Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LABEL_MANAGED_BY, MANAGED_BY, POD_READINESS_GATE_LABEL } from '../conventions';
import { InferenceDeployment, INFERENCE_DEPLOYMENT_DEFAULTS } from '../constructs/inference-deployment';
import { InferenceNetworkPolicy } from '../constructs/inference-network-policy';
import { NLB_DEFAULTS, NlbService } from '../constructs/nlb-service';
import { PdbPolicy } from '../constructs/pdb-policy';
import { formatProblem, seconds } from '../private/validation';
import { AiInferenceSpec } from '../spec/spec';
import {
  deploymentWiring,
  networkPolicyWiring,
  nlbWiring,
  pdbWiring,
  shapeProblems,
  throwIfProblems,
  wiringProblems,
} from './wiring';

export interface AiInferenceChartProps extends ChartProps {
  /** The whole service, in one typed spec. */
  readonly spec: AiInferenceSpec;
}

/**
 * One inference service: maps the validated spec onto the constructs. Everything is
 * validated before any object is built; relations between objects are checked at synth.
 */
export class AiInferenceChart extends Chart {
  readonly spec: AiInferenceSpec;
  readonly deployment: InferenceDeployment;
  readonly services: NlbService;
  readonly pdb: PdbPolicy;
  readonly networkPolicy?: InferenceNetworkPolicy;

  constructor(scope: Construct, id: string, props: AiInferenceChartProps) {
    // Every object sets its own namespace; a chart-wide one would also land on the Namespace.
    super(scope, id, props);
    const spec = props.spec;
    this.spec = spec;

    // 1. Validate everything first: spec shape, then each construct's props.
    throwIfProblems(`AiInferenceChart ${id}: spec`, shapeProblems(spec));
    const autoscaled = false;
    const replicaFloor = spec.replicas ?? INFERENCE_DEPLOYMENT_DEFAULTS.replicas;
    const wirings = {
      deployment: deploymentWiring(spec, autoscaled),
      services: nlbWiring(spec),
      pdb: pdbWiring(spec, replicaFloor, 'replicas'),
      networkPolicy: networkPolicyWiring(spec),
    };
    throwIfProblems(
      `AiInferenceChart ${id}: spec`,
      Object.values(wirings).flatMap((w) => (w ? wiringProblems(w) : [])),
    );

    // 2. Build.
    if (spec.createNamespace) {
      new k8s.KubeNamespace(this, 'Namespace', {
        metadata: {
          name: spec.namespace,
          labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [POD_READINESS_GATE_LABEL]: 'enabled' },
        },
      });
    }
    this.deployment = new InferenceDeployment(this, 'Deployment', wirings.deployment.props);
    this.services = new NlbService(this, 'Services', wirings.services.props);
    this.pdb = new PdbPolicy(this, 'Disruption', wirings.pdb.props);
    if (wirings.networkPolicy) this.networkPolicy = new InferenceNetworkPolicy(this, 'NetworkPolicy', wirings.networkPolicy.props);

    // 3. Relations checked at synth.
    this.node.addValidation({ validate: () => this.drainProblems() });
  }

  /** The NLB must finish draining a pod before the kubelet kills it. */
  private drainProblems(): string[] {
    const lb = this.spec.traffic?.loadBalancer;
    if (!lb) return [];
    const delay = seconds(lb.deregistrationDelay ?? NLB_DEFAULTS.deregistrationDelay);
    const grace = seconds(this.spec.shutdown?.gracePeriod ?? INFERENCE_DEPLOYMENT_DEFAULTS.gracePeriod);
    if (delay <= grace) return [];
    return [
      formatProblem(
        ['traffic', 'loadBalancer', 'deregistrationDelay'],
        lb.deregistrationDelay,
        `exceeds shutdown.gracePeriod (${grace}s): the pod is killed while the NLB still drains its connections; lower the delay or raise the grace period`,
      ),
    ];
  }
}
