// Where the embedded Kubernetes binary (local/kube) and a local cluster's files are.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { FlotillaError } from '../operator/src/errors.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '..');

/** The multi-call binary built by `make kube`. */
export function kubeBinary(): string {
  const bin = join(REPO_ROOT, 'local/kube/bin/kube');
  if (!existsSync(bin)) {
    throw new FlotillaError(
      'FLT_LOCAL_KUBE_MISSING',
      `${bin} is not built; run \`make kube\` in ${REPO_ROOT} (about 10 minutes the first time)`,
    );
  }
  return bin;
}

/** @default `$FLOTILLA_LOCAL_DIR`, else ~/.flotilla/local-cluster */
export function defaultClusterDir(): string {
  return process.env.FLOTILLA_LOCAL_DIR ?? join(homedir(), '.flotilla', 'local-cluster');
}

/** The argv a pod's container runs for Flotilla's own image: this checkout's flotilla command. */
export function flotillaEntrypoint(): string[] {
  return [process.execPath, join(REPO_ROOT, 'cli/bin/flotilla.js')];
}

/**
 * `kube up` for a cluster in `dir` whose Flotilla image is this checkout, stopping when the
 * process that started it dies.
 */
export function kubeUpArgs(dir: string): string[] {
  return [
    'up',
    '--dir',
    dir,
    '--exit-with-parent',
    '--flotilla-entrypoint',
    flotillaEntrypoint().join(','),
  ];
}
