import { Chart, ChartProps, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  LABEL_MANAGED_BY,
  LABEL_PART_OF,
  MANAGED_BY,
  PLATFORM_CHART_WARNING_IDS,
  POD_READINESS_GATE_LABEL,
  PLATFORM_INGRESS_COMPONENT,
  PLATFORM_OVERVIEW_COMPONENT,
  SUPPRESSED_WARNINGS_ANNOTATION,
  HTTP_PORT_NAME,
  platformLabels,
  platformObjectNames,
} from '../conventions';
import { IngressControllerServiceMonitor } from '../constructs/ingress-controller-monitor';
import { KarpenterNodePool, GPU_NODE_TAINT, limitsForNodeCount } from '../constructs/karpenter-node-pool';
import { NginxIngress } from '../constructs/nginx-ingress';
import { PlatformOverviewDashboard } from '../constructs/platform-dashboard';
import { dashboardUid, resolveDashboardInput } from '../dashboard/input';
import { PriorityClasses } from '../constructs/priority-classes';
import { PlatformResourceQuota, QuotaWorkload, quotaShortfallNote, quotaShortfalls, cpuMillicores, sizeBytes } from '../constructs/resource-quota';
import { TraefikIngressRoute } from '../constructs/traefik-ingress-route';
import { IngressRoute } from '../providers/ingress-routes';
import { IngressNginxOptions } from '../providers/ingress-nginx';
import { TraefikRouteOptions } from '../providers/traefik';
import { MODEL_DOWNLOAD_RESOURCES, rolloutBudget } from '../spec/workload';
import { PlatformIngress, PlatformSpec, resolveIngressController, resolvePlatform } from '../spec/platform';
import { cpuCores } from '../spec/values';
import { InferenceServiceConstructs, buildService, needsReadinessGates } from './build-service';
import { IdentifiedWarning } from './warnings';
import { escapeForHelmAtSynth } from './helm';
import { CheckedWorkload, checkedPlatform } from './platform-validate';
import { renderChart } from './synth';
import { checkedAtSynth } from './synth-checks';
import { applySuppressions, printOnceAtSynth, suppressionAnnotation } from './warnings';

/** A warning the spec (platform or workload) suppresses, with its reason. */
export type SuppressedPlatformWarning = IdentifiedWarning & { readonly reason: string };

export interface InferencePlatformChartProps extends ChartProps {
  /** The platform: its namespace, workloads and shared objects. */
  readonly spec: PlatformSpec;
}

/**
 * Several inference workloads in one namespace, with what they share: PriorityClasses, a
 * ResourceQuota, an ingress (ingress-nginx or Traefik) in front of them and Karpenter node
 * pools under them. Each workload is built by the same builder as AiInferenceChart, so a
 * workload here is exactly the objects of its spec synthesized alone. Every workload and
 * every rule between them is checked before any object is built.
 */
export class InferencePlatformChart extends Chart {
  readonly spec: PlatformSpec;
  /** Each workload's objects, by release. */
  readonly workloads: Readonly<Record<string, InferenceServiceConstructs>>;
  readonly namespaceObject?: k8s.KubeNamespace;
  readonly priorityClasses?: PriorityClasses;
  readonly quota?: PlatformResourceQuota;
  /** The ingress: an NginxIngress (ingress-nginx) or a TraefikIngressRoute (traefik). */
  readonly ingress?: NginxIngress | TraefikIngressRoute;
  /** The ServiceMonitor of the ingress-nginx controller's own metrics. */
  readonly ingressMonitor?: IngressControllerServiceMonitor;
  readonly nodePools: readonly KarpenterNodePool[];
  /** The platform overview dashboard (spec.dashboard, on by default). */
  readonly overviewDashboard?: PlatformOverviewDashboard;
  /** Warnings of the workloads (prefixed with their place) and of the platform, less the suppressed ones. */
  readonly warnings: readonly IdentifiedWarning[];
  readonly suppressedWarnings: readonly SuppressedPlatformWarning[];

  constructor(scope: Construct, id: string, props: InferencePlatformChartProps) {
    // 1. Validate every workload and every rule between them before the chart joins the app.
    const { spec, workloads } = checkedPlatform(`InferencePlatformChart ${id}: spec`, props.spec);
    super(scope, id, props);
    this.spec = spec;
    const names = platformObjectNames(spec.name);
    const resolved = resolvePlatform(spec);
    const partOf = { [LABEL_PART_OF]: spec.name };

    // 2. Build: shared objects first (the namespace, priorities and quota admit the pods).
    if (resolved.createNamespace) {
      const nlb = workloads.some((w) => needsReadinessGates(w.wirings));
      this.namespaceObject = new k8s.KubeNamespace(this, 'Namespace', {
        // The readiness-gate label is the AWS Load Balancer Controller's: not on GKE.
        metadata: { name: spec.namespace, labels: { [LABEL_MANAGED_BY]: MANAGED_BY, ...partOf, ...(nlb ? { [POD_READINESS_GATE_LABEL]: 'enabled' } : {}) } },
      });
    }
    const notes: IdentifiedWarning[] = [];
    if (spec.priorityClasses) {
      this.priorityClasses = new PriorityClasses(this, 'PriorityClasses', { classes: spec.priorityClasses, partOf: spec.name });
      notes.push(...this.priorityClasses.notes);
    }
    if (spec.quota) {
      this.quota = new PlatformResourceQuota(this, 'Quota', { namespace: spec.namespace, name: names.quota, hard: spec.quota, partOf: spec.name });
      notes.push(...quotaShortfalls(spec.quota, workloads.map(quotaWorkload)).map((s) => quotaShortfallNote(spec.namespace, s)));
    }

    const built: Record<string, InferenceServiceConstructs> = {};
    for (const w of workloads) {
      const services = buildService(new Construct(this, w.spec.release), w.spec, w.wirings);
      built[w.spec.release] = services;
      // The pods come after what admits them.
      if (this.namespaceObject) services.deployment.node.addDependency(this.namespaceObject);
      if (this.priorityClasses) services.deployment.node.addDependency(this.priorityClasses);
      if (this.quota) services.deployment.node.addDependency(this.quota);
    }
    this.workloads = built;

    if (spec.ingress) {
      const ingress = this.buildIngress(spec, spec.ingress, workloads, built, names);
      this.ingress = ingress.construct;
      this.ingressMonitor = ingress.monitor;
      notes.push(...ingress.notes);
    }

    this.nodePools = resolved.nodePools.map((pool) => {
      const sized = limitsForNodeCount({ pool: pool.name, maxNodes: pool.maxNodes, minNodes: pool.minNodes, instanceTypes: pool.instanceTypes });
      const np = new KarpenterNodePool(this, `NodePool-${pool.name}`, {
        name: pool.name,
        nodeClassName: pool.nodeClassName,
        instanceTypes: pool.instanceTypes,
        limits: sized.limits,
        // GPU nodes only for pods that tolerate the GPU taint (the GPU workloads do by default).
        // Left out, the construct decides from the instance types (tainted when all carry GPUs).
        ...(pool.gpu !== undefined ? { taints: pool.gpu ? [GPU_NODE_TAINT] : [] } : {}),
        partOf: spec.name,
      });
      notes.push(...sized.notes, ...np.notes);
      return np;
    });

    // The overview beside the workloads' own dashboards, where the workloads have dashboards.
    const dashboards = workloads.flatMap((w) => (w.wirings.monitoring?.dashboard ? [{ ...w.wirings.monitoring.dashboard.props, input: resolveDashboardInput(w.wirings.monitoring.dashboard.props.dashboard) }] : []));
    if (resolved.dashboard && dashboards.length > 0) {
      const first = dashboards[0];
      this.overviewDashboard = new PlatformOverviewDashboard(this, 'OverviewDashboard', {
        name: names.overviewDashboard,
        namespace: first.namespace,
        labels: platformLabels(PLATFORM_OVERVIEW_COMPONENT, spec.name),
        sidecarLabel: first.sidecarLabel,
        folder: first.folder,
        dashboard: {
          title: `${spec.name} platform (${spec.namespace})`,
          uid: dashboardUid(spec.namespace, `${spec.name}-overview`),
          namespace: spec.namespace,
          dcgm: first.dashboard.dcgm,
          workloads: dashboards.map(({ input }) => ({
            release: input.deploymentName,
            deploymentName: input.deploymentName,
            hpaName: input.hpaName,
            job: input.scope.job,
            preset: input.preset,
            gpus: input.gpuSeries,
            latencyP95Seconds: input.slo.latencyP95Seconds,
            maxReplicas: input.maxReplicas,
          })),
        },
      });
    }

    // 3. Warnings: each workload's (its spec's suppressions apply), then the platform's.
    const shown: IdentifiedWarning[] = [];
    const suppressed: SuppressedPlatformWarning[] = [];
    for (const w of workloads) {
      const own = applySuppressions(w.findings.warnings, w.spec.warnings?.suppress);
      const where = `${w.path} (${w.spec.release})`;
      shown.push(...own.shown.map((x) => ({ ...x, message: `${where}: ${x.message}` })));
      suppressed.push(...own.suppressed.map((x) => ({ ...x, message: `${where}: ${x.message}` })));
    }
    const platform = applySuppressions(notes, spec.warnings?.suppress);
    // The platform's own suppressions, with their reasons, go into the output on its Namespace
    // (the workloads' are on their Deployments).
    const accepted = spec.warnings?.suppress ?? [];
    if (accepted.length > 0 && this.namespaceObject) this.namespaceObject.metadata.addAnnotation(SUPPRESSED_WARNINGS_ANNOTATION, suppressionAnnotation(accepted));
    this.warnings = [...shown, ...platform.shown];
    this.suppressedWarnings = [...suppressed, ...platform.suppressed];
    printOnceAtSynth(this, this.warnings);
    escapeForHelmAtSynth(this);
  }

  /** Renders the chart from its own constructs, as AiInferenceChart does (synth.ts). */
  override toJson(): any[] {
    return checkedAtSynth(`InferencePlatformChart ${this.node.path}`, renderChart(this));
  }

  private buildIngress(
    spec: PlatformSpec,
    ingress: PlatformIngress,
    workloads: readonly CheckedWorkload[],
    built: Readonly<Record<string, InferenceServiceConstructs>>,
    names: ReturnType<typeof platformObjectNames>,
  ): { construct: NginxIngress | TraefikIngressRoute; notes: IdentifiedWarning[]; monitor?: IngressControllerServiceMonitor } {
    const routes: IngressRoute[] = ingress.routes.map((r) => {
      // The internal ClusterIP Service exists (platform-validate.ts refuses traffic.internal false).
      const service = built[r.workload].services.internal!;
      const port = service.toJson().spec.ports.find((p: k8s.ServicePort) => p.name === HTTP_PORT_NAME).port as number;
      return { path: r.path, service, port };
    });
    const labels = platformLabels(PLATFORM_INGRESS_COMPONENT, spec.name);
    const controller = resolveIngressController(ingress);
    const notes: IdentifiedWarning[] = [];
    if (!ingress.tls) {
      notes.push({
        id: PLATFORM_CHART_WARNING_IDS.ingressWithoutTls,
        message: `ingress.tls (not set): ${ingress.host} is served in plain HTTP, requests and answers readable on the way; set ingress.tls { clusterIssuer } so cert-manager issues its certificate`,
      });
    }
    if (ingress.provider === 'traefik') {
      if (ingress.loadBalancing === 'least-connections') {
        notes.push({
          id: PLATFORM_CHART_WARNING_IDS.traefikLeastConnections,
          message: `ingress.loadBalancing ("least-connections") is not a Traefik strategy: Traefik balances a Kubernetes Service's endpoints by weighted round robin; the routes use that`,
        });
      }
      const construct = new TraefikIngressRoute(this, 'Ingress', {
        name: names.ingress,
        namespace: spec.namespace,
        host: ingress.host,
        tls: ingress.tls!,
        routes,
        labels,
        traefik: traefikOptions(ingress),
      });
      notes.push(...construct.notes);
      return { construct, notes };
    }
    // The controller's own request, latency and certificate series, beside the workloads'.
    let monitor: IngressControllerServiceMonitor | undefined;
    const monitoring = workloads.find((w) => w.wirings.monitoring && w.wirings.monitoring.backend !== 'gmp')?.wirings.monitoring;
    if (monitoring) {
      monitor = new IngressControllerServiceMonitor(this, 'IngressControllerMonitor', {
        name: names.ingressControllerMonitor,
        namespace: spec.namespace,
        controllerNamespace: controller.namespace,
        ...(ingress.controller?.release ? { release: ingress.controller.release } : {}),
        operatorSelectorLabels: monitoring.operatorSelectorLabels,
        labels: platformLabels(PLATFORM_INGRESS_COMPONENT, spec.name),
      });
    }
    const construct = new NginxIngress(this, 'Ingress', {
      name: names.ingress,
      namespace: spec.namespace,
      ingressClassName: ingress.className,
      host: ingress.host,
      tls: ingress.tls,
      routes,
      nginx: nginxOptions(ingress),
      labels,
    });
    notes.push(...construct.notes);
    return { construct, notes, monitor };
  }
}

/** What one workload asks of the quota at its most pods. */
function quotaWorkload(w: CheckedWorkload): QuotaWorkload {
  const workload = w.wirings.resolved.workload;
  const r = workload.resources;
  // A pod's effective request is the larger of its containers' sum and any init container's.
  const init = workload.download.initContainer ? { cpuMillis: Math.round(cpuCores(MODEL_DOWNLOAD_RESOURCES.cpu) * 1000), memoryBytes: sizeBytes(MODEL_DOWNLOAD_RESOURCES.memory) } : { cpuMillis: 0, memoryBytes: 0 };
  const surge = rolloutBudget(workload.scheduling.rollout.strategy).maxSurge;
  return {
    name: w.spec.release,
    maxReplicas: w.wirings.resolved.replicas.max + surge,
    perPod: {
      gpus: r.gpu.count,
      cpuMillis: Math.max(cpuMillicores(r.cpu.request), init.cpuMillis),
      memoryBytes: Math.max(sizeBytes(r.memory.request), init.memoryBytes),
    },
  };
}

/** The provider-neutral settings as ingress-nginx options, under the spec's own ingress.nginx ones. */
function nginxOptions(i: PlatformIngress): IngressNginxOptions {
  return { ...neutralNginxOptions(i), ...i.nginx };
}

function neutralNginxOptions(i: PlatformIngress): IngressNginxOptions {
  return {
    ...(i.rateLimitPerMinute !== undefined ? { rateLimit: { requestsPerMinute: i.rateLimitPerMinute } } : {}),
    ...(i.timeout !== undefined ? { timeouts: { read: i.timeout, send: i.timeout } } : {}),
    ...(i.maxBodySize !== undefined ? { bodySize: i.maxBodySize } : {}),
    ...(i.loadBalancing !== undefined ? { loadBalancing: i.loadBalancing } : {}),
    ...(i.retries !== undefined ? { retry: { tries: i.retries.attempts, ...(i.retries.on ? { on: [...i.retries.on] } : {}), ...(i.retries.timeout ? { timeout: i.retries.timeout } : {}) } } : {}),
  };
}

/** The provider-neutral settings as Traefik options, under the spec's own ingress.traefik ones. */
function traefikOptions(i: PlatformIngress): TraefikRouteOptions {
  return { ...neutralTraefikOptions(i), ...i.traefik };
}

function neutralTraefikOptions(i: PlatformIngress): TraefikRouteOptions {
  const statuses = (i.retries?.on ?? []).filter((c) => c.startsWith('http_')).map((c) => Number(c.slice(5)));
  return {
    ...(i.rateLimitPerMinute !== undefined ? { rateLimit: { average: i.rateLimitPerMinute, period: Duration.minutes(1) } } : {}),
    ...(i.timeout !== undefined ? { proxyTimeout: i.timeout } : {}),
    ...(i.maxBodySize !== undefined ? { maxRequestBody: i.maxBodySize } : {}),
    ...(i.retries !== undefined ? { retry: { attempts: i.retries.attempts, ...(statuses.length > 0 ? { onStatus: statuses } : {}), ...(i.retries.timeout ? { timeout: i.retries.timeout } : {}) } } : {}),
  };
}
