// Kubernetes Events (core/v1, so `kubectl describe` and `kubectl get events` show them) for
// notable transitions. Fire-and-forget: record() never throws or blocks a reconcile; failures
// are logged. An identical event (same object, type, reason and message) within the window bumps
// the count and lastTimestamp of the existing Event instead of creating another, as client-go's
// event correlator does.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { clientFor, type KubeClient } from './client.ts';
import { isNotFound } from './errors.ts';
import { CORE } from './resource-type.ts';
import { metaTime } from './status.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  /** `source.component` and `reportingComponent` of every Event. */
  component: string;
  /** Namespace for Events about cluster-scoped objects (the API server accepts only 'default'). @default 'default' */
  namespace?: string;
  logger?: Logger;
  /** Repeats within this window are counted on one Event. @default 600000 (10 minutes) */
  windowMs?: number;
  /** `reportingInstance`. @default the host name */
  instance?: string;
}

interface Seen {
  namespace: string;
  name: string;
  count: number;
  lastMs: number;
}

const MAX_REMEMBERED = 4096;
const MAX_MESSAGE = 1024;

export class EventRecorder {
  readonly #client: KubeClient;
  readonly #opts: EventRecorderOptions;
  readonly #seen = new Map<string, Seen>();
  /** The last write per correlation key: writes of one key run in order. */
  readonly #tails = new Map<string, Promise<void>>();

  constructor(kc: KubeConfig | KubeClient, opts: EventRecorderOptions) {
    this.#client = clientFor(kc);
    this.#opts = opts;
  }

  record(obj: KubernetesObject, type: EventType, reason: string, message: string): void {
    const key = [
      obj.metadata?.uid ?? `${obj.kind}/${obj.metadata?.namespace}/${obj.metadata?.name}`,
      type,
      reason,
      message,
    ].join('\u0000');
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => this.#write(key, obj, type, reason, message))
      .catch((err) =>
        this.#opts.logger?.warn(
          { err, reason, object: `${obj.kind}/${obj.metadata?.name}` },
          'recording an event failed',
        ),
      )
      .finally(() => {
        if (this.#tails.get(key) === next) this.#tails.delete(key);
      });
    this.#tails.set(key, next);
  }

  /** Waits for every event recorded so far to be written (or to fail). */
  async flush(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }

  async #write(
    key: string,
    obj: KubernetesObject,
    type: EventType,
    reason: string,
    message: string,
  ): Promise<void> {
    const now = new Date();
    const seen = this.#seen.get(key);
    if (seen && now.getTime() - seen.lastMs < (this.#opts.windowMs ?? 600_000)) {
      try {
        await this.#client.patch(
          CORE.event,
          { namespace: seen.namespace, name: seen.name },
          { count: seen.count + 1, lastTimestamp: metaTime(now) },
          'merge',
        );
        seen.count++;
        seen.lastMs = now.getTime();
        return;
      } catch (err) {
        // The Event expired (the API server keeps them an hour by default): create a new one.
        if (!isNotFound(err)) throw err;
      }
    }
    const namespace = obj.metadata?.namespace ?? this.#opts.namespace ?? 'default';
    const name = `${obj.metadata?.name ?? 'object'}.${now.getTime().toString(16)}${randomBytes(2).toString('hex')}`;
    await this.#client.create(CORE.event, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata?.name,
        namespace: obj.metadata?.namespace,
        uid: obj.metadata?.uid,
        resourceVersion: obj.metadata?.resourceVersion,
      },
      type,
      reason,
      message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 3)}...` : message,
      count: 1,
      firstTimestamp: metaTime(now),
      lastTimestamp: metaTime(now),
      source: { component: this.#opts.component },
      reportingComponent: this.#opts.component,
      reportingInstance: this.#opts.instance ?? hostname(),
    } as KubernetesObject);
    this.#seen.delete(key);
    this.#seen.set(key, { namespace, name, count: 1, lastMs: now.getTime() });
    if (this.#seen.size > MAX_REMEMBERED) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
  }
}
