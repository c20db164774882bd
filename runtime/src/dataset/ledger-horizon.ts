// `flotilla.label_horizon` of a ledger dataset. The trainer purges the last H rows of each
// instrument before its validation window, because a row's label looks H rows ahead on its
// instrument. A ledger row's label is known when its position closes (closed_ts_ms), so H must
// reach past every row of the same instrument that was decided while the position was open:
// H = 1 + the most rows of one instrument any row's position stayed open across. Then a row
// whose position closed at or after the window's first timestamp is always purged.

export interface HorizonRow {
  instrument: string;
  ts: number;
  closedTs: number;
}

/** H >= 1 for rows in file order (ascending ts). */
export function purgeHorizon(rows: readonly HorizonRow[]): number {
  const times = new Map<string, number[]>();
  const position: number[] = [];
  for (const row of rows) {
    let list = times.get(row.instrument);
    if (list === undefined) {
      list = [];
      times.set(row.instrument, list);
    }
    position.push(list.length);
    list.push(row.ts);
  }
  let horizon = 1;
  rows.forEach((row, i) => {
    const list = times.get(row.instrument) as number[];
    const after = upperBound(list, row.closedTs) - (position[i] as number) - 1;
    horizon = Math.max(horizon, after + 1);
  });
  return horizon;
}

/** The number of leading values of the ascending `list` that are <= x. */
function upperBound(list: readonly number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
