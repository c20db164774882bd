import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../cli/local-kube.ts';
import { durationMs } from '../../../operator/src/api/duration.ts';
import { parseShardConfig } from '../../../operator/src/api/shard/parse.ts';
import { resolveBlendWeight, resolveShard } from '../../../operator/src/api/shard/resolve.ts';
import type { ModelSpec } from '../../../operator/src/api/v1alpha1/model.ts';
import type { StrategySpec } from '../../../operator/src/api/v1alpha1/strategy.ts';
import { validateManifest } from '../../../operator/src/api/validation/validate.ts';
import { model, strategy } from '../../fixtures/objects.ts';
import { shardConfig, shardStrategy } from '../../fixtures/shard.ts';

const withDefaults = <T>(obj: object) => validateManifest(obj).value.spec as T;

describe('shard config contract', () => {
  it('resolves Strategy and Model objects into a config that parses back unchanged', () => {
    const spec = withDefaults<StrategySpec>(strategy());
    const models = new Map([['direction-lr', withDefaults<ModelSpec>(model())]]);
    const config = resolveShard(3, 7, [{ name: 'momentum-btc', generation: 2, spec }], models);
    expect(config.strategies[0]).toMatchObject({
      name: 'momentum-btc',
      generation: 2,
      decision: { threshold: 0.6, blendWeight: 0.5, direction: 'both' },
      budgetMsPerSecond: 50,
      priority: 'normal',
      model: {
        name: 'direction-lr',
        sha256: 'a'.repeat(64),
        outputs: { name: 'probabilities', column: 1 },
      },
    });
    expect(parseShardConfig(JSON.stringify(config))).toEqual(config);
  });

  it.each([
    [{ modelRef: { name: 'm' } }, 1],
    [{ modelRef: { name: 'm' }, rules: {} }, 0.5],
    [{ rules: {} }, 0],
    [{ rules: {}, modelRef: { name: 'm' }, decision: { blendWeight: 0.3 } }, 0.3],
  ])('blendWeight default for %o is %s', (spec, expected) => {
    expect(resolveBlendWeight({ decision: {}, ...spec } as unknown as StrategySpec)).toBe(expected);
  });

  it.each([
    ['50ms', 50],
    ['1s', 1_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1_500],
    ['250us', 0.25],
  ])('duration %s is %s ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });

  it('rejects a non-duration', () => {
    expect(() => durationMs('5 minutes')).toThrow(/not a duration/);
  });

  it.each([
    ['not JSON', '{', /\(document\): is not JSON/],
    [
      'a bad threshold',
      JSON.stringify(
        shardConfig([
          shardStrategy('a', { decision: { ...shardStrategy('a').decision, threshold: 2 } }),
        ]),
      ),
      /strategies\[0\]\.decision\.threshold: 2 is above the maximum 1/,
    ],
    [
      'a duplicate name',
      JSON.stringify(shardConfig([shardStrategy('a'), shardStrategy('a')])),
      /strategies\[1\]\.name: "a" appears twice/,
    ],
    [
      'an undeclared rule feature',
      JSON.stringify(
        shardConfig([
          shardStrategy('a', { rules: { bias: 0, weights: [{ feature: 'ema_9', weight: 1 }] } }),
        ]),
      ),
      /strategies\[0\]\.rules\.weights: ema_9 is not one of the strategy's features/,
    ],
    [
      'no score source',
      JSON.stringify(shardConfig([{ ...shardStrategy('a'), rules: undefined }])),
      /strategies\[0\]: needs rules or a model/,
    ],
    ['a wrong version', JSON.stringify({ ...shardConfig([]), version: 2 }), /version/],
  ])('rejects %s, naming the field', (_what, text, message) => {
    expect(() => parseShardConfig(text, 'ConfigMap ns/flotilla-shard-0')).toThrow(message);
    try {
      parseShardConfig(text, 'ConfigMap ns/flotilla-shard-0');
    } catch (err) {
      expect((err as { code?: string }).code).toBe('FLT_INVALID_SPEC');
      expect((err as Error).message).toContain('ConfigMap ns/flotilla-shard-0 is invalid');
    }
  });

  it('accepts the example in docs/reference/runner.md', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs/reference/runner.md'), 'utf8');
    const json = /```json\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(json).toBeDefined();
    expect(parseShardConfig(json ?? '').strategies[0]?.name).toBe('momentum-btc');
  });
});
