// Runs the cluster's own kubectl (built from the same Kubernetes release) against a kubeconfig.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../cli/local-kube.ts';

export const KUBECTL = join(REPO_ROOT, 'local/kube/bin/kubectl');
// kubectl caches discovery on disk; a fresh cache per run sees CRDs as soon as they exist.
const cacheDir = mkdtempSync(join(tmpdir(), 'flotilla-kubectl-cache-'));
process.on('exit', () => rmSync(cacheDir, { recursive: true, force: true }));

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectl(kubeconfig: string, args: string[], input?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      KUBECTL,
      ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args],
      { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** kubectl that must succeed; returns stdout. */
export async function kubectlOk(
  kubeconfig: string,
  args: string[],
  input?: string,
): Promise<string> {
  const r = await kubectl(kubeconfig, args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
