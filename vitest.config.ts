import { defineConfig } from 'vitest/config';
import { nodeProblem } from './scripts/check-node.mjs';

const problem = nodeProblem('vitest');
if (problem) throw new Error(problem);

// Three tiers. Unit tests are pure and fast. Integration tests get real servers from the
// global setups: one redis-server, one clickhouse-server and one local Kubernetes cluster per
// run, shared with the e2e tier; each test isolates itself with its own key prefix, database or
// namespace. E2E tests drive whole programs (the flotilla command, pods running it).
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/harness/global-setup.ts', 'test/harness/cluster-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/harness/cluster-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
