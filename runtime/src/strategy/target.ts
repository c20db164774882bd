// Post-processor: final score -> target position (side and units). Pure.
import type { ShardStrategy } from '../../../operator/src/api/shard/shard-config.ts';

export type Side = -1 | 0 | 1;
export const SIDE_NAMES = { '-1': 'short', '0': 'flat', '1': 'long' } as const;

export interface Target {
  side: Side;
  units: number;
}

export const FLAT: Target = Object.freeze({ side: 0, units: 0 });

type Decision = ShardStrategy['decision'];

/**
 * Long at or above the threshold, short at or below 1 - threshold, flat between (or when the
 * direction forbids the side). Confidence sizing adds up to `units` again in quarter steps as the
 * score goes from the threshold to certainty, so targets change in steps, not on every tick.
 * The target never exceeds maxPositionUnits. A non-finite score is flat (the NaN/inf guard).
 */
export function targetFor(score: number, decision: Decision): Target {
  if (!Number.isFinite(score)) return FLAT;
  const { threshold, direction, sizing } = decision;
  let side: Side = 0;
  let strength = 0;
  if (score >= threshold && direction !== 'short') {
    side = 1;
    strength = (score - threshold) / (1 - threshold || 1);
  } else if (score <= 1 - threshold && direction !== 'long') {
    side = -1;
    strength = (1 - threshold - score) / (1 - threshold || 1);
  }
  if (side === 0) return FLAT;
  const scale =
    sizing.mode === 'confidence' ? 1 + Math.floor(Math.min(strength, 1) * 4 + 1e-9) / 4 : 1;
  return { side, units: Math.min(sizing.units * scale, sizing.maxPositionUnits) };
}

export const sameTarget = (a: Target, b: Target) => a.side === b.side && a.units === b.units;

/** `long:2`, as stored in Redis. */
export const encodeTarget = (t: Target) => `${SIDE_NAMES[t.side]}:${t.units}`;

export function decodeTarget(text: string | undefined): Target {
  const [name, units] = (text ?? '').split(':');
  const side = name === 'long' ? 1 : name === 'short' ? -1 : 0;
  const n = Number(units);
  return side === 0 || !Number.isFinite(n) || n <= 0 ? FLAT : { side, units: n };
}
