import { describe, expect, it } from 'vitest';
import { type FillPair, longNetLogReturn } from '../../../../runtime/src/dataset/ledger-labels.ts';
import { exampleOf } from '../../../../runtime/src/dataset/ledger-query.ts';
import {
  type LedgerExample,
  LedgerRowCollector,
} from '../../../../runtime/src/dataset/ledger-rows.ts';
import { featureSetHash } from '../../../../runtime/src/features/feature-set-hash.ts';

const KEYS = ['return_5', 'rsi_14'];
const T0 = Date.UTC(2024, 2, 1);

/** An example whose position went from mid 100 to `exitMid` (2 bps cost, 1 bp fee, 1 unit). */
function example(over: Partial<LedgerExample> & { exitMid?: number } = {}): LedgerExample {
  const { exitMid = 101, ...rest } = over;
  const side = rest.action === 'short' ? -1 : 1;
  const entryPrice = 100 * (1 + side * 0.0002);
  const exitPrice = exitMid * (1 - side * 0.0002);
  return {
    id: 'd1',
    tsMs: T0,
    strategy: 'momo',
    instrument: 'BTC-USD',
    entryId: `${T0}-0`,
    featureSet: featureSetHash(KEYS),
    featureKeys: KEYS,
    featureValues: [0.001, 0.625],
    action: 'long',
    positionId: 'p1',
    closedTsMs: T0 + 1000,
    rMultiple: 1.5,
    fills: {
      entryMid: 100,
      entryPrice,
      entryFee: entryPrice * 0.0001,
      entryQty: 1,
      exitMid,
      exitPrice,
      exitFee: exitPrice * 0.0001,
      exitQty: 1,
    },
    ...rest,
  };
}

const collect = (examples: LedgerExample[]) => {
  const c = new LedgerRowCollector();
  for (const e of examples) c.add(e);
  return c.finish();
};

const failure = (examples: LedgerExample[]) => {
  try {
    collect(examples);
  } catch (err) {
    return `${(err as { code: string }).code}: ${(err as Error).message}`;
  }
  throw new Error('accepted');
};

describe('LedgerRowCollector', () => {
  it('makes one row per example: features as scored, fwd_return and label from the fills', () => {
    const up = example({ id: 'd1', exitMid: 101, featureValues: [0.1 + 0.2, -1e-300] });
    const down = example({ id: 'd2', tsMs: T0 + 5, action: 'short', exitMid: 99, rMultiple: 2 });
    const { rows, features, counts } = collect([up, down]);
    expect(rows.map((r) => [r.ts, r.instrument, r.entryId, [...r.features], r.label])).toEqual([
      [T0, 'BTC-USD', `${T0}-0`, [0.1 + 0.2, -1e-300], 1],
      [T0 + 5, 'BTC-USD', `${T0}-0`, [0.001, 0.625], 0],
    ]);
    expect(rows[0]?.fwdReturn).toBe(longNetLogReturn(up.fills as FillPair));
    expect(rows[1]?.fwdReturn).toBe(longNetLogReturn(down.fills as FillPair));
    expect(features).toEqual({
      keys: KEYS,
      featureSet: featureSetHash(KEYS),
      strategies: ['momo'],
    });
    expect(counts).toEqual({
      examples: 2,
      skipped: 0,
      rows: 2,
      longs: 1,
      shorts: 1,
      positives: 1,
      rSum: 3.5,
    });
  });

  it('orders rows by ts, then instrument, then decision id, whatever order they came in', () => {
    const { rows } = collect([
      example({ id: 'c', tsMs: T0 + 2, instrument: 'ETH-USD' }),
      example({ id: 'b', tsMs: T0 + 2, instrument: 'BTC-USD', entryId: 'b' }),
      example({ id: 'a', tsMs: T0 + 2, instrument: 'BTC-USD', entryId: 'a' }),
      example({ id: 'z', tsMs: T0 + 1 }),
    ]);
    expect(rows.map((r) => [r.ts - T0, r.instrument, r.entryId])).toEqual([
      [1, 'BTC-USD', `${T0}-0`],
      [2, 'BTC-USD', 'a'],
      [2, 'BTC-USD', 'b'],
      [2, 'ETH-USD', `${T0}-0`],
    ]);
    expect(rows.map((r) => r.order)).toEqual([0, 1, 2, 3]);
  });

  it('sets the purge horizon from the positions’ close times', () => {
    const { horizon } = collect([
      example({ id: 'a', tsMs: T0, closedTsMs: T0 + 30 }),
      example({ id: 'b', tsMs: T0 + 10, closedTsMs: T0 + 11 }),
      example({ id: 'c', tsMs: T0 + 20, closedTsMs: T0 + 21 }),
    ]);
    expect(horizon).toBe(3);
  });

  it('leaves out examples without both fills (or with unusable ones), and counts them', () => {
    const { rows, counts } = collect([
      example({ id: 'a' }),
      example({ id: 'b', fills: undefined }),
      example({ id: 'c', fills: { ...(example().fills as FillPair), exitQty: 0 } }),
    ]);
    expect(rows).toHaveLength(1);
    expect(counts).toMatchObject({ examples: 3, skipped: 2, rows: 1 });
  });

  it.each<[string, LedgerExample[], string]>([
    ['nothing read', [], 'FLT_DATASET_LEDGER: no decision in the range has an outcome'],
    [
      'nothing labelled',
      [example({ fills: undefined }), example({ id: 'd2', fills: undefined })],
      'FLT_DATASET_LEDGER: none of the 2 decisions with an outcome has both fills of its position',
    ],
    [
      'a flat decision with an outcome',
      [example({ action: 'flat' })],
      'FLT_DATASET_LEDGER: decision d1 (strategy momo) cannot be a training row: its action is "flat"',
    ],
    [
      'fewer values than keys',
      [example({ featureValues: [1] })],
      'decision d1 (strategy momo) cannot be a training row: it has 1 feature values for 2 keys',
    ],
    [
      'a NaN value',
      [example({ featureValues: [1, Number.NaN] })],
      'a feature value is not a finite number',
    ],
    [
      'two feature lists',
      [
        example(),
        example({
          id: 'd2',
          strategy: 'other',
          featureKeys: ['rsi_14'],
          featureValues: [1],
          featureSet: featureSetHash(['rsi_14']),
        }),
      ],
      'FLT_DATASET_LEDGER: the decisions do not share one feature list',
    ],
  ])('refuses %s', (_name, examples, text) => {
    expect(failure(examples)).toContain(text);
  });
});

describe('exampleOf', () => {
  const record = {
    id: 'd1',
    ts_ms: String(T0),
    strategy: 'momo',
    instrument: 'BTC-USD',
    entry_id: `${T0}-0`,
    feature_set: 'fs',
    feature_keys: KEYS,
    feature_values: [0.5, 1],
    action: 'short',
    position_id: 'p1',
    closed_ts_ms: String(T0 + 1000),
    r_multiple: -0.5,
    open_fills: 1,
    close_fills: 1,
    entry_mid: 100,
    entry_price: 99.98,
    entry_fee: 0.01,
    entry_qty: 2,
    exit_mid: 101,
    exit_price: 101.02,
    exit_fee: 0.0102,
    exit_qty: 2,
  };

  it('decodes a result row, 64-bit integers quoted', () => {
    expect(exampleOf(record)).toEqual({
      id: 'd1',
      tsMs: T0,
      strategy: 'momo',
      instrument: 'BTC-USD',
      entryId: `${T0}-0`,
      featureSet: 'fs',
      featureKeys: KEYS,
      featureValues: [0.5, 1],
      action: 'short',
      positionId: 'p1',
      closedTsMs: T0 + 1000,
      rMultiple: -0.5,
      fills: {
        entryMid: 100,
        entryPrice: 99.98,
        entryFee: 0.01,
        entryQty: 2,
        exitMid: 101,
        exitPrice: 101.02,
        exitFee: 0.0102,
        exitQty: 2,
      },
    });
  });

  it.each([
    ['no fills (the LEFT JOIN found none)', { open_fills: 0, close_fills: 0 }],
    ['no close fill', { close_fills: 0 }],
    ['two open fills', { open_fills: 2 }],
  ])('has no fills with %s', (_name, over) => {
    expect(exampleOf({ ...record, ...over }).fills).toBeUndefined();
  });
});
