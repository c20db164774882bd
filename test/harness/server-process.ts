import { type ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ownsListeningPort } from './free-port.ts';

/** Every temp dir the harness makes starts with this, so leftovers can be found by name. */
export const TEMP_PREFIX = 'flotilla-test-';
/** One file per running child, named after its pid; the content is a `PidRecord` as JSON. */
export const PIDS_DIR = join(tmpdir(), `${TEMP_PREFIX}pids`);

export interface PidRecord {
  /** The Node process that started the child. */
  owner: number;
  /** The child's temp dir, which is also its working directory. */
  dir: string;
}

export interface LaunchPlan<T> {
  args: string[];
  /** Ports the child itself must be listening on (127.0.0.1) before it counts as ready. */
  ports: number[];
  /** Polled until it resolves true; a rejection counts as "not yet". */
  isReady(): Promise<boolean>;
  /** Handed back on the started server (ports, URL). */
  info: T;
}

export interface ServerOptions<T> {
  /** Short name used in the temp dir name and in errors, e.g. `redis`. */
  name: string;
  binary: string;
  /** Called once per attempt with a fresh temp dir: picks ports, writes config, returns args. */
  plan(dir: string): Promise<LaunchPlan<T>>;
  /** @default 30_000 */
  readyTimeoutMs?: number;
  /** How long SIGTERM gets before SIGKILL. @default 10_000 */
  stopTimeoutMs?: number;
  /** Attempts when the chosen port turns out to be taken. @default 3 */
  attempts?: number;
}

export interface ServerProcess<T> {
  readonly pid: number;
  readonly dir: string;
  readonly info: T;
  /** SIGTERM, then SIGKILL after `stopTimeoutMs`; removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export class ServerStartError extends Error {
  readonly code = 'FLT_TEST_SERVER_START';
  readonly pid: number | undefined;
  readonly logTail: string;
  readonly portInUse: boolean;

  constructor(message: string, details: { pid?: number; log?: string; cause?: unknown }) {
    const log = details.log ?? '';
    const logTail = log.split('\n').slice(-40).join('\n').trim();
    super(`${message}\n--- server log tail ---\n${logTail || '(empty)'}`, { cause: details.cause });
    this.name = 'ServerStartError';
    this.pid = details.pid;
    this.logTail = logTail;
    this.portInUse = /address already in use/i.test(log);
  }
}

interface RunningChild {
  child: ChildProcess;
  exited: Promise<void>;
  dir: string;
  pidFile: string;
}

/** Children started by this process and not yet stopped, by pid. */
const registry = new Map<number, RunningChild>();
let exitHookInstalled = false;

/** First executable `name` on PATH, then in `fallbackDirs` (/usr/sbin is often not on PATH). */
export function findBinary(name: string, fallbackDirs: string[], installHint: string): string {
  const pathDirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  for (const dir of [...pathDirs, ...fallbackDirs]) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  throw new Error(`${name} not found on PATH or in ${fallbackDirs.join(', ')}: ${installHint}`);
}

export async function startServer<T>(options: ServerOptions<T>): Promise<ServerProcess<T>> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      // freePorts closes its listeners before the server binds, so another process can take
      // the port in between: start again with new ports.
      if (err instanceof ServerStartError && err.portInUse && attempt < attempts) continue;
      throw err;
    }
  }
}

async function startOnce<T>(options: ServerOptions<T>): Promise<ServerProcess<T>> {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}${options.name}-`));
  const logPath = join(dir, 'server.log');
  let plan: LaunchPlan<T>;
  try {
    plan = await options.plan(dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  // The child writes straight into the log file (not through a pipe), so its output is kept
  // even if this process dies, and a full pipe can never block it.
  const logFd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.binary, plan.args, { cwd: dir, stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      spawnError = err;
      // Without a pid the spawn itself failed and no 'exit' will follow.
      if (child.pid === undefined) resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) {
    await exited;
    rmSync(dir, { recursive: true, force: true });
    const reason = spawnError?.message ?? 'unknown error';
    throw new ServerStartError(`${options.name}: cannot spawn ${options.binary}: ${reason}`, {
      cause: spawnError,
    });
  }

  const pidFile = join(PIDS_DIR, String(pid));
  const entry: RunningChild = { child, exited, dir, pidFile };
  registry.set(pid, entry);
  mkdirSync(PIDS_DIR, { recursive: true });
  writeFileSync(pidFile, JSON.stringify({ owner: process.pid, dir } satisfies PidRecord));
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= stopChild(pid, entry, options.stopTimeoutMs ?? 10_000);
    return stopping;
  };

  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    let problem: string | undefined;
    if (hasExited(child)) {
      problem = `exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready`;
    } else if (await isReadyChild(pid, plan)) {
      return { pid, dir, info: plan.info, stop };
    } else if (Date.now() > deadline) {
      problem = `not ready after ${readyTimeoutMs} ms`;
    }
    if (problem !== undefined) {
      const log = readLog(logPath);
      await stop();
      throw new ServerStartError(`${options.name} (pid ${pid}) ${problem}`, { pid, log });
    }
    await sleep(20);
  }
}

async function isReadyChild(pid: number, plan: LaunchPlan<unknown>): Promise<boolean> {
  if (!plan.ports.every((port) => ownsListeningPort(pid, port))) return false;
  return plan.isReady().catch(() => false);
}

async function stopChild(pid: number, entry: RunningChild, timeoutMs: number): Promise<void> {
  if (!hasExited(entry.child)) {
    entry.child.kill('SIGTERM');
    if (!(await exitsWithin(entry.exited, timeoutMs))) {
      entry.child.kill('SIGKILL');
      await entry.exited;
    }
  }
  // Node reaps the child before 'exit' fires, so the pid is gone for good at this point.
  registry.delete(pid);
  rmSync(entry.pidFile, { force: true });
  await rm(entry.dir, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * Kills children whose owner process is dead (a test run that crashed or was SIGKILLed before
 * teardown) and removes their pid files and temp dirs. Returns the pids it killed.
 */
export function reapStaleServers(): number[] {
  let names: string[];
  try {
    names = readdirSync(PIDS_DIR);
  } catch {
    return [];
  }
  const reaped: number[] = [];
  for (const name of names) {
    const pid = Number(name);
    const file = join(PIDS_DIR, name);
    const record = readPidRecord(file);
    if (record === undefined || isAlive(record.owner)) continue;
    // Kill only if the pid still runs in its temp dir: after a reboot the number may have been
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

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Runs when this process exits without having stopped its children (a teardown that never
  // ran, a crash in a test). Only synchronous work is possible here.
  process.on('exit', () => {
    for (const [pid, entry] of registry) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
      rmSync(entry.pidFile, { force: true });
      try {
        rmSync(entry.dir, { recursive: true, force: true, maxRetries: 3 });
      } catch {} // the dying child may still hold files; the dir is only litter in tmp
    }
  });
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function exitsWithin(exited: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void exited.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function cwdOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}
