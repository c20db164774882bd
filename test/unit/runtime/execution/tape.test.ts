import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BrokerOutput, PaperBroker } from '../../../../runtime/src/execution/paper-broker.ts';
import {
  brokerSignalOf,
  decodeTape,
  replayTape,
  TickTape,
} from '../../../../runtime/src/execution/tape.ts';
import type { DecisionRow } from '../../../../runtime/src/ledger/records.ts';
import { decision } from '../ledger/fixtures.ts';

const INSTRUMENTS = ['BTC-USD', 'ETH-USD', 'SOL-USD'];

/** One tick, the decisions made on it, and whether the runner's batch ends after it. */
interface Step {
  instrument: number;
  price: number;
  volume: number;
  decisions: { strategy: string; action: 'long' | 'short' | 'flat'; units: number }[];
  endsBatch: boolean;
}

const step: fc.Arbitrary<Step> = fc.record({
  instrument: fc.integer({ min: 0, max: INSTRUMENTS.length - 1 }),
  price: fc.double({ min: 90, max: 110, noNaN: true }),
  volume: fc.double({ min: 0, max: 5, noNaN: true }),
  decisions: fc.array(
    fc.record({
      strategy: fc.constantFrom('alpha', 'beta', 'gamma'),
      action: fc.constantFrom('long' as const, 'short' as const, 'flat' as const),
      units: fc.constantFrom(1, 2.5),
    }),
    { maxLength: 2 },
  ),
  endsBatch: fc.boolean(),
});

const T0 = 1_700_000_000_000;
const append = (into: BrokerOutput, more: BrokerOutput) => {
  into.fills.push(...more.fills);
  into.pnlEvents.push(...more.pnlEvents);
  into.equityPoints.push(...more.equityPoints);
  into.outcomes.push(...more.outcomes);
};

describe('TickTape', () => {
  it('encodes ticks as their doubles and decodes them exactly, growing as needed', () => {
    const tape = new TickTape();
    expect(tape.take()).toBeUndefined();
    for (let i = 0; i < 600; i++)
      tape.tick(INSTRUMENTS[i % 3] as string, T0 + i, 100 + i / 7, i / 3);
    tape.decided();
    const encoded = tape.take();
    expect(encoded?.instruments).toEqual(INSTRUMENTS);
    expect(encoded?.at).toEqual([599]);
    const decoded = decodeTape(encoded, [decision({ instrument: 'SOL-USD' })]);
    expect(decoded.ticks).toHaveLength(2_400);
    for (let i = 0; i < 600; i++)
      expect([...decoded.ticks.subarray(i * 4, i * 4 + 4)]).toEqual([
        i % 3,
        T0 + i,
        100 + i / 7,
        i / 3,
      ]);
    expect(tape.take()).toBeUndefined(); // the next tape starts empty
  });

  it('refuses a tape that is not one, naming what is wrong', () => {
    const bytes = (...values: number[]) =>
      Buffer.from(new Float64Array(values).buffer).toString('base64');
    const tape = (over: object) => ({
      instruments: ['BTC-USD'],
      ticks: bytes(0, T0, 100, 1),
      at: [],
      ...over,
    });
    const cases: [unknown, string][] = [
      [null, 'tape must be an object'],
      [tape({ instruments: [''] }), 'tape.instruments must be an array of instrument names'],
      [tape({ ticks: 7 }), 'tape.ticks must be a base64 string'],
      [tape({ ticks: bytes(0, T0, 100) }), 'tape.ticks must hold 32 bytes per tick, not 24 bytes'],
      [
        tape({ ticks: bytes(1, T0, 100, 1) }),
        'tape tick 0: instrument index 1 is not one of tape.instruments',
      ],
      [
        tape({ ticks: bytes(0, T0 + 0.5, 100, 1) }),
        'tape tick 0: ts 1700000000000.5 is not an integer >= 0',
      ],
      [tape({ ticks: bytes(0, T0, 0, 1) }), 'tape tick 0: price 0 is not above 0'],
      [tape({ ticks: bytes(0, T0, 100, -1) }), 'tape tick 0: volume -1 is below 0'],
      [tape({ at: [0] }), 'tape.at must hold one tick index per decision (0)'],
    ];
    for (const [value, message] of cases) expect(() => decodeTape(value, [])).toThrow(message);
    const two = tape({ ticks: bytes(0, T0, 100, 1, 0, T0 + 1, 101, 1) });
    const d = decision({ instrument: 'BTC-USD' });
    expect(() => decodeTape({ ...two, at: [1, 0] }, [d, d])).toThrow(
      'tape.at[1]: 0 is not a tick index in order (0..1)',
    );
    expect(() => decodeTape({ ...two, at: [2] }, [d])).toThrow('tape.at[0]: 2 is not a tick index');
    expect(() =>
      decodeTape({ ...two, at: [0] }, [decision({ id: 'x', instrument: 'ETH-USD' })]),
    ).toThrow('tape.at[0]: decision x is on ETH-USD, its tick on BTC-USD');
  });

  it('replayed batch by batch, gives exactly what the broker gives fed tick by tick', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 120 }), (steps) => {
        const direct = new PaperBroker();
        const taped = new PaperBroker();
        const viaTapes: BrokerOutput = { fills: [], pnlEvents: [], equityPoints: [], outcomes: [] };
        const tape = new TickTape();
        let batch: DecisionRow[] = [];
        const ship = () => {
          // As the outbox carries it: JSON of the encoded tape.
          const encoded = JSON.parse(JSON.stringify(tape.take() ?? null));
          if (encoded === null) return;
          const replayed = replayTape(taped, decodeTape(encoded, batch), batch);
          expect(replayed.refused).toEqual([]);
          append(viaTapes, replayed.output);
          batch = [];
        };
        steps.forEach((s, i) => {
          const instrument = INSTRUMENTS[s.instrument] as string;
          const ts = T0 + i * 250;
          direct.onTick(instrument, { ts, price: s.price, volume: s.volume });
          tape.tick(instrument, ts, s.price, s.volume);
          s.decisions.forEach((d, k) => {
            const row = decision({ id: `d-${i}-${k}`, ts_ms: ts, instrument, ...d });
            direct.onSignal(brokerSignalOf(row));
            tape.decided();
            batch.push(row);
          });
          if (s.endsBatch) ship();
        });
        ship();
        expect(viaTapes).toEqual(direct.drain());
      }),
      { numRuns: 200 },
    );
  });

  it('names a decision the broker refuses and executes the rest', () => {
    const tape = new TickTape();
    tape.tick('BTC-USD', T0, 100, 1);
    tape.decided();
    tape.decided();
    tape.tick('BTC-USD', T0 + 1_000, 101, 1);
    const decisions = [
      decision({ id: 'bad', instrument: 'BTC-USD', units: 0 }),
      decision({ id: 'good', instrument: 'BTC-USD', strategy: 'beta' }),
    ];
    const replayed = replayTape(new PaperBroker(), decodeTape(tape.take(), decisions), decisions);
    expect(replayed.refused).toEqual([
      'decision bad: broker signal: units: 0 must be a finite number above 0 for a long target',
    ]);
    expect(replayed.output.fills.map((f) => f.decision_id)).toEqual(['good']);
  });
});
