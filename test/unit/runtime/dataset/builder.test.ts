import { describe, expect, it } from 'vitest';
import type { FeatureParams } from '../../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { DatasetBuilder, type DatasetRow } from '../../../../runtime/src/dataset/builder.ts';
import { marketTicks } from '../../../../runtime/src/feed/market.ts';
import { marketParams } from '../../../../runtime/src/feed/market-params.ts';

interface T {
  instrument: string;
  ts: number;
  price: number;
  volume?: number;
}

const RETURNS: FeatureParams[] = [
  { name: 'return', window: 1 },
  { name: 'return', window: 2 },
];

/** Every row the builder gives for `ticks` (take() every `every` ticks, then finish()). */
function build(
  ticks: readonly T[],
  options: { features?: FeatureParams[]; horizon?: number; cost?: number; every?: number } = {},
): { rows: DatasetRow[]; builder: DatasetBuilder } {
  const builder = new DatasetBuilder({
    features: options.features ?? RETURNS,
    horizon: options.horizon ?? 2,
    cost: options.cost ?? 0,
  });
  const rows: DatasetRow[] = [];
  ticks.forEach((t, i) => {
    builder.onTick(t.instrument, t.ts, t.price, t.volume ?? 1);
    if ((i + 1) % (options.every ?? 1) === 0) rows.push(...builder.take());
  });
  rows.push(...builder.finish());
  return { rows, builder };
}

const series = (instrument: string, prices: number[], t0 = 1000, step = 1000): T[] =>
  prices.map((price, i) => ({ instrument, ts: t0 + i * step, price }));

/** A row as plain data, for comparing runs. */
const plain = (r: DatasetRow) => ({
  ts: r.ts,
  instrument: r.instrument,
  entryId: r.entryId,
  features: [...r.features],
  fwdReturn: r.fwdReturn,
  label: r.label,
});

function synthetic(ticks: number, edge = 0.3, seed = 5) {
  return [
    ...marketTicks(['BTC-USD', 'ETH-USD', 'SOL-USD'], {
      seed,
      startTs: 1_700_000_000_000,
      ticksPerInstrument: ticks,
      params: marketParams({ edge }),
    }),
  ];
}

const FEATURES: FeatureParams[] = [
  { name: 'return', window: 5 },
  { name: 'ema', window: 20 },
  { name: 'rsi', window: 14 },
  { name: 'zscore', window: 20 },
  { name: 'macd', fast: 12, slow: 26, signal: 9 },
];

describe('DatasetBuilder', () => {
  it('computes features at the tick and labels from the price H ticks later (hand-computed)', () => {
    const prices = [100, 101, 99, 102, 98, 104, 97];
    const { rows, builder } = build(series('X', prices), { horizon: 2 });
    // return_2 needs 3 ticks: rows start at tick 2; ticks 5 and 6 have no tick 2 later.
    expect(rows.map(plain)).toEqual([
      {
        ts: 3000,
        instrument: 'X',
        entryId: '3000-0',
        features: [Math.log(99 / 101), Math.log(99 / 100)],
        fwdReturn: Math.log(98 / 99),
        label: 0,
      },
      {
        ts: 4000,
        instrument: 'X',
        entryId: '4000-0',
        features: [Math.log(102 / 99), Math.log(102 / 101)],
        fwdReturn: Math.log(104 / 102),
        label: 1,
      },
      {
        ts: 5000,
        instrument: 'X',
        entryId: '5000-0',
        features: [Math.log(98 / 102), Math.log(98 / 99)],
        fwdReturn: Math.log(97 / 98),
        label: 0,
      },
    ]);
    expect(builder.counts).toEqual({
      ticks: 7,
      rejectedTicks: 0,
      warmupTicks: 2,
      rows: 3,
      unlabeled: 2,
      positives: 1,
    });
  });

  it.each([
    [0, [0, 1, 0]],
    [0.019, [0, 1, 0]], // ln(104/102) = 0.01942
    [0.02, [0, 0, 0]],
    [-0.0102, [1, 1, 0]], // ln(98/99) = -0.01015, ln(97/98) = -0.01026
  ])('labels fwd_return > cost %s', (cost, labels) => {
    const { rows } = build(series('X', [100, 101, 99, 102, 98, 104, 97]), { cost });
    expect(rows.map((r) => r.label)).toEqual(labels);
  });

  it('labels over the instrument’s own ticks, whatever the other instruments do', () => {
    const a = series('A', [10, 11, 12, 13, 14, 15], 1000, 1000);
    const b = series('B', [50, 40, 30, 20, 10, 5, 1, 2, 3], 1000, 500);
    const merged = [...a, ...b].sort(
      (x, y) => x.ts - y.ts || (x.instrument < y.instrument ? -1 : 1),
    );
    const { rows } = build(merged, { horizon: 3 });
    const ofA = rows.filter((r) => r.instrument === 'A');
    expect(ofA.map((r) => r.fwdReturn)).toEqual([Math.log(15 / 12)]);
    const ofB = rows.filter((r) => r.instrument === 'B');
    expect(ofB.map((r) => r.fwdReturn)).toEqual(
      [30, 20, 10, 5].map((p, i) => Math.log(([5, 1, 2, 3][i] as number) / p)),
    );
  });

  it('orders rows by ts, then instrument, whatever order same-time ticks arrive in', () => {
    const ticks: T[] = [];
    for (let i = 0; i < 8; i++)
      for (const name of ['ZED', 'ALPHA', 'MID'])
        ticks.push({ instrument: name, ts: i * 10, price: 100 + ((i * 7) % 5) });
    const { rows } = build(ticks, { horizon: 1, every: 3 });
    const keys = rows.map((r) => `${r.ts}:${r.instrument}`);
    const sorted = [...rows]
      .sort((x, y) => x.ts - y.ts || (x.instrument < y.instrument ? -1 : 1))
      .map((r) => `${r.ts}:${r.instrument}`);
    expect(keys).toEqual(sorted);
    expect(rows).toHaveLength(3 * (8 - 2 - 1)); // warm-up 2 ticks, the last has no label
  });

  it('numbers ticks with the same ts like stream ids: <ts>-0, <ts>-1, ...', () => {
    const ticks = [1, 2, 3, 4, 5, 6].map((i) => ({
      instrument: 'X',
      ts: i < 4 ? 7 : 9,
      price: 100 + i,
    }));
    const { rows } = build(ticks, { features: [{ name: 'return', window: 1 }], horizon: 1 });
    expect(rows.map((r) => r.entryId)).toEqual(['7-1', '7-2', '9-0', '9-1']);
  });

  it('gives the same rows however often take() is called', () => {
    const ticks = synthetic(600);
    const once = build(ticks, { features: FEATURES, horizon: 10, every: Number.MAX_SAFE_INTEGER });
    const often = build(ticks, { features: FEATURES, horizon: 10, every: 7 });
    expect(often.rows.map(plain)).toEqual(once.rows.map(plain));
    expect(once.rows.length).toBeGreaterThan(1500);
  });

  it('is point-in-time: rows up to tick k do not change when the ticks after k do', () => {
    const H = 10;
    const ticks = synthetic(800);
    const k = 1500; // of 2400 ticks
    const future = ticks.map((t, i) =>
      i < k ? t : { ...t, price: t.price * (1 + 0.01 * Math.sin(i)) },
    );
    const truncated = ticks.slice(0, k);
    const run = (ts: typeof ticks) => build(ts, { features: FEATURES, horizon: H, every: 64 });
    const a = run(ticks);
    const b = run(future);
    const c = run(truncated);
    const lastTs = (ticks[k - 1] as (typeof ticks)[number]).ts;
    const upTo = (rows: DatasetRow[]) => rows.filter((r) => r.ts <= lastTs);
    // Same features for every row of a tick <= k, whatever came after.
    expect(upTo(b.rows).map((r) => [r.entryId, r.instrument, [...r.features]])).toEqual(
      upTo(a.rows).map((r) => [r.entryId, r.instrument, [...r.features]]),
    );
    // Without the later ticks, exactly the rows still waiting for a label are missing.
    const cRows = c.rows.map(plain);
    const byId = new Map(upTo(a.rows).map((r) => [`${r.instrument}/${r.entryId}`, plain(r)]));
    for (const r of cRows) expect(byId.get(`${r.instrument}/${r.entryId}`)).toEqual(r);
    expect(upTo(a.rows).length - cRows.length).toBe(c.builder.counts.unlabeled);
    expect(c.builder.counts.unlabeled).toBe(3 * H);
  });

  it('skips warm-up ticks: a row needs every feature defined', () => {
    const ticks = synthetic(100);
    const { rows, builder } = build(ticks, { features: FEATURES, horizon: 5 });
    // macd_12_26_9 needs 26 ticks: 25 ticks of each instrument have no row.
    expect(builder.counts.warmupTicks).toBe(3 * 25);
    expect(rows).toHaveLength(3 * (100 - 25 - 5));
    expect(rows.every((r) => r.features.every(Number.isFinite))).toBe(true);
  });

  it('counts ticks the store refuses and does not count them towards the horizon', () => {
    const ticks = series('X', [100, 101, 102, 103, 104]);
    ticks.splice(3, 0, { instrument: 'X', ts: 3500, price: -1 });
    const { rows, builder } = build(ticks, {
      features: [{ name: 'return', window: 1 }],
      horizon: 1,
    });
    expect(builder.counts.rejectedTicks).toBe(1);
    expect(rows.map((r) => r.fwdReturn)).toEqual([
      Math.log(102 / 101),
      Math.log(103 / 102),
      Math.log(104 / 103),
    ]);
  });

  it('refuses an instrument going back in time, naming it', () => {
    const ticks = [...series('X', [1, 2, 3]), { instrument: 'X', ts: 1500, price: 4 }];
    expect(() => build(ticks)).toThrow(
      expect.objectContaining({
        code: 'FLT_DATASET_INPUT',
        message: expect.stringContaining(
          'X: tick at ts 1500 is before the previous X tick (ts 3000)',
        ),
      }),
    );
  });

  it('refuses a row that would go before rows already handed out', () => {
    const early = series('A', [1, 2, 3, 4, 5, 6, 7, 8], 1000);
    const late = series('B', [1, 2, 3, 4], 0); // B appears only after A's rows went out
    expect(() => build([...early, ...late], { horizon: 1, every: 1 })).toThrow(
      /B: the row of the tick at ts 2000 would go before rows already written \(up to ts \d+, A\)/,
    );
  });
});
