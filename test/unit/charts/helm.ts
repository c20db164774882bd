// The real helm (local/kube/bin/helm, built by `make kube`) run on charts/flotilla. No cluster:
// lint and template only. A missing helm fails the tests with what to do; it never skips them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

export const ROOT = join(import.meta.dirname, '../../..');
export const CHART = join(ROOT, 'charts/flotilla');
export const HELM = join(ROOT, 'local/kube/bin/helm');
export const RELEASE_NAMESPACE = 'flotilla-system';

// helm's cache, config and data dirs under the repo's .cache: nothing read from $HOME.
const home = join(ROOT, '.cache/helm-unit');
const env = {
  ...process.env,
  HELM_CACHE_HOME: join(home, 'cache'),
  HELM_CONFIG_HOME: join(home, 'config'),
  HELM_DATA_HOME: join(home, 'data'),
};

export interface HelmRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs helm; values, when given, go in as a values file on stdin (`-f -`). */
export function helm(args: string[], values?: object): HelmRun {
  if (!existsSync(HELM))
    throw new Error(`${HELM} is missing: run \`make kube\` to build the project's helm`);
  const run = spawnSync(HELM, values ? [...args, '-f', '-'] : args, {
    input: values ? stringify(values) : undefined,
    encoding: 'utf8',
    env,
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export type Manifest = Record<string, any>;

/** `helm template` of the chart; throws with helm's message when it refuses the values. */
export function render(values: object = {}, namespace = RELEASE_NAMESPACE): Manifest[] {
  const run = helm(['template', 'flotilla', CHART, '--namespace', namespace], values);
  if (run.status !== 0) throw new Error(run.stderr);
  return parseAllDocuments(run.stdout)
    .map((doc) => doc.toJSON() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

/** The one rendered object of this kind (and name, when given). */
export function find(manifests: Manifest[], kind: string, name?: string): Manifest {
  const hits = manifests.filter(
    (m) => m.kind === kind && (name === undefined || m.metadata.name === name),
  );
  if (hits.length !== 1)
    throw new Error(`expected one ${kind} ${name ?? ''}, rendered ${hits.length}`);
  return hits[0] as Manifest;
}
