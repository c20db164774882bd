import { describe, expect, it } from 'vitest';
import { FORENSICS_ERROR_CODES } from '../../../../runtime/src/forensics/errors.ts';
import { decisionErrorStatus } from '../../../../runtime/src/server/decisions-route.ts';

describe('decisionErrorStatus', () => {
  it.each([
    ['FLT_DECISION_ID', 400],
    ['FLT_DECISION_NOT_FOUND', 404],
    ['FLT_DECISION_MODEL_MISSING', 422],
    ['FLT_DECISION_FEATURES', 422],
    ['FLT_MODEL_SIGNATURE', 422],
    ['FLT_LEDGER_CLICKHOUSE', 503],
    ['FLT_ONNX', 500],
  ])('%s -> %d', (code, status) => {
    expect(decisionErrorStatus(code)).toBe(status);
  });

  it('gives every forensics code but the CLI-only mismatch a 4xx status', () => {
    const codes = Object.keys(FORENSICS_ERROR_CODES).filter((c) => c !== 'FLT_DECISION_MISMATCH');
    for (const code of codes) expect(decisionErrorStatus(code), code).toBeLessThan(500);
  });
});
