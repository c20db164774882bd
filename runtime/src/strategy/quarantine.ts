// Fault isolation for one strategy: repeated failures quarantine it with exponential backoff.
// Pure state transitions; the executor keeps one state per strategy.

export interface QuarantinePolicy {
  /** Consecutive failures that trip a quarantine. @default 3 */
  failuresToTrip: number;
  /** First quarantine length; doubles on each trip that follows without a success. @default 1000 */
  baseMs: number;
  /** Longest quarantine. @default 300000 */
  maxMs: number;
}

export const DEFAULT_QUARANTINE: QuarantinePolicy = Object.freeze({
  failuresToTrip: 3,
  baseMs: 1_000,
  maxMs: 300_000,
});

export interface QuarantineState {
  consecutiveFailures: number;
  /** Trips since the last success; sets the next backoff. */
  trips: number;
  /** Quarantined until this time (ms); 0 when free. */
  until: number;
  lastError: string;
}

export const freshQuarantine = (): QuarantineState => ({
  consecutiveFailures: 0,
  trips: 0,
  until: 0,
  lastError: '',
});

export const isQuarantined = (s: QuarantineState, nowMs: number) => s.until > nowMs;

/** Returns true when this failure starts a quarantine. */
export function recordFailure(
  s: QuarantineState,
  nowMs: number,
  error: string,
  policy: QuarantinePolicy = DEFAULT_QUARANTINE,
): boolean {
  s.lastError = error;
  s.consecutiveFailures++;
  if (s.consecutiveFailures < policy.failuresToTrip) return false;
  s.until = nowMs + Math.min(policy.baseMs * 2 ** s.trips, policy.maxMs);
  s.trips++;
  // After the backoff the strategy runs again; one more failure re-trips at once (half-open).
  s.consecutiveFailures = policy.failuresToTrip - 1;
  return true;
}

export function recordSuccess(s: QuarantineState): void {
  if (s.consecutiveFailures === 0 && s.trips === 0) return;
  s.consecutiveFailures = 0;
  s.trips = 0;
  s.until = 0;
}
