// The ticks of one stream as one read returned them, decoded once into columns: no object per
// tick, so a batch of thousands of ticks is a handful of allocations. The stream reader builds
// them straight from Redis' reply bytes; `toTickBatch` builds one from entries already read as
// strings (warm-up reads, tests, offline replay).
import { decodeTick } from './tick-format.ts';

/** A stream entry as string fields: a flat field/value list, null for an entry deleted before it was read. */
export interface TickEntry {
  id: string;
  fields: string[] | null;
}

/** The entries of one stream read in one batch, as strings. */
export interface StreamBatch {
  instrument: string;
  stream: string;
  entries: TickEntry[];
}

/** An entry that is not a tick: it goes to the dead-letter stream. */
export interface RejectedEntry {
  /** Position in the batch. */
  index: number;
  /** `deleted` (trimmed before it was read) or a TickRejectReason. */
  reason: string;
  message: string;
  /** The entry's fields as read, null when deleted. */
  fields: string[] | null;
}

/**
 * What a commit acknowledges: every entry id read from a stream, as ASCII text with a space
 * after each id. One argument per stream instead of one per id: the commit script splits it.
 */
export interface AckBatch {
  stream: string;
  /** Ids in `idText`. */
  length: number;
  idText: Buffer;
}

export interface TickBatch extends AckBatch {
  instrument: string;
  /** Entries read, valid or not. */
  length: number;
  /** Entry ids in stream order, each followed by a space; read one with `entryId`. */
  idText: Buffer;
  /** Where each id starts in idText; idStarts[length] is where the text ends. */
  idStarts: Int32Array;
  /** When each entry entered Redis (ms, from its id). */
  entryMs: Float64Array;
  /** Tick fields by entry; NaN (and '' for cids) at rejected entries. */
  ts: Float64Array;
  price: Float64Array;
  volume: Float64Array;
  /** Correlation ids, '' when the tick had none. */
  cids: string[];
  /** Entries that are not ticks, in index order (usually none). */
  rejected: RejectedEntry[];
}

export const DELETED_MESSAGE = 'entry was trimmed from the stream before it was read';

/** Longest stream id, and a space: two 64-bit integers and a dash. */
export const MAX_ID_BYTES = 42;

/**
 * An empty batch with room for `length` entries and `idBytes` bytes of id text; the caller
 * fills every column, sets each entry's id (with `setId`) in order, and then cuts idText to
 * idStarts[length].
 */
export function emptyTickBatch(
  instrument: string,
  stream: string,
  length: number,
  idBytes = length * MAX_ID_BYTES,
): TickBatch {
  return {
    instrument,
    stream,
    length,
    idText: Buffer.allocUnsafe(idBytes),
    idStarts: new Int32Array(length + 1),
    entryMs: new Float64Array(length),
    ts: new Float64Array(length),
    price: new Float64Array(length),
    volume: new Float64Array(length),
    cids: new Array<string>(length),
    rejected: [],
  };
}

/** The id of entry `i`. */
export function entryId(b: TickBatch, i: number): string {
  return b.idText.toString('latin1', b.idStarts[i], (b.idStarts[i + 1] as number) - 1);
}

/** Entry ids as strings (tests, tools; not for the hot path). */
export function entryIds(b: AckBatch): string[] {
  const text = b.idText.toString('latin1');
  return b.length === 0 ? [] : text.split(' ').slice(0, b.length);
}

/** An AckBatch of ids given as strings. */
export function ackBatch(stream: string, ids: readonly string[]): AckBatch {
  return { stream, length: ids.length, idText: Buffer.from(ids.map((id) => `${id} `).join('')) };
}

/** Appends entry `i`'s id (entries are set in order). */
export function setId(b: TickBatch, i: number, id: string): void {
  const at = b.idStarts[i] as number;
  const n = b.idText.write(id, at, 'latin1');
  b.idText[at + n] = 32;
  b.idStarts[i + 1] = at + n + 1;
}

/** Milliseconds part of a stream id (`ms-seq`). */
export const idMs = (id: string) => Number(id.slice(0, id.indexOf('-')));

/**
 * Stores the outcome of decoding entry `i` from string fields (decodeTick's rules and
 * messages): the tick's columns, or a rejection. Its id is set already.
 */
export function setDecoded(b: TickBatch, i: number, fields: string[] | null): void {
  b.entryMs[i] = idMs(entryId(b, i));
  const d = fields ? decodeTick(fields) : undefined;
  if (d?.ok) {
    b.ts[i] = d.tick.ts;
    b.price[i] = d.tick.price;
    b.volume[i] = d.tick.volume;
    b.cids[i] = d.tick.cid ?? '';
    return;
  }
  b.ts[i] = Number.NaN;
  b.price[i] = Number.NaN;
  b.volume[i] = Number.NaN;
  b.cids[i] = '';
  b.rejected.push(
    d
      ? { index: i, reason: d.reason, message: d.message, fields }
      : { index: i, reason: 'deleted', message: DELETED_MESSAGE, fields: null },
  );
}

/** Decodes entries read as strings. */
export function toTickBatch(b: StreamBatch): TickBatch {
  const idBytes = b.entries.reduce((n, e) => n + Buffer.byteLength(e.id, 'latin1') + 1, 0);
  const out = emptyTickBatch(b.instrument, b.stream, b.entries.length, idBytes);
  for (let i = 0; i < b.entries.length; i++) {
    const e = b.entries[i] as TickEntry;
    setId(out, i, e.id);
    setDecoded(out, i, e.fields);
  }
  return out;
}
