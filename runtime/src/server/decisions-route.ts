// GET /v1/decisions/:id: a stored decision re-scored (docs/reference/forensics.md). A fastify
// plugin the app registers: `app.register(decisionsRoute(deps))`.
import type { FastifyPluginAsync } from 'fastify';
import { FlotillaError } from '../../../operator/src/errors.ts';
import { explainDecision, type ForensicsDeps } from '../forensics/explain.ts';

/** HTTP status of a failed explanation, by error code. */
export function decisionErrorStatus(code: string): number {
  switch (code) {
    case 'FLT_DECISION_ID':
      return 400;
    case 'FLT_DECISION_NOT_FOUND':
      return 404;
    // The decision exists but cannot be re-scored here: no artifact, unusable features or model.
    case 'FLT_DECISION_MODEL_MISSING':
    case 'FLT_DECISION_FEATURES':
    case 'FLT_MODEL_CHECKSUM':
    case 'FLT_MODEL_SIGNATURE':
    case 'FLT_MODEL_INVALID':
    case 'FLT_MODEL_UNREACHABLE':
      return 422;
    case 'FLT_LEDGER_CLICKHOUSE':
    case 'FLT_KUBE_API':
      return 503;
    default:
      return 500;
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function decisionsRoute(deps: ForensicsDeps): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { id: string } }>('/v1/decisions/:id', async (req, reply) => {
      try {
        return await explainDecision(deps, req.params.id);
      } catch (err) {
        if (!(err instanceof FlotillaError)) throw err;
        const statusCode = decisionErrorStatus(err.code);
        if (statusCode >= 500)
          req.log.error({ err, id: req.params.id }, 'decision forensics failed');
        return reply.code(statusCode).send({
          statusCode,
          code: err.code,
          error: STATUS_TEXT[statusCode],
          message: err.message,
        });
      }
    });
  };
}
