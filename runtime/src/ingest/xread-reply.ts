// An XREADGROUP reply decoded straight from its bytes into tick columns. A generic client turns
// each entry into two arrays and nine strings first (each through a Buffer); here a valid tick
// costs its id and correlation id strings and nothing else. Anything unusual (a missing,
// repeated or bad field, an odd field count, a deleted entry) goes through decodeTick on string
// fields, so rejections and their messages are exactly decodeTick's.
import { headerNumber, RespProtocolError } from './resp-frame.ts';
import { emptyTickBatch, MAX_ID_BYTES, setDecoded, type TickBatch } from './tick-batch.ts';
import { parseDecimalBytes, parseTsBytes } from './tick-bytes.ts';
import { MAX_CID_LENGTH } from './tick-format.ts';

const CR = 13;

/** A cursor over one complete reply. */
class ReplyReader {
  readonly buf: Buffer;
  pos: number;
  /** Body of the last blob read. */
  start = 0;
  end = 0;

  constructor(buf: Buffer, pos: number) {
    this.buf = buf;
    this.pos = pos;
  }

  /** An aggregate's item count (a map's counts its keys and values); -1 for a null. */
  aggregate(): number {
    const type = this.buf[this.pos];
    if (type === 95) {
      // _ (RESP3 null)
      this.pos += 3;
      return -1;
    }
    if (type !== 42 && type !== 37) this.#unexpected('an array'); // * or %
    const n = this.#header();
    return type === 37 ? 2 * n : n;
  }

  /** Reads a blob string's bounds into start/end; false for a null. */
  blob(): boolean {
    if (this.buf[this.pos] !== 36) this.#unexpected('a blob string'); // $
    const n = this.#header();
    if (n < 0) return false;
    this.start = this.pos;
    this.end = this.pos + n;
    this.pos = this.end + 2;
    return true;
  }

  utf8(): string {
    return this.buf.toString('utf8', this.start, this.end);
  }

  #header(): number {
    let cr = this.pos + 1;
    while (this.buf[cr] !== CR) cr++;
    const n = headerNumber(this.buf, this.pos + 1, cr);
    this.pos = cr + 2;
    return n;
  }

  #unexpected(what: string): never {
    throw new RespProtocolError(
      `XREADGROUP reply: expected ${what} at offset ${this.pos}, got byte ${this.buf[this.pos]}`,
    );
  }
}

/**
 * Decodes a complete XREADGROUP (or XREAD) reply held in `buf` from `start`: one batch per stream
 * that returned entries, in reply order. `instrumentOf` names a stream key's instrument. Takes
 * the RESP2 shape (pairs) and the RESP3 one (a map); a null reply is no batches.
 */
export function parseXReadReply(
  buf: Buffer,
  start: number,
  instrumentOf: (stream: string) => string,
): TickBatch[] {
  const r = new ReplyReader(buf, start);
  const map = buf[start] === 37; // %
  const items = r.aggregate();
  const batches: TickBatch[] = [];
  for (let s = 0; s < items; s += map ? 2 : 1) {
    if (!map && r.aggregate() !== 2) throw new RespProtocolError('XREADGROUP reply: bad stream');
    if (!r.blob()) throw new RespProtocolError('XREADGROUP reply: null stream key');
    const stream = r.utf8();
    const n = Math.max(r.aggregate(), 0);
    if (n === 0) continue;
    const batch = emptyTickBatch(instrumentOf(stream), stream, n);
    for (let i = 0; i < n; i++) readEntry(r, batch, i);
    batch.idText = batch.idText.subarray(0, batch.idStarts[n]);
    batches.push(batch);
  }
  return batches;
}

/** Entry `i`: `[id, [field, value, ...] | null]`. */
function readEntry(r: ReplyReader, b: TickBatch, i: number): void {
  if (r.aggregate() !== 2) throw new RespProtocolError('XREADGROUP reply: bad entry');
  r.blob();
  copyId(r, b, i);
  const ms = idMs(r.buf, r.start);
  const count = r.aggregate();
  if (count < 0) {
    setDecoded(b, i, null);
    return;
  }
  const fieldsAt = r.pos;
  if ((count & 1) === 0 && readTick(r, b, i, count)) {
    b.entryMs[i] = ms;
    return;
  }
  r.pos = fieldsAt;
  const fields = new Array<string>(count);
  for (let k = 0; k < count; k++) fields[k] = r.blob() ? r.utf8() : '';
  setDecoded(b, i, fields);
}

/**
 * The fast path: a valid tick's fields straight into the columns. False (columns untouched) for
 * anything decodeTick would reject or that needs its messages; the caller then decodes strings.
 */
function readTick(r: ReplyReader, b: TickBatch, i: number, count: number): boolean {
  let tsAt = -1;
  let tsEnd = 0;
  let priceAt = -1;
  let priceEnd = 0;
  let volumeAt = -1;
  let volumeEnd = 0;
  let cidAt = -1;
  let cidEnd = 0;
  let repeated = false;
  for (let k = 0; k < count; k += 2) {
    r.blob();
    // Field names are compared as bytes: equal bytes are exactly equal decoded strings.
    const name = nameOf(r.buf, r.start, r.end);
    r.blob();
    if (name === TS) {
      repeated ||= tsAt >= 0;
      tsAt = r.start;
      tsEnd = r.end;
    } else if (name === PRICE) {
      repeated ||= priceAt >= 0;
      priceAt = r.start;
      priceEnd = r.end;
    } else if (name === VOLUME) {
      repeated ||= volumeAt >= 0;
      volumeAt = r.start;
      volumeEnd = r.end;
    } else if (name === CID) {
      repeated ||= cidAt >= 0;
      cidAt = r.start;
      cidEnd = r.end;
    }
  }
  if (repeated || tsAt < 0 || priceAt < 0 || volumeAt < 0) return false;
  const buf = r.buf;
  const ts = parseTsBytes(buf, tsAt, tsEnd);
  const price = parseDecimalBytes(buf, priceAt, priceEnd);
  const volume = parseDecimalBytes(buf, volumeAt, volumeEnd) + 0; // + 0 turns -0 into 0
  if (ts < 0 || !(price > 0) || price === Number.POSITIVE_INFINITY) return false;
  if (!(volume >= 0) || volume === Number.POSITIVE_INFINITY) return false;
  const cid = cidAt < 0 ? '' : buf.toString('utf8', cidAt, cidEnd);
  if (cid.length > MAX_CID_LENGTH) return false;
  b.ts[i] = ts;
  b.price[i] = price;
  b.volume[i] = volume;
  b.cids[i] = cid;
  return true;
}

const OTHER = 0;
const TS = 1;
const PRICE = 2;
const VOLUME = 3;
const CID = 4;

/** Which tick field the name bytes spell, OTHER for none. */
function nameOf(buf: Buffer, start: number, end: number): number {
  switch (end - start) {
    case 2:
      return buf[start] === 116 && buf[start + 1] === 115 ? TS : OTHER; // ts
    case 3:
      return buf[start] === 99 && buf[start + 1] === 105 && buf[start + 2] === 100 ? CID : OTHER;
    case 5:
      return spells(buf, start, 'price') ? PRICE : OTHER;
    case 6:
      return spells(buf, start, 'volume') ? VOLUME : OTHER;
    default:
      return OTHER;
  }
}

function spells(buf: Buffer, start: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (buf[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Appends the id just read to the batch's id text (no string made). */
function copyId(r: ReplyReader, b: TickBatch, i: number): void {
  const n = r.end - r.start;
  if (n > MAX_ID_BYTES - 1) throw new RespProtocolError(`XREADGROUP reply: entry id of ${n} bytes`);
  const text = b.idText;
  let at = b.idStarts[i] as number;
  for (let k = r.start; k < r.end; k++) text[at++] = r.buf[k] as number;
  text[at++] = 32;
  b.idStarts[i + 1] = at;
}

/** The ms part of the entry id whose digits start at `at`. */
function idMs(buf: Buffer, at: number): number {
  let ms = 0;
  for (let i = at; buf[i] !== 45; i++) ms = ms * 10 + ((buf[i] as number) - 48);
  return ms;
}
