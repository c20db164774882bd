// `flotilla feed` against the real redis-server of the integration run. Every test uses its own
// instrument prefix, so its streams are its own.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { feedConfig } from '../../../runtime/src/feed/config.ts';
import { FeedError } from '../../../runtime/src/feed/errors.ts';
import { runFeed, syntheticFeedTicks } from '../../../runtime/src/feed/feed.ts';
import { type FeedTick, publishTicks } from '../../../runtime/src/feed/publisher.ts';
import { decodeTick, type Tick, tickStream } from '../../../runtime/src/ingest/tick-format.ts';
import { freePort } from '../../harness/free-port.ts';

const root = join(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'flotilla-feed-'));
const redisUrl = inject('redisUrl');
let redis: Redis;

beforeAll(() => {
  redis = new Redis(redisUrl);
});
afterAll(() => {
  redis.disconnect();
  rmSync(scratch, { recursive: true, force: true });
});

/** A fresh instrument prefix such as `F3A9C1E-`. */
const prefix = () => `F${randomBytes(4).toString('hex').toUpperCase()}-`;
const quiet = { log: () => undefined };

/** Every entry of an instrument's stream, decoded (failing on any entry that does not decode). */
async function readTicks(instrument: string): Promise<Tick[]> {
  const entries = await redis.xrange(tickStream(instrument), '-', '+');
  return entries.map(([id, fields]) => {
    const decoded = decodeTick(fields);
    if (!decoded.ok) throw new Error(`${id}: ${decoded.message}`);
    return decoded.tick;
  });
}

const withoutInstrument = ({ instrument: _, ...tick }: FeedTick): Tick => tick;

describe('publishing synthetic ticks', () => {
  it('publishes 2 instruments x 2000 ticks at a paced rate, in order, exactly as generated', async () => {
    const p = prefix();
    const [a, b] = [`${p}A`, `${p}B`];
    const source = {
      kind: 'synthetic' as const,
      instruments: [a, b],
      seed: 21,
      edge: 0.2,
      startTs: 1_767_225_600_000,
      ticksPerInstrument: 2000,
    };
    const result = await publishTicks(redis, syntheticFeedTicks(source), { rate: 4000 });

    expect(result).toMatchObject({
      published: { [a]: 2000, [b]: 2000 },
      total: 4000,
      stoppedBy: 'end',
    });
    // Pacing: a bucket of at most 1000 ticks, then 4000 ticks/s, so 4000 ticks take >= 0.75 s.
    expect(result.elapsedMs).toBeGreaterThanOrEqual(750);
    const expected = [...syntheticFeedTicks(source)];
    for (const instrument of [a, b]) {
      const got = await readTicks(instrument);
      expect(got).toEqual(
        expected.filter((t) => t.instrument === instrument).map(withoutInstrument),
      );
      expect(got.map((t) => t.cid)).toEqual(
        Array.from({ length: 2000 }, (_, i) => `${instrument}-${i}`),
      );
    }
  });

  it('publishes the same ticks again for the same seed, as fast as possible', async () => {
    const instrument = `${prefix()}X`;
    const source = {
      kind: 'synthetic' as const,
      instruments: [instrument],
      seed: 5,
      edge: 0,
      startTs: 0,
      ticksPerInstrument: 3000,
    };
    const run = async () => {
      await redis.del(tickStream(instrument));
      await publishTicks(redis, syntheticFeedTicks(source), { rate: 0, batchSize: 700 });
      return readTicks(instrument);
    };
    const first = await run();
    expect(first).toHaveLength(3000);
    expect(await run()).toEqual(first);
  });

  it('trims each stream to about --maxlen entries', async () => {
    const instrument = `${prefix()}M`;
    const source = {
      kind: 'synthetic' as const,
      instruments: [instrument],
      seed: 1,
      edge: 0,
      startTs: 0,
      ticksPerInstrument: 5000,
    };
    await publishTicks(redis, syntheticFeedTicks(source), { rate: 0, maxlen: 200 });
    const length = await redis.xlen(tickStream(instrument));
    // MAXLEN ~ trims whole stream nodes (100 entries each by default): a little over 200 stays.
    expect(length).toBeGreaterThanOrEqual(200);
    expect(length).toBeLessThan(400);
    const last = (await readTicks(instrument)).at(-1);
    expect(last?.cid).toBe(`${instrument}-4999`);
  });

  it('stops an endless paced feed on abort and on --duration, with the counts so far', async () => {
    const p = prefix();
    const source = {
      kind: 'synthetic' as const,
      instruments: [`${p}S`],
      seed: 1,
      edge: 0,
      startTs: 0,
    };
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const aborted = await publishTicks(redis, syntheticFeedTicks(source), {
      rate: 1000,
      signal: abort.signal,
    });
    expect(aborted.stoppedBy).toBe('signal');
    expect(aborted.total).toBeGreaterThan(0);
    expect(await redis.xlen(tickStream(`${p}S`))).toBe(aborted.total);

    const timed = await publishTicks(
      redis,
      syntheticFeedTicks({ ...source, instruments: [`${p}T`] }),
      { rate: 1000, durationMs: 300 },
    );
    expect(timed.stoppedBy).toBe('duration');
    expect(timed.elapsedMs).toBeGreaterThanOrEqual(300);
    expect(await redis.xlen(tickStream(`${p}T`))).toBe(timed.total);
  });

  it('fails with FLT_FEED_REDIS naming the stream when Redis rejects a tick', async () => {
    const instrument = `${prefix()}W`;
    await redis.set(tickStream(instrument), 'not a stream');
    const source = {
      kind: 'synthetic' as const,
      instruments: [instrument],
      seed: 1,
      edge: 0,
      startTs: 0,
      ticksPerInstrument: 10,
    };
    const error = await publishTicks(redis, syntheticFeedTicks(source), { rate: 0 }).catch(
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(FeedError);
    expect((error as FeedError).code).toBe('FLT_FEED_REDIS');
    expect((error as Error).message).toContain(`(XADD to ${tickStream(instrument)}): WRONGTYPE`);
  });

  it('fails with FLT_FEED_REDIS when Redis cannot be reached', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const config = feedConfig({ redisUrl: url, instruments: 'A', ticks: '1' });
    const error = await runFeed(config, quiet).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(FeedError);
    expect((error as FeedError).code).toBe('FLT_FEED_REDIS');
    expect((error as Error).message).toMatch(
      /^cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/,
    );
  });
});

describe('publishing a CSV file', () => {
  function csvFile(name: string, text: string): string {
    const file = join(scratch, name);
    writeFileSync(file, text);
    return file;
  }

  it('publishes the rows in file order', async () => {
    const p = prefix();
    const file = csvFile(
      `${p}good.csv`,
      [
        'instrument,ts,price,volume,cid',
        `${p}BTC,1000,50000.5,0.25,c1`,
        `${p}ETH,1000,3000,2,`,
        `${p}BTC,1250,50001.25,1.5,c2`,
        `${p}BTC,1250,49999,0,c3`,
        `${p}ETH,2000,3001.75,0.125,c4`,
      ].join('\n'),
    );
    const summary = await runFeed(feedConfig({ redisUrl, csv: file }), quiet);
    expect(summary).toMatchObject({
      source: 'csv',
      total: 5,
      published: { [`${p}BTC`]: 3, [`${p}ETH`]: 2 },
    });
    expect(await readTicks(`${p}BTC`)).toEqual([
      { ts: 1000, price: 50000.5, volume: 0.25, cid: 'c1' },
      { ts: 1250, price: 50001.25, volume: 1.5, cid: 'c2' },
      { ts: 1250, price: 49999, volume: 0, cid: 'c3' },
    ]);
    expect(await readTicks(`${p}ETH`)).toEqual([
      { ts: 1000, price: 3000, volume: 2 },
      { ts: 2000, price: 3001.75, volume: 0.125, cid: 'c4' },
    ]);
  });

  it('publishes nothing from a file with a bad row, naming the line and the field', async () => {
    const p = prefix();
    const file = csvFile(
      `${p}bad.csv`,
      `instrument,ts,price,volume\n${p}A,1000,10,1\n${p}A,1001,-3,1\n${p}A,1002,10,1\n${p}A,1003,10,many\n`,
    );
    const error = await runFeed(feedConfig({ redisUrl, csv: file }), quiet).catch(
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(FeedError);
    expect((error as FeedError).code).toBe('FLT_FEED_CSV');
    expect((error as Error).message).toBe(
      `${file}: 2 problems; nothing was published\n  line 3: price: -3 must be finite and above 0\n  line 5: volume: "many" is not a decimal number`,
    );
    expect(await redis.exists(tickStream(`${p}A`))).toBe(0);
  });
});

describe('the flotilla feed command', () => {
  const run = promisify(execFile);
  const flotilla = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        [join(root, 'cli/bin/flotilla.js'), 'feed', ...args],
        { cwd: root },
      );
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('publishes seeded ticks and prints a JSON summary as its last line', async () => {
    const p = prefix();
    const [a, b] = [`${p}A`, `${p}B`];
    const r = await flotilla(
      ...['--redis-url', redisUrl, '--instruments', `${a},${b}`, '--ticks', '500'],
      ...[
        '--rate',
        '0',
        '--seed',
        '77',
        '--edge',
        '0.3',
        '--start-ts',
        '2026-01-01T00:00:00Z',
        '--json',
      ],
    );
    expect(r.stderr).toContain(`feed: publishing ${a},${b} to ${redisUrl}`);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '');
    expect(summary).toMatchObject({
      source: 'synthetic',
      published: { [a]: 500, [b]: 500 },
      total: 1000,
      stoppedBy: 'end',
    });
    const expected = [
      ...syntheticFeedTicks({
        kind: 'synthetic',
        instruments: [a, b],
        seed: 77,
        edge: 0.3,
        startTs: Date.UTC(2026, 0, 1),
        ticksPerInstrument: 500,
      }),
    ];
    expect(await readTicks(b)).toEqual(
      expected.filter((t) => t.instrument === b).map(withoutInstrument),
    );
  });

  it('exits 1 with the code and the problem, no stack trace, on a bad CSV', async () => {
    const file = join(scratch, 'cli-bad.csv');
    writeFileSync(file, 'instrument,ts,price,volume\nA,1,2,3\nA,x,2,3\n');
    const r = await flotilla('--redis-url', redisUrl, '--csv', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `flotilla: FLT_FEED_CSV: ${file}: 1 problem; nothing was published\n  line 3: ts: "x" is not an integer number of ms since the epoch between 0 and 8640000000000000\n`,
    );
  });
});
