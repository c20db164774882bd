// `flotilla runner`: run one shard of the fleet (the runner pods' entry point).
import { Command } from '@commander-js/extra-typings';
import { stopOnSignals } from '../stop-on-signals.ts';

export function runnerCommand() {
  return new Command('runner')
    .description(
      'Run one shard: read ticks from Redis Streams, score strategies, emit signals (see docs/reference/runner.md).',
    )
    .option('--shard <n>', 'shard number (default: the ordinal at the end of $POD_NAME)')
    .option(
      '--namespace <ns>',
      'fleet namespace (default: $POD_NAMESPACE, the service account, or "default")',
    )
    .option('--redis-url <url>', 'Redis URL (default: $REDIS_URL or redis://127.0.0.1:6379)')
    .option(
      '--http-host <addr>',
      'address for /metrics /healthz /readyz (default: $POD_IP, else 127.0.0.1)',
    )
    .option('--http-port <port>', 'port for /metrics /healthz /readyz (default: 8080)')
    .option(
      '--config-file <path>',
      'read the shard config from this JSON file instead of the ConfigMap flotilla-shard-<n>',
    )
    .option('--read-count <n>', 'entries per stream per read (default: 256)')
    .option('--block-ms <ms>', 'how long a read waits for ticks (default: 100)')
    .option(
      '--latency-budget-ms <ms>',
      'tick age that starts shedding background strategies (default: 50)',
    )
    .option(
      '--start-from <where>',
      'where a new consumer group starts: latest or earliest (default: latest)',
    )
    .option('--signal-max-len <n>', 'approximate MAXLEN of each signals stream (default: 100000)')
    .option('--report-interval-ms <ms>', 'how often counters go to Redis (default: 1000)')
    .option(
      '--clickhouse-url <url>',
      'ClickHouse for decision records and paper P&L (default: $CLICKHOUSE_URL; none: no ledger)',
    )
    .option('--clickhouse-database <name>', 'ledger database (default: flotilla)')
    .option(
      '--spool-dir <dir>',
      'local spool of ledger rows while ClickHouse is down (default: <tmp>/flotilla-spool-<ns>-<shard>)',
    )
    .option(
      '--ledger-outbox-max <n>',
      'ledger outbox entries not yet shipped at which ticks stop being read (default: 20000)',
    )
    .option('--log-level <level>', 'pino log level (default: $LOG_LEVEL or info)')
    .action(async (flags) => {
      const { resolveRunnerConfig } = await import('../../runtime/src/config.ts');
      const { startRunner } = await import('../../runtime/src/main.ts');
      const running = await startRunner(resolveRunnerConfig(flags));
      stopOnSignals('runner', running);
    });
}
