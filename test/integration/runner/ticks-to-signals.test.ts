// A runner against a real redis-server: fed ticks become signals whose ids, targets and
// correlation ids match an offline replay of the same ticks through the same executor.
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { LinearPredictor, StaticPredictors } from '../../../runtime/src/strategy/predictor.ts';
import { shardConfig, shardStrategy } from '../../fixtures/shard.ts';
import {
  feed,
  readSignals,
  readStream,
  replaySignals,
  signalKey,
  testRunner,
  uniqueInstruments,
  useRedis,
  waitProcessed,
} from '../../harness/runner.ts';

const redisUrl = inject('redisUrl');
const redis = useRedis(redisUrl);

describe('runner: ticks in, signals out', () => {
  it('emits the signals an offline replay predicts, with derived ids, correlation ids and model digests', async () => {
    const [a = '', b = ''] = uniqueInstruments('A', 'B');
    const digest = 'c'.repeat(64);
    const config = shardConfig([
      shardStrategy('rules-a', { instruments: [a] }),
      shardStrategy('blend-ab', {
        instruments: [a, b],
        model: {
          name: 'lin',
          uri: 'file:///models/lin.onnx',
          sha256: digest,
          inputs: ['zscore_20', 'return_5'],
          outputs: { name: 'probabilities', column: 1, kind: 'probability' },
        },
        decision: { ...shardStrategy('x').decision, blendWeight: 0.5 },
      }),
      shardStrategy('quiet-b', { instruments: [b], priority: 'background', paused: true }),
    ]);
    const predictors = new StaticPredictors([new LinearPredictor(digest, [1.5, 300], 0)]);
    await feed(redis, [a, b], 1_500);
    const namespace = `ns-${randomBytes(3).toString('hex')}`;
    const runner = testRunner({ redisUrl, namespace, predictors });
    runner.setConfig(config);
    await runner.start();
    await waitProcessed(redis, runner.keys.group, [a, b]);
    await runner.stop();

    const expected = await replaySignals(config, redis, predictors);
    for (const name of ['rules-a', 'blend-ab']) {
      const actual = await readSignals(redis, name);
      const want = expected.filter((s) => s.strategy === name);
      expect(want.length).toBeGreaterThan(5);
      expect(actual.map(signalKey).sort()).toEqual(want.map(signalKey).sort());
    }
    expect(await readSignals(redis, 'quiet-b')).toEqual([]);

    const blended = await readSignals(redis, 'blend-ab');
    expect(new Set(blended.map((s) => s.instrument))).toEqual(new Set([a, b]));
    expect(blended.every((s) => s.model === digest && s.mlScore !== '' && s.ruleScore !== '')).toBe(
      true,
    );
    const ticksById = new Map((await readStream(redis, a)).map((e) => [e.id, e.fields ?? []]));
    for (const s of blended.filter((x) => x.instrument === a)) {
      const fields = ticksById.get(s.entry ?? '') ?? [];
      expect(fields[fields.indexOf('cid') + 1]).toBe(s.cid);
    }

    const shard = await redis.hgetall(runner.keys.shardHash);
    expect(shard).toMatchObject({ generation: '1', ticks: '3000', ready: '1' });
    const strategy = await redis.hgetall(runner.keys.strategyHash('blend-ab'));
    expect(Number(strategy.signals)).toBe(blended.length);
    expect(Number(strategy.decisions)).toBeGreaterThan(2_800);
  });

  it('dead-letters a malformed tick with its reason, acknowledges it and keeps going', async () => {
    const [a = ''] = uniqueInstruments('DLQ');
    const stream = `ticks:${a}`;
    await redis.xadd(stream, '*', 'ts', '1', 'price', '100', 'volume', '1');
    const bad = await redis.xadd(stream, '*', 'ts', '2', 'price', '-5', 'volume', '1');
    await redis.xadd(stream, '*', 'ts', '3', 'volume', '1');
    await redis.xadd(stream, '*', 'ts', '4', 'price', '101', 'volume', '1');
    const runner = testRunner({ redisUrl, namespace: `ns-${randomBytes(3).toString('hex')}` });
    runner.setConfig(shardConfig([shardStrategy('dlq-s', { instruments: [a] })]));
    await runner.start();
    await waitProcessed(redis, runner.keys.group, [a]);
    await runner.stop();
    const letters = (await redis.xrange(runner.keys.deadLetters, '-', '+')).map(([, f]) =>
      Object.fromEntries(f.flatMap((_, i) => (i % 2 ? [] : [[f[i], f[i + 1]]]))),
    );
    expect(letters.map((l) => [l.entry, l.reason])).toEqual([
      [bad, 'bad_price'],
      [expect.any(String), 'missing_field'],
    ]);
    expect(letters[0]?.message).toMatch(/price/);
    expect(runner.totals).toMatchObject({ ticks: 2, deadLetters: 2 });
  });
});
