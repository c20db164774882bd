// What the exit rules and the risk model read about one instrument's recent ticks: the price a
// given number of ticks ago (momentum), recent and reference volume averages (dry-up), and the
// volatility of one-tick log returns (volatility-based 1R). O(1) per tick, shared by every
// position on the instrument.
import { RingBuffer } from '../market/ring-buffer.ts';
import type { ExitPolicy } from './config.ts';
import { RollingSum } from './rolling-sum.ts';

export class MarketWindow {
  /** Index of the latest tick (0 for the first), -1 before any. */
  tickIndex = -1;
  /** logReturn(momentumReversal.ticks) at the latest tick, computed once for all positions. */
  momentumReturn = Number.NaN;
  /** At the latest tick: recent volume mean < volumeDryUp.fraction x reference mean. */
  volumeDriedUp = false;
  private readonly momentumTicks: number;
  private readonly dryUpFraction: number;
  private readonly prices: RingBuffer;
  private readonly shortVolume: RollingSum | null;
  private readonly longVolume: RollingSum | null;
  private readonly returns: RollingSum | null;
  private readonly squaredReturns: RollingSum | null;
  private lastPrice = Number.NaN;

  constructor(policy: ExitPolicy) {
    this.momentumTicks = policy.momentumReversal?.ticks ?? 0;
    this.prices = new RingBuffer(this.momentumTicks + 1);
    const dryUp = policy.volumeDryUp;
    this.dryUpFraction = dryUp?.fraction ?? 0;
    this.shortVolume = dryUp ? new RollingSum(dryUp.shortTicks) : null;
    this.longVolume = dryUp ? new RollingSum(dryUp.longTicks) : null;
    const risk = policy.risk;
    this.returns = risk.model === 'volatility' ? new RollingSum(risk.window) : null;
    this.squaredReturns = risk.model === 'volatility' ? new RollingSum(risk.window) : null;
  }

  /** Records a tick; returns its index. */
  push(price: number, volume: number): number {
    this.prices.push(price);
    this.shortVolume?.push(volume);
    this.longVolume?.push(volume);
    if (this.returns && this.squaredReturns && this.lastPrice > 0) {
      const r = Math.log(price / this.lastPrice);
      this.returns.push(r);
      this.squaredReturns.push(r * r);
    }
    this.lastPrice = price;
    if (this.momentumTicks > 0) this.momentumReturn = this.logReturn(this.momentumTicks);
    if (this.longVolume)
      this.volumeDriedUp = this.shortVolumeMean < this.dryUpFraction * this.longVolumeMean;
    return ++this.tickIndex;
  }

  /** ln(p_t / p_{t-ticks}); NaN when fewer than ticks + 1 prices were seen. */
  logReturn(ticks: number): number {
    const then = this.prices.at(ticks);
    return Number.isNaN(then) ? Number.NaN : Math.log((this.prices.at(0) as number) / then);
  }

  /** Mean volume of the last shortTicks ticks; NaN until longTicks ticks were seen. */
  get shortVolumeMean(): number {
    return this.longVolume?.full && this.shortVolume ? this.shortVolume.mean : Number.NaN;
  }

  /** Mean volume of the last longTicks ticks; NaN until that many were seen. */
  get longVolumeMean(): number {
    return this.longVolume ? this.longVolume.mean : Number.NaN;
  }

  /** Population standard deviation of the last `window` one-tick log returns; NaN until full. */
  get volatility(): number {
    if (!this.returns?.full || !this.squaredReturns) return Number.NaN;
    const n = this.returns.window;
    const mean = this.returns.sum / n;
    return Math.sqrt(Math.max(this.squaredReturns.sum / n - mean * mean, 0));
  }
}
