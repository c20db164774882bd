// Tick field values parsed straight from reply bytes, with exactly the rules and results of
// tick-format.ts' string parsers (a property test holds them equal), without making a string.

/** Exact powers of ten: every one up to 1e22 is a double. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MAX_TS = 8_640_000_000_000_000;

/** Digits only, at most 16 of them, at most MAX_TS; -1 otherwise (parseTs of tick-format.ts). */
export function parseTsBytes(buf: Buffer, start: number, end: number): number {
  const n = end - start;
  if (n === 0 || n > 16) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value <= MAX_TS ? value : -1;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * `-?digits(.digits)?([eE][+-]?digits)?` to the number `Number(text)` gives, NaN for any other
 * text (parseDecimal of tick-format.ts). Up to 15 significant digits and a power of ten within
 * 1e22 it computes the value as digits / 10^k or digits * 10^k: both operands are exact doubles,
 * so the one rounding is the correctly rounded result, as Number's. Longer text goes through
 * Number itself.
 */
export function parseDecimalBytes(buf: Buffer, start: number, end: number): number {
  let i = start;
  const negative = i < end && buf[i] === 45; // -
  if (negative) i++;
  let mantissa = 0;
  let digits = 0; // significant digits taken into the mantissa
  let scale = 0; // power of ten the mantissa is multiplied by
  const intStart = i;
  for (; i < end && isDigit(buf[i] as number); i++) {
    if (digits < 16) {
      mantissa = mantissa * 10 + ((buf[i] as number) - 48);
      if (mantissa > 0) digits++;
    } else scale++;
  }
  if (i === intStart) return Number.NaN;
  if (i < end && buf[i] === 46) {
    // .
    const fracStart = ++i;
    for (; i < end && isDigit(buf[i] as number); i++) {
      if (digits < 16) {
        mantissa = mantissa * 10 + ((buf[i] as number) - 48);
        if (mantissa > 0) digits++;
        scale--;
      }
    }
    if (i === fracStart) return Number.NaN;
  }
  if (i < end && ((buf[i] as number) | 32) === 101) {
    // e or E
    i++;
    let expNegative = false;
    if (i < end && (buf[i] === 43 || buf[i] === 45)) expNegative = buf[i++] === 45;
    const expStart = i;
    let exp = 0;
    for (; i < end && isDigit(buf[i] as number); i++)
      if (exp < 100_000) exp = exp * 10 + ((buf[i] as number) - 48);
    if (i === expStart) return Number.NaN;
    scale += expNegative ? -exp : exp;
  }
  if (i !== end) return Number.NaN;
  let value: number;
  if (digits <= 15 && scale >= -22 && scale <= 22)
    value = scale < 0 ? mantissa / (POW10[-scale] as number) : mantissa * (POW10[scale] as number);
  else if (mantissa === 0) value = 0;
  else return Number(buf.toString('latin1', start, end)); // the text is ASCII: it parsed
  return negative ? -value : value;
}
