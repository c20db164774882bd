// One watch request: reads newline-delimited watch events until the server closes the stream,
// the connection breaks, the history is gone (410), or the caller aborts. Says how it ended so
// the informer can choose: resume from the last resourceVersion, back off, or relist.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from './client.ts';
import { KubeApiError } from './errors.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubernetesObject = KubernetesObject> {
  type: WatchEventType;
  object: T;
}

export type WatchEnd =
  /** The server ended the stream (its timeout) or it went quiet too long: resume at once. */
  | { kind: 'closed' }
  /** The resourceVersion is too old (410 Gone): relist. */
  | { kind: 'expired' }
  /** The request or the connection failed: back off, then resume. */
  | { kind: 'failed'; error: unknown }
  /** The caller aborted. */
  | { kind: 'stopped' };

export interface WatchRequest {
  path: string;
  resourceVersion: string;
  labelSelector?: string;
  /** The server closes the stream after this long. */
  timeoutSeconds: number;
  /** No byte (event or bookmark) for this long means the connection is dead. */
  idleTimeoutMs: number;
}

const GONE = 410;

export async function watchStream<T extends KubernetesObject>(
  client: Pick<KubeClient, 'stream'>,
  req: WatchRequest,
  onEvent: (e: WatchEvent<T>) => void,
  signal: AbortSignal,
): Promise<WatchEnd> {
  if (signal.aborted) return { kind: 'stopped' };
  const local = new AbortController();
  const abort = () => local.abort();
  signal.addEventListener('abort', abort, { once: true });
  let idle = false;
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      local.abort();
    }, req.idleTimeoutMs);
    timer.unref();
  };
  try {
    touch();
    const body = await client.stream(
      req.path,
      {
        watch: true,
        resourceVersion: req.resourceVersion || undefined,
        allowWatchBookmarks: true,
        labelSelector: req.labelSelector,
        timeoutSeconds: req.timeoutSeconds,
      },
      local.signal,
    );
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      touch();
      buffered += value;
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf('\n');
        if (!line) continue;
        const event = JSON.parse(line) as WatchEvent<T>;
        if (event.type === 'ERROR') {
          local.abort();
          return endOfErrorEvent(
            req.path,
            event.object as { code?: number; reason?: string; message?: string },
          );
        }
        onEvent(event);
      }
    }
    return { kind: 'closed' };
  } catch (error) {
    if (signal.aborted) return { kind: 'stopped' };
    if (idle) return { kind: 'closed' };
    if (error instanceof KubeApiError && error.status === GONE) return { kind: 'expired' };
    return { kind: 'failed', error };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
    local.abort();
  }
}

function endOfErrorEvent(
  path: string,
  status: { code?: number; reason?: string; message?: string },
): WatchEnd {
  if (status.code === GONE) return { kind: 'expired' };
  return {
    kind: 'failed',
    error: new KubeApiError('WATCH', path, status.code ?? 0, {
      reason: status.reason,
      message: status.message,
    }),
  };
}
