// The runner's tick read on a Redis connection of its own, speaking RESP itself: XREADGROUP
// replies are decoded from their bytes into tick columns (xread-reply.ts). Through ioredis 6 the
// same reply cost the runner more CPU than all its strategies together: its decoder makes a
// Buffer and a string per field and an array per entry, then copies the whole tree to convert
// it. Everything else the runner sends (groups, claims, commits, reports) stays on ioredis.
// One command at a time; a lost connection fails the command in flight and the next read
// reconnects.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { RedisError } from '../errors.ts';
import { RespFrameScanner } from './resp-frame.ts';
import type { TickBatch } from './tick-batch.ts';
import { parseXReadReply } from './xread-reply.ts';

export interface StreamReaderOptions {
  /** `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS. */
  url: string;
  /** Set with CLIENT SETNAME, to tell the connection apart in CLIENT LIST. */
  connectionName?: string;
  /** @default 10000 */
  connectTimeoutMs?: number;
  /**
   * A command fails when its reply stalls this long beyond the command's own blocking time
   * (a dead peer that never closed the connection).
   * @default 30000
   */
  stallTimeoutMs?: number;
}

type Handler = {
  reply(buf: Buffer, start: number): void;
  fail(err: Error): void;
};

const INITIAL_BUFFER = 64 * 1024;

export class StreamReader {
  readonly #o: StreamReaderOptions;
  #socket: Socket | undefined;
  #connecting: Promise<Socket> | undefined;
  /** Handlers of the commands sent, in order. */
  readonly #waiting: Handler[] = [];
  readonly #scanner = new RespFrameScanner();
  /** Bytes received and not yet consumed (the start of a reply). */
  #buf = Buffer.allocUnsafe(INITIAL_BUFFER);
  #len = 0;
  #closed = false;

  constructor(o: StreamReaderOptions) {
    this.#o = o;
  }

  /** True while connected and set up. */
  get connected(): boolean {
    return this.#socket !== undefined;
  }

  /** Connects now (reads connect on demand too). */
  async connect(): Promise<void> {
    await this.#ensure();
  }

  /**
   * Sends `XREADGROUP ...args` (the arguments after the command name) and decodes the reply;
   * `blockMs` is the BLOCK it asks for, if any. Rejects with a RedisError on an error reply or a
   * lost connection; entries delivered in a reply that was lost stay pending in the group.
   */
  async xreadgroup(
    args: readonly (string | number)[],
    instrumentOf: (stream: string) => string,
    blockMs = 0,
  ): Promise<TickBatch[]> {
    // Sent now when connected: an await here would hold the command back until the caller's
    // synchronous work is done, and the runner processes a batch right after asking for the next.
    const socket = this.#socket && !this.#closed ? this.#socket : await this.#ensure();
    return new Promise((resolve, reject) => {
      this.#send(socket, ['XREADGROUP', ...args], blockMs, {
        reply: (buf, start) => {
          if (buf[start] === 45) reject(replyError(buf, start, 'XREADGROUP'));
          else resolve(parseXReadReply(buf, start, instrumentOf));
        },
        fail: reject,
      });
    });
  }

  /** Closes the connection; commands in flight fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const socket = this.#socket ?? (await this.#connecting?.catch(() => undefined));
    if (!socket) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 1_000).unref();
    });
  }

  #ensure(): Promise<Socket> {
    if (this.#closed) return Promise.reject(new RedisError('stream reader is closed'));
    if (this.#socket) return Promise.resolve(this.#socket);
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(): Promise<Socket> {
    const url = new URL(this.#o.url);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
    const port = Number(url.port || 6379);
    const tls = url.protocol === 'rediss:';
    const socket = tls
      ? tlsConnect({ host, port, servername: host })
      : netConnect({ host, port, noDelay: true, keepAlive: true });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`connecting timed out after ${this.#o.connectTimeoutMs ?? 10_000} ms`),
            ),
          this.#o.connectTimeoutMs ?? 10_000,
        );
        socket.once(tls ? 'secureConnect' : 'connect', () => {
          clearTimeout(timer);
          resolve();
        });
        socket.once('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
    } catch (err) {
      socket.destroy();
      throw new RedisError(`stream reader: connecting to ${host}:${port} failed: ${message(err)}`, {
        cause: err,
      });
    }
    this.#scanner.reset();
    this.#len = 0;
    socket.on('data', (chunk: Buffer) => this.#onData(socket, chunk));
    socket.on('error', (err) => this.#lost(socket, err));
    socket.on('close', () => this.#lost(socket, new Error('connection closed')));
    socket.on('timeout', () => socket.destroy(new Error('reply stalled')));
    const setup: string[][] = [];
    const password = decodeURIComponent(url.password);
    const user = decodeURIComponent(url.username);
    if (password) setup.push(user ? ['AUTH', user, password] : ['AUTH', password]);
    const db = Number(url.pathname.slice(1) || 0);
    if (db) setup.push(['SELECT', String(db)]);
    if (this.#o.connectionName) setup.push(['CLIENT', 'SETNAME', this.#o.connectionName]);
    try {
      await Promise.all(
        setup.map(
          (args) =>
            new Promise<void>((resolve, reject) =>
              this.#send(socket, args, 0, {
                reply: (buf, start) =>
                  buf[start] === 45 ? reject(replyError(buf, start, args[0] as string)) : resolve(),
                fail: reject,
              }),
            ),
        ),
      );
    } catch (err) {
      socket.destroy();
      throw err instanceof RedisError
        ? err
        : new RedisError(`stream reader: setting up the connection failed: ${message(err)}`, {
            cause: err,
          });
    }
    this.#socket = socket;
    return socket;
  }

  #send(socket: Socket, args: readonly (string | number)[], blockMs: number, h: Handler): void {
    this.#waiting.push(h);
    socket.setTimeout(blockMs + (this.#o.stallTimeoutMs ?? 30_000));
    socket.write(encodeCommand(args));
  }

  #onData(socket: Socket, chunk: Buffer): void {
    if (this.#len === 0) {
      // Most replies arrive whole in one chunk: decode them where they are.
      const n = this.#scan(socket, chunk, chunk.length);
      if (n === chunk.length) {
        this.#deliver(socket, chunk);
        return;
      }
    }
    this.#append(chunk);
    for (;;) {
      const n = this.#scan(socket, this.#buf, this.#len);
      if (n < 0) return;
      this.#deliver(socket, this.#buf);
      this.#buf.copyWithin(0, n, this.#len);
      this.#len -= n;
      if (this.#len === 0) return;
    }
  }

  /** The scanner's answer; a protocol error ends the connection. */
  #scan(socket: Socket, buf: Buffer, end: number): number {
    try {
      return this.#scanner.scan(buf, end);
    } catch (err) {
      socket.destroy(err as Error);
      return -1;
    }
  }

  #deliver(socket: Socket, buf: Buffer): void {
    const h = this.#waiting.shift();
    if (this.#waiting.length === 0) socket.setTimeout(0);
    try {
      h?.reply(buf, 0);
    } catch (err) {
      // A reply that does not decode leaves the stream out of step: start over on a new connection.
      h?.fail(new RedisError(`stream reader: ${message(err)}`, { cause: err }));
      socket.destroy();
    }
  }

  #append(chunk: Buffer): void {
    const needed = this.#len + chunk.length;
    if (needed > this.#buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.#buf.length));
      this.#buf.copy(grown, 0, 0, this.#len);
      this.#buf = grown;
    }
    chunk.copy(this.#buf, this.#len);
    this.#len = needed;
  }

  #lost(socket: Socket, err: Error): void {
    if (this.#socket === socket) this.#socket = undefined;
    socket.destroy();
    const failed = this.#waiting.splice(0);
    for (const h of failed)
      h.fail(new RedisError(`stream reader: connection lost: ${err.message}`, { cause: err }));
    this.#scanner.reset();
    this.#len = 0;
  }
}

/** A command as a RESP array of blob strings. */
export function encodeCommand(args: readonly (string | number)[]): Buffer {
  let text = `*${args.length}\r\n`;
  for (const a of args) {
    const s = String(a);
    text += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  }
  return Buffer.from(text);
}

function replyError(buf: Buffer, start: number, command: string): RedisError {
  const end = buf.indexOf('\r\n', start);
  return new RedisError(`${command} failed: ${buf.toString('utf8', start + 1, end)}`);
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
