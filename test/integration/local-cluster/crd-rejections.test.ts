// The foundation's table of bad specs, against the real API server: every row is rejected and
// the message names the same field path as Flotilla's own validation.
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../../../cli/local-kube.ts';
import { badSpecs } from '../../fixtures/bad-specs.ts';
import { circuitBreaker, experiment, model, strategy } from '../../fixtures/objects.ts';
import { kubectl } from '../../harness/kubectl.ts';
import { applyCrds, createNamespace } from '../../harness/namespace.ts';

const kubeconfig = inject('kubeconfig');
let ns: string;

beforeAll(async () => {
  await applyCrds(kubeconfig, join(REPO_ROOT, 'crds'));
  ns = await createNamespace(kubeconfig, 'rejections');
});

const dryRun = (obj: unknown) =>
  kubectl(kubeconfig, ['-n', ns, 'create', '--dry-run=server', '-f', '-'], stringify(obj));

describe('the API server', () => {
  it.each([strategy(), model(), experiment(), circuitBreaker()].map((o) => [o.kind, o]))(
    'accepts a valid %s',
    async (_kind, obj) => {
      const r = await dryRun(obj);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    },
  );

  it.each(badSpecs)('rejects %s at the same field path', async (_name, obj, path) => {
    const r = await dryRun(obj);
    expect(r.code, r.stdout).not.toBe(0);
    expect(r.stderr).toContain(path);
  });
});
