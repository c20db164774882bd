// The writer's local spool: a bounded FIFO of frames (./spool-frame.ts) in append-only segment
// files, each append fsync'd before it counts. Frames are consumed from the head in append order;
// a segment is deleted once every frame in it was consumed. One writer owns a spool directory.
import { type FileHandle, mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LedgerError } from './errors.ts';
import { decodeFrameAt, decodeSegment, FRAME_HEADER_BYTES } from './spool-frame.ts';

export interface SpoolOptions {
  dir: string;
  /** Upper bound of the bytes of all segments together; an append that would pass it is refused. */
  maxBytes: number;
  /** A segment is closed and a new one started once it holds this many bytes. */
  segmentBytes: number;
}

/** What opening the spool found on disk. */
export interface SpoolRecovery {
  segments: number;
  frames: number;
  /** Bytes of an incomplete last append, cut off (its write was never reported durable). */
  tornBytes: number;
  /** Bad bytes found inside closed segments, moved to `rejected/` (a damaged disk or a stray edit). */
  corruptBytes: number;
}

interface Segment {
  name: string;
  bytes: number;
  frames: number;
}

const SEGMENT_NAME = /^seg-(\d{16})\.log$/;
const REJECTED_DIR = 'rejected';

export class Spool {
  readonly recovery: SpoolRecovery;
  readonly #o: SpoolOptions;
  readonly #segments: Segment[];
  #nextSeq: number;
  #bytes: number;
  #frames: number;
  /** Append handle of the last segment; undefined until the first append after open or a rotation. */
  #active: FileHandle | undefined;
  #readHandle: { name: string; handle: FileHandle } | undefined;
  /** Offset of the next frame to consume in the head segment. */
  #headOffset = 0;
  #head: Buffer | undefined;

  private constructor(o: SpoolOptions, segments: Segment[], nextSeq: number, r: SpoolRecovery) {
    this.#o = o;
    this.#segments = segments;
    this.#nextSeq = nextSeq;
    this.#bytes = segments.reduce((sum, s) => sum + s.bytes, 0);
    this.#frames = r.frames;
    this.recovery = r;
  }

  /** Opens (or creates) the spool in `dir`, dropping a torn tail left by a crash. */
  static async open(options: SpoolOptions): Promise<Spool> {
    const dir = options.dir;
    try {
      await mkdir(join(dir, REJECTED_DIR), { recursive: true });
      const names = (await readdir(dir)).filter((n) => SEGMENT_NAME.test(n)).sort();
      const segments: Segment[] = [];
      const recovery: SpoolRecovery = { segments: 0, frames: 0, tornBytes: 0, corruptBytes: 0 };
      for (const [i, name] of names.entries()) {
        const path = join(dir, name);
        const data = await readFile(path);
        const decoded = decodeSegment(data);
        if (decoded.invalidBytes > 0) {
          // Only the last segment is ever appended to, so only its tail can be torn by a crash.
          if (i === names.length - 1) recovery.tornBytes += decoded.invalidBytes;
          else {
            recovery.corruptBytes += decoded.invalidBytes;
            await writeFile(
              join(dir, REJECTED_DIR, `${name}.corrupt`),
              data.subarray(decoded.validBytes),
            );
          }
          await truncateDurably(path, decoded.validBytes);
        }
        if (decoded.frames.length === 0) {
          await rm(path, { force: true });
          continue;
        }
        segments.push({ name, bytes: decoded.validBytes, frames: decoded.frames.length });
        recovery.frames += decoded.frames.length;
      }
      recovery.segments = segments.length;
      const last = names.at(-1);
      const nextSeq = last === undefined ? 1 : Number(SEGMENT_NAME.exec(last)?.[1]) + 1;
      return new Spool(options, segments, nextSeq, recovery);
    } catch (err) {
      throw spoolFailure(`opening the spool in ${dir}`, err);
    }
  }

  /** Bytes of all segments on disk (consumed frames count until their segment is deleted). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Frames not yet consumed. */
  get frames(): number {
    return this.#frames;
  }

  get isEmpty(): boolean {
    return this.#frames === 0;
  }

  get maxBytes(): number {
    return this.#o.maxBytes;
  }

  /** Whether a frame of this size can be appended without passing `maxBytes`. */
  fits(frameBytes: number): boolean {
    return this.#bytes + frameBytes <= this.#o.maxBytes;
  }

  /** Appends one encoded frame and fsyncs it; resolves only once it is on disk. */
  async append(frame: Buffer): Promise<void> {
    if (!this.fits(frame.length)) {
      throw new RangeError(`spool full: ${this.#bytes} + ${frame.length} > ${this.#o.maxBytes}`);
    }
    let segment = this.#segments.at(-1);
    if (
      this.#active === undefined ||
      segment === undefined ||
      (segment.bytes > 0 && segment.bytes + frame.length > this.#o.segmentBytes)
    ) {
      segment = await this.#startSegment();
    }
    const active = this.#active;
    if (active === undefined) throw new Error('spool has no active segment');
    try {
      let written = 0;
      while (written < frame.length) {
        const { bytesWritten } = await active.write(frame, written, frame.length - written);
        written += bytesWritten;
      }
      await active.datasync();
    } catch (err) {
      // Never append after a partial frame: cut it off if possible and start a new segment.
      this.#active = undefined;
      await active.truncate(segment.bytes).catch(() => {});
      await active.close().catch(() => {});
      if (segment.frames === 0) {
        this.#segments.pop();
        await rm(join(this.#o.dir, segment.name), { force: true }).catch(() => {});
      }
      throw spoolFailure(`appending to ${join(this.#o.dir, segment.name)}`, err);
    }
    segment.bytes += frame.length;
    segment.frames += 1;
    this.#bytes += frame.length;
    this.#frames += 1;
  }

  /** The payload of the oldest unconsumed frame, or undefined when the spool is empty. */
  async peek(): Promise<Buffer | undefined> {
    if (this.#head !== undefined) return this.#head;
    const segment = this.#segments[0];
    if (segment === undefined || this.isEmpty) return undefined;
    const path = join(this.#o.dir, segment.name);
    try {
      if (this.#readHandle?.name !== segment.name) {
        await this.#readHandle?.handle.close();
        this.#readHandle = { name: segment.name, handle: await open(path, 'r') };
      }
      const handle = this.#readHandle.handle;
      const header = Buffer.alloc(FRAME_HEADER_BYTES);
      await handle.read(header, 0, FRAME_HEADER_BYTES, this.#headOffset);
      const frame = Buffer.alloc(FRAME_HEADER_BYTES + header.readUInt32LE(0));
      await handle.read(frame, 0, frame.length, this.#headOffset);
      const decoded = decodeFrameAt(frame, 0);
      if ('problem' in decoded) throw new Error(`${decoded.problem} at offset ${this.#headOffset}`);
      this.#head = decoded.payload;
      return this.#head;
    } catch (err) {
      throw spoolFailure(`reading ${path}`, err);
    }
  }

  /** Consumes the frame `peek` returned; deletes its segment when that was the segment's last. */
  async advance(): Promise<void> {
    const segment = this.#segments[0];
    const head = this.#head ?? (await this.peek());
    if (segment === undefined || head === undefined) return;
    this.#head = undefined;
    this.#headOffset += FRAME_HEADER_BYTES + head.length;
    this.#frames -= 1;
    segment.frames -= 1;
    if (segment.frames > 0) return;
    if (this.#segments.length === 1 && this.#active !== undefined) {
      await this.#active.close();
      this.#active = undefined;
    }
    await this.#readHandle?.handle.close();
    this.#readHandle = undefined;
    this.#segments.shift();
    this.#headOffset = 0;
    this.#bytes -= segment.bytes;
    await rm(join(this.#o.dir, segment.name), { force: true });
  }

  /** Copies the head frame's payload to `rejected/` (kept for an operator), then consumes it. */
  async rejectHead(): Promise<string | undefined> {
    const segment = this.#segments[0];
    const head = await this.peek();
    if (segment === undefined || head === undefined) return undefined;
    const path = join(this.#o.dir, REJECTED_DIR, `${segment.name}@${this.#headOffset}.json`);
    await writeFile(path, head, { flush: true });
    await this.advance();
    return path;
  }

  async close(): Promise<void> {
    await this.#active?.close();
    this.#active = undefined;
    await this.#readHandle?.handle.close();
    this.#readHandle = undefined;
  }

  async #startSegment(): Promise<Segment> {
    await this.#active?.close();
    this.#active = undefined;
    const name = `seg-${String(this.#nextSeq).padStart(16, '0')}.log`;
    try {
      const handle = await open(join(this.#o.dir, name), 'ax');
      this.#nextSeq += 1;
      await syncDir(this.#o.dir); // the new file's directory entry must survive a crash too
      this.#active = handle;
    } catch (err) {
      throw spoolFailure(`creating segment ${join(this.#o.dir, name)}`, err);
    }
    const segment: Segment = { name, bytes: 0, frames: 0 };
    this.#segments.push(segment);
    return segment;
  }
}

async function truncateDurably(path: string, length: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(length);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function spoolFailure(doing: string, err: unknown): LedgerError {
  const reason = err instanceof Error ? err.message : String(err);
  return new LedgerError('FLT_LEDGER_SPOOL', `${doing}: ${reason}`, { cause: err });
}
