import { describe, expect, it } from 'vitest';
import { PaperBroker } from '../../../../runtime/src/execution/paper-broker.ts';
import { decodeTape, replayTape } from '../../../../runtime/src/execution/tape.ts';
import { signalOfDecision } from '../../../../runtime/src/ledger/records.ts';
import {
  decisionRow,
  type LedgerBatch,
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
  it('hands over decisions, signals and the tape; the tape executes them on the next tick', () => {
    const ledger = new RunnerLedger();
    const t0 = 1_700_000_000_000;
    expect(ledger.take()).toBeUndefined();
    ledger.tick('BTC-USD', t0 - 1_000, 99, 1);
    ledger.tick('BTC-USD', t0, 100, 1);
    ledger.decision({
      signal: signal({ tickTs: t0 }),
      featureKeys: ['ema_20'],
      featureValues: [1],
      rulesVersion: 'r',
      blendWeight: 1,
      arm: '',
    });
    const first = ledger.take();
    expect(first?.rows.decisions).toHaveLength(1);
    expect(first?.rows.signals).toEqual(first?.rows.decisions?.map(signalOfDecision));
    expect(first?.tape?.at).toEqual([1]);

    const broker = new PaperBroker();
    const replay = (batch: LedgerBatch | undefined) => {
      const tape = decodeTape(batch?.tape, batch?.rows.decisions ?? []);
      return replayTape(broker, tape, batch?.rows.decisions ?? []);
    };
    expect(replay(first)).toEqual({
      output: { fills: [], pnlEvents: [], equityPoints: [], outcomes: [] },
      refused: [],
    });
    ledger.tick('BTC-USD', t0 + 1_000, 101, 1);
    const second = ledger.take();
    expect(second?.rows.decisions).toHaveLength(0);
    const { output } = replay(second);
    expect(output.fills).toHaveLength(1);
    expect(output.fills[0]).toMatchObject({
      decision_id: 'd'.repeat(32),
      kind: 'open',
      side: 'buy',
      strategy: 's1',
      ts_ms: t0 + 1_000,
    });
  });

  it('refuses a decision before any tick', () => {
    const ledger = new RunnerLedger();
    const d = {
      signal: signal(),
      featureKeys: [],
      featureValues: [],
      rulesVersion: 'r',
      blendWeight: 1,
      arm: '',
    };
    expect(() => ledger.decision(d)).toThrow('a decision before any tick');
  });
});
