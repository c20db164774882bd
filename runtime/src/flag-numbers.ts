// Reading command-line flags shared by several commands: each bad value adds one problem naming
// the flag and the limit, so a command can report every mistake at once.
import { MAX_TS } from './ingest/tick-format.ts';

/** A reader of numeric flags that collects problems into `problems`. */
export function numberFlags(problems: string[]) {
  return (flag: string, text: string | undefined, ok: (n: number) => boolean, limit: string) => {
    if (text === undefined) return undefined;
    const n = text.trim() === '' ? Number.NaN : Number(text);
    if (ok(n)) return n;
    problems.push(`--${flag}: "${text}" is not ${limit}`);
    return undefined;
  };
}

/** --start-ts: ms since the epoch, or an ISO 8601 time such as 2026-01-02T09:30:00Z. */
export function parseStartTs(
  text: string | undefined,
  fallback: number,
  problems: string[],
): number {
  if (text === undefined) return fallback;
  const trimmed = text.trim();
  const ms = /^[0-9]+$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed);
  if (Number.isSafeInteger(ms) && ms >= 0 && ms <= MAX_TS) return ms;
  problems.push(
    `--start-ts: "${text}" is not ms since the epoch (0 to ${MAX_TS}) or an ISO 8601 time`,
  );
  return 0;
}

/** The flag spelling of an option name: startTs -> start-ts. */
export function kebab(flag: string): string {
  return flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
