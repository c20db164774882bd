// One batch into ClickHouse: an INSERT ... FORMAT JSONEachRow per table, in WRITABLE_TABLES
// order, each bounded by a timeout. A failure part way leaves the earlier tables inserted; the
// batch is then inserted again whole, which the deterministic ids make harmless.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { type LedgerRows, WRITABLE_TABLES } from './batching.ts';
import { classifyInsertFailure, type InsertFailure } from './insert-failure.ts';

export type InsertOutcome = { ok: true } | { ok: false; failure: InsertFailure; err: unknown };

export async function insertBatch(
  client: ClickHouseClient,
  database: string,
  rows: LedgerRows,
  timeoutMs: number,
  log: Logger,
): Promise<InsertOutcome> {
  try {
    for (const table of WRITABLE_TABLES) {
      const values: readonly object[] | undefined = rows[table];
      if (values === undefined || values.length === 0) continue;
      await client.insert({
        table: `${database}.${table}`,
        values,
        format: 'JSONEachRow',
        abort_signal: AbortSignal.timeout(timeoutMs),
      });
    }
    return { ok: true };
  } catch (err) {
    const failure = classifyInsertFailure(err);
    log[failure === 'permanent' ? 'error' : 'warn']({ err, failure }, 'ledger insert failed');
    return { ok: false, failure, err };
  }
}
