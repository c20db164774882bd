// The run's summary: one row per strategy from the ledger (zeros for a strategy with no ledger
// rows) and the fleet's totals. High-water and drawdown belong to one equity curve each, so the
// fleet has none; its average net is the mean net per closed trade over every strategy.
import type { StrategySummary } from '../../runtime/src/ledger/queries.ts';
import { type Column, formatCount, formatMoney, textTable } from './text-table.ts';

export interface FleetTotals {
  strategies: number;
  decisions: number;
  signals: number;
  trades: number;
  wins: number;
  losses: number;
  net: number;
  average_net: number;
}

export interface FleetSummary {
  rows: StrategySummary[];
  totals: FleetTotals;
}

export function emptySummary(strategy: string): StrategySummary {
  return {
    strategy,
    decisions: 0,
    signals: 0,
    trades: 0,
    wins: 0,
    losses: 0,
    net: 0,
    high_water: 0,
    max_drawdown: 0,
    average_net: 0,
  };
}

/** Rows for `names` and any other strategy the ledger has, sorted by name, with totals. */
export function fleetSummary(
  names: readonly string[],
  ledger: readonly StrategySummary[],
): FleetSummary {
  const byName = new Map(ledger.map((r) => [r.strategy, r]));
  const all = [...new Set([...names, ...byName.keys()])].sort();
  const rows = all.map((name) => byName.get(name) ?? emptySummary(name));
  const sum = (f: (r: StrategySummary) => number) => rows.reduce((acc, r) => acc + f(r), 0);
  const trades = sum((r) => r.trades);
  return {
    rows,
    totals: {
      strategies: rows.length,
      decisions: sum((r) => r.decisions),
      signals: sum((r) => r.signals),
      trades,
      wins: sum((r) => r.wins),
      losses: sum((r) => r.losses),
      net: sum((r) => r.net),
      average_net: trades > 0 ? sum((r) => r.average_net * r.trades) / trades : 0,
    },
  };
}

/** A table line: a strategy's row, or the fleet's totals (which have no equity curve). */
interface Line {
  label: string;
  figures: Pick<FleetTotals, 'decisions' | 'signals' | 'trades' | 'net' | 'average_net'>;
  curve?: Pick<StrategySummary, 'high_water' | 'max_drawdown'>;
}

const COLUMNS: Column<Line>[] = [
  { header: 'strategy', cell: (l) => l.label, align: 'left' },
  { header: 'decisions', cell: (l) => formatCount(l.figures.decisions) },
  { header: 'signals', cell: (l) => formatCount(l.figures.signals) },
  { header: 'trades', cell: (l) => formatCount(l.figures.trades) },
  { header: 'net P&L', cell: (l) => formatMoney(l.figures.net) },
  { header: 'high-water', cell: (l) => (l.curve ? formatMoney(l.curve.high_water) : '') },
  { header: 'max drawdown', cell: (l) => (l.curve ? formatMoney(l.curve.max_drawdown) : '') },
  { header: 'average net', cell: (l) => formatMoney(l.figures.average_net) },
];

/** The summary as terminal lines: a table with a fleet line under a rule. */
export function summaryLines(s: FleetSummary): string[] {
  const lines: Line[] = [
    ...s.rows.map((row) => ({ label: row.strategy, figures: row, curve: row })),
    { label: `fleet (${s.totals.strategies})`, figures: s.totals },
  ];
  const [header = '', ...body] = textTable(COLUMNS, lines);
  const rule = '-'.repeat(header.length);
  return [header, rule, ...body.slice(0, -1), rule, ...body.slice(-1)];
}
