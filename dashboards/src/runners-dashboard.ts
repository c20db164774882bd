// "Flotilla / Runners": the tick path, models, strategies and ledger of every runner shard, one
// namespace at a time, from the runners' own /metrics (docs/reference/metrics.md).
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { flotillaDashboard } from './board.ts';
import { RUNNER, RUNNER_PROCESS, SELECTORS, WINDOW } from './config.ts';
import { graph, single } from './panels.ts';
import { gauge, quantile, rate } from './promql.ts';

export const RUNNERS_DASHBOARD_UID = 'flotilla-runners';

const W = WINDOW.dashboard;
const S = SELECTORS.runner;

export function runnersDashboard(): dashboard.DashboardBuilder {
  const board = flotillaDashboard({
    title: 'Flotilla / Runners',
    uid: RUNNERS_DASHBOARD_UID,
    description: 'Tick path, models, strategies and ledger of the runner shards.',
    metric: RUNNER.ticks,
    pods: true,
  });
  return board
    .withRow(new dashboard.RowBuilder('Overview'))
    .withPanel(
      single('Ticks/s', 'ops', rate(RUNNER.ticks, S, W), 'Ticks processed per second, all shards.'),
    )
    .withPanel(
      single(
        'Tick latency p99',
        's',
        quantile(0.99, RUNNER.tickLatency, S, W),
        'From a tick entering Redis to the commit of everything it produced.',
      ),
    )
    .withPanel(
      single('Signals/s', 'ops', rate(RUNNER.signals, S, W), 'Target changes emitted per second.'),
    )
    .withPanel(
      single(
        'Ledger back-pressure',
        'short',
        gauge('max', RUNNER.ledgerBackpressure, S),
        '1 while some runner reads no ticks because its ledger is full (spool or outbox).',
      ),
    )
    .withRow(new dashboard.RowBuilder('Tick path'))
    .withPanel(
      graph(
        'Ticks processed',
        'ops',
        [[rate(RUNNER.ticks, S, W, ['instrument']), '{{instrument}}']],
        'Ticks decoded and run through features and strategies, per instrument.',
      ),
    )
    .withPanel(
      graph(
        'Tick latency',
        's',
        [
          [quantile(0.5, RUNNER.tickLatency, S, W), 'p50'],
          [quantile(0.99, RUNNER.tickLatency, S, W), 'p99'],
          [quantile(0.99, RUNNER.tickToSignal, S, W), 'tick to signal p99'],
        ],
        'Tick entering Redis to its commit; tick to its signal being durable.',
      ),
    )
    .withPanel(
      graph(
        'Consumer lag',
        'short',
        [[gauge('sum', RUNNER.consumerLag, S, ['instrument']), '{{instrument}}']],
        'Tick stream entries not yet delivered to the shards.',
      ),
    )
    .withPanel(
      graph(
        'Dropped evaluations',
        'ops',
        [[rate(RUNNER.drops, S, W, ['reason', 'priority']), '{{reason}} ({{priority}})']],
        'Strategy evaluations skipped under overload or budget, or while quarantined.',
      ),
    )
    .withPanel(
      graph(
        'Decisions and signals',
        'ops',
        [
          [rate(RUNNER.decisions, S, W), 'decisions'],
          [rate(RUNNER.signals, S, W), 'signals'],
        ],
        'Decisions made and target changes emitted per second.',
      ),
    )
    .withPanel(
      graph(
        'Dead letters and commit failures',
        'ops',
        [
          [rate(RUNNER.deadLetters, S, W, ['reason']), 'dead letter: {{reason}}'],
          [rate(RUNNER.commitFailures, S, W), 'commit failures'],
        ],
        'Stream entries moved to the dead-letter stream, and failed (retried) batch commits.',
      ),
    )
    .withRow(new dashboard.RowBuilder('Models and features'))
    .withPanel(
      graph(
        'Inference time p99',
        's',
        [[quantile(0.99, RUNNER.inferenceSeconds, S, W, ['model']), '{{model}}']],
        'Time to score one micro-batch, by model digest.',
      ),
    )
    .withPanel(
      graph(
        'Inference batch size p50',
        'short',
        [[quantile(0.5, RUNNER.batchSize, S, W, ['model']), '{{model}}']],
        'Rows per inference batch, by model digest.',
      ),
    )
    .withPanel(
      graph(
        'Model fallbacks',
        'ops',
        [[rate(RUNNER.fallbacks, S, W, ['model']), '{{model}}']],
        'Decisions that fell back to the rule score because the model could not score.',
      ),
    )
    .withPanel(
      graph(
        'Feature reuse and history rings',
        'percentunit',
        [
          [gauge('avg', RUNNER.featureHitRatio, S), 'feature cache hit ratio'],
          [gauge('max', RUNNER.ringUtilization, S), 'fullest history ring'],
        ],
        'Share of feature reads served by a value already computed for the tick; fill of the fullest ring.',
      ),
    )
    .withRow(new dashboard.RowBuilder('Strategies'))
    .withPanel(
      graph(
        'Strategies by state',
        'short',
        [[gauge('sum', RUNNER.strategies, S, ['state']), '{{state}}']],
        'Strategies in the shard configs, by state.',
      ),
    )
    .withPanel(
      graph(
        'Quarantined strategies',
        'short',
        [[gauge('sum', RUNNER.quarantined, S, ['strategy']), '{{strategy}}']],
        'Strategies quarantined after repeated failures.',
      ),
    )
    .withRow(new dashboard.RowBuilder('Ledger'))
    .withPanel(
      graph(
        'Ledger rows',
        'ops',
        [[rate(RUNNER.ledgerRows, S, W, ['outcome']), '{{outcome}}']],
        'Rows inserted into ClickHouse, kept in the local spool, and replayed from it.',
      ),
    )
    .withPanel(
      graph(
        'Outbox and insert failures',
        'short',
        [
          [gauge('sum', RUNNER.ledgerOutbox, S), 'outbox entries'],
          [rate(RUNNER.ledgerInsertFailures, S, W), 'insert failures/s'],
        ],
        'Entries committed and not yet shipped; failed ClickHouse inserts (their rows went to the spool).',
      ),
    )
    .withRow(new dashboard.RowBuilder('Runner processes'))
    .withPanel(
      graph(
        'CPU',
        'percentunit',
        [[rate(RUNNER_PROCESS.cpu, S, W, ['pod']), '{{pod}}']],
        'CPU time per second of each runner process (1 = one core).',
      ),
    )
    .withPanel(
      graph(
        'Memory',
        'bytes',
        [
          [gauge('sum', RUNNER_PROCESS.rss, S, ['pod']), '{{pod}} resident'],
          [gauge('sum', RUNNER_PROCESS.heapUsed, S, ['pod']), '{{pod}} heap used'],
        ],
        'Resident memory and V8 heap used of each runner process.',
      ),
    )
    .withPanel(
      graph(
        'Event loop lag p99',
        's',
        [[gauge('max', RUNNER_PROCESS.eventLoopLagP99, S, ['pod']), '{{pod}}']],
        'How late the event loop runs its callbacks: the tick path waits as long.',
      ),
    )
    .withPanel(
      graph(
        'Garbage collection',
        'percentunit',
        [[rate(`${RUNNER_PROCESS.gcSeconds}_sum`, S, W, ['pod', 'kind']), '{{pod}} {{kind}}']],
        'Share of time in V8 collections, by kind.',
      ),
    );
}
