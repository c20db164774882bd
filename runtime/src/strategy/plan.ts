// Which strategies a new shard config adds, removes or changes. Pure.
import { isDeepStrictEqual } from 'node:util';
import type { ShardStrategy } from '../../../operator/src/api/shard/shard-config.ts';

export interface ConfigPlan {
  added: string[];
  removed: string[];
  changed: string[];
}

export function planConfig(
  current: ReadonlyMap<string, { config: ShardStrategy }>,
  next: readonly ShardStrategy[],
): ConfigPlan {
  const nextNames = new Set(next.map((s) => s.name));
  const plan: ConfigPlan = { added: [], removed: [], changed: [] };
  for (const name of current.keys()) if (!nextNames.has(name)) plan.removed.push(name);
  for (const s of next) {
    const old = current.get(s.name);
    if (!old) plan.added.push(s.name);
    else if (!isDeepStrictEqual(old.config, s)) plan.changed.push(s.name);
  }
  return plan;
}
