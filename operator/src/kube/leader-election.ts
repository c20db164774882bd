// Lease-based leader election (client-go's leaderelection on a coordination.k8s.io/v1 Lease).
// Candidates poll the Lease every retryPeriod; writes are optimistic (PUT with the
// resourceVersion read, so of two candidates only one wins). The leader renews every
// retryPeriod and gives up when no renewal succeeded for renewDeadline, before the others may
// take over (leaseDuration after they last saw it renewed). release() clears the holder so a
// standby takes over at its next poll instead of waiting out the lease.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { clientFor, KubeClient } from './client.ts';
import { isConflict } from './errors.ts';
import {
  decideLease,
  type LeaseSpec,
  nextLeaseSpec,
  type Observation,
  observe,
  releasedLeaseSpec,
} from './lease.ts';
import { CORE } from './resource-type.ts';

export type StoppedLeadingReason = 'lost' | 'released' | 'stopped';

export interface LeaderElectorOptions {
  namespace: string;
  name: string;
  /** Unique per replica, e.g. the pod name. */
  identity: string;
  /** How long a leader's renewal holds the others off. @default 8000 */
  leaseDurationMs?: number;
  /** The leader steps down when it could not renew for this long. @default 5000 */
  renewDeadlineMs?: number;
  /** Polling and renewal interval. @default 1000 */
  retryPeriodMs?: number;
  onStartedLeading?: () => void;
  onStoppedLeading?: (reason: StoppedLeadingReason) => void;
  logger: Logger;
}

type Lease = KubernetesObject & { spec?: LeaseSpec };
type Attempt = 'leading' | 'held' | 'failed';

export class LeaderElector {
  readonly #client: KubeClient;
  readonly #opts: Required<Omit<LeaderElectorOptions, 'onStartedLeading' | 'onStoppedLeading'>> &
    LeaderElectorOptions;
  readonly #log: Logger;
  #observed: Observation | undefined;
  #leader = false;
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(kc: KubeConfig | KubeClient, opts: LeaderElectorOptions) {
    this.#opts = { leaseDurationMs: 8000, renewDeadlineMs: 5000, retryPeriodMs: 1000, ...opts };
    if (this.#opts.renewDeadlineMs >= this.#opts.leaseDurationMs)
      throw new Error('leader election: renewDeadlineMs must be shorter than leaseDurationMs');
    // A request may not outlive the renew deadline, or a hung renewal would keep a lost leader.
    this.#client = new KubeClient(clientFor(kc).kc, { timeoutMs: this.#opts.renewDeadlineMs });
    this.#log = opts.logger.child({
      lease: `${opts.namespace}/${opts.name}`,
      identity: opts.identity,
    });
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  /** Campaigns until leading, then renews; resolves when leadership ends (lost, released, stopped). */
  run(): Promise<void> {
    if (!this.#loop) {
      this.#abort = new AbortController();
      this.#loop = this.#run(this.#abort.signal);
    }
    return this.#loop;
  }

  /** Steps down and clears the holder so a standby takes over at once (on graceful shutdown). */
  async release(): Promise<void> {
    const wasLeader = this.#leader;
    await this.#halt();
    if (!wasLeader) return;
    try {
      const lease = await this.#client.get<Lease>(CORE.lease, this.#key);
      if (lease?.spec?.holderIdentity === this.#opts.identity)
        await this.#client.replace(CORE.lease, this.#key, {
          ...lease,
          spec: releasedLeaseSpec(lease.spec, new Date()),
        });
      this.#log.info('released the lease');
    } catch (err) {
      this.#log.warn({ err }, 'releasing the lease failed; a standby takes over when it expires');
    }
    this.#stepDown('released');
  }

  /** Stops campaigning and renewing without touching the Lease, as a crash would. */
  async stop(): Promise<void> {
    await this.#halt();
    this.#stepDown('stopped');
  }

  get #key() {
    return { namespace: this.#opts.namespace, name: this.#opts.name };
  }

  async #halt(): Promise<void> {
    this.#abort?.abort();
    await this.#loop;
    this.#loop = undefined;
  }

  #stepDown(reason: StoppedLeadingReason): void {
    if (!this.#leader) return;
    this.#leader = false;
    this.#log.info({ reason }, 'stopped leading');
    this.#opts.onStoppedLeading?.(reason);
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { retryPeriodMs, renewDeadlineMs } = this.#opts;
    while (!signal.aborted && (await this.#attempt()) !== 'leading')
      await this.#pause(retryPeriodMs * (1 + 0.2 * Math.random()), signal);
    if (signal.aborted) return;
    this.#leader = true;
    this.#log.info('started leading');
    this.#opts.onStartedLeading?.();
    let lastRenewMs = Date.now();
    while (!signal.aborted) {
      await this.#pause(retryPeriodMs, signal);
      if (signal.aborted) return;
      const attempt = await this.#attempt();
      if (signal.aborted) return;
      if (attempt === 'leading') lastRenewMs = Date.now();
      else if (attempt === 'held' || Date.now() - lastRenewMs >= renewDeadlineMs) {
        this.#log.error({ attempt }, 'lost the lease');
        this.#stepDown('lost');
        return;
      }
    }
  }

  async #pause(ms: number, signal: AbortSignal): Promise<void> {
    await sleep(ms, undefined, { signal }).catch(() => undefined);
  }

  /** One read and (if allowed) one write of the Lease. */
  async #attempt(): Promise<Attempt> {
    const { identity, leaseDurationMs } = this.#opts;
    try {
      const lease = await this.#client.get<Lease>(CORE.lease, this.#key);
      const now = new Date();
      if (!lease) {
        await this.#client.create(CORE.lease, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: this.#key,
          spec: nextLeaseSpec('acquire', {}, identity, now, leaseDurationMs),
        });
        return 'leading';
      }
      const spec = lease.spec ?? {};
      this.#observed = observe(this.#observed, spec, now.getTime());
      const action = decideLease(spec, identity, this.#observed, now.getTime(), leaseDurationMs);
      if (action.kind === 'wait') return 'held';
      const written = await this.#client.replace<Lease>(CORE.lease, this.#key, {
        ...lease,
        spec: nextLeaseSpec(action.kind, spec, identity, now, leaseDurationMs),
      });
      this.#observed = observe(this.#observed, written.spec ?? {}, Date.now());
      return 'leading';
    } catch (err) {
      // A conflict means another candidate wrote first: it holds the lease now.
      if (isConflict(err)) return 'held';
      this.#log.warn({ err }, 'reading or writing the lease failed');
      return 'failed';
    }
  }
}
