// Starts a server binary as a child in a directory of its own, waits until it is ready, and
// stops it (SIGTERM, then SIGKILL). Used by `flotilla local up` for the local cluster,
// redis-server and clickhouse-server, and by the test harness for the same servers.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlotillaError } from '../../../operator/src/errors.ts';
import { LocalUpError } from '../errors.ts';
import { ownsListeningPort } from './free-port.ts';
import { REAP_GRACE_MS, terminateSync, writePidRecord } from './pid-records.ts';

export interface LaunchPlan<T> {
  args: string[];
  /** Ports the child itself must be listening on (127.0.0.1) before it counts as ready. */
  ports: number[];
  /** Polled until it resolves true; a rejection counts as "not yet". */
  isReady(): Promise<boolean>;
  /** Handed back on the started server (ports, URL). */
  info: T;
}

/** Where a server's directory goes and whether a pid record is kept for it. */
export interface Placement {
  /** Parent of the server's directory. @default os.tmpdir() */
  parentDir?: string;
  /** Start of the directory's name, before `<name>-XXXXXX`. @default "flotilla-" */
  dirPrefix?: string;
  /** Keep a pid record there while the server runs (see pid-records.ts). @default none */
  pidsDir?: string;
  /**
   * Start the server in a process group of its own, so a terminal's Ctrl-C (sent to the whole
   * foreground group) reaches only its starter, which then stops it in order. @default false
   */
  ownProcessGroup?: boolean;
}

export interface ServerOptions<T> extends Placement {
  /** Short name used in the directory name and in errors, e.g. `redis`. */
  name: string;
  binary: string;
  /** Called once per attempt with a fresh directory: picks ports, writes config, returns args. */
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
  /** The server's own directory (working directory, `server.log`). */
  readonly dir: string;
  readonly info: T;
  /** SIGTERM, then SIGKILL after `stopTimeoutMs`; removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

export class ServerStartError extends FlotillaError {
  readonly pid: number | undefined;
  readonly logTail: string;
  readonly portInUse: boolean;

  constructor(message: string, details: { pid?: number; log?: string; cause?: unknown }) {
    const log = details.log ?? '';
    const logTail = log.split('\n').slice(-40).join('\n').trim();
    super(
      'FLT_LOCAL_SERVER_START',
      `${message}\n--- server log tail ---\n${logTail || '(empty)'}`,
      { cause: details.cause },
    );
    this.pid = details.pid;
    this.logTail = logTail;
    this.portInUse = /address already in use/i.test(log);
  }
}

interface RunningChild {
  child: ChildProcess;
  exited: Promise<void>;
  dir: string;
  pidFile: string | undefined;
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
  throw new LocalUpError(
    'FLT_LOCAL_SERVER_MISSING',
    `${name} not found on PATH or in ${fallbackDirs.join(', ')}: ${installHint}`,
  );
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
  const parent = options.parentDir ?? tmpdir();
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `${options.dirPrefix ?? 'flotilla-'}${options.name}-`));
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
    child = spawn(options.binary, plan.args, {
      cwd: dir,
      stdio: ['ignore', logFd, logFd],
      detached: options.ownProcessGroup ?? false,
    });
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

  const pidFile =
    options.pidsDir === undefined
      ? undefined
      : writePidRecord(options.pidsDir, pid, { owner: process.pid, dir });
  const entry: RunningChild = { child, exited, dir, pidFile };
  registry.set(pid, entry);
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
  if (entry.pidFile !== undefined) rmSync(entry.pidFile, { force: true });
  await rm(entry.dir, { recursive: true, force: true, maxRetries: 3 });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Runs when this process exits without having stopped its children (a teardown that never
  // ran, a crash). Only synchronous work is possible here.
  // SIGTERM first, as stop() does: a local cluster killed outright leaves its pods behind.
  process.on('exit', () => {
    terminateSync([...registry.keys()], REAP_GRACE_MS);
    for (const entry of registry.values()) {
      if (entry.pidFile !== undefined) rmSync(entry.pidFile, { force: true });
      try {
        rmSync(entry.dir, { recursive: true, force: true, maxRetries: 3 });
      } catch {} // the dying child may still hold files; the dir is only litter
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
