#!/usr/bin/env node
// Entry point of the `flotilla` command. Plain JavaScript so that it can refuse, loudly and
// clearly, to run on a Node.js too old for the TypeScript it loads.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `flotilla: FLT_UNSUPPORTED_NODE: Node.js ${process.versions.node} is too old; Flotilla needs Node.js >= 22 (it pins 24).\n` +
      '  Run it through make or npx (they put the pinned node_modules/.bin/node first), or install Node 24.\n',
  );
  process.exit(1);
}
await import('../main.ts');
