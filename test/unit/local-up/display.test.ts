import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressDisplay } from '../../../cli/local-up/progress/display.ts';

function stream(isTTY: boolean) {
  const out = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  out.on('data', (b: Buffer) => {
    text += b.toString();
  });
  return { out, text: () => text };
}

describe('progressDisplay', () => {
  it('off a terminal, prints a block at most every everyMs and the final lines once', () => {
    const s = stream(false);
    let now = 0;
    const display = progressDisplay(s.out, { everyMs: 5_000, now: () => now });
    display.show(['a']);
    now = 1_000;
    display.show(['b']); // too soon
    now = 5_000;
    display.show(['c']);
    display.finish(['c']); // already shown
    display.finish(['d']);
    expect(s.text()).toBe('a\nc\nd\n');
  });

  it('on a terminal, moves back over the lines it drew and redraws them', () => {
    const s = stream(true);
    const display = progressDisplay(s.out);
    display.show(['one', 'two']);
    display.show(['three']);
    // CSI 2 A (cursor up 2), CSI 0 J (clear to the end of the screen).
    expect(s.text()).toBe('\x1b[0Jone\ntwo\n\x1b[2A\x1b[0Jthree\n');
  });
});
