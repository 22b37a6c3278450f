import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import { buildDashboard, DashboardInput, dashboardToJson, GrafanaDashboardJson } from '../dashboard';
import { DASHBOARD_DEFAULTS } from '../spec/monitoring';
import { parseOrThrow } from '../spec/problems';
import { zDnsLabel, zDnsSubdomain, zLabelKey, zLabelValue } from '../spec/values';

/** A label key and value. */
export interface SidecarLabel {
  readonly key: string;
  readonly value: string;
}

/**
 * Where and how a dashboard ConfigMap is written: everything but the dashboard itself.
 * Shared by GrafanaDashboard (one service) and PlatformOverviewDashboard (the platform).
 */
export interface DashboardConfigMapProps {
  /** Name of the ConfigMap. */
  readonly name: string;
  /** Namespace of the ConfigMap: one the Grafana sidecar watches. */
  readonly namespace: string;
  /**
   * Labels of the ConfigMap, besides the sidecar label.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * The label the Grafana dashboard sidecar (kiwigrid k8s-sidecar, as the grafana and
   * kube-prometheus-stack charts deploy it) selects ConfigMaps by.
   * @default { key: 'grafana_dashboard', value: '1' }
   */
  readonly sidecarLabel?: SidecarLabel;
  /**
   * Grafana folder to file the dashboard in, written to `folderAnnotation`.
   * @default - no annotation: the sidecar's default folder
   */
  readonly folder?: string;
  /**
   * Annotation key the sidecar reads the folder from (its `folderAnnotation` setting).
   * @default 'grafana_folder'
   */
  readonly folderAnnotation?: string;
}

export interface GrafanaDashboardProps extends DashboardConfigMapProps {
  /** The dashboard: title, uid, metric scope, SLO and autoscaler values. */
  readonly dashboard: DashboardInput;
}

/**
 * Defaults of a GrafanaDashboard: the grafana chart's dashboard sidecar (its label is the
 * monitoring section's, DASHBOARD_DEFAULTS). The props schema fills them in when it parses.
 */
export const GRAFANA_DASHBOARD_DEFAULTS: Required<Pick<DashboardConfigMapProps, 'labels' | 'sidecarLabel' | 'folderAnnotation'>> = {
  labels: {},
  sidecarLabel: DASHBOARD_DEFAULTS.sidecarLabel,
  folderAnnotation: 'grafana_folder',
};

/**
 * A ConfigMap that the Grafana sidecar loads as a dashboard: one key, `<uid>.json`,
 * holding the dashboard JSON with sorted keys (same props, same bytes).
 */
export class GrafanaDashboard extends Construct {
  /** The ConfigMap holding the dashboard. */
  readonly configMap: k8s.KubeConfigMap;
  /** The dashboard's JSON model. */
  readonly dashboard: GrafanaDashboardJson;
  /** The ConfigMap key holding the dashboard: `<uid>.json`. */
  readonly fileName: string;
  /** The dashboard as stored in the ConfigMap. */
  readonly json: string;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    const p = parseOrThrow(grafanaDashboardPropsSchema, props, `GrafanaDashboard ${this.node.path}`);

    this.dashboard = buildDashboard(props.dashboard);
    ({ configMap: this.configMap, fileName: this.fileName, json: this.json } = dashboardConfigMap(this, p, this.dashboard));
  }
}

/** The ConfigMap a dashboard construct writes, its one key and the text under it. */
export interface DashboardConfigMap {
  readonly configMap: k8s.KubeConfigMap;
  /** `<uid>.json`. */
  readonly fileName: string;
  /** The dashboard JSON, keys sorted. */
  readonly json: string;
}

/**
 * Writes `dashboard` into a ConfigMap (construct id `Resource` under `scope`) the sidecar
 * loads: the sidecar label beside the given labels, the folder annotation when a folder is
 * set, one key `<uid>.json` holding the dashboard with sorted keys.
 */
export function dashboardConfigMap(scope: Construct, p: ResolvedDashboardConfigMapProps, dashboard: GrafanaDashboardJson): DashboardConfigMap {
  const fileName = `${dashboard.uid}.json`;
  const json = dashboardToJson(dashboard);
  const configMap = new k8s.KubeConfigMap(scope, 'Resource', {
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: { ...p.labels, [p.sidecarLabel.key]: p.sidecarLabel.value },
      ...(p.folder !== undefined ? { annotations: { [p.folderAnnotation]: p.folder } } : {}),
    },
    data: { [fileName]: json },
  });
  return { configMap, fileName, json };
}

/** DashboardConfigMapProps with defaults filled in. */
export type ResolvedDashboardConfigMapProps = Required<Omit<DashboardConfigMapProps, 'folder'>> & Pick<DashboardConfigMapProps, 'folder'>;

/** GrafanaDashboardProps with defaults filled in. */
type ResolvedGrafanaDashboardProps = ResolvedDashboardConfigMapProps & Pick<GrafanaDashboardProps, 'dashboard'>;

/**
 * The props schema of a dashboard construct: the ConfigMap fields with their defaults and
 * rules, and `dashboard` checked by the given schema (the builder validates its content).
 */
export function dashboardConfigMapPropsSchema<D extends z.ZodTypeAny>(dashboard: D) {
  return z
    .object({
      name: zDnsSubdomain,
      namespace: zDnsLabel,
      dashboard,
      labels: z.record(zLabelValue).default(GRAFANA_DASHBOARD_DEFAULTS.labels),
      sidecarLabel: z.object({ key: zLabelKey, value: zLabelValue }).default(GRAFANA_DASHBOARD_DEFAULTS.sidecarLabel),
      folder: z.string().min(1, 'must not be empty; omit it for the default folder').optional(),
      folderAnnotation: zLabelKey.default(GRAFANA_DASHBOARD_DEFAULTS.folderAnnotation),
    })
    .superRefine((props, ctx) => {
      for (const key of Object.keys(props.labels)) {
        const parsed = zLabelKey.safeParse(key);
        if (!parsed.success) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['labels', key], message: parsed.error.issues[0].message });
        }
      }
      const { key, value } = props.sidecarLabel;
      if (key in props.labels && props.labels[key] !== value) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['labels', key],
          message: `conflicts with the sidecar label ${key}=${value}; set it through sidecarLabel or remove it from labels`,
        });
      }
    });
}

export const grafanaDashboardPropsSchema = dashboardConfigMapPropsSchema(
  z.custom<DashboardInput>((v) => v !== null && typeof v === 'object', {
    message: 'must be a DashboardInput object; pass the dashboard description',
  }),
) satisfies z.ZodType<ResolvedGrafanaDashboardProps, z.ZodTypeDef, GrafanaDashboardProps>;
