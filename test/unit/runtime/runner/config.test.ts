import { describe, expect, it } from 'vitest';
import { resolveRunnerConfig } from '../../../../runtime/src/config.ts';

const noSa = () => undefined;

describe('runner config', () => {
  it('takes the shard from the pod name ordinal and the address from the downward API', () => {
    const c = resolveRunnerConfig(
      {},
      {
        POD_NAME: 'flotilla-runner-3',
        POD_NAMESPACE: 'fleet',
        POD_IP: '10.244.1.7',
        REDIS_URL: 'redis://10.0.0.1:6379',
      },
      noSa,
    );
    expect(c).toMatchObject({
      shard: 3,
      namespace: 'fleet',
      consumer: 'flotilla-runner-3',
      httpHost: '10.244.1.7',
      redisUrl: 'redis://10.0.0.1:6379',
      httpPort: 8080,
      readCount: 256,
      startFrom: 'latest',
      ledgerOutboxMax: 20_000,
    });
    expect(resolveRunnerConfig({ shard: '0', ledgerOutboxMax: '500' }, {}, noSa)).toMatchObject({
      ledgerOutboxMax: 500,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('prefers flags over the environment, and the service account namespace over "default"', () => {
    const c = resolveRunnerConfig(
      { shard: '1', namespace: 'x', httpHost: '127.0.0.1' },
      { POD_IP: '10.0.0.9' },
      () => 'sa-ns',
    );
    expect(c).toMatchObject({ shard: 1, namespace: 'x', httpHost: '127.0.0.1' });
    expect(resolveRunnerConfig({ shard: '0' }, {}, () => 'sa-ns').namespace).toBe('sa-ns');
    expect(resolveRunnerConfig({ shard: '0' }, {}, noSa).namespace).toBe('default');
  });

  it.each([
    [
      {},
      { POD_NAME: 'runner' },
      /--shard: is required: the pod name "runner" does not end in -<ordinal>/,
    ],
    [{ shard: '1000' }, {}, /--shard: "1000" is not an integer from 0 to 999/],
    [
      { shard: '0', httpPort: '70000' },
      {},
      /--http-port: "70000" is not an integer from 0 to 65535/,
    ],
    [{ shard: '0', readCount: '0' }, {}, /--read-count: "0" is not an integer from 1 to 10000/],
    [
      { shard: '0', startFrom: 'middle' },
      {},
      /--start-from: "middle" is not "latest" or "earliest"/,
    ],
    [{ shard: '0', redisUrl: 'http://x' }, {}, /--redis-url: "http:\/\/x" is not a redis/],
    [{ shard: '0', logLevel: 'loud' }, {}, /--log-level: "loud" is not one of/],
    [
      { shard: '0', ledgerOutboxMax: '10' },
      {},
      /--ledger-outbox-max: "10" is not an integer from 100 to 10000000/,
    ],
  ])('rejects %o with a message naming the flag and the limit', (flags, env, message) => {
    expect(() => resolveRunnerConfig(flags, env, noSa)).toThrow(message);
  });
});
