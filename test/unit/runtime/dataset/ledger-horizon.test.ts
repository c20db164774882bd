import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HorizonRow, purgeHorizon } from '../../../../runtime/src/dataset/ledger-horizon.ts';

const row = (instrument: string, ts: number, closedTs: number): HorizonRow => ({
  instrument,
  ts,
  closedTs,
});

/**
 * The trainer's purge (trainer/src/flotilla_trainer/split.py split_at): with the validation
 * window starting at row `start`, a training row is purged when one of the next `h` rows of its
 * instrument is at or after `start`.
 */
function purged(rows: readonly HorizonRow[], start: number, h: number): boolean[] {
  const before = new Map<string, number>();
  for (const r of rows.slice(0, start))
    before.set(r.instrument, (before.get(r.instrument) ?? 0) + 1);
  const seen = new Map<string, number>();
  return rows.slice(0, start).map((r) => {
    const pos = seen.get(r.instrument) ?? 0;
    seen.set(r.instrument, pos + 1);
    return pos + h >= (before.get(r.instrument) as number);
  });
}

describe('purgeHorizon', () => {
  it.each<[string, HorizonRow[], number]>([
    ['one row', [row('A', 1, 5)], 1],
    [
      'positions closed before the next decision',
      [row('A', 1, 2), row('A', 3, 4), row('A', 5, 9)],
      1,
    ],
    [
      'open across two later rows',
      [row('A', 1, 5), row('A', 2, 3), row('A', 3, 4), row('A', 6, 7)],
      3,
    ],
    ['a later row at the close time counts', [row('A', 1, 4), row('A', 4, 5)], 2],
    [
      'other instruments do not count',
      [row('A', 1, 9), row('B', 2, 3), row('B', 4, 5), row('A', 10, 11)],
      1,
    ],
    [
      'the longest one decides',
      [row('A', 1, 2), row('A', 3, 8), row('A', 4, 5), row('A', 5, 6), row('A', 7, 8)],
      4,
    ],
  ])('%s', (_name, rows, h) => {
    expect(purgeHorizon(rows)).toBe(h);
  });

  it('makes the trainer purge every training row whose position closed inside the validation window', () => {
    const rowsArb = fc
      .array(
        fc.record({
          instrument: fc.constantFrom('A', 'B', 'C'),
          ts: fc.integer({ min: 0, max: 200 }),
          hold: fc.integer({ min: 1, max: 60 }),
        }),
        { minLength: 2, maxLength: 80 },
      )
      .map((xs) =>
        xs
          .map((x) => row(x.instrument, x.ts, x.ts + x.hold))
          .sort((a, b) => a.ts - b.ts || (a.instrument < b.instrument ? -1 : 1)),
      );
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const h = purgeHorizon(rows);
        for (let start = 1; start < rows.length; start++) {
          const boundary = (rows[start] as HorizonRow).ts;
          if ((rows[start - 1] as HorizonRow).ts === boundary) continue; // starts at a new ts
          const gone = purged(rows, start, h);
          rows.slice(0, start).forEach((r, i) => {
            if (r.closedTs >= boundary) expect(gone[i]).toBe(true);
          });
        }
      }),
    );
  });
});
