import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../operator/src/errors.ts';
import {
  type BrokerConfigInput,
  DEFAULT_BROKER_CONFIG,
  resolveBrokerConfig,
  spreadBpsOf,
} from '../../../../runtime/src/execution/config.ts';

describe('resolveBrokerConfig', () => {
  it('returns the documented defaults, frozen', () => {
    const c = resolveBrokerConfig();
    expect(c).toEqual(DEFAULT_BROKER_CONFIG);
    expect(c.exits).toEqual({
      risk: { model: 'fixedBps', bps: 25 },
      takeProfitR: 2,
      breakevenAtR: 1,
      maxHoldingMs: 900_000,
      volumeDryUp: { shortTicks: 10, longTicks: 100, fraction: 0.25 },
      momentumReversal: { ticks: 10, bps: 25 },
    });
    expect(Object.isFrozen(c) && Object.isFrozen(c.exits)).toBe(true);
  });

  it('replaces exit fields one by one and keeps the others', () => {
    const c = resolveBrokerConfig({
      feeBps: 3,
      exits: { takeProfitR: null, maxHoldingMs: 60_000 },
    });
    expect(c.feeBps).toBe(3);
    expect(c.exits.takeProfitR).toBeNull();
    expect(c.exits.maxHoldingMs).toBe(60_000);
    expect(c.exits.breakevenAtR).toBe(1);
  });

  it('takes per-instrument spreads', () => {
    const c = resolveBrokerConfig({ spreadBps: 2, spreadBpsByInstrument: { ETH: 5 } });
    expect(spreadBpsOf(c, 'ETH')).toBe(5);
    expect(spreadBpsOf(c, 'BTC')).toBe(2);
    expect(spreadBpsOf(c, 'constructor')).toBe(2);
  });

  it.each<[BrokerConfigInput, string]>([
    [{ spreadBps: -1 }, 'spreadBps: -1 is not a number in [0, 1000]'],
    [{ slippageBps: 5000 }, 'slippageBps: 5000 is not a number in [0, 1000]'],
    [{ feeBps: Number.NaN }, 'feeBps: NaN is not a number in [0, 1000]'],
    [{ spreadBpsByInstrument: { BTC: 2000 } }, 'spreadBpsByInstrument.BTC: 2000 is not a number'],
    [{ markIntervalMs: 1.5 }, 'markIntervalMs: 1.5 is not an integer >= 0'],
    [
      { exits: { risk: { model: 'fixedBps', bps: 0 } } },
      'exits.risk.bps: 0 is not a number in (0, 10000)',
    ],
    [
      { exits: { risk: { model: 'volatility', window: 0, multiple: 2, minBps: 5 } } },
      'exits.risk.window: 0 is not an integer in [1, 100000]',
    ],
    [
      { exits: { risk: { model: 'atr' } as never } },
      'exits.risk.model: atr is not one of fixedBps, volatility',
    ],
    [{ exits: { takeProfitR: 0 } }, 'exits.takeProfitR: 0 must be a finite number above 0'],
    [{ exits: { breakevenAtR: -1 } }, 'exits.breakevenAtR: -1 must be a finite number above 0'],
    [{ exits: { maxHoldingMs: 0 } }, 'exits.maxHoldingMs: 0 is not an integer above 0'],
    [
      { exits: { volumeDryUp: { shortTicks: 10, longTicks: 10, fraction: 0.5 } } },
      'exits.volumeDryUp.shortTicks: 10 must be below longTicks (10)',
    ],
    [
      { exits: { volumeDryUp: { shortTicks: 1, longTicks: 10, fraction: 1 } } },
      'exits.volumeDryUp.fraction: 1 is not a number in (0, 1)',
    ],
    [
      { exits: { momentumReversal: { ticks: 5, bps: 0 } } },
      'exits.momentumReversal.bps: 0 must be',
    ],
  ])('rejects %j naming the field and the limit', (input, message) => {
    let error: unknown;
    try {
      resolveBrokerConfig(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('FLT_INVALID_SPEC');
    expect((error as ValidationError).message).toContain(message);
  });
});
