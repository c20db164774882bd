// "Flotilla / Operator": reconciles, work queues, leadership and the fleet it renders, from the
// operator's /metrics.
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { flotillaDashboard } from './board.ts';
import { OPERATOR, OPERATOR_PROCESS, SELECTORS, WINDOW } from './config.ts';
import { graph, single } from './panels.ts';
import { gauge, matchers, quantile, rate } from './promql.ts';

export const OPERATOR_DASHBOARD_UID = 'flotilla-operator';

const W = WINDOW.dashboard;
const S = SELECTORS.operator;

export function operatorDashboard(): dashboard.DashboardBuilder {
  const board = flotillaDashboard({
    title: 'Flotilla / Operator',
    uid: OPERATOR_DASHBOARD_UID,
    description: 'Reconciles, work queues, leader election and the rendered fleet.',
    metric: OPERATOR.leader,
    pods: false,
  });
  return board
    .withRow(new dashboard.RowBuilder('Fleet'))
    .withPanel(
      single(
        'Leader',
        'short',
        gauge('max', OPERATOR.leader, S),
        '1 while a replica holds the leader Lease.',
      ),
    )
    .withPanel(
      single(
        'Runner shards',
        'short',
        gauge('max', OPERATOR.shards, S),
        'Runner StatefulSet replicas as last rendered.',
      ),
    )
    .withPanel(
      single(
        'Strategies left out',
        'short',
        gauge('max', OPERATOR.leftOut, S),
        'Strategies placed on no shard (the runners are full, or no model and no rules).',
      ),
    )
    .withPanel(
      single(
        'Reconcile errors/s',
        'ops',
        rate(OPERATOR.reconciles, matchers(S, 'result="error"'), W),
        'Reconciles that failed and were retried with backoff.',
      ),
    )
    .withPanel(
      graph(
        'Strategies left out by reason',
        'short',
        [[gauge('max', OPERATOR.leftOut, S, ['reason']), '{{reason}}']],
        'ShardLimit: raise shard capacity or the shard limit; ModelNotReady: see the Model status.',
      ),
    )
    .withRow(new dashboard.RowBuilder('Reconciles'))
    .withPanel(
      graph(
        'Reconcile rate',
        'ops',
        [[rate(OPERATOR.reconciles, S, W, ['controller', 'result']), '{{controller}} {{result}}']],
        'Reconciles per second by controller and result.',
      ),
    )
    .withPanel(
      graph(
        'Reconcile duration',
        's',
        [
          [quantile(0.5, OPERATOR.reconcileSeconds, S, W, ['controller']), '{{controller}} p50'],
          [quantile(0.99, OPERATOR.reconcileSeconds, S, W, ['controller']), '{{controller}} p99'],
        ],
        'Time one reconcile takes, by controller.',
      ),
    )
    .withPanel(
      graph(
        'Work queue depth',
        'short',
        [[gauge('max', OPERATOR.queueDepth, S, ['controller']), '{{controller}}']],
        "Keys waiting in each controller's queue.",
      ),
    )
    .withPanel(
      graph(
        'Retries',
        'ops',
        [[rate(OPERATOR.retries, S, W, ['controller']), '{{controller}}']],
        'Keys put back with backoff after a failed reconcile.',
      ),
    )
    .withRow(new dashboard.RowBuilder('Operator processes'))
    .withPanel(
      graph(
        'CPU',
        'percentunit',
        [[rate(OPERATOR_PROCESS.cpu, S, W, ['pod']), '{{pod}}']],
        'CPU time per second of each operator replica.',
      ),
    )
    .withPanel(
      graph(
        'Memory',
        'bytes',
        [[gauge('sum', OPERATOR_PROCESS.rss, S, ['pod']), '{{pod}}']],
        'Resident memory of each operator replica.',
      ),
    );
}
