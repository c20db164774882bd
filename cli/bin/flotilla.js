#!/usr/bin/env node
// Entry point of the `flotilla` command. Plain JavaScript so that it can refuse, loudly and
// clearly, to run on a Node.js too old for the TypeScript it loads.
import { nodeProblem } from '../../scripts/check-node.mjs';

const problem = nodeProblem('flotilla');
if (problem) {
  process.stderr.write(`flotilla: ${problem}\n`);
  process.exit(1);
}
await import('../main.ts');
