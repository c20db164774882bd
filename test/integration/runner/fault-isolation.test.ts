// One strategy that throws is quarantined; the others' signals are exactly what they would be
// without it.
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import type {
  CompiledStrategy,
  StrategyStages,
} from '../../../runtime/src/strategy/compiled-strategy.ts';
import { shardConfig, shardStrategy } from '../../fixtures/shard.ts';
import {
  feed,
  readSignals,
  replaySignals,
  signalKey,
  testRunner,
  uniqueInstruments,
  useRedis,
  waitProcessed,
} from '../../harness/runner.ts';

const redisUrl = inject('redisUrl');
const redis = useRedis(redisUrl);

/** Stages whose rule score throws, as a faulty plugin would. */
const exploding = (s: CompiledStrategy): StrategyStages =>
  s.name === 'bad'
    ? {
        ruleScore: () => {
          throw new Error('boom in bad');
        },
        target: (x) => s.target(x),
      }
    : s;

describe('fault isolation', () => {
  it('quarantines the throwing strategy and leaves the others untouched', async () => {
    const instruments = uniqueInstruments('F1', 'F2');
    const good = [
      shardStrategy('good-1', { instruments }),
      shardStrategy('good-2', { instruments: [instruments[0] ?? ''] }),
    ];
    const config = shardConfig([...good, shardStrategy('bad', { instruments })]);
    await feed(redis, instruments, 1_000, 5);
    const runner = testRunner({
      redisUrl,
      namespace: `ns-${randomBytes(3).toString('hex')}`,
      stagesFor: exploding,
    });
    runner.setConfig(config);
    await runner.start();
    await waitProcessed(redis, runner.keys.group, instruments);
    await runner.stop();

    const expected = await replaySignals(shardConfig(good), redis);
    for (const name of ['good-1', 'good-2']) {
      const want = expected.filter((s) => s.strategy === name);
      expect(want.length).toBeGreaterThan(5);
      expect((await readSignals(redis, name)).map(signalKey).sort()).toEqual(
        want.map(signalKey).sort(),
      );
    }
    const bad = runner.executor.strategies.get('bad');
    expect(bad?.counters.errors).toBeGreaterThanOrEqual(3);
    expect(bad?.counters.signals).toBe(0);
    expect(bad?.quarantine.lastError).toBe('boom in bad');
    const events = await redis.xrange(runner.keys.events, '-', '+');
    const quarantined = events.filter(([, f]) => f[1] === 'strategy-quarantined');
    expect(quarantined.length).toBeGreaterThanOrEqual(1);
    expect(quarantined[0]?.[1]).toEqual(expect.arrayContaining(['strategy', 'bad']));
    expect(await redis.hget(runner.keys.strategyHash('bad'), 'lastError')).toBe('boom in bad');
  });
});
