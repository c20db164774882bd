import { describe, expect, it } from 'vitest';
import { localUpConfig, parseDuration } from '../../../cli/local-up/config.ts';
import { LocalUpError } from '../../../cli/local-up/errors.ts';

describe('localUpConfig', () => {
  it('defaults to 60 s at 1000 ticks/s with the planted edge on, out/ under the working dir', () => {
    const c = localUpConfig({ dir: 'cluster' }, '/work');
    expect(c).toEqual({
      durationMs: 60_000,
      dir: '/work/cluster',
      edge: 0.3,
      rate: 1_000,
      outDir: '/work/out',
      seed: 7,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('takes every flag', () => {
    const c = localUpConfig(
      { duration: '1m30s', dir: '/tmp/d', edge: '0', rate: '250', out: 'r' },
      '/w',
    );
    expect(c).toMatchObject({
      durationMs: 90_000,
      dir: '/tmp/d',
      edge: 0,
      rate: 250,
      outDir: '/w/r',
    });
  });

  it.each([
    [{ duration: 'soon' }, '--duration: "soon" is not a duration such as "500ms" or "1h30m"'],
    [{ duration: '500ms' }, '--duration: "500ms" is below the minimum 1s'],
    [{ duration: '25h' }, '--duration: "25h" is above the maximum 24h'],
    [{ edge: '3' }, '--edge: "3" is not a number in [0, 2]'],
    [{ edge: 'x' }, '--edge: "x" is not a number in [0, 2]'],
    [{ rate: '0' }, '--rate: "0" is not a number of ticks per second in [1, 50000]'],
    [{ rate: '1e6' }, '--rate: "1e6" is not a number of ticks per second in [1, 50000]'],
    [{ out: ' ' }, '--out: must not be empty'],
  ])('refuses %j naming the flag and the limit', (flags, message) => {
    expect(() => localUpConfig(flags, '/w')).toThrow(
      expect.objectContaining({ code: 'FLT_LOCAL_UP_CONFIG', message }),
    );
  });

  it('reports every problem at once', () => {
    let err: unknown;
    try {
      localUpConfig({ duration: '0s', rate: '-1' }, '/w');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LocalUpError);
    expect((err as Error).message).toBe(
      '2 problems with the options:\n  --duration: "0s" is below the minimum 1s\n  --rate: "-1" is not a number of ticks per second in [1, 50000]',
    );
  });
});

describe('parseDuration', () => {
  it.each([
    ['1s', 1_000],
    ['20s', 20_000],
    ['2m', 120_000],
    ['1h30m', 5_400_000],
    ['24h', 86_400_000],
  ])('%s is %d ms', (text, ms) => {
    const problems: string[] = [];
    expect(parseDuration(text, problems)).toBe(ms);
    expect(problems).toEqual([]);
  });
});
