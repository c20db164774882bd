// RESP encoders for tests: replies as Redis writes them, to feed the runner's own decoders.
import type { TickEntry } from '../../../../runtime/src/ingest/tick-batch.ts';

export const blob = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

/** An XREADGROUP reply: RESP2 pairs, or RESP3's map of stream -> entries. */
export function xreadReply(streams: [string, TickEntry[]][], resp3 = false): Buffer {
  let out = resp3 ? `%${streams.length}\r\n` : `*${streams.length}\r\n`;
  for (const [stream, entries] of streams) {
    if (!resp3) out += '*2\r\n';
    out += `${blob(stream)}*${entries.length}\r\n`;
    for (const e of entries) {
      out += `*2\r\n${blob(e.id)}`;
      out += e.fields ? `*${e.fields.length}\r\n${e.fields.map(blob).join('')}` : '*-1\r\n';
    }
  }
  return Buffer.from(out);
}
