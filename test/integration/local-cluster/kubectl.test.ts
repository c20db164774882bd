// The real kubectl against the real API server of the local cluster, with Flotilla's CRDs.
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../../../cli/local-kube.ts';
import { kubectl, kubectlOk } from '../../harness/kubectl.ts';
import { applyCrds, createNamespace } from '../../harness/namespace.ts';

const kubeconfig = inject('kubeconfig');
const crds = join(REPO_ROOT, 'crds');
const examples = join(REPO_ROOT, 'examples/fleet');
let ns: string;

beforeAll(async () => {
  await applyCrds(kubeconfig, crds);
  ns = await createNamespace(kubeconfig, 'kubectl');
});

const k = (...args: string[]) => kubectlOk(kubeconfig, ['-n', ns, ...args]);

describe('kubectl against the local cluster', () => {
  it('applies the example fleet client-side, server-side and as a server dry run', async () => {
    expect(await k('apply', '-f', examples)).toContain(
      'strategy.flotilla.dev/momentum-btc created',
    );
    const other = await createNamespace(kubeconfig, 'ssa');
    expect(
      await kubectlOk(kubeconfig, ['-n', other, 'apply', '--server-side', '-f', examples]),
    ).toContain('serverside-applied');
    const dry = await createNamespace(kubeconfig, 'dry');
    expect(
      await kubectlOk(kubeconfig, ['-n', dry, 'apply', '--dry-run=server', '-f', examples]),
    ).toContain('(server dry run)');
    expect(await kubectlOk(kubeconfig, ['-n', dry, 'get', 'flotilla', '-o', 'name'])).toBe('');
  });

  it('shows the printer columns and the defaults the API server filled in', async () => {
    const table = await k('get', 'strategies');
    expect(table.split('\n')[0]).toMatch(
      /^NAME\s+INSTRUMENTS\s+MODEL\s+PRIORITY\s+SHARD\s+READY\s+AGE$/,
    );
    expect(table).toMatch(/momentum-btc\s+\["BTC-USD"\]\s+direction-lr\s+critical/);
    expect(
      await k(
        'get',
        'strategy',
        'momentum-alts',
        '-o',
        'jsonpath={.spec.priority} {.spec.budget.computePerSecond} {.spec.paused}',
      ),
    ).toBe('normal 50ms false');
    expect((await k('get', 'cb')).split('\n')[0]).toMatch(
      /^NAME\s+ACTION\s+STATE\s+TRIPS\s+MATCHED\s+AGE$/,
    );
  });

  it('lists every kind through the flotilla category and the short names', async () => {
    const names = (await k('get', 'flotilla', '-o', 'name')).trim().split('\n');
    expect(names).toHaveLength(12);
    expect(await k('get', 'strat,mdl,exp,cb', '-o', 'name')).toContain(
      'experiment.flotilla.dev/momentum-btc-gbt',
    );
  });

  it('explains fields from the schema descriptions', async () => {
    const out = await k('explain', 'strategy.spec.decision.blendWeight');
    expect(out).toContain('Share of the model score in the final score');
    expect(await k('explain', 'experiments.spec.trafficPercent')).toContain('canary mode only');
  });

  it('patches status through the subresource and waits for a condition', async () => {
    const status = {
      status: {
        observedGeneration: 1,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Running',
            message: 'runner reports generation 1',
            lastTransitionTime: '2026-11-23T00:00:00Z',
          },
        ],
      },
    };
    await k(
      'patch',
      'strategy',
      'breakout-aapl',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify(status),
    );
    await k('wait', '--for=condition=Ready', '--timeout=30s', 'strategy/breakout-aapl');
    expect(
      await k('get', 'strategy', 'breakout-aapl', '-o', 'jsonpath={.status.conditions[0].reason}'),
    ).toBe('Running');
    // A spec change through the main resource leaves status alone, and status cannot change spec.
    await k(
      'patch',
      'strategy',
      'breakout-aapl',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"spec":{"paused":true}}',
    );
    expect(await k('get', 'strategy', 'breakout-aapl', '-o', 'jsonpath={.spec.paused}')).toBe(
      'false',
    );
  });

  it('labels objects and selects by label', async () => {
    await k('label', 'strategy', 'trend-equities', 'flotilla.dev/tier=gold');
    expect(
      (await k('get', 'strategies', '-l', 'flotilla.dev/tier=gold', '-o', 'name')).trim(),
    ).toBe('strategy.flotilla.dev/trend-equities');
  });

  it('deletes an object only once its finalizer is removed', async () => {
    await k(
      'patch',
      'model',
      'direction-gbt',
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":["flotilla.dev/test"]}}',
    );
    await k('delete', 'model', 'direction-gbt', '--wait=false');
    expect(
      await k('get', 'model', 'direction-gbt', '-o', 'jsonpath={.metadata.deletionTimestamp}'),
    ).not.toBe('');
    await k(
      'patch',
      'model',
      'direction-gbt',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    );
    await k('wait', '--for=delete', '--timeout=30s', 'model/direction-gbt');
    const gone = await kubectl(kubeconfig, ['-n', ns, 'get', 'model', 'direction-gbt']);
    expect(gone.stderr).toContain('NotFound');
  });

  it('rejects a bad custom resource with the field path and the limit', async () => {
    const bad = `apiVersion: flotilla.dev/v1alpha1
kind: Experiment
metadata: {name: bad}
spec:
  strategyRef: {name: momentum-btc}
  champion: {modelRef: {name: direction-lr}}
  challenger: {modelRef: {name: direction-lr}}
  mode: canary
  trafficPercent: 140
`;
    const r = await kubectl(kubeconfig, ['-n', ns, 'apply', '-f', '-'], bad);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('spec.trafficPercent');
    expect(r.stderr).toContain('100');
    expect(r.stderr).toContain('spec.challenger.modelRef.name');
    expect(r.stderr).toContain('challenger must be a different model from champion');
  });
});
