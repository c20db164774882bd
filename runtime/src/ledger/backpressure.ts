// When the runner stops reading ticks for its ledger's sake (pure): while the writer's spool is
// full, or while the outbox holds `outboxMaxEntries` or more entries not yet shipped. The outbox
// is in Redis with the ticks: without a bound, a ClickHouse that is unreachable at start (no
// migrations, so nothing ships) would let it grow until Redis runs out of memory.

export interface LedgerFill {
  /** The writer's spool is full (LedgerWriter.backpressure). */
  spoolFull: boolean;
  /** Entries in the outbox stream, last measured. */
  outboxEntries: number;
  outboxMaxEntries: number;
}

export function ledgerBackpressure(fill: LedgerFill): boolean {
  return fill.spoolFull || fill.outboxEntries >= fill.outboxMaxEntries;
}

/** Outbox entries at which the runner stops reading by default: about a minute at 5,000 ticks/s. */
export const DEFAULT_OUTBOX_MAX_ENTRIES = 20_000;
