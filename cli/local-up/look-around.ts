// What to run in another terminal while the demo runs: the cluster's own kubectl, pointed at
// the demo's cluster directory.

/** `text` quoted for a POSIX shell when it needs to be. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * @param flotilla how to run the command here, e.g. `node cli/bin/flotilla.js`
 * @param dir the cluster directory
 * @param strategy a strategy to describe
 */
export function lookAroundLines(flotilla: string, dir: string, strategy: string): string[] {
  const kubectl = `${flotilla} local kubectl --dir ${shellQuote(dir)}`;
  return [
    'Look around while it runs (in another terminal):',
    `  ${kubectl} get strategies,models,pods`,
    `  ${kubectl} describe strategy ${strategy}`,
    `  ${kubectl} logs flotilla-runner-0`,
    `  ${kubectl} logs deployment/flotilla-operator`,
  ];
}
