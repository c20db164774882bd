// Builders for broker tests: scripted steps of ticks and signals.
import type { BrokerConfigInput } from '../../../../runtime/src/execution/config.ts';
import {
  type BrokerOutput,
  type BrokerSignal,
  PaperBroker,
} from '../../../../runtime/src/execution/paper-broker.ts';

export type Step =
  | { tick: string; ts: number; price: number; volume?: number }
  | (Omit<BrokerSignal, 'units'> & { units?: number });

export const tick = (ts: number, price: number, volume = 1, instrument = 'BTC'): Step => ({
  tick: instrument,
  ts,
  price,
  volume,
});

export const signal = (
  decisionId: string,
  side: BrokerSignal['side'],
  tsMs: number,
  units = 1,
  strategy = 'alpha',
  instrument = 'BTC',
): Step => ({ decisionId, side, tsMs, units, strategy, instrument });

/** Runs the steps on `broker` in order; returns everything it produced. */
export function drive(broker: PaperBroker, steps: readonly Step[]): BrokerOutput {
  for (const s of steps) {
    if ('tick' in s) broker.onTick(s.tick, { ts: s.ts, price: s.price, volume: s.volume ?? 1 });
    else broker.onSignal({ ...s, units: s.units ?? 1 });
  }
  return broker.drain();
}

/** A broker with no costs, every mark written, and only the exits given (others off). */
export function bareBroker(exits: BrokerConfigInput['exits'] = {}): PaperBroker {
  return new PaperBroker({
    spreadBps: 0,
    slippageBps: 0,
    feeBps: 0,
    markIntervalMs: 0,
    exits: {
      risk: { model: 'fixedBps', bps: 100 },
      takeProfitR: null,
      breakevenAtR: null,
      maxHoldingMs: null,
      volumeDryUp: null,
      momentumReversal: null,
      ...exits,
    },
  });
}
