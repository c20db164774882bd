import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveBrokerConfig } from '../../../../runtime/src/execution/config.ts';
import { MarketWindow } from '../../../../runtime/src/execution/market-window.ts';
import { RollingSum } from '../../../../runtime/src/execution/rolling-sum.ts';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('RollingSum', () => {
  it('equals the plain sum of the last `window` values at every push', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 60 }),
        (window, values) => {
          const r = new RollingSum(window);
          values.forEach((v, i) => {
            r.push(v);
            const held = values.slice(Math.max(0, i + 1 - window), i + 1);
            expect(r.sum).toBeCloseTo(
              held.reduce((a, b) => a + b, 0),
              3,
            );
            expect(r.full).toBe(i + 1 >= window);
            expect(Number.isNaN(r.mean)).toBe(i + 1 < window);
          });
        },
      ),
    );
  });

  it('does not drift: after a huge value has left, the sum is exact again', () => {
    const r = new RollingSum(3);
    for (const v of [1e17, 1, 1, 1, 1, 1]) r.push(v);
    expect(r.sum).toBe(3);
  });
});

describe('MarketWindow', () => {
  const policy = resolveBrokerConfig({
    exits: {
      risk: { model: 'volatility', window: 3, multiple: 1, minBps: 1 },
      volumeDryUp: { shortTicks: 2, longTicks: 4, fraction: 0.5 },
      momentumReversal: { ticks: 2, bps: 10 },
    },
  }).exits;

  it('gives momentum returns, volume means and volatility over the configured windows', () => {
    const w = new MarketWindow(policy);
    const prices = [100, 101, 99, 102, 103];
    const volumes = [4, 8, 2, 6, 10];
    prices.forEach((p, i) => {
      expect(w.push(p, volumes[i] as number)).toBe(i);
    });
    expect(w.tickIndex).toBe(4);
    expect(w.logReturn(2)).toBeCloseTo(Math.log(103 / 99), 14);
    expect(w.logReturn(5)).toBeNaN();
    expect(w.momentumReturn).toBe(w.logReturn(2)); // computed once per tick for all positions
    expect(w.volumeDriedUp).toBe(false); // 8 >= 0.5 x 6.5
    expect(w.shortVolumeMean).toBe(8);
    expect(w.longVolumeMean).toBe(mean([8, 2, 6, 10]));
    const r = [Math.log(99 / 101), Math.log(102 / 99), Math.log(103 / 102)];
    const m = mean(r);
    expect(w.volatility).toBeCloseTo(Math.sqrt(mean(r.map((x) => (x - m) ** 2))), 12);
    w.push(103, 0);
    w.push(103, 0);
    expect(w.volumeDriedUp).toBe(true); // 0 < 0.5 x 4
  });

  it('reports NaN until the windows are full', () => {
    const w = new MarketWindow(policy);
    w.push(100, 1);
    w.push(100, 1);
    expect(w.shortVolumeMean).toBeNaN();
    expect(w.longVolumeMean).toBeNaN();
    expect(w.volatility).toBeNaN();
  });
});
