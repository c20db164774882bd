// `make demo` until the whole fleet runs on one machine: says plainly which parts exist and
// runs what does — validates the example fleet, then starts the local Kubernetes cluster,
// installs the CRDs and the fleet with the cluster's own kubectl, shows it, and stops.
// The ledger issue replaces this with `flotilla local up`.
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runDemoFleet } from './demo-fleet.ts';

const root = join(import.meta.dirname, '..');
const flotilla = join(root, 'cli/bin/flotilla.js');
const dir = join(root, '.cache/demo-cluster');
const parts: [string, boolean, string][] = [
  [
    'Custom resources (Strategy, Model, Experiment, CircuitBreaker), CRDs, validation',
    true,
    'foundation',
  ],
  [
    'Example fleet in examples/ (7 strategies, 6 instruments, 2 models, 1 experiment, 2 breakers)',
    true,
    'foundation',
  ],
  [
    'Local Kubernetes cluster (real control plane from the Kubernetes Go modules, pods as processes)',
    true,
    'local-cluster',
  ],
  ['Runner: Redis Streams ingestion, shared features, strategy execution, signals', true, 'runner'],
  ['Inference: ONNX micro-batching, hot model swap; Python trainer', false, 'inference issue'],
  ['Operator and Helm chart', false, 'operator issue'],
  ['ClickHouse ledger, paper broker, forensics, `flotilla local up`', false, 'ledger issue'],
];

const run = (...args: string[]) =>
  execFileSync(process.execPath, [flotilla, ...args], { stdio: 'inherit' });
const kubectl = (...args: string[]) => run('local', 'kubectl', '--dir', dir, ...args);

console.log('Flotilla demo: what exists today\n');
for (const [what, exists, where] of parts)
  console.log(`  [${exists ? 'x' : ' '}] ${what}${exists ? '' : ` (comes with the ${where})`}`);
console.log('\n1. Validating the example fleet offline (schemas, CEL rules, references):\n');
run('validate', '--strict', join(root, 'examples'));

console.log(`\n2. Starting the local cluster in ${dir} ...\n`);
rmSync(dir, { recursive: true, force: true });
const cluster = spawn(process.execPath, [flotilla, 'local', 'cluster', 'up', '--dir', dir], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stopped = new Promise((done) => cluster.on('exit', done));
try {
  await new Promise<void>((ready, fail) => {
    cluster.stdout.on('data', (b: Buffer) => b.toString().includes('cluster ready:') && ready());
    cluster.on('exit', (code) =>
      fail(new Error(`the local cluster exited (${code}) before it was ready`)),
    );
  });
  console.log('\n3. Installing the CRDs and the example fleet with kubectl:\n');
  kubectl('apply', '--server-side', '-f', join(root, 'crds'));
  kubectl('wait', '--for=condition=Established', '--timeout=60s', '-f', join(root, 'crds'));
  kubectl('apply', '-f', join(root, 'examples/fleet'));
  console.log(
    '\n4. The fleet as the API server holds it (status fills in once the operator exists):\n',
  );
  kubectl('get', 'strategies,models,experiments,circuitbreakers');
  kubectl('get', 'nodes', '-o', 'wide');
  console.log('\n5. Running the example fleet: one runner shard, synthetic ticks from Redis:\n');
  await runDemoFleet({
    root,
    clusterDir: dir,
    kubectl: (args, input) =>
      execFileSync(process.execPath, [flotilla, 'local', 'kubectl', '--dir', dir, '--', ...args], {
        input,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    seconds: 15,
    rate: 2_000,
  });
} finally {
  cluster.kill('SIGTERM');
  await stopped;
  console.log(
    '\nStopped the local cluster. Run it yourself: node cli/bin/flotilla.js local cluster up --dir DIR',
  );
}
