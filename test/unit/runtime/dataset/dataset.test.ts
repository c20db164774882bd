import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetBuilder } from '../../../../runtime/src/dataset/builder.ts';
import { type DatasetFlags, datasetConfig } from '../../../../runtime/src/dataset/config.ts';
import { runDataset, syntheticTicks } from '../../../../runtime/src/dataset/dataset.ts';
import { featureSetHash } from '../../../../runtime/src/features/feature-set-hash.ts';

const scratch = mkdtempSync(join(tmpdir(), 'flotilla-dataset-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const quiet = { log: () => undefined };
const KEYS = ['return_5', 'ema_20', 'rsi_14', 'zscore_20', 'macd_12_26_9'];

const flags = (out: string, more: DatasetFlags = {}): DatasetFlags => ({
  synthetic: true,
  instruments: 'BTC-USD,ETH-USD,SOL-USD',
  ticksPerInstrument: '1500',
  seed: '3',
  edge: '0.3',
  features: KEYS.join(','),
  horizon: '10',
  cost: '0.0001',
  out: join(scratch, out),
  ...more,
});

const read = (path: string) => tableFromIPC(readFileSync(path));

describe('runDataset', () => {
  it('writes the contract: columns, types, metadata, and exactly the builder’s rows in order', async () => {
    const config = datasetConfig(flags('contract.arrow', { batchRows: '1000' }));
    const summary = await runDataset(config, quiet);
    const table = read(config.out);
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'ts_ms:Int64',
      'instrument:Utf8',
      'entry_id:Utf8',
      ...KEYS.map((k) => `${k}:Float64`),
      'fwd_return:Float64',
      'label:Int8',
    ]);
    expect(Object.fromEntries(table.schema.metadata)).toEqual({
      'flotilla.feature_keys': JSON.stringify(KEYS),
      'flotilla.feature_set_hash': featureSetHash(KEYS),
      'flotilla.feature_versions': JSON.stringify(Object.fromEntries(KEYS.map((k) => [k, 1]))),
      'flotilla.label_horizon': '10',
      'flotilla.cost_threshold': '0.0001',
      'flotilla.source':
        'flotilla dataset: synthetic market, instruments BTC-USD,ETH-USD,SOL-USD, 1500 ticks each, seed 3, edge 0.3, start 2023-11-14T22:13:20.000Z',
    });
    expect(table.batches.length).toBe(Math.ceil(summary.rows / 1000));

    const builder = new DatasetBuilder({
      features: config.features.params,
      horizon: 10,
      cost: 0.0001,
    });
    if (config.source.kind !== 'synthetic') throw new Error('synthetic expected');
    for (const t of syntheticTicks(config.source))
      builder.onTick(t.instrument, t.ts, t.price, t.volume);
    const rows = builder.finish();
    expect(table.numRows).toBe(rows.length);
    expect(summary).toMatchObject({
      rows: rows.length,
      ticks: 4500,
      instruments: 3,
      unlabeled: 30,
    });
    expect(summary.warmupTicks).toBe(3 * 25); // macd_12_26_9 needs 26 ticks
    const col = (name: string) => table.getChild(name)?.toArray() as ArrayLike<unknown>;
    const ts = col('ts_ms') as BigInt64Array;
    for (const i of [0, 1, 777, rows.length - 1]) {
      const row = rows[i];
      if (!row) throw new Error(`row ${i}`);
      expect(ts[i]).toBe(BigInt(row.ts));
      expect(table.getChild('instrument')?.get(i)).toBe(row.instrument);
      expect(table.getChild('entry_id')?.get(i)).toBe(row.entryId);
      expect(KEYS.map((k) => (col(k) as Float64Array)[i])).toEqual([...row.features]);
      expect((col('fwd_return') as Float64Array)[i]).toBe(row.fwdReturn);
      expect((col('label') as Int8Array)[i]).toBe(row.label);
    }
    // Ordered by ts_ms, then instrument.
    const inst = table.getChild('instrument');
    for (let i = 1; i < table.numRows; i++) {
      const a = ts[i - 1] as bigint;
      const b = ts[i] as bigint;
      expect(a < b || (a === b && (inst?.get(i - 1) as string) < (inst?.get(i) as string))).toBe(
        true,
      );
    }
    const labels = col('label') as Int8Array;
    const fwd = col('fwd_return') as Float64Array;
    for (let i = 0; i < table.numRows; i++)
      expect(labels[i]).toBe((fwd[i] as number) > 0.0001 ? 1 : 0);
  });

  it('writes byte-identical files for the same input', async () => {
    const a = datasetConfig(flags('a.arrow'));
    const b = datasetConfig(flags('b.arrow'));
    await runDataset(a, quiet);
    await runDataset(b, quiet);
    const bytes = readFileSync(a.out);
    expect(bytes.subarray(0, 6).toString()).toBe('ARROW1');
    expect(readFileSync(b.out).equals(bytes)).toBe(true);
    const other = datasetConfig(flags('c.arrow', { seed: '4' }));
    await runDataset(other, quiet);
    expect(readFileSync(other.out).equals(bytes)).toBe(false);
  });

  it('replays a CSV file, with stream-id shaped entry ids and only its name in the source', async () => {
    const csv = join(scratch, 'ticks.csv');
    const lines = ['instrument,ts,price,volume'];
    for (let i = 0; i < 12; i++) {
      lines.push(`AAA,${1000 + 10 * i},${100 + (i % 3)},1`);
      lines.push(`BBB,${1000 + 10 * i},${50 + (i % 4)},2`);
    }
    lines.push('AAA,1110,104,1'); // same ts as the previous AAA tick
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const config = datasetConfig({
      ticks: csv,
      features: 'return_2',
      horizon: '1',
      out: join(scratch, 'csv.arrow'),
    });
    const summary = await runDataset(config, quiet);
    const table = read(config.out);
    expect(summary).toMatchObject({ ticks: 25, warmupTicks: 4, unlabeled: 2, rows: 19 });
    expect(table.schema.metadata.get('flotilla.source')).toBe(
      'flotilla dataset: ticks from ticks.csv',
    );
    const ids = [...Array(table.numRows).keys()].map(
      (i) => `${table.getChild('instrument')?.get(i)}/${table.getChild('entry_id')?.get(i)}`,
    );
    expect(ids.slice(0, 4)).toEqual(['AAA/1020-0', 'BBB/1020-0', 'AAA/1030-0', 'BBB/1030-0']);
    expect(ids.at(-1)).toBe('AAA/1110-0'); // its label is the tick 1110-1
    expect(table.getChild('fwd_return')?.get(table.numRows - 1)).toBe(Math.log(104 / 102));
  });

  it('writes nothing when no row has every feature and a label', async () => {
    const dir = join(scratch, 'empty');
    mkdirSync(dir);
    const out = join(dir, 'none.arrow');
    const config = datasetConfig(flags('x.arrow', { ticksPerInstrument: '30', out }));
    await expect(runDataset(config, quiet)).rejects.toMatchObject({
      code: 'FLT_DATASET_INPUT',
      message: expect.stringContaining(
        'no rows: 90 ticks over 3 instrument(s) left none with every feature defined and a label; each instrument needs more than 26 (warm-up of return_5, ema_20, rsi_14, zscore_20, macd_12_26_9) + 10 (--horizon) ticks',
      ),
    });
    expect(readdirSync(dir)).toEqual([]); // not even the temporary file
  });

  it('says so when the output directory does not exist', async () => {
    const config = datasetConfig(flags('x.arrow', { out: join(scratch, 'absent', 'd.arrow') }));
    await expect(runDataset(config, quiet)).rejects.toMatchObject({
      code: 'FLT_DATASET_WRITE',
      message: `${config.out}: cannot write the dataset: its directory does not exist`,
    });
    expect(existsSync(config.out)).toBe(false);
  });
});
