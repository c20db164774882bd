// `flotilla local cluster up|down` as a user runs them: state survives a restart on the same
// directory. A second cluster, beside the shared one, in a directory of its own.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../cli/local-kube.ts';
import { kubectl, kubectlOk } from '../../harness/kubectl.ts';

const bin = join(REPO_ROOT, 'cli/bin/flotilla.js');
const dir = join(mkdtempSync(join(tmpdir(), 'flotilla-test-restart-')), 'cluster');
const kubeconfig = join(dir, 'kubeconfig');
let running: ChildProcess | undefined;

/** `flotilla local cluster up` in the background; resolves once it prints that it is ready. */
function up(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'local', 'cluster', 'up', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      output += b.toString();
      if (output.includes('cluster ready:')) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.on('exit', (code) =>
      reject(new Error(`cluster up exited ${code} before ready:\n${output.slice(-4000)}`)),
    );
  });
}

function down(): Promise<number> {
  const child = spawn(process.execPath, [bin, 'local', 'cluster', 'down', '--dir', dir], {
    stdio: 'inherit',
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

afterAll(async () => {
  if (running && running.exitCode === null) {
    running.kill('SIGTERM');
    await exited(running);
  }
  rmSync(join(dir, '..'), { recursive: true, force: true });
});

describe('flotilla local cluster', () => {
  it('keeps every object across down and up on the same directory', async () => {
    const first = await up();
    await kubectlOk(kubeconfig, ['create', 'namespace', 'keep']);
    await kubectlOk(kubeconfig, [
      '-n',
      'keep',
      'create',
      'configmap',
      'kept',
      '--from-literal=answer=42',
    ]);
    expect(await down()).toBe(0);
    expect(await exited(first)).toBe(0);
    expect(
      (await kubectl(kubeconfig, ['get', 'ns', 'keep', '--request-timeout=2s'])).code,
    ).not.toBe(0);

    await up();
    expect(
      await kubectlOk(kubeconfig, [
        '-n',
        'keep',
        'get',
        'configmap',
        'kept',
        '-o',
        'jsonpath={.data.answer}',
      ]),
    ).toBe('42');
    expect(
      await kubectlOk(kubeconfig, [
        'get',
        'node',
        'flotilla-local',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
      ]),
    ).toBe('True');
    expect(await down()).toBe(0);
  });

  it('says clearly when no cluster runs in the directory', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'local', 'cluster', 'down', '--dir', join(dir, 'nothing-here')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
    });
    expect(await exited(child)).not.toBe(0);
    expect(err).toMatch(/no cluster|not running|up\.pid/i);
  });
});
