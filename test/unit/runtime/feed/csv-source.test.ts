// CSV reading from in-memory text (the file variant is covered by the integration tier).
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type CsvInput, checkCsv, csvTicks } from '../../../../runtime/src/feed/csv-source.ts';
import { FeedError } from '../../../../runtime/src/feed/errors.ts';
import type { FeedTick } from '../../../../runtime/src/feed/publisher.ts';

/** CSV text, delivered in small chunks so rows straddle chunk boundaries. */
const csv = (text: string): CsvInput => ({
  name: 'ticks.csv',
  open: () => Readable.from(text.match(/[\s\S]{1,7}/g) ?? []),
});

async function read(input: CsvInput): Promise<FeedTick[]> {
  const out: FeedTick[] = [];
  for await (const tick of csvTicks(input)) out.push(tick);
  return out;
}

describe('csvTicks', () => {
  it('reads rows in file order, with or without cid', async () => {
    const input = csv(
      'instrument,ts,price,volume,cid\nBTC-USD,1000,50000.5,0.25,a-1\nETH-USD,1000,3000,2,\nBTC-USD,1000,50001,0,a-2\n',
    );
    expect(await read(input)).toEqual([
      { instrument: 'BTC-USD', ts: 1000, price: 50000.5, volume: 0.25, cid: 'a-1' },
      { instrument: 'ETH-USD', ts: 1000, price: 3000, volume: 2 },
      { instrument: 'BTC-USD', ts: 1000, price: 50001, volume: 0, cid: 'a-2' },
    ]);
    expect(await checkCsv(input)).toEqual({
      rows: 3,
      instruments: new Map([
        ['BTC-USD', 2],
        ['ETH-USD', 1],
      ]),
      problems: [],
      problemCount: 0,
    });
  });

  it.each([
    ['columns in any order, any case', 'TS,Volume,Instrument,Price\n5,1,A,2\n'],
    ['CRLF line ends and a BOM', '\uFEFFinstrument,ts,price,volume\r\nA,5,2,1\r\n'],
    ['blank lines and spaces around cells', 'instrument, ts, price, volume\n\n A , 5 ,2, 1\n\n'],
    ['quoted cells', 'instrument,ts,price,volume\n"A","5","2","1"\n'],
    ['no final newline', 'instrument,ts,price,volume\nA,5,2,1'],
  ])('accepts %s', async (_, text) => {
    expect(await read(csv(text))).toEqual([{ instrument: 'A', ts: 5, price: 2, volume: 1 }]);
  });

  it.each([
    ['a bad price', 'A,3,abc,1', 'line 3: price: "abc" is not a decimal number'],
    ['a negative volume', 'A,3,1,-2', 'line 3: volume: -2 must be finite and at least 0'],
    ['a decimal ts', 'A,3.5,1,1', 'line 3: ts: "3.5" is not an integer number of ms'],
    ['a bad instrument', 'btc,3,1,1', 'line 3: instrument: "btc" does not match'],
    ['a missing cell', 'A,3,1', 'line 3: has 3 fields, the header has 4'],
    ['time going backwards', 'A,1,1,1', 'line 3: ts: 1 is before 2, the previous A tick (line 2)'],
  ])('stops at %s, naming line and field', async (_, row, message) => {
    const input = csv(`instrument,ts,price,volume\nA,2,1,1\n${row}\nA,9,1,1\n`);
    const error = await read(input).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(FeedError);
    expect((error as FeedError).code).toBe('FLT_FEED_CSV');
    expect((error as Error).message).toContain(`ticks.csv: ${message}`);
  });

  it.each([
    ['an unknown column', 'instrument,ts,price,volume,venue', 'line 1: unknown column "venue"'],
    ['a missing column', 'instrument,ts,volume', 'line 1: missing column price in the header'],
    ['a duplicate column', 'instrument,ts,price,volume,ts', 'line 1: column "ts" appears twice'],
    ['no header (data first)', 'A,1,2,3', 'line 1: unknown column "A"'],
  ])('rejects a header with %s', async (_, header, message) => {
    const check = await checkCsv(csv(`${header}\nA,1,2,3\n`));
    expect(check.problems).toEqual([expect.stringContaining(message)]);
  });

  it('rejects an empty file', async () => {
    expect((await checkCsv(csv(''))).problems).toEqual([
      'line 1: no header row; the file is empty',
    ]);
  });

  it('reports an unclosed quote from the parser', async () => {
    const check = await checkCsv(csv('instrument,ts,price,volume\nA,1,2,3\n"B,2,3,4\n'));
    expect(check.problemCount).toBe(1);
    expect(check.problems[0]).toMatch(/quote/i);
  });

  it('checks every row, counting all problems and listing the first few', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `A,${i},${i % 2 === 0 ? 'x' : '1'},1`);
    const check = await checkCsv(csv(`instrument,ts,price,volume\n${rows.join('\n')}\n`), 5);
    expect(check.rows).toBe(15);
    expect(check.problemCount).toBe(15);
    expect(check.problems).toHaveLength(5);
    expect(check.problems[0]).toBe('line 2: price: "x" is not a decimal number');
    expect(check.problems[1]).toMatch(/^line 4: /);
  });

  it('names a quoted cell spanning lines by the line it ends on', async () => {
    const check = await checkCsv(
      csv('instrument,ts,price,volume,cid\nA,1,2,3,"multi\nline"\nA,2,x,3,\n'),
    );
    expect(check.problems).toEqual(['line 4: price: "x" is not a decimal number']);
  });
});
