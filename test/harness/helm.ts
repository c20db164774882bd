// Runs the cluster's own helm (Helm 4, built into local/kube with the cluster's Kubernetes
// release) against a kubeconfig, with caches of its own so runs do not share state.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../cli/local-kube.ts';
import type { Result } from './kubectl.ts';

export const HELM = join(REPO_ROOT, 'local/kube/bin/helm');
const home = mkdtempSync(join(tmpdir(), 'flotilla-helm-'));
process.on('exit', () => rmSync(home, { recursive: true, force: true }));

export function helm(kubeconfig: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      HELM,
      ['--kubeconfig', kubeconfig, ...args],
      {
        maxBuffer: 64 * 1024 * 1024,
        timeout: 300_000,
        env: {
          ...process.env,
          HELM_CACHE_HOME: join(home, 'cache'),
          HELM_CONFIG_HOME: join(home, 'config'),
          HELM_DATA_HOME: join(home, 'data'),
        },
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export async function helmOk(kubeconfig: string, args: string[]): Promise<string> {
  const r = await helm(kubeconfig, args);
  if (r.code !== 0) throw new Error(`helm ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
