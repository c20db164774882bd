import { Redis } from 'ioredis';
import { expect, inject, it } from 'vitest';

// Run only by the nested vitest in no-leftover-servers.test.ts. One test fails on purpose: the
// servers from the global setup must be stopped even when a suite fails.

it('passes against the injected redis', async () => {
  const redis = new Redis(inject('redisUrl'));
  try {
    expect(await redis.ping()).toBe('PONG');
  } finally {
    redis.disconnect();
  }
});

it('fails deliberately', () => {
  expect('deliberate failure').toBe('a pass');
});
