import { Duration } from 'cdk8s';
import { MetricScope, SeriesRef, selector } from '../metrics/presets';
import { promString } from './format';
import { promDuration } from '../private/duration';
import type { ResolvedAlertRulesInput } from './input';
import { RECORDS } from './records';

/**
 * The series selectors of one service, shared by the recording rules and the alert
 * definitions of the catalogue. Pure string building.
 *
 * Which pods are the service's. A name regex (`<release>-.*`) also matches every other
 * workload whose name starts the same way (a `<release>-canary` Deployment, a
 * `<release>-warmup` Job). A pod-template-hash pattern (`<release>-[a-z0-9]{8,10}-[a-z0-9]{5}`)
 * still matches the pods of a Job named `<release>-<8 to 10 characters>` and of a CronJob
 * named `<release>` (its Jobs are `<name>-<minutes since epoch>`), and misses ReplicaSets
 * whose hash is short (kubernetes pkg/controller/controller_utils.go ComputeHash encodes
 * the decimal FNV-32a hash, 1 to 10 characters). So the pods are selected by owner, as kube-prometheus
 * attributes pods to workloads (kube-prometheus-stack rules-1.14/k8s.rules.pod_owner.yaml,
 * record namespace_workload_pod:kube_pod_owner:relabel, workload_type deployment):
 * kube_pod_owner{owner_kind="ReplicaSet"} joined to kube_replicaset_owner{owner_kind=
 * "Deployment", owner_name=<deployment>} on the ReplicaSet name (kube-state-metrics
 * docs/metrics/workload/pod-metrics.md and replicaset-metrics.md, v2.20). The join is
 * recorded once (RECORDS.deploymentPods, head of the alert group, so the alerts after it
 * read it in the same evaluation); the name regex stays as a cheap pre-filter.
 */
export class AlertQueries {
  readonly scope: MetricScope;

  constructor(readonly input: ResolvedAlertRulesInput) {
    this.scope = input.scope;
  }

  private get ns(): string {
    return promString(this.scope.namespace);
  }

  /** A series of the service itself: namespace + job (+ the preset's matchers). */
  own(ref: SeriesRef, extra?: string, suffix = ''): string {
    return selector(ref, this.scope, extra, suffix);
  }

  /**
   * A kube-state-metrics or cAdvisor series pre-filtered to the service's pods by name
   * (namespace + pod regex). Not exact: combine with ofDeployment().
   */
  pods(metric: string, extra?: string): string {
    const parts = [`namespace=${this.ns}`, `pod=~${promString(this.scope.podRegex)}`];
    if (extra) parts.push(extra);
    return `${metric}{${parts.join(',')}}`;
  }

  /** The recorded pods of the Deployment (1 each, labels namespace, pod, deployment). */
  deploymentPods(): string {
    return `${RECORDS.deploymentPods}{namespace=${this.ns},deployment=${promString(this.input.deployment)}}`;
  }

  /** `expr` (with namespace and pod labels) kept only for the Deployment's own pods. */
  ofDeployment(expr: string): string {
    return `${expr}\nand on (namespace, pod)\n${this.deploymentPods()}`;
  }

  /** The expression recorded as RECORDS.deploymentPods: pod -> ReplicaSet -> Deployment. */
  deploymentPodsRecord(): string {
    const podOwner = this.pods('kube_pod_owner', 'owner_kind="ReplicaSet"');
    const rsOwner = `kube_replicaset_owner{namespace=${this.ns},owner_kind="Deployment",owner_name=${promString(this.input.deployment)}}`;
    return [
      'max by (namespace, pod, deployment) (',
      `  label_replace(${podOwner}, "replicaset", "$1", "owner_name", "(.*)")`,
      '  * on (namespace, replicaset) group_left (deployment)',
      `  max by (namespace, replicaset, deployment) (label_replace(${rsOwner}, "deployment", "$1", "owner_name", "(.*)"))`,
      ')',
    ].join('\n');
  }

  /**
   * A dcgm-exporter series of the Deployment's pods, by the configured pod and namespace
   * labels (`exported_pod`/`exported_namespace` when scraped without honorLabels).
   */
  gpu(metric: string): string {
    const d = this.input.dcgm;
    const series = `${metric}{${d.namespaceLabel}=${this.ns},${d.podLabel}=~${promString(this.scope.podRegex)}}`;
    let pods = this.deploymentPods();
    if (d.podLabel !== 'pod') pods = `label_replace(${pods}, ${promString(d.podLabel)}, "$1", "pod", "(.*)")`;
    if (d.namespaceLabel !== 'namespace') pods = `label_replace(${pods}, ${promString(d.namespaceLabel)}, "$1", "namespace", "(.*)")`;
    return `${series}\nand on (${d.namespaceLabel}, ${d.podLabel})\n${pods}`;
  }

  /** A kube-state-metrics HPA series of the service's autoscaler. */
  hpa(metric: string): string {
    return `${metric}{namespace=${this.ns},horizontalpodautoscaler=${promString(this.input.hpaName)}}`;
  }

  /** A kube-state-metrics Deployment series of the service's Deployment. */
  deployment(metric: string): string {
    return `${metric}{namespace=${this.ns},deployment=${promString(this.input.deployment)}}`;
  }

  /** A recorded series of this service (labels namespace and job). */
  recorded(name: string): string {
    return `${name}{namespace=${this.ns},job=${promString(this.scope.job)}}`;
  }

  /** The `q` quantile of the latency histogram over `window`. */
  quantile(q: number, window: Duration): string {
    const h = { metric: this.input.preset.latencyHistogram };
    return `histogram_quantile(${q}, sum by (namespace, job, le) (rate(${this.own(h, undefined, '_bucket')}[${promDuration(window)}])))`;
  }
}
