// The reference computation of daily_performance (and of each trade's realized P&L) from the
// ledger's fills, P&L events and equity points, in plain TypeScript. The ClickHouse queries are
// checked against it. docs/reference/pnl.md is the one definition of every field; this file
// follows it line by line.
import type { DailyPerformanceRow, EquityPointRow, FillRow, PnlEventRow } from './records.ts';

/** A trade: a position that has a close fill, with its realized P&L from its fills. */
export interface ClosedTrade {
  strategy: string;
  positionId: string;
  /** Time of the close fill; the trade counts on that UTC day. */
  closedTsMs: number;
  /** Sum of fill cash: + qty x price per sell, - qty x price per buy (slippage included). */
  gross: number;
  /** Sum of the fills' fees. */
  fees: number;
  /** gross - fees. */
  net: number;
}

/** 'YYYY-MM-DD' of a time in ms since the epoch, in UTC. */
export function utcDay(tsMs: number): string {
  return new Date(tsMs).toISOString().slice(0, 10);
}

/** The closed trades among `fills`, in the order of their first fill. */
export function closedTrades(fills: readonly FillRow[]): ClosedTrade[] {
  const byPosition = new Map<string, { trade: ClosedTrade; closed: boolean }>();
  for (const f of latestById(fills)) {
    const key = `${f.strategy}\u0000${f.position_id}`;
    let entry = byPosition.get(key);
    if (!entry) {
      entry = {
        trade: {
          strategy: f.strategy,
          positionId: f.position_id,
          closedTsMs: 0,
          gross: 0,
          fees: 0,
          net: 0,
        },
        closed: false,
      };
      byPosition.set(key, entry);
    }
    const t = entry.trade;
    t.gross += f.side === 'sell' ? f.qty * f.price : -(f.qty * f.price);
    t.fees += f.fee;
    if (f.kind === 'close') {
      entry.closed = true;
      t.closedTsMs = f.ts_ms;
    }
  }
  const trades: ClosedTrade[] = [];
  for (const { trade, closed } of byPosition.values()) {
    if (!closed) continue;
    trade.net = trade.gross - trade.fees;
    trades.push(trade);
  }
  return trades;
}

/**
 * One row per strategy and UTC day that has a P&L event, an equity point or a close fill,
 * sorted by strategy then day:
 * - gross, fees: sums of the day's P&L events' delta and fees; net = gross - fees;
 * - high_water, max_drawdown: the largest high_water and drawdown among the day's equity points
 *   (0 without any) - the running high-water mark is the strategy's, never reset at midnight;
 * - trades, wins, losses: trades closed that day, those with net > 0, those with net < 0;
 * - average_net: the mean net of the trades closed that day (0 without any).
 * Rows repeated with the same id (a replayed write) count once, the last one, as a FINAL read.
 */
export function dailyPerformance(
  fills: readonly FillRow[],
  pnlEvents: readonly PnlEventRow[],
  equityPoints: readonly EquityPointRow[],
): DailyPerformanceRow[] {
  const rows = new Map<string, DailyPerformanceRow & { tradeNet: number }>();
  const row = (strategy: string, tsMs: number) => {
    const day = utcDay(tsMs);
    const key = `${strategy}\u0000${day}`;
    let r = rows.get(key);
    if (!r) {
      r = { ...emptyDay(strategy, day), tradeNet: 0 };
      rows.set(key, r);
    }
    return r;
  };
  for (const e of latestById(pnlEvents)) {
    const r = row(e.strategy, e.ts_ms);
    r.gross += e.delta;
    r.fees += e.fees;
  }
  for (const p of latestById(equityPoints)) {
    const r = row(p.strategy, p.ts_ms);
    r.high_water = Math.max(r.high_water, p.high_water);
    r.max_drawdown = Math.max(r.max_drawdown, p.drawdown);
  }
  for (const t of closedTrades(fills)) {
    const r = row(t.strategy, t.closedTsMs);
    r.trades++;
    if (t.net > 0) r.wins++;
    else if (t.net < 0) r.losses++;
    r.tradeNet += t.net;
  }
  const out: DailyPerformanceRow[] = [];
  for (const { tradeNet, ...r } of rows.values()) {
    r.net = r.gross - r.fees;
    r.average_net = r.trades > 0 ? tradeNet / r.trades : 0;
    out.push(r);
  }
  return out.sort((a, b) =>
    a.strategy === b.strategy ? compare(a.day, b.day) : compare(a.strategy, b.strategy),
  );
}

function emptyDay(strategy: string, day: string): DailyPerformanceRow {
  return {
    strategy,
    day,
    net: 0,
    gross: 0,
    fees: 0,
    high_water: 0,
    max_drawdown: 0,
    trades: 0,
    wins: 0,
    losses: 0,
    average_net: 0,
  };
}

/** The rows with distinct ids, each id's last row, in the order of each id's first row. */
function latestById<T extends { id: string }>(rows: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const r of rows) byId.set(r.id, r);
  return byId.size === rows.length ? (rows as T[]) : [...byId.values()];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
