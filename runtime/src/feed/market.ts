// The synthetic market: a seeded, deterministic regime-switching random walk per instrument,
// with a planted momentum edge in the trending regime. Pure apart from its own random state:
// the same (seed, instrument, start time, parameters) always give the same ticks.
// docs/guides/feeding-ticks.md states the model; the order of draws below is part of it.
import {
  DEFAULT_MARKET,
  type MarketParams,
  marketParamsProblems,
  type Regime,
  stationaryDistribution,
  TRENDING,
} from './market-params.ts';
import { instrumentRandom, type Random, textUnit } from './random.ts';

/** One generated tick, with the hidden truth (regime, log return) that is never published. */
export interface SyntheticTick {
  instrument: string;
  /** 0 for the instrument's first tick. */
  seq: number;
  ts: number;
  price: number;
  volume: number;
  regime: Regime;
  /** log(price / previous price); for seq 0, relative to the starting level. */
  logReturn: number;
}

export interface MarketOptions {
  seed: number;
  /** Time of the first tick, ms since the epoch. */
  startTs: number;
  /** @default DEFAULT_MARKET */
  params?: MarketParams;
}

/** Price level before the first tick: 10 to 10,000, from the instrument name alone. */
export function startingPrice(instrument: string): number {
  return Math.round(10 ** (1 + 3 * textUnit(`price\0${instrument}`)) * 100) / 100;
}

/** Base volume per tick: 1 to 100, from the instrument name alone. */
export function baseVolume(instrument: string): number {
  return 10 ** (2 * textUnit(`volume\0${instrument}`));
}

/** The ticks of one instrument, one `next()` at a time. */
export class InstrumentMarket {
  readonly instrument: string;
  readonly #params: MarketParams;
  readonly #random: Random;
  readonly #stationary: number[];
  readonly #baseVolume: number;
  /** The last momentumTicks log returns, a ring. */
  readonly #recent: Float64Array;
  #seq = 0;
  #regime: Regime = 0;
  #price: number;
  #ts: number;

  constructor(instrument: string, options: MarketOptions) {
    const params = options.params ?? DEFAULT_MARKET;
    const problems = marketParamsProblems(params);
    if (problems.length > 0) throw new RangeError(`market parameters: ${problems.join('; ')}`);
    this.instrument = instrument;
    this.#params = params;
    this.#random = instrumentRandom(options.seed, instrument);
    this.#stationary = stationaryDistribution(params.transition);
    this.#baseVolume = baseVolume(instrument);
    this.#recent = new Float64Array(params.momentumTicks);
    this.#price = startingPrice(instrument);
    this.#ts = options.startTs;
  }

  next(): SyntheticTick {
    const p = this.#params;
    const random = this.#random;
    const seq = this.#seq;

    // 1. Regime: the first from the stationary distribution, then one Markov step per tick.
    const row = seq === 0 ? this.#stationary : (p.transition[this.#regime] as readonly number[]);
    this.#regime = pick(row, random.uniform());
    const regime = p.regimes[this.#regime];

    // 2. Return: drift + volatility x (edge x sign(momentum) + noise); the edge term only when
    //    trending. Momentum is the sum of the previous k log returns (fewer at the start).
    const noise = random.normal();
    let push = 0;
    if (this.#regime === TRENDING && p.edge > 0) {
      let momentum = 0;
      for (let i = 0; i < this.#recent.length; i++) momentum += this.#recent[i] as number;
      push = p.edge * Math.sign(momentum);
    }
    const logReturn = regime.drift + regime.volatility * (push + noise);
    this.#recent[seq % this.#recent.length] = logReturn;
    this.#price *= Math.exp(logReturn);

    // 3. Volume: base x regime factor x (1 + beta x |standardized return|) x log-normal noise
    //    with mean 1, rounded to 6 decimals.
    const sigma = p.volumeNoise;
    const noiseFactor = Math.exp(sigma * random.normal() - (sigma * sigma) / 2);
    const rawVolume =
      this.#baseVolume * regime.volumeFactor * (1 + p.volumeBeta * Math.abs(push + noise));
    const volume = Math.round(rawVolume * noiseFactor * 1e6) / 1e6;

    // 4. Time: the first tick at startTs, then exponential gaps with the regime's mean, >= 1 ms.
    if (seq > 0)
      this.#ts += Math.max(
        1,
        Math.round(-regime.meanIntervalMs * Math.log(random.uniformPositive())),
      );

    this.#seq = seq + 1;
    return {
      instrument: this.instrument,
      seq,
      ts: this.#ts,
      price: this.#price,
      volume,
      regime: this.#regime,
      logReturn,
    };
  }
}

/** The first n ticks of one instrument. */
export function instrumentTicks(
  instrument: string,
  options: MarketOptions,
  n: number,
): SyntheticTick[] {
  const market = new InstrumentMarket(instrument, options);
  return Array.from({ length: n }, () => market.next());
}

/**
 * Several instruments merged in tick-time order (ties go to the instrument listed first), each
 * stopping after `ticksPerInstrument` ticks (never, when undefined).
 */
export function* marketTicks(
  instruments: readonly string[],
  options: MarketOptions & { ticksPerInstrument?: number },
): Generator<SyntheticTick> {
  const limit = options.ticksPerInstrument ?? Number.POSITIVE_INFINITY;
  if (limit <= 0) return;
  const markets = instruments.map((name) => new InstrumentMarket(name, options));
  // A binary min-heap of each instrument's pending tick, keyed by (ts, instrument index).
  const heap: { tick: SyntheticTick; index: number }[] = [];
  const before = (a: number, b: number) => {
    const x = heap[a] as (typeof heap)[number];
    const y = heap[b] as (typeof heap)[number];
    return x.tick.ts < y.tick.ts || (x.tick.ts === y.tick.ts && x.index < y.index);
  };
  const swap = (a: number, b: number) => {
    const t = heap[a] as (typeof heap)[number];
    heap[a] = heap[b] as (typeof heap)[number];
    heap[b] = t;
  };
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(l, m)) m = l;
      if (r < heap.length && before(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  markets.forEach((market, index) => {
    heap.push({ tick: market.next(), index });
  });
  for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) siftDown(i);
  while (heap.length > 0) {
    const top = heap[0] as (typeof heap)[number];
    yield top.tick;
    if (top.tick.seq + 1 < limit) {
      top.tick = (markets[top.index] as InstrumentMarket).next();
    } else {
      const last = heap.pop() as (typeof heap)[number];
      if (heap.length === 0) return;
      heap[0] = last;
    }
    siftDown(0);
  }
}

/** The index whose cumulative probability first exceeds u (the last one on rounding). */
function pick(probabilities: readonly number[], u: number): Regime {
  let cumulative = 0;
  for (let i = 0; i < probabilities.length - 1; i++) {
    cumulative += probabilities[i] as number;
    if (u < cumulative) return i as Regime;
  }
  return (probabilities.length - 1) as Regime;
}
