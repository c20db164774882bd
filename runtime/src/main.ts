// `flotilla runner`: wires config, logger, the shard config source, the runner and its HTTP
// server, and stops them in order on SIGTERM/SIGINT.
import { pino } from 'pino';
import { runnerKeys } from '../../operator/src/api/shard/redis-keys.ts';
import type { ShardConfig } from '../../operator/src/api/shard/shard-config.ts';
import type { RunnerConfig } from './config.ts';
import { cacheModelSource } from './forensics/model-source.ts';
import { defaultCacheDir } from './inference/artifact.ts';
import { ModelRegistry } from './inference/index.ts';
import { type OpenRunnerLedger, openRunnerLedger } from './ledger/open-runner-ledger.ts';
import { Runner } from './runner/runner.ts';
import {
  ConfigMapSource,
  FileConfigSource,
  type ShardConfigSource,
} from './runner/shard-config-source.ts';
import { buildApp } from './server/app.ts';
import { decisionsRoute } from './server/decisions-route.ts';
import { RunnerMetrics } from './server/metrics.ts';

export interface RunningRunner {
  runner: Runner;
  url: string;
  stop(): Promise<void>;
}

export async function startRunner(config: RunnerConfig): Promise<RunningRunner> {
  const log = pino({
    level: config.logLevel,
    base: { shard: config.shard, namespace: config.namespace },
  });
  const metrics = new RunnerMetrics();
  const models = new ModelRegistry({
    // Batch latency and size are recorded per model call by the runner itself.
    metrics: {
      batch: () => undefined,
      load: (model, seconds) => metrics.modelLoadSeconds.observe({ model }, seconds),
      rejected: () => undefined,
    },
    onEvent: (e) => {
      if (e.type === 'load-failed')
        log.error(
          { model: e.name, digest: e.digest, err: e.error, retryInMs: e.retryInMs },
          'model refused',
        );
      else log.info({ ...e, model: e.name }, `model ${e.type}`);
    },
  });
  /** Every model the shard needs, experiment challengers included. */
  const modelsOf = (c: ShardConfig) =>
    c.strategies.flatMap((s) => [
      ...(s.model ? [s.model] : []),
      ...(s.experiment ? [s.experiment.challenger] : []),
    ]);
  const ledger: OpenRunnerLedger | undefined = config.clickhouseUrl
    ? await openRunnerLedger({
        clickhouseUrl: config.clickhouseUrl,
        database: config.clickhouseDatabase,
        spoolDir: config.spoolDir,
        redisUrl: config.redisUrl,
        outbox: runnerKeys(config.namespace, config.shard).ledgerOutbox,
        deadLetters: runnerKeys(config.namespace, config.shard).deadLetters,
        shard: config.shard,
        consumer: config.consumer,
        outboxMaxEntries: config.ledgerOutboxMax,
        log,
        onState: (backpressure, counters) => metrics.setLedgerState(backpressure, counters),
      })
    : undefined;
  const runner = new Runner({
    redisUrl: config.redisUrl,
    namespace: config.namespace,
    shard: config.shard,
    consumer: config.consumer,
    predictors: models,
    metrics,
    log,
    readCount: config.readCount,
    blockMs: config.blockMs,
    latencyBudgetMs: config.latencyBudgetMs,
    startFrom: config.startFrom,
    signalMaxLen: config.signalMaxLen,
    reportIntervalMs: config.reportIntervalMs,
    ...(ledger ? { ledger: ledger.ledger } : {}),
  });
  const source: ShardConfigSource = config.configFile
    ? new FileConfigSource(config.configFile)
    : new ConfigMapSource(config.namespace, config.shard, config.kubeconfig);
  let configSeen = false;
  const app = buildApp({
    registry: metrics.registry,
    readiness: {
      missing: () => {
        const missing: string[] = [];
        if (runner.generation < 0)
          missing.push(configSeen ? 'valid shard config' : `shard config (${source.description})`);
        if (!runner.redisReady) missing.push('redis');
        if (ledger && !ledger.migrated) missing.push('ledger schema (ClickHouse)');
        for (const m of models.status())
          if (m.state !== 'ready')
            missing.push(`model ${m.name} (${m.state}${m.reason ? `: ${m.reason}` : ''})`);
        return [...new Set(missing)];
      },
      details: () => ({
        shard: config.shard,
        generation: runner.generation,
        strategies: runner.executor.strategies.size,
      }),
    },
  });
  if (ledger)
    await app.register(
      decisionsRoute({
        client: ledger.client,
        database: config.clickhouseDatabase,
        models: [cacheModelSource(defaultCacheDir())],
      }),
    );
  await runner.start();
  await source.start({
    config: (c) => {
      configSeen = true;
      // Loading starts now; a model's previous digest keeps scoring until the new one is ready.
      models.sync(modelsOf(c));
      runner.setConfig(c);
    },
    rejected: (err) => {
      configSeen = true;
      void runner.reportRejected(err);
    },
  });
  const url = await app.listen({ host: config.httpHost, port: config.httpPort });
  log.info({ url, source: source.description }, 'runner started');
  return {
    runner,
    url,
    async stop() {
      await source.stop();
      await app.close();
      await runner.stop();
      await ledger?.close();
      await models.close();
      log.info('runner stopped');
    },
  };
}
