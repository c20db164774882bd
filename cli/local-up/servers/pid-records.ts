// One file per running server, named after its pid, saying which process started it and in
// which directory it runs. A later run reads them to kill servers whose starter died without
// stopping them (a crash, a SIGKILL): the starter's exit hook cannot run then.
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PidRecord {
  /** The Node process that started the server. */
  owner: number;
  /** The server's own directory, which is also its working directory. */
  dir: string;
}

export function writePidRecord(pidsDir: string, pid: number, record: PidRecord): string {
  mkdirSync(pidsDir, { recursive: true });
  const file = join(pidsDir, String(pid));
  writeFileSync(file, JSON.stringify(record satisfies PidRecord));
  return file;
}

export function readPidRecord(file: string): PidRecord | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const { owner, dir } = value as Partial<PidRecord>;
    return typeof owner === 'number' && typeof dir === 'string' ? { owner, dir } : undefined;
  } catch {
    return undefined; // removed meanwhile, or half written
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How long a server stopped without its owner gets to exit after SIGTERM before SIGKILL. */
export const REAP_GRACE_MS = 20_000;

/**
 * Stops servers recorded in `pidsDir` whose owner process is dead, and removes their records and
 * directories. Returns the pids it stopped. Each gets SIGTERM first and `graceMs` to exit, as
 * from its owner: a `kube up` killed outright leaves its pods' processes, network namespaces and
 * node bridge behind. Blocks until they are gone (it runs once, before anything is started).
 */
export function reapStaleServers(pidsDir: string, graceMs = REAP_GRACE_MS): number[] {
  let names: string[];
  try {
    names = readdirSync(pidsDir);
  } catch {
    return [];
  }
  const stale: { pid: number; file: string; record: PidRecord }[] = [];
  for (const name of names) {
    const file = join(pidsDir, name);
    const record = readPidRecord(file);
    if (record === undefined || isAlive(record.owner)) continue;
    stale.push({ pid: Number(name), file, record });
  }
  // Signal only a pid that still runs in its directory: after a reboot the number may have been
  // reused by an unrelated process.
  const stopping = terminateSync(
    stale.filter((s) => Number.isInteger(s.pid) && runsIn(s.pid, s.record.dir)).map((s) => s.pid),
    graceMs,
  );
  for (const { file, record } of stale) {
    rmSync(file, { force: true });
    rmSync(record.dir, { recursive: true, force: true, maxRetries: 3 });
  }
  return stopping;
}

/**
 * SIGTERM to each pid, up to `graceMs` for them all to exit, then SIGKILL to the rest. Blocks
 * (also usable in an exit hook). Returns the pids that could be signalled.
 */
export function terminateSync(pids: readonly number[], graceMs: number): number[] {
  const stopping = pids.filter((pid) => signal(pid, 'SIGTERM'));
  const deadline = Date.now() + graceMs;
  while (stopping.some(isRunning) && Date.now() < deadline) sleepSync(50);
  for (const pid of stopping.filter(isRunning)) signal(pid, 'SIGKILL');
  return stopping;
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

/** Alive and not a zombie (a reaped server's parent is gone; init may not have reaped it yet). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Whether `pid` runs in `dir`, also when the directory was deleted under it (a cleanup that ran
 * before its servers were stopped): Linux then reads its cwd as the path plus " (deleted)".
 */
function runsIn(pid: number, dir: string): boolean {
  let cwd: string;
  try {
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return false;
  }
  return cwd === dir || cwd === `${dir} (deleted)`;
}
