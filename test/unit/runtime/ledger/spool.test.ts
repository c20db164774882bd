import { appendFile, mkdtemp, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from '../../../../runtime/src/ledger/spool.ts';
import { encodeFrame } from '../../../../runtime/src/ledger/spool-frame.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-spool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const frame = (text: string) => encodeFrame(Buffer.from(text));
const open = (over: { maxBytes?: number; segmentBytes?: number } = {}) =>
  Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 64, ...over });
const segments = async () => (await readdir(dir)).filter((n) => n.startsWith('seg-')).sort();

/** Consumes every frame, returning their payloads. */
async function drain(spool: Spool): Promise<string[]> {
  const out: string[] = [];
  for (let p = await spool.peek(); p !== undefined; p = await spool.peek()) {
    out.push(p.toString());
    await spool.advance();
  }
  return out;
}

describe('Spool', () => {
  it('gives frames back in append order across segments, deleting each consumed segment', async () => {
    const spool = await open();
    const payloads = Array.from({ length: 10 }, (_, i) => `batch-${i}-${'x'.repeat(i * 3)}`);
    for (const p of payloads) await spool.append(frame(p));
    expect(spool.frames).toBe(10);
    expect((await segments()).length).toBeGreaterThan(1); // 64-byte segments rotate
    expect(await spool.peek()).toEqual(Buffer.from(payloads[0] ?? ''));
    expect(await spool.peek()).toEqual(Buffer.from(payloads[0] ?? '')); // peek does not consume
    expect(await drain(spool)).toEqual(payloads);
    expect(spool.isEmpty).toBe(true);
    expect(spool.bytes).toBe(0);
    expect(await segments()).toEqual([]);
    await spool.close();
  });

  it('keeps appending while the head segment is being consumed', async () => {
    const spool = await open({ segmentBytes: 1 << 16 });
    await spool.append(frame('one'));
    expect((await spool.peek())?.toString()).toBe('one');
    await spool.append(frame('two'));
    await spool.advance();
    await spool.append(frame('three'));
    expect(await drain(spool)).toEqual(['two', 'three']);
    await spool.close();
  });

  it('survives a reopen: unconsumed frames come back, in order', async () => {
    const first = await open();
    for (const p of ['a', 'b', 'c', 'd']) await first.append(frame(p));
    await first.advance(); // 'a' consumed, but its segment may still be on disk
    await first.close();
    const second = await open();
    // The read position is not persisted: a consumed frame whose segment is still on disk is
    // replayed again (harmless, rows are idempotent); nothing unconsumed is ever skipped.
    expect(await drain(second)).toEqual(['a', 'b', 'c', 'd']);
    await second.close();
  });

  it('drops a torn tail of the last segment on open and appends after it', async () => {
    const first = await open({ segmentBytes: 1 << 16 });
    await first.append(frame('kept-1'));
    await first.append(frame('kept-2'));
    await first.close();
    const [last] = await segments();
    const path = join(dir, last ?? '');
    const whole = (await readFile(path)).length;
    await appendFile(path, frame('torn-away').subarray(0, 11)); // a crash mid-append

    const second = await open({ segmentBytes: 1 << 16 });
    expect(second.recovery).toEqual({ segments: 1, frames: 2, tornBytes: 11, corruptBytes: 0 });
    expect((await readFile(path)).length).toBe(whole);
    await second.append(frame('after'));
    expect(await drain(second)).toEqual(['kept-1', 'kept-2', 'after']);
    await second.close();
  });

  it('sets aside bad bytes inside a closed segment and keeps the frames around them', async () => {
    const first = await open({ segmentBytes: 16 }); // one frame per segment
    for (const p of ['one', 'two', 'three']) await first.append(frame(p));
    await first.close();
    const names = await segments();
    await truncate(join(dir, names[1] ?? ''), 5); // damage the middle segment

    const second = await open({ segmentBytes: 16 });
    expect(second.recovery).toMatchObject({ frames: 2, corruptBytes: 5 });
    expect(await readdir(join(dir, 'rejected'))).toEqual([`${names[1]}.corrupt`]);
    expect(await drain(second)).toEqual(['one', 'three']);
    await second.close();
  });

  it('refuses an append past maxBytes and makes room as segments are consumed', async () => {
    const spool = await open({ maxBytes: 64, segmentBytes: 32 });
    const f = frame('x'.repeat(24)); // 32 bytes with its header
    expect(spool.fits(f.length)).toBe(true);
    await spool.append(f);
    await spool.append(f);
    expect(spool.fits(f.length)).toBe(false);
    await expect(spool.append(f)).rejects.toThrow(/spool full/);
    await spool.advance();
    expect(spool.fits(f.length)).toBe(true);
    await spool.close();
  });

  it('copies a rejected head frame to rejected/ before consuming it', async () => {
    const spool = await open();
    await spool.append(frame('{"bad":true}'));
    await spool.append(frame('next'));
    const path = await spool.rejectHead();
    expect(path).toMatch(/rejected\/seg-0+1\.log@0\.json$/);
    expect(await readFile(path ?? '', 'utf8')).toBe('{"bad":true}');
    expect(await drain(spool)).toEqual(['next']);
    await spool.close();
  });
});
