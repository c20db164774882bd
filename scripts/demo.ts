// `make demo` until the whole fleet runs on one machine: says plainly which parts exist and
// runs what does. The ledger issue replaces this with `flotilla local up`.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
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
    'Local Kubernetes cluster (real control plane from the Kubernetes Go modules)',
    false,
    'local-cluster issue',
  ],
  [
    'Runner: Redis Streams ingestion, shared features, strategy execution, signals',
    false,
    'runner issue',
  ],
  ['Inference: ONNX micro-batching, hot model swap; Python trainer', false, 'inference issue'],
  ['Operator and Helm chart', false, 'operator issue'],
  ['ClickHouse ledger, paper broker, forensics, `flotilla local up`', false, 'ledger issue'],
];

console.log('Flotilla demo: what exists today\n');
for (const [what, exists, where] of parts)
  console.log(`  [${exists ? 'x' : ' '}] ${what}${exists ? '' : ` (comes with the ${where})`}`);
console.log(
  '\nValidating the example fleet the way the API server will (schemas, CEL rules, references):\n',
);
execFileSync(
  process.execPath,
  [join(root, 'cli/bin/flotilla.js'), 'validate', '--strict', join(root, 'examples')],
  { stdio: 'inherit' },
);
console.log(
  '\nNext: `node cli/bin/flotilla.js crds` prints the CRDs; docs/reference/crds.md describes every field.',
);
