// Performance reads: daily_performance (a view, defined once in migration 001 after
// docs/reference/pnl.md) and the per-strategy summary the demo prints, built from the same
// definitions over the whole history.
import type { ClickHouseClient } from '@clickhouse/client';
import { DAILY_PERFORMANCE_COLUMNS, selectList } from '../columns.ts';
import type { DailyPerformanceRow } from '../records.ts';
import { sqlIdentifier, sqlString } from '../sql.ts';
import { readRows, whereClause } from './read.ts';

export interface DailyPerformanceQuery {
  strategy?: string;
  /** First day, 'YYYY-MM-DD' (UTC), inclusive. */
  fromDay?: string;
  /** Last day, 'YYYY-MM-DD' (UTC), inclusive. */
  toDay?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Rows of daily_performance, sorted by strategy then day. */
export async function dailyPerformance(
  client: ClickHouseClient,
  database: string,
  q: DailyPerformanceQuery = {},
): Promise<DailyPerformanceRow[]> {
  const db = sqlIdentifier(database);
  const where: string[] = [];
  if (q.strategy !== undefined) where.push(`strategy = ${sqlString(q.strategy)}`);
  for (const [bound, op] of [
    [q.fromDay, '>='],
    [q.toDay, '<='],
  ] as const) {
    if (bound === undefined) continue;
    if (!DAY.test(bound)) throw new RangeError(`day ${JSON.stringify(bound)} is not YYYY-MM-DD`);
    where.push(`day ${op} ${sqlString(bound)}`);
  }
  return readRows<DailyPerformanceRow>(
    client,
    `SELECT ${selectList(DAILY_PERFORMANCE_COLUMNS)} FROM ${db}.daily_performance ${whereClause(where)} ORDER BY strategy, day`,
    'reading daily_performance',
  );
}

/** A strategy's whole history in one row (what `flotilla local up` prints). */
export interface StrategySummary {
  strategy: string;
  decisions: number;
  signals: number;
  /** Closed trades (positions with a close fill), and those with net > 0 and < 0. */
  trades: number;
  wins: number;
  losses: number;
  /** Sum of (delta - fees) over every P&L event: realized and still open P&L, net of fees. */
  net: number;
  /** Largest high_water / drawdown of the equity curve (0 without points). */
  high_water: number;
  max_drawdown: number;
  /** Mean net P&L per closed trade (0 without trades). */
  average_net: number;
}

/**
 * One row per strategy that has any decision, signal, P&L event, equity point or fill, sorted by
 * strategy. Same definitions as daily_performance, over all days.
 */
export async function strategySummaries(
  client: ClickHouseClient,
  database: string,
  q: { strategy?: string } = {},
): Promise<StrategySummary[]> {
  const db = sqlIdentifier(database);
  const only = whereClause(q.strategy === undefined ? [] : [`strategy = ${sqlString(q.strategy)}`]);
  // Each branch fills its own columns and zeros elsewhere; 0 is neutral for sum and for max
  // (high_water and drawdown are >= 0).
  const zeros = (keep: string[]) =>
    [
      ['n_dec', 'toUInt64(0)'],
      ['n_sig', 'toUInt64(0)'],
      ['g', 'toFloat64(0)'],
      ['f', 'toFloat64(0)'],
      ['hw', 'toFloat64(0)'],
      ['dd', 'toFloat64(0)'],
      ['t', 'toUInt64(0)'],
      ['w', 'toUInt64(0)'],
      ['l', 'toUInt64(0)'],
      ['tn', 'toFloat64(0)'],
    ]
      .map(([name, zero]) => keep.find((k) => k.endsWith(` AS ${name}`)) ?? `${zero} AS ${name}`)
      .join(', ');
  const query = `SELECT
  strategy,
  sum(n_dec) AS decisions,
  sum(n_sig) AS signals,
  sum(t) AS trades,
  sum(w) AS wins,
  sum(l) AS losses,
  sum(g) - sum(f) AS net,
  max(hw) AS high_water,
  max(dd) AS max_drawdown,
  if(sum(t) > 0, sum(tn) / sum(t), 0) AS average_net
FROM (
  SELECT strategy, ${zeros(['count() AS n_dec'])} FROM ${db}.decisions FINAL ${only} GROUP BY strategy
  UNION ALL
  SELECT strategy, ${zeros(['count() AS n_sig'])} FROM ${db}.signals FINAL ${only} GROUP BY strategy
  UNION ALL
  SELECT strategy, ${zeros(['delta AS g', 'fees AS f'])} FROM ${db}.pnl_events FINAL ${only}
  UNION ALL
  SELECT strategy, ${zeros(['high_water AS hw', 'drawdown AS dd'])} FROM ${db}.equity_points FINAL ${only}
  UNION ALL
  SELECT strategy, ${zeros(['toUInt64(1) AS t', 'toUInt64(trade_net > 0) AS w', 'toUInt64(trade_net < 0) AS l', 'trade_net AS tn'])}
  FROM (
    SELECT strategy, position_id,
      sum(if(side = 'sell', qty * price, -(qty * price))) - sum(fee) AS trade_net,
      countIf(kind = 'close') AS closes
    FROM ${db}.fills FINAL ${only}
    GROUP BY strategy, position_id
  )
  WHERE closes > 0
)
GROUP BY strategy
ORDER BY strategy`;
  return readRows<StrategySummary>(client, query, 'reading the strategy summaries');
}
