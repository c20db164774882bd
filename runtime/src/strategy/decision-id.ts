// Decision ids are derived, never random: the same tick, strategy and model give the same id,
// so a retry or a replay produces the same decision (and Redis/ClickHouse can deduplicate).
import { createHash } from 'node:crypto';

/** 32 hex chars: sha256 of stream, entry id, strategy and model digest ('' for rules only). */
export function decisionId(
  stream: string,
  entryId: string,
  strategy: string,
  modelDigest: string,
): string {
  return createHash('sha256')
    .update(`${stream}\u0000${entryId}\u0000${strategy}\u0000${modelDigest}`)
    .digest('hex')
    .slice(0, 32);
}
