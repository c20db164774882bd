import { describe, expect, it } from 'vitest';
import { RunnerMetrics } from '../../../../runtime/src/server/metrics.ts';

const totals = (
  rowsWritten: number,
  rowsSpooled = 0,
  rowsReplayed = 0,
  insertFailures = 0,
  outboxLength = 0,
  outboxDeadLettered = 0,
) => ({ rowsWritten, rowsSpooled, rowsReplayed, insertFailures, outboxLength, outboxDeadLettered });

describe('RunnerMetrics.setLedgerState', () => {
  it('turns the shipper thread running totals into counters, back-pressure and the outbox into gauges', async () => {
    const m = new RunnerMetrics();
    m.setLedgerState(false, totals(100, 0, 0, 0, 0, 1));
    m.setLedgerState(false, totals(100, 0, 0, 0, 0, 1));
    m.setLedgerState(true, totals(250, 40, 0, 2, 731, 3));
    const text = await m.registry.metrics();
    expect(text).toContain('flotilla_ledger_rows_total{outcome="written"} 250');
    expect(text).toContain('flotilla_ledger_rows_total{outcome="spooled"} 40');
    expect(text).toContain('flotilla_ledger_insert_failures_total 2');
    expect(text).toContain('flotilla_ledger_backpressure 1');
    expect(text).toContain('flotilla_ledger_outbox_entries 731');
    expect(text).toContain('flotilla_dead_letters_total{reason="undecodable_ledger_rows"} 3');
  });
});
