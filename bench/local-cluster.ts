// Benchmark of the local cluster: time from `kube up` to the API server's /readyz and to a Ready
// node, and pod start latency (create -> Ready, as a watch sees it) for 20 pods of Flotilla's own
// image, side by side with the same process started bare (the ceiling the node agent adds to).
// Run: npm run bench:local-cluster. The last line is one JSON object with the figures.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, KubeConfig, type V1Pod, Watch } from '@kubernetes/client-node';
import { flotillaEntrypoint, kubeUpArgs, REPO_ROOT } from '../cli/local-kube.ts';

const PODS = 20;
const dir = join(mkdtempSync(join(tmpdir(), 'flotilla-bench-cluster-')), 'cluster');
const kubeconfigPath = join(dir, 'kubeconfig');
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)] ?? NaN;
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function readyz(kc: KubeConfig): Promise<boolean> {
  const server = kc.getCurrentCluster()?.server ?? '';
  const opts: Record<string, unknown> = {};
  await kc.applyToHTTPSOptions(opts as never);
  return new Promise((resolve) => {
    const req = get(`${server}/readyz`, opts, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
}

function helloPod(name: string): V1Pod {
  return {
    metadata: { name, labels: { app: 'bench' } },
    spec: {
      containers: [
        {
          name: 'hello',
          image: 'ghcr.io/flotilla-dev/flotilla:bench',
          args: ['local', 'hello', '--port', '8080'],
          env: [
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          ],
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 },
        },
      ],
    },
  };
}

/** The same process a pod runs, started directly and polled the same way: the baseline. */
async function bareStartMs(port: number): Promise<number> {
  const start = process.hrtime.bigint();
  const [cmd = '', ...args] = flotillaEntrypoint();
  const child = spawn(
    cmd,
    [...args, 'local', 'hello', '--port', String(port), '--host', '127.0.0.1'],
    { stdio: 'ignore' },
  );
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return ms(start);
      await sleep(20);
    }
  } finally {
    child.kill('SIGTERM');
  }
}

async function podStartMs(
  kc: KubeConfig,
  core: CoreV1Api,
  ns: string,
  name: string,
): Promise<number> {
  const start = process.hrtime.bigint();
  let done: (v: number) => void = () => {};
  const ready = new Promise<number>((r) => {
    done = r;
  });
  const watch = await new Watch(kc).watch(
    `/api/v1/namespaces/${ns}/pods`,
    { fieldSelector: `metadata.name=${name}` },
    (_type, pod: V1Pod) => {
      if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
        done(ms(start));
    },
    () => {},
  );
  await core.createNamespacedPod({ namespace: ns, body: helloPod(name) });
  const t = await ready;
  watch.abort();
  return t;
}

async function main() {
  const t0 = process.hrtime.bigint();
  const cluster = spawn(join(REPO_ROOT, 'local/kube/bin/kube'), kubeUpArgs(dir), {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let clusterReadyMs = NaN;
  cluster.stdout.on('data', (b: Buffer) => {
    if (b.toString().includes('cluster ready:') && Number.isNaN(clusterReadyMs))
      clusterReadyMs = ms(t0);
  });
  try {
    while (!existsSync(kubeconfigPath)) await sleep(20);
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    while (!(await readyz(kc))) await sleep(50);
    const readyzMs = ms(t0);
    while (Number.isNaN(clusterReadyMs)) await sleep(50);
    console.log(
      `start -> /readyz ${(readyzMs / 1000).toFixed(2)} s; start -> node Ready ${(clusterReadyMs / 1000).toFixed(2)} s`,
    );

    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'bench' } } });
    await sleep(2000); // the service account controller creates `default` in the new namespace
    const pods: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < PODS; i++) {
      pods.push(await podStartMs(kc, core, 'bench', `hello-${i}`));
      bare.push(await bareStartMs(18_080 + i));
      console.log(`pod ${i}: ${pods[i]?.toFixed(0)} ms (bare process ${bare[i]?.toFixed(0)} ms)`);
    }
    const result = {
      readyzSeconds: +(readyzMs / 1000).toFixed(2),
      nodeReadySeconds: +(clusterReadyMs / 1000).toFixed(2),
      pods: PODS,
      podStartP50Ms: Math.round(quantile(pods, 0.5)),
      podStartP99Ms: Math.round(quantile(pods, 0.99)),
      bareProcessP50Ms: Math.round(quantile(bare, 0.5)),
      podOverBareP50: +(quantile(pods, 0.5) / quantile(bare, 0.5)).toFixed(2),
    };
    console.log(JSON.stringify(result));
  } finally {
    cluster.kill('SIGTERM');
    await new Promise((r) => cluster.on('exit', r));
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
}

await main();
