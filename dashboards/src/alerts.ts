// Prometheus alert rules for a fleet, as a rule file (groups of rules). Each names what to look
// at; thresholds are starting points (docs/guides/operating.md#alerts).
import { ALERT_SELECTORS, OPERATOR, RUNNER, WINDOW } from './config.ts';
import { gauge, matchers, quantile, rate } from './promql.ts';

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: 'critical' | 'warning' };
  annotations: { summary: string; description: string };
}

const R = ALERT_SELECTORS.runner;
const O = ALERT_SELECTORS.operator;
const W = WINDOW.alert;
const BY_POD = ['namespace', 'pod'];

export function alertRules(): { groups: { name: string; rules: AlertRule[] }[] } {
  return {
    groups: [
      {
        name: 'flotilla-runners',
        rules: [
          {
            alert: 'FlotillaLedgerBackpressure',
            expr: `${gauge('max', RUNNER.ledgerBackpressure, R, BY_POD)} == 1`,
            for: '2m',
            labels: { severity: 'critical' },
            annotations: {
              summary: 'A runner reads no ticks: its ledger is full',
              description:
                '{{ $labels.pod }} in {{ $labels.namespace }} has stopped reading ticks until its ledger drains (the spool is full, or the outbox holds --ledger-outbox-max entries). Check ClickHouse and the flotilla_ledger_* series.',
            },
          },
          {
            alert: 'FlotillaTickLatencyHigh',
            expr: `${quantile(0.99, RUNNER.tickLatency, R, W, BY_POD)} > 0.05`,
            for: '10m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Tick latency p99 above 50 ms',
              description:
                '{{ $labels.pod }} in {{ $labels.namespace }}: p99 from tick to commit is {{ $value | humanizeDuration }}. Look at its CPU, consumer lag and dropped evaluations.',
            },
          },
          {
            alert: 'FlotillaConsumerLagGrowing',
            expr: `${gauge('sum', RUNNER.consumerLag, R, BY_POD)} > 10000`,
            for: '5m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'A runner falls behind its tick streams',
              description:
                '{{ $labels.pod }} in {{ $labels.namespace }} has {{ $value }} tick entries not yet delivered. The shard may need fewer strategies (shard capacity) or more CPU.',
            },
          },
          {
            alert: 'FlotillaEvaluationsDropped',
            expr: `${rate(RUNNER.drops, R, W, [...BY_POD, 'reason'])} > 0`,
            for: '10m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'A runner skips strategy evaluations',
              description:
                '{{ $labels.pod }} in {{ $labels.namespace }} skips evaluations ({{ $labels.reason }}) at {{ $value }}/s.',
            },
          },
          {
            alert: 'FlotillaStrategyQuarantined',
            expr: `${gauge('max', RUNNER.quarantined, R, ['namespace', 'strategy'])} == 1`,
            for: '1m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'A strategy is quarantined',
              description:
                '{{ $labels.strategy }} in {{ $labels.namespace }} failed repeatedly and is quarantined; its runner logs say why.',
            },
          },
          {
            alert: 'FlotillaLedgerInsertsFailing',
            expr: `${rate(RUNNER.ledgerInsertFailures, R, W, BY_POD)} > 0`,
            for: '10m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Ledger inserts into ClickHouse fail',
              description:
                '{{ $labels.pod }} in {{ $labels.namespace }} keeps its ledger rows in the local spool: ClickHouse refuses or cannot be reached.',
            },
          },
          {
            alert: 'FlotillaDeadLetters',
            expr: `${rate(RUNNER.deadLetters, R, W, ['namespace', 'reason'])} > 0`,
            for: '5m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Stream entries go to the dead-letter stream',
              description:
                'Runners in {{ $labels.namespace }} dead-letter entries ({{ $labels.reason }}); docs/reference/errors.md says what each reason means.',
            },
          },
          {
            alert: 'FlotillaModelFallbacks',
            expr: `${rate(RUNNER.fallbacks, R, W, ['namespace', 'model'])} > 0`,
            for: '10m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Decisions fall back to rule scores',
              description:
                'Model {{ $labels.model }} in {{ $labels.namespace }} cannot score; its decisions use the rule score alone.',
            },
          },
        ],
      },
      {
        name: 'flotilla-operator',
        rules: [
          {
            alert: 'FlotillaOperatorNoLeader',
            expr: `${gauge('max', OPERATOR.leader, O, ['namespace'])} < 1`,
            for: '5m',
            labels: { severity: 'critical' },
            annotations: {
              summary: 'No operator replica leads',
              description:
                'No replica in {{ $labels.namespace }} holds the leader Lease: nothing reconciles Strategies, Models or Experiments.',
            },
          },
          {
            alert: 'FlotillaStrategiesLeftOut',
            expr: `${gauge('max', OPERATOR.leftOut, O, ['namespace', 'reason'])} > 0`,
            for: '10m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Strategies are placed on no shard',
              description:
                '{{ $value }} strategies in {{ $labels.namespace }} run nowhere ({{ $labels.reason }}). ShardLimit: raise the shard limit or capacity; ModelNotReady: see the Model status.',
            },
          },
          {
            alert: 'FlotillaReconcileErrors',
            expr: `${rate(OPERATOR.reconciles, matchers(O, 'result="error"'), W, ['namespace', 'controller'])} > 0`,
            for: '15m',
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Reconciles keep failing',
              description:
                "The {{ $labels.controller }} controller in {{ $labels.namespace }} keeps failing; the resources' status conditions and events say why.",
            },
          },
        ],
      },
    ],
  };
}
