import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { SUPPRESSED_WARNINGS_ANNOTATION, SUPPRESS_RULES_ANNOTATION } from '../conventions';
import { GpuHpa } from '../constructs/gpu-hpa';
import { InferenceDeployment } from '../constructs/inference-deployment';
import { InferenceNetworkPolicy } from '../constructs/inference-network-policy';
import { KedaScaledObject } from '../constructs/keda-scaled-object';
import { NlbService } from '../constructs/nlb-service';
import { GkeL4Service } from '../constructs/gke-l4-service';
import { PdbPolicy } from '../constructs/pdb-policy';
import { PrometheusAdapterRules } from '../constructs/prometheus-adapter-rules';
import { VpaRecommender } from '../constructs/vpa-recommender';
import { ProvisioningRequest } from '../constructs/provisioning-request';
import { GrafanaDashboard } from '../constructs/grafana-dashboard';
import { PrometheusRules } from '../constructs/prometheus-rules';
import { InferenceServiceMonitor } from '../constructs/service-monitor';
import { GmpPodMonitoring } from '../constructs/gmp-pod-monitoring';
import { GmpRules } from '../constructs/gmp-rules';
import { workloadOf } from '../constructs/workload-target';
import { AiInferenceSpec } from '../spec/spec';
import { ChartWirings } from './wiring';
import { suppressionAnnotation } from './warnings';

/** Every object of one inference service, as the builder made them. */
export interface InferenceServiceConstructs {
  readonly deployment: InferenceDeployment;
  /** The Services: an NlbService (traffic.loadBalancer provider aws-nlb, or none) or a GkeL4Service (gke-l4). */
  readonly services: NlbService | GkeL4Service;
  readonly pdb: PdbPolicy;
  readonly networkPolicy?: InferenceNetworkPolicy;
  /** The HPA (prometheus-adapter backend). */
  readonly hpa?: GpuHpa;
  /** The adapter rules serving the HPA's custom metrics. */
  readonly adapterRules?: PrometheusAdapterRules;
  /** The ScaledObject (keda backend). */
  readonly scaledObject?: KedaScaledObject;
  readonly vpa?: VpaRecommender;
  /** The ProvisioningRequest and its PodTemplate (capacity.queuedProvisioning). */
  readonly provisioningRequest?: ProvisioningRequest;
  readonly serviceMonitor?: InferenceServiceMonitor;
  readonly prometheusRules?: PrometheusRules;
  /** The GMP PodMonitoring (monitoring.backend gmp; none with Ollama). */
  readonly podMonitoring?: GmpPodMonitoring;
  /** The GMP Rules (monitoring.backend gmp): the same recording rules and alerts as the PrometheusRule. */
  readonly gmpRules?: GmpRules;
  readonly dashboard?: GrafanaDashboard;
}

/**
 * Builds one service's objects under `scope` from its validated spec and wirings (checkedWirings):
 * the one builder behind AiInferenceChart and InferencePlatformChart, so a workload of a
 * platform is the same objects as its spec synthesized alone. The Namespace, the warnings and
 * Helm escaping belong to the chart, not to a service.
 */
export function buildService(scope: Construct, spec: AiInferenceSpec, wirings: ChartWirings): InferenceServiceConstructs {
  const monitoring = wirings.monitoring;
  const deployment = new InferenceDeployment(scope, 'Deployment', wirings.deployment.props);
  const workload = deployment;
  // The chart checks the VPA bounds and the GPU signal against the spec itself, with the
  // spec's paths (consistency.ts); the autoscalers are not told the requests and GPUs
  // again, so each problem is reported once.
  const scaled = { ...workloadOf(workload), requests: undefined, gpuCount: undefined };
  const servicesWiring = wirings.services;
  const services =
    servicesWiring.provider === 'gke-l4'
      ? new GkeL4Service(scope, 'Services', { ...servicesWiring.props, workload })
      : new NlbService(scope, 'Services', { ...servicesWiring.props, workload });
  // Readiness gates are injected only into pods created after the Service's target group
  // binding exists, so the Services come before the Deployment in the output (and in a
  // first `kubectl apply -f`). cdk8s writes a chart's objects in dependency order
  // (cdk8s 2.70 app.js chartToKube: DependencyGraph topology; a construct dependency is
  // turned into one between every ApiObject under each side, resolveDependencies).
  deployment.node.addDependency(services);
  // Queued provisioning: the PodTemplate and the request come before the pods that
  // consume it (the request names the template; the pods' annotation names the request).
  let provisioningRequest: ProvisioningRequest | undefined;
  if (wirings.capacity) {
    provisioningRequest = new ProvisioningRequest(scope, 'Capacity', { ...wirings.capacity.props, workload });
    deployment.node.addDependency(provisioningRequest);
  }
  const built: Mutable<InferenceServiceConstructs> = {
    deployment,
    services,
    provisioningRequest,
    pdb: new PdbPolicy(scope, 'Disruption', { ...wirings.pdb.props, workload }),
  };
  if (wirings.networkPolicy) built.networkPolicy = new InferenceNetworkPolicy(scope, 'NetworkPolicy', wirings.networkPolicy.props);
  if (wirings.hpa) built.hpa = new GpuHpa(scope, 'Autoscaler', { ...wirings.hpa.props, workload: scaled });
  if (wirings.adapter) built.adapterRules = new PrometheusAdapterRules(scope, 'AdapterRules', wirings.adapter.props);
  if (wirings.keda) built.scaledObject = new KedaScaledObject(scope, 'ScaledObject', { ...wirings.keda.props, workload: scaled });
  if (wirings.vpa) built.vpa = new VpaRecommender(scope, 'Vpa', { ...wirings.vpa.props, workload: scaled });
  // Ollama exports no Prometheus metrics: no ServiceMonitor or PodMonitoring scrapes a port where nothing serves them.
  const scraped = (spec.server?.engine ?? 'generic') !== 'ollama';
  if (monitoring && monitoring.backend === 'gmp') {
    // GKE's managed Prometheus: a PodMonitoring and a Rules.
    if (scraped) built.podMonitoring = new GmpPodMonitoring(scope, 'PodMonitoring', { ...monitoring.podMonitoring!.props, workload });
    built.gmpRules = new GmpRules(scope, 'GmpRules', { name: monitoring.ruleName, namespace: spec.namespace, alerts: monitoring.rules.props, labels: monitoring.labels });
  } else if (monitoring) {
    if (scraped) built.serviceMonitor = new InferenceServiceMonitor(scope, 'ServiceMonitor', { ...monitoring.serviceMonitor.props, workload });
    built.prometheusRules = new PrometheusRules(scope, 'Rules', {
      name: monitoring.ruleName,
      namespace: spec.namespace,
      alerts: monitoring.rules.props,
      operatorSelectorLabels: monitoring.operatorSelectorLabels,
      labels: monitoring.labels,
    });
  }
  if (monitoring?.dashboard) built.dashboard = new GrafanaDashboard(scope, 'Dashboard', monitoring.dashboard.props);
  // The suppressions, with their reasons, go into the output; a policy rule's on every object
  // of the service, where the rule pack reads it.
  const suppressions = spec.warnings?.suppress ?? [];
  if (suppressions.length > 0) deployment.deployment.metadata.addAnnotation(SUPPRESSED_WARNINGS_ANNOTATION, suppressionAnnotation(suppressions));
  const rules = suppressions.filter((s) => s.id.startsWith(RULE_ID_PREFIX));
  if (rules.length > 0) {
    for (const obj of scope.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c))) {
      obj.metadata.addAnnotation(SUPPRESS_RULES_ANNOTATION, suppressionAnnotation(rules));
    }
  }
  return built;
}

/**
 * Whether the service's namespace needs the AWS Load Balancer Controller's readiness-gate
 * label: only for an NLB the controller binds targets of (no load balancer, or GKE's, has no
 * target group whose health the pods could wait for).
 */
export function needsReadinessGates(wirings: ChartWirings): boolean {
  return wirings.services.provider === 'aws-nlb' && wirings.resolved.traffic.loadBalancer !== undefined;
}

/** Policy rule ids start so (RULE_IDS); chart warnings are AII-W. */
const RULE_ID_PREFIX = 'AII-R';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
