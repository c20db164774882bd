// Parameters of the synthetic market (docs/guides/feeding-ticks.md describes the model).
// Everything is per tick: drift and volatility are of one tick's log return.

/** Regime indexes; REGIME_NAMES[i] names regime i. */
export const CALM = 0;
export const TRENDING = 1;
export const VOLATILE = 2;
export type Regime = typeof CALM | typeof TRENDING | typeof VOLATILE;
export const REGIME_NAMES = ['calm', 'trending', 'volatile'] as const;

export interface RegimeParams {
  /** Mean log return per tick. Non-zero drift makes returns predictable from the regime. */
  drift: number;
  /** Standard deviation of the log return's noise per tick; > 0. */
  volatility: number;
  /** Multiplies the instrument's base volume; > 0. */
  volumeFactor: number;
  /** Mean time between ticks in ms (exponentially distributed, at least 1 ms); >= 1. */
  meanIntervalMs: number;
}

export interface MarketParams {
  /** Indexed by Regime: calm, trending, volatile. */
  regimes: readonly [RegimeParams, RegimeParams, RegimeParams];
  /** transition[i][j]: probability that a tick in regime i is followed by one in regime j. */
  transition: readonly (readonly [number, number, number])[];
  /**
   * Strength of the planted predictive component, in [0, MAX_EDGE]. In the trending regime a
   * return's standardized mean is `edge x sign(momentum)`, so the return has the momentum's sign
   * with probability Phi(edge). 0: returns are a martingale (nothing predictable).
   */
  edge: number;
  /** k: momentum is the log return over the previous k ticks; integer in [1, 1000]. */
  momentumTicks: number;
  /** Volume grows by volumeBeta per standard deviation of the return's size; >= 0. */
  volumeBeta: number;
  /** Standard deviation of the log-normal volume noise; >= 0. */
  volumeNoise: number;
}

export const MAX_EDGE = 2;

/** The defaults `flotilla feed` uses; only `edge` is set from the command line. */
export const DEFAULT_MARKET: MarketParams = Object.freeze({
  regimes: Object.freeze([
    Object.freeze({ drift: 0, volatility: 0.0002, volumeFactor: 1, meanIntervalMs: 400 }),
    Object.freeze({ drift: 0, volatility: 0.0005, volumeFactor: 1.5, meanIntervalMs: 250 }),
    Object.freeze({ drift: 0, volatility: 0.0015, volumeFactor: 3, meanIntervalMs: 100 }),
  ]) as MarketParams['regimes'],
  transition: Object.freeze([
    Object.freeze([0.99, 0.006, 0.004]),
    Object.freeze([0.008, 0.99, 0.002]),
    Object.freeze([0.01, 0.005, 0.985]),
  ]) as MarketParams['transition'],
  edge: 0,
  momentumTicks: 10,
  volumeBeta: 0.5,
  volumeNoise: 0.5,
});

/** The defaults with some fields replaced. */
export function marketParams(overrides: Partial<MarketParams> = {}): MarketParams {
  return { ...DEFAULT_MARKET, ...overrides };
}

/** Problems with the parameters, each naming the field and the limit; empty when valid. */
export function marketParamsProblems(p: MarketParams): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  check(
    Number.isFinite(p.edge) && p.edge >= 0 && p.edge <= MAX_EDGE,
    `edge: ${p.edge} is outside [0, ${MAX_EDGE}]`,
  );
  check(
    Number.isInteger(p.momentumTicks) && p.momentumTicks >= 1 && p.momentumTicks <= 1000,
    `momentumTicks: ${p.momentumTicks} is not an integer in [1, 1000]`,
  );
  check(
    Number.isFinite(p.volumeBeta) && p.volumeBeta >= 0,
    `volumeBeta: ${p.volumeBeta} is below 0`,
  );
  check(
    Number.isFinite(p.volumeNoise) && p.volumeNoise >= 0 && p.volumeNoise <= 3,
    `volumeNoise: ${p.volumeNoise} is outside [0, 3]`,
  );
  check(p.regimes.length === 3, `regimes: ${p.regimes.length} given, 3 needed`);
  p.regimes.forEach((r, i) => {
    const at = `regimes[${i}] (${REGIME_NAMES[i]})`;
    check(Math.abs(r.drift) <= 0.01, `${at}.drift: ${r.drift} is outside [-0.01, 0.01]`);
    check(
      r.volatility > 0 && r.volatility <= 0.05,
      `${at}.volatility: ${r.volatility} is outside (0, 0.05]`,
    );
    check(
      r.volumeFactor > 0 && r.volumeFactor <= 1e6,
      `${at}.volumeFactor: ${r.volumeFactor} is outside (0, 1e6]`,
    );
    check(
      r.meanIntervalMs >= 1 && r.meanIntervalMs <= 86_400_000,
      `${at}.meanIntervalMs: ${r.meanIntervalMs} is outside [1, 86400000]`,
    );
  });
  check(p.transition.length === 3, `transition: ${p.transition.length} rows given, 3 needed`);
  p.transition.forEach((row, i) => {
    const at = `transition[${i}]`;
    const valid = row.length === 3 && row.every((x) => x >= 0 && x <= 1);
    const sum = row.reduce((a, b) => a + b, 0);
    check(valid, `${at}: needs 3 probabilities in [0, 1]`);
    check(Math.abs(sum - 1) < 1e-9, `${at}: probabilities sum to ${sum}, not 1`);
  });
  return problems;
}

/** The long-run share of ticks in each regime (the transition matrix's stationary vector). */
export function stationaryDistribution(transition: MarketParams['transition']): number[] {
  let pi = [1 / 3, 1 / 3, 1 / 3];
  for (let step = 0; step < 10_000; step++) {
    const next = [0, 0, 0];
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        next[j] = (next[j] ?? 0) + (pi[i] ?? 0) * (transition[i]?.[j] ?? 0);
    const change = next.reduce((acc, x, j) => acc + Math.abs(x - (pi[j] ?? 0)), 0);
    pi = next;
    if (change < 1e-15) break;
  }
  return pi;
}
