// The operator's configuration: kubebuilder-style flags and the environment parsed once into a
// frozen object. Errors name the flag and the limit, all at once.
import { hostname } from 'node:os';
import type { FieldError } from './api/validation/messages.ts';
import { DEFAULT_IMAGE, RUNNER_NAME } from './controllers/strategy/desired-runners.ts';
import { ValidationError } from './errors.ts';
import { flagChecks, readServiceAccountNamespace } from './program-flags.ts';

export interface BindAddress {
  host: string;
  port: number;
}

export interface OperatorConfig {
  /** Where /metrics is served; undefined when disabled ("0"). @default :8080 */
  readonly metricsAddress: BindAddress | undefined;
  /** Where /healthz and /readyz are served; undefined when disabled. @default :8081 */
  readonly healthAddress: BindAddress | undefined;
  readonly leaderElect: boolean;
  /** Name of the Lease. @default flotilla-operator */
  readonly leaderElectionId: string;
  /** Leader identity. @default POD_NAME or the host name */
  readonly identity: string;
  /** The namespace whose fleet it runs. @default POD_NAMESPACE, the service account's, or "default" */
  readonly namespace: string;
  /** @default REDIS_URL or redis://127.0.0.1:6379 */
  readonly redisUrl: string;
  /** ClickHouse for the runners' ledger; undefined: no ledger. @default CLICKHOUSE_URL */
  readonly clickhouseUrl: string | undefined;
  /** Strategies per runner shard. @default 50 */
  readonly shardCapacity: number;
  /** @default 100 */
  readonly maxShards: number;
  readonly runnerImage: string;
  readonly runnerServiceAccount: string;
  readonly runnerResources: {
    requests?: { cpu?: string; memory?: string };
    limits?: { cpu?: string; memory?: string };
  };
  readonly runnerModelsHostPath: string | undefined;
  readonly runnerArgs: readonly string[];
  /** Reconcile workers per controller. @default 4 */
  readonly workers: number;
  /** How often Ready strategies refresh their counters from Redis, ms. @default 15000 */
  readonly statusRefreshMs: number;
  readonly logLevel: string;
}

export interface OperatorFlags {
  metricsBindAddress?: string;
  healthProbeBindAddress?: string;
  leaderElect?: boolean;
  leaderElectionId?: string;
  namespace?: string;
  redisUrl?: string;
  clickhouseUrl?: string;
  shardCapacity?: string;
  maxShards?: string;
  runnerImage?: string;
  runnerServiceAccount?: string;
  runnerCpuRequest?: string;
  runnerMemoryRequest?: string;
  runnerCpuLimit?: string;
  runnerMemoryLimit?: string;
  runnerModelsHostPath?: string;
  runnerArg?: string[];
  workers?: string;
  statusRefreshMs?: string;
  logLevel?: string;
}

// Kubernetes quantities: 500m, 2, 1.5, 256Mi, 1G, 1e3.
const QUANTITY = /^[0-9]+(\.[0-9]+)?([eE][0-9]+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function resolveOperatorConfig(
  flags: OperatorFlags,
  env: NodeJS.ProcessEnv = process.env,
  saNamespace: () => string | undefined = readServiceAccountNamespace,
): OperatorConfig {
  const errors: FieldError[] = [];
  const checks = flagChecks(errors, env);
  const { int } = checks;
  const address = (path: string, text: string): BindAddress | undefined => {
    if (text === '0') return undefined;
    const m = /^(.*):(\d{1,5})$/.exec(text);
    const port = Number(m?.[2]);
    if (!m || port > 65_535) {
      errors.push({
        path,
        message: `${JSON.stringify(text)} is not [host]:port or "0" (disabled)`,
      });
      return undefined;
    }
    return { host: m[1] || '0.0.0.0', port };
  };
  const quantity = (path: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    if (!QUANTITY.test(text))
      errors.push({
        path,
        message: `${JSON.stringify(text)} is not a Kubernetes quantity such as 500m or 256Mi`,
      });
    return text;
  };
  const name = (path: string, text: string) => {
    if (!NAME.test(text) || text.length > 63)
      errors.push({
        path,
        message: `${JSON.stringify(text)} is not a DNS label (a-z, 0-9, "-", at most 63)`,
      });
    return text;
  };
  const logLevel = checks.logLevel(flags.logLevel);
  const redisUrl = checks.redisUrl(flags.redisUrl);
  const clickhouseUrl = checks.clickhouseUrl(flags.clickhouseUrl);
  const requests = {
    ...(flags.runnerCpuRequest
      ? { cpu: quantity('--runner-cpu-request', flags.runnerCpuRequest) }
      : {}),
    ...(flags.runnerMemoryRequest
      ? { memory: quantity('--runner-memory-request', flags.runnerMemoryRequest) }
      : {}),
  };
  const limits = {
    ...(flags.runnerCpuLimit ? { cpu: quantity('--runner-cpu-limit', flags.runnerCpuLimit) } : {}),
    ...(flags.runnerMemoryLimit
      ? { memory: quantity('--runner-memory-limit', flags.runnerMemoryLimit) }
      : {}),
  };
  const config: OperatorConfig = {
    metricsAddress: address('--metrics-bind-address', flags.metricsBindAddress ?? ':8080'),
    healthAddress: address('--health-probe-bind-address', flags.healthProbeBindAddress ?? ':8081'),
    leaderElect: flags.leaderElect ?? false,
    leaderElectionId: name('--leader-election-id', flags.leaderElectionId ?? 'flotilla-operator'),
    identity: env.POD_NAME || `${hostname()}-${process.pid}`,
    namespace: name(
      '--namespace',
      flags.namespace ?? env.POD_NAMESPACE ?? saNamespace() ?? 'default',
    ),
    redisUrl,
    clickhouseUrl,
    shardCapacity: int('--shard-capacity', flags.shardCapacity, 50, 1, 1_000),
    maxShards: int('--max-shards', flags.maxShards, 100, 1, 1_000),
    runnerImage: flags.runnerImage ?? DEFAULT_IMAGE,
    runnerServiceAccount: name(
      '--runner-service-account',
      flags.runnerServiceAccount ?? RUNNER_NAME,
    ),
    runnerResources: {
      ...(Object.keys(requests).length > 0 ? { requests } : {}),
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
    },
    runnerModelsHostPath: flags.runnerModelsHostPath || undefined,
    runnerArgs: flags.runnerArg ?? [],
    workers: int('--workers', flags.workers, 4, 1, 64),
    statusRefreshMs: int('--status-refresh-ms', flags.statusRefreshMs, 15_000, 100, 3_600_000),
    logLevel,
  };
  if (config.runnerModelsHostPath && !config.runnerModelsHostPath.startsWith('/'))
    errors.push({ path: '--runner-models-host-path', message: 'must be an absolute path' });
  if (errors.length > 0) throw new ValidationError('operator configuration', errors);
  return Object.freeze(config);
}
