import { defineConfig } from 'vitest/config';

// Used only by test/integration/no-leftover-servers.test.ts: runs the fixture, whose name the
// normal projects' `*.test.ts` globs never match, with the real integration global setup.
export default defineConfig({
  test: {
    include: ['test/harness/nested/failing.fixture.ts'],
    globalSetup: ['test/harness/global-setup.ts'],
    reporters: ['default'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
