// A small JSON REST client for any Kind, on client-node's KubeConfig (auth, TLS) and HTTP stack.
// Why not client-node's typed APIs or KubernetesObjectApi: their serializer rewrites objects by
// the generated models (dates become Date, unknown fields are dropped), KubernetesObjectApi.patch
// defaults to strategic merge (415 on custom resources) and has no subresources, and every
// request builds a new TLS agent. Here objects stay plain JSON, every patch names its content type,
// and one connection pool serves all requests of a client.
import {
  type HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  RequestContext,
} from '@kubernetes/client-node';
import { isNotFound, KubeApiError } from './errors.ts';
import type { ObjectKey } from './object-key.ts';
import {
  apiVersionOf,
  collectionPath,
  knownResourceType,
  objectPath,
  type ResourceType,
} from './resource-type.ts';

export const PATCH_CONTENT_TYPE = {
  apply: 'application/apply-patch+yaml',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
} as const;
export type PatchType = keyof typeof PATCH_CONTENT_TYPE;

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Objects per page. @default 500 */
  pageSize?: number;
}

export interface ClientOptions {
  /** Per-request timeout. @default 30000 */
  timeoutMs?: number;
  /** Sent as User-Agent; the API server's audit log records it. @default 'flotilla-operator' */
  userAgent?: string;
}

type Query = Record<string, string | number | boolean | undefined>;
type Dispatcher = ReturnType<RequestContext['getDispatcher']>;

const LIST_PAGE_SIZE = 500;

export class KubeClient {
  readonly kc: KubeConfig;
  readonly #timeoutMs: number;
  readonly #userAgent: string;
  readonly #http = new IsomorphicFetchHttpLibrary();
  readonly #discovered = new Map<string, ResourceType>();
  #dispatcher: Dispatcher;
  #dispatcherCached = false;

  constructor(kc: KubeConfig, opts: ClientOptions = {}) {
    this.kc = kc;
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#userAgent = opts.userAgent ?? 'flotilla-operator';
  }

  async get<T extends KubernetesObject>(
    type: ResourceType,
    key: ObjectKey,
  ): Promise<T | undefined> {
    try {
      return await this.#json<T>('GET', objectPath(type, key));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Every object (following `continue` pages) and the list's resourceVersion. */
  async list<T extends KubernetesObject>(
    type: ResourceType,
    opts: ListOptions = {},
  ): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let cont: string | undefined;
    for (;;) {
      const page = await this.#json<KubernetesListObject<T>>(
        'GET',
        collectionPath(type, opts.namespace),
        {
          query: {
            labelSelector: opts.labelSelector,
            fieldSelector: opts.fieldSelector,
            limit: opts.pageSize ?? LIST_PAGE_SIZE,
            continue: cont,
          },
        },
      );
      // The list body's items carry no apiVersion/kind; restore them so objects look as watched.
      for (const item of page.items ?? [])
        items.push({ apiVersion: apiVersionOf(type), kind: type.kind, ...item });
      cont = (page.metadata as { continue?: string } | undefined)?.continue;
      if (!cont) return { items, resourceVersion: page.metadata?.resourceVersion ?? '' };
    }
  }

  create<T extends KubernetesObject>(type: ResourceType, obj: T, query: Query = {}): Promise<T> {
    return this.#json<T>('POST', collectionPath(type, obj.metadata?.namespace), {
      body: obj,
      query,
    });
  }

  /** PUT; fails with 409 Conflict when `obj.metadata.resourceVersion` is not the current one. */
  replace<T extends KubernetesObject>(type: ResourceType, key: ObjectKey, obj: T): Promise<T> {
    return this.#json<T>('PUT', objectPath(type, key), { body: obj });
  }

  patch<T extends KubernetesObject>(
    type: ResourceType,
    key: ObjectKey,
    body: unknown,
    patchType: PatchType,
    opts: { fieldManager?: string; force?: boolean; subresource?: string } = {},
  ): Promise<T> {
    return this.#json<T>('PATCH', objectPath(type, key, opts.subresource), {
      body,
      contentType: PATCH_CONTENT_TYPE[patchType],
      query: { fieldManager: opts.fieldManager, force: opts.force },
    });
  }

  /** Deletes; false when the object did not exist. */
  async delete(
    type: ResourceType,
    key: ObjectKey,
    opts: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; uid?: string } = {},
  ): Promise<boolean> {
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: opts.propagationPolicy,
      preconditions: opts.uid ? { uid: opts.uid } : undefined,
    };
    try {
      await this.#json('DELETE', objectPath(type, key), { body });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Opens a streaming GET (a watch); the caller reads the body and aborts `signal` to stop. */
  async stream(
    path: string,
    query: Query,
    signal: AbortSignal,
  ): Promise<ReadableStream<Uint8Array>> {
    const response = await this.#send('GET', path, { query, signal });
    const body = response.body.stream();
    if (response.httpStatusCode !== 200 || !body)
      throw errorOf('GET', path, response.httpStatusCode, await response.body.text());
    return body;
  }

  /** The ResourceType of an apiVersion and kind: a known one, else from API discovery (cached). */
  async resourceType(apiVersion: string, kind: string): Promise<ResourceType> {
    const known =
      knownResourceType(apiVersion, kind) ?? this.#discovered.get(`${apiVersion}/${kind}`);
    if (known) return known;
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const list = await this.#json<{
      resources: { name: string; kind: string; namespaced: boolean }[];
    }>('GET', path);
    const r = list.resources.find((x) => x.kind === kind && !x.name.includes('/'));
    if (!r)
      throw new KubeApiError('GET', path, 404, {
        reason: 'NotFound',
        message: `the server has no resource of kind ${kind} in ${apiVersion} (is its CRD installed?)`,
      });
    const type: ResourceType = {
      group: group ?? '',
      version: version ?? '',
      kind,
      plural: r.name,
      namespaced: r.namespaced,
    };
    this.#discovered.set(`${apiVersion}/${kind}`, type);
    return type;
  }

  async #json<T>(
    verb: HttpMethod,
    path: string,
    opts: { query?: Query; body?: unknown; contentType?: string } = {},
  ): Promise<T> {
    const response = await this.#send(verb, path, {
      ...opts,
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    const text = await response.body.text();
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299)
      throw errorOf(verb, path, response.httpStatusCode, text);
    return (text ? JSON.parse(text) : {}) as T;
  }

  async #send(
    verb: HttpMethod,
    path: string,
    opts: { query?: Query; body?: unknown; contentType?: string; signal: AbortSignal },
  ) {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new KubeApiError(verb, path, 0, { message: 'no current cluster' });
    const ctx = new RequestContext(`${cluster.server}${path}`, verb);
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined) ctx.setQueryParam(k, String(v));
    ctx.setHeaderParam('Accept', 'application/json');
    ctx.setHeaderParam('User-Agent', this.#userAgent);
    if (opts.body !== undefined) {
      ctx.setHeaderParam('Content-Type', opts.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(opts.body));
    }
    ctx.setSignal(opts.signal);
    await this.kc.applySecurityAuthentication(ctx);
    // applySecurityAuthentication builds a new TLS agent per call; keep the first one so that
    // requests share its connections (auth headers are still applied per request).
    if (!this.#dispatcherCached) {
      this.#dispatcher = ctx.getDispatcher();
      this.#dispatcherCached = true;
    }
    if (this.#dispatcher) ctx.setDispatcher(this.#dispatcher);
    try {
      return await this.#http.send(ctx).toPromise();
    } catch (err) {
      throw new KubeApiError(
        verb,
        path,
        0,
        { message: String((err as Error)?.message ?? err) },
        {
          cause: err,
        },
      );
    }
  }
}

function errorOf(verb: string, path: string, status: number, body: string): KubeApiError {
  let detail: { reason?: string; message?: string } = { message: body.slice(0, 500) };
  try {
    const s = JSON.parse(body) as { reason?: string; message?: string };
    detail = { reason: s.reason, message: s.message };
  } catch {
    // not a Status object: keep the raw text
  }
  return new KubeApiError(verb, path, status, detail);
}

const clients = new WeakMap<KubeConfig, KubeClient>();

/** One client (one connection pool) per KubeConfig. */
export function clientFor(kcOrClient: KubeConfig | KubeClient): KubeClient {
  if (kcOrClient instanceof KubeClient) return kcOrClient;
  let client = clients.get(kcOrClient);
  if (!client) {
    client = new KubeClient(kcOrClient);
    clients.set(kcOrClient, client);
  }
  return client;
}
