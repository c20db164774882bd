import { describe, expect, it } from 'vitest';
import {
  checkNoLedgerFlags,
  type LedgerDatasetFlags,
  ledgerDatasetConfig,
} from '../../../../runtime/src/dataset/ledger-config.ts';

const BASE: LedgerDatasetFlags = {
  fromLedger: true,
  clickhouseUrl: 'http://127.0.0.1:8123',
  out: 'd.arrow',
};
const NO_ENV = {};

const problems = (flags: LedgerDatasetFlags, env: Record<string, string> = NO_ENV) => {
  try {
    ledgerDatasetConfig(flags, env);
  } catch (err) {
    expect((err as { code: string }).code).toBe('FLT_DATASET_CONFIG');
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('ledgerDatasetConfig', () => {
  it('has defaults: database flotilla, every strategy, all time', () => {
    expect(ledgerDatasetConfig(BASE, NO_ENV)).toEqual({
      clickhouseUrl: 'http://127.0.0.1:8123',
      database: 'flotilla',
      range: {},
      out: 'd.arrow',
      batchRows: 65_536,
      json: false,
    });
  });

  it('reads the range, the database and CLICKHOUSE_URL', () => {
    const config = ledgerDatasetConfig(
      {
        fromLedger: true,
        out: 'x.feather',
        database: 'ledger_2',
        strategy: 'momentum-btc',
        from: '2024-03-01T00:00:00Z',
        to: String(Date.UTC(2024, 2, 2)),
        batchRows: '100',
        json: true,
      },
      { CLICKHOUSE_URL: 'https://ch.example:8443' },
    );
    expect(config).toEqual({
      clickhouseUrl: 'https://ch.example:8443',
      database: 'ledger_2',
      range: { strategy: 'momentum-btc', fromMs: Date.UTC(2024, 2, 1), toMs: Date.UTC(2024, 2, 2) },
      out: 'x.feather',
      batchRows: 100,
      json: true,
    });
    expect(Object.isFrozen(config) && Object.isFrozen(config.range)).toBe(true);
  });

  it.each<[string, LedgerDatasetFlags, string]>([
    [
      'no URL',
      { fromLedger: true, out: 'd.arrow' },
      '--clickhouse-url: required; pass the ledger ClickHouse URL or set CLICKHOUSE_URL',
    ],
    [
      'not http',
      { ...BASE, clickhouseUrl: 'tcp://u:secret@h:9000' },
      '--clickhouse-url: not an http:// or https:// URL',
    ],
    [
      'bad database',
      { ...BASE, database: 'my-ledger' },
      '--database: "my-ledger" is not letters, digits and _',
    ],
    [
      'empty strategy',
      { ...BASE, strategy: ' ' },
      '--strategy: " " is not a strategy name (1 to 253 characters)',
    ],
    ['bad from', { ...BASE, from: 'yesterday' }, '--from: "yesterday" is not ms since the epoch'],
    [
      'to before from',
      { ...BASE, from: '2000', to: '1000' },
      '--to: 1000 is not after --from 2000 (the range is [from, to))',
    ],
    ['no out', { ...BASE, out: undefined }, '--out: required'],
    [
      'parquet',
      { ...BASE, out: 'd.parquet' },
      '--out: "d.parquet" must end in .arrow, .feather, .ipc',
    ],
    [
      'batch rows',
      { ...BASE, batchRows: '0' },
      '--batch-rows: "0" is not an integer in [1, 1048576]',
    ],
    [
      'a tick source',
      { ...BASE, synthetic: true },
      '--synthetic does not apply to --from-ledger: the ledger is the source',
    ],
    [
      'features',
      { ...BASE, features: 'rsi_14' },
      '--features does not apply to --from-ledger: the columns are the features the decisions were scored with; pick model inputs with `flotilla train --features`',
    ],
    [
      'horizon',
      { ...BASE, horizon: '5' },
      '--horizon does not apply to --from-ledger: a ledger label covers its position’s whole life',
    ],
    [
      'cost',
      { ...BASE, cost: '0.001' },
      '--cost does not apply to --from-ledger: a ledger label has the position’s own costs inside it',
    ],
  ])('%s', (_name, flags, message) => {
    expect(problems(flags)).toContain(message);
  });

  it('never echoes the URL (it may hold a password)', () => {
    expect(problems({ ...BASE, clickhouseUrl: 'ftp://u:secret@h' })).not.toContain('secret');
  });

  it('lists every problem at once', () => {
    const text = problems({ fromLedger: true, database: '1x', horizon: '3' });
    expect(text).toMatch(/^4 problems with the options:\n {2}--horizon does not apply/);
    expect(text).toContain('\n  --clickhouse-url: required');
    expect(text).toContain('\n  --database: "1x"');
    expect(text).toContain('\n  --out: required');
  });
});

describe('checkNoLedgerFlags', () => {
  it('refuses ledger flags without --from-ledger, and accepts them with it', () => {
    expect(() => checkNoLedgerFlags({ synthetic: true, strategy: 's', from: '1' })).toThrow(
      '--strategy, --from apply to --from-ledger only; add --from-ledger to export the ledger',
    );
    expect(() => checkNoLedgerFlags({ synthetic: true })).not.toThrow();
    expect(() => checkNoLedgerFlags({ fromLedger: true, strategy: 's' })).not.toThrow();
  });
});
