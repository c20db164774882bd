// The one place that holds every metric name and label selector the dashboards and alert rules
// use (as kubernetes-mixin's config.libsonnet does). test/unit/dashboards checks each name
// against the registries the runner and the operator actually serve.

/** Grafana template variables: the namespace the fleet runs in, and its runner pods. */
export const VARIABLES = { namespace: 'namespace', pod: 'pod' } as const;

/** Label matchers of each program's series (inside the braces of a selector). */
export const SELECTORS = {
  runner: `namespace=~"$${VARIABLES.namespace}", pod=~"$${VARIABLES.pod}"`,
  operator: `namespace=~"$${VARIABLES.namespace}"`,
} as const;

/** Label matchers of the alert rules: every namespace, so one rule file serves every fleet. */
export const ALERT_SELECTORS = { runner: '', operator: '' } as const;

/** The runner's metrics (runtime/src/server/metrics.ts). */
export const RUNNER = {
  ticks: 'flotilla_ticks_processed_total',
  tickLatency: 'flotilla_tick_latency_seconds',
  tickToSignal: 'flotilla_tick_to_signal_seconds',
  consumerLag: 'flotilla_consumer_lag_entries',
  decisions: 'flotilla_decisions_total',
  signals: 'flotilla_signals_emitted_total',
  drops: 'flotilla_drops_total',
  deadLetters: 'flotilla_dead_letters_total',
  commitFailures: 'flotilla_commit_failures_total',
  strategies: 'flotilla_strategies',
  quarantined: 'flotilla_strategy_quarantined',
  configGeneration: 'flotilla_shard_config_generation',
  inferenceSeconds: 'flotilla_inference_seconds',
  batchSize: 'flotilla_inference_batch_size',
  fallbacks: 'flotilla_model_fallbacks_total',
  modelLoadSeconds: 'flotilla_model_load_seconds',
  featureHitRatio: 'flotilla_feature_cache_hit_ratio',
  ringUtilization: 'flotilla_history_ring_utilization_ratio',
  ledgerRows: 'flotilla_ledger_rows_total',
  ledgerInsertFailures: 'flotilla_ledger_insert_failures_total',
  ledgerOutbox: 'flotilla_ledger_outbox_entries',
  ledgerBackpressure: 'flotilla_ledger_backpressure',
} as const;

/** The operator's metrics (operator/src/operator-registry.ts). */
export const OPERATOR = {
  reconciles: 'flotilla_operator_reconcile_total',
  reconcileSeconds: 'flotilla_operator_reconcile_duration_seconds',
  queueDepth: 'flotilla_operator_workqueue_depth',
  retries: 'flotilla_operator_workqueue_retries_total',
  leader: 'flotilla_operator_leader',
  shards: 'flotilla_operator_fleet_shards',
  leftOut: 'flotilla_operator_strategies_left_out',
} as const;

/** Node.js process metrics (prom-client's defaults) under a program's prefix. */
function processMetrics(prefix: string) {
  return {
    cpu: `${prefix}process_cpu_seconds_total`,
    rss: `${prefix}process_resident_memory_bytes`,
    heapUsed: `${prefix}nodejs_heap_size_used_bytes`,
    eventLoopLagP99: `${prefix}nodejs_eventloop_lag_p99_seconds`,
    gcSeconds: `${prefix}nodejs_gc_duration_seconds`,
  } as const;
}
export const RUNNER_PROCESS = processMetrics('flotilla_runner_');
export const OPERATOR_PROCESS = processMetrics('flotilla_operator_');

/** Range of rates and quantiles: Grafana's own on a dashboard, a fixed one in an alert rule. */
export const WINDOW = { dashboard: '$__rate_interval', alert: '5m' } as const;
