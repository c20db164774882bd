// The informer's store and its decisions, free of I/O: which events a watch event or a relist
// produces. An update is only reported when the resourceVersion changed (a relist or a resumed
// watch replays objects the cache already holds).
import type { KubernetesObject } from '@kubernetes/client-node';
import { formatKey, keyOf, type ObjectKey } from './object-key.ts';

export type CacheEvent<T> =
  | { type: 'add'; obj: T }
  | { type: 'update'; obj: T; old: T }
  | { type: 'delete'; obj: T };

export class ObjectCache<T extends KubernetesObject> {
  readonly #objects = new Map<string, T>();

  get size(): number {
    return this.#objects.size;
  }

  get(key: ObjectKey): T | undefined {
    return this.#objects.get(formatKey(key));
  }

  list(namespace?: string): T[] {
    const all = [...this.#objects.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
  }

  /** An object was added or modified. */
  upsert(obj: T): CacheEvent<T> | undefined {
    const key = formatKey(keyOf(obj));
    const old = this.#objects.get(key);
    this.#objects.set(key, obj);
    if (!old) return { type: 'add', obj };
    if (old.metadata?.resourceVersion === obj.metadata?.resourceVersion) return undefined;
    return { type: 'update', obj, old };
  }

  /** An object was deleted; reports the last state the cache held. */
  remove(obj: T): CacheEvent<T> | undefined {
    const key = formatKey(keyOf(obj));
    const old = this.#objects.get(key);
    if (!old) return undefined;
    this.#objects.delete(key);
    return { type: 'delete', obj };
  }

  /** A fresh list replaces the store: adds and updates for what it holds, deletes for what it lacks. */
  replace(items: T[]): CacheEvent<T>[] {
    const events: CacheEvent<T>[] = [];
    const listed = new Set(items.map((o) => formatKey(keyOf(o))));
    for (const [key, old] of this.#objects)
      if (!listed.has(key)) {
        this.#objects.delete(key);
        events.push({ type: 'delete', obj: old });
      }
    for (const obj of items) {
      const e = this.upsert(obj);
      if (e) events.push(e);
    }
    return events;
  }
}
