// The runner's HTTP surface, built apart from listening so tests drive it with app.inject().
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface Readiness {
  /** Empty when ready; otherwise what is still missing (e.g. "shard config"). */
  missing(): string[];
  /** Extra facts for /readyz (generation, strategies). */
  details(): Record<string, unknown>;
}

export interface AppOptions {
  registry: Registry;
  readiness: Readiness;
  logger?: boolean;
}

export function buildApp(opts: AppOptions): FastifyInstance {
  const app = Fastify({ logger: opts.logger ?? false });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', opts.registry.contentType);
    return opts.registry.metrics();
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const missing = opts.readiness.missing();
    const body = { ready: missing.length === 0, missing, ...opts.readiness.details() };
    return reply.code(missing.length === 0 ? 200 : 503).send(body);
  });
  return app;
}
