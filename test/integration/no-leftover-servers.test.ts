import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { reapStaleServers } from '../harness/server-process.ts';

const repo = resolve(import.meta.dirname, '../..');

it('stops the global setup servers even when the suite fails', async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'flotilla-leftover-'));
  const pidsFile = join(scratch, 'pids');
  try {
    // Our own VITEST_* variables (worker ids, mode) must not leak into the nested run.
    // No colours either, so the summary line can be matched.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^(VITEST|FORCE_COLOR)/.test(key)),
    );
    // process.execPath is this Node (24): the vitest bin's `#!/usr/bin/env node` may find 20.
    const run = await promisify(execFile)(
      process.execPath,
      [
        join(repo, 'node_modules/.bin/vitest'),
        ...['run', '--root', repo, '--config', 'test/harness/nested/vitest.nested.config.ts'],
      ],
      {
        cwd: repo,
        env: { ...env, NO_COLOR: '1', FLOTILLA_TEST_PIDS_FILE: pidsFile },
        timeout: 120_000,
      },
    ).then(
      (out) => ({ code: 0, output: out.stdout + out.stderr }),
      (err: { code?: number | string; stdout?: string; stderr?: string }) => ({
        code: err.code,
        output: `${err.stdout ?? ''}${err.stderr ?? ''}`,
      }),
    );

    expect(run.code, run.output).toBe(1);
    expect(run.output).toMatch(/1 failed \| 1 passed/);
    expect(run.output).toContain('fails deliberately');
    const pids = (await readFile(pidsFile, 'utf8')).split('\n').filter(Boolean).map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await diesWithin(pid, 5_000), `pid ${pid}`).toBe(true);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});

it('kills servers on process exit when their teardown never ran', async () => {
  const out = await runScript(`
    const { startRedis } = await import(${JSON.stringify(redisModule)});
    console.log((await startRedis()).pid);
    process.exit(0); // no stop()`);
  expect(out.code).toBe(0);
  expect(await diesWithin(Number(out.stdout), 5_000)).toBe(true);
});

it('reaps servers left by a run that was SIGKILLed', async () => {
  const out = await runScript(`
    const { startRedis } = await import(${JSON.stringify(redisModule)});
    console.log((await startRedis()).pid);
    process.kill(process.pid, 'SIGKILL'); // no exit hook runs`);
  const pid = Number(out.stdout);
  expect(out.signal).toBe('SIGKILL');
  expect(await diesWithin(pid, 200)).toBe(false); // orphaned, still serving
  expect(reapStaleServers()).toContain(pid);
  expect(await diesWithin(pid, 5_000)).toBe(true);
});

const redisModule = join(repo, 'test/harness/redis.ts');

/** Runs an ES module snippet in the repo's pinned Node (24 strips the types of imported .ts). */
function runScript(code: string): Promise<{ code: unknown; signal: unknown; stdout: string }> {
  const node = join(repo, 'node_modules/.bin/node');
  return promisify(execFile)(node, ['--input-type=module', '-e', code], { timeout: 60_000 }).then(
    (out) => ({ code: 0, signal: null, stdout: out.stdout.trim() }),
    (err: { code?: unknown; signal?: unknown; stdout?: string }) => ({
      code: err.code,
      signal: err.signal,
      stdout: (err.stdout ?? '').trim(),
    }),
  );
}

/**
 * True once process.kill(pid, 0) throws ESRCH. Polls briefly: a child killed by the exit hook
 * of a process that then exits is a zombie until init reaps it.
 */
async function diesWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
    }
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}
