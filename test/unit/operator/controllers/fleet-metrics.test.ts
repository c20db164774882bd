import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FleetMetrics } from '../../../../operator/src/controllers/fleet/fleet-metrics.ts';

const value = async (registry: Registry, name: string, labels: Record<string, string> = {}) => {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const hit = (metric?.values ?? []).find((v) =>
    Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return hit?.value;
};

describe('FleetMetrics', () => {
  it('reports the shards and the strategies left out by reason, 0 for a reason with none', async () => {
    const registry = new Registry();
    const metrics = new FleetMetrics(registry);
    expect(
      await value(registry, 'flotilla_operator_strategies_left_out', { reason: 'ShardLimit' }),
    ).toBe(0);
    metrics.observe({
      plan: { assignments: { a: 0, b: 1 }, shards: 2, moved: [] },
      unplaced: [
        { name: 'c', reason: 'ShardLimit', message: '' },
        { name: 'd', reason: 'ShardLimit', message: '' },
        { name: 'm', reason: 'ModelNotReady', message: '' },
      ],
    });
    expect(await value(registry, 'flotilla_operator_fleet_shards')).toBe(2);
    expect(
      await value(registry, 'flotilla_operator_strategies_left_out', { reason: 'ShardLimit' }),
    ).toBe(2);
    expect(
      await value(registry, 'flotilla_operator_strategies_left_out', { reason: 'ModelNotReady' }),
    ).toBe(1);
    metrics.observe({ plan: { assignments: {}, shards: 0, moved: [] }, unplaced: [] });
    expect(
      await value(registry, 'flotilla_operator_strategies_left_out', { reason: 'ShardLimit' }),
    ).toBe(0);
    expect(await value(registry, 'flotilla_operator_fleet_shards')).toBe(0);
  });
});
