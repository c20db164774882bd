// Shows the progress lines: on a terminal, redrawn in place; otherwise (a pipe, a log file, CI)
// printed as a block every `everyMs`, so the output stays readable and bounded.
import { clearScreenDown, moveCursor } from 'node:readline';

/** A stream such as process.stdout; isTTY decides between redrawing and printing blocks. */
export type DisplayStream = NodeJS.WritableStream & { isTTY?: boolean };

export interface ProgressDisplay {
  /** The latest lines; shown now on a terminal, else when the last block is `everyMs` old. */
  show(lines: readonly string[]): void;
  /** Leaves the last lines in place (on a terminal) or prints them (elsewhere). */
  finish(lines: readonly string[]): void;
}

export function progressDisplay(
  out: DisplayStream,
  options: { everyMs?: number; now?: () => number } = {},
): ProgressDisplay {
  return out.isTTY ? inPlace(out) : periodic(out, options.everyMs ?? 5_000, options.now);
}

function inPlace(out: DisplayStream): ProgressDisplay {
  let shown = 0;
  const draw = (lines: readonly string[]) => {
    if (shown > 0) moveCursor(out, 0, -shown);
    clearScreenDown(out);
    out.write(`${lines.join('\n')}\n`);
    shown = lines.length;
  };
  return { show: draw, finish: draw };
}

function periodic(
  out: DisplayStream,
  everyMs: number,
  now: () => number = () => performance.now(),
): ProgressDisplay {
  let last = Number.NEGATIVE_INFINITY;
  let printed = '';
  const print = (lines: readonly string[]) => {
    printed = `${lines.join('\n')}\n`;
    out.write(printed);
    last = now();
  };
  return {
    show: (lines) => {
      if (now() - last >= everyMs) print(lines);
    },
    // The final lines once, even when the last block already showed them.
    finish: (lines) => {
      if (`${lines.join('\n')}\n` !== printed) print(lines);
    },
  };
}
