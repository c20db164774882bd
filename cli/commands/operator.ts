// `flotilla operator`: run the operator (the Helm chart's Deployment runs this).
import { Command, Option } from '@commander-js/extra-typings';
import { stopOnSignals } from '../stop-on-signals.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function operatorCommand() {
  return new Command('operator')
    .description(
      'Reconcile Strategies and Models into sharded runner StatefulSets (see docs/reference/operator.md).',
    )
    .option('--metrics-bind-address <addr>', 'address for /metrics, "0" disables (default: :8080)')
    .option(
      '--health-probe-bind-address <addr>',
      'address for /healthz and /readyz, "0" disables (default: :8081)',
    )
    .option('--leader-elect', 'elect a leader through a Lease so standby replicas can take over')
    .option('--leader-election-id <name>', 'name of the Lease (default: flotilla-operator)')
    .option(
      '--namespace <ns>',
      'namespace whose fleet it runs (default: $POD_NAMESPACE, the service account, or "default")',
    )
    .option('--redis-url <url>', 'Redis the runners report to (default: $REDIS_URL)')
    .option(
      '--clickhouse-url <url>',
      "ClickHouse of the runners' ledger, passed to them (default: $CLICKHOUSE_URL)",
    )
    .option('--shard-capacity <n>', 'strategies per runner shard (default: 50)')
    .option('--max-shards <n>', 'most runner shards (default: 100)')
    .option('--runner-image <image>', 'runner container image')
    .option('--runner-service-account <name>', 'runner ServiceAccount (default: flotilla-runner)')
    .option('--runner-cpu-request <quantity>', 'runner CPU request, e.g. 500m')
    .option('--runner-memory-request <quantity>', 'runner memory request, e.g. 256Mi')
    .option('--runner-cpu-limit <quantity>', 'runner CPU limit')
    .option('--runner-memory-limit <quantity>', 'runner memory limit')
    .option(
      '--runner-models-host-path <dir>',
      'host directory runner pods mount at /var/lib/flotilla/models (local clusters)',
    )
    .option('--runner-arg <arg>', 'extra `flotilla runner` flag (repeatable)', collect)
    .addOption(new Option('--workers <n>', 'reconcile workers per controller').hideHelp())
    .option(
      '--status-refresh-ms <ms>',
      'how often Ready strategies refresh counters (default: 15000)',
    )
    .option('--log-level <level>', 'pino log level (default: $LOG_LEVEL or info)')
    .action(async (flags) => {
      const { resolveOperatorConfig } = await import('../../operator/src/config.ts');
      const { startOperator } = await import('../../operator/src/operator.ts');
      const running = await startOperator(resolveOperatorConfig(flags));
      stopOnSignals('operator', running);
    });
}
