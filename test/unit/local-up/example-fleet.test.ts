import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../cli/local-kube.ts';
import { fleetOf, readFleet } from '../../../cli/local-up/example-fleet.ts';

describe('fleetOf', () => {
  it('keeps Strategies only, sorted, with their instruments once each', () => {
    const fleet = fleetOf([
      { kind: 'Strategy', metadata: { name: 'b' }, spec: { instruments: ['SPY', 'QQQ'] } },
      { kind: 'Model', metadata: { name: 'm' }, spec: {} },
      { kind: 'Strategy', metadata: { name: 'a' }, spec: { instruments: ['QQQ'] } },
      null,
    ]);
    expect(fleet).toEqual({
      strategies: [
        { name: 'a', instruments: ['QQQ'] },
        { name: 'b', instruments: ['SPY', 'QQQ'] },
      ],
      instruments: ['QQQ', 'SPY'],
    });
  });
});

describe('readFleet', () => {
  it('reads the example fleet: seven strategies over six instruments', () => {
    const fleet = readFleet(join(REPO_ROOT, 'examples/fleet'));
    expect(fleet.strategies).toHaveLength(7);
    expect(fleet.instruments).toEqual(['AAPL', 'BTC-USD', 'ETH-USD', 'QQQ', 'SOL-USD', 'SPY']);
  });
});
