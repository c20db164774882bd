import type { V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { StrategyObject } from '../../../../operator/src/api/shard/resolve.ts';
import {
  SHARD_CONFIG_KEY,
  type ShardConfig,
} from '../../../../operator/src/api/shard/shard-config.ts';
import type { ModelSpec } from '../../../../operator/src/api/v1alpha1/model.ts';
import type { StrategySpec } from '../../../../operator/src/api/v1alpha1/strategy.ts';
import { validateManifest } from '../../../../operator/src/api/validation/validate.ts';
import {
  OVERFLOW_CONFIGMAP,
  readOverflow,
} from '../../../../operator/src/controllers/fleet/overflow-configmap.ts';
import {
  type FleetInputs,
  type FleetModel,
  renderFleet,
} from '../../../../operator/src/controllers/fleet/render-fleet.ts';
import { readShardConfigs } from '../../../../operator/src/controllers/fleet/shard-configmaps.ts';
import { model, strategy } from '../../../fixtures/objects.ts';

const OPTIONS = {
  namespace: 'fleet',
  capacity: 2,
  maxShards: 10,
  workload: { redisUrl: 'redis://10.0.0.1:6379' },
};

function strategyObject(name: string, instruments: string[], generation = 1, withModel = true) {
  const manifest = strategy((s) => {
    s.instruments = instruments;
    if (!withModel) {
      delete s.modelRef;
      s.decision.blendWeight = 0;
    }
  });
  const { value, errors } = validateManifest(manifest);
  expect(errors).toEqual([]);
  return { name, generation, spec: value.spec as StrategySpec } satisfies StrategyObject;
}

const verifiedModel = (verified = true, sha = 'a'): [string, FleetModel] => {
  const { value } = validateManifest(model((m) => (m.sha256 = sha.repeat(64))));
  return ['direction-lr', { spec: value.spec as ModelSpec, verified }];
};

/** Feeds a render's ConfigMaps back as the next render's existing state. */
const existingFrom = (objects: { kind?: string }[]) =>
  readShardConfigs(objects.filter((o) => o.kind === 'ConfigMap') as V1ConfigMap[]);

const configOf = (objects: { kind?: string; metadata?: { name?: string } }[], name: string) =>
  JSON.parse(
    (objects.find((o) => o.metadata?.name === name) as V1ConfigMap).data?.[SHARD_CONFIG_KEY] ?? '',
  ) as ShardConfig;

describe('renderFleet', () => {
  const inputs = (over: Partial<FleetInputs> = {}): FleetInputs => ({
    strategies: [
      strategyObject('a', ['BTC-USD']),
      strategyObject('b', ['BTC-USD']),
      strategyObject('c', ['ETH-USD']),
    ],
    models: new Map([verifiedModel()]),
    existing: new Map(),
    ...over,
  });

  it('renders one ConfigMap per shard and a StatefulSet with one replica per shard', () => {
    const fleet = renderFleet(inputs(), OPTIONS);
    expect(fleet.plan.shards).toBe(2);
    expect(fleet.objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'ConfigMap/flotilla-shard-0',
      'ConfigMap/flotilla-shard-1',
      'Service/flotilla-runner',
      'StatefulSet/flotilla-runner',
      'PodDisruptionBudget/flotilla-runner',
    ]);
    const sts = fleet.objects.find((o) => o.kind === 'StatefulSet') as {
      spec: { replicas: number };
    };
    expect(sts.spec.replicas).toBe(2);
    // Same instrument, same shard: a and b share BTC-USD's features and model batches.
    expect(fleet.plan.assignments.a).toBe(fleet.plan.assignments.b);
    const shard0 = configOf(fleet.objects, 'flotilla-shard-0');
    expect(shard0.generation).toBe(1);
    expect(shard0.strategies[0]?.model?.sha256).toBe('a'.repeat(64));
  });

  it('renders identical objects when nothing changed, keeping each config generation', () => {
    const first = renderFleet(inputs(), OPTIONS);
    const second = renderFleet(inputs({ existing: existingFrom(first.objects) }), OPTIONS);
    expect(second.objects).toEqual(first.objects);
  });

  it('bumps the generation only of the shard whose content changed', () => {
    const first = renderFleet(inputs(), OPTIONS);
    const changed = inputs({ existing: existingFrom(first.objects) });
    const c = changed.strategies[2] as StrategyObject;
    (changed.strategies as StrategyObject[])[2] = {
      ...c,
      generation: 2,
      spec: { ...c.spec, paused: true },
    };
    const second = renderFleet(changed, OPTIONS);
    const shardOfC = second.plan.assignments.c as number;
    expect(configOf(second.objects, `flotilla-shard-${shardOfC}`).generation).toBe(2);
    expect(configOf(second.objects, `flotilla-shard-${1 - shardOfC}`).generation).toBe(1);
  });

  it('keeps running the last verified model while a new version is unverified', () => {
    const first = renderFleet(inputs(), OPTIONS);
    const second = renderFleet(
      inputs({
        existing: existingFrom(first.objects),
        models: new Map([verifiedModel(false, 'b')]),
      }),
      OPTIONS,
    );
    expect(second.objects).toEqual(first.objects);
    const third = renderFleet(
      inputs({
        existing: existingFrom(first.objects),
        models: new Map([verifiedModel(true, 'b')]),
      }),
      OPTIONS,
    );
    expect(configOf(third.objects, 'flotilla-shard-0').strategies[0]?.model?.sha256).toBe(
      'b'.repeat(64),
    );
    expect(configOf(third.objects, 'flotilla-shard-0').generation).toBe(2);
  });

  it('leaves out a model-only strategy whose model was never verified, and says why', () => {
    const onlyModel = strategyObject('m', ['SOL-USD']);
    delete (onlyModel.spec as { rules?: unknown }).rules;
    onlyModel.spec.decision.blendWeight = 1;
    const fleet = renderFleet(
      inputs({
        strategies: [onlyModel, strategyObject('r', ['SOL-USD'], 1, false)],
        models: new Map([verifiedModel(false)]),
      }),
      OPTIONS,
    );
    expect(fleet.unplaced).toEqual([
      expect.objectContaining({ name: 'm', reason: 'ModelNotReady' }),
    ]);
    expect(Object.keys(fleet.plan.assignments)).toEqual(['r']);
  });

  it('leaves out the strategies past capacity × maxShards, never a placed one, and says why', () => {
    const limits = { ...OPTIONS, capacity: 2, maxShards: 2 };
    const first = renderFleet(inputs(), limits);
    expect(first.unplaced).toEqual([]);
    expect(first.objects.some((o) => o.metadata?.name === OVERFLOW_CONFIGMAP)).toBe(false);
    // Two more on a full fleet of four: 'aa' (first by name among the new) takes the last place,
    // 'd' is left out; a, b and c keep their shards.
    const more = inputs({ existing: existingFrom(first.objects) });
    (more.strategies as StrategyObject[]).push(
      strategyObject('d', ['ETH-USD']),
      strategyObject('aa', ['ETH-USD']),
    );
    const second = renderFleet(more, limits);
    expect(second.plan.moved).toEqual([]);
    expect(Object.keys(second.plan.assignments).sort()).toEqual(['a', 'aa', 'b', 'c']);
    expect(second.unplaced).toEqual([
      {
        name: 'd',
        reason: 'ShardLimit',
        message: expect.stringMatching(/hold 4 strategies \(shardCapacity 2 × maxShards 2\)/),
      },
    ]);
    const overflow = second.objects.find((o) => o.metadata?.name === OVERFLOW_CONFIGMAP);
    expect(readOverflow([overflow as V1ConfigMap])).toEqual({
      strategies: ['d'],
      capacity: 2,
      maxShards: 2,
    });
    // Room again (c deleted): d is placed and the overflow ConfigMap is no longer desired.
    const fewer = inputs({ existing: existingFrom(second.objects) });
    (fewer.strategies as StrategyObject[]).splice(2, 1, strategyObject('d', ['ETH-USD']));
    (fewer.strategies as StrategyObject[]).push(strategyObject('aa', ['ETH-USD']));
    const third = renderFleet(fewer, limits);
    expect(third.unplaced).toEqual([]);
    expect(Object.keys(third.plan.assignments).sort()).toEqual(['a', 'aa', 'b', 'd']);
    expect(third.objects.some((o) => o.metadata?.name === OVERFLOW_CONFIGMAP)).toBe(false);
  });

  it('shrinks to zero replicas when the last strategy goes', () => {
    const fleet = renderFleet(inputs({ strategies: [] }), OPTIONS);
    expect(fleet.plan.shards).toBe(0);
    expect(fleet.objects.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
  });
});
