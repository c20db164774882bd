// `flotilla local up`: the whole fleet on one machine (cli/local-up/local-up.ts). This file
// parses the flags, turns SIGINT/SIGTERM into an abort, and sets the exit code.
import { Command } from '@commander-js/extra-typings';

export function localUpCommand() {
  return (
    new Command('up')
      .description(
        'Run the example fleet on one machine: local cluster, Redis, ClickHouse, the Helm chart; feed synthetic ticks with live progress; print a summary and write out/report.html; stop everything.',
      )
      // Defaults live in cli/local-up/config.ts (loaded on use); the help text repeats them.
      .option('--duration <duration>', 'how long to feed ticks, 1s to 24h, e.g. 20s (default: 60s)')
      .option(
        '--dir <dir>',
        'cluster directory (default: $FLOTILLA_LOCAL_DIR, else ~/.flotilla/local-cluster)',
      )
      .option('--edge <x>', 'strength of the planted momentum edge, 0 to 2 (default: 0.3)')
      .option(
        '--rate <ticks-per-second>',
        'ticks per second across every instrument, 1 to 50000 (default: 1000)',
      )
      .option('--out <dir>', 'where report.html and summary.json go (default: ./out)')
      .action(async (opts) => {
        // Loaded on use: every other flotilla subcommand starts faster without these modules.
        const { localUpConfig } = await import('../local-up/config.ts');
        const { runLocalUp } = await import('../local-up/local-up.ts');
        const config = localUpConfig(opts);
        const abort = new AbortController();
        let received: NodeJS.Signals | undefined;
        const onSignal = (signal: NodeJS.Signals) => {
          if (received === undefined) {
            received = signal;
            process.stdout.write(
              `\n${signal}: stopping; everything started is being shut down ...\n`,
            );
            abort.abort();
          } else {
            process.stdout.write(`${signal}: still shutting down, please wait ...\n`);
          }
        };
        process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
        try {
          await runLocalUp(config, { out: process.stdout, signal: abort.signal });
          // 128 + the signal's number, as a shell reports a process a signal ended.
          if (received !== undefined) process.exitCode = received === 'SIGINT' ? 130 : 143;
        } finally {
          process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
        }
      })
  );
}
