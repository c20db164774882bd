// Models read through the Kubernetes API (the local cluster): the Model whose spec.sha256 is the
// decision's digest gives the artifact, fetched from its URI and verified; the CLI uses it with
// --namespace.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../../../cli/local-kube.ts';
import { KubeClient } from '../../../operator/src/kube/client.ts';
import { loadKubeConfig } from '../../../operator/src/kube/config.ts';
import { FLOTILLA } from '../../../operator/src/kube/resource-type.ts';
import { explainDecision } from '../../../runtime/src/forensics/explain.ts';
import { kubeModelSource } from '../../../runtime/src/forensics/kube-model-source.ts';
import { ledgerClient } from '../../../runtime/src/forensics/ledger-client.ts';
import { migrateLedger } from '../../../runtime/src/ledger/migrate.ts';
import type { DecisionRow } from '../../../runtime/src/ledger/records.ts';
import { applyCrds, createNamespace } from '../../harness/namespace.ts';
import { dropDatabase, uniqueDatabase } from '../ledger/ledger-db.ts';
import {
  artifactPath,
  exampleSpec,
  insertDecisions,
  modelCache,
  removeDir,
  scoredDecisions,
} from './ledger-fixture.ts';

const kubeconfig = inject('kubeconfig');
const clickhouseUrl = inject('clickhouseUrl');
const client = ledgerClient(clickhouseUrl);
const kube = new KubeClient(loadKubeConfig({ kubeconfig }));
let namespace: string;
let database: string;
let cacheDir: string;
let lr: DecisionRow;
let gbt: DecisionRow;

function modelObject(name: string, sha256: string, uri: string, inputs: string[]) {
  return {
    apiVersion: 'flotilla.dev/v1alpha1',
    kind: 'Model',
    metadata: { name, namespace },
    spec: { uri, sha256, inputs },
  } as KubernetesObject;
}

const artifactOptions = () => ({ cacheDir, fetchTimeoutMs: 10_000, maxModelBytes: 2 ** 24 });

beforeAll(async () => {
  await applyCrds(kubeconfig, join(REPO_ROOT, 'crds'));
  namespace = await createNamespace(kubeconfig, 'forensics');
  database = uniqueDatabase('forensics_kube');
  await migrateLedger(client, database);
  cacheDir = modelCache([]);
  [lr] = (await scoredDecisions('direction-lr', 1)) as [DecisionRow];
  [gbt] = (await scoredDecisions('direction-gbt', 1)) as [DecisionRow];
  await insertDecisions(client, database, [lr, gbt]);
  const lrSpec = exampleSpec('direction-lr');
  await kube.create(
    FLOTILLA.model,
    modelObject('direction-lr', lrSpec.sha256, lrSpec.uri, lrSpec.inputs),
  );
  // Declares the tree ensemble's digest but points at the linear model's file.
  const gbtSpec = exampleSpec('direction-gbt');
  await kube.create(
    FLOTILLA.model,
    modelObject(
      'mislabelled',
      gbtSpec.sha256,
      pathToFileURL(artifactPath('direction-lr')).href,
      gbtSpec.inputs,
    ),
  );
});

afterAll(async () => {
  await dropDatabase(client, database);
  await client.close();
  removeDir(cacheDir);
});

describe('the Kubernetes model source', () => {
  it('re-scores with the Model whose spec.sha256 is the digest, fetched from its URI', async () => {
    const models = [kubeModelSource({ client: kube, namespace, artifact: artifactOptions() })];
    const e = await explainDecision({ client, database, models }, lr.id);
    expect(e.matches).toEqual({ ml: true, final: true });
    expect(e.model).toMatchObject({
      name: 'direction-lr',
      from: `Model direction-lr in namespace ${namespace} (${exampleSpec('direction-lr').uri})`,
    });
  });

  it('refuses an artifact whose bytes do not have the digest, naming the namespace', async () => {
    const models = [kubeModelSource({ client: kube, namespace, artifact: artifactOptions() })];
    await expect(explainDecision({ client, database, models }, gbt.id)).rejects.toMatchObject({
      code: 'FLT_DECISION_MODEL_MISSING',
      message: expect.stringMatching(
        new RegExp(
          `Models in Kubernetes namespace ${namespace}: model mislabelled@.*checksum mismatch`,
        ),
      ),
      cause: expect.objectContaining({ code: 'FLT_MODEL_CHECKSUM' }),
    });
  });

  it('is what `flotilla decision --namespace` uses when the cache lacks the artifact', async () => {
    const empty = modelCache([]);
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          join(REPO_ROOT, 'cli/main.ts'),
          'decision',
          lr.id,
          '--clickhouse-url',
          clickhouseUrl,
          '--database',
          database,
          '--model-cache',
          empty,
          '--namespace',
          namespace,
          '--kubeconfig',
          kubeconfig,
        ],
        { timeout: 60_000 },
      );
      expect(stdout).toContain(`from Model direction-lr in namespace ${namespace}`);
      expect(stdout).toMatch(/^re-scored: ml [0-9.]+ = [0-9.]+ ✓/m);
    } finally {
      removeDir(empty);
    }
  });
});
