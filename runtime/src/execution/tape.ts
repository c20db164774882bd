// The tape of a batch: the ticks its decisions were made on, in the order the runner saw them,
// and the tick each decision was made on. It is what the paper broker needs to execute the
// decisions, so the runner records it in its commit and the ledger's thread replays it through
// the broker, off the tick path (bench/ledger: the broker on the runner's thread cost the tick
// p99 more than anything else of the ledger). Replaying a tape gives the rows the broker would
// have given fed tick by tick, because the broker is deterministic and free of clocks.
//
// Ticks travel as the bytes of their doubles (4 little-endian float64 per tick: instrument index,
// ts, price, volume; base64), not as decimal text: recording a tick is four stores and encoding a
// batch one copy, with no number-to-string per value.
import type { DecisionRow } from '../ledger/records.ts';
import type { BrokerOutput, BrokerSignal, PaperBroker } from './paper-broker.ts';

/** A tape as it travels in an outbox entry. */
export interface EncodedTape {
  /** The instruments the ticks index into. */
  instruments: string[];
  /** base64 of 4 little-endian float64 per tick: instrument index, ts, price, volume. */
  ticks: string;
  /** Per decision, in decision order: the index of the tick it was made on. */
  at: number[];
}

/** A decoded tape. */
export interface Tape {
  instruments: string[];
  /** 4 values per tick, as in EncodedTape. */
  ticks: Float64Array;
  at: number[];
}

const VALUES = 4;
const TICK_BYTES = VALUES * 8;

/** Records ticks and decisions as the runner walks a batch; take() encodes them and starts over. */
export class TickTape {
  #bytes = new ArrayBuffer(TICK_BYTES * 256);
  #view = new DataView(this.#bytes);
  #ticks = 0;
  #instruments: string[] = [];
  #instrumentIndex = new Map<string, number>();
  #at: number[] = [];

  tick(instrument: string, ts: number, price: number, volume: number): void {
    let index = this.#instrumentIndex.get(instrument);
    if (index === undefined) {
      index = this.#instruments.push(instrument) - 1;
      this.#instrumentIndex.set(instrument, index);
    }
    if ((this.#ticks + 1) * TICK_BYTES > this.#bytes.byteLength) this.#grow();
    const at = this.#ticks * TICK_BYTES;
    const view = this.#view;
    view.setFloat64(at, index, true);
    view.setFloat64(at + 8, ts, true);
    view.setFloat64(at + 16, price, true);
    view.setFloat64(at + 24, volume, true);
    this.#ticks++;
  }

  /** A decision made on the last tick recorded. */
  decided(): void {
    if (this.#ticks === 0) throw new Error('tick tape: a decision before any tick');
    this.#at.push(this.#ticks - 1);
  }

  /** The tape so far, encoded (undefined when it holds no tick); the next one starts empty. */
  take(): EncodedTape | undefined {
    if (this.#ticks === 0) return undefined;
    const tape = {
      instruments: this.#instruments,
      ticks: Buffer.from(this.#bytes, 0, this.#ticks * TICK_BYTES).toString('base64'),
      at: this.#at,
    };
    this.#ticks = 0;
    this.#instruments = [];
    this.#instrumentIndex = new Map();
    this.#at = [];
    return tape;
  }

  #grow(): void {
    const bytes = new ArrayBuffer(this.#bytes.byteLength * 2);
    new Uint8Array(bytes).set(new Uint8Array(this.#bytes));
    this.#bytes = bytes;
    this.#view = new DataView(bytes);
  }
}

/** Decodes a tape and checks it against its decisions; throws an Error naming what is wrong. */
export function decodeTape(value: unknown, decisions: readonly DecisionRow[]): Tape {
  if (typeof value !== 'object' || value === null) throw new Error('tape must be an object');
  const { instruments, ticks, at } = value as Partial<EncodedTape>;
  if (!Array.isArray(instruments) || !instruments.every((i) => typeof i === 'string' && i))
    throw new Error('tape.instruments must be an array of instrument names');
  if (typeof ticks !== 'string') throw new Error('tape.ticks must be a base64 string');
  const bytes = Buffer.from(ticks, 'base64');
  if (bytes.length % TICK_BYTES !== 0)
    throw new Error(`tape.ticks must hold ${TICK_BYTES} bytes per tick, not ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float64Array(bytes.length / 8);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat64(i * 8, true);
  const count = values.length / VALUES;
  for (let t = 0; t < count; t++) {
    const problem = tickProblem(values, t, instruments.length);
    if (problem) throw new Error(`tape tick ${t}: ${problem}`);
  }
  if (!Array.isArray(at) || at.length !== decisions.length)
    throw new Error(`tape.at must hold one tick index per decision (${decisions.length})`);
  for (let d = 0; d < at.length; d++) {
    const tick = at[d] as number;
    if (!Number.isInteger(tick) || tick < 0 || tick >= count || tick < (at[d - 1] ?? 0))
      throw new Error(`tape.at[${d}]: ${tick} is not a tick index in order (0..${count - 1})`);
    const instrument = instruments[values[tick * VALUES] as number];
    if (instrument !== decisions[d]?.instrument)
      throw new Error(
        `tape.at[${d}]: decision ${decisions[d]?.id} is on ${decisions[d]?.instrument}, its tick on ${instrument}`,
      );
  }
  return { instruments, ticks: values, at };
}

function tickProblem(values: Float64Array, t: number, instruments: number): string | undefined {
  // Indexed reads, not a subarray per tick: this runs for every tick on the ledger's thread.
  const o = t * VALUES;
  const index = values[o] as number;
  const ts = values[o + 1] as number;
  const price = values[o + 2] as number;
  const volume = values[o + 3] as number;
  if (!Number.isInteger(index) || index < 0 || index >= instruments)
    return `instrument index ${index} is not one of tape.instruments`;
  if (!Number.isSafeInteger(ts) || ts < 0) return `ts ${ts} is not an integer >= 0`;
  if (!Number.isFinite(price) || price <= 0) return `price ${price} is not above 0`;
  if (!Number.isFinite(volume) || volume < 0) return `volume ${volume} is below 0`;
  return undefined;
}

/** The broker's view of a decision: its target change. */
export function brokerSignalOf(d: DecisionRow): BrokerSignal {
  return {
    strategy: d.strategy,
    instrument: d.instrument,
    decisionId: d.id,
    side: d.action as BrokerSignal['side'],
    units: d.units,
    tsMs: d.ts_ms,
  };
}

/**
 * Feeds the tape through the broker: each tick, then the decisions made on it. Returns what the
 * broker produced, and the decisions it refused (a bad target: named, the rest still executed).
 */
export function replayTape(
  broker: PaperBroker,
  tape: Tape,
  decisions: readonly DecisionRow[],
): { output: BrokerOutput; refused: string[] } {
  const refused: string[] = [];
  const v = tape.ticks;
  let d = 0;
  for (let t = 0; t * VALUES < v.length; t++) {
    const o = t * VALUES;
    const instrument = tape.instruments[v[o] as number] as string;
    broker.onTick(instrument, {
      ts: v[o + 1] as number,
      price: v[o + 2] as number,
      volume: v[o + 3] as number,
    });
    for (; d < tape.at.length && tape.at[d] === t; d++) {
      const decision = decisions[d] as DecisionRow;
      try {
        broker.onSignal(brokerSignalOf(decision));
      } catch (err) {
        refused.push(
          `decision ${decision.id}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
  }
  return { output: broker.drain(), refused };
}
