// Panel builders shared by the dashboards: every panel reads the dashboard's Prometheus data
// source variable, and each query carries its legend.
import * as common from '@grafana/grafana-foundation-sdk/common';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** The data source variable every panel and template variable reads. */
export const DATASOURCE_VARIABLE = 'datasource';
export const DATASOURCE: DataSourceRef = {
  type: 'prometheus',
  uid: `\${${DATASOURCE_VARIABLE}}`,
};

/** A query and its legend (`{{label}}` placeholders). */
export type Query = readonly [expr: string, legend: string];

function target(expr: string, legend: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().expr(expr).legendFormat(legend).range();
}

const WIDTH = 12;
const HEIGHT = 8;

/** A time series panel of `queries`, in `unit` (a Grafana unit id: s, ops, short, bytes...). */
export function graph(
  title: string,
  unit: string,
  queries: readonly Query[],
  description: string,
): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .min(0)
    .height(HEIGHT)
    .span(WIDTH)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    );
  for (const [expr, legend] of queries) panel.withTarget(target(expr, legend));
  return panel;
}

/** A single-value panel: the last value of `expr`. */
export function single(
  title: string,
  unit: string,
  expr: string,
  description: string,
): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .height(4)
    .span(6)
    .withTarget(target(expr, title).instant());
}
