/**
 * The parts of Grafana's dashboard JSON model (schemaVersion 42, as the Grafana
 * Foundation SDK 0.0.21 writes it) that this library reads back, plus helpers that list
 * a dashboard's queries and drawn thresholds and print it deterministically. No cdk8s.
 */

/** Name of the dashboard's datasource template variable; every panel uses `${datasource}`. */
export const DATASOURCE_VARIABLE = 'datasource';

/** The datasource reference every panel and target carries. */
export const DATASOURCE_REF = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` } as const;

export interface GrafanaDatasourceRefJson {
  readonly type?: string;
  readonly uid?: string;
}

export interface GrafanaTargetJson {
  readonly refId: string;
  readonly expr: string;
  readonly legendFormat?: string;
  readonly datasource?: GrafanaDatasourceRefJson;
  readonly [key: string]: unknown;
}

export interface GrafanaThresholdStepJson {
  /** null on the base step (everything below the first real threshold). */
  readonly value: number | null;
  readonly color: string;
}

export interface GrafanaPanelJson {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource?: GrafanaDatasourceRefJson;
  readonly targets?: readonly GrafanaTargetJson[];
  readonly fieldConfig?: {
    readonly defaults: {
      readonly unit?: string;
      readonly thresholds?: { readonly mode: string; readonly steps: readonly GrafanaThresholdStepJson[] };
      readonly custom?: { readonly thresholdsStyle?: { readonly mode: string }; readonly [key: string]: unknown };
      readonly [key: string]: unknown;
    };
    readonly [key: string]: unknown;
  };
  /** Panels of a collapsed row. */
  readonly panels?: readonly GrafanaPanelJson[];
  readonly [key: string]: unknown;
}

export interface GrafanaVariableJson {
  readonly type: string;
  readonly name: string;
  readonly query?: unknown;
  readonly [key: string]: unknown;
}

export interface GrafanaDashboardJson {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly tags?: readonly string[];
  readonly templating: { readonly list: readonly GrafanaVariableJson[] };
  readonly panels: readonly GrafanaPanelJson[];
  readonly [key: string]: unknown;
}

/** One query of a dashboard, with the panel that runs it. */
export interface DashboardQuery {
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
  readonly legend?: string;
}

/**
 * Sample values for Grafana's built-in interval variables, so a panel query can be parsed
 * as PromQL the way Grafana would send it.
 */
const GRAFANA_VARIABLE_SAMPLES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\$\{__rate_interval\}|\$__rate_interval/g, '5m'],
  [/\$\{__interval\}|\$__interval(?!_)/g, '1m'],
  [/\$\{__range\}|\$__range(?!_)/g, '6h'],
];

/** Replaces Grafana's interval variables with sample durations (`$__rate_interval` → `5m`). */
export function renderGrafanaVariables(expr: string): string {
  return GRAFANA_VARIABLE_SAMPLES.reduce((text, [pattern, sample]) => text.replace(pattern, sample), expr);
}

/** Every panel, rows first-level and the panels nested in collapsed rows, in order. */
export function allPanels(dashboard: GrafanaDashboardJson): GrafanaPanelJson[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every query of the dashboard, in panel order. */
export function dashboardQueries(dashboard: GrafanaDashboardJson): DashboardQuery[] {
  return allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((t) => ({ panel: panel.title, refId: t.refId, expr: t.expr, legend: t.legendFormat })),
  );
}

/**
 * The threshold values each panel carries (panel title → values, ascending as Grafana
 * stores them; the base step, which has no value, is left out). Panels without thresholds
 * map to an empty list. Read from the JSON, so it reports what Grafana will draw.
 */
export function dashboardThresholds(dashboard: GrafanaDashboardJson): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const panel of allPanels(dashboard)) {
    if (panel.type === 'row') continue;
    const steps = panel.fieldConfig?.defaults.thresholds?.steps ?? [];
    out[panel.title] = steps.flatMap((s) => (s.value === null ? [] : [s.value]));
  }
  return out;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

/** The dashboard as JSON text with object keys sorted at every level: same dashboard, same bytes. */
export function dashboardToJson(dashboard: GrafanaDashboardJson): string {
  return `${JSON.stringify(sortKeys(dashboard), null, 2)}\n`;
}
