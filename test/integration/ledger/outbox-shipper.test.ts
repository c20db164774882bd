// The outbox shipper against a real redis-server, with a write whose durability the test
// controls: it keeps reading while earlier writes wait (a shipper that waited would ship one
// read per flush interval and fall behind a busy runner), acknowledges and deletes entries only
// once their rows are durable, holds at most `maxInFlight` entries, and ships its own pending
// entries (a previous life's) before new ones.
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { TickTape } from '../../../runtime/src/execution/tape.ts';
import type { LedgerRows } from '../../../runtime/src/ledger/batching.ts';
import { encodeOutboxEntry } from '../../../runtime/src/ledger/outbox-format.ts';
import { OUTBOX_GROUP, OutboxShipper } from '../../../runtime/src/ledger/outbox-shipper.ts';
import { signalOfDecision } from '../../../runtime/src/ledger/records.ts';
import { eventually } from '../../harness/eventually.ts';
import { useRedis } from '../../harness/runner.ts';
import { decision } from '../../unit/runtime/ledger/fixtures.ts';

const redisUrl = inject('redisUrl');
const redis = useRedis(redisUrl);

/** An outbox entry as the runner's commit writes it: one signal row named `id`. */
async function commit(stream: string, id: string): Promise<void> {
  const rows = { signals: [{ id }] };
  await redis.xadd(stream, '*', 'rows', JSON.stringify(rows));
}

/** Writes that become durable only when the test says so. */
function heldWrites() {
  const writes: { ids: string[]; durable: () => void }[] = [];
  return {
    writes,
    write: (rows: LedgerRows) =>
      new Promise<void>((resolve) => {
        const ids = (rows.signals ?? []).map((r) => r.id);
        writes.push({ ids, durable: resolve });
      }),
    shipped: () => writes.flatMap((w) => w.ids),
  };
}

function shipper(stream: string, consumer: string, write: (rows: LedgerRows) => Promise<void>) {
  return new OutboxShipper({
    redis,
    stream,
    consumer,
    deadLetterStream: `${stream}:dlq`,
    shard: 3,
    write,
    log: pino({ level: 'silent' }),
    count: 2,
    blockMs: 50,
    gatherMs: 10,
    maxInFlight: 6,
  });
}

const pending = async (stream: string) =>
  Number(((await redis.xpending(stream, OUTBOX_GROUP)) as [number])[0]);

describe('OutboxShipper', () => {
  it('reads on while writes wait, and acknowledges only what is durable', async () => {
    const stream = `test:outbox:${randomBytes(3).toString('hex')}`;
    for (let i = 0; i < 5; i++) await commit(stream, `r${i}`);
    const held = heldWrites();
    const s = shipper(stream, 'c', held.write);
    s.start();
    // Three reads of 2, 2 and 1 entries, none of them durable yet.
    await eventually('every entry handed to the writer', () =>
      held.shipped().length === 5 ? true : undefined,
    );
    expect(held.shipped()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(await redis.xlen(stream)).toBe(5);
    expect(await pending(stream)).toBe(5);

    held.writes[1]?.durable(); // r2 and r3: acknowledged and deleted, the rest stay
    await eventually('the durable entries deleted', async () =>
      (await redis.xlen(stream)) === 3 ? true : undefined,
    );
    expect(await pending(stream)).toBe(3);
    for (const w of held.writes) w.durable();
    await s.stop();
    expect(await redis.xlen(stream)).toBe(0);
    expect(s.counters).toEqual({ entries: 5, deadLettered: 0, failures: 0 });
  });

  it('holds at most maxInFlight entries that are not yet durable', async () => {
    const stream = `test:outbox:${randomBytes(3).toString('hex')}`;
    for (let i = 0; i < 10; i++) await commit(stream, `r${i}`);
    const held = heldWrites();
    const s = shipper(stream, 'c', held.write);
    s.start();
    await eventually('the in-flight limit reached', () =>
      held.shipped().length === 6 ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(held.shipped()).toHaveLength(6);
    held.writes[0]?.durable();
    await eventually('two more read', () => (held.shipped().length === 8 ? true : undefined));
    for (const w of held.writes) w.durable();
    await eventually('the rest read', () => (held.shipped().length === 10 ? true : undefined));
    for (const w of held.writes) w.durable();
    await s.stop();
    expect(await redis.xlen(stream)).toBe(0);
  });

  it("ships a previous life's pending entries first, each once", async () => {
    const stream = `test:outbox:${randomBytes(3).toString('hex')}`;
    for (let i = 0; i < 3; i++) await commit(stream, `old${i}`);
    // A shipper that read three entries and died before they were durable.
    const crashed = heldWrites();
    const first = shipper(stream, 'c', crashed.write);
    first.start();
    await eventually('read by the first life', () =>
      crashed.shipped().length === 3 ? true : undefined,
    );
    const stopped = first.stop(); // never resolves while its writes wait: abandoned, as in a crash
    void stopped;
    for (let i = 0; i < 2; i++) await commit(stream, `new${i}`);

    const held = heldWrites();
    const second = shipper(stream, 'c', held.write);
    second.start();
    await eventually('everything read by the second life', () =>
      held.shipped().length === 5 ? true : undefined,
    );
    expect(held.shipped()).toEqual(['old0', 'old1', 'old2', 'new0', 'new1']);
    for (const w of held.writes) w.durable();
    await second.stop();
    expect(await redis.xlen(stream)).toBe(0);
    expect(await pending(stream)).toBe(0);
  });

  it('moves an entry it cannot decode to the dead-letter stream, and ships the rest', async () => {
    const stream = `test:outbox:${randomBytes(3).toString('hex')}`;
    await commit(stream, 'r0');
    const bad = await redis.xadd(stream, '*', 'rows', '{"v":9,"keys":[]}');
    const noRows = await redis.xadd(stream, '*', 'other', 'x');
    await commit(stream, 'r1');
    const held = heldWrites();
    const s = shipper(stream, 'c', held.write);
    s.start();
    await eventually('the good rows handed to the writer', () =>
      held.shipped().length === 2 ? true : undefined,
    );
    // Nothing is dead-lettered or acknowledged before the rows read with it are durable.
    expect(await redis.xlen(`${stream}:dlq`)).toBe(0);
    for (const w of held.writes) w.durable();
    await eventually('every entry acknowledged and deleted', async () =>
      (await redis.xlen(stream)) === 0 ? true : undefined,
    );
    await s.stop();
    expect(held.shipped()).toEqual(['r0', 'r1']);
    expect(await pending(stream)).toBe(0);
    const letters = (await redis.xrange(`${stream}:dlq`, '-', '+')).map(([, f]) => {
      const o: Record<string, string> = {};
      for (let i = 0; i < f.length; i += 2) o[f[i] as string] = f[i + 1] as string;
      return o;
    });
    expect(letters).toEqual([
      {
        stream,
        entry: bad,
        shard: '3',
        reason: 'undecodable_ledger_rows',
        message: 'outbox entry: format version 9 is not 2 or 3',
        fields: JSON.stringify(['rows', '{"v":9,"keys":[]}']),
      },
      {
        stream,
        entry: noRows,
        shard: '3',
        reason: 'undecodable_ledger_rows',
        message: 'the entry has no rows field',
        fields: JSON.stringify(['other', 'x']),
      },
    ]);
    expect(s.counters).toEqual({ entries: 4, deadLettered: 2, failures: 0 });
  });

  it("executes each entry's tape through its broker and ships the fills with the entry", async () => {
    const stream = `test:outbox:${randomBytes(3).toString('hex')}`;
    const t0 = 1_700_000_000_000;
    // Batch 1: a long decision on its second tick; batch 2: the next tick, where it fills.
    const tape = new TickTape();
    const d = decision({ id: 'd'.repeat(32), instrument: 'BTC-USD', ts_ms: t0, action: 'long' });
    tape.tick('BTC-USD', t0 - 500, 99.5, 1);
    tape.tick('BTC-USD', t0, 100, 1);
    tape.decided();
    await redis.xadd(
      stream,
      '*',
      'rows',
      encodeOutboxEntry({ decisions: [d], signals: [signalOfDecision(d)] }, tape.take()),
    );
    tape.tick('BTC-USD', t0 + 500, 100.5, 1);
    await redis.xadd(stream, '*', 'rows', encodeOutboxEntry({}, tape.take()));
    const written: LedgerRows[] = [];
    const s = shipper(stream, 'c', async (rows) => {
      written.push(rows);
    });
    s.start();
    await eventually('both entries shipped', async () =>
      (await redis.xlen(stream)) === 0 ? true : undefined,
    );
    await s.stop();
    // count: 2, so one read and one write of both entries.
    expect(written).toHaveLength(1);
    expect(written[0]?.decisions?.map((r) => r.id)).toEqual([d.id]);
    expect(written[0]?.fills).toEqual([
      expect.objectContaining({ decision_id: d.id, kind: 'open', side: 'buy', ts_ms: t0 + 500 }),
    ]);
    expect(written[0]?.pnl_events?.map((e) => e.kind)).toEqual(['open']);
    expect(written[0]?.equity_points).toHaveLength(1);
  });
});
