// The runner's configuration: flags and environment parsed once into a frozen object. Errors
// name the flag (or variable) and the limit.
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FieldError } from '../../operator/src/api/validation/messages.ts';
import { ValidationError } from '../../operator/src/errors.ts';
import { flagChecks, readServiceAccountNamespace } from '../../operator/src/program-flags.ts';
import { DEFAULT_OUTBOX_MAX_ENTRIES } from './ledger/backpressure.ts';

export interface RunnerConfig {
  /** Shard number; from --shard, else the ordinal at the end of the pod name. */
  readonly shard: number;
  /** Namespace of the fleet. @default POD_NAMESPACE, the service account's namespace, or "default" */
  readonly namespace: string;
  /** Consumer name in the shard's consumer groups. @default POD_NAME or the host name */
  readonly consumer: string;
  /** @default REDIS_URL or redis://127.0.0.1:6379 */
  readonly redisUrl: string;
  /** Address for /metrics, /healthz, /readyz. @default POD_IP, else 127.0.0.1 */
  readonly httpHost: string;
  /** @default 8080 */
  readonly httpPort: number;
  /** Read the shard config from this JSON file instead of the ConfigMap. */
  readonly configFile: string | undefined;
  /** Kubeconfig for the ConfigMap watch. @default KUBECONFIG, else in-cluster */
  readonly kubeconfig: string | undefined;
  /** Entries per stream per read. @default 256 */
  readonly readCount: number;
  /** How long a read blocks waiting for ticks, ms. @default 100 */
  readonly blockMs: number;
  /** Tick age beyond which background strategies are shed (twice that: normal ones), ms. @default 50 */
  readonly latencyBudgetMs: number;
  /** Where a new consumer group starts: "latest" (new ticks) or "earliest". @default latest */
  readonly startFrom: 'latest' | 'earliest';
  /** Approximate MAXLEN of each signals stream. @default 100000 */
  readonly signalMaxLen: number;
  /** How often counters are reported to Redis, ms. @default 1000 */
  readonly reportIntervalMs: number;
  /** ClickHouse for decision records and paper P&L; none: no ledger. @default CLICKHOUSE_URL */
  readonly clickhouseUrl: string | undefined;
  /** @default flotilla */
  readonly clickhouseDatabase: string;
  /** Local spool of ledger rows while ClickHouse is down. @default <tmpdir>/flotilla-spool-<ns>-<shard> */
  readonly spoolDir: string;
  /** Ledger outbox entries not yet shipped at which the runner stops reading ticks. @default 20000 */
  readonly ledgerOutboxMax: number;
  /** @default info */
  readonly logLevel: string;
}

export interface RunnerFlags {
  shard?: string;
  namespace?: string;
  redisUrl?: string;
  httpHost?: string;
  httpPort?: string;
  configFile?: string;
  readCount?: string;
  blockMs?: string;
  latencyBudgetMs?: string;
  startFrom?: string;
  signalMaxLen?: string;
  reportIntervalMs?: string;
  clickhouseUrl?: string;
  clickhouseDatabase?: string;
  spoolDir?: string;
  ledgerOutboxMax?: string;
  logLevel?: string;
}

export function resolveRunnerConfig(
  flags: RunnerFlags,
  env: NodeJS.ProcessEnv = process.env,
  saNamespace: () => string | undefined = readServiceAccountNamespace,
): RunnerConfig {
  const errors: FieldError[] = [];
  const checks = flagChecks(errors, env);
  const { int } = checks;
  const podName = env.POD_NAME ?? hostname();
  let shard = 0;
  if (flags.shard !== undefined) shard = int('--shard', flags.shard, 0, 0, 999);
  else {
    const ordinal = /-(\d+)$/.exec(podName)?.[1];
    if (ordinal === undefined)
      errors.push({
        path: '--shard',
        message: `is required: the pod name "${podName}" does not end in -<ordinal>`,
      });
    else shard = int('--shard (from the pod name)', ordinal, 0, 0, 999);
  }
  const startFrom = flags.startFrom ?? 'latest';
  if (startFrom !== 'latest' && startFrom !== 'earliest')
    errors.push({
      path: '--start-from',
      message: `${JSON.stringify(startFrom)} is not "latest" or "earliest"`,
    });
  const logLevel = checks.logLevel(flags.logLevel);
  const redisUrl = checks.redisUrl(flags.redisUrl);
  const clickhouseUrl = checks.clickhouseUrl(flags.clickhouseUrl);
  const clickhouseDatabase = flags.clickhouseDatabase ?? 'flotilla';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(clickhouseDatabase))
    errors.push({
      path: '--clickhouse-database',
      message: `${JSON.stringify(clickhouseDatabase)} is not letters, digits and _ (at most 63)`,
    });
  const namespace = flags.namespace ?? env.POD_NAMESPACE ?? saNamespace() ?? 'default';
  const config: RunnerConfig = {
    shard,
    namespace,
    consumer: podName,
    redisUrl,
    httpHost: flags.httpHost ?? env.POD_IP ?? '127.0.0.1',
    httpPort: int('--http-port', flags.httpPort, 8080, 0, 65_535),
    configFile: flags.configFile,
    kubeconfig: env.KUBECONFIG || undefined,
    readCount: int('--read-count', flags.readCount, 256, 1, 10_000),
    blockMs: int('--block-ms', flags.blockMs, 100, 1, 10_000),
    latencyBudgetMs: int('--latency-budget-ms', flags.latencyBudgetMs, 50, 1, 3_600_000),
    startFrom: startFrom as RunnerConfig['startFrom'],
    signalMaxLen: int('--signal-max-len', flags.signalMaxLen, 100_000, 100, 100_000_000),
    reportIntervalMs: int('--report-interval-ms', flags.reportIntervalMs, 1_000, 50, 60_000),
    clickhouseUrl,
    clickhouseDatabase,
    spoolDir: flags.spoolDir ?? join(tmpdir(), `flotilla-spool-${namespace}-${shard}`),
    ledgerOutboxMax: int(
      '--ledger-outbox-max',
      flags.ledgerOutboxMax,
      DEFAULT_OUTBOX_MAX_ENTRIES,
      100,
      10_000_000,
    ),
    logLevel,
  };
  if (errors.length > 0) throw new ValidationError('runner configuration', errors);
  return Object.freeze(config);
}
