// The ledger's I/O thread yields the CPU to the tick path: on Linux a thread has a nice value
// of its own, and the calling thread's id is the last part of /proc/thread-self. Rows wait for
// a flush interval anyway, so the shipper losing a few ms to the runner's thread costs nothing,
// while the runner losing them to the shipper shows in its tick latency (bench/ledger).
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** How much lower than the runner's thread the ledger thread runs (a nice value, 0..19). */
export const LEDGER_THREAD_NICENESS = 10;

/** Lowers the calling thread's priority to `niceness`; false where the OS does not allow it. */
export function lowerThreadPriority(niceness: number): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (!Number.isInteger(tid)) return false;
    setPriority(tid, niceness);
    return true;
  } catch {
    return false;
  }
}
