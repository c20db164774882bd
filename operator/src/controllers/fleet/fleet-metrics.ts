// What the last fleet render decided, as Prometheus gauges: the runner shards, and the
// strategies left out of every shard by reason (ShardLimit: the runners are full; ModelNotReady:
// no verified model and no rules). Something to alert on: neither fixes itself.
import { Gauge, type Registry } from 'prom-client';
import type { DesiredFleet, Unplaced } from './render-fleet.ts';

const REASONS: readonly Unplaced['reason'][] = ['ShardLimit', 'ModelNotReady'];

export class FleetMetrics {
  readonly #shards: Gauge;
  readonly #leftOut: Gauge<'reason'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#shards = new Gauge({
      name: 'flotilla_operator_fleet_shards',
      help: 'Runner shards of the fleet as last rendered (the runner StatefulSet replicas).',
      registers,
    });
    this.#leftOut = new Gauge({
      name: 'flotilla_operator_strategies_left_out',
      help: 'Strategies placed on no shard, by reason (ShardLimit, ModelNotReady).',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of REASONS) this.#leftOut.set({ reason }, 0);
  }

  observe(fleet: Pick<DesiredFleet, 'plan' | 'unplaced'>): void {
    this.#shards.set(fleet.plan.shards);
    for (const reason of REASONS)
      this.#leftOut.set({ reason }, fleet.unplaced.filter((u) => u.reason === reason).length);
  }
}
