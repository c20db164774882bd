import { describe, expect, it } from 'vitest';
import { resolveOperatorConfig } from '../../../operator/src/config.ts';
import { ValidationError } from '../../../operator/src/errors.ts';

const none = () => undefined;

describe('resolveOperatorConfig', () => {
  it('has kubebuilder-style defaults and reads the pod environment', () => {
    const c = resolveOperatorConfig(
      {},
      { POD_NAME: 'op-0', POD_NAMESPACE: 'trading', REDIS_URL: 'redis://r:6379' },
      none,
    );
    expect(c).toMatchObject({
      metricsAddress: { host: '0.0.0.0', port: 8080 },
      healthAddress: { host: '0.0.0.0', port: 8081 },
      leaderElect: false,
      leaderElectionId: 'flotilla-operator',
      identity: 'op-0',
      namespace: 'trading',
      redisUrl: 'redis://r:6379',
      shardCapacity: 50,
      maxShards: 100,
      runnerArgs: [],
    });
  });

  it('parses addresses, "0" disabling one, and runner resources', () => {
    const c = resolveOperatorConfig(
      {
        metricsBindAddress: '0',
        healthProbeBindAddress: '127.0.0.1:9000',
        runnerCpuRequest: '500m',
        runnerMemoryLimit: '1Gi',
        runnerArg: ['--block-ms', '50'],
      },
      {},
      none,
    );
    expect(c.metricsAddress).toBeUndefined();
    expect(c.healthAddress).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(c.runnerResources).toEqual({ requests: { cpu: '500m' }, limits: { memory: '1Gi' } });
    expect(c.runnerArgs).toEqual(['--block-ms', '50']);
  });

  it('names every bad flag and its limit at once', () => {
    let err: unknown;
    try {
      resolveOperatorConfig(
        {
          clickhouseUrl: 'ch:8123',
          shardCapacity: '0',
          healthProbeBindAddress: 'nowhere',
          runnerCpuRequest: 'lots',
          redisUrl: 'http://x',
          namespace: 'Bad_NS',
        },
        {},
        none,
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors.map((e) => e.path).sort()).toEqual([
      '--clickhouse-url',
      '--health-probe-bind-address',
      '--namespace',
      '--redis-url',
      '--runner-cpu-request',
      '--shard-capacity',
    ]);
    expect((err as Error).message).toContain('"0" is not an integer from 1 to 1000');
  });
});
