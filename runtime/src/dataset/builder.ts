// Training rows from ticks, through the runtime's own feature store: each tick updates its
// instrument's features, and the row for that tick is the store's values at that moment (so
// the features of row t see ticks <= t only). The row then waits for its label: H ticks later
// on the same instrument, fwd_return = ln(p_{t+H} / p_t) and label = fwd_return > cost. Rows
// leave in (ts_ms, instrument) order, each as soon as no later tick can put a row before it.
import type { FeatureParams } from '../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { FeatureStore } from '../features/feature-store.ts';
import { DatasetError } from './errors.ts';

export interface DatasetRow {
  ts: number;
  instrument: string;
  /** `<ts>-<n>`: n counts earlier ticks of the instrument with the same ts (a stream-id shape). */
  entryId: string;
  /** Feature values in the requested order, as the store held them right after this tick. */
  features: Float64Array;
  fwdReturn: number;
  label: 0 | 1;
  /** Arrival number of the row's tick across all instruments (the last tie-breaker). */
  order: number;
}

export interface DatasetBuilderOptions {
  features: readonly FeatureParams[];
  /** Label horizon in ticks of the row's own instrument; integer >= 1. */
  horizon: number;
  /** label = fwd_return > cost. */
  cost: number;
}

export interface DatasetCounts {
  /** Ticks the store accepted. */
  ticks: number;
  /** Ticks the store refused (price, volume or ts out of range); they are not counted as ticks. */
  rejectedTicks: number;
  /** Ticks without a row because a feature was not yet defined (warm-up). */
  warmupTicks: number;
  /** Rows handed out so far. */
  rows: number;
  /** Rows still waiting for a label when the ticks ended (dropped by finish). */
  unlabeled: number;
  /** Labeled rows with label 1. */
  positives: number;
}

interface Pending {
  row: DatasetRow;
  /** The instrument's tick number of the row (0-based). */
  tick: number;
  price: number;
}

interface InstrumentState {
  readonly slots: Int32Array;
  readonly values: Float64Array;
  /** Ticks accepted. */
  ticks: number;
  lastTs: number;
  /** Earlier ticks with the same ts as lastTs. */
  sameTs: number;
  /** Rows waiting for their label, oldest first, from `head`. */
  readonly pending: (Pending | undefined)[];
  head: number;
}

/** Push ticks in stream order with onTick; take() and finish() hand out finished rows in order. */
export class DatasetBuilder {
  readonly #store = new FeatureStore();
  readonly #features: readonly FeatureParams[];
  readonly #horizon: number;
  readonly #cost: number;
  readonly #instruments = new Map<string, InstrumentState>();
  readonly #ready = new RowHeap();
  #order = 0;
  #lastOut: DatasetRow | undefined;
  readonly #counts: DatasetCounts = {
    ticks: 0,
    rejectedTicks: 0,
    warmupTicks: 0,
    rows: 0,
    unlabeled: 0,
    positives: 0,
  };

  constructor(options: DatasetBuilderOptions) {
    if (!Number.isSafeInteger(options.horizon) || options.horizon < 1)
      throw new RangeError(`horizon: ${options.horizon} is not an integer >= 1`);
    if (options.features.length === 0) throw new RangeError('features: none given');
    this.#features = options.features;
    this.#horizon = options.horizon;
    this.#cost = options.cost;
  }

  get counts(): Readonly<DatasetCounts> {
    return this.#counts;
  }

  /** Rows labeled but not yet handed out (waiting for their place in the order). */
  get buffered(): number {
    return this.#ready.size;
  }

  /**
   * One tick, in the instrument's stream order. Throws DatasetError (FLT_DATASET_INPUT) when
   * the instrument's ts goes backwards, or when the tick's row would sort before rows already
   * handed out (ticks far out of time order across instruments).
   */
  onTick(instrument: string, ts: number, price: number, volume: number): void {
    const inst = this.#instrument(instrument);
    if (inst.ticks > 0 && ts < inst.lastTs)
      throw new DatasetError(
        'FLT_DATASET_INPUT',
        `${instrument}: tick at ts ${ts} is before the previous ${instrument} tick (ts ${inst.lastTs}); each instrument's ticks must be in time order`,
      );
    if (!this.#store.onTick(instrument, ts, price, volume)) {
      this.#counts.rejectedTicks++;
      return;
    }
    const tick = inst.ticks++;
    inst.sameTs = tick > 0 && ts === inst.lastTs ? inst.sameTs + 1 : 0;
    inst.lastTs = ts;
    this.#counts.ticks++;
    const order = this.#order++;

    // 1. Label the row of tick (tick - H): this tick's price is its p_{t+H}.
    const pending = inst.pending;
    const due = pending[inst.head];
    if (due !== undefined && due.tick === tick - this.#horizon) {
      const fwd = Math.log(price / due.price);
      due.row.fwdReturn = fwd;
      due.row.label = fwd > this.#cost ? 1 : 0;
      this.#counts.positives += due.row.label;
      this.#ready.push(due.row);
      pending[inst.head++] = undefined;
      if (inst.head >= 1024 && inst.head * 2 >= pending.length) {
        pending.splice(0, inst.head);
        inst.head = 0;
      }
    }

    // 2. This tick's row: the store's values now, before any later tick exists.
    const { slots, values } = inst;
    const features = new Float64Array(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const v = values[slots[i] as number] as number;
      if (!Number.isFinite(v)) {
        this.#counts.warmupTicks++;
        return;
      }
      features[i] = v;
    }
    const row: DatasetRow = {
      ts,
      instrument,
      entryId: `${ts}-${inst.sameTs}`,
      features,
      fwdReturn: Number.NaN,
      label: 0,
      order,
    };
    const last = this.#lastOut;
    if (last !== undefined && before(row, last))
      throw new DatasetError(
        'FLT_DATASET_INPUT',
        `${instrument}: the row of the tick at ts ${ts} would go before rows already written (up to ts ${last.ts}, ${last.instrument}); give ticks in time order across instruments (sort the file by ts)`,
      );
    pending.push({ row, tick, price });
  }

  /** Rows that no later tick can precede, in (ts, instrument, arrival) order. */
  take(): DatasetRow[] {
    let watermark = Number.POSITIVE_INFINITY;
    for (const inst of this.#instruments.values()) {
      const head = inst.pending[inst.head];
      const bound = head === undefined ? inst.lastTs : head.row.ts;
      if (bound < watermark) watermark = bound;
    }
    return this.#drain(watermark);
  }

  /** The ticks have ended: every labeled row, in order; rows without a label are dropped. */
  finish(): DatasetRow[] {
    let unlabeled = 0;
    for (const inst of this.#instruments.values()) unlabeled += inst.pending.length - inst.head;
    this.#counts.unlabeled = unlabeled;
    return this.#drain(Number.POSITIVE_INFINITY);
  }

  #drain(watermark: number): DatasetRow[] {
    const out: DatasetRow[] = [];
    const heap = this.#ready;
    while (heap.size > 0 && (heap.peek() as DatasetRow).ts < watermark) out.push(heap.pop());
    if (out.length > 0) this.#lastOut = out[out.length - 1];
    this.#counts.rows += out.length;
    return out;
  }

  #instrument(name: string): InstrumentState {
    let inst = this.#instruments.get(name);
    if (inst === undefined) {
      const slots = Int32Array.from(this.#features, (p) => this.#store.acquire(name, p));
      inst = {
        slots,
        values: this.#store.values(name), // read after the last acquire: it may grow the array
        ticks: 0,
        lastTs: Number.NEGATIVE_INFINITY,
        sameTs: 0,
        pending: [],
        head: 0,
      };
      this.#instruments.set(name, inst);
    }
    return inst;
  }
}

/** The output order: ts, then instrument, then arrival. */
export function before(a: DatasetRow, b: DatasetRow): boolean {
  if (a.ts !== b.ts) return a.ts < b.ts;
  if (a.instrument !== b.instrument) return a.instrument < b.instrument;
  return a.order < b.order;
}

/** A binary min-heap of rows in output order. */
class RowHeap {
  readonly #items: DatasetRow[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): DatasetRow | undefined {
    return this.#items[0];
  }

  push(row: DatasetRow): void {
    const items = this.#items;
    let i = items.push(row) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as DatasetRow;
      if (!before(row, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = row;
  }

  pop(): DatasetRow {
    const items = this.#items;
    const top = items[0] as DatasetRow;
    const last = items.pop() as DatasetRow;
    const n = items.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(items[r] as DatasetRow, items[l] as DatasetRow) ? r : l;
      if (!before(items[c] as DatasetRow, last)) break;
      items[i] = items[c] as DatasetRow;
      i = c;
    }
    items[i] = last;
    return top;
  }
}
