import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DatasetFlags, datasetConfig } from '../../../../runtime/src/dataset/config.ts';
import { DatasetError } from '../../../../runtime/src/dataset/errors.ts';

const scratch = mkdtempSync(join(tmpdir(), 'flotilla-dataset-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const BASE: DatasetFlags = { synthetic: true, features: 'return_5,ema_20', out: 'd.arrow' };

/** The FLT_DATASET_CONFIG message datasetConfig throws for these flags. */
function problems(flags: DatasetFlags): string {
  try {
    datasetConfig(flags);
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).code).toBe('FLT_DATASET_CONFIG');
    return (err as Error).message;
  }
  throw new Error('expected datasetConfig to throw');
}

function manifest(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

const STRATEGY = `apiVersion: flotilla.dev/v1alpha1
kind: Strategy
metadata: { name: s1 }
spec:
  instruments: [BTC-USD]
  features:
    - { name: zscore, window: 50 }
    - { name: macd, fast: 12, slow: 26, signal: 9 }
    - { name: return, window: 5 }
  modelRef: { name: m1 }
  decision: { threshold: 0.6 }
`;
const MODELS = `apiVersion: flotilla.dev/v1alpha1
kind: Model
metadata: { name: m1 }
spec:
  uri: file:///m/m1.onnx
  sha256: ${'a'.repeat(64)}
  inputs: [rsi_14, return_5]
  outputs: { name: probabilities, column: 1, kind: probability }
---
apiVersion: flotilla.dev/v1alpha1
kind: Model
metadata: { name: m2 }
spec:
  uri: file:///m/m2.onnx
  sha256: ${'b'.repeat(64)}
  inputs: [vwap_30]
  outputs: { name: probabilities, column: 1, kind: probability }
`;

describe('datasetConfig', () => {
  it('fills the defaults for synthetic ticks', () => {
    const config = datasetConfig(BASE);
    expect(config).toEqual({
      source: {
        kind: 'synthetic',
        instruments: ['BTC-USD', 'ETH-USD'],
        seed: 1,
        edge: 0,
        startTs: 1_700_000_000_000,
        ticksPerInstrument: 10_000,
      },
      features: {
        keys: ['return_5', 'ema_20'],
        params: [
          { name: 'return', window: 5 },
          { name: 'ema', window: 20 },
        ],
        origin: 'the command line',
        ticksNeeded: 20,
      },
      horizon: 20,
      cost: 0,
      out: 'd.arrow',
      batchRows: 65_536,
      json: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every flag', () => {
    const config = datasetConfig({
      ...BASE,
      instruments: 'A, B,C',
      ticksPerInstrument: '5000',
      seed: '9',
      edge: '0.3',
      startTs: '2026-01-01T00:00:00Z',
      features: 'macd_12_26_9, rangePosition_50',
      horizon: '5',
      cost: '0.0005',
      out: 'x/y.feather',
      batchRows: '1000',
      json: true,
    });
    expect(config.source).toEqual({
      kind: 'synthetic',
      instruments: ['A', 'B', 'C'],
      seed: 9,
      edge: 0.3,
      startTs: Date.UTC(2026, 0, 1),
      ticksPerInstrument: 5000,
    });
    expect(config.features.params).toEqual([
      { name: 'macd', fast: 12, slow: 26, signal: 9 },
      { name: 'rangePosition', window: 50 },
    ]);
    expect([config.horizon, config.cost, config.out, config.batchRows, config.json]).toEqual([
      5,
      0.0005,
      'x/y.feather',
      1000,
      true,
    ]);
  });

  it('takes a CSV file', () => {
    expect(
      datasetConfig({ ticks: 'ticks.csv', features: 'rsi_14', out: 'd.arrow' }).source,
    ).toEqual({
      kind: 'csv',
      file: 'ticks.csv',
    });
  });

  it('reads the features a Strategy declares, in order', () => {
    const path = manifest('strategy.yaml', STRATEGY);
    const { features } = datasetConfig({ ...BASE, features: path });
    expect(features.keys).toEqual(['zscore_50', 'macd_12_26_9', 'return_5']);
    expect(features.origin).toBe(`Strategy/s1 in ${path}`);
    expect(features.ticksNeeded).toBe(50);
  });

  it('reads a Model’s inputs, picked by name when the file has several', () => {
    const path = manifest('models.yaml', MODELS);
    expect(datasetConfig({ ...BASE, features: `${path}#m1` }).features.keys).toEqual([
      'rsi_14',
      'return_5',
    ]);
    expect(problems({ ...BASE, features: path })).toBe(
      `--features: ${path} has 2 Strategy or Model objects (Model/m1, Model/m2); pick one with ${path}#NAME`,
    );
    expect(problems({ ...BASE, features: `${path}#m3` })).toBe(
      `--features: ${path} has no Strategy or Model named "m3" (it has: Model/m1, Model/m2)`,
    );
  });

  it('refuses an invalid manifest, naming the field', () => {
    const path = manifest('bad.yaml', STRATEGY.replace('window: 50', 'window: 0'));
    expect(problems({ ...BASE, features: path })).toMatch(
      /--features: .*bad\.yaml#1 Strategy\/s1 is invalid:\nspec\.features\[0\]\.window: /,
    );
    expect(problems({ ...BASE, features: join(scratch, 'absent.yaml') })).toMatch(
      /--features: cannot read .*absent\.yaml: no such file/,
    );
  });

  it.each<[string, DatasetFlags, string]>([
    ['no source', { features: 'rsi_14', out: 'd.arrow' }, 'give --ticks FILE.csv or --synthetic'],
    [
      'both sources',
      { ...BASE, ticks: 't.csv' },
      '--ticks FILE and --synthetic exclude each other',
    ],
    [
      'synthetic flags with a file',
      { ticks: 't.csv', seed: '3', features: 'rsi_14', out: 'd.arrow' },
      '--seed applies to --synthetic ticks, not to --ticks FILE',
    ],
    ['no features', { synthetic: true, out: 'd.arrow' }, '--features: required'],
    ['no out', { synthetic: true, features: 'rsi_14' }, '--out: required'],
    ['bad key', { ...BASE, features: 'rsi_14,ema20' }, '--features: "ema20" is not a feature key'],
    [
      'window above the catalog limit',
      { ...BASE, features: 'ema_10001' },
      '--features: "ema_10001": feature ema: window 10001 is not an integer in 1..10000',
    ],
    [
      'duplicate key',
      { ...BASE, features: 'rsi_14,rsi_14' },
      '--features: rsi_14 listed more than once',
    ],
    ['empty key', { ...BASE, features: 'rsi_14,,ema_5' }, 'has an empty key'],
    ['horizon 0', { ...BASE, horizon: '0' }, '--horizon: "0" is not an integer in [1, 10000]'],
    [
      'horizon too long',
      { ...BASE, horizon: '10001' },
      '--horizon: "10001" is not an integer in [1, 10000]',
    ],
    ['cost in percent', { ...BASE, cost: '5' }, '--cost: "5" is not a log return in (-1, 1)'],
    ['edge', { ...BASE, edge: '3' }, '--edge: "3" is not a number in [0, 2]'],
    ['seed', { ...BASE, seed: '-1' }, '--seed: "-1" is not an integer in [0, 4294967295]'],
    [
      'ticks per instrument',
      { ...BASE, ticksPerInstrument: '0' },
      '--ticks-per-instrument: "0" is not an integer in [1, 100000000]',
    ],
    [
      'instrument',
      { ...BASE, instruments: 'btc' },
      '--instruments: instrument: "btc" does not match',
    ],
    ['instrument twice', { ...BASE, instruments: 'A,A' }, '--instruments: A listed twice'],
    [
      'start',
      { ...BASE, startTs: 'yesterday' },
      '--start-ts: "yesterday" is not ms since the epoch',
    ],
    [
      'output type',
      { ...BASE, out: 'd.parquet' },
      '--out: "d.parquet" must end in .arrow, .feather, .ipc',
    ],
    [
      'batch rows',
      { ...BASE, batchRows: '0' },
      '--batch-rows: "0" is not an integer in [1, 1048576]',
    ],
  ])('%s', (_name, flags, message) => {
    expect(problems(flags)).toContain(message);
  });

  it('lists every problem at once', () => {
    const message = problems({ ...BASE, horizon: '0', cost: 'x', features: 'nope' });
    expect(message).toMatch(/^3 problems with the options:\n {2}--features: "nope"/);
    expect(message).toContain('\n  --horizon: "0"');
    expect(message).toContain('\n  --cost: "x"');
  });
});
