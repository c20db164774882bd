// The signal wire format: one entry of the Redis stream `signals:<strategy>` per target change.
import type { SignalRecord } from '../strategy/executor.ts';
import { SIDE_NAMES } from '../strategy/target.ts';

export const signalStream = (strategy: string) => `signals:${strategy}`;

const num = (x: number) => (Number.isNaN(x) ? '' : String(x));

/** Flat field/value list for XADD. Scores are '' when absent (no model, or rule fallback). */
export function encodeSignal(s: SignalRecord): string[] {
  return [
    'id',
    s.decisionId,
    'strategy',
    s.strategy,
    'generation',
    String(s.generation),
    'instrument',
    s.instrument,
    'side',
    SIDE_NAMES[s.target.side],
    'units',
    String(s.target.units),
    'score',
    num(s.score),
    'ruleScore',
    num(s.ruleScore),
    'mlScore',
    num(s.mlScore),
    'model',
    s.modelDigest,
    'featureSet',
    s.featureSet,
    'tickTs',
    String(s.tickTs),
    'entry',
    s.entryId,
    'cid',
    s.cid,
  ];
}

/** Field map of a signal entry as read back (tests, consumers). */
export function decodeSignal(fields: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i] as string] = fields[i + 1] as string;
  return out;
}
