import { describe, expect, it } from 'vitest';
import { type FeedFlags, feedConfig } from '../../../../runtime/src/feed/config.ts';
import { FeedError } from '../../../../runtime/src/feed/errors.ts';

const NOW = Date.UTC(2026, 0, 2, 9, 30);
const parse = (flags: FeedFlags, env: Record<string, string> = {}) => feedConfig(flags, env, NOW);

/** The FLT_FEED_CONFIG message feedConfig throws for these flags. */
function problems(flags: FeedFlags): string {
  try {
    parse(flags);
  } catch (err) {
    expect(err).toBeInstanceOf(FeedError);
    expect((err as FeedError).code).toBe('FLT_FEED_CONFIG');
    return (err as Error).message;
  }
  throw new Error('expected feedConfig to throw');
}

describe('feedConfig', () => {
  it('fills the defaults for a synthetic feed', () => {
    const config = parse({ instruments: 'BTC-USD, ETH-USD', ticks: '100' });
    expect(config).toEqual({
      redisUrl: 'redis://127.0.0.1:6379',
      rate: 0,
      json: false,
      source: {
        kind: 'synthetic',
        instruments: ['BTC-USD', 'ETH-USD'],
        seed: 1,
        edge: 0,
        startTs: NOW,
        ticksPerInstrument: 100,
      },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.source)).toBe(true);
  });

  it('reads every flag', () => {
    const config = parse({
      redisUrl: 'redis://r:1',
      instruments: 'A',
      duration: '1m30s',
      rate: '2500.5',
      seed: '42',
      edge: '0.25',
      startTs: '2026-01-01T00:00:00Z',
      maxlen: '10000',
      json: true,
    });
    expect(config).toEqual({
      redisUrl: 'redis://r:1',
      rate: 2500.5,
      durationMs: 90_000,
      maxlen: 10_000,
      json: true,
      source: {
        kind: 'synthetic',
        instruments: ['A'],
        seed: 42,
        edge: 0.25,
        startTs: Date.UTC(2026, 0, 1),
      },
    });
  });

  it.each<[string, FeedFlags, Record<string, string>, string]>([
    [
      '$REDIS_URL',
      { instruments: 'A', ticks: '1' },
      { REDIS_URL: 'redis://env:7' },
      'redis://env:7',
    ],
    [
      '--redis-url over $REDIS_URL',
      { instruments: 'A', ticks: '1', redisUrl: 'rediss://flag:8' },
      { REDIS_URL: 'redis://env:7' },
      'rediss://flag:8',
    ],
  ])('takes the Redis URL from %s', (_, flags, env, url) => {
    expect(parse(flags, env).redisUrl).toBe(url);
  });

  it('takes --start-ts as ms', () => {
    const config = parse({ instruments: 'A', ticks: '1', startTs: '1767225600000' });
    expect(config.source).toMatchObject({ startTs: 1767225600000 });
  });

  it('configures a CSV feed', () => {
    expect(parse({ csv: 'ticks.csv', rate: '100' })).toEqual({
      redisUrl: 'redis://127.0.0.1:6379',
      rate: 100,
      json: false,
      source: { kind: 'csv', file: 'ticks.csv' },
    });
  });

  it.each<[string, FeedFlags, string]>([
    ['no source', {}, 'give --instruments A,B,... for synthetic ticks or --csv FILE'],
    [
      'both sources',
      { csv: 'f.csv', instruments: 'A' },
      '--csv and --instruments exclude each other',
    ],
    [
      'synthetic flags with csv',
      { csv: 'f.csv', seed: '1', startTs: '0' },
      '--start-ts applies to synthetic ticks',
    ],
    [
      'lower-case instrument',
      { instruments: 'btc', ticks: '1' },
      '--instruments: instrument: "btc" does not match ^[A-Z0-9][A-Z0-9._-]*$',
    ],
    [
      'empty instrument',
      { instruments: 'A,,B', ticks: '1' },
      '--instruments: instrument: must not be empty',
    ],
    ['duplicate instrument', { instruments: 'A,B,A', ticks: '1' }, '--instruments: A listed twice'],
    [
      'unbounded flat-out feed',
      { instruments: 'A' },
      '--rate 0 (as fast as possible) needs --ticks or --duration',
    ],
    ['zero ticks', { instruments: 'A', ticks: '0' }, '--ticks: "0" is not a positive integer'],
    [
      'fractional ticks',
      { instruments: 'A', ticks: '1.5' },
      '--ticks: "1.5" is not a positive integer',
    ],
    [
      'negative rate',
      { instruments: 'A', ticks: '1', rate: '-5' },
      '--rate: "-5" is not a number >= 0',
    ],
    [
      'text rate',
      { instruments: 'A', ticks: '1', rate: 'fast' },
      '--rate: "fast" is not a number >= 0',
    ],
    ['empty rate', { instruments: 'A', ticks: '1', rate: '' }, '--rate: "" is not a number >= 0'],
    [
      'seed too large',
      { instruments: 'A', ticks: '1', seed: '4294967296' },
      '--seed: "4294967296" is not an integer in [0, 4294967295]',
    ],
    [
      'edge above 2',
      { instruments: 'A', ticks: '1', edge: '3' },
      '--edge: "3" is not a number in [0, 2]',
    ],
    [
      'bad maxlen',
      { instruments: 'A', ticks: '1', maxlen: '0' },
      '--maxlen: "0" is not a positive integer',
    ],
    [
      'bad duration',
      { instruments: 'A', duration: '10 minutes' },
      '--duration: "10 minutes" is not a duration',
    ],
    [
      'bad start-ts',
      { instruments: 'A', ticks: '1', startTs: 'yesterday' },
      '--start-ts: "yesterday" is not ms since the epoch',
    ],
    [
      'bad Redis URL',
      { instruments: 'A', ticks: '1', redisUrl: 'http://x' },
      '--redis-url: "http://x" must start with redis:// or rediss://',
    ],
  ])('rejects %s', (_, flags, message) => {
    expect(problems(flags)).toContain(message);
  });

  it('reports every problem at once, one per line', () => {
    expect(problems({ instruments: 'a', rate: '-1', edge: '9' })).toBe(
      [
        '3 problems with the options:',
        '  --rate: "-1" is not a number >= 0',
        '  --instruments: instrument: "a" does not match ^[A-Z0-9][A-Z0-9._-]*$',
        '  --edge: "9" is not a number in [0, 2]',
      ].join('\n'),
    );
  });
});
