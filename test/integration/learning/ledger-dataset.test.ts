// The ledger is a training set: a seeded ledger made the way the runner makes one (FeatureStore,
// decisions on target changes, the real PaperBroker's fills and outcome labels) is written to
// ClickHouse 18.16 through the LedgerWriter (twice: a replay must not duplicate a row), then
// `flotilla dataset --from-ledger` writes the Arrow file and `flotilla train` (the real Python
// trainer in trainer/.venv) trains a model on it unchanged.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Table, tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { featureKey } from '../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { featureSetHash } from '../../../runtime/src/features/feature-set-hash.ts';
import { type TrainingExample, trainingSet } from '../../../runtime/src/ledger/queries.ts';
import { LedgerWriter } from '../../../runtime/src/ledger/writer.ts';
import { type TradedStrategy, tradedLedger } from '../../unit/runtime/dataset/traded-ledger.ts';
import {
  clickHouseClient,
  dropDatabase,
  migratedDatabase,
  removeDir,
  tempSpoolDir,
} from '../ledger/ledger-db.ts';

const root = join(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'flotilla-ledger-dataset-'));
const url = inject('clickhouseUrl');
const client = clickHouseClient(url);

const MOMO: TradedStrategy = {
  name: 'momo',
  features: [
    { name: 'return', window: 10 },
    { name: 'return', window: 5 },
    { name: 'rsi', window: 14 },
    { name: 'volatility', window: 20 },
  ],
  threshold: 0.002,
};
const FAST: TradedStrategy = {
  name: 'fast',
  features: [
    { name: 'return', window: 5 },
    { name: 'ema', window: 20 },
  ],
  threshold: 0.0015,
};
const MOMO_KEYS = MOMO.features.map(featureKey);
// 2 instruments x 20,000 ticks of the seeded market: about 2,300 closed momo positions, enough
// for the trainer's time split to hold both labels on each side (measured: 2,325 rows).
const ledger = tradedLedger({
  seed: 5,
  instruments: ['BTC-USD', 'ETH-USD'],
  ticksPerInstrument: 20_000,
  strategies: [MOMO, FAST],
});

let db: string;
let spoolDir: string;

beforeAll(async () => {
  db = await migratedDatabase(client);
  spoolDir = await tempSpoolDir();
  const writer = await LedgerWriter.open({ client, database: db, spoolDir });
  await writer.write(ledger);
  await writer.write(ledger); // a replay: same ids, read once through FINAL
  await writer.close();
});
afterAll(async () => {
  if (db) await dropDatabase(client, db);
  if (spoolDir) await removeDir(spoolDir);
  await client.close();
  rmSync(scratch, { recursive: true, force: true });
});

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

async function flotilla(...args: string[]): Promise<Run> {
  try {
    const r = await promisify(execFile)(process.execPath, [join(root, 'cli/main.ts'), ...args], {
      maxBuffer: 1 << 24,
    });
    return { status: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { status: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const fromLedger = (out: string, ...more: string[]) =>
  flotilla(
    'dataset',
    '--from-ledger',
    '--clickhouse-url',
    url,
    '--database',
    db,
    '--out',
    out,
    ...more,
  );

const read = (path: string): Table => tableFromIPC(readFileSync(path));
const column = <T>(t: Table, name: string) => t.getChild(name)?.toArray() as T;

describe('flotilla dataset --from-ledger on ClickHouse 18.16', () => {
  it('refuses strategies that score different features, naming both and --strategy', async () => {
    const out = join(scratch, 'mixed.arrow');
    const r = await fromLedger(out);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^flotilla: FLT_DATASET_LEDGER: the decisions do not share one feature list, and one dataset has one: strategies (momo and fast|fast and momo) score different features; pick one with --strategy\./,
    );
    expect(r.stderr).toContain('\n  strategy momo: [return_10, return_5, rsi_14, volatility_20]');
    expect(r.stderr).toContain('\n  strategy fast: [return_5, ema_20]');
    expect(existsSync(out)).toBe(false);
  });

  describe('one strategy', () => {
    const out = join(scratch, 'momo.arrow');
    let run: Run;
    let examples: TrainingExample[];
    let table: Table;

    beforeAll(async () => {
      run = await fromLedger(out, '--strategy', 'momo', '--json');
      examples = await trainingSet(client, db, { strategy: 'momo' });
      if (run.status === 0) table = read(out);
    });

    it('writes every decision the ledger’s own trainingSet returns, once', () => {
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const summary = JSON.parse(run.stdout);
      const momoOutcomes = ledger.outcomes.filter((o) => o.strategy === 'momo').length;
      expect(momoOutcomes).toBeGreaterThan(2000);
      expect(examples).toHaveLength(momoOutcomes);
      expect(table.numRows).toBe(momoOutcomes);
      expect(summary).toMatchObject({
        rows: momoOutcomes,
        examples: momoOutcomes,
        skipped: 0,
        strategies: ['momo'],
        featureKeys: MOMO_KEYS,
        featureSetHash: featureSetHash(MOMO_KEYS),
      });
      expect(summary.longs + summary.shorts).toBe(momoOutcomes);
    });

    it('writes the dataset contract: feature columns in the decisions’ order, the metadata keys', () => {
      expect(table.schema.fields.map((f) => f.name)).toEqual([
        'ts_ms',
        'instrument',
        'entry_id',
        ...MOMO_KEYS,
        'fwd_return',
        'label',
      ]);
      const meta = Object.fromEntries(table.schema.metadata);
      expect(meta).toMatchObject({
        'flotilla.feature_keys': JSON.stringify(MOMO_KEYS),
        'flotilla.feature_set_hash': featureSetHash(MOMO_KEYS),
        'flotilla.cost_threshold': '0',
      });
      expect(Number(meta['flotilla.label_horizon'])).toBeGreaterThanOrEqual(1);
      expect(meta['flotilla.source']).not.toContain(url);
    });

    it('holds the features exactly as scored, and labels consistent with the realized R', () => {
      const byTick = new Map(examples.map((e) => [`${e.instrument}\0${e.entry_id}`, e]));
      const ts = column<BigInt64Array>(table, 'ts_ms');
      const instruments = column<string[]>(table, 'instrument');
      const entries = column<string[]>(table, 'entry_id');
      const features = MOMO_KEYS.map((k) => column<Float64Array>(table, k));
      const fwd = column<Float64Array>(table, 'fwd_return');
      const labels = column<Int8Array>(table, 'label');
      const counts = { long: 0, shortWin: 0 };
      for (let i = 0; i < table.numRows; i++) {
        const e = byTick.get(`${instruments[i]}\0${entries[i]}`);
        if (!e) throw new Error(`row ${i} is no decision of the ledger`);
        expect(Number(ts[i])).toBe(e.ts_ms);
        expect(features.map((f) => f[i])).toEqual(e.feature_values);
        expect(labels[i]).toBe((fwd[i] as number) > 0 ? 1 : 0);
        if (e.action === 'long') {
          counts.long++;
          expect(labels[i]).toBe(e.r_multiple > 0 ? 1 : 0);
        } else if (e.r_multiple > 0) {
          counts.shortWin++;
          expect(labels[i]).toBe(0); // the price fell: a long would have lost
        }
      }
      expect(counts.long).toBeGreaterThan(500);
      expect(counts.shortWin).toBeGreaterThan(100);
    });

    it('is accepted by the trainer: flotilla train writes the ONNX model and its Model manifest', async () => {
      const dir = join(scratch, 'model');
      const r = await flotilla(
        'train',
        '--dataset',
        out,
        '--algorithm',
        'logreg',
        '--out',
        dir,
        '--name',
        'ledger-lr',
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(existsSync(join(dir, 'ledger-lr.onnx'))).toBe(true);
      const manifest = parse(readFileSync(join(dir, 'ledger-lr.model.yaml'), 'utf8'));
      expect(manifest.kind).toBe('Model');
      expect(manifest.spec.inputs).toEqual(MOMO_KEYS);
      expect(manifest.spec.featureSetVersion).toBe(featureSetHash(MOMO_KEYS));
      const metadata = JSON.parse(readFileSync(join(dir, 'ledger-lr.metadata.json'), 'utf8'));
      expect(metadata.dataset.rows).toBe(table.numRows);
    }, 120_000);
  });

  it('exports only the decisions in [--from, --to)', async () => {
    const momo = ledger.decisions.filter((d) => d.strategy === 'momo');
    const from = (momo[Math.floor(momo.length / 4)] as { ts_ms: number }).ts_ms;
    const to = (momo[Math.floor((3 * momo.length) / 4)] as { ts_ms: number }).ts_ms;
    const out = join(scratch, 'range.arrow');
    const r = await fromLedger(
      out,
      '--strategy',
      'momo',
      '--from',
      new Date(from).toISOString(),
      '--to',
      String(to),
    );
    expect(r.status).toBe(0);
    const ts = [...column<BigInt64Array>(read(out), 'ts_ms')].map(Number);
    const expected = await trainingSet(client, db, { strategy: 'momo', fromMs: from, toMs: to });
    expect(ts).toEqual(expected.map((e) => e.ts_ms));
    expect(ts.length).toBeGreaterThan(500);
    expect(Math.min(...ts)).toBeGreaterThanOrEqual(from);
    expect(Math.max(...ts)).toBeLessThan(to);
  });

  it('says what it could not reach, and writes nothing', async () => {
    const out = join(scratch, 'down.arrow');
    const r = await flotilla(
      'dataset',
      '--from-ledger',
      '--clickhouse-url',
      'http://127.0.0.1:1',
      '--out',
      out,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^flotilla: FLT_LEDGER_CLICKHOUSE: reading decisions and outcomes from flotilla: .*ECONNREFUSED/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('points at --database when the database has no ledger', async () => {
    const r = await flotilla(
      'dataset',
      '--from-ledger',
      '--clickhouse-url',
      url,
      '--database',
      'no_such_ledger',
      '--out',
      join(scratch, 'none.arrow'),
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'FLT_LEDGER_CLICKHOUSE: reading decisions and outcomes from no_such_ledger',
    );
    expect(r.stderr).toContain('(is no_such_ledger the ledger database? pass it with --database');
  });
});
