// Events as `kubectl` shows them; repeats counted on one Event.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { KubeClient } from '../../../../operator/src/kube/client.ts';
import { EventRecorder } from '../../../../operator/src/kube/events.ts';
import { CORE } from '../../../../operator/src/kube/resource-type.ts';
import { kubectlOk } from '../../../harness/kubectl.ts';
import { createNamespace } from '../../../harness/namespace.ts';
import { kubeConfig, silent } from './helpers.ts';

const kubeconfig = inject('kubeconfig');
const kc = kubeConfig(kubeconfig);
let ns: string;
let subject: V1ConfigMap;

beforeAll(async () => {
  ns = await createNamespace(kubeconfig, 'events');
  subject = await new KubeClient(kc).create(CORE.configMap, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'shard-0', namespace: ns },
  });
});

interface EventView {
  type: string;
  reason: string;
  message: string;
  count: number;
  source?: { component?: string };
  involvedObject: { kind: string; name: string; uid: string };
}

async function eventsOf(name: string): Promise<EventView[]> {
  const out = await kubectlOk(kubeconfig, [
    '-n',
    ns,
    'get',
    'events',
    '--field-selector',
    `involvedObject.name=${name}`,
    '-o',
    'json',
  ]);
  return (JSON.parse(out) as { items: EventView[] }).items;
}

describe('EventRecorder', () => {
  it('records core/v1 Events that kubectl lists and describes', async () => {
    const recorder = new EventRecorder(kc, { component: 'flotilla-operator', logger: silent });
    recorder.record(
      subject,
      'Warning',
      'ChecksumMismatch',
      'sha256 of the artifact is not the declared one',
    );
    await recorder.flush();
    const [event, ...rest] = await eventsOf('shard-0');
    expect(rest).toHaveLength(0);
    expect(event).toMatchObject({
      type: 'Warning',
      reason: 'ChecksumMismatch',
      count: 1,
      source: { component: 'flotilla-operator' },
      involvedObject: { kind: 'ConfigMap', name: 'shard-0', uid: subject.metadata?.uid },
    });
    const described = await kubectlOk(kubeconfig, ['-n', ns, 'describe', 'configmap', 'shard-0']);
    expect(described).toContain('ChecksumMismatch');
  });

  it('counts identical repeats on one Event and keeps different messages apart', async () => {
    const obj = await new KubeClient(kc).create(CORE.configMap, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'repeated', namespace: ns },
    });
    const recorder = new EventRecorder(kc, { component: 'flotilla-operator', logger: silent });
    for (let i = 0; i < 3; i++) recorder.record(obj, 'Normal', 'ShardAssigned', 'moved to shard 2');
    recorder.record(obj, 'Normal', 'ShardAssigned', 'moved to shard 3');
    await recorder.flush();
    const events = await eventsOf('repeated');
    expect(events.map((e) => [e.message, e.count]).sort()).toEqual([
      ['moved to shard 2', 3],
      ['moved to shard 3', 1],
    ]);
  });

  it('never throws into the caller when the API refuses the event', async () => {
    const recorder = new EventRecorder(kc, { component: 'flotilla-operator', logger: silent });
    const ghost = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'no-such-namespace-here' },
    };
    expect(() => recorder.record(ghost, 'Normal', 'Test', 'lost')).not.toThrow();
    await expect(recorder.flush()).resolves.toBeUndefined();
  });
});
