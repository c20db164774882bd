import { describe, expect, it } from 'vitest';
import { resolveInferenceOptions } from '../../../../runtime/src/inference/options.ts';

describe('resolveInferenceOptions', () => {
  it('applies the defaults and freezes the result', () => {
    const o = resolveInferenceOptions({ workers: 3, cacheDir: '/c' });
    expect(o).toMatchObject({
      cacheDir: '/c',
      workers: 3,
      maxBatchRows: 512,
      batchWindowMicros: 0,
      maxConcurrentRuns: 6,
      runTimeoutMs: 250,
      breakerFailures: 3,
    });
    expect(Object.isFrozen(o)).toBe(true);
  });

  it('names every bad option and its limit', () => {
    expect(() =>
      resolveInferenceOptions({ maxBatchRows: 0, runTimeoutMs: 1.5, workers: 100, cacheDir: '' }),
    ).toThrow(
      [
        'inference options is invalid:',
        '  workers: 100 is above the maximum 64',
        '  maxBatchRows: 0 is below the minimum 1',
        '  runTimeoutMs: 1.5 is not an integer',
        '  cacheDir: must not be empty',
      ].join('\n'),
    );
  });
});
