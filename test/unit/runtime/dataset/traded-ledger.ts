// A seeded ledger made the way the runner makes one: the synthetic market's ticks go through the
// runtime's FeatureStore, each strategy turns its first feature into a target (long above
// +threshold, short below -threshold, flat between), every target change is a decision with the
// feature values as scored, and the real PaperBroker fills, marks and exits the positions and
// writes the fills and outcome labels. Positions still open at the end have no outcome.
import { createHash } from 'node:crypto';
import type { FeatureParams } from '../../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { featureKey } from '../../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { PaperBroker } from '../../../../runtime/src/execution/paper-broker.ts';
import { featureSetHash } from '../../../../runtime/src/features/feature-set-hash.ts';
import { FeatureStore } from '../../../../runtime/src/features/feature-store.ts';
import { marketTicks } from '../../../../runtime/src/feed/market.ts';
import { marketParams } from '../../../../runtime/src/feed/market-params.ts';
import type { LedgerRows } from '../../../../runtime/src/ledger/batching.ts';
import type { DecisionRow } from '../../../../runtime/src/ledger/records.ts';

export interface TradedStrategy {
  name: string;
  features: readonly FeatureParams[];
  /** Long when the first feature is above this, short below its negative. */
  threshold: number;
}

export interface TradedLedgerOptions {
  seed: number;
  instruments: readonly string[];
  ticksPerInstrument: number;
  strategies: readonly TradedStrategy[];
  /** @default 0.3 */
  edge?: number;
  /** @default 1700000000000 */
  startTs?: number;
}

type Side = 'long' | 'short' | 'flat';

export function tradedLedger(o: TradedLedgerOptions): Required<LedgerRows> {
  const store = new FeatureStore();
  const broker = new PaperBroker();
  const slots = new Map<string, Int32Array>();
  for (const s of o.strategies)
    for (const instrument of o.instruments)
      slots.set(
        `${s.name}\0${instrument}`,
        Int32Array.from(s.features, (p) => store.acquire(instrument, p)),
      );
  const targets = new Map<string, Side>();
  const decisions: DecisionRow[] = [];
  const ticks = marketTicks(o.instruments, {
    seed: o.seed,
    startTs: o.startTs ?? 1_700_000_000_000,
    ticksPerInstrument: o.ticksPerInstrument,
    params: marketParams({ edge: o.edge ?? 0.3 }),
  });
  for (const t of ticks) {
    const tick = { ts: t.ts, price: t.price, volume: t.volume };
    store.onTick(t.instrument, t.ts, t.price, t.volume);
    broker.onTick(t.instrument, tick); // before the decisions made on this tick
    const values = store.values(t.instrument);
    for (const s of o.strategies) {
      const at = slots.get(`${s.name}\0${t.instrument}`) as Int32Array;
      const scored = Array.from(at, (slot) => values[slot] as number);
      if (!scored.every(Number.isFinite)) continue; // warm-up
      const x = scored[0] as number;
      const side: Side = x > s.threshold ? 'long' : x < -s.threshold ? 'short' : 'flat';
      const key = `${s.name}\0${t.instrument}`;
      if ((targets.get(key) ?? 'flat') === side) continue;
      targets.set(key, side);
      const id = createHash('sha256')
        .update(`${s.name}\0${t.instrument}\0${t.seq}`)
        .digest('hex')
        .slice(0, 32);
      const keys = s.features.map(featureKey);
      decisions.push({
        id,
        ts_ms: t.ts,
        strategy: s.name,
        instrument: t.instrument,
        generation: 1,
        model_digest: '',
        feature_set: featureSetHash(keys),
        feature_keys: keys,
        feature_values: scored,
        rules_version: 'r1',
        rule_score: 0.5,
        ml_score: null,
        final_score: 0.5,
        blend_weight: 0,
        arm: '',
        action: side,
        units: 1,
        correlation_id: '',
        entry_id: `${t.ts}-0`,
      });
      broker.onSignal({
        strategy: s.name,
        instrument: t.instrument,
        decisionId: id,
        side,
        units: 1,
        tsMs: t.ts,
      });
    }
  }
  const out = broker.drain();
  return {
    decisions,
    signals: [],
    fills: out.fills,
    pnl_events: out.pnlEvents,
    equity_points: out.equityPoints,
    outcomes: out.outcomes,
  };
}
