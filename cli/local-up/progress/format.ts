// The live progress lines: how far the feed is, then one line per strategy with the ticks fed
// to it, how many evaluations it scored and its signals (the runner's counters in Redis; a
// decision record is only written when a score changes the target), and its trades and net P&L
// (the ledger).
import { type Column, formatCount, formatMoney, textTable } from '../text-table.ts';

export interface StrategyProgress {
  name: string;
  ticksFed: number;
  decisions: number;
  signals: number;
  trades: number;
  net: number;
}

export interface Progress {
  elapsedMs: number;
  durationMs: number;
  /** Ticks published so far, every instrument. */
  ticksFed: number;
  /** The feed has stopped; the runners work through what is left. */
  draining?: boolean;
  strategies: readonly StrategyProgress[];
}

const COLUMNS: Column<StrategyProgress>[] = [
  { header: 'strategy', cell: (s) => s.name, align: 'left' },
  { header: 'ticks fed', cell: (s) => formatCount(s.ticksFed) },
  { header: 'scored', cell: (s) => formatCount(s.decisions) },
  { header: 'signals', cell: (s) => formatCount(s.signals) },
  { header: 'trades', cell: (s) => formatCount(s.trades) },
  { header: 'net P&L', cell: (s) => formatMoney(s.net) },
];

export function progressLines(p: Progress): string[] {
  const elapsed = Math.min(p.elapsedMs, p.durationMs);
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const head = p.draining
    ? `fed ${formatCount(p.ticksFed)} ticks in ${seconds(elapsed)} s; the runners are finishing`
    : `feeding ticks: ${seconds(elapsed)} s of ${seconds(p.durationMs)} s, ${formatCount(p.ticksFed)} ticks`;
  return [head, ...textTable(COLUMNS, p.strategies).map((line) => `  ${line}`)];
}

/** Ticks fed to each strategy: the sum over the instruments it trades. */
export function ticksFedTo(
  instruments: readonly string[],
  fedByInstrument: ReadonlyMap<string, number>,
): number {
  return instruments.reduce((sum, i) => sum + (fedByInstrument.get(i) ?? 0), 0);
}
