import { describe, expect, it } from 'vitest';
import { checkDecisionId } from '../../../../runtime/src/forensics/decision-id.ts';
import { decisionId } from '../../../../runtime/src/strategy/decision-id.ts';

describe('checkDecisionId', () => {
  it('accepts the ids the runner derives', () => {
    const id = decisionId('ticks:BTC-USD', '1700000000000-0', 'momo', 'ab'.repeat(32));
    expect(checkDecisionId(id)).toBe(id);
  });

  it.each([
    '',
    'd-1',
    'A'.repeat(32),
    'a'.repeat(31),
    'a'.repeat(33),
    `${'a'.repeat(31)}g`,
    "' OR 1=1 --",
  ])('refuses %j with FLT_DECISION_ID', (id) => {
    expect(() => checkDecisionId(id)).toThrow(
      expect.objectContaining({
        code: 'FLT_DECISION_ID',
        message: expect.stringContaining('32 lowercase hex characters'),
      }),
    );
  });

  it('shortens a huge id in the message', () => {
    expect(() => checkDecisionId('x'.repeat(10_000))).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^"x{80}\.\.\."/) }),
    );
  });
});
