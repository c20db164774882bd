// The ledger dataset is the same contract as the tick dataset: the same columns and types, the
// same metadata keys, so `flotilla train` reads either (the trainer itself runs in
// test/integration/learning/ledger-dataset.test.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetSchema } from '../../../../runtime/src/dataset/arrow-file.ts';
import { datasetConfig } from '../../../../runtime/src/dataset/config.ts';
import { datasetMetadata } from '../../../../runtime/src/dataset/dataset.ts';
import { ledgerDatasetConfig } from '../../../../runtime/src/dataset/ledger-config.ts';
import {
  formatLedgerSummary,
  ledgerDatasetMetadata,
  writeRows,
} from '../../../../runtime/src/dataset/ledger-dataset.ts';
import { exampleOf } from '../../../../runtime/src/dataset/ledger-query.ts';
import { LedgerRowCollector } from '../../../../runtime/src/dataset/ledger-rows.ts';
import { featureSetHash } from '../../../../runtime/src/features/feature-set-hash.ts';
import { tradedLedger } from './traded-ledger.ts';

const scratch = mkdtempSync(join(tmpdir(), 'flotilla-ledger-dataset-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const FEATURES = [
  { name: 'return', window: 10 },
  { name: 'rsi', window: 14 },
] as const;
const KEYS = ['return_10', 'rsi_14'];

/** The rows of a traded ledger, collected as the query would hand them over. */
function collected() {
  const ledger = tradedLedger({
    seed: 9,
    instruments: ['BTC-USD', 'ETH-USD'],
    ticksPerInstrument: 3000,
    strategies: [{ name: 'momo', features: FEATURES, threshold: 0.002 }],
  });
  const decisions = new Map(ledger.decisions.map((d) => [d.id, d]));
  const collector = new LedgerRowCollector();
  for (const o of ledger.outcomes) {
    const d = decisions.get(o.decision_id);
    const fill = (kind: string) =>
      ledger.fills.find((f) => f.position_id === o.position_id && f.kind === kind);
    const open = fill('open');
    const close = fill('close');
    collector.add(
      exampleOf({
        ...d,
        ...o,
        open_fills: 1,
        close_fills: 1,
        entry_mid: open?.reference_price,
        entry_price: open?.price,
        entry_fee: open?.fee,
        entry_qty: open?.qty,
        exit_mid: close?.reference_price,
        exit_price: close?.price,
        exit_fee: close?.fee,
        exit_qty: close?.qty,
      }),
    );
  }
  return { ledger, result: collector.finish() };
}

describe('a ledger dataset file', () => {
  const { ledger, result } = collected();
  const config = ledgerDatasetConfig(
    {
      fromLedger: true,
      clickhouseUrl: 'http://user:secret@127.0.0.1:8123',
      strategy: 'momo',
      out: join(scratch, 'l.arrow'),
    },
    {},
  );
  const meta = ledgerDatasetMetadata(config, result);

  it('has the tick dataset’s schema: columns, types and metadata keys', () => {
    const ticks = datasetSchema(
      datasetMetadata(datasetConfig({ synthetic: true, features: KEYS.join(','), out: 'x.arrow' })),
    );
    const ledgerSchema = datasetSchema(meta);
    expect(ledgerSchema.fields.map(String)).toEqual(ticks.fields.map(String));
    expect([...ledgerSchema.metadata.keys()]).toEqual([...ticks.metadata.keys()]);
    expect(Object.fromEntries(ledgerSchema.metadata)).toMatchObject({
      'flotilla.feature_keys': JSON.stringify(KEYS),
      'flotilla.feature_set_hash': featureSetHash(KEYS),
      'flotilla.feature_versions': '{"return_10":1,"rsi_14":1}',
      'flotilla.label_horizon': String(result.horizon),
      'flotilla.cost_threshold': '0',
    });
  });

  it('names the database, strategies and range in its source note, never the URL', () => {
    expect(meta.source).toBe(
      "flotilla dataset --from-ledger: database flotilla, strategies momo, decisions from the first to the last; label = long net log return over the position's life > 0",
    );
    expect(meta.source).not.toContain('secret');
  });

  it('holds every labelled decision once, with its features exactly as scored', async () => {
    const file = await writeRows(config.out, meta, result.rows, 100);
    expect(file.batches).toBeGreaterThan(1);
    const table = tableFromIPC(readFileSync(config.out));
    expect(table.numRows).toBe(ledger.outcomes.length);
    expect(table.numRows).toBeGreaterThan(200);
    const ts = table.getChild('ts_ms')?.toArray() as BigInt64Array;
    const values = KEYS.map((k) => table.getChild(k)?.toArray() as Float64Array);
    const labels = table.getChild('label')?.toArray() as Int8Array;
    const byTick = new Map(
      ledger.decisions.map((d) => [`${d.instrument}\0${d.entry_id}`, d.feature_values]),
    );
    const instruments = table.getChild('instrument')?.toArray() as string[];
    const entries = table.getChild('entry_id')?.toArray() as string[];
    for (let i = 0; i < table.numRows; i++) {
      if (i > 0) expect(ts[i] as bigint).toBeGreaterThanOrEqual(ts[i - 1] as bigint);
      expect([values[0]?.[i], values[1]?.[i]]).toEqual(
        byTick.get(`${instruments[i]}\0${entries[i]}`),
      );
    }
    const positives = labels.reduce((n, l) => n + l, 0);
    expect(positives).toBe(Math.round(result.counts.positives));
    expect(positives).toBeGreaterThan(0);
    expect(positives).toBeLessThan(table.numRows);
  });

  it('summarizes what it wrote', () => {
    const text = formatLedgerSummary({
      out: 'l.arrow',
      rows: 10,
      bytes: 999,
      database: 'flotilla',
      strategies: ['momo'],
      examples: 12,
      skipped: 2,
      longs: 6,
      shorts: 4,
      baseRate: 0.4,
      meanR: -0.0625,
      featureKeys: KEYS,
      featureSetHash: featureSetHash(KEYS),
      horizon: 3,
      fromTs: 0,
      toTs: 1000,
      elapsedMs: 1500,
    });
    expect(text.split('\n')).toEqual([
      'dataset: wrote l.arrow: 10 rows, 2 features, 999 bytes in 1.50 s',
      '  ledger      database flotilla, strategies momo; 12 decisions with an outcome, 2 without both fills (left out)',
      '  rows        1970-01-01T00:00:00.000Z .. 1970-01-01T00:00:01.000Z; 6 long, 4 short; mean R -0.063',
      "  label       long net log return over the position's life > 0; base rate 0.4000; purge horizon 3 rows",
      `  features    return_10, rsi_14 (feature-set hash ${featureSetHash(KEYS)})`,
    ]);
  });
});
