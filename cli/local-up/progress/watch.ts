// Redraws the progress while ticks are fed: reads every strategy's figures once per interval
// and hands the lines to the display. Reads never overlap; a failed read keeps the last lines.
import type { ProgressDisplay } from './display.ts';
import { type Progress, progressLines, type StrategyProgress } from './format.ts';

export interface ProgressWatch {
  /** Stops reading; resolves once the read in flight (if any) is done. */
  stop(): Promise<void>;
  /** The last figures read. */
  latest(): readonly StrategyProgress[];
}

export function watchProgress(o: {
  read: () => Promise<StrategyProgress[]>;
  display: ProgressDisplay;
  frame: () => Omit<Progress, 'strategies'>;
  everyMs: number;
}): ProgressWatch {
  let latest: StrategyProgress[] = [];
  let inFlight: Promise<void> | undefined;
  const tick = () => {
    if (inFlight) return;
    inFlight = o
      .read()
      .then(
        (rows) => {
          latest = rows;
        },
        () => undefined,
      )
      .then(() => {
        o.display.show(progressLines({ ...o.frame(), strategies: latest }));
        inFlight = undefined;
      });
  };
  tick();
  const timer = setInterval(tick, o.everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
    latest: () => latest,
  };
}

/** Sum of the figures that keep moving while a runner still works through its backlog. */
export function activity(rows: readonly StrategyProgress[]): number {
  return rows.reduce((sum, r) => sum + r.decisions + r.signals + r.trades, 0);
}
