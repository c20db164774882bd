// `flotilla runner`: wires config, logger, the shard config source, the runner and its HTTP
// server, and stops them in order on SIGTERM/SIGINT.
import { pino } from 'pino';
import type { RunnerConfig } from './config.ts';
import { Runner } from './runner/runner.ts';
import {
  ConfigMapSource,
  FileConfigSource,
  type ShardConfigSource,
} from './runner/shard-config-source.ts';
import { buildApp } from './server/app.ts';
import { RunnerMetrics } from './server/metrics.ts';
import { NO_PREDICTORS } from './strategy/predictor.ts';

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
  const runner = new Runner({
    redisUrl: config.redisUrl,
    namespace: config.namespace,
    shard: config.shard,
    consumer: config.consumer,
    predictors: NO_PREDICTORS,
    metrics,
    log,
    readCount: config.readCount,
    blockMs: config.blockMs,
    latencyBudgetMs: config.latencyBudgetMs,
    startFrom: config.startFrom,
    signalMaxLen: config.signalMaxLen,
    reportIntervalMs: config.reportIntervalMs,
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
        const models = [...runner.executor.strategies.values()].flatMap((s) =>
          s.config.model ? [s.config.model] : [],
        );
        for (const m of models)
          if (!runner.executor.hasPredictor(m)) missing.push(`model ${m.name}`);
        return [...new Set(missing)];
      },
      details: () => ({
        shard: config.shard,
        generation: runner.generation,
        strategies: runner.executor.strategies.size,
      }),
    },
  });
  await runner.start();
  await source.start({
    config: (c) => {
      configSeen = true;
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
      log.info('runner stopped');
    },
  };
}
