import { describe, expect, it } from 'vitest';
import type { OutcomeRow } from '../../../../runtime/src/ledger/records.ts';
import { OutcomeLabeller } from '../../../../runtime/src/outcomes/cohorts.ts';
import { type ClosedPosition, outcomeRow } from '../../../../runtime/src/outcomes/labels.ts';
import { bareBroker, drive, signal, tick } from '../execution/drive.ts';

const closed = (
  positionId: string,
  net: number,
  over: Partial<ClosedPosition> = {},
): ClosedPosition => ({
  decisionId: `d-${positionId}`,
  decisionTsMs: 1000,
  strategy: 's',
  instrument: 'BTC',
  positionId,
  openTsMs: 2000,
  closedTsMs: 9000,
  exitReason: 'stop',
  qty: 2,
  risk: 0.5,
  net,
  best: 0.75,
  worst: -0.25,
  bestTsMs: 5000,
  ...over,
});

describe('outcomeRow (hand-computed)', () => {
  it('expresses net, MFE and MAE in R and times the best move from the open', () => {
    expect(outcomeRow(closed('p', 1.5), 25)).toEqual({
      decision_id: 'd-p',
      ts_ms: 1000,
      strategy: 's',
      instrument: 'BTC',
      position_id: 'p',
      closed_ts_ms: 9000,
      exit_reason: 'stop',
      risk: 0.5,
      r_multiple: 1.5, // 1.5 / (2 x 0.5)
      mfe_r: 1.5, // 0.75 / 0.5
      mae_r: 0.5, // 0.25 / 0.5
      time_to_max_pnl_ms: 3000,
      cohort_percentile: 25,
    });
  });

  it('floors excursions at 0: a position that never went the other way has MAE 0', () => {
    const row = outcomeRow(closed('p', -1, { best: -0.1, worst: -0.6 }), 50);
    expect(row.mfe_r).toBe(0);
    expect(row.mae_r).toBeCloseTo(1.2, 12);
    expect(row.r_multiple).toBe(-1);
  });
});

describe('OutcomeLabeller', () => {
  it('emits a cohort only once it is sealed and every member closed', () => {
    const l = new OutcomeLabeller();
    const out: OutcomeRow[] = [];
    l.opened('a', 'k1');
    l.opened('b', 'k1');
    l.opened('c', 'k2');
    l.seal('k1', out);
    l.closed(closed('b', 3), out);
    expect(out).toEqual([]);
    expect(l.pending).toBe(3);
    l.closed(closed('c', 1), out); // k2 is not sealed yet
    expect(out).toEqual([]);
    l.closed(closed('a', -1), out);
    expect(out.map((o) => [o.position_id, o.cohort_percentile])).toEqual([
      ['a', 0],
      ['b', 100],
    ]);
    l.seal('k2', out);
    expect(out.map((o) => [o.position_id, o.cohort_percentile])).toEqual([
      ['a', 0],
      ['b', 100],
      ['c', 50],
    ]);
    expect(l.pending).toBe(0);
  });

  it('refuses a position it never saw open, and joining a sealed cohort', () => {
    const l = new OutcomeLabeller();
    expect(() => l.closed(closed('x', 1), [])).toThrow(/never opened/);
    l.opened('a', 'k');
    l.seal('k', []);
    expect(() => l.opened('b', 'k')).toThrow(/sealed/);
  });
});

describe('cohorts through the broker', () => {
  it('ranks decisions on the same instrument and tick against each other', () => {
    // Three strategies decide on the same BTC tick; a fourth on a later tick is its own cohort.
    // No costs, 1R = 1% of the entry.
    const broker = bareBroker();
    const out = drive(broker, [
      tick(1, 100),
      signal('a', 'long', 1, 1, 'alpha'),
      signal('b', 'short', 1, 1, 'beta'),
      signal('c', 'long', 1, 2, 'gamma'),
      tick(2, 100),
      signal('d', 'long', 2, 1, 'delta'),
      tick(3, 100.5),
      signal('ax', 'flat', 3, 1, 'alpha'),
      signal('cx', 'flat', 3, 1, 'gamma'),
      signal('dx', 'flat', 3, 1, 'delta'),
      tick(4, 100.8),
    ]);
    // beta is still open, so the first cohort waits; delta's cohort (alone) is final.
    expect(out.outcomes.map((o) => [o.decision_id, o.cohort_percentile])).toEqual([['d', 50]]);
    expect(out.outcomes[0]?.r_multiple).toBeCloseTo(0.3 / 1.005, 12);
    expect(broker.unlabelled).toBe(3);
    const rest = drive(broker, [signal('bx', 'flat', 4, 1, 'beta'), tick(5, 100.2)]);
    // R-multiples a 0.8, b -0.2, c 0.8 (twice the units, twice the risk): a and c tie.
    expect(rest.outcomes.map((o) => [o.decision_id, o.cohort_percentile])).toEqual([
      ['a', 75],
      ['b', 0],
      ['c', 75],
    ]);
    const r = rest.outcomes.map((o) => o.r_multiple);
    expect(r[0]).toBeCloseTo(0.8, 12);
    expect(r[1]).toBeCloseTo(-0.2, 12);
    expect(r[2]).toBe(r[0]);
    expect(broker.unlabelled).toBe(0);
  });
});
