// Shapes of the Redis stream replies the consumer reads, parsed from ioredis' raw arrays.
import type { TickEntry } from '../strategy/executor.ts';

type RawEntry = [string, string[] | null];

/** XREADGROUP / XRANGE entries. */
export function toEntries(raw: unknown): TickEntry[] {
  return ((raw as RawEntry[] | null) ?? []).map(([id, fields]) => ({ id, fields }));
}

/**
 * XREADGROUP reply: stream key -> entries. Under RESP3 (ioredis 6) the reply is a map, which
 * arrives flattened as [key, entries, key, entries]; under RESP2 it is [[key, entries], ...].
 */
export function toStreamEntries(raw: unknown): Map<string, TickEntry[]> {
  const out = new Map<string, TickEntry[]>();
  const list = (raw as unknown[] | null) ?? [];
  if (typeof list[0] === 'string') {
    for (let i = 0; i + 1 < list.length; i += 2) out.set(list[i] as string, toEntries(list[i + 1]));
  } else {
    for (const [key, entries] of list as [string, RawEntry[]][]) out.set(key, toEntries(entries));
  }
  return out;
}

/** One group of an XINFO GROUPS reply, as a field map. */
export function toGroupInfo(
  raw: unknown,
  group: string,
): Map<string, string | number | null> | undefined {
  for (const flat of (raw as unknown[][] | null) ?? []) {
    const info = new Map<string, string | number | null>();
    for (let i = 0; i + 1 < flat.length; i += 2)
      info.set(String(flat[i]), flat[i + 1] as string | number | null);
    if (info.get('name') === group) return info;
  }
  return undefined;
}

/** Compares two stream ids (`ms-seq`). */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am === bm ? as - bs : am - bm;
}
