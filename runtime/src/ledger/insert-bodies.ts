// A batch of ledger rows as the bodies of its inserts (no I/O): per table, the rows as
// JSONEachRow text (one JSON object per line), written into a growing Buffer as they arrive. The
// writer holds a batch for up to `flushIntervalMs` (2 s). Held as row objects, every row outlived
// two young collections of the ledger thread's heap and was promoted (30 MB per 20 s of
// bench:ledger's load, 12-15 MB since), and the client encoded them all through an object stream
// in one burst per flush. Bytes outside the heap cost the collector nothing, and the insert sends
// them as they are (bench/README.md, runs 26-32). The same bytes, framed per table, are the
// spool's payload.
import { type LedgerRows, WRITABLE_TABLES, type WritableTable } from './batching.ts';

const INITIAL_BYTES = 16 * 1024;

/** One table's rows as an insert body. */
export class InsertBody {
  rows = 0;
  #bytes: Buffer;
  #length = 0;

  constructor(initialBytes = INITIAL_BYTES) {
    this.#bytes = Buffer.allocUnsafe(initialBytes);
  }

  /** A body holding `bytes` as they are (`rows` lines of JSONEachRow). */
  static of(rows: number, bytes: Buffer): InsertBody {
    const body = new InsertBody(0);
    body.#bytes = bytes;
    body.#length = bytes.length;
    body.rows = rows;
    return body;
  }

  append(row: object): void {
    const line = JSON.stringify(row);
    // A UTF-16 code unit is at most 3 bytes of UTF-8: room for the line and its newline.
    this.#reserve(line.length * 3 + 1);
    this.#length += this.#bytes.write(line, this.#length, 'utf8');
    this.#bytes[this.#length++] = 0x0a;
    this.rows += 1;
  }

  get byteLength(): number {
    return this.#length;
  }

  /** The body's bytes (a view, valid until the next append). */
  bytes(): Buffer {
    return this.#bytes.subarray(0, this.#length);
  }

  #reserve(more: number): void {
    const need = this.#length + more;
    if (need <= this.#bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(need, this.#bytes.length * 2, INITIAL_BYTES));
    this.#bytes.copy(grown, 0, 0, this.#length);
    this.#bytes = grown;
  }
}

/** The insert bodies of one batch, by table. */
export type InsertBodies = Partial<Record<WritableTable, InsertBody>>;

/** Appends `rows` to `into`, table by table, keeping each table's order; returns the rows added. */
export function appendBodies(into: InsertBodies, rows: LedgerRows): number {
  let added = 0;
  for (const table of WRITABLE_TABLES) {
    const list: readonly object[] | undefined = rows[table];
    if (list === undefined || list.length === 0) continue;
    let body = into[table];
    if (body === undefined) {
      body = new InsertBody();
      into[table] = body;
    }
    for (const row of list) body.append(row);
    added += list.length;
  }
  return added;
}

export function bodiesOf(rows: LedgerRows): InsertBodies {
  const bodies: InsertBodies = {};
  appendBodies(bodies, rows);
  return bodies;
}

export function countBodyRows(bodies: InsertBodies): number {
  let n = 0;
  for (const table of WRITABLE_TABLES) n += bodies[table]?.rows ?? 0;
  return n;
}

// The spool payload of a batch: a magic, then per table with rows, in WRITABLE_TABLES order:
//   u8 table index | u32 LE rows | u32 LE bytes | the table's insert body
// Spools written before this format hold the batch as JSON (LedgerRows), which starts with '{'.
const MAGIC = Buffer.from('FLB1', 'latin1');
const TABLE_HEADER_BYTES = 9;

export function encodeSpoolPayload(bodies: InsertBodies): Buffer {
  const parts: Buffer[] = [MAGIC];
  WRITABLE_TABLES.forEach((table, index) => {
    const body = bodies[table];
    if (body === undefined || body.rows === 0) return;
    const header = Buffer.allocUnsafe(TABLE_HEADER_BYTES);
    header.writeUInt8(index, 0);
    header.writeUInt32LE(body.rows, 1);
    header.writeUInt32LE(body.byteLength, 5);
    parts.push(header, body.bytes());
  });
  return Buffer.concat(parts);
}

/** A spooled batch's insert bodies; throws an Error saying what is wrong when it is not one. */
export function decodeSpoolPayload(payload: Buffer): InsertBodies {
  if (payload.subarray(0, MAGIC.length).equals(MAGIC)) return decodeFramedTables(payload);
  // Written by an earlier version: the rows as one JSON object.
  const rows = JSON.parse(payload.toString('utf8')) as unknown;
  if (typeof rows !== 'object' || rows === null || Array.isArray(rows))
    throw new Error('a spooled batch of JSON must be an object of tables');
  for (const [table, list] of Object.entries(rows)) {
    if (!(WRITABLE_TABLES as readonly string[]).includes(table) || !Array.isArray(list))
      throw new Error(`a spooled batch has ${JSON.stringify(table)}, not a table of rows`);
  }
  return bodiesOf(rows as LedgerRows);
}

function decodeFramedTables(payload: Buffer): InsertBodies {
  const bodies: InsertBodies = {};
  let at = MAGIC.length;
  while (at < payload.length) {
    if (payload.length - at < TABLE_HEADER_BYTES)
      throw new Error(`a spooled batch ends inside a table header at byte ${at}`);
    const index = payload.readUInt8(at);
    const table = WRITABLE_TABLES[index];
    const rows = payload.readUInt32LE(at + 1);
    const bytes = payload.readUInt32LE(at + 5);
    at += TABLE_HEADER_BYTES;
    if (table === undefined) throw new Error(`a spooled batch names table ${index}`);
    if (payload.length - at < bytes)
      throw new Error(
        `a spooled batch's ${table} needs ${bytes} bytes, has ${payload.length - at}`,
      );
    bodies[table] = InsertBody.of(rows, payload.subarray(at, at + bytes));
    at += bytes;
  }
  return bodies;
}
