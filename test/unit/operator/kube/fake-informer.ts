// An in-memory Informer (the interface, not a fake API server) for controller tests.
import type { KubernetesObject } from '@kubernetes/client-node';
import type {
  Informer,
  InformerEvent,
  InformerHandler,
} from '../../../../operator/src/kube/informer.ts';
import { formatKey, keyOf, type ObjectKey } from '../../../../operator/src/kube/object-key.ts';
import { CORE, type ResourceType } from '../../../../operator/src/kube/resource-type.ts';

export class FakeInformer<T extends KubernetesObject> implements Informer<T> {
  readonly type: ResourceType;
  synced = false;
  readonly #objects = new Map<string, T>();
  readonly #handlers: Record<InformerEvent, InformerHandler<T>[]> = {
    add: [],
    update: [],
    delete: [],
  };

  constructor(type: ResourceType = CORE.configMap) {
    this.type = type;
  }
  async start(): Promise<void> {
    this.synced = true;
  }
  async stop(): Promise<void> {}
  get(key: ObjectKey): T | undefined {
    return this.#objects.get(formatKey(key));
  }
  list(namespace?: string): T[] {
    return [...this.#objects.values()].filter(
      (o) => !namespace || o.metadata?.namespace === namespace,
    );
  }
  on(event: InformerEvent, handler: InformerHandler<T>): void {
    this.#handlers[event].push(handler);
  }

  /** Stores `obj` and announces it as an add or an update. */
  put(obj: T): void {
    const key = formatKey(keyOf(obj));
    const old = this.#objects.get(key);
    this.#objects.set(key, obj);
    for (const h of this.#handlers[old ? 'update' : 'add']) h(obj, old);
  }

  remove(obj: T): void {
    this.#objects.delete(formatKey(keyOf(obj)));
    for (const h of this.#handlers.delete) h(obj);
  }
}

export function configMap(
  name: string,
  extra: Partial<KubernetesObject['metadata']> = {},
): KubernetesObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', ...extra } };
}
