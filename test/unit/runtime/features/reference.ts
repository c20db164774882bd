// Plain, obviously-correct feature definitions (docs/reference/features.md) to check the
// incremental store against. Window features recompute each window from scratch; the
// EMA-family follows its recursion from the first tick.
import type { FeatureParams } from '../../../../operator/src/api/v1alpha1/feature-catalog.ts';
import type { Ticks } from '../../../fixtures/ticks/generate.ts';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const popStd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};
/** The last n entries of xs up to and including index t. */
const last = (xs: ArrayLike<number>, t: number, n: number) =>
  Array.from({ length: n }, (_, i) => xs[t - n + 1 + i] as number);

/** Value of a window feature at tick t (NaN before its warm-up). */
export function windowFeatureAt(f: FeatureParams, ticks: Ticks, t: number): number {
  const n = f.window as number;
  const p = ticks.price;
  const pt = p[t] as number;
  switch (f.name) {
    case 'return':
      return t < n ? Number.NaN : Math.log(pt / (p[t - n] as number));
    case 'sma':
      return t < n - 1 ? Number.NaN : mean(last(p, t, n)) / pt - 1;
    case 'zscore': {
      if (t < n - 1) return Number.NaN;
      const w = last(p, t, n);
      // The std of a flat window is 0; computing it leaves rounding noise in the mean.
      const sd = Math.min(...w) === Math.max(...w) ? 0 : popStd(w);
      return sd === 0 ? 0 : (pt - mean(w)) / sd;
    }
    case 'volatility': {
      if (t < n) return Number.NaN;
      const r = Array.from({ length: n }, (_, i) => {
        const k = t - n + 1 + i;
        return Math.log((p[k] as number) / (p[k - 1] as number));
      });
      return popStd(r);
    }
    case 'vwap': {
      if (t < n - 1) return Number.NaN;
      const w = last(p, t, n);
      const v = last(ticks.volume, t, n);
      const sv = v.reduce((a, b) => a + b, 0);
      return sv === 0 ? 0 : w.reduce((a, x, i) => a + x * (v[i] as number), 0) / sv / pt - 1;
    }
    case 'rangePosition': {
      if (t < n - 1) return Number.NaN;
      const w = last(p, t, n);
      const lo = Math.min(...w);
      const hi = Math.max(...w);
      return hi === lo ? 0.5 : (pt - lo) / (hi - lo);
    }
    default:
      throw new Error(`${f.name} is not a window feature`);
  }
}

/** EMA of xs seeded with the SMA of its first n values; NaN before. */
function emaSeries(xs: number[], n: number): number[] {
  const out: number[] = [];
  const alpha = 2 / (n + 1);
  let e = Number.NaN;
  xs.forEach((x, i) => {
    if (i === n - 1) e = mean(xs.slice(0, n));
    else if (i >= n) e = e + alpha * (x - e);
    out.push(e);
  });
  return out;
}

function rsiSeries(p: number[], n: number): number[] {
  const changes = p.map((x, t) => (t === 0 ? Number.NaN : x - (p[t - 1] as number)));
  let gain = 0;
  let loss = 0;
  return changes.map((x, t) => {
    if (t < n) return Number.NaN;
    if (t === n) {
      const first = changes.slice(1, n + 1);
      gain = mean(first.map((c) => Math.max(c, 0)));
      loss = mean(first.map((c) => Math.max(-c, 0)));
    } else {
      gain = (gain * (n - 1) + Math.max(x, 0)) / n;
      loss = (loss * (n - 1) + Math.max(-x, 0)) / n;
    }
    return gain + loss === 0 ? 0.5 : gain / (gain + loss);
  });
}

/** Every tick's value of feature f over the ticks. */
export function referenceSeries(f: FeatureParams, ticks: Ticks): number[] {
  const p = Array.from(ticks.price);
  switch (f.name) {
    case 'ema':
      return emaSeries(p, f.window as number).map((e, t) => e / (p[t] as number) - 1);
    case 'rsi':
      return rsiSeries(p, f.window as number);
    case 'macd':
    case 'macdSignal':
    case 'macdHistogram': {
      const fast = emaSeries(p, f.fast as number);
      const slow = emaSeries(p, f.slow as number);
      const raw = p.map((_, t) => (fast[t] as number) - (slow[t] as number));
      const start = raw.findIndex((x) => !Number.isNaN(x));
      const sig =
        start < 0
          ? raw
          : [...raw.slice(0, start), ...emaSeries(raw.slice(start), f.signal as number)];
      return p.map((pt, t) => {
        const r = raw[t] as number;
        const s = sig[t] ?? Number.NaN;
        if (f.name === 'macd') return r / pt;
        return f.name === 'macdSignal' ? s / pt : (r - s) / pt;
      });
    }
    default:
      return p.map((_, t) => windowFeatureAt(f, ticks, t));
  }
}
