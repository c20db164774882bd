import { describe, expect, it } from 'vitest';
import { ledgerBackpressure } from '../../../../runtime/src/ledger/backpressure.ts';

describe('ledgerBackpressure', () => {
  it.each([
    [{ spoolFull: false, outboxEntries: 0, outboxMaxEntries: 100 }, false],
    [{ spoolFull: false, outboxEntries: 99, outboxMaxEntries: 100 }, false],
    [{ spoolFull: false, outboxEntries: 100, outboxMaxEntries: 100 }, true],
    [{ spoolFull: true, outboxEntries: 0, outboxMaxEntries: 100 }, true],
  ])('holds the reads for %o: %s', (fill, held) => {
    expect(ledgerBackpressure(fill)).toBe(held);
  });
});
