// A Strategy's status from what the operator placed and what its runner reports through Redis.
// Pure: an ordered chain of checks, the first that applies decides (STYLE "Reconcile" 6).
import type { StrategySpec, StrategyStatus } from '../../api/v1alpha1/strategy.ts';
import type { Verdict } from '../verdict.ts';
import { verdictConditions } from '../verdict.ts';

/** Where the fleet controller put the strategy (from the shard ConfigMaps). */
export interface Placement {
  shard: number;
  /** metadata.generation of the Strategy the shard config was resolved from. */
  strategyGeneration: number;
  /** The shard config document's generation. */
  configGeneration: number;
  modelDigest?: string;
}

/** The runner's report: its per-strategy hash and its shard hash, as read from Redis. */
export type RunnerReport =
  | { strategy: Record<string, string>; shard: Record<string, string> }
  | { unavailable: string };

export interface ModelState {
  name: string;
  verified: boolean;
  /** The Model's Ready reason and message when it is not verified. */
  reason?: string;
  message?: string;
  failed?: boolean;
}

export interface StrategyFacts {
  generation: number;
  spec: StrategySpec;
  status: StrategyStatus | undefined;
  placement: Placement | undefined;
  model: ModelState | undefined;
  report: RunnerReport | undefined;
  /** Why the fleet left the strategy out for lack of room (the overflow ConfigMap), if it did. */
  leftOut?: string | undefined;
  nowMs: number;
  /** A report older than this is stale (the runner stopped reporting). */
  staleAfterMs: number;
}

export const StrategyStatusReason = {
  Running: 'Running',
  Paused: 'Paused',
  Placing: 'Placing',
  WaitingForRunner: 'WaitingForRunner',
  RunnerReportUnavailable: 'RunnerReportUnavailable',
  ModelNotReady: 'ModelNotReady',
  ShardLimit: 'ShardLimit',
  Quarantined: 'Quarantined',
} as const;

type Check = (f: StrategyFacts) => Verdict | undefined;

const waiting = (reason: string, message: string): Verdict => ({
  ready: 'False',
  reason,
  message,
  progressing: true,
  degraded: false,
});

const modelNotReady: Check = (f) => {
  const m = f.model;
  if (f.placement || !f.spec.modelRef || m?.verified) return undefined;
  const why = m ? `${m.reason ?? 'NotVerified'}: ${m.message ?? 'not verified yet'}` : 'not found';
  return {
    ready: 'False',
    reason: StrategyStatusReason.ModelNotReady,
    message: `Model ${f.spec.modelRef.name} is not ready (${why})`,
    progressing: !m?.failed,
    degraded: m?.failed === true,
  };
};

const noRoom: Check = (f) =>
  f.leftOut && !f.placement
    ? {
        ready: 'False',
        reason: StrategyStatusReason.ShardLimit,
        message: f.leftOut,
        progressing: false,
        degraded: true,
      }
    : undefined;

const notPlaced: Check = (f) => {
  const p = f.placement;
  if (p && p.strategyGeneration >= f.generation) return undefined;
  return waiting(
    StrategyStatusReason.Placing,
    `waiting for generation ${f.generation} to be placed on a shard`,
  );
};

const reportUnavailable: Check = (f) =>
  f.report && 'unavailable' in f.report
    ? {
        ready: 'Unknown',
        reason: StrategyStatusReason.RunnerReportUnavailable,
        message: `cannot read runner reports from Redis: ${f.report.unavailable}`,
        progressing: true,
        degraded: false,
      }
    : undefined;

const runnerBehind: Check = (f) => {
  const shard = (f.placement as Placement).shard;
  const r = f.report;
  if (!r || 'unavailable' in r || !r.strategy.generation)
    return waiting(
      StrategyStatusReason.WaitingForRunner,
      `waiting for runner shard ${shard} to report`,
    );
  const age = f.nowMs - Number(r.strategy.updatedMs);
  if (!(age <= f.staleAfterMs))
    return waiting(
      StrategyStatusReason.WaitingForRunner,
      `runner shard ${shard} has not reported for ${Math.round(age / 1000)} s`,
    );
  if (Number(r.strategy.shard) !== shard || Number(r.strategy.generation) < f.generation)
    return waiting(
      StrategyStatusReason.WaitingForRunner,
      `waiting for runner shard ${shard} to run generation ${f.generation}`,
    );
  if (r.shard.ready !== '1')
    return waiting(StrategyStatusReason.WaitingForRunner, `runner shard ${shard} is not ready`);
  return undefined;
};

const quarantined: Check = (f) => {
  const r = f.report as { strategy: Record<string, string> };
  if (r.strategy.quarantined !== '1') return undefined;
  return {
    ready: 'False',
    reason: StrategyStatusReason.Quarantined,
    message: `quarantined after repeated failures: ${r.strategy.lastError || 'unknown error'}`,
    progressing: false,
    degraded: true,
  };
};

const running: Check = (f) => ({
  ready: 'True',
  reason: f.spec.paused ? StrategyStatusReason.Paused : StrategyStatusReason.Running,
  message: f.spec.paused
    ? `paused on shard ${f.placement?.shard} (keeps its state, emits no signals)`
    : `running on shard ${f.placement?.shard}`,
  progressing: false,
  degraded: false,
});

const CHECKS: Check[] = [
  modelNotReady,
  noRoom,
  notPlaced,
  reportUnavailable,
  runnerBehind,
  quarantined,
  running,
];

export function strategyVerdict(f: StrategyFacts): Verdict {
  for (const check of CHECKS) {
    const v = check(f);
    if (v) return v;
  }
  throw new Error('unreachable: the last check always decides');
}

const count = (h: Record<string, string>, key: string) => {
  const n = Number(h[key]);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

/** Counters the runner reports for this strategy on its current shard. */
function counters(f: StrategyFacts): StrategyStatus['counters'] {
  const r = f.report;
  if (!r || 'unavailable' in r || Number(r.strategy.shard) !== f.placement?.shard) return undefined;
  const out: Record<string, number> = {};
  for (const [field, key] of [
    ['decisions', 'decisions'],
    ['signals', 'signals'],
    ['errors', 'errors'],
    ['dropped', 'drops'],
  ] as const) {
    const n = count(r.strategy, key);
    if (n !== undefined) out[field] = n;
  }
  return out;
}

export function strategyStatus(f: StrategyFacts, now: Date): StrategyStatus {
  const verdict = strategyVerdict(f);
  const r = f.report && !('unavailable' in f.report) ? f.report : undefined;
  const configGeneration = r ? count(r.shard, 'generation') : undefined;
  const c = counters(f);
  return {
    observedGeneration: f.generation,
    conditions: verdictConditions(f.status?.conditions, verdict, f.generation, now),
    ...(f.placement ? { shard: f.placement.shard } : {}),
    ...(f.placement?.modelDigest ? { modelDigest: f.placement.modelDigest } : {}),
    ...(configGeneration !== undefined && f.placement ? { configGeneration } : {}),
    ...(c && Object.keys(c).length > 0 ? { counters: c } : {}),
  };
}
