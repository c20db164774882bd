// Which Strategies are not ready to trade yet, and how to say so. Ready means the Strategy's
// Ready condition is True (from `kubectl get strategies -o json`) and a runner has reported it
// to this run's Redis: a cluster directory used before keeps the last run's status, written
// about runners that talked to another Redis.

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface StrategyListItem {
  metadata: { name: string };
  status?: { conditions?: Condition[] };
}

export interface NotReady {
  name: string;
  /** The Ready condition's reason, or "NoStatus" before the operator wrote one. */
  reason: string;
  message: string;
}

/** The expected strategies that are missing, not Ready, or not reported by a runner, by name. */
export function notReadyStrategies(
  expected: readonly string[],
  items: readonly StrategyListItem[],
  reported: ReadonlySet<string>,
): NotReady[] {
  const byName = new Map(items.map((s) => [s.metadata.name, s]));
  const out: NotReady[] = [];
  for (const name of [...expected].sort()) {
    const item = byName.get(name);
    if (item === undefined) {
      out.push({ name, reason: 'NotFound', message: 'not in the cluster' });
      continue;
    }
    const ready = item.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status === 'True') {
      if (!reported.has(name))
        out.push({
          name,
          reason: 'NotReported',
          message: 'no runner has reported it to this run yet',
        });
      continue;
    }
    out.push({
      name,
      reason: ready?.reason ?? 'NoStatus',
      message: ready?.message ?? 'the operator has not written a status yet',
    });
  }
  return out;
}

/** One line per strategy: `  name: Reason: message`. */
export function describeNotReady(notReady: readonly NotReady[]): string {
  return notReady.map((s) => `  ${s.name}: ${s.reason}: ${s.message}`).join('\n');
}
