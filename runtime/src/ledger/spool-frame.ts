// The spool's on-disk framing (pure). A segment file is a sequence of frames:
//   u32 LE payload length | u32 LE CRC-32 of the payload | payload
// A frame whose header or payload is cut short, or whose checksum does not match, ends the
// readable part of a segment: after a crash that is the torn tail of the last append, which was
// never reported durable and is dropped.
import { crc32 } from 'node:zlib';

export const FRAME_HEADER_BYTES = 8;
/** Larger lengths are read as garbage rather than allocated. */
export const MAX_FRAME_PAYLOAD_BYTES = 1 << 30;

export function encodeFrame(payload: Uint8Array): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD_BYTES) {
    throw new RangeError(
      `frame payload of ${payload.length} bytes is over ${MAX_FRAME_PAYLOAD_BYTES}`,
    );
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32(payload), 4);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

export interface DecodedFrame {
  /** Offset of the frame's header in the segment. */
  offset: number;
  payload: Buffer;
}

export interface DecodedSegment {
  frames: DecodedFrame[];
  /** Bytes up to the end of the last good frame. */
  validBytes: number;
  /** Bytes after it: a torn tail (or corruption), 0 when the segment is whole. */
  invalidBytes: number;
  /** Why reading stopped early, when it did. */
  problem:
    | 'truncated header'
    | 'truncated payload'
    | 'bad length'
    | 'checksum mismatch'
    | undefined;
}

/** Reads frames from the start of `data` until the end or the first bad frame. */
export function decodeSegment(data: Buffer): DecodedSegment {
  const frames: DecodedFrame[] = [];
  let offset = 0;
  let problem: DecodedSegment['problem'];
  while (offset < data.length) {
    const frame = decodeFrameAt(data, offset);
    if ('problem' in frame) {
      problem = frame.problem;
      break;
    }
    frames.push({ offset, payload: frame.payload });
    offset += FRAME_HEADER_BYTES + frame.payload.length;
  }
  return { frames, validBytes: offset, invalidBytes: data.length - offset, problem };
}

/** The frame whose header starts at `offset`, or why there is none. */
export function decodeFrameAt(
  data: Buffer,
  offset: number,
): { payload: Buffer } | { problem: NonNullable<DecodedSegment['problem']> } {
  if (data.length - offset < FRAME_HEADER_BYTES) return { problem: 'truncated header' };
  const length = data.readUInt32LE(offset);
  if (length > MAX_FRAME_PAYLOAD_BYTES) return { problem: 'bad length' };
  const start = offset + FRAME_HEADER_BYTES;
  if (data.length - start < length) return { problem: 'truncated payload' };
  const payload = data.subarray(start, start + length);
  if (crc32(payload) !== data.readUInt32LE(offset + 4)) return { problem: 'checksum mismatch' };
  return { payload };
}
