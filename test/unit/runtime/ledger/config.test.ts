import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LEDGER_WRITER_CONFIG,
  resolveLedgerWriterConfig,
} from '../../../../runtime/src/ledger/config.ts';

describe('resolveLedgerWriterConfig', () => {
  it('fills the defaults and freezes the result', () => {
    const config = resolveLedgerWriterConfig({ spoolDir: '/var/spool/flotilla' });
    expect(config).toEqual({ ...DEFAULT_LEDGER_WRITER_CONFIG, spoolDir: '/var/spool/flotilla' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ maxBatchRows: 0 }, 'maxBatchRows: 0 is not an integer in [1, 1000000]'],
    [{ flushIntervalMs: 1.5 }, 'flushIntervalMs: 1.5 is not an integer'],
    [{ spoolMaxBytes: 1024 }, 'spoolMaxBytes: 1024 is not an integer in [65536,'],
    [{ database: 'my-db' }, 'database: "my-db" is not letters, digits and _'],
    [{ retryInitialMs: 500, retryMaxMs: 100 }, 'retryMaxMs: 100 is below retryInitialMs (500)'],
    [
      { spoolMaxBytes: 65_536, spoolSegmentBytes: 131_072 },
      'spoolSegmentBytes: 131072 is above spoolMaxBytes',
    ],
    [{ spoolDir: '' }, 'spoolDir: is required'],
  ])('names the field and the limit: %j', (input, message) => {
    expect(() => resolveLedgerWriterConfig({ spoolDir: '/s', ...input })).toThrow(
      expect.objectContaining({
        code: 'FLT_INVALID_SPEC',
        message: expect.stringContaining(message),
      }),
    );
  });
});
