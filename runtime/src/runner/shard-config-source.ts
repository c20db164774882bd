// Where a runner's shard config comes from: the ConfigMap `flotilla-shard-<N>` in its namespace
// (watched through the API server), or a JSON file (offline runs, benchmarks). Each change is
// parsed and validated; a bad document is reported and the running config stays.

import { unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseShardConfig } from '../../../operator/src/api/shard/parse.ts';
import {
  SHARD_CONFIG_KEY,
  type ShardConfig,
  shardConfigMapName,
} from '../../../operator/src/api/shard/shard-config.ts';

export interface ConfigListener {
  config(config: ShardConfig): void;
  /** The document is missing or invalid; `error` names the fields. */
  rejected(error: Error): void;
}

export interface ShardConfigSource {
  readonly description: string;
  start(listener: ConfigListener): Promise<void>;
  stop(): Promise<void>;
}

function parseOrReject(text: string | undefined, source: string, l: ConfigListener): void {
  if (text === undefined) {
    l.rejected(new Error(`${source} has no key ${SHARD_CONFIG_KEY}`));
    return;
  }
  try {
    l.config(parseShardConfig(text, source));
  } catch (err) {
    l.rejected(err as Error);
  }
}

export class FileConfigSource implements ShardConfigSource {
  readonly #path: string;
  readonly description: string;
  constructor(path: string) {
    this.#path = path;
    this.description = `file ${path}`;
  }
  async start(l: ConfigListener): Promise<void> {
    const load = async () =>
      parseOrReject(await readFile(this.#path, 'utf8').catch(() => undefined), this.description, l);
    await load();
    watchFile(this.#path, { interval: 250 }, () => void load());
  }
  async stop(): Promise<void> {
    unwatchFile(this.#path);
  }
}

/** Watches one ConfigMap by name with a list+watch that restarts with backoff on errors. */
export class ConfigMapSource implements ShardConfigSource {
  readonly description: string;
  readonly #namespace: string;
  readonly #name: string;
  readonly #kubeconfig: string | undefined;
  #stop?: () => Promise<void>;

  constructor(namespace: string, shard: number, kubeconfig?: string) {
    this.#namespace = namespace;
    this.#name = shardConfigMapName(shard);
    this.#kubeconfig = kubeconfig;
    this.description = `ConfigMap ${namespace}/${this.#name}`;
  }

  async start(l: ConfigListener): Promise<void> {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    if (this.#kubeconfig) kc.loadFromFile(this.#kubeconfig);
    else kc.loadFromDefault();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const fieldSelector = `metadata.name=${this.#name}`;
    const informer = new k8s.ListWatch<import('@kubernetes/client-node').V1ConfigMap>(
      `/api/v1/namespaces/${this.#namespace}/configmaps`,
      new k8s.Watch(kc),
      () => core.listNamespacedConfigMap({ namespace: this.#namespace, fieldSelector }),
      false,
      undefined,
      fieldSelector,
    );
    let lastVersion = '';
    const onObject = (cm: import('@kubernetes/client-node').V1ConfigMap) => {
      // A relist replays the same object; apply each resourceVersion once.
      if (cm.metadata?.resourceVersion === lastVersion) return;
      lastVersion = cm.metadata?.resourceVersion ?? '';
      parseOrReject(cm.data?.[SHARD_CONFIG_KEY], this.description, l);
    };
    informer.on('add', onObject);
    informer.on('update', onObject);
    informer.on('delete', () =>
      l.rejected(new Error(`${this.description} was deleted; keeping the running config`)),
    );
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let backoffMs = 500;
    informer.on('error', (err) => {
      if (stopped) return;
      l.rejected(
        new Error(
          `watching ${this.description} failed (${err?.message ?? err}); retrying in ${backoffMs} ms`,
        ),
      );
      timer = setTimeout(
        () =>
          void informer
            .start()
            .then(() => (backoffMs = 500))
            .catch(() => undefined),
        backoffMs,
      );
      backoffMs = Math.min(backoffMs * 2, 30_000);
    });
    informer.on('connect', () => (backoffMs = 500));
    this.#stop = async () => {
      stopped = true;
      clearTimeout(timer);
      await informer.stop();
    };
    await informer.start();
  }

  async stop(): Promise<void> {
    await this.#stop?.();
  }
}
