// How a watch ends decides what the informer does next. The API server cannot be made to send
// 410 Gone or a mid-stream error on demand, so these cases are fed as the bytes it would send.
import { describe, expect, it } from 'vitest';
import { KubeApiError } from '../../../../operator/src/kube/errors.ts';
import { type WatchEvent, watchStream } from '../../../../operator/src/kube/watch-stream.ts';

const request = {
  path: '/api/v1/configmaps',
  resourceVersion: '7',
  timeoutSeconds: 300,
  idleTimeoutMs: 60_000,
};

function serving(chunks: string[], opts: { thenHang?: boolean } = {}) {
  return {
    async stream(_path: string, _query: unknown, signal: AbortSignal) {
      return new ReadableStream<Uint8Array>({
        start(controller) {
          for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
          if (!opts.thenHang) controller.close();
          signal.addEventListener('abort', () => controller.error(signal.reason));
        },
      });
    },
  };
}

const line = (type: string, object: unknown) => `${JSON.stringify({ type, object })}\n`;
const cm = (name: string, rv: string) => ({ metadata: { name, resourceVersion: rv } });

async function run(client: ReturnType<typeof serving>, signal = new AbortController().signal) {
  const events: WatchEvent[] = [];
  const end = await watchStream(client, request, (e) => events.push(e), signal);
  return { end, events: events.map((e) => `${e.type} ${e.object.metadata?.resourceVersion}`) };
}

describe('watchStream', () => {
  it('delivers events split across chunks and ends "closed" when the server closes', async () => {
    const text =
      line('ADDED', cm('a', '8')) + line('BOOKMARK', cm('', '9')) + line('DELETED', cm('a', '10'));
    const r = await run(serving([text.slice(0, 17), text.slice(17, 90), text.slice(90)]));
    expect(r).toEqual({ end: { kind: 'closed' }, events: ['ADDED 8', 'BOOKMARK 9', 'DELETED 10'] });
  });

  it('ends "expired" on a 410 ERROR event, so the informer relists', async () => {
    const gone = {
      kind: 'Status',
      code: 410,
      reason: 'Expired',
      message: 'too old resource version',
    };
    const r = await run(
      serving([line('MODIFIED', cm('a', '8')), line('ERROR', gone)], { thenHang: true }),
    );
    expect(r).toEqual({ end: { kind: 'expired' }, events: ['MODIFIED 8'] });
  });

  it('ends "failed" with the server reason on any other ERROR event', async () => {
    const r = await run(
      serving([line('ERROR', { code: 500, reason: 'InternalError', message: 'boom' })]),
    );
    expect(r.end.kind).toBe('failed');
    const err = (r.end as { error: KubeApiError }).error;
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err.message).toContain('boom');
  });

  it('ends "expired" when the watch request itself is answered 410', async () => {
    const client = {
      stream: async () => {
        throw new KubeApiError('GET', request.path, 410, { reason: 'Gone' });
      },
    };
    expect((await run(client as never)).end).toEqual({ kind: 'expired' });
  });

  it('ends "stopped" when the caller aborts', async () => {
    const abort = new AbortController();
    const running = run(serving([line('ADDED', cm('a', '8'))], { thenHang: true }), abort.signal);
    setImmediate(() => abort.abort());
    expect(await running).toEqual({ end: { kind: 'stopped' }, events: ['ADDED 8'] });
  });

  it('does not open a watch when already stopped (stop() right after the first list)', async () => {
    let opened = false;
    const client = {
      stream: async () => {
        opened = true;
        return new ReadableStream<Uint8Array>();
      },
    };
    const abort = new AbortController();
    abort.abort();
    expect(await watchStream(client, request, () => {}, abort.signal)).toEqual({ kind: 'stopped' });
    expect(opened).toBe(false);
  });

  it('ends "closed" (resume at once) when the stream goes quiet past the idle timeout', async () => {
    const events: WatchEvent[] = [];
    const end = await watchStream(
      serving([], { thenHang: true }),
      { ...request, idleTimeoutMs: 20 },
      (e) => events.push(e),
      new AbortController().signal,
    );
    expect(end).toEqual({ kind: 'closed' });
  });
});
