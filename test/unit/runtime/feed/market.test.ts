import { describe, expect, it } from 'vitest';
import {
  instrumentTicks,
  marketTicks,
  type SyntheticTick,
  startingPrice,
} from '../../../../runtime/src/feed/market.ts';
import {
  CALM,
  DEFAULT_MARKET,
  type MarketParams,
  marketParams,
  marketParamsProblems,
  type Regime,
  stationaryDistribution,
  TRENDING,
  VOLATILE,
} from '../../../../runtime/src/feed/market-params.ts';

const START = Date.UTC(2026, 0, 1);
const ticks = (instrument: string, n: number, seed = 7, edge = 0) =>
  instrumentTicks(instrument, { seed, startTs: START, params: marketParams({ edge }) }, n);
/** What the runner sees: the published fields only. */
const visible = (t: SyntheticTick) => [t.ts, t.price, t.volume];

/** Standard normal CDF (Abramowitz-Stegun 7.1.26, error < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t * (0.2548296 + t * (-0.28449672 + t * (1.4214137 + t * (-1.4531521 + t * 1.0614054))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Log returns computed from the published prices, as a model would. */
function returns(ts: SyntheticTick[]): number[] {
  return ts.map((t, i) => (i === 0 ? 0 : Math.log(t.price / (ts[i - 1] as SyntheticTick).price)));
}

/**
 * How often the next return has the sign of the previous k-tick momentum, per regime of the
 * next tick (the momentum is computed from published prices only).
 */
function momentumAgreement(ts: SyntheticTick[], k: number): number[] {
  const r = returns(ts);
  const agree = [0, 0, 0];
  const seen = [0, 0, 0];
  for (let i = k + 1; i < ts.length; i++) {
    const momentum = Math.log(
      (ts[i - 1] as SyntheticTick).price / (ts[i - 1 - k] as SyntheticTick).price,
    );
    const next = r[i] as number;
    if (momentum === 0 || next === 0) continue;
    const regime = (ts[i] as SyntheticTick).regime;
    seen[regime] = (seen[regime] ?? 0) + 1;
    if (Math.sign(momentum) === Math.sign(next)) agree[regime] = (agree[regime] ?? 0) + 1;
  }
  return agree.map((a, i) => a / (seen[i] ?? 1));
}

/** Lag-1 autocorrelation of returns and its standard error robust to changing volatility. */
function lag1(r: number[]): { rho: number; se: number } {
  let cross = 0;
  let square = 0;
  let robust = 0;
  for (let i = 2; i < r.length; i++) {
    const a = r[i] as number;
    const b = r[i - 1] as number;
    cross += a * b;
    square += a * a;
    robust += a * a * b * b;
  }
  return { rho: cross / square, se: Math.sqrt(robust) / square };
}

describe('synthetic market: determinism and independence', () => {
  it('gives identical ticks for the same seed and parameters', () => {
    expect(ticks('BTC-USD', 2000)).toEqual(ticks('BTC-USD', 2000));
  });

  it.each([
    ['another seed', () => ticks('BTC-USD', 200, 8)],
    ['another edge', () => ticks('BTC-USD', 200, 7, 0.5)],
  ])('gives different ticks with %s', (_, other) => {
    const base = ticks('BTC-USD', 200).map(visible);
    expect(other().map(visible)).not.toEqual(base);
  });

  it('keeps regimes and times when only the edge changes (paired comparisons)', () => {
    const plain = ticks('BTC-USD', 5000);
    const edged = ticks('BTC-USD', 5000, 7, 0.5);
    expect(edged.map((t) => [t.ts, t.regime])).toEqual(plain.map((t) => [t.ts, t.regime]));
  });

  it("does not change an instrument's ticks when instruments are added", () => {
    const alone = [
      ...marketTicks(['BTC-USD'], { seed: 3, startTs: START, ticksPerInstrument: 500 }),
    ];
    const together = [
      ...marketTicks(['ETH-USD', 'BTC-USD', 'SOL-USD'], {
        seed: 3,
        startTs: START,
        ticksPerInstrument: 500,
      }),
    ];
    expect(together.filter((t) => t.instrument === 'BTC-USD')).toEqual(alone);
    expect(together).toHaveLength(1500);
  });

  it('gives different instruments different paths under one seed', () => {
    const a = ticks('AAA', 100).map((t) => t.logReturn);
    const b = ticks('AAB', 100).map((t) => t.logReturn);
    expect(a).not.toEqual(b);
  });

  it('starts each instrument at a level from its name alone, between 10 and 10,000', () => {
    for (const name of ['BTC-USD', 'ETH-USD', 'X', 'ES.Z26']) {
      const p = startingPrice(name);
      expect(p).toBeGreaterThanOrEqual(10);
      expect(p).toBeLessThan(10_000);
      expect(ticks(name, 1, 1)[0]?.price).not.toBe(ticks(name, 1, 2)[0]?.price);
      expect(Math.abs(Math.log((ticks(name, 1, 1)[0]?.price ?? 0) / p))).toBeLessThan(0.01);
    }
  });
});

describe('synthetic market: merged instruments', () => {
  const merged = [
    ...marketTicks(['A', 'B', 'C'], { seed: 1, startTs: START, ticksPerInstrument: 2000 }),
  ];

  it('yields ticks in time order, each instrument in sequence, ties to the first listed', () => {
    for (let i = 1; i < merged.length; i++) {
      const [a, b] = [merged[i - 1] as SyntheticTick, merged[i] as SyntheticTick];
      expect(a.ts <= b.ts).toBe(true);
      if (a.ts === b.ts) expect(a.instrument <= b.instrument).toBe(true);
    }
    for (const name of ['A', 'B', 'C']) {
      const seqs = merged.filter((t) => t.instrument === name).map((t) => t.seq);
      expect(seqs).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    }
    expect(merged.slice(0, 3).map((t) => [t.instrument, t.ts])).toEqual([
      ['A', START],
      ['B', START],
      ['C', START],
    ]);
  });

  it.each([0, -1])('yields nothing for %i ticks per instrument', (n) => {
    expect([...marketTicks(['A'], { seed: 1, startTs: START, ticksPerInstrument: n })]).toEqual([]);
  });

  it('runs on without a tick limit', () => {
    const it = marketTicks(['A', 'B'], { seed: 1, startTs: START });
    for (let i = 0; i < 10_000; i++) expect(it.next().done).toBe(false);
  });
});

describe('synthetic market: statistics over 50,000 ticks', () => {
  const N = 50_000;
  const k = DEFAULT_MARKET.momentumTicks;
  const noEdge = ticks('BTC-USD', N, 11, 0);
  const edged = ticks('BTC-USD', N, 11, 0.3);

  it('keeps prices positive and finite, volumes >= 0, time strictly increasing', () => {
    for (const series of [noEdge, edged, ticks('ZZZ', N, 5, 2)]) {
      let last = Number.NEGATIVE_INFINITY;
      const bad = series.filter((t) => {
        const ok = t.price > 0 && Number.isFinite(t.price) && t.volume >= 0 && t.ts > last;
        last = t.ts;
        return !ok || !Number.isFinite(t.volume);
      });
      expect(bad).toEqual([]);
    }
  });

  it('visits every regime about as often as the stationary distribution says', () => {
    const pi = stationaryDistribution(DEFAULT_MARKET.transition);
    const share = [0, 0, 0];
    for (const t of noEdge) share[t.regime] = (share[t.regime] ?? 0) + 1 / N;
    // Regimes persist ~100 ticks, so 50k ticks hold ~500 spells: a few % of sampling noise.
    for (const r of [CALM, TRENDING, VOLATILE])
      expect(Math.abs((share[r] ?? 0) - (pi[r] ?? 0))).toBeLessThan(0.06);
  });

  it('has volatility and volume ordered calm < trending < volatile', () => {
    const by = (key: 'logReturn' | 'volume', r: Regime) => {
      const xs = noEdge
        .filter((t) => t.regime === r)
        .map((t) => (key === 'logReturn' ? Math.abs(t.logReturn) : t.volume));
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(by('logReturn', CALM)).toBeLessThan(by('logReturn', TRENDING));
    expect(by('logReturn', TRENDING)).toBeLessThan(by('logReturn', VOLATILE));
    expect(by('volume', CALM)).toBeLessThan(by('volume', TRENDING));
    expect(by('volume', TRENDING)).toBeLessThan(by('volume', VOLATILE));
  });

  it('with edge 0, returns are a martingale: lag-1 autocorrelation within noise of 0', () => {
    const { rho, se } = lag1(returns(noEdge));
    // Measured: rho = 0.0016, se = 0.0085 (robust se; returns are heteroskedastic).
    expect(Math.abs(rho)).toBeLessThan(3 * se);
    expect(se).toBeLessThan(0.015);
  });

  it('with edge 0, momentum predicts the next return in no regime', () => {
    // Measured: 0.499 / 0.503 / 0.506; with ~9-23k ticks per regime one se is 0.003-0.005.
    for (const p of momentumAgreement(noEdge, k)) expect(Math.abs(p - 0.5)).toBeLessThan(0.02);
  });

  it('with edge 0.3, the next return follows momentum with probability Phi(0.3) = 0.618 when trending', () => {
    const [calm, trending, volatile] = momentumAgreement(edged, k) as [number, number, number];
    // Measured: trending 0.619 over ~17k ticks (se 0.0037); calm 0.499 and volatile 0.505.
    expect(Math.abs(trending - phi(0.3))).toBeLessThan(0.015);
    expect(trending).toBeGreaterThan(0.59);
    expect(Math.abs(calm - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(volatile - 0.5)).toBeLessThan(0.02);
  });

  it('with edge 0.3, momentum beats chance without knowing the regime too', () => {
    // Expected about 0.5 + pi_trending x (0.618 - 0.5) = 0.543 (measured 0.542).
    const r = returns(edged);
    let agree = 0;
    let seen = 0;
    for (let i = k + 1; i < edged.length; i++) {
      const momentum = Math.log(
        (edged[i - 1] as SyntheticTick).price / (edged[i - 1 - k] as SyntheticTick).price,
      );
      if (momentum === 0 || r[i] === 0) continue;
      seen++;
      if (Math.sign(momentum) === Math.sign(r[i] as number)) agree++;
    }
    expect(agree / seen).toBeGreaterThan(0.53);
  });
});

describe('market parameters', () => {
  it('has valid defaults whose stationary distribution sums to 1', () => {
    expect(marketParamsProblems(DEFAULT_MARKET)).toEqual([]);
    const pi = stationaryDistribution(DEFAULT_MARKET.transition);
    expect(pi.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // pi is stationary: pi P = pi.
    for (let j = 0; j < 3; j++) {
      const next = pi.reduce((acc, p, i) => acc + p * (DEFAULT_MARKET.transition[i]?.[j] ?? 0), 0);
      expect(next).toBeCloseTo(pi[j] ?? 0, 12);
    }
  });

  const calm = DEFAULT_MARKET.regimes[0];
  it.each<[string, Partial<MarketParams>, string]>([
    ['negative edge', { edge: -0.1 }, 'edge: -0.1 is outside [0, 2]'],
    ['edge above 2', { edge: 2.5 }, 'edge: 2.5 is outside [0, 2]'],
    ['NaN edge', { edge: Number.NaN }, 'edge: NaN'],
    ['momentum 0', { momentumTicks: 0 }, 'momentumTicks: 0 is not an integer in [1, 1000]'],
    ['fractional momentum', { momentumTicks: 2.5 }, 'momentumTicks: 2.5'],
    ['negative volume beta', { volumeBeta: -1 }, 'volumeBeta: -1 is below 0'],
    ['volume noise', { volumeNoise: 4 }, 'volumeNoise: 4 is outside [0, 3]'],
    [
      'zero volatility',
      { regimes: [{ ...calm, volatility: 0 }, calm, calm] },
      'regimes[0] (calm).volatility: 0 is outside (0, 0.05]',
    ],
    [
      'sub-ms interval',
      { regimes: [calm, calm, { ...calm, meanIntervalMs: 0.5 }] },
      'regimes[2] (volatile).meanIntervalMs: 0.5',
    ],
    [
      'row not summing to 1',
      {
        transition: [
          [0.5, 0.4, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
      },
      'transition[0]: probabilities sum to 0.9, not 1',
    ],
    [
      'negative probability',
      {
        transition: [
          [1.1, -0.1, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
      },
      'transition[0]: needs 3 probabilities in [0, 1]',
    ],
  ])('rejects %s', (_, overrides, message) => {
    const params = marketParams(overrides);
    expect(marketParamsProblems(params).join('\n')).toContain(message);
    expect(() => instrumentTicks('A', { seed: 1, startTs: 0, params }, 1)).toThrow(RangeError);
  });
});
