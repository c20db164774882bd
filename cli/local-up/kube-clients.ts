// The cluster's own kubectl and helm (the kube multi-call binary), pointed at its kubeconfig,
// with helm's caches inside the cluster directory so runs share nothing else.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { kubeBinary } from '../local-kube.ts';
import { LocalUpError } from './errors.ts';

export interface ClientResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type KubeClient = (args: string[]) => Promise<ClientResult>;

function run(
  dir: string,
  name: 'kubectl' | 'helm',
  args: string[],
  signal: AbortSignal | undefined,
): Promise<ClientResult> {
  return new Promise((resolve) => {
    execFile(
      kubeBinary(),
      [name, ...args],
      {
        maxBuffer: 64 * 1024 * 1024,
        timeout: 600_000,
        // An interrupted run does not wait for a `helm --wait` to finish.
        ...(signal ? { signal } : {}),
        env: {
          ...process.env,
          KUBECONFIG: join(dir, 'kubeconfig'),
          HELM_CACHE_HOME: join(dir, 'helm/cache'),
          HELM_CONFIG_HOME: join(dir, 'helm/config'),
          HELM_DATA_HOME: join(dir, 'helm/data'),
        },
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export const kubectlIn =
  (dir: string, signal?: AbortSignal): KubeClient =>
  (args) =>
    run(dir, 'kubectl', args, signal);

export const helmIn =
  (dir: string, signal?: AbortSignal): KubeClient =>
  (args) =>
    run(dir, 'helm', args, signal);

/** Runs the client and returns stdout; a non-zero exit is FLT_LOCAL_UP_INSTALL with its output. */
export async function mustRun(client: KubeClient, args: string[], doing: string): Promise<string> {
  const r = await client(args);
  if (r.code !== 0)
    throw new LocalUpError(
      'FLT_LOCAL_UP_INSTALL',
      `${doing} failed (exit ${r.code}):\n${(r.stderr || r.stdout).trim()}`,
    );
  return r.stdout;
}
