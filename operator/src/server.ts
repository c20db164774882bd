// The operator's HTTP surfaces, built apart from listening so tests drive them with inject():
// Prometheus metrics on one address, liveness and readiness probes on another (kubebuilder's
// --metrics-bind-address / --health-probe-bind-address split).
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface Health {
  healthy(): boolean;
  /** Empty when ready; otherwise what is still missing. */
  missing(): string[];
  details(): Record<string, unknown>;
}

export function buildMetricsApp(registry: Registry): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return app;
}

export function buildHealthApp(health: Health): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async (_req, reply) =>
    reply
      .code(health.healthy() ? 200 : 503)
      .send({ status: health.healthy() ? 'ok' : 'unhealthy' }),
  );
  app.get('/readyz', async (_req, reply) => {
    const missing = health.missing();
    return reply
      .code(missing.length === 0 ? 200 : 503)
      .send({ ready: missing.length === 0, missing, ...health.details() });
  });
  return app;
}
