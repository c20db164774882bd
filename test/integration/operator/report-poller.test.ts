// The ReportPoller against a real Redis: one pipelined read per poll, wakes a strategy when
// what its status shows changed, counter-only changes at most once per refresh interval, and
// Redis going away is reported, not thrown.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runnerKeys } from '../../../operator/src/api/shard/redis-keys.ts';
import { ReportPoller } from '../../../operator/src/controllers/strategy/report-poller.ts';
import type { Placement } from '../../../operator/src/controllers/strategy/strategy-status.ts';
import { newRedis } from '../../harness/runner.ts';

let redis: Redis;
const ns = `poller-${randomBytes(3).toString('hex')}`;
const keys = runnerKeys(ns, 0);
const placements = new Map<string, Placement>([
  ['a', { shard: 0, strategyGeneration: 1, configGeneration: 1 }],
  ['b', { shard: 0, strategyGeneration: 1, configGeneration: 1 }],
]);

beforeAll(() => {
  redis = newRedis(inject('redisUrl'));
});
afterAll(async () => {
  await redis.quit();
});

function poller(woken: string[][], client = redis) {
  return new ReportPoller({
    redis: client,
    namespace: ns,
    placements: () => placements,
    onChange: (names) => woken.push([...names].sort()),
    logger: pino({ level: 'silent' }),
    refreshMs: 10_000,
  });
}

describe('ReportPoller', () => {
  it('wakes strategies whose report changed, and counter-only changes once per refresh', async () => {
    const now = Date.now();
    await redis.hset(keys.shardHash, { ready: '1', generation: '1' });
    await redis.hset(keys.strategyHash('a'), {
      shard: '0',
      generation: '1',
      signals: '1',
      updatedMs: String(now),
    });
    await redis.hset(keys.strategyHash('b'), {
      shard: '0',
      generation: '1',
      signals: '1',
      updatedMs: String(now),
    });
    const woken: string[][] = [];
    const p = poller(woken);
    await p.poll(now);
    expect(woken).toEqual([['a', 'b']]);
    expect(p.report('a')).toMatchObject({ strategy: { generation: '1' }, shard: { ready: '1' } });

    await p.poll(now + 1_000);
    expect(woken).toHaveLength(1);

    await redis.hset(keys.strategyHash('a'), { generation: '2' });
    await redis.hset(keys.strategyHash('b'), { signals: '5' });
    await p.poll(now + 2_000);
    expect(woken.at(-1)).toEqual(['a']);
    await p.poll(now + 12_000);
    expect(woken.at(-1)).toEqual(['b']);
  });

  it('reports Redis being unreachable instead of throwing', async () => {
    const gone = newRedis('redis://127.0.0.1:1');
    gone.disconnect();
    const woken: string[][] = [];
    const p = poller(woken, gone);
    await p.poll();
    expect(woken).toEqual([['a', 'b']]);
    expect(p.report('a')).toHaveProperty('unavailable');
  });
});
