// The tick wire format: the contract between whoever publishes ticks (`flotilla feed`, a
// market-data bridge) and the runner that reads them. One tick is one entry of the Redis stream
// `ticks:<instrument>` with the fields below; entries are read in stream order.
//
//   ts      tick time, integer ms since the Unix epoch, 0..MAX_TS
//   price   decimal number, finite, > 0
//   volume  decimal number, finite, >= 0
//   cid     optional correlation id, at most MAX_CID_LENGTH characters
//
// Other fields are ignored (room to grow); a field given twice is rejected. decodeTick is on the
// runner's hot path: it scans characters instead of running regular expressions, and allocates
// nothing but its result on success.

/** A decoded tick. `cid` is absent when the entry had none. */
export interface Tick {
  ts: number;
  price: number;
  volume: number;
  cid?: string;
}

export const TICK_STREAM_PREFIX = 'ticks:';
export const MAX_INSTRUMENT_LENGTH = 32;
/** Instrument names: upper-case letters, digits, `.`, `_`, `-`; starting with a letter or digit. */
export const INSTRUMENT_PATTERN = '^[A-Z0-9][A-Z0-9._-]*$';
export const MAX_CID_LENGTH = 128;
/** The largest time a JavaScript Date can hold (year 275760). */
export const MAX_TS = 8_640_000_000_000_000;

/** Stable, snake_case reasons a stream entry is not a valid tick. */
export type TickRejectReason =
  | 'malformed'
  | 'missing_field'
  | 'duplicate_field'
  | 'bad_ts'
  | 'bad_price'
  | 'bad_volume'
  | 'cid_too_long';

export type DecodeResult =
  | { ok: true; tick: Tick }
  | { ok: false; reason: TickRejectReason; message: string };

/** Why `name` is not a valid instrument, or undefined when it is. */
export function instrumentProblem(name: string): string | undefined {
  if (name.length === 0) return 'instrument: must not be empty';
  if (name.length > MAX_INSTRUMENT_LENGTH)
    return `instrument: "${clip(name)}" is ${name.length} characters, above the maximum ${MAX_INSTRUMENT_LENGTH}`;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
    if (!alnum && (i === 0 || (c !== 46 && c !== 95 && c !== 45)))
      return `instrument: "${clip(name)}" does not match ${INSTRUMENT_PATTERN}`;
  }
  return undefined;
}

/** The stream that carries an instrument's ticks; throws RangeError on an invalid instrument. */
export function tickStream(instrument: string): string {
  const problem = instrumentProblem(instrument);
  if (problem) throw new RangeError(problem);
  return TICK_STREAM_PREFIX + instrument;
}

/**
 * The flat field/value list for `XADD <stream> * ...fields`. Numbers are written with
 * `String()`, the shortest text that parses back to the same double, so decodeTick returns
 * exactly the numbers given. Throws RangeError on a tick decodeTick would reject.
 */
export function encodeTick(tick: Tick): string[] {
  const { ts, price, volume, cid } = tick;
  if (!Number.isSafeInteger(ts) || ts < 0 || ts > MAX_TS)
    throw new RangeError(`ts: ${ts} is not an integer between 0 and ${MAX_TS}`);
  if (!(price > 0) || price === Number.POSITIVE_INFINITY)
    throw new RangeError(`price: ${price} must be finite and above 0`);
  if (!(volume >= 0) || volume === Number.POSITIVE_INFINITY)
    throw new RangeError(`volume: ${volume} must be finite and at least 0`);
  const fields = ['ts', String(ts), 'price', String(price), 'volume', String(volume)];
  if (cid !== undefined) {
    if (cid.length > MAX_CID_LENGTH)
      throw new RangeError(`cid: ${cid.length} characters is above the maximum ${MAX_CID_LENGTH}`);
    fields.push('cid', cid);
  }
  return fields;
}

/** Decodes the field/value list of one stream entry. Pure; never throws. */
export function decodeTick(fields: readonly string[]): DecodeResult {
  if ((fields.length & 1) !== 0)
    return reject('malformed', `entry has ${fields.length} items; fields and values must pair up`);
  let tsText: string | undefined;
  let priceText: string | undefined;
  let volumeText: string | undefined;
  let cid: string | undefined;
  for (let i = 0; i < fields.length; i += 2) {
    const value = fields[i + 1] as string;
    switch (fields[i]) {
      case 'ts':
        if (tsText !== undefined) return duplicate('ts');
        tsText = value;
        break;
      case 'price':
        if (priceText !== undefined) return duplicate('price');
        priceText = value;
        break;
      case 'volume':
        if (volumeText !== undefined) return duplicate('volume');
        volumeText = value;
        break;
      case 'cid':
        if (cid !== undefined) return duplicate('cid');
        cid = value;
        break;
    }
  }
  if (tsText === undefined) return missing('ts');
  if (priceText === undefined) return missing('price');
  if (volumeText === undefined) return missing('volume');

  const ts = parseTs(tsText);
  if (ts < 0)
    return reject(
      'bad_ts',
      `ts: "${clip(tsText)}" is not an integer number of ms since the epoch between 0 and ${MAX_TS}`,
    );
  const price = parseDecimal(priceText);
  if (!(price > 0) || price === Number.POSITIVE_INFINITY)
    return reject(
      'bad_price',
      Number.isNaN(price)
        ? `price: "${clip(priceText)}" is not a decimal number`
        : `price: ${clip(priceText)} must be finite and above 0`,
    );
  const volume = parseDecimal(volumeText) + 0; // + 0 turns "-0" into 0
  if (!(volume >= 0) || volume === Number.POSITIVE_INFINITY)
    return reject(
      'bad_volume',
      Number.isNaN(volume)
        ? `volume: "${clip(volumeText)}" is not a decimal number`
        : `volume: ${clip(volumeText)} must be finite and at least 0`,
    );
  if (cid === undefined) return { ok: true, tick: { ts, price, volume } };
  if (cid.length > MAX_CID_LENGTH)
    return reject(
      'cid_too_long',
      `cid: ${cid.length} characters is above the maximum ${MAX_CID_LENGTH}`,
    );
  return { ok: true, tick: { ts, price, volume, cid } };
}

/** Digits only, at most 16 of them, at most MAX_TS; -1 otherwise. */
export function parseTs(text: string): number {
  const n = text.length;
  if (n === 0 || n > 16) return -1;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value <= MAX_TS ? value : -1;
}

/**
 * `-?digits(.digits)?([eE][+-]?digits)?` (the JSON number grammar, leading zeros allowed) to a
 * number, NaN for any other text. Overflow gives +-Infinity, which callers reject.
 */
export function parseDecimal(text: string): number {
  const n = text.length;
  let i = 0;
  if (i < n && text.charCodeAt(i) === 45) i++; // -
  const intStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i === intStart) return Number.NaN;
  if (i < n && text.charCodeAt(i) === 46) {
    // .
    const fracStart = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i === fracStart) return Number.NaN;
  }
  if (i < n && (text.charCodeAt(i) | 32) === 101) {
    // e or E
    i++;
    if (i < n && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) i++;
    const expStart = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i === expStart) return Number.NaN;
  }
  return i === n ? Number(text) : Number.NaN;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function reject(reason: TickRejectReason, message: string): DecodeResult {
  return { ok: false, reason, message };
}

function missing(field: string): DecodeResult {
  return reject('missing_field', `${field}: missing; a tick needs ts, price and volume`);
}

function duplicate(field: string): DecodeResult {
  return reject('duplicate_field', `${field}: given more than once`);
}

/** Long or hostile values are cut in messages. */
function clip(text: string): string {
  return text.length <= 40 ? text : `${text.slice(0, 37)}...`;
}
