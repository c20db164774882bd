import { describe, expect, it } from 'vitest';
import { PaperBroker } from '../../../../runtime/src/execution/paper-broker.ts';
import {
  decisionRow,
  RunnerLedger,
  rulesVersion,
} from '../../../../runtime/src/ledger/runner-ledger.ts';
import type { SignalRecord } from '../../../../runtime/src/strategy/executor.ts';

const signal = (over: Partial<SignalRecord> = {}): SignalRecord => ({
  decisionId: 'd'.repeat(32),
  strategy: 's1',
  generation: 3,
  instrument: 'BTC-USD',
  stream: 'ticks:BTC-USD',
  entryId: '1700000000000-0',
  tickIndex: 0,
  entryMs: 1_700_000_000_000,
  tickTs: 1_700_000_000_000,
  cid: 'c-1',
  target: { side: 1, units: 2 },
  score: 0.7,
  ruleScore: Number.NaN,
  mlScore: 0.7,
  modelDigest: 'a'.repeat(64),
  featureSet: 'f'.repeat(16),
  ...over,
});

describe('decisionRow', () => {
  it('keeps the features as scored, and absent scores as null', () => {
    const values = new Float64Array([0.1, 0.2]);
    const row = decisionRow({
      signal: signal(),
      featureKeys: ['ema_20', 'rsi_14'],
      featureValues: values,
      rulesVersion: 'r1',
      blendWeight: 1,
      arm: '',
    });
    values[0] = 99;
    expect(row).toMatchObject({
      id: 'd'.repeat(32),
      ts_ms: 1_700_000_000_000,
      feature_keys: ['ema_20', 'rsi_14'],
      feature_values: [0.1, 0.2],
      rule_score: null,
      ml_score: 0.7,
      final_score: 0.7,
      action: 'long',
      units: 2,
      correlation_id: 'c-1',
    });
  });

  it('versions rules by content', () => {
    const decision = {
      threshold: 0.6,
      blendWeight: 0.5,
      direction: 'both',
      sizing: { mode: 'fixed', units: 1 },
    } as never;
    const a = rulesVersion({
      decision,
      rules: { weights: [{ feature: 'ema_20', weight: 1 }] } as never,
    });
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(
      rulesVersion({ decision, rules: { weights: [{ feature: 'ema_20', weight: 1 }] } as never }),
    ).toBe(a);
    expect(
      rulesVersion({ decision, rules: { weights: [{ feature: 'ema_20', weight: 2 }] } as never }),
    ).not.toBe(a);
  });
});

describe('RunnerLedger', () => {
  it('hands over decisions and signals at once, and the fill once the next tick arrives', () => {
    const ledger = new RunnerLedger(new PaperBroker());
    const t0 = 1_700_000_000_000;
    expect(ledger.takeRows()).toBeUndefined();
    ledger.tick('BTC-USD', { ts: t0, price: 100, volume: 1 });
    ledger.decision({
      signal: signal({ tickTs: t0 }),
      featureKeys: ['ema_20'],
      featureValues: [1],
      rulesVersion: 'r',
      blendWeight: 1,
      arm: '',
    });
    const first = ledger.takeRows();
    expect(first?.decisions).toHaveLength(1);
    expect(first?.signals).toHaveLength(1);
    expect(first?.fills).toHaveLength(0);
    ledger.tick('BTC-USD', { ts: t0 + 1_000, price: 101, volume: 1 });
    const second = ledger.takeRows();
    expect(second?.fills).toHaveLength(1);
    expect(second?.fills?.[0]).toMatchObject({
      decision_id: 'd'.repeat(32),
      kind: 'open',
      side: 'buy',
      strategy: 's1',
    });
    expect(second?.decisions).toHaveLength(0);
  });
});
