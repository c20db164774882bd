// Go duration strings ("500ms", "1h30m"), as the CRDs accept them (DURATION_PATTERN), to ms.
import { DURATION_PATTERN } from './v1alpha1/common.ts';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};
const WHOLE = new RegExp(DURATION_PATTERN);
const PART = /([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h)/g;

/** Milliseconds in a duration string; throws on anything DURATION_PATTERN rejects. */
export function durationMs(text: string): number {
  if (!WHOLE.test(text)) throw new Error(`"${text}" is not a duration such as "500ms" or "1h30m"`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART))
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  return total;
}
