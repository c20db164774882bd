// Fails loudly when a make target, a test run or the flotilla command runs on a Node.js
// older than the project supports. Plain JavaScript: it must parse on the old Node too.
// The machine's own Node may be 20 (end of life); make and npx put the pinned Node 24 first.
import { pathToFileURL } from 'node:url';

export const MIN_NODE_MAJOR = 22;

/** A message saying what is wrong and what to do, or undefined when this Node is fine. */
export function nodeProblem(what, version = process.versions.node) {
  if (Number(version.split('.')[0]) >= MIN_NODE_MAJOR) return undefined;
  return (
    `FLT_UNSUPPORTED_NODE: ${what} is running on Node.js ${version}; Flotilla needs >= ${MIN_NODE_MAJOR} (it pins 24).\n` +
    '  Run it through make, npm scripts or npx, which put node_modules/.bin/node first on PATH (make setup installs it).'
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const problem = nodeProblem(process.argv[2] ?? 'make');
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
