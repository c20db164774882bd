// A ClickHouse client for reading the ledger: 64-bit integers quoted on every engine, as the
// ledger's reads expect (docs/reference/ledger.md), and the client's own error log off (callers
// report failures as FLT_LEDGER_CLICKHOUSE).
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';

export function ledgerClient(url: string): ClickHouseClient {
  return createClient({
    url,
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
    log: { level: ClickHouseLogLevel.OFF },
  });
}
