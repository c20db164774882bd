// An equity curve as the report plots it: x in minutes of market time since the curve's first
// point, y the equity; at most `max` points (evenly spaced picks, first and last kept), so a
// long run still makes a small file and a quick chart.
import type { EquityPointRow } from '../../../runtime/src/ledger/records.ts';

export interface SeriesPoint {
  x: number;
  y: number;
}

export const MAX_SERIES_POINTS = 1_500;

export function equitySeries(
  points: readonly Pick<EquityPointRow, 'ts_ms' | 'equity'>[],
  max: number = MAX_SERIES_POINTS,
): SeriesPoint[] {
  if (!Number.isInteger(max) || max < 2)
    throw new RangeError(`max: ${max} must be an integer >= 2`);
  const first = points[0]?.ts_ms ?? 0;
  const picked =
    points.length <= max
      ? points
      : Array.from(
          { length: max },
          (_, i) => points[Math.round((i * (points.length - 1)) / (max - 1))],
        );
  return picked.map((p) => ({
    x: Number((((p?.ts_ms ?? first) - first) / 60_000).toFixed(4)),
    y: p?.equity ?? 0,
  }));
}
