// The frame every Flotilla dashboard shares: tags, refresh, time range, and the template
// variables: the Prometheus data source, the namespace a fleet runs in, and (on the runners'
// dashboard) its runner pods. "All" matches every value, and series without the label.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { VARIABLES } from './config.ts';
import { DATASOURCE, DATASOURCE_VARIABLE } from './panels.ts';

function labelVariable(name: string, query: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(name)
    .datasource(DATASOURCE)
    .query(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .includeAll(true)
    .allValue('.*')
    .multi(true);
}

/**
 * A dashboard with the shared settings and variables: values of `namespace` come from
 * `metric`; with `pods`, so do the values of `pod` within the namespaces chosen.
 */
export function flotillaDashboard(o: {
  title: string;
  uid: string;
  description: string;
  metric: string;
  pods: boolean;
}): dashboard.DashboardBuilder {
  const { metric } = o;
  const board = new dashboard.DashboardBuilder(o.title)
    .uid(o.uid)
    .tags(['flotilla'])
    .description(o.description)
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser');
  board
    .withVariable(
      new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE)
        .label('Data source')
        .type('prometheus'),
    )
    .withVariable(labelVariable(VARIABLES.namespace, `label_values(${metric}, namespace)`));
  if (o.pods)
    board.withVariable(
      labelVariable(
        VARIABLES.pod,
        `label_values(${metric}{namespace=~"$${VARIABLES.namespace}"}, pod)`,
      ),
    );
  return board;
}
