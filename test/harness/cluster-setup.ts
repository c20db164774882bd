// vitest globalSetup: one local Kubernetes cluster per test run; each test file works in a
// namespace of its own.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startLocalCluster } from './local-cluster.ts';
import { reapStaleServers } from './server-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    clusterDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  reapStaleServers();
  const cluster = await startLocalCluster();
  project.provide('kubeconfig', cluster.kubeconfig);
  project.provide('clusterDir', cluster.dir);
  return () => cluster.stop();
}
