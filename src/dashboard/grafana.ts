/**
 * The Grafana Foundation SDK machinery every dashboard of this library is built with: the
 * lazily required SDK, the panel and row descriptions the builders fill in, the panel
 * builders, the row/panel layout and the final JSON with its queries checked as PromQL.
 * The builders (build-dashboard.ts for one service, platform-overview.ts for a namespace
 * of workloads) describe rows; only this module talks to the SDK.
 */
// The Grafana Foundation SDK is some 220 modules (about half of what `require('cdk8s-ai-inference')`
// loaded): only its types are imported here, and grafanaSdk() requires it the first time a
// dashboard is built, so charts with `monitoring.dashboard: false` and users of the other
// constructs never load it. Type-only imports are erased from the emitted JavaScript.
import type * as SdkCommon from '@grafana/grafana-foundation-sdk/common';
import type * as SdkDashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { Threshold, ThresholdsConfigBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type * as SdkPrometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import type * as SdkStat from '@grafana/grafana-foundation-sdk/stat';
import type { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import type * as SdkTimeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { assertPromql } from '../metrics/promql';
import { DashboardQuery, dashboardQueries, DATASOURCE_REF, DATASOURCE_VARIABLE, GrafanaDashboardJson, renderGrafanaVariables } from './model';
import type { PanelQuery } from './queries';

/** The SDK modules the builders use. */
interface GrafanaSdk {
  readonly common: typeof SdkCommon;
  readonly dashboard: typeof SdkDashboard;
  readonly prometheus: typeof SdkPrometheus;
  readonly stat: typeof SdkStat;
  readonly timeseries: typeof SdkTimeseries;
}

let sdk: GrafanaSdk | undefined;

/** The Grafana Foundation SDK, required on first use (the package's CommonJS "exports" subpaths). */
function grafanaSdk(): GrafanaSdk {
  sdk ??= {
    common: require('@grafana/grafana-foundation-sdk/common') as typeof SdkCommon,
    dashboard: require('@grafana/grafana-foundation-sdk/dashboard') as typeof SdkDashboard,
    prometheus: require('@grafana/grafana-foundation-sdk/prometheus') as typeof SdkPrometheus,
    stat: require('@grafana/grafana-foundation-sdk/stat') as typeof SdkStat,
    timeseries: require('@grafana/grafana-foundation-sdk/timeseries') as typeof SdkTimeseries,
  };
  return sdk;
}

/** Grafana's grid is 24 columns wide. */
export const GRID_COLUMNS = 24;
export const PANEL_HEIGHT = 8;

// Grafana dashboard uid: at most 40 characters, letters, digits, '-' and '_'.
export const GRAFANA_UID = /^[a-zA-Z0-9_-]{1,40}$/;
/** A Grafana interval string for the auto-refresh (`30s`, `1m`). */
export const GRAFANA_INTERVAL = /^[1-9][0-9]*(ms|s|m|h|d|w|y)$/;

/** A threshold step above the base: from `value` upwards the colour is `color`. */
export type Step = readonly [value: number, color: string];

/** A panel query; `color` pins its series to one colour instead of the thresholds' colour. */
export interface GrafanaQuery extends PanelQuery {
  /** A Grafana colour name (`text`, `blue`). @default - coloured by the panel's thresholds */
  readonly color?: string;
}

/** One panel, as the builders describe it. */
export interface PanelSpec {
  readonly kind: 'timeseries' | 'stat';
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly width: number;
  readonly queries: readonly GrafanaQuery[];
  /** Colour below the first step. @default 'green' */
  readonly baseColor?: string;
  /** Threshold steps, drawn as lines on time series. @default - none, nothing drawn */
  readonly steps?: readonly Step[];
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
}

/** A row and the panels under it. */
export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

/** What a dashboard carries besides its rows. */
export interface DashboardFrame {
  readonly title: string;
  readonly uid: string;
  readonly tags: readonly string[];
  readonly refresh: string;
}

/**
 * Builds the dashboard JSON model (schemaVersion 42): the frame (title, uid, tags, refresh,
 * the datasource variable), then each row followed by its panels, ids numbered from 1 in
 * that order. Every query is parsed as PromQL before the dashboard is returned.
 *
 * @throws Error naming the panel when a query does not parse
 */
export function buildGrafanaDashboard(frame: DashboardFrame, rows: readonly RowSpec[]): GrafanaDashboardJson {
  const { DashboardBuilder, DashboardCursorSync, DatasourceVariableBuilder, RowBuilder } = grafanaSdk().dashboard;
  const builder = new DashboardBuilder(frame.title)
    .uid(frame.uid)
    .tags([...frame.tags])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: 'now-6h', to: 'now' })
    .refresh(frame.refresh)
    .timezone('browser')
    .annotations([])
    .withVariable(new DatasourceVariableBuilder(DATASOURCE_VARIABLE).label('Data source').type('prometheus'));

  let nextId = 1;
  for (const row of rows) {
    builder.withRow(new RowBuilder(row.title).id(nextId++));
    for (const spec of row.panels) builder.withPanel(panel(spec, nextId++));
  }

  // The SDK's objects carry helper functions; keep only the JSON model.
  const dashboard = JSON.parse(JSON.stringify(builder.build())) as GrafanaDashboardJson;
  for (const query of dashboardQueries(dashboard)) assertDashboardQuery(query);
  return dashboard;
}

/** Throws, naming the panel and query, when a dashboard query is not valid PromQL. */
export function assertDashboardQuery(query: DashboardQuery): void {
  assertPromql(`dashboard panel "${query.panel}" query ${query.refId}`, renderGrafanaVariables(query.expr));
}

/**
 * The refId of the panel's `index`-th query: A-Z, then AA, AB, ... (a platform panel has
 * one query per workload, and may have more than 26).
 */
export function refId(index: number): string {
  const letter = (i: number) => String.fromCharCode(65 + i);
  return index < 26 ? letter(index) : refId(Math.floor(index / 26) - 1) + letter(index % 26);
}

function thresholds(spec: PanelSpec): ThresholdsConfigBuilder {
  const steps: Threshold[] = [
    { value: null, color: spec.baseColor ?? 'green' },
    ...(spec.steps ?? []).map(([value, color]) => ({ value, color })),
  ];
  const { ThresholdsConfigBuilder, ThresholdsMode } = grafanaSdk().dashboard;
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

function targets(spec: PanelSpec, instant: boolean): DataqueryBuilder[] {
  const { DataqueryBuilder } = grafanaSdk().prometheus;
  return spec.queries.map((query, i) => {
    const target = new DataqueryBuilder()
      .datasource({ ...DATASOURCE_REF })
      .refId(refId(i))
      .expr(query.expr)
      .legendFormat(query.legend);
    return instant ? target.instant() : target.range();
  });
}

/** Field overrides pinning the colour of the queries that ask for one (none: no overrides written). */
function pinColors(builder: StatPanelBuilder | TimeseriesPanelBuilder, spec: PanelSpec): void {
  spec.queries.forEach((query, i) => {
    if (query.color !== undefined) {
      builder.overrideByQuery(refId(i), [{ id: 'color', value: { mode: 'fixed', fixedColor: query.color } }]);
    }
  });
}

function panel(spec: PanelSpec, id: number): StatPanelBuilder | TimeseriesPanelBuilder {
  const sdk = grafanaSdk();
  const {
    BigValueColorMode,
    BigValueGraphMode,
    GraphThresholdsStyleConfigBuilder,
    GraphThresholdsStyleMode,
    LegendDisplayMode,
    LegendPlacement,
    ReduceDataOptionsBuilder,
    SortOrder,
    TooltipDisplayMode,
    VizLegendOptionsBuilder,
    VizTooltipOptionsBuilder,
  } = sdk.common;
  if (spec.kind === 'stat') {
    const stat = new sdk.stat.PanelBuilder()
      .id(id)
      .title(spec.title)
      .description(spec.description)
      .datasource({ ...DATASOURCE_REF })
      .span(spec.width)
      .height(PANEL_HEIGHT)
      .unit(spec.unit)
      .thresholds(thresholds(spec))
      .colorMode(BigValueColorMode.Value)
      .graphMode(BigValueGraphMode.None)
      .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
      .targets(targets(spec, true));
    if (spec.decimals !== undefined) stat.decimals(spec.decimals);
    pinColors(stat, spec);
    return stat;
  }
  const series = new sdk.timeseries.PanelBuilder()
    .id(id)
    .title(spec.title)
    .description(spec.description)
    .datasource({ ...DATASOURCE_REF })
    .span(spec.width)
    .height(PANEL_HEIGHT)
    .unit(spec.unit)
    .thresholds(thresholds(spec))
    .thresholdsStyle(
      new GraphThresholdsStyleConfigBuilder().mode(spec.steps?.length ? GraphThresholdsStyleMode.Line : GraphThresholdsStyleMode.Off),
    )
    .lineWidth(1)
    .fillOpacity(10)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom))
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending))
    .targets(targets(spec, false));
  if (spec.min !== undefined) series.min(spec.min);
  if (spec.max !== undefined) series.max(spec.max);
  if (spec.decimals !== undefined) series.decimals(spec.decimals);
  pinColors(series, spec);
  return series;
}
