import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dailyPerformance as referenceDaily } from '../../../runtime/src/ledger/aggregates.ts';
import { dailyPerformance, strategySummaries } from '../../../runtime/src/ledger/queries.ts';
import { LedgerWriter } from '../../../runtime/src/ledger/writer.ts';
import { generatedLedger, HAND_DAILY, handLedger } from '../../unit/runtime/ledger/fixtures.ts';
import { expectRowsClose } from './compare.ts';
import {
  clickHouseClient,
  dropDatabase,
  migratedDatabase,
  removeDir,
  tempSpoolDir,
} from './ledger-db.ts';

const client = clickHouseClient(inject('clickhouseUrl'));
let hand: string;
let generated: string;
const spoolDirs: string[] = [];
const generatedRows = generatedLedger(20240301);

/** Writes `rows` twice through a writer (a replay must not change any figure). */
async function load(rows: ReturnType<typeof handLedger>): Promise<string> {
  const db = await migratedDatabase(client);
  const spoolDir = await tempSpoolDir();
  spoolDirs.push(spoolDir);
  const writer = await LedgerWriter.open({ client, database: db, spoolDir, maxBatchRows: 37 });
  await writer.write(rows);
  await writer.write(rows);
  await writer.close();
  return db;
}

beforeAll(async () => {
  hand = await load(handLedger());
  generated = await load(generatedRows);
});
afterAll(async () => {
  for (const db of [hand, generated]) if (db) await dropDatabase(client, db);
  for (const dir of spoolDirs) await removeDir(dir);
  await client.close();
});

describe('daily_performance on ClickHouse 18.16', () => {
  it('equals the hand computation, written twice', async () => {
    expect(await dailyPerformance(client, hand)).toEqual(HAND_DAILY);
  });

  it('equals the reference computation (aggregates.ts) on the hand ledger', async () => {
    const ledger = handLedger();
    expect(await dailyPerformance(client, hand)).toEqual(
      referenceDaily(ledger.fills, ledger.pnl_events, ledger.equity_points),
    );
  });

  it('equals the reference computation on a random ledger with fractional amounts', async () => {
    const expected = referenceDaily(
      generatedRows.fills,
      generatedRows.pnl_events,
      generatedRows.equity_points,
    );
    expect(expected.length).toBeGreaterThan(6); // three strategies over several days
    expectRowsClose(await dailyPerformance(client, generated), expected, 'daily_performance');
  });

  it('filters by strategy and by day, both bounds inclusive', async () => {
    const rows = await dailyPerformance(client, hand, {
      strategy: 'alpha',
      fromDay: '2024-03-02',
      toDay: '2024-03-02',
    });
    expect(rows).toEqual([HAND_DAILY[1]]);
    await expect(dailyPerformance(client, hand, { fromDay: '2024-3-2' })).rejects.toThrow(
      /YYYY-MM-DD/,
    );
  });
});

describe('strategySummaries on ClickHouse 18.16', () => {
  it('adds up the hand ledger per strategy', async () => {
    expect(await strategySummaries(client, hand)).toEqual([
      // net 4.875 - 0.25; trades A (+6.5) and B (-3.25); C is still open
      {
        strategy: 'alpha',
        decisions: 4,
        signals: 3,
        trades: 2,
        wins: 1,
        losses: 1,
        net: 4.625,
        high_water: 6.5,
        max_drawdown: 3.875,
        average_net: 1.625,
      },
      {
        strategy: 'beta',
        decisions: 2,
        signals: 2,
        trades: 2,
        wins: 0,
        losses: 1,
        net: -1,
        high_water: 0,
        max_drawdown: 1.5,
        average_net: -0.5,
      },
    ]);
    expect(await strategySummaries(client, hand, { strategy: 'beta' })).toHaveLength(1);
  });

  it('agrees with the daily rows it summarises on a random ledger', async () => {
    const days = referenceDaily(
      generatedRows.fills,
      generatedRows.pnl_events,
      generatedRows.equity_points,
    );
    const summaries = await strategySummaries(client, generated);
    expect(summaries.map((s) => s.strategy)).toEqual(['s1', 's2', 's3']);
    for (const s of summaries) {
      const mine = days.filter((d) => d.strategy === s.strategy);
      const sum = (f: (d: (typeof mine)[number]) => number) => mine.reduce((a, d) => a + f(d), 0);
      const trades = sum((d) => d.trades);
      expectRowsClose(
        [s],
        [
          {
            strategy: s.strategy,
            decisions: 0,
            signals: 0,
            trades,
            wins: sum((d) => d.wins),
            losses: sum((d) => d.losses),
            net: sum((d) => d.net),
            high_water: Math.max(...mine.map((d) => d.high_water)),
            max_drawdown: Math.max(...mine.map((d) => d.max_drawdown)),
            average_net: trades > 0 ? sum((d) => d.average_net * d.trades) / trades : 0,
          },
        ],
        `summary ${s.strategy}`,
      );
    }
  });
});
