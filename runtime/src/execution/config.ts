// Configuration of the paper broker: the fill model (spread, slippage, fees), how often marks
// are written, and the exit policy. The Strategy CRD does not carry these yet, so one config
// applies to every strategy of a broker. docs/reference/pnl.md defines each quantity.
import type { FieldError } from '../../../operator/src/api/validation/messages.ts';
import { ValidationError } from '../../../operator/src/errors.ts';

/** How the risk unit 1R (the distance from the entry price to the initial stop) is set at entry. */
export type RiskModel =
  | {
      /** 1R = entry price x bps / 10000. */
      readonly model: 'fixedBps';
      /** @default 25 */
      readonly bps: number;
    }
  | {
      /** 1R = entry price x max(multiple x sigma, minBps / 10000), sigma over `window` ticks. */
      readonly model: 'volatility';
      /** One-tick log returns in the population standard deviation sigma. */
      readonly window: number;
      readonly multiple: number;
      /** Floor of the stop distance, also used until `window` returns were seen. */
      readonly minBps: number;
    };

export interface VolumeDryUp {
  /** Ticks in the recent average. @default 10 */
  readonly shortTicks: number;
  /** Ticks in the reference average. @default 100 */
  readonly longTicks: number;
  /** Exit when the recent average is below this fraction of the reference one. @default 0.25 */
  readonly fraction: number;
}

export interface MomentumReversal {
  /** The return is taken over this many ticks. @default 10 */
  readonly ticks: number;
  /** Exit when that return is at least this far against the position, in bps. @default 25 */
  readonly bps: number;
}

/** When an open position is closed without a signal. `null` disables a rule. */
export interface ExitPolicy {
  /** @default { model: 'fixedBps', bps: 25 } */
  readonly risk: RiskModel;
  /** Take profit this many R from the entry. @default 2 */
  readonly takeProfitR: number | null;
  /** Move the stop to breakeven once the position is this many R in profit. @default 1 */
  readonly breakevenAtR: number | null;
  /** Close a position held this long, ms. @default 900000 (15 min) */
  readonly maxHoldingMs: number | null;
  /** @default { shortTicks: 10, longTicks: 100, fraction: 0.25 } */
  readonly volumeDryUp: VolumeDryUp | null;
  /** @default { ticks: 10, bps: 25 } */
  readonly momentumReversal: MomentumReversal | null;
}

export interface BrokerConfig {
  /** Bid-ask spread assumed for every instrument, bps of the price (ticks carry no book). @default 2 */
  readonly spreadBps: number;
  /** Per-instrument spreads overriding `spreadBps`. @default {} */
  readonly spreadBpsByInstrument: Readonly<Record<string, number>>;
  /** Market impact beyond half the spread, bps, always against the order. @default 1 */
  readonly slippageBps: number;
  /** Fee per fill, bps of its notional (qty x fill price). @default 1 */
  readonly feeBps: number;
  /**
   * Least time between two written marks of a position, ms. Positions are marked (excursions,
   * exits) on every tick; a written mark carries the whole change since the previous one, so
   * coalescing loses no P&L. 0 writes a mark on every tick that changes the price. @default 1000
   */
  readonly markIntervalMs: number;
  readonly exits: ExitPolicy;
}

export const DEFAULT_EXIT_POLICY: ExitPolicy = Object.freeze({
  risk: Object.freeze({ model: 'fixedBps', bps: 25 }),
  takeProfitR: 2,
  breakevenAtR: 1,
  maxHoldingMs: 900_000,
  volumeDryUp: Object.freeze({ shortTicks: 10, longTicks: 100, fraction: 0.25 }),
  momentumReversal: Object.freeze({ ticks: 10, bps: 25 }),
});

export const DEFAULT_BROKER_CONFIG: BrokerConfig = Object.freeze({
  spreadBps: 2,
  spreadBpsByInstrument: Object.freeze({}),
  slippageBps: 1,
  feeBps: 1,
  markIntervalMs: 1000,
  exits: DEFAULT_EXIT_POLICY,
});

/** Overrides of the defaults; `exits` fields replace the default policy's one by one. */
export interface BrokerConfigInput extends Partial<Omit<BrokerConfig, 'exits'>> {
  exits?: Partial<ExitPolicy>;
}

/** Largest window in ticks of any exit rule or risk model. */
export const MAX_WINDOW_TICKS = 100_000;

/** The defaults with `input` applied, validated and frozen; throws ValidationError (FLT_INVALID_SPEC). */
export function resolveBrokerConfig(input: BrokerConfigInput = {}): BrokerConfig {
  const config: BrokerConfig = {
    ...DEFAULT_BROKER_CONFIG,
    ...input,
    spreadBpsByInstrument: Object.freeze({ ...(input.spreadBpsByInstrument ?? {}) }),
    exits: Object.freeze({ ...DEFAULT_EXIT_POLICY, ...input.exits }),
  };
  const errors = brokerConfigProblems(config);
  if (errors.length > 0) throw new ValidationError('broker config', errors);
  return Object.freeze(config);
}

/** Every field that breaks its limit, with the limit; empty when the config is valid. */
export function brokerConfigProblems(c: BrokerConfig): FieldError[] {
  const errors: FieldError[] = [];
  const check = (ok: boolean, path: string, value: unknown, limit: string) => {
    if (!ok) errors.push({ path, message: `${String(value)} ${limit}` });
  };
  // Costs up to 10%: beyond that a sell's fill price (mid x (1 - cost)) could reach 0.
  const bps = (path: string, x: number) =>
    check(Number.isFinite(x) && x >= 0 && x <= 1000, path, x, 'is not a number in [0, 1000]');
  const positive = (path: string, x: number) =>
    check(Number.isFinite(x) && x > 0, path, x, 'must be a finite number above 0');
  const ticks = (path: string, x: number) =>
    check(
      Number.isInteger(x) && x >= 1 && x <= MAX_WINDOW_TICKS,
      path,
      x,
      `is not an integer in [1, ${MAX_WINDOW_TICKS}]`,
    );

  bps('spreadBps', c.spreadBps);
  for (const [instrument, spread] of Object.entries(c.spreadBpsByInstrument))
    bps(`spreadBpsByInstrument.${instrument}`, spread);
  bps('slippageBps', c.slippageBps);
  bps('feeBps', c.feeBps);
  check(
    Number.isSafeInteger(c.markIntervalMs) && c.markIntervalMs >= 0,
    'markIntervalMs',
    c.markIntervalMs,
    'is not an integer >= 0',
  );

  const e = c.exits;
  const risk = e.risk;
  if (risk.model === 'fixedBps') {
    check(
      Number.isFinite(risk.bps) && risk.bps > 0 && risk.bps < 10_000,
      'exits.risk.bps',
      risk.bps,
      'is not a number in (0, 10000)',
    );
  } else if (risk.model === 'volatility') {
    ticks('exits.risk.window', risk.window);
    positive('exits.risk.multiple', risk.multiple);
    check(
      Number.isFinite(risk.minBps) && risk.minBps > 0 && risk.minBps < 10_000,
      'exits.risk.minBps',
      risk.minBps,
      'is not a number in (0, 10000)',
    );
  } else {
    errors.push({
      path: 'exits.risk.model',
      message: `${String((risk as { model: unknown }).model)} is not one of fixedBps, volatility`,
    });
  }
  if (e.takeProfitR !== null) positive('exits.takeProfitR', e.takeProfitR);
  if (e.breakevenAtR !== null) positive('exits.breakevenAtR', e.breakevenAtR);
  if (e.maxHoldingMs !== null)
    check(
      Number.isSafeInteger(e.maxHoldingMs) && e.maxHoldingMs > 0,
      'exits.maxHoldingMs',
      e.maxHoldingMs,
      'is not an integer above 0',
    );
  if (e.volumeDryUp !== null) {
    ticks('exits.volumeDryUp.shortTicks', e.volumeDryUp.shortTicks);
    ticks('exits.volumeDryUp.longTicks', e.volumeDryUp.longTicks);
    check(
      e.volumeDryUp.shortTicks < e.volumeDryUp.longTicks,
      'exits.volumeDryUp.shortTicks',
      e.volumeDryUp.shortTicks,
      `must be below longTicks (${e.volumeDryUp.longTicks})`,
    );
    check(
      Number.isFinite(e.volumeDryUp.fraction) &&
        e.volumeDryUp.fraction > 0 &&
        e.volumeDryUp.fraction < 1,
      'exits.volumeDryUp.fraction',
      e.volumeDryUp.fraction,
      'is not a number in (0, 1)',
    );
  }
  if (e.momentumReversal !== null) {
    ticks('exits.momentumReversal.ticks', e.momentumReversal.ticks);
    positive('exits.momentumReversal.bps', e.momentumReversal.bps);
  }
  return errors;
}

/** The spread of an instrument, bps. */
export function spreadBpsOf(config: BrokerConfig, instrument: string): number {
  const own = config.spreadBpsByInstrument;
  return Object.hasOwn(own, instrument) ? (own[instrument] as number) : config.spreadBps;
}
