// The runner as its own process, killed with SIGKILL mid-stream and started again: every tick
// is processed exactly once, so the signals equal an offline replay with no duplicate and no gap.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../../../cli/local-kube.ts';
import { runnerKeys } from '../../../operator/src/api/shard/redis-keys.ts';
import { marketTicks } from '../../../runtime/src/feed/market.ts';
import { publishTicks } from '../../../runtime/src/feed/publisher.ts';
import { shardConfig, shardStrategy } from '../../fixtures/shard.ts';
import { eventually } from '../../harness/eventually.ts';
import {
  newRedis,
  readSignals,
  replaySignals,
  signalKey,
  uniqueInstruments,
  waitProcessed,
} from '../../harness/runner.ts';

const redisUrl = inject('redisUrl');
let redis: Redis;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  redis = newRedis(redisUrl);
  dir = mkdtempSync(join(tmpdir(), 'flotilla-runner-'));
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

function startRunnerProcess(namespace: string, configFile: string): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'cli/bin/flotilla.js'),
      'runner',
      '--shard',
      '0',
      '--namespace',
      namespace,
      '--redis-url',
      redisUrl,
      '--config-file',
      configFile,
      '--http-port',
      '0',
      '--start-from',
      'earliest',
      '--block-ms',
      '20',
      // The ticks fed while the runner was down must not count as overload.
      '--latency-budget-ms',
      '3600000',
      '--read-count',
      '64',
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, POD_NAME: 'runner-0' } },
  );
  children.push(child);
  return child;
}

describe('runner restart', () => {
  it('loses no tick and duplicates no signal when killed with SIGKILL mid-stream', async () => {
    const instruments = uniqueInstruments('K1', 'K2');
    const namespace = `ns-${randomBytes(3).toString('hex')}`;
    const config = shardConfig([
      shardStrategy('kill-a', { instruments }),
      shardStrategy('kill-b', {
        instruments: [instruments[1] ?? ''],
        decision: { ...shardStrategy('x').decision, threshold: 0.55 },
      }),
    ]);
    const configFile = join(dir, 'shard.json');
    writeFileSync(configFile, JSON.stringify(config));
    const group = runnerKeys(namespace, 0).group;

    const first = startRunnerProcess(namespace, configFile);
    const ticks = [
      ...marketTicks(instruments, {
        seed: 11,
        startTs: 1_700_000_000_000,
        ticksPerInstrument: 3_000,
      }),
    ].map((t) => ({ ...t, cid: `${t.instrument}-${t.seq}` }));
    const feeding = publishTicks(redis, ticks, { rate: 2_500, batchSize: 50 });
    // Kill once the first runner has acknowledged part of the stream, while ticks keep coming.
    await eventually(
      'the first runner to process some ticks',
      async () => {
        const groups = (await redis
          .call('XINFO', 'GROUPS', `ticks:${instruments[0]}`)
          .catch(() => [])) as unknown[][];
        const info = groups.find((g) => g.includes(group));
        const read = info ? Number(info[info.indexOf('entries-read') + 1]) : 0;
        return read > 500 ? true : undefined;
      },
      30_000,
      20,
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    await new Promise((r) => setTimeout(r, 300));
    const second = startRunnerProcess(namespace, configFile);
    const fed = await feeding;
    expect(fed.total).toBe(6_000);
    await waitProcessed(redis, group, instruments, 60_000);
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));

    const expected = await replaySignals(config, redis);
    for (const name of ['kill-a', 'kill-b']) {
      const actual = await readSignals(redis, name);
      const ids = actual.map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
      const want = expected.filter((s) => s.strategy === name);
      expect(want.length).toBeGreaterThan(10);
      expect(actual.map(signalKey).sort()).toEqual(want.map(signalKey).sort());
    }
  });
});
