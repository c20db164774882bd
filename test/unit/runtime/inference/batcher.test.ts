// The micro-batcher against a run function that records its batches and answers on demand.
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type BatcherOptions, MicroBatcher } from '../../../../runtime/src/inference/batcher.ts';
import { InferenceRejectedError } from '../../../../runtime/src/inference/errors.ts';

const WIDTH = 2;

/** Scores a row as its first value; each run waits until `release()` unless `auto`. */
function harness(opts: Partial<BatcherOptions> = {}, auto = true) {
  const runs: number[][] = [];
  const waiting: (() => void)[] = [];
  let fail: Error | undefined;
  const batcher = new MicroBatcher(
    {
      width: WIDTH,
      maxBatchRows: 4,
      windowMicros: 0,
      maxQueuedRows: 100,
      maxConcurrent: 1,
      ...opts,
    },
    (rows, n) => {
      expect(rows.length).toBe(n * WIDTH);
      runs.push(Array.from({ length: n }, (_, r) => rows[r * WIDTH] as number));
      const scores = Float64Array.from({ length: n }, (_, r) => rows[r * WIDTH] as number);
      const error = fail;
      if (auto) return error ? Promise.reject(error) : Promise.resolve(scores);
      return new Promise((resolve, reject) => {
        waiting.push(() => (error ? reject(error) : resolve(scores)));
      });
    },
  );
  return {
    batcher,
    runs,
    release: () => {
      for (const f of waiting.splice(0)) f();
    },
    failNext: (err: Error) => {
      fail = err;
    },
  };
}

/** `n` rows whose first value is from, from+1, ... */
const rows = (from: number, n: number) => {
  const a = new Float32Array(n * WIDTH);
  for (let r = 0; r < n; r++) a[r * WIDTH] = from + r;
  return a;
};

describe('MicroBatcher', () => {
  it('coalesces calls made in one turn into one run, answering each with its own rows', async () => {
    const { batcher, runs } = harness({ maxBatchRows: 100 });
    const out = await Promise.all([
      batcher.submit(rows(1, 2), 2),
      batcher.submit(rows(10, 1), 1),
      batcher.submit(rows(20, 3), 3),
    ]);
    expect(runs).toEqual([[1, 2, 10, 20, 21, 22]]);
    expect(out.map((s) => [...s])).toEqual([[1, 2], [10], [20, 21, 22]]);
  });

  it('splits a call larger than maxBatchRows and reassembles it in order', async () => {
    const { batcher, runs } = harness({ maxBatchRows: 4, maxConcurrent: 8 });
    const out = await batcher.submit(rows(0, 10), 10);
    expect(runs).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    expect([...out]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('copies rows at once: the caller may reuse its buffer', async () => {
    const { batcher } = harness();
    const buf = rows(5, 1);
    const p = batcher.submit(buf, 1);
    buf.fill(99);
    expect([...(await p)]).toEqual([5]);
  });

  it('keeps filling the open batch while every run slot is busy (batches grow with load)', async () => {
    const { batcher, runs, release } = harness({ maxBatchRows: 100, maxConcurrent: 1 }, false);
    const first = batcher.submit(rows(0, 1), 1);
    await setImmediate();
    expect(runs).toEqual([[0]]);
    const later = [1, 2, 3].map((i) => batcher.submit(rows(i, 1), 1));
    await setImmediate();
    expect(runs).toHaveLength(1);
    release();
    await first;
    await setImmediate();
    expect(runs).toEqual([[0], [1, 2, 3]]);
    release();
    expect((await Promise.all(later)).map((s) => s[0])).toEqual([1, 2, 3]);
  });

  it('waits up to windowMicros for company before flushing a partial batch', async () => {
    const { batcher, runs } = harness({ maxBatchRows: 100, windowMicros: 20_000 });
    const a = batcher.submit(rows(1, 1), 1);
    await sleep(5);
    const b = batcher.submit(rows(2, 1), 1);
    expect(runs).toEqual([]);
    await Promise.all([a, b]);
    expect(runs).toEqual([[1, 2]]);
  });

  it('refuses a call that would queue more than maxQueuedRows, without touching the others', async () => {
    const { batcher, release } = harness(
      { maxBatchRows: 4, maxQueuedRows: 5, maxConcurrent: 1 },
      false,
    );
    const inFlight = batcher.submit(rows(0, 4), 4); // dispatched at once: not queued
    const queued = batcher.submit(rows(4, 5), 5);
    expect(batcher.queuedRows).toBe(5);
    await expect(batcher.submit(rows(9, 1), 1)).rejects.toMatchObject({
      code: 'FLT_INFERENCE_REJECTED',
      reason: 'backpressure',
      message: '1 rows refused: 5 rows already wait for a run (limit 5)',
    });
    for (let i = 0; i < 3; i++) {
      release();
      await setImmediate();
    }
    expect([...(await inFlight)]).toEqual([0, 1, 2, 3]);
    expect([...(await queued)]).toEqual([4, 5, 6, 7, 8]);
  });

  it('fails every call with rows in a failed run, once', async () => {
    const { batcher, failNext } = harness({ maxBatchRows: 100 });
    failNext(new Error('boom'));
    const calls = [batcher.submit(rows(0, 2), 2), batcher.submit(rows(2, 1), 1)];
    for (const c of calls) await expect(c).rejects.toThrow('boom');
  });

  it('close() fails the rows not yet dispatched and refuses new calls', async () => {
    const { batcher, release } = harness({ maxConcurrent: 1 }, false);
    const running = batcher.submit(rows(0, 4), 4);
    const waiting = batcher.submit(rows(4, 1), 1);
    const reason = new InferenceRejectedError('unloaded', 'gone');
    batcher.close(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(batcher.submit(rows(0, 1), 1)).rejects.toBe(reason);
    release();
    expect([...(await running)]).toEqual([0, 1, 2, 3]);
  });
});
