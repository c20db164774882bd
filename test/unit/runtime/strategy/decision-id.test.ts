import { describe, expect, it } from 'vitest';
import { decisionId } from '../../../../runtime/src/strategy/decision-id.ts';

describe('decisionId', () => {
  it('is derived: the same inputs give the same 32-hex id, any change gives another', () => {
    const id = decisionId('ticks:BTC-USD', '1-0', 'momo', 'abc');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(decisionId('ticks:BTC-USD', '1-0', 'momo', 'abc')).toBe(id);
    const others = [
      decisionId('ticks:ETH-USD', '1-0', 'momo', 'abc'),
      decisionId('ticks:BTC-USD', '1-1', 'momo', 'abc'),
      decisionId('ticks:BTC-USD', '1-0', 'momo2', 'abc'),
      decisionId('ticks:BTC-USD', '1-0', 'momo', ''),
    ];
    expect(new Set([id, ...others]).size).toBe(5);
  });
});
