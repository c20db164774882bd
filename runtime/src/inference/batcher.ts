// The micro-batcher of one model: rows from every concurrent caller go into one batch, run once.
// A batch is flushed when it holds maxBatchRows rows (a larger call is split over several), or
// once its first row has waited windowMicros and a run slot is free; while every slot is busy the
// open batch keeps filling, so batches grow with the load. Rows waiting for a slot are bounded:
// a call that would exceed maxQueuedRows is refused at once (back-pressure: the caller falls back).
import { InferenceRejectedError } from './errors.ts';

export interface BatcherOptions {
  /** Columns per row. */
  width: number;
  /** Rows per run at most. */
  maxBatchRows: number;
  /** How long the first row of a partial batch may wait for company, in microseconds. */
  windowMicros: number;
  /** Rows waiting for a run (not yet dispatched) at most; beyond that calls are refused. */
  maxQueuedRows: number;
  /** Runs of this model in flight at once. */
  maxConcurrent: number;
}

/** Runs one batch: n rows of `rows` (exactly n x width values, the batcher's own copy). */
export type BatchRun = (rows: Float32Array, n: number) => Promise<Float64Array>;

interface Request {
  out: Float64Array;
  parts: number;
  settled: boolean;
  resolve: (scores: Float64Array) => void;
  reject: (err: unknown) => void;
}

interface Segment {
  req: Request;
  reqOffset: number;
  batchOffset: number;
  count: number;
}

interface Batch {
  rows: Float32Array;
  n: number;
  segments: Segment[];
  /** performance.now() of the first row, ms. */
  openedAt: number;
}

export class MicroBatcher {
  readonly #opts: BatcherOptions;
  readonly #run: BatchRun;
  #open: Batch | undefined;
  readonly #full: Batch[] = [];
  #queuedRows = 0;
  #inFlight = 0;
  #armed = false;
  #closed: InferenceRejectedError | undefined;

  constructor(opts: BatcherOptions, run: BatchRun) {
    this.#opts = opts;
    this.#run = run;
  }

  /** Rows accepted but not yet dispatched. */
  get queuedRows(): number {
    return this.#queuedRows;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Scores `n` rows of `rows` (copied at once: the caller may reuse its buffer). */
  submit(rows: Float32Array, n: number): Promise<Float64Array> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (n <= 0) return Promise.resolve(new Float64Array(0));
    const { width, maxBatchRows, maxQueuedRows } = this.#opts;
    if (this.#queuedRows + n > maxQueuedRows)
      return Promise.reject(
        new InferenceRejectedError(
          'backpressure',
          `${n} rows refused: ${this.#queuedRows} rows already wait for a run (limit ${maxQueuedRows})`,
        ),
      );
    return new Promise((resolve, reject) => {
      const req: Request = { out: new Float64Array(n), parts: 0, settled: false, resolve, reject };
      for (let off = 0; off < n; ) {
        if (!this.#open) this.#open = this.#newBatch(n - off);
        const b = this.#open;
        const take = Math.min(n - off, maxBatchRows - b.n);
        if ((b.n + take) * width > b.rows.length) b.rows = grow(b.rows, (b.n + take) * width);
        b.rows.set(rows.subarray(off * width, (off + take) * width), b.n * width);
        b.segments.push({ req, reqOffset: off, batchOffset: b.n, count: take });
        req.parts++;
        b.n += take;
        off += take;
        if (b.n === maxBatchRows) {
          this.#full.push(b);
          this.#open = undefined;
        }
      }
      this.#queuedRows += n;
      this.#pump(false);
    });
  }

  #newBatch(rowsHint: number): Batch {
    const rows = Math.min(this.#opts.maxBatchRows, Math.max(16, rowsHint));
    return {
      rows: new Float32Array(rows * this.#opts.width),
      n: 0,
      segments: [],
      openedAt: performance.now(),
    };
  }

  /** Dispatches what may go: full batches at once, a partial one once its window has passed. */
  #pump(deferred: boolean): void {
    while (this.#inFlight < this.#opts.maxConcurrent) {
      let b = this.#full.shift();
      if (!b) {
        const open = this.#open;
        if (!open) return;
        const waited = (performance.now() - open.openedAt) * 1000;
        if (!deferred || waited < this.#opts.windowMicros) {
          this.#arm(this.#opts.windowMicros - waited);
          return;
        }
        b = open;
        this.#open = undefined;
      }
      this.#dispatch(b);
    }
  }

  /** Calls #pump again once the window may have passed (setImmediate below 1 ms). */
  #arm(remainingMicros: number): void {
    if (this.#armed) return;
    this.#armed = true;
    const fire = () => {
      this.#armed = false;
      if (!this.#closed) this.#pump(true);
    };
    if (remainingMicros >= 1000) setTimeout(fire, Math.floor(remainingMicros / 1000));
    else setImmediate(fire);
  }

  #dispatch(b: Batch): void {
    this.#queuedRows -= b.n;
    this.#inFlight++;
    const width = this.#opts.width;
    const rows = b.rows.length === b.n * width ? b.rows : b.rows.slice(0, b.n * width);
    let run: Promise<Float64Array>;
    try {
      run = this.#run(rows, b.n);
    } catch (err) {
      run = Promise.reject(err);
    }
    run
      .then((scores) => {
        if (scores.length !== b.n)
          throw new Error(`the run returned ${scores.length} scores for ${b.n} rows`);
        for (const s of b.segments) {
          const req = s.req;
          if (req.settled) continue;
          req.out.set(scores.subarray(s.batchOffset, s.batchOffset + s.count), s.reqOffset);
          if (--req.parts === 0) {
            req.settled = true;
            req.resolve(req.out);
          }
        }
      })
      .catch((err: unknown) => failSegments(b.segments, err))
      .finally(() => {
        this.#inFlight--;
        this.#pump(true);
      });
  }

  /** Refuses new calls and fails every row not yet dispatched; runs in flight finish. */
  close(reason: InferenceRejectedError): void {
    if (this.#closed) return;
    this.#closed = reason;
    const waiting = [...this.#full, ...(this.#open ? [this.#open] : [])];
    this.#full.length = 0;
    this.#open = undefined;
    this.#queuedRows = 0;
    for (const b of waiting) failSegments(b.segments, reason);
  }
}

function grow(rows: Float32Array, needed: number): Float32Array {
  const next = new Float32Array(Math.max(needed, rows.length * 2));
  next.set(rows);
  return next;
}

function failSegments(segments: Segment[], err: unknown): void {
  for (const s of segments) {
    if (s.req.settled) continue;
    s.req.settled = true;
    s.req.reject(err);
  }
}
