// The strategies of the example fleet and the instruments they trade: what local up feeds ticks
// for, waits on and reports.
import { readManifests } from '../../operator/src/api/manifests.ts';

export interface FleetStrategy {
  name: string;
  instruments: readonly string[];
}

export interface Fleet {
  /** Sorted by name. */
  strategies: readonly FleetStrategy[];
  /** Every instrument a strategy trades, sorted, once each. */
  instruments: readonly string[];
}

interface StrategyManifest {
  kind?: unknown;
  metadata?: { name?: unknown };
  spec?: { instruments?: unknown };
}

/** The Strategy objects among manifest objects. */
export function fleetOf(objects: readonly unknown[]): Fleet {
  const strategies: FleetStrategy[] = [];
  for (const object of objects) {
    const o = object as StrategyManifest;
    if (o?.kind !== 'Strategy' || typeof o.metadata?.name !== 'string') continue;
    const instruments = Array.isArray(o.spec?.instruments)
      ? o.spec.instruments.filter((i): i is string => typeof i === 'string')
      : [];
    strategies.push({ name: o.metadata.name, instruments });
  }
  strategies.sort((a, b) => a.name.localeCompare(b.name));
  const instruments = [...new Set(strategies.flatMap((s) => s.instruments))].sort();
  return { strategies, instruments };
}

export function readFleet(dir: string): Fleet {
  return fleetOf(readManifests([dir]).map((d) => d.object));
}
