import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkQueue } from '../../../../operator/src/kube/workqueue.ts';

/** Resolves to the value of `p` if it settled by now, else 'pending'. */
async function settled<T>(p: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);
}

describe('WorkQueue', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('collapses duplicate adds of a queued key and hands keys out in order', async () => {
    const q = new WorkQueue();
    q.add('ns/a');
    q.add('ns/b');
    q.add('ns/a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('ns/a');
    expect(await q.get()).toBe('ns/b');
    expect(q.length).toBe(0);
  });

  it('never hands a key being processed to a second worker; re-adds wait for done()', async () => {
    const q = new WorkQueue();
    q.add('k');
    expect(await q.get()).toBe('k');
    q.add('k');
    q.add('k');
    expect(q.length).toBe(0);
    const second = q.get();
    expect(await settled(second)).toBe('pending');
    q.done('k');
    expect(await settled(second)).toBe('k');
    q.done('k');
    expect(q.length).toBe(0);
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    expect(await settled(waiting)).toBe('pending');
    q.add('k');
    expect(await waiting).toBe('k');
  });

  it('adds a key after its delay; of two delays the earlier wins', async () => {
    const q = new WorkQueue();
    q.addAfter('k', 1000);
    q.addAfter('k', 300);
    q.addAfter('k', 2000);
    vi.advanceTimersByTime(299);
    expect(q.length).toBe(0);
    vi.advanceTimersByTime(1);
    expect(q.length).toBe(1);
    vi.advanceTimersByTime(5000);
    expect(q.length).toBe(1);
    q.addAfter('now', 0);
    expect(q.length).toBe(2);
  });

  it('backs a failing key off exponentially from 5 ms, and forget() starts over', async () => {
    const q = new WorkQueue();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      q.addRateLimited('k');
      let waited = 0;
      while (q.length === 0) {
        vi.advanceTimersByTime(1);
        waited++;
      }
      delays.push(waited);
      expect(await q.get()).toBe('k');
      q.done('k');
    }
    expect(delays).toEqual([5, 10, 20, 40, 80]);
    expect(q.numRequeues('k')).toBe(5);
    q.forget('k');
    expect(q.numRequeues('k')).toBe(0);
    q.addRateLimited('k');
    vi.advanceTimersByTime(4);
    expect(q.length).toBe(0);
    vi.advanceTimersByTime(1);
    expect(q.length).toBe(1);
  });

  it('shutDown drops queued and delayed keys, wakes idle workers, ignores later adds', async () => {
    const q = new WorkQueue();
    q.add('inflight');
    expect(await q.get()).toBe('inflight');
    const idle = q.get();
    q.add('queued');
    q.add('queued-2');
    q.addAfter('later', 100);
    q.add('inflight');
    q.shutDown();
    expect(await idle).toBe('queued');
    expect(await q.get()).toBeUndefined();
    q.add('x');
    q.addRateLimited('y');
    vi.advanceTimersByTime(1000);
    expect(q.length).toBe(0);
    q.done('inflight');
    expect(q.length).toBe(0);
    expect(await q.get()).toBeUndefined();
  });
});
