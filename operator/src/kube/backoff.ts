// Exponential backoff with jitter, as client-go's wait.Backoff: the n-th consecutive failure waits
// base * 2^(n-1), at most `maxMs`, stretched by up to `jitter` (a fraction) so that many clients
// that failed together do not retry together.
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** 0.5 waits between 1x and 1.5x the exponential delay. */
  jitter: number;
}

export function backoffDelay(
  failures: number,
  p: BackoffPolicy,
  random: () => number = Math.random,
): number {
  if (failures <= 0) return 0;
  const exponential = Math.min(p.maxMs, p.baseMs * 2 ** Math.min(failures - 1, 52));
  return Math.min(p.maxMs, exponential * (1 + p.jitter * random()));
}
