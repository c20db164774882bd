// SupervisedWorker with real worker threads: one that exits on its own is started again, after
// a wait that doubles while the threads keep dying young; stop() ends the current one and no
// other starts. And the runner ledger's totals over the threads it ran.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { runningTotals } from '../../../../runtime/src/ledger/open-runner-ledger.ts';
import type { ShipperCounters } from '../../../../runtime/src/ledger/shipper-thread.ts';
import { SupervisedWorker } from '../../../../runtime/src/ledger/supervised-worker.ts';
import { eventually } from '../../../harness/eventually.ts';

describe('SupervisedWorker', () => {
  it('starts a thread again after it exits on its own, waiting longer each time', async () => {
    const exits: { code: number; delayMs: number }[] = [];
    let starts = 0;
    const supervised = new SupervisedWorker({
      // The first two die at once (exit code 3); the third stays.
      start: () => {
        const code = ++starts <= 2 ? 'process.exit(3)' : 'setInterval(() => {}, 1000)';
        return new Worker(code, { eval: true });
      },
      onExit: (code, delayMs) => exits.push({ code, delayMs }),
      initialDelayMs: 20,
    });
    await eventually('the third thread', () => (starts === 3 ? true : undefined), 5_000, 5);
    expect(exits).toEqual([
      { code: 3, delayMs: 20 },
      { code: 3, delayMs: 40 },
    ]);
    expect(supervised.restarts).toBe(2);
    const third = supervised.worker;
    await new Promise((r) => setTimeout(r, 100));
    expect(supervised.worker).toBe(third);

    let ended = false;
    await supervised.stop(async (w) => {
      await w.terminate();
      ended = true;
    });
    expect(ended).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(starts).toBe(3);
    expect(exits).toHaveLength(2);
  });

  it('does not start a thread again once stopped while waiting to', async () => {
    let starts = 0;
    const supervised = new SupervisedWorker({
      start: () => {
        starts++;
        return new Worker('process.exit(1)', { eval: true });
      },
      onExit: () => undefined,
      initialDelayMs: 200,
    });
    await new Promise((r) => supervised.worker.once('exit', r));
    await supervised.stop(async () => {
      throw new Error('the thread has exited: nothing to end');
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(starts).toBe(1);
  });
});

describe('runningTotals', () => {
  const counters = (n: number, outboxLength: number): ShipperCounters => ({
    rowsWritten: n,
    batchesWritten: n,
    rowsSpooled: n,
    batchesSpooled: n,
    rowsReplayed: n,
    batchesReplayed: n,
    insertFailures: n,
    rejectedBatches: n,
    outboxEntries: n,
    outboxDeadLettered: n,
    outboxLength,
  });

  it("adds the earlier threads' totals to the current one's, and keeps the current outbox length", () => {
    expect(runningTotals(undefined, undefined)).toBeUndefined();
    expect(runningTotals(counters(5, 9), undefined)).toEqual(counters(5, 9));
    expect(runningTotals(undefined, counters(2, 1))).toEqual(counters(2, 1));
    expect(runningTotals(counters(5, 9), counters(2, 1))).toEqual(counters(7, 1));
  });
});
