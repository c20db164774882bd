// After the feed: waits until the runners have processed every tick fed (each tick stream's
// consumer groups have delivered its last entry and have nothing pending) and shipped every
// committed batch's ledger rows (the shards' outbox streams are empty), so the summary counts
// everything. Gives up after `timeoutMs` and says what was still moving.
import type { Redis } from 'ioredis';
import { tickStream } from '../../runtime/src/ingest/tick-format.ts';

export async function settle(
  redis: Redis,
  o: { instruments: readonly string[]; namespace: string; timeoutMs: number },
): Promise<{ settled: boolean; waiting: string[] }> {
  const deadline = Date.now() + o.timeoutMs;
  let waiting: string[] = [];
  while (Date.now() < deadline) {
    waiting = [];
    for (const instrument of o.instruments) {
      const stream = tickStream(instrument);
      const last = (await redis.call('XINFO', 'STREAM', stream)) as unknown[];
      const lastId = String(last[last.indexOf('last-generated-id') + 1]);
      const groups = (await redis.call('XINFO', 'GROUPS', stream)) as unknown[][];
      for (const flat of groups) {
        const info = new Map<string, unknown>();
        for (let i = 0; i + 1 < flat.length; i += 2) info.set(String(flat[i]), flat[i + 1]);
        if (Number(info.get('pending')) > 0 || info.get('last-delivered-id') !== lastId)
          waiting.push(`${stream} (${String(info.get('name'))})`);
      }
    }
    const outboxes = await redis.keys(`flotilla:${o.namespace}:ledger-outbox:*`);
    for (const key of outboxes) if ((await redis.xlen(key)) > 0) waiting.push(key);
    if (waiting.length === 0) return { settled: true, waiting };
    await new Promise((r) => setTimeout(r, 250));
  }
  return { settled: false, waiting };
}
