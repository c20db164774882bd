import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { reapStaleServers, writePidRecord } from '../../../cli/local-up/servers/pid-records.ts';

const scratches: string[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of scratches.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A pid that no longer runs: the owner of a server whose starter died. */
function deadPid(): number {
  const done = spawnSync('true');
  if (typeof done.pid !== 'number') throw new Error('could not run true');
  return done.pid;
}

/**
 * A stale "server": a shell in its own directory, recorded as started by a dead owner, that runs
 * `onTerm` when it gets SIGTERM. Resolves once it runs, with its pid and the scratch dir.
 */
async function staleServer(onTerm: string) {
  const scratch = await mkdtemp(join(tmpdir(), 'flotilla-reap-'));
  scratches.push(scratch);
  const dir = join(scratch, 'server');
  await mkdir(dir);
  const script = `trap '${onTerm}' TERM; echo up; while :; do sleep 0.05; done`;
  const child = spawn('sh', ['-c', script], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  await new Promise((resolve) => child.stdout?.once('data', resolve));
  const pid = child.pid as number;
  const pids = join(scratch, 'pids');
  writePidRecord(pids, pid, { owner: deadPid(), dir });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  return { pid, pids, dir, scratch, exited };
}

it('stops a server whose owner died with SIGTERM, so it can clean up after itself', async () => {
  const s = await staleServer('touch ../cleaned-up; exit 0');
  expect(reapStaleServers(s.pids, 10_000)).toEqual([s.pid]);
  expect(await s.exited).toBeNull(); // exited on its own, not killed by a signal
  expect(existsSync(join(s.scratch, 'cleaned-up'))).toBe(true);
  expect(existsSync(s.dir)).toBe(false);
  expect(reapStaleServers(s.pids, 10_000)).toEqual([]); // its record is gone too
});

it('kills a server that is still running when the grace period ends', async () => {
  const s = await staleServer(''); // ignores SIGTERM
  const started = Date.now();
  expect(reapStaleServers(s.pids, 300)).toEqual([s.pid]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  expect(await s.exited).toBe('SIGKILL');
});

it('leaves a server alone while its owner runs', async () => {
  const s = await staleServer('exit 0');
  writePidRecord(s.pids, s.pid, { owner: process.pid, dir: s.dir });
  expect(reapStaleServers(s.pids, 300)).toEqual([]);
  expect(existsSync(s.dir)).toBe(true);
});

it('stops a server whose directory was deleted under it', async () => {
  const s = await staleServer('exit 0');
  await rm(s.dir, { recursive: true }); // its cwd now reads "<dir> (deleted)"
  expect(reapStaleServers(s.pids, 10_000)).toEqual([s.pid]);
  expect(await s.exited).toBeNull();
});

it('leaves a process alone that runs in another directory (its pid reused)', async () => {
  const s = await staleServer('exit 0');
  writePidRecord(s.pids, s.pid, { owner: deadPid(), dir: join(s.scratch, 'elsewhere') });
  expect(reapStaleServers(s.pids, 300)).toEqual([]);
  expect(existsSync(`/proc/${s.pid}`)).toBe(true); // still running: not signalled
});
