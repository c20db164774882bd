// The path of an open position, as the outcome labels need it: its best and worst move from the
// entry price and when the best one happened. Updated on every tick the position sees, O(1).

export class Excursion {
  /** Largest side x (mid - entry price) seen, price units; -Infinity before any update. */
  best = Number.NEGATIVE_INFINITY;
  /** Smallest side x (mid - entry price) seen, price units; +Infinity before any update. */
  worst = Number.POSITIVE_INFINITY;
  /** Tick time of the first tick that reached `best`. */
  bestTsMs = 0;

  /** Records the move (side x (mid - entry price)) at a tick. */
  update(tsMs: number, move: number): void {
    if (move > this.best) {
      this.best = move;
      this.bestTsMs = tsMs;
    }
    if (move < this.worst) this.worst = move;
  }
}
