// Sum of the last `window` values, O(1) per push. Adding the new value and subtracting the one
// that leaves would let rounding errors pile up over a long run, so the sum is recomputed from
// the held values once per `window` pushes (O(window) every window pushes: amortised O(1)).

export class RollingSum {
  readonly window: number;
  private readonly values: Float64Array;
  private next = 0;
  private held = 0;
  private total = 0;

  constructor(window: number) {
    this.window = window;
    this.values = new Float64Array(window);
  }

  /** True once `window` values were pushed. */
  get full(): boolean {
    return this.held === this.window;
  }

  /** Sum of the values held (the last `window`, or all before that). */
  get sum(): number {
    return this.total;
  }

  /** Mean of the last `window` values; NaN until the window is full. */
  get mean(): number {
    return this.held === this.window ? this.total / this.window : Number.NaN;
  }

  push(value: number): void {
    const slot = this.next;
    if (this.held === this.window) this.total -= this.values[slot] as number;
    else this.held++;
    this.values[slot] = value;
    this.total += value;
    this.next = slot + 1 === this.window ? 0 : slot + 1;
    if (this.next === 0) this.resum();
  }

  private resum(): void {
    let total = 0;
    for (let i = 0; i < this.held; i++) total += this.values[i] as number;
    this.total = total;
  }
}
