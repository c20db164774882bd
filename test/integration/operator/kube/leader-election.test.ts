// Two candidates for one Lease on the real API server.
import type { KubernetesObject } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { KubeClient } from '../../../../operator/src/kube/client.ts';
import {
  LeaderElector,
  type LeaderElectorOptions,
  type StoppedLeadingReason,
} from '../../../../operator/src/kube/leader-election.ts';
import type { LeaseSpec } from '../../../../operator/src/kube/lease.ts';
import { CORE } from '../../../../operator/src/kube/resource-type.ts';
import { eventually } from '../../../harness/eventually.ts';
import { createNamespace } from '../../../harness/namespace.ts';
import { kubeConfig, silent } from './helpers.ts';

const kubeconfig = inject('kubeconfig');
const kc = kubeConfig(kubeconfig);
const client = new KubeClient(kc);
let ns: string;

beforeAll(async () => {
  ns = await createNamespace(kubeconfig, 'leader');
});

function candidates(lease: string, timing: Partial<LeaderElectorOptions>) {
  const log: string[] = [];
  const make = (identity: string) =>
    new LeaderElector(kc, {
      namespace: ns,
      name: lease,
      identity,
      logger: silent,
      onStartedLeading: () => log.push(`${identity} started`),
      onStoppedLeading: (why: StoppedLeadingReason) => log.push(`${identity} ${why}`),
      ...timing,
    });
  const a = make('a');
  const b = make('b');
  void a.run();
  void b.run();
  return { a, b, log };
}

async function holder(lease: string): Promise<LeaseSpec | undefined> {
  return (
    await client.get<KubernetesObject & { spec?: LeaseSpec }>(CORE.lease, {
      namespace: ns,
      name: lease,
    })
  )?.spec;
}

describe('LeaderElector', () => {
  it('elects one leader; release() hands over without waiting for the lease to expire', async () => {
    // A lease far longer than the test's patience: only the release can explain a handover.
    const { a, b, log } = candidates('handover', {
      leaseDurationMs: 600_000,
      renewDeadlineMs: 300_000,
      retryPeriodMs: 200,
    });
    const leader = await eventually('a leader', () =>
      a.isLeader ? a : b.isLeader ? b : undefined,
    );
    const standby = leader === a ? b : a;
    const [leaderId, standbyId] = leader === a ? ['a', 'b'] : ['b', 'a'];
    expect(standby.isLeader).toBe(false);
    expect((await holder('handover'))?.holderIdentity).toBe(leaderId);

    await leader.release();
    expect(leader.isLeader).toBe(false);
    await eventually(
      'the standby to take over',
      () => (standby.isLeader ? true : undefined),
      60_000,
    );
    const spec = await holder('handover');
    expect(spec?.holderIdentity).toBe(standbyId);
    expect(spec?.leaseTransitions).toBe(1);
    expect(log).toEqual([`${leaderId} started`, `${leaderId} released`, `${standbyId} started`]);
    await standby.release();
    expect((await holder('handover'))?.holderIdentity).toBeUndefined();
  });

  it('replaces a leader that stopped without releasing once its lease expires', async () => {
    const { a, b, log } = candidates('crash', {
      leaseDurationMs: 2000,
      renewDeadlineMs: 1500,
      retryPeriodMs: 200,
    });
    const leader = await eventually('a leader', () =>
      a.isLeader ? a : b.isLeader ? b : undefined,
    );
    const standby = leader === a ? b : a;
    const [leaderId, standbyId] = leader === a ? ['a', 'b'] : ['b', 'a'];
    await leader.stop();
    // The crashed leader left its name on the lease; the standby waits it out.
    expect((await holder('crash'))?.holderIdentity).toBe(leaderId);
    await eventually('the standby to take over', () => (standby.isLeader ? true : undefined));
    expect((await holder('crash'))?.holderIdentity).toBe(standbyId);
    expect(log).toEqual([`${leaderId} started`, `${leaderId} stopped`, `${standbyId} started`]);
    await standby.release();
  });

  it('steps down when another holder took the lease over', async () => {
    const lost: string[] = [];
    const elector = new LeaderElector(kc, {
      namespace: ns,
      name: 'stolen',
      identity: 'victim',
      leaseDurationMs: 2000,
      renewDeadlineMs: 1500,
      retryPeriodMs: 200,
      logger: silent,
      onStoppedLeading: (why) => lost.push(why),
    });
    const running = elector.run();
    await eventually('leadership', () => (elector.isLeader ? true : undefined));
    const lease = await client.get<KubernetesObject & { spec: LeaseSpec }>(CORE.lease, {
      namespace: ns,
      name: 'stolen',
    });
    if (!lease) throw new Error('no lease');
    await client.replace(
      CORE.lease,
      { namespace: ns, name: 'stolen' },
      {
        ...lease,
        spec: { ...lease.spec, holderIdentity: 'usurper' },
      },
    );
    await running;
    expect(elector.isLeader).toBe(false);
    expect(lost).toEqual(['lost']);
  });
});
