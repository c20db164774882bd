import { describe, expect, it } from 'vitest';
import { FeatureStore } from '../../../../runtime/src/features/feature-store.ts';
import { encodeTick } from '../../../../runtime/src/ingest/tick-format.ts';
import {
  Executor,
  type SignalRecord,
  type StreamBatch,
} from '../../../../runtime/src/strategy/executor.ts';
import {
  LinearPredictor,
  type Predictor,
  StaticPredictors,
} from '../../../../runtime/src/strategy/predictor.ts';
import { shardConfig, shardStrategy } from '../../../fixtures/shard.ts';

const INSTRUMENT = 'BTC-USD';
const model = (sha256: string) => ({
  name: 'm',
  uri: 'file:///m.onnx',
  sha256,
  inputs: ['return_5'],
  outputs: { name: 'probabilities', column: 1, kind: 'probability' as const },
});

/** A zig-zag market: 10 ticks up, 10 down, so momentum rules flip sides regularly. */
function batch(from: number, n: number, instrument = INSTRUMENT): StreamBatch {
  const entries = Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const phase = i % 20 < 10 ? i % 20 : 20 - (i % 20);
    return {
      id: `${1_000 + i}-0`,
      fields: encodeTick({ ts: 1_000 + i, price: 100 + phase, volume: 1, cid: `c${i}` }),
    };
  });
  return { instrument, stream: `ticks:${instrument}`, entries };
}

class CountingPredictor implements Predictor {
  readonly digest: string;
  readonly width = 1;
  calls: number[] = [];
  readonly #inner: LinearPredictor;
  constructor(digest: string) {
    this.digest = digest;
    this.#inner = new LinearPredictor(digest, [500], 0);
  }
  score(rows: Float32Array, n: number) {
    this.calls.push(n);
    return this.#inner.score(rows, n);
  }
}

const executor = (predictors: Predictor[] = [], now = () => 0, recordFeatures = false) =>
  new Executor({
    features: new FeatureStore(),
    predictors: new StaticPredictors(predictors),
    now,
    recordFeatures,
  });

/** A signal without its place in the read it came from (which moves with batch boundaries). */
const decisionOf = ({ tickIndex: _, ...decision }: SignalRecord) => decision;
/** The tick number of a test tick's entry id (batch() numbers them from 1000 ms). */
const tickOf = (s: SignalRecord) => Number(s.entryId.split('-')[0]) - 1_000;

describe('executor', () => {
  it('waits for warm-up, then signals only when the target changes, with the tick correlation id', async () => {
    const ex = executor();
    ex.apply(shardConfig([shardStrategy('s', { warmupTicks: 30 })]));
    const r = await ex.process([batch(0, 120)]);
    expect(r.ticks).toBe(120);
    expect(r.decisions).toBe(120 - 29);
    expect(r.signals.length).toBeGreaterThan(3);
    expect(r.signals.length).toBeLessThan(r.decisions / 2);
    expect(
      Math.min(...r.signals.map((s) => Number(s.entryId.split('-')[0]) - 1_000)),
    ).toBeGreaterThanOrEqual(29);
    for (let i = 1; i < r.signals.length; i++)
      expect(r.signals[i]?.target).not.toEqual(r.signals[i - 1]?.target);
    const first = r.signals[0];
    expect(first?.cid).toBe(`c${Number(first?.entryId.split('-')[0]) - 1_000}`);
    expect(first?.decisionId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gives the same decisions whatever the batch boundaries', async () => {
    const config = shardConfig([shardStrategy('s')]);
    const whole = executor();
    whole.apply(config);
    const a = (await whole.process([batch(0, 200)])).signals;
    const pieces = executor();
    pieces.apply(config);
    const b = [];
    for (let i = 0; i < 200; i += 7)
      b.push(...(await pieces.process([batch(i, Math.min(7, 200 - i))])).signals);
    expect(b.map(decisionOf)).toEqual(a.map(decisionOf));
    expect(a.map((s) => s.tickIndex)).toEqual(a.map(tickOf));
    expect(b.map((s) => s.tickIndex)).toEqual(b.map((s) => tickOf(s) % 7));
  });

  it('decides a batch larger than its scratch columns exactly as tick by tick, features included', async () => {
    // 6 strategies x 400 ticks: more decisions than the pending columns start with (1024).
    const config = shardConfig(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((n, i) =>
        shardStrategy(n, {
          rules: {
            bias: i / 10,
            weights: [
              { feature: 'return_5', weight: 300 + 50 * i },
              { feature: 'zscore_20', weight: 1 },
            ],
          },
        }),
      ),
    );
    const whole = executor([], () => 0, true);
    whole.apply(config);
    const r = await whole.process([batch(0, 400)]);
    expect(r.decisions).toBeGreaterThan(1024);
    const single = executor([], () => 0, true);
    single.apply(config);
    const expected = [];
    for (let i = 0; i < 400; i++) expected.push(...(await single.process([batch(i, 1)])).signals);
    expect(r.signals.map(decisionOf)).toEqual(expected.map(decisionOf));
    // Features included: each signal's (return_5, zscore_20) are its own tick's, as a batch of
    // that one tick records them (and they differ between ticks, so a mix-up would show).
    expect(r.signals.every((s) => s.features?.length === 2)).toBe(true);
    expect(new Set(r.signals.map((s) => s.features?.join())).size).toBeGreaterThan(1);
  });

  it('scores every strategy that shares a model in one call per batch, one row per tick and instrument', async () => {
    const p = new CountingPredictor('d'.repeat(64));
    const ex = executor([p]);
    const m = model(p.digest);
    const strategies = ['a', 'b', 'c'].map((n) =>
      shardStrategy(n, {
        instruments: n === 'c' ? [INSTRUMENT, 'ETH-USD'] : [INSTRUMENT],
        model: m,
        decision: { ...shardStrategy(n).decision, blendWeight: 1 },
      }),
    );
    ex.apply(shardConfig(strategies));
    const r = await ex.process([batch(0, 50), batch(0, 50, 'ETH-USD')]);
    // a, b and c read the same model inputs on BTC-USD: one row per tick serves all three.
    const scoredTicks = 50 - 20 + 1;
    expect(p.calls).toEqual([2 * scoredTicks]);
    expect(r.inference).toEqual([
      { digest: p.digest, rows: 2 * scoredTicks, seconds: expect.any(Number) },
    ]);
    expect(r.decisions).toBe(4 * scoredTicks);
    expect(r.signals.every((s) => s.modelDigest === p.digest && !Number.isNaN(s.mlScore))).toBe(
      true,
    );
    // Strategies that share a row decide from the same score: same signals, tick for tick.
    const on = (name: string, instrument = INSTRUMENT) =>
      r.signals
        .filter((s) => s.strategy === name && s.instrument === instrument)
        .map((s) => [s.entryId, s.mlScore, s.target]);
    expect(on('a').length).toBeGreaterThan(0);
    expect(on('b')).toEqual(on('a'));
    expect(on('c')).toEqual(on('a'));
  });

  it('falls back to the rule score when the model throws or is not loaded, and counts it', async () => {
    const broken: Predictor = {
      digest: 'e'.repeat(64),
      width: 1,
      score: () => {
        throw new Error('session lost');
      },
    };
    const ex = executor([broken]);
    ex.apply(
      shardConfig([
        shardStrategy('broken', {
          model: model(broken.digest),
          decision: { ...shardStrategy('x').decision, blendWeight: 0.5 },
        }),
        shardStrategy('missing', {
          model: model('f'.repeat(64)),
          decision: { ...shardStrategy('x').decision, blendWeight: 0.5 },
        }),
        shardStrategy('rules'),
      ]),
    );
    const r = await ex.process([batch(0, 60)]);
    const by = (n: string) =>
      r.signals.filter((s) => s.strategy === n).map((s) => [s.entryId, s.target, s.score]);
    expect(by('broken')).toEqual(by('rules'));
    expect(by('missing')).toEqual(by('rules'));
    expect(
      r.signals.filter((s) => s.strategy === 'broken').every((s) => s.modelDigest === ''),
    ).toBe(true);
    expect(r.fallbacks.get(broken.digest)).toBe(41);
    expect(r.fallbacks.get('f'.repeat(64))).toBe(41);
  });

  it('accepts an async predictor', async () => {
    const inner = new LinearPredictor('a'.repeat(64), [500], 0);
    const slow: Predictor = {
      digest: inner.digest,
      width: 1,
      score: async (rows, n) => Float64Array.from(inner.score(rows, n)),
    };
    const ex = executor([slow]);
    ex.apply(
      shardConfig([
        shardStrategy('s', {
          model: model(slow.digest),
          decision: { ...shardStrategy('x').decision, blendWeight: 1 },
        }),
      ]),
    );
    const r = await ex.process([batch(0, 60)]);
    expect(r.signals.length).toBeGreaterThan(0);
    expect(r.signals.every((s) => s.modelDigest === slow.digest)).toBe(true);
  });

  it('sheds background strategies first under overload, counting each drop by reason and priority', async () => {
    const ex = executor();
    ex.apply(
      shardConfig([
        shardStrategy('bg', { priority: 'background' }),
        shardStrategy('nm', { priority: 'normal' }),
        shardStrategy('cr', { priority: 'critical' }),
      ]),
    );
    const level1 = await ex.process([batch(0, 30)], 1);
    expect(level1.drops).toEqual(new Map([['overload/background', 30]]));
    const level2 = await ex.process([batch(30, 30)], 2);
    expect(level2.drops).toEqual(
      new Map([
        ['overload/background', 30],
        ['overload/normal', 30],
      ]),
    );
    expect(level2.decisions).toBe(30);
  });

  it('skips paused strategies without counting drops', async () => {
    const ex = executor();
    ex.apply(shardConfig([shardStrategy('p', { paused: true })]));
    const r = await ex.process([batch(0, 40)]);
    expect([r.decisions, r.signals.length, r.drops.size]).toEqual([0, 0, 0]);
  });

  it('applies config changes between batches: adds warm, keeps targets of changed ones, releases removed ones', async () => {
    const ex = executor();
    ex.apply(shardConfig([shardStrategy('a'), shardStrategy('b')]));
    await ex.process([batch(0, 100)]);
    const targetOfA = ex.targets.get(`a\u0000${INSTRUMENT}`);
    const plan = ex.apply(
      shardConfig([shardStrategy('a', { warmupTicks: 5 }), shardStrategy('c')], 2),
    );
    expect(plan).toEqual({ added: ['c'], removed: ['b'], changed: ['a'] });
    expect(ex.targets.get(`a\u0000${INSTRUMENT}`)).toEqual(targetOfA);
    expect(ex.targets.has(`b\u0000${INSTRUMENT}`)).toBe(false);
    // c is warm at once: the shared history already holds 100 ticks.
    const r = await ex.process([batch(100, 1)]);
    expect(r.decisions).toBe(2);
    ex.apply(shardConfig([], 3));
    expect(ex.instruments).toEqual([]);
    expect(ex.features.slot(INSTRUMENT, 'return_5')).toBeUndefined();
  });

  it('dead-letters malformed and deleted entries and still processes the rest in order', async () => {
    const ex = executor();
    ex.apply(shardConfig([shardStrategy('s')]));
    const good = batch(0, 3);
    good.entries.splice(
      1,
      0,
      { id: '5-0', fields: ['ts', '1', 'price', 'abc', 'volume', '1'] },
      { id: '6-0', fields: null },
    );
    const r = await ex.process([good]);
    expect(r.ticks).toBe(3);
    expect(r.deadLetters.map((d) => [d.entryId, d.reason])).toEqual([
      ['5-0', 'bad_price'],
      ['6-0', 'deleted'],
    ]);
  });

  it('counts feature reads against computations for the hit ratio', async () => {
    const ex = executor();
    ex.apply(shardConfig([shardStrategy('a'), shardStrategy('b'), shardStrategy('c')]));
    const r = await ex.process([batch(0, 40)]);
    expect(r.featureComputations).toBe(2 * 40);
    expect(r.featureReads).toBe(3 * 2 * 21);
  });
});
