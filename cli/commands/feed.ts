// `flotilla feed`: publish seeded synthetic ticks, or a CSV file of ticks, to the Redis tick
// streams at a given rate. Progress goes to stderr; the last stdout line is the summary.
import { Command } from '@commander-js/extra-typings';

export function feedCommand() {
  return new Command('feed')
    .description(
      'Publish synthetic ticks (--instruments) or a CSV file of ticks (--csv) to the ticks:<instrument> Redis streams.',
    )
    .option(
      '--redis-url <url>',
      'Redis to publish to (default: $REDIS_URL, else redis://127.0.0.1:6379)',
    )
    .option('--instruments <list>', 'synthetic ticks for these instruments, comma-separated')
    .option(
      '--csv <file>',
      'publish this CSV file (header: instrument,ts,price,volume[,cid]) in file order',
    )
    .option('--ticks <n>', 'synthetic ticks per instrument (default: until --duration or Ctrl-C)')
    .option('--duration <duration>', 'stop after this long, e.g. 30s or 5m')
    .option(
      '--rate <ticks-per-second>',
      'total ticks per second across instruments; 0 = as fast as possible',
      '0',
    )
    .option('--seed <n>', 'seed of the synthetic market, an integer (default: 1)')
    .option(
      '--edge <x>',
      'strength of the planted momentum edge in the trending regime, 0 to 2 (default: 0 = none)',
    )
    .option(
      '--start-ts <time>',
      'time of the first synthetic tick: ms since the epoch or ISO 8601 (default: now)',
    )
    .option('--maxlen <n>', 'trim each stream to about n entries (MAXLEN ~)')
    .option('--json', 'print the final summary as one JSON line')
    .action(async (opts) => {
      // Loaded on use: every flotilla subcommand starts faster when the others' modules stay unloaded.
      const { feedConfig } = await import('../../runtime/src/feed/config.ts');
      const { formatSummary, runFeed, summaryJson } = await import(
        '../../runtime/src/feed/feed.ts'
      );
      const config = feedConfig(opts);
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop).once('SIGTERM', stop);
      try {
        const summary = await runFeed(config, {
          log: (line) => process.stderr.write(`${line}\n`),
          signal: abort.signal,
        });
        console.log(config.json ? summaryJson(summary) : formatSummary(summary));
      } finally {
        process.off('SIGINT', stop).off('SIGTERM', stop);
      }
    });
}
