import { Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LABEL_MANAGED_BY, MANAGED_BY, POD_READINESS_GATE_LABEL, SUPPRESSED_WARNINGS_ANNOTATION } from '../conventions';
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
import { Warning } from './consistency';
import { escapeForHelmAtSynth } from './helm';
import { renderChart } from './synth';
import { checkedWirings } from './validate';
import { SuppressedWarning, applySuppressions, printOnceAtSynth, suppressionAnnotation } from './warnings';

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
  /**
   * Findings that do not fail synth (e.g. AII-W001, no capacity headroom), less the ones the
   * spec suppresses; printed once when the chart is first synthesized.
   */
  readonly warnings: readonly Warning[];
  /** The warnings the spec suppresses (`warnings.suppress`), with their reasons; not printed. */
  readonly suppressedWarnings: readonly SuppressedWarning[];

  constructor(scope: Construct, id: string, props: AiInferenceChartProps) {
    // 1. Validate everything first, before the chart joins the app: every problem the spec
    // decides, the ones between objects too, is reported here at once, and an app that
    // catches the error and synthesizes anyway writes no file for this chart. What is left
    // for synth are the warnings.
    const { wirings, findings } = checkedWirings(`AiInferenceChart ${id}: spec`, props.spec);
    // Every object sets its own namespace; a chart-wide one would also land on the Namespace.
    super(scope, id, props);
    const spec = props.spec;
    this.spec = spec;
    const monitoring = wirings.monitoring;
    const { shown, suppressed } = applySuppressions(findings.warnings, spec.warnings?.suppress);
    this.warnings = shown;
    this.suppressedWarnings = suppressed;

    // 2. Build.
    if (spec.createNamespace) {
      new k8s.KubeNamespace(this, 'Namespace', {
        // The readiness-gate label is the AWS Load Balancer Controller's: not on GKE.
        metadata: { name: spec.namespace, labels: { [LABEL_MANAGED_BY]: MANAGED_BY, ...(wirings.services.provider === 'aws-nlb' ? { [POD_READINESS_GATE_LABEL]: 'enabled' } : {}) } },
      });
    }
    this.deployment = new InferenceDeployment(this, 'Deployment', wirings.deployment.props);
    const workload = this.deployment;
    // The chart checks the VPA bounds and the GPU signal against the spec itself, with the
    // spec's paths (consistency.ts); the autoscalers are not told the requests and GPUs
    // again, so each problem is reported once.
    const scaled = { ...workloadOf(workload), requests: undefined, gpuCount: undefined };
    const services = wirings.services;
    this.services =
      services.provider === 'gke-l4' ? new GkeL4Service(this, 'Services', { ...services.props, workload }) : new NlbService(this, 'Services', { ...services.props, workload });
    // Readiness gates are injected only into pods created after the Service's target group
    // binding exists, so the Services come before the Deployment in the output (and in a
    // first `kubectl apply -f`). cdk8s writes a chart's objects in dependency order
    // (cdk8s 2.70 app.js chartToKube: DependencyGraph topology; a construct dependency is
    // turned into one between every ApiObject under each side, resolveDependencies).
    this.deployment.node.addDependency(this.services);
    // Queued provisioning: the PodTemplate and the request come before the pods that
    // consume it (the request names the template; the pods' annotation names the request).
    if (wirings.capacity) {
      this.provisioningRequest = new ProvisioningRequest(this, 'Capacity', { ...wirings.capacity.props, workload });
      this.deployment.node.addDependency(this.provisioningRequest);
    }
    this.pdb = new PdbPolicy(this, 'Disruption', { ...wirings.pdb.props, workload });
    if (wirings.networkPolicy) this.networkPolicy = new InferenceNetworkPolicy(this, 'NetworkPolicy', wirings.networkPolicy.props);
    if (wirings.hpa) this.hpa = new GpuHpa(this, 'Autoscaler', { ...wirings.hpa.props, workload: scaled });
    if (wirings.adapter) this.adapterRules = new PrometheusAdapterRules(this, 'AdapterRules', wirings.adapter.props);
    if (wirings.keda) this.scaledObject = new KedaScaledObject(this, 'ScaledObject', { ...wirings.keda.props, workload: scaled });
    if (wirings.vpa) this.vpa = new VpaRecommender(this, 'Vpa', { ...wirings.vpa.props, workload: scaled });
    if (monitoring && monitoring.backend === 'gmp') {
      // GKE's managed Prometheus: a PodMonitoring (none for Ollama, which serves no metrics) and a Rules.
      if ((spec.server?.engine ?? 'generic') !== 'ollama') this.podMonitoring = new GmpPodMonitoring(this, 'PodMonitoring', { ...monitoring.podMonitoring!.props, workload });
      this.gmpRules = new GmpRules(this, 'GmpRules', { name: monitoring.ruleName, namespace: spec.namespace, alerts: monitoring.rules.props, labels: monitoring.labels });
      if (monitoring.dashboard) this.dashboard = new GrafanaDashboard(this, 'Dashboard', monitoring.dashboard.props);
    } else if (monitoring) {
      // Ollama exports no Prometheus metrics: no ServiceMonitor scrapes a port where nothing serves them.
      if ((spec.server?.engine ?? 'generic') !== 'ollama') this.serviceMonitor = new InferenceServiceMonitor(this, 'ServiceMonitor', { ...monitoring.serviceMonitor.props, workload });
      this.prometheusRules = new PrometheusRules(this, 'Rules', {
        name: monitoring.ruleName,
        namespace: spec.namespace,
        alerts: monitoring.rules.props,
        operatorSelectorLabels: monitoring.operatorSelectorLabels,
        labels: monitoring.labels,
      });
      if (monitoring.dashboard) this.dashboard = new GrafanaDashboard(this, 'Dashboard', monitoring.dashboard.props);
    }

    // 3. Output hygiene, after every object is built. The suppressions, with their reasons,
    // go into the output; the other warnings are printed once, at the chart's first synth
    // (warnings.ts); in Helm mode every `{{`/`}}` the chart writes is escaped (helm.ts).
    const suppressions = spec.warnings?.suppress ?? [];
    if (suppressions.length > 0) this.deployment.deployment.metadata.addAnnotation(SUPPRESSED_WARNINGS_ANNOTATION, suppressionAnnotation(suppressions));
    printOnceAtSynth(this, this.warnings);
    escapeForHelmAtSynth(this);
  }

  /**
   * Renders the chart as `Chart.toJson()` does, from its own constructs only: cdk8s checks
   * and resolves the whole App again for every chart it renders (App._synthChart), which
   * makes an App of N charts quadratic; `App.synth()` has checked the whole App once before
   * (synth.ts). A direct `toJson()` (`Testing.synth`) checks this chart, not the App's others.
   */
  override toJson(): any[] {
    return renderChart(this);
  }
}
