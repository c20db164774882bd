// Ticks from a CSV file: a header row naming the columns instrument, ts, price, volume and
// optionally cid (any order), then one tick per row. Rows are checked with the same limits as
// the runner's decodeTick, plus: each instrument's ts never goes backwards. The file is
// stream-parsed, so its size is not limited by memory.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { decodeTick, instrumentProblem } from '../ingest/tick-format.ts';
import { FeedError } from './errors.ts';
import type { FeedTick } from './publisher.ts';

const REQUIRED = ['instrument', 'ts', 'price', 'volume'] as const;
const OPTIONAL = ['cid'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

/** Where CSV text comes from: `name` appears in messages, `open` is called once per pass. */
export interface CsvInput {
  name: string;
  open: () => Readable;
}

export function csvFile(path: string): CsvInput {
  return { name: path, open: () => createReadStream(path) };
}

export interface CsvCheck {
  /** Data rows read (header and blank lines not counted). */
  rows: number;
  /** Rows per instrument, in order of first appearance. */
  instruments: Map<string, number>;
  /** The first `maxProblems` problems, each `line N: field: message`. */
  problems: string[];
  /** All problems, including those not listed. */
  problemCount: number;
}

/** Reads the whole file and reports every bad row (listing the first `maxProblems`). */
export async function checkCsv(input: CsvInput, maxProblems = 20): Promise<CsvCheck> {
  const check: CsvCheck = { rows: 0, instruments: new Map(), problems: [], problemCount: 0 };
  const note = (problem: string) => {
    check.problemCount++;
    if (check.problems.length < maxProblems) check.problems.push(problem);
  };
  try {
    for await (const row of readRows(input)) {
      if (typeof row === 'string') {
        note(row);
        continue;
      }
      check.rows++;
      check.instruments.set(row.instrument, (check.instruments.get(row.instrument) ?? 0) + 1);
    }
  } catch (err) {
    note(csvErrorMessage(err));
  }
  return check;
}

/** The file's ticks in file order; throws FeedError (FLT_FEED_CSV) at the first bad row. */
export async function* csvTicks(input: CsvInput): AsyncGenerator<FeedTick> {
  try {
    for await (const row of readRows(input)) {
      if (typeof row === 'string') throw new FeedError('FLT_FEED_CSV', `${input.name}: ${row}`);
      yield row;
    }
  } catch (err) {
    if (err instanceof FeedError) throw err;
    throw new FeedError('FLT_FEED_CSV', `${input.name}: ${csvErrorMessage(err)}`, { cause: err });
  }
}

/** Each data row as a tick, or as a problem naming its line and field (a bad header ends it). */
async function* readRows(input: CsvInput): AsyncGenerator<FeedTick | string> {
  const parser = input.open().pipe(
    parse({
      bom: true,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }),
  );
  let columns: Map<Column, number> | undefined;
  let width = 0;
  const lastTs = new Map<string, { ts: number; line: number }>();
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    const line = info.lines;
    if (columns === undefined) {
      const header = readHeader(record);
      if (typeof header === 'string') {
        yield `line ${line}: ${header}`;
        return;
      }
      columns = header;
      width = record.length;
      continue;
    }
    if (record.length !== width) {
      yield `line ${line}: has ${record.length} fields, the header has ${width}`;
      continue;
    }
    const cell = (c: Column) => {
      const i = columns?.get(c);
      return i === undefined ? undefined : (record[i] as string);
    };
    const instrument = cell('instrument') as string;
    const instrumentBad = instrumentProblem(instrument);
    if (instrumentBad) {
      yield `line ${line}: ${instrumentBad}`;
      continue;
    }
    const fields = ['ts', cell('ts') as string, 'price', cell('price') as string];
    fields.push('volume', cell('volume') as string);
    const cid = cell('cid');
    if (cid) fields.push('cid', cid);
    const decoded = decodeTick(fields);
    if (!decoded.ok) {
      yield `line ${line}: ${decoded.message}`;
      continue;
    }
    const { tick } = decoded;
    const previous = lastTs.get(instrument);
    if (previous && tick.ts < previous.ts) {
      yield `line ${line}: ts: ${tick.ts} is before ${previous.ts}, the previous ${instrument} tick (line ${previous.line}); each instrument's rows must be in time order`;
      continue;
    }
    lastTs.set(instrument, { ts: tick.ts, line });
    yield { instrument, ...tick };
  }
  if (columns === undefined) yield 'line 1: no header row; the file is empty';
}

/** Column positions from the header row, or a problem. */
function readHeader(record: string[]): Map<Column, number> | string {
  const known = new Set<string>([...REQUIRED, ...OPTIONAL]);
  const columns = new Map<Column, number>();
  const expected = `expected a header row naming ${REQUIRED.join(', ')} and optionally ${OPTIONAL.join(', ')}`;
  for (const [i, raw] of record.entries()) {
    const name = raw.toLowerCase();
    if (!known.has(name)) return `unknown column "${raw}" in the header; ${expected}`;
    if (columns.has(name as Column)) return `column "${raw}" appears twice in the header`;
    columns.set(name as Column, i);
  }
  const missing = REQUIRED.filter((c) => !columns.has(c));
  if (missing.length > 0) return `missing column ${missing.join(', ')} in the header; ${expected}`;
  return columns;
}

function csvErrorMessage(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return 'cannot read it: no such file';
  return err instanceof Error ? err.message : String(err);
}
