import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import { GrafanaDashboardJson } from '../dashboard/model';
import { buildPlatformOverview, PlatformOverviewInput } from '../dashboard/platform-overview';
import { parseOrThrow } from '../spec/problems';
import { DashboardConfigMapProps, dashboardConfigMap, dashboardConfigMapPropsSchema, ResolvedDashboardConfigMapProps } from './grafana-dashboard';

export interface PlatformOverviewDashboardProps extends DashboardConfigMapProps {
  /** The overview: title, uid, namespace and its workloads. */
  readonly dashboard: PlatformOverviewInput;
}

/**
 * The platform overview dashboard (buildPlatformOverview) in a ConfigMap the Grafana
 * sidecar loads, written exactly like a service's GrafanaDashboard: the sidecar label, the
 * folder annotation when a folder is set, one key `<uid>.json` with sorted keys.
 */
export class PlatformOverviewDashboard extends Construct {
  /** The ConfigMap holding the dashboard. */
  readonly configMap: k8s.KubeConfigMap;
  /** The dashboard's JSON model. */
  readonly dashboard: GrafanaDashboardJson;
  /** The ConfigMap key holding the dashboard: `<uid>.json`. */
  readonly fileName: string;
  /** The dashboard as stored in the ConfigMap. */
  readonly json: string;

  constructor(scope: Construct, id: string, props: PlatformOverviewDashboardProps) {
    super(scope, id);
    const p = parseOrThrow(platformOverviewDashboardPropsSchema, props, `PlatformOverviewDashboard ${this.node.path}`);

    this.dashboard = buildPlatformOverview(props.dashboard);
    ({ configMap: this.configMap, fileName: this.fileName, json: this.json } = dashboardConfigMap(this, p, this.dashboard));
  }
}

type ResolvedPlatformOverviewDashboardProps = ResolvedDashboardConfigMapProps & Pick<PlatformOverviewDashboardProps, 'dashboard'>;

export const platformOverviewDashboardPropsSchema = dashboardConfigMapPropsSchema(
  z.custom<PlatformOverviewInput>((v) => v !== null && typeof v === 'object', {
    message: 'must be a PlatformOverviewInput object; pass the overview description',
  }),
) satisfies z.ZodType<ResolvedPlatformOverviewDashboardProps, z.ZodTypeDef, PlatformOverviewDashboardProps>;
