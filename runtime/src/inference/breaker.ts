// The health of one model backend: consecutive failures (errors, timeouts) open the breaker, so
// rows fall back to the rule score at once instead of waiting on a broken backend; after a
// cooldown one probe run is let through (half-open) and its result closes or reopens it, with
// the cooldown doubling up to a limit. Pure state machine over an injected clock.

export interface BreakerOptions {
  /** Consecutive failed runs that open the breaker. @default 3 */
  failures: number;
  /** First open period. @default 1000 */
  cooldownMs: number;
  /** Longest open period (the cooldown doubles on each failed probe). @default 30000 */
  maxCooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = Object.freeze({
  failures: 3,
  cooldownMs: 1_000,
  maxCooldownMs: 30_000,
});

export type BreakerState = 'closed' | 'open' | 'half-open';

export class Breaker {
  readonly #opts: BreakerOptions;
  readonly #now: () => number;
  #state: BreakerState = 'closed';
  #failures = 0;
  #cooldown: number;
  #openUntil = 0;
  #probing = false;
  /** Called on each transition (logging, metrics). */
  onChange: ((state: BreakerState) => void) | undefined;

  constructor(opts: BreakerOptions = DEFAULT_BREAKER, now: () => number = () => performance.now()) {
    this.#opts = opts;
    this.#now = now;
    this.#cooldown = opts.cooldownMs;
  }

  get state(): BreakerState {
    return this.#state;
  }

  #set(state: BreakerState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.onChange?.(state);
  }

  /** False while open (rows should be refused without waiting). */
  admits(): boolean {
    return this.#state !== 'open' || this.#now() >= this.#openUntil;
  }

  /**
   * Asks to start one run. Closed: yes. Open past its cooldown: yes, as the probe (half-open).
   * Half-open with the probe still running, or open: no.
   */
  tryStart(): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'open' && this.#now() < this.#openUntil) return false;
    if (this.#probing) return false;
    this.#probing = true;
    this.#set('half-open');
    return true;
  }

  /** Records the outcome of a run started with tryStart. */
  record(ok: boolean): void {
    if (ok) {
      this.#failures = 0;
      this.#probing = false;
      this.#cooldown = this.#opts.cooldownMs;
      this.#set('closed');
      return;
    }
    if (this.#state === 'half-open') {
      this.#probing = false;
      this.#cooldown = Math.min(this.#cooldown * 2, this.#opts.maxCooldownMs);
      this.#open();
      return;
    }
    if (this.#state === 'closed' && ++this.#failures >= this.#opts.failures) this.#open();
  }

  #open(): void {
    this.#failures = 0;
    this.#openUntil = this.#now() + this.#cooldown;
    this.#set('open');
  }
}
