// A strategy's equity curve: the points as written (equity, high-water, drawdown), in order.
import type { ClickHouseClient } from '@clickhouse/client';
import { EQUITY_POINT_COLUMNS, selectList } from '../columns.ts';
import type { EquityPointRow } from '../records.ts';
import { sqlIdentifier, sqlNumber, sqlString } from '../sql.ts';
import { readRows, whereClause } from './read.ts';

export interface EquityCurveQuery {
  fromMs?: number;
  toMs?: number;
}

export async function equityCurve(
  client: ClickHouseClient,
  database: string,
  strategy: string,
  q: EquityCurveQuery = {},
): Promise<EquityPointRow[]> {
  const db = sqlIdentifier(database);
  const where = [`strategy = ${sqlString(strategy)}`];
  if (q.fromMs !== undefined) where.push(`ts_ms >= ${sqlNumber(q.fromMs)}`);
  if (q.toMs !== undefined) where.push(`ts_ms < ${sqlNumber(q.toMs)}`);
  return readRows<EquityPointRow>(
    client,
    `SELECT ${selectList(EQUITY_POINT_COLUMNS)} FROM ${db}.equity_points FINAL ${whereClause(where)} ORDER BY ts_ms, seq, id`,
    `reading the equity curve of ${strategy}`,
  );
}
