// An entry of the shard's dead-letter stream (`flotilla:<namespace>:dlq`): where the runner puts
// ticks it rejects, and the ledger shipper outbox entries it cannot decode. One format for both.
import type { DeadLetter } from '../strategy/executor.ts';

/** Approximate MAXLEN of the dead-letter stream. */
export const DEAD_LETTER_MAXLEN = 100_000;

/** The XADD field list of a dead letter. */
export function deadLetterFields(d: DeadLetter, shard: number): string[] {
  return [
    ...['stream', d.stream, 'entry', d.entryId, 'shard', String(shard)],
    ...['reason', d.reason, 'message', d.message, 'fields', JSON.stringify(d.fields)],
  ];
}
