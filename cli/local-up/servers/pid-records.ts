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

/**
 * Kills servers recorded in `pidsDir` whose owner process is dead, and removes their records and
 * directories. Returns the pids it killed.
 */
export function reapStaleServers(pidsDir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(pidsDir);
  } catch {
    return [];
  }
  const reaped: number[] = [];
  for (const name of names) {
    const pid = Number(name);
    const file = join(pidsDir, name);
    const record = readPidRecord(file);
    if (record === undefined || isAlive(record.owner)) continue;
    // Kill only if the pid still runs in its directory: after a reboot the number may have been
    // reused by an unrelated process.
    if (Number.isInteger(pid) && cwdOf(pid) === record.dir) {
      try {
        process.kill(pid, 'SIGKILL');
        reaped.push(pid);
      } catch {}
    }
    rmSync(file, { force: true });
    rmSync(record.dir, { recursive: true, force: true, maxRetries: 3 });
  }
  return reaped;
}

function cwdOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}
