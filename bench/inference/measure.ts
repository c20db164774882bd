// Timing helpers of the inference benchmark: per-call latencies and their quantiles.
import { setImmediate } from 'node:timers/promises';

export const quantile = (xs: number[], q: number): number => {
  if (xs.length === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
};

export const round = (x: number, digits = 0) => +x.toFixed(digits);

export interface Series {
  calls: number;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  p50Us: number;
  p99Us: number;
}

/**
 * Calls `fn` one call at a time (each awaited) for about `ms` after `warmup` calls, returning
 * rows per second and the per-call latency quantiles. Yields to the event loop every 64 calls so
 * a synchronous `fn` does not starve timers.
 */
export async function sequential(
  fn: () => unknown,
  rowsPerCall: number,
  ms: number,
  warmup = 50,
): Promise<Series> {
  for (let i = 0; i < warmup; i++) await fn();
  const lat: number[] = [];
  const start = performance.now();
  const end = start + ms;
  let now = start;
  while (now < end) {
    const t0 = performance.now();
    await fn();
    now = performance.now();
    lat.push(now - t0);
    if (lat.length % 64 === 0) await setImmediate();
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    calls: lat.length,
    rows: lat.length * rowsPerCall,
    seconds,
    rowsPerSecond: (lat.length * rowsPerCall) / seconds,
    p50Us: quantile(lat, 0.5) * 1000,
    p99Us: quantile(lat, 0.99) * 1000,
  };
}
