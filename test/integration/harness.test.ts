import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { createClient } from '@clickhouse/client';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { startClickHouse } from '../harness/clickhouse.ts';
import { freePort } from '../harness/free-port.ts';
import { startRedis } from '../harness/redis.ts';
import { findBinary, ServerStartError, startServer } from '../harness/server-process.ts';

/** process.kill(pid, 0) throws ESRCH once the pid no longer exists (exited and reaped). */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

describe('injected servers', () => {
  it('round-trips a stream entry through a consumer group on redis', async () => {
    const redis = new Redis(inject('redisUrl'));
    try {
      const stream = `harness:${randomUUID()}`;
      await redis.xgroup('CREATE', stream, 'workers', '$', 'MKSTREAM');
      const id = await redis.xadd(stream, '*', 'symbol', 'ETH-USD', 'px', '3012.5');
      const read = await redis.xreadgroup(
        'GROUP',
        'workers',
        'w1',
        'COUNT',
        10,
        'STREAMS',
        stream,
        '>',
      );
      expect(read).toEqual([[stream, [[id, ['symbol', 'ETH-USD', 'px', '3012.5']]]]]);
      expect(await redis.xack(stream, 'workers', id ?? '')).toBe(1);
    } finally {
      redis.disconnect();
    }
  });

  it('creates, fills and reads a MergeTree table on clickhouse', async () => {
    const client = createClient({
      url: inject('clickhouseUrl'),
      clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
    });
    const db = `harness_${randomUUID().replaceAll('-', '')}`;
    try {
      await client.command({ query: `CREATE DATABASE ${db}` });
      await client.command({
        query: `CREATE TABLE ${db}.fills (id UInt64, symbol String, qty Float64)
                ENGINE = MergeTree ORDER BY id`,
      });
      // 2^53 + 1 only survives as a string: proves the 64-bit quoting setting reaches the server.
      const rows = [
        { id: '9007199254740993', symbol: 'BTC-USD', qty: 0.25 },
        { id: '1', symbol: 'ETH-USD', qty: 2 },
      ];
      await client.insert({ table: `${db}.fills`, values: rows, format: 'JSONEachRow' });
      const result = await client.query({
        query: `SELECT id, symbol, qty FROM ${db}.fills ORDER BY id`,
        format: 'JSONEachRow',
      });
      expect(await result.json()).toEqual([rows[1], rows[0]]);
    } finally {
      await client.command({ query: `DROP DATABASE IF EXISTS ${db}` });
      await client.close();
    }
  });
});

describe('server lifecycle', () => {
  it.each([
    ['redis', startRedis],
    ['clickhouse', startClickHouse],
  ])('stop() kills %s and removes its temp dir', async (name, start) => {
    const server = await start();
    // The harness runs each server in its temp dir.
    const dir = readlinkSync(`/proc/${server.pid}/cwd`);
    expect(dir).toContain(`flotilla-test-${name}-`);
    expect(existsSync(dir)).toBe(true);
    await server.stop();
    await server.stop(); // idempotent
    expect(pidExists(server.pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it('rejects with the log tail and leaves no process when the server exits early', async () => {
    const binary = findBinary('clickhouse-server', ['/usr/sbin', '/usr/bin'], 'install it');
    const start = startServer({
      name: 'bad-clickhouse',
      binary,
      plan: async (dir) => ({
        args: [`--config-file=${dir}/missing.xml`],
        ports: [],
        isReady: async () => false, // it exits long before the 30 s deadline
        info: {},
      }),
    });
    const err = await start.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerStartError);
    const startErr = err as ServerStartError;
    expect(startErr.message).toMatch(/exited \(code \d+/);
    expect(startErr.message).toContain('missing.xml'); // from clickhouse's own output
    expect(startErr.pid).toBeTypeOf('number');
    expect(pidExists(startErr.pid ?? 0)).toBe(false);
    expect(tempDirsNamed('bad-clickhouse')).toEqual([]);
  });

  it('kills a server that never becomes ready and reports its log', async () => {
    const binary = findBinary('redis-server', ['/usr/bin'], 'install it');
    const err = await startServer({
      name: 'never-ready',
      binary,
      readyTimeoutMs: 500,
      plan: async (dir) => ({
        args: [
          '--port',
          String(await freePort()),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--save',
          '',
        ],
        ports: [],
        isReady: async () => false,
        info: {},
      }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerStartError);
    const startErr = err as ServerStartError;
    expect(startErr.message).toContain('not ready after 500 ms');
    expect(startErr.logTail).toContain('Redis version=');
    expect(startErr.pid).toBeTypeOf('number');
    expect(pidExists(startErr.pid ?? 0)).toBe(false);
    expect(tempDirsNamed('never-ready')).toEqual([]);
  });

  it('starts again on a fresh port when its port is taken', async () => {
    const squatter = createServer().listen({ host: '127.0.0.1', port: 0 });
    await once(squatter, 'listening');
    const taken = (squatter.address() as AddressInfo).port;
    const portsTried: number[] = [];
    const binary = findBinary('redis-server', ['/usr/bin'], 'install it');
    try {
      const server = await startServer({
        name: 'port-race',
        binary,
        plan: async (dir) => {
          const port = portsTried.length === 0 ? taken : await freePort();
          portsTried.push(port);
          return {
            args: ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
            ports: [port],
            isReady: async () => true,
            info: {},
          };
        },
      });
      await server.stop();
      expect(portsTried).toHaveLength(2);
      expect(portsTried[0]).toBe(taken);
    } finally {
      squatter.close();
    }
  });

  it('rejects when the binary does not exist', async () => {
    const start = startServer({
      name: 'missing-binary',
      binary: '/nonexistent/flotilla-no-such-server',
      plan: async () => ({ args: [], ports: [], isReady: async () => true, info: {} }),
    });
    await expect(start).rejects.toThrow(/cannot spawn .*ENOENT/);
    expect(tempDirsNamed('missing-binary')).toEqual([]);
  });
});

function tempDirsNamed(name: string): string[] {
  return readdirSync(tmpdir()).filter((entry) => entry.startsWith(`flotilla-test-${name}-`));
}
