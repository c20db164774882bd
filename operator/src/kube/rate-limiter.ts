// client-go's default controller rate limiter: the later of a per-key exponential backoff
// (a key that keeps failing waits longer and longer) and an overall token bucket (a burst of
// failures across many keys cannot flood the API server).

export interface RateLimiterOptions {
  /** First retry delay of a key. @default 5 */
  baseDelayMs?: number;
  /** Longest retry delay of a key. @default 1000000 (1000 s) */
  maxDelayMs?: number;
  /** Retries per second across all keys. @default 10 */
  qps?: number;
  /** Retries allowed at once before `qps` applies. @default 100 */
  burst?: number;
}

/** A token bucket in the style of golang.org/x/time/rate: reserve() says how long to wait. */
export class TokenBucket {
  readonly #qps: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  constructor(qps: number, burst: number, now: () => number = Date.now) {
    this.#qps = qps;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#last = now();
  }

  /** Takes a token (possibly one not yet refilled) and returns the wait until it is there. */
  reserve(): number {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#qps);
    this.#last = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.#qps) * 1000;
  }
}

export class ControllerRateLimiter {
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #bucket: TokenBucket;
  readonly #failures = new Map<string, number>();

  constructor(opts: RateLimiterOptions = {}, now: () => number = Date.now) {
    this.#baseMs = opts.baseDelayMs ?? 5;
    this.#maxMs = opts.maxDelayMs ?? 1_000_000;
    this.#bucket = new TokenBucket(opts.qps ?? 10, opts.burst ?? 100, now);
  }

  /** Records one more failure of `key` and returns how long to wait before retrying it. */
  when(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    const exponential = Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(failures, 62));
    return Math.max(exponential, this.#bucket.reserve());
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.#failures.get(key) ?? 0;
  }
}
