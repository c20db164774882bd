// Errors of the controller layer: one class per way the Kubernetes API can fail us. Codes are
// stable and never reused; they belong in docs/reference/errors.md through operator/src/api/docs.ts.
import { FlotillaError } from '../errors.ts';

export const KUBE_ERROR_CODES = {
  FLT_KUBE_API:
    'A Kubernetes API request failed. The message names the verb, the path and the server reason: check the RBAC of the operator (`kubectl auth can-i`), that the CRDs are installed, and that the API server is reachable. Controllers retry with backoff.',
  FLT_KUBE_CONFIG:
    'No usable Kubernetes client configuration was found. Run in a pod with a service account, or set KUBECONFIG (or ~/.kube/config) to a file with a current context.',
} as const;

/** A request to the API server failed or was refused; `status` is the HTTP status (0: no response). */
export class KubeApiError extends FlotillaError {
  readonly status: number;
  /** The Kubernetes `Status.reason` (`NotFound`, `Conflict`, `Expired`, ...), when the server sent one. */
  readonly reason: string | undefined;
  constructor(
    verb: string,
    path: string,
    status: number,
    detail: { reason?: string; message?: string },
    options?: { cause?: unknown },
  ) {
    const what = status
      ? `HTTP ${status}${detail.reason ? ` ${detail.reason}` : ''}`
      : 'no response';
    super(
      'FLT_KUBE_API',
      `${verb} ${path} failed (${what}): ${detail.message ?? 'no message'}. Check RBAC and that the API server is reachable.`,
      options,
    );
    this.status = status;
    this.reason = detail.reason;
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 404;
}

export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 409;
}

/** No cluster could be configured; `cause` holds client-node's error. */
export class KubeConfigError extends FlotillaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FLT_KUBE_CONFIG', message, options);
  }
}
