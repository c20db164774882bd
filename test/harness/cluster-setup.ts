// vitest globalSetup: one local Kubernetes cluster per test run, shared by every project that
// lists this setup (integration and e2e); each test file works in a namespace of its own.
// Global setups of all projects run in vitest's main process, so a process-wide handle with a
// reference count lets the first project start the cluster and the last one stop it.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { type LocalCluster, startLocalCluster } from './local-cluster.ts';
import { reapStaleServers } from './server-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    clusterDir: string;
  }
}

interface Shared {
  cluster: Promise<LocalCluster>;
  users: number;
}

const KEY = Symbol.for('flotilla.test.localCluster');
const registry = globalThis as unknown as Record<symbol, Shared | undefined>;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let shared = registry[KEY];
  if (!shared) {
    reapStaleServers();
    shared = { cluster: startLocalCluster(), users: 0 };
    registry[KEY] = shared;
  }
  shared.users++;
  const cluster = await shared.cluster;
  project.provide('kubeconfig', cluster.kubeconfig);
  project.provide('clusterDir', cluster.dir);
  return async () => {
    const current = registry[KEY];
    if (!current || --current.users > 0) return;
    registry[KEY] = undefined;
    await cluster.stop();
  };
}
