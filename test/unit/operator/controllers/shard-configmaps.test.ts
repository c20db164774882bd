import type { V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  cachedPlacements,
  previousPlacement,
  ShardConfigCache,
  shardConfigMap,
} from '../../../../operator/src/controllers/fleet/shard-configmaps.ts';
import { shardConfig, shardStrategy } from '../../../fixtures/shard.ts';

const cm = (shard: number, names: string[], rv: string, generation = 1): V1ConfigMap => {
  const out = shardConfigMap(
    'fleet',
    shardConfig(
      names.map((n) => shardStrategy(n)),
      generation,
      shard,
    ),
  );
  return { ...out, metadata: { ...out.metadata, resourceVersion: rv } };
};

describe('ShardConfigCache', () => {
  it('reads placements back from the ConfigMaps the operator wrote', () => {
    const configs = new ShardConfigCache().configs([cm(0, ['a', 'b'], '1'), cm(1, ['c'], '2')]);
    expect(previousPlacement(configs)).toEqual({ a: 0, b: 0, c: 1 });
  });

  it('returns the same Map until a ConfigMap changes, so indexes are built once per change', () => {
    const cache = new ShardConfigCache();
    const first = cache.configs([cm(0, ['a'], '1')]);
    expect(cache.configs([cm(0, ['a'], '1')])).toBe(first);
    expect(cachedPlacements(first)).toBe(cachedPlacements(cache.configs([cm(0, ['a'], '1')])));
    const changed = cache.configs([cm(0, ['a', 'b'], '2', 2)]);
    expect(changed).not.toBe(first);
    expect(cachedPlacements(changed).get('b')).toMatchObject({ shard: 0, configGeneration: 2 });
  });

  it('ignores ConfigMaps it did not write and ones that do not parse', () => {
    const foreign: V1ConfigMap = {
      metadata: { name: 'flotilla-shard-3', resourceVersion: '1' },
      data: {},
    };
    const broken = cm(2, ['x'], '5');
    broken.data = { 'shard.json': '{not json' };
    expect([
      ...new ShardConfigCache().configs([foreign, broken, cm(0, ['a'], '1')]).keys(),
    ]).toEqual([0]);
  });
});
