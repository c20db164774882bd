// Redis keys shared by the runner (writer) and the operator (reader). Tick and signal streams
// are global by instrument and strategy; everything a fleet owns is under `flotilla:<namespace>:`.

export const runnerKeys = (namespace: string, shard: number) => {
  const base = `flotilla:${namespace}`;
  return {
    /** Consumer group of this shard on every tick stream it reads. */
    group: `${base}:shard-${shard}`,
    /** Hash: generation, counters and health of the shard's runner. */
    shardHash: `${base}:shard:${shard}`,
    /** Stream of runner events (config applied or rejected, quarantines) for the operator. */
    events: `${base}:runner-events`,
    /** Stream of ledger rows per committed batch, shipped to ClickHouse by the runner. */
    ledgerOutbox: `${base}:ledger-outbox:${shard}`,
    /** Stream of malformed ticks with the reason. */
    deadLetters: `${base}:dlq`,
    /** Hash per strategy: counters the operator folds into Strategy status. */
    strategyHash: (strategy: string) => `${base}:strategy:${strategy}`,
    /** Hash per strategy: instrument -> last target, so a restart resumes where it left off. */
    targets: (strategy: string) => `${base}:targets:${strategy}`,
  };
};

export type RunnerKeys = ReturnType<typeof runnerKeys>;
