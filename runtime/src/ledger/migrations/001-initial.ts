// The first ledger schema: one table per row type of ../records.ts (same column names) and the
// daily_performance view. Only the subset that runs unchanged on ClickHouse 18.16 and on a
// modern ClickHouse (docs/reference/ledger.md): ts_ms UInt64, no DateTime64, no LowCardinality,
// no TTL/CODEC. Frozen once released: change the schema in a new migration.
import type { Migration } from '../migration-plan.ts';

/** Monthly partitions (UTC) from the epoch-ms column, so old months can be dropped whole. */
const MONTHLY = 'PARTITION BY toYYYYMM(toDate(intDiv(ts_ms, 86400000)))';

// ReplacingMergeTree collapses rows with equal sorting keys, so every ORDER BY ends in (or is)
// the row's deterministic id: a replayed row has the same key and replaces itself.
export const initial: Migration = {
  version: 1,
  name: 'initial',
  statements: (db) => [
    // Point lookups by id (forensics) and the join with outcomes read by id.
    `CREATE TABLE IF NOT EXISTS ${db}.decisions (
  id String,
  ts_ms UInt64,
  strategy String,
  instrument String,
  generation UInt64,
  model_digest String,
  feature_set String,
  feature_keys Array(String),
  feature_values Array(Float64),
  rules_version String,
  rule_score Nullable(Float64),
  ml_score Nullable(Float64),
  final_score Float64,
  arm String,
  action String,
  units Float64,
  correlation_id String,
  entry_id String
) ENGINE = ReplacingMergeTree ${MONTHLY} ORDER BY id`,
    `CREATE TABLE IF NOT EXISTS ${db}.signals (
  id String,
  decision_id String,
  ts_ms UInt64,
  strategy String,
  instrument String,
  side String,
  units Float64
) ENGINE = ReplacingMergeTree ${MONTHLY} ORDER BY (strategy, ts_ms, id)`,
    `CREATE TABLE IF NOT EXISTS ${db}.fills (
  id String,
  ts_ms UInt64,
  strategy String,
  instrument String,
  position_id String,
  decision_id String,
  kind String,
  side String,
  qty Float64,
  price Float64,
  reference_price Float64,
  fee Float64,
  slippage Float64,
  exit_reason String
) ENGINE = ReplacingMergeTree ${MONTHLY} ORDER BY (strategy, ts_ms, id)`,
    `CREATE TABLE IF NOT EXISTS ${db}.pnl_events (
  id String,
  ts_ms UInt64,
  strategy String,
  instrument String,
  position_id String,
  kind String,
  delta Float64,
  fees Float64,
  slippage Float64
) ENGINE = ReplacingMergeTree ${MONTHLY} ORDER BY (strategy, ts_ms, id)`,
    // The equity curve is read per strategy in time order (seq breaks ties within a tick).
    `CREATE TABLE IF NOT EXISTS ${db}.equity_points (
  id String,
  ts_ms UInt64,
  strategy String,
  seq UInt64,
  equity Float64,
  high_water Float64,
  drawdown Float64
) ENGINE = ReplacingMergeTree ${MONTHLY} ORDER BY (strategy, ts_ms, seq, id)`,
    // One row per decision: a later write for the same decision (a relabel) replaces the earlier.
    `CREATE TABLE IF NOT EXISTS ${db}.outcomes (
  decision_id String,
  ts_ms UInt64,
  strategy String,
  instrument String,
  position_id String,
  closed_ts_ms UInt64,
  exit_reason String,
  risk Float64,
  r_multiple Float64,
  mfe_r Float64,
  mae_r Float64,
  time_to_max_pnl_ms UInt64,
  cohort_percentile Float64
) ENGINE = ReplacingMergeTree ${MONTHLY} ORDER BY decision_id`,
    dailyPerformanceView(db),
  ],
};

// The daily_performance view of migration 001, following docs/reference/pnl.md (the reference
// implementation is ../aggregates.ts). A view, not a MATERIALIZED VIEW ... TO a Summing table:
// a materialized view adds every inserted block again, so a replayed batch (which the
// ReplacingMergeTree sources collapse) would be counted twice. The view reads the sources with
// FINAL at query time, so replays never change a figure.
//
// One row per strategy and UTC day with a P&L event, an equity point or a close fill. The three
// sources are stacked with UNION ALL and grouped once (18.16 allows one JOIN per SELECT):
// - gross, fees: sums of the day's pnl_events delta and fees; net = gross - fees;
// - high_water, max_drawdown: largest high_water / drawdown among the day's equity_points (>= 0,
//   so the zeros of the other branches change nothing);
// - trades, wins, losses, average_net: positions with a close fill, counted on the close's day;
//   a trade's net is the cash of all its fills (+qty x price per sell, - per buy) minus fees.
function dailyPerformanceView(db: string): string {
  return `CREATE VIEW IF NOT EXISTS ${db}.daily_performance AS
SELECT
  strategy,
  toString(d) AS day,
  sum(g) - sum(f) AS net,
  sum(g) AS gross,
  sum(f) AS fees,
  max(hw) AS high_water,
  max(dd) AS max_drawdown,
  sum(t) AS trades,
  sum(w) AS wins,
  sum(l) AS losses,
  if(sum(t) > 0, sum(tn) / sum(t), 0) AS average_net
FROM (
  SELECT strategy, toDate(intDiv(ts_ms, 86400000)) AS d, delta AS g, fees AS f,
    toFloat64(0) AS hw, toFloat64(0) AS dd, toUInt64(0) AS t, toUInt64(0) AS w, toUInt64(0) AS l,
    toFloat64(0) AS tn
  FROM ${db}.pnl_events FINAL
  UNION ALL
  SELECT strategy, toDate(intDiv(ts_ms, 86400000)) AS d, toFloat64(0) AS g, toFloat64(0) AS f,
    high_water AS hw, drawdown AS dd, toUInt64(0) AS t, toUInt64(0) AS w, toUInt64(0) AS l,
    toFloat64(0) AS tn
  FROM ${db}.equity_points FINAL
  UNION ALL
  SELECT strategy, toDate(intDiv(closed_ms, 86400000)) AS d, toFloat64(0) AS g, toFloat64(0) AS f,
    toFloat64(0) AS hw, toFloat64(0) AS dd, toUInt64(1) AS t, toUInt64(trade_net > 0) AS w,
    toUInt64(trade_net < 0) AS l, trade_net AS tn
  FROM (
    SELECT strategy, position_id,
      sum(if(side = 'sell', qty * price, -(qty * price))) - sum(fee) AS trade_net,
      maxIf(ts_ms, kind = 'close') AS closed_ms,
      countIf(kind = 'close') AS closes
    FROM ${db}.fills FINAL
    GROUP BY strategy, position_id
  )
  WHERE closes > 0
)
GROUP BY strategy, d`;
}
