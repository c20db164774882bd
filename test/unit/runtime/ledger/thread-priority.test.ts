// lowerThreadPriority lowers the calling thread only: the ledger's thread runs below the
// runner's tick loop, which keeps its priority (Linux: a nice value is per thread).
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

/** The nice value of a thread of this process, from /proc/self/task/<tid>/stat. */
const niceOf = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);

describe('lowerThreadPriority', () => {
  it.runIf(process.platform === 'linux')(
    "lowers a worker thread's nice value and leaves the main thread's alone",
    async () => {
      const mainBefore = niceOf(readFileSync('/proc/thread-self/stat', 'utf8'));
      const module = new URL('../../../../runtime/src/ledger/thread-priority.ts', import.meta.url);
      const worker = new Worker(
        `import(${JSON.stringify(module.href)}).then(async (m) => {
           const { readFileSync } = await import('node:fs');
           const lowered = m.lowerThreadPriority(7);
           const { parentPort } = await import('node:worker_threads');
           parentPort.postMessage({ lowered, stat: readFileSync('/proc/thread-self/stat', 'utf8') });
         });`,
        { eval: true },
      );
      const reply = await new Promise<{ lowered: boolean; stat: string }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      await worker.terminate();
      expect(reply.lowered).toBe(true);
      expect(niceOf(reply.stat)).toBe(7);
      expect(niceOf(readFileSync('/proc/thread-self/stat', 'utf8'))).toBe(mainBefore);
    },
  );
});
