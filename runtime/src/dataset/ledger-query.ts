// Reading the training examples from the ledger: decisions joined with their outcomes (the join
// of the ledger's own trainingSet query) and with the two fills of the position each opened,
// streamed row by row so the JSON of the whole result is never held at once. The SQL keeps to
// the subset ClickHouse 18.16 and chDB both run: one JOIN per SELECT, USING a shared name,
// aliased subqueries, FINAL for rows a replay wrote twice.
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { FlotillaError } from '../../../operator/src/errors.ts';
import { ClickHouseError } from '../ledger/errors.ts';
import { clickHouseFailure, sqlIdentifier, sqlNumber, sqlString } from '../ledger/sql.ts';
import type { LedgerExample } from './ledger-rows.ts';

export interface LedgerRange {
  strategy?: string;
  /** Decisions at or after this time, epoch ms. */
  fromMs?: number;
  /** Decisions before this time, epoch ms. */
  toMs?: number;
}

/** A client with the settings the ledger's readers use (64-bit integers quoted on both engines). */
export function ledgerReadClient(url: string): ClickHouseClient {
  return createClient({
    url,
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
    log: { level: ClickHouseLogLevel.OFF },
  });
}

const DECISION = [
  'id',
  'ts_ms',
  'strategy',
  'instrument',
  'entry_id',
  'feature_set',
  'feature_keys',
  'feature_values',
  'action',
];
const OUTCOME = ['position_id', 'closed_ts_ms', 'r_multiple'];
/** Per position: [column, fills column, fill kind]. Each position has one open and one close fill. */
const FILL = [
  ['entry_mid', 'reference_price', 'open'],
  ['entry_price', 'price', 'open'],
  ['entry_fee', 'fee', 'open'],
  ['entry_qty', 'qty', 'open'],
  ['exit_mid', 'reference_price', 'close'],
  ['exit_price', 'price', 'close'],
  ['exit_fee', 'fee', 'close'],
  ['exit_qty', 'qty', 'close'],
] as const;

/** The SELECT of the examples in `range`, in (ts_ms, instrument, id) order. */
export function examplesQuery(database: string, range: LedgerRange): string {
  const db = sqlIdentifier(database);
  const strategy = range.strategy === undefined ? [] : [`strategy = ${sqlString(range.strategy)}`];
  const from = range.fromMs === undefined ? [] : [`ts_ms >= ${sqlNumber(range.fromMs)}`];
  const to = range.toMs === undefined ? [] : [`ts_ms < ${sqlNumber(range.toMs)}`];
  // Outcomes carry their decision's ts_ms; fills come after their decision.
  const decisions = where([...strategy, ...from, ...to]);
  const outcomes = decisions;
  const fills = where([...strategy, ...from]);
  const fillColumns = FILL.map(([as, col, kind]) => `sumIf(${col}, kind = '${kind}') AS ${as}`);
  const names = [...DECISION, ...OUTCOME].join(', ');
  return `SELECT ${names}, open_fills, close_fills, ${FILL.map(([as]) => as).join(', ')}
FROM (
  SELECT ${names}
  FROM (SELECT ${DECISION.join(', ')} FROM ${db}.decisions FINAL ${decisions}) AS d
  INNER JOIN (SELECT decision_id AS id, ${OUTCOME.join(', ')} FROM ${db}.outcomes FINAL ${outcomes}) AS o
  USING (id)
) AS x
LEFT JOIN (
  SELECT position_id,
    toUInt32(countIf(kind = 'open')) AS open_fills,
    toUInt32(countIf(kind = 'close')) AS close_fills,
    ${fillColumns.join(',\n    ')}
  FROM ${db}.fills FINAL ${fills}
  GROUP BY position_id
) AS f
USING (position_id)
ORDER BY ts_ms, instrument, id`;
}

function where(conditions: string[]): string {
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}

/** One row of examplesQuery as JSONEachRow hands it over. */
export type ExampleRecord = Record<string, unknown>;

/** The example of one result row; fills undefined unless exactly one open and one close fill. */
export function exampleOf(r: ExampleRecord): LedgerExample {
  const num = (k: string) => Number(r[k]);
  const complete = num('open_fills') === 1 && num('close_fills') === 1;
  return {
    id: String(r.id),
    tsMs: num('ts_ms'),
    strategy: String(r.strategy),
    instrument: String(r.instrument),
    entryId: String(r.entry_id),
    featureSet: String(r.feature_set),
    featureKeys: r.feature_keys as string[],
    featureValues: (r.feature_values as unknown[]).map(Number),
    action: String(r.action),
    positionId: String(r.position_id),
    closedTsMs: num('closed_ts_ms'),
    rMultiple: num('r_multiple'),
    fills: complete
      ? {
          entryMid: num('entry_mid'),
          entryPrice: num('entry_price'),
          entryFee: num('entry_fee'),
          entryQty: num('entry_qty'),
          exitMid: num('exit_mid'),
          exitPrice: num('exit_price'),
          exitFee: num('exit_fee'),
          exitQty: num('exit_qty'),
        }
      : undefined,
  };
}

/** Streams the examples of `range` to `onExample`, in query order. */
export async function readLedgerExamples(
  client: ClickHouseClient,
  database: string,
  range: LedgerRange,
  onExample: (example: LedgerExample) => void,
): Promise<void> {
  const query = examplesQuery(database, range);
  try {
    const result = await client.query({ query, format: 'JSONEachRow' });
    for await (const rows of result.stream<ExampleRecord>())
      for (const row of rows) onExample(exampleOf(row.json()));
  } catch (err) {
    // Our own errors (from onExample) pass through; everything else came from the client.
    if (err instanceof FlotillaError) throw err;
    throw readFailure(database, err);
  }
}

function readFailure(database: string, err: unknown): ClickHouseError {
  const failure = clickHouseFailure(`reading decisions and outcomes from ${database}`, err);
  // 81 UNKNOWN_DATABASE, 60 UNKNOWN_TABLE: most likely the wrong --database.
  if (failure.serverCode !== '81' && failure.serverCode !== '60') return failure;
  return new ClickHouseError(
    `${failure.message} (is ${database} the ledger database? pass it with --database; the runners create it)`,
    { cause: err, serverCode: failure.serverCode },
  );
}
