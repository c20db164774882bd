// Where one Redis reply ends in a byte stream that arrives in chunks (RESP2 and RESP3 framing).
// The scan is resumable: a large reply that arrives over many socket reads is walked once in all,
// and it allocates nothing (it only reads headers and jumps over string bodies).

const CR = 13;

/** What follows a header line, by reply type byte. */
const LINE = 0; // simple string, error, integer, double, big number, null, boolean: nothing
const BLOB = 1; // blob string, blob error, verbatim string: n bytes and CRLF
const ITEMS = 2; // array, set, push: n items
const PAIRS = 3; // map: 2n items
const ATTRIBUTE = 4; // 2n items, then the reply they annotate

function kindOf(type: number): number {
  switch (type) {
    case 36: // $
    case 33: // !
    case 61: // =
      return BLOB;
    case 42: // *
    case 126: // ~
    case 62: // >
      return ITEMS;
    case 37: // %
      return PAIRS;
    case 124: // |
      return ATTRIBUTE;
    case 43: // +
    case 45: // -
    case 58: // :
    case 44: // ,
    case 40: // (
    case 95: // _
    case 35: // #
      return LINE;
    default:
      return -1;
  }
}

export class RespProtocolError extends Error {}

/** Finds reply boundaries; one scanner per connection, fed the connection's buffered bytes. */
export class RespFrameScanner {
  /** Offset of the next header to read. */
  #pos = 0;
  /** Items still expected at each open aggregate, innermost last. */
  readonly #open: number[] = [];

  /**
   * Continues the scan over `buf[0..end)`, which holds everything received since the current
   * reply started (the same bytes as the last call, and maybe more). Returns the reply's length
   * once it is complete (and starts over for the next reply), or -1 while it is not.
   */
  scan(buf: Uint8Array, end: number): number {
    let pos = this.#pos;
    const open = this.#open;
    while (pos < end) {
      const type = buf[pos] as number;
      let cr = pos + 1;
      while (cr < end && buf[cr] !== CR) cr++;
      if (cr + 1 >= end) break; // the header line is not complete yet
      let next = cr + 2;
      const kind = kindOf(type);
      if (kind === BLOB) {
        const n = headerNumber(buf, pos + 1, cr);
        if (n >= 0) {
          next += n + 2;
          if (next > end) break;
        }
      } else if (kind === ATTRIBUTE) {
        // Its pairs, then the reply it annotates, make one item of the enclosing aggregate.
        open.push(2 * headerNumber(buf, pos + 1, cr) + 1);
        pos = next;
        continue;
      } else if (kind === ITEMS || kind === PAIRS) {
        const n = headerNumber(buf, pos + 1, cr) * (kind === PAIRS ? 2 : 1);
        if (n > 0) {
          open.push(n);
          pos = next;
          continue;
        }
      } else if (kind !== LINE) {
        throw new RespProtocolError(`unexpected RESP type byte ${type} at offset ${pos}`);
      }
      pos = next;
      // One item is complete: close every aggregate it completes.
      let done = true;
      while (open.length > 0) {
        const left = (open[open.length - 1] as number) - 1;
        if (left > 0) {
          open[open.length - 1] = left;
          done = false;
          break;
        }
        open.pop();
      }
      if (done) {
        this.#pos = 0;
        return pos;
      }
    }
    this.#pos = pos;
    return -1;
  }

  /** Forgets a partial reply (after the connection is lost). */
  reset(): void {
    this.#pos = 0;
    this.#open.length = 0;
  }
}

/** A header's signed decimal between `from` and the CR at `to`. */
export function headerNumber(buf: Uint8Array, from: number, to: number): number {
  let i = from;
  const negative = buf[i] === 45; // -
  if (negative) i++;
  let n = 0;
  for (; i < to; i++) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9) throw new RespProtocolError(`bad RESP length at offset ${from}`);
    n = n * 10 + d;
  }
  return negative ? -n : n;
}
