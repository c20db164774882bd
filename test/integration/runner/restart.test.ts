// The runner as its own process, killed with SIGKILL mid-stream and started again: every tick
// is processed exactly once, so the signals equal an offline replay with no duplicate and no gap,
// and the ledger in ClickHouse holds exactly one decision record per signal.
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
import { ledgerClient } from '../../../runtime/src/forensics/ledger-client.ts';
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
const clickhouseUrl = inject('clickhouseUrl');
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

function startRunnerProcess(namespace: string, configFile: string, database: string): ChildProcess {
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
      '--clickhouse-url',
      clickhouseUrl,
      '--clickhouse-database',
      database,
      '--spool-dir',
      join(dir, `spool-${database}`),
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
    const { group, ledgerOutbox } = runnerKeys(namespace, 0);
    const database = `restart_${randomBytes(3).toString('hex')}`;

    const first = startRunnerProcess(namespace, configFile, database);
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
    const second = startRunnerProcess(namespace, configFile, database);
    const fed = await feeding;
    expect(fed.total).toBe(6_000);
    await waitProcessed(redis, group, instruments, 60_000);
    // Every committed batch's ledger rows shipped to ClickHouse.
    await eventually(
      'the ledger outbox to drain',
      async () => ((await redis.xlen(ledgerOutbox)) === 0 ? true : undefined),
      60_000,
    );
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
    const ledger = ledgerClient(clickhouseUrl);
    try {
      const rows = await (
        await ledger.query({
          query: `SELECT strategy, id FROM ${database}.decisions FINAL ORDER BY id`,
          format: 'JSONEachRow',
        })
      ).json<{ strategy: string; id: string }>();
      const signals = [
        ...(await readSignals(redis, 'kill-a')),
        ...(await readSignals(redis, 'kill-b')),
      ];
      expect(rows.map((r) => r.id)).toEqual(signals.map((s) => s.id).sort());
      const fills = await (
        await ledger.query({
          query: `SELECT count() AS n FROM ${database}.fills FINAL`,
          format: 'JSONEachRow',
        })
      ).json<{ n: string }>();
      expect(Number(fills[0]?.n)).toBeGreaterThan(0);
    } finally {
      await ledger.close();
    }
  });
});
