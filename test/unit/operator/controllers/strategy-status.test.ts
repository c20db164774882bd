import { describe, expect, it } from 'vitest';
import type { StrategySpec } from '../../../../operator/src/api/v1alpha1/strategy.ts';
import { validateManifest } from '../../../../operator/src/api/validation/validate.ts';
import {
  type StrategyFacts,
  strategyStatus,
  strategyVerdict,
} from '../../../../operator/src/controllers/strategy/strategy-status.ts';
import { strategy } from '../../../fixtures/objects.ts';

const spec = validateManifest(strategy()).value.spec as StrategySpec;
const NOW = 1_700_000_000_000;

const facts = (over: Partial<StrategyFacts> = {}): StrategyFacts => ({
  generation: 3,
  spec,
  status: undefined,
  placement: { shard: 1, strategyGeneration: 3, configGeneration: 7, modelDigest: 'a'.repeat(64) },
  model: { name: 'direction-lr', verified: true },
  report: {
    strategy: {
      shard: '1',
      generation: '3',
      decisions: '10',
      signals: '4',
      errors: '0',
      drops: '2',
      quarantined: '0',
      updatedMs: String(NOW - 500),
    },
    shard: { ready: '1', generation: '7' },
  },
  nowMs: NOW,
  staleAfterMs: 15_000,
  ...over,
});

describe('strategyVerdict', () => {
  it('is Ready once the runner reports this generation on the placed shard', () => {
    expect(strategyVerdict(facts())).toMatchObject({ ready: 'True', reason: 'Running' });
  });

  it.each([
    [
      'not placed, model unverified',
      {
        placement: undefined,
        model: {
          name: 'direction-lr',
          verified: false,
          reason: 'ChecksumMismatch',
          message: 'bad',
          failed: true,
        },
      },
      'ModelNotReady',
      'False',
    ],
    ['placed from an older generation', { generation: 4 }, 'Placing', 'False'],
    [
      'left out for lack of room',
      { placement: undefined, leftOut: 'no room on the runners' },
      'ShardLimit',
      'False',
    ],
    [
      'Redis unreachable',
      { report: { unavailable: 'connect ECONNREFUSED' } },
      'RunnerReportUnavailable',
      'Unknown',
    ],
    ['runner never reported', { report: { strategy: {}, shard: {} } }, 'WaitingForRunner', 'False'],
    [
      'runner on an older generation',
      {
        report: {
          strategy: { shard: '1', generation: '2', updatedMs: String(NOW) },
          shard: { ready: '1' },
        },
      },
      'WaitingForRunner',
      'False',
    ],
    [
      'report from another shard',
      {
        report: {
          strategy: { shard: '0', generation: '3', updatedMs: String(NOW) },
          shard: { ready: '1' },
        },
      },
      'WaitingForRunner',
      'False',
    ],
    [
      'stale report',
      {
        report: {
          strategy: { shard: '1', generation: '3', updatedMs: String(NOW - 60_000) },
          shard: { ready: '1' },
        },
      },
      'WaitingForRunner',
      'False',
    ],
    [
      'runner not ready',
      {
        report: {
          strategy: { shard: '1', generation: '3', updatedMs: String(NOW) },
          shard: { ready: '0' },
        },
      },
      'WaitingForRunner',
      'False',
    ],
    [
      'quarantined',
      {
        report: {
          strategy: {
            shard: '1',
            generation: '3',
            updatedMs: String(NOW),
            quarantined: '1',
            lastError: 'boom',
          },
          shard: { ready: '1' },
        },
      },
      'Quarantined',
      'False',
    ],
  ] as const)('%s -> %s', (_what, over, reason, ready) => {
    const v = strategyVerdict(facts(over as Partial<StrategyFacts>));
    expect(v.reason).toBe(reason);
    expect(v.ready).toBe(ready);
  });

  it('says Paused for a paused strategy that runs', () => {
    expect(strategyVerdict(facts({ spec: { ...spec, paused: true } })).reason).toBe('Paused');
  });

  it('marks a failed model Degraded and a fetching one Progressing', () => {
    const failed = strategyVerdict(
      facts({ placement: undefined, model: { name: 'm', verified: false, failed: true } }),
    );
    expect([failed.degraded, failed.progressing]).toEqual([true, false]);
    const fetching = strategyVerdict(
      facts({ placement: undefined, model: { name: 'm', verified: false } }),
    );
    expect([fetching.degraded, fetching.progressing]).toEqual([false, true]);
  });
});

describe('strategyStatus', () => {
  it('carries shard, digest, config generation and counters', () => {
    const status = strategyStatus(facts(), new Date(NOW));
    expect(status).toMatchObject({
      observedGeneration: 3,
      shard: 1,
      modelDigest: 'a'.repeat(64),
      configGeneration: 7,
      counters: { decisions: 10, signals: 4, errors: 0, dropped: 2 },
    });
    expect(status.conditions?.map((c) => [c.type, c.status])).toEqual([
      ['Ready', 'True'],
      ['Progressing', 'False'],
      ['Degraded', 'False'],
    ]);
  });

  it('is equal when recomputed from the same facts later (no write for a converged strategy)', () => {
    const first = strategyStatus(facts(), new Date(NOW));
    const again = strategyStatus(
      facts({ status: first, nowMs: NOW + 5_000 }),
      new Date(NOW + 5_000),
    );
    expect(again).toEqual(first);
  });
});
