// Runs one SELECT and decodes its rows; client failures become the ledger's ClickHouseError.
import type { ClickHouseClient } from '@clickhouse/client';
import { decodeRow } from '../columns.ts';
import { clickHouseFailure } from '../sql.ts';

export async function readRows<T>(
  client: ClickHouseClient,
  query: string,
  doing: string,
): Promise<T[]> {
  try {
    const result = await client.query({ query, format: 'JSONEachRow' });
    const rows = await result.json<Record<string, unknown>>();
    return rows.map((raw) => decodeRow<T>(raw));
  } catch (err) {
    throw clickHouseFailure(doing, err);
  }
}

/** `WHERE a AND b`, or nothing when there are no conditions. */
export function whereClause(conditions: readonly string[]): string {
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}
