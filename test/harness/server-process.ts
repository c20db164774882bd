// The test harness's servers: the product's launcher (cli/local-up/servers) with every server
// in a `flotilla-test-*` temp dir and a pid record in PIDS_DIR, so leftovers of a crashed run
// are found by name and reaped by the next one.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reapStaleServers as reapIn } from '../../cli/local-up/servers/pid-records.ts';
import {
  type Placement,
  type ServerOptions as ProductServerOptions,
  type ServerProcess,
  startServer as startProductServer,
} from '../../cli/local-up/servers/server-process.ts';

export {
  isAlive,
  type PidRecord,
  readPidRecord,
} from '../../cli/local-up/servers/pid-records.ts';
export {
  findBinary,
  type LaunchPlan,
  type ServerProcess,
  ServerStartError,
} from '../../cli/local-up/servers/server-process.ts';

/** Every temp dir the harness makes starts with this, so leftovers can be found by name. */
export const TEMP_PREFIX = 'flotilla-test-';
/** One file per running child, named after its pid; the content is a `PidRecord` as JSON. */
export const PIDS_DIR = join(tmpdir(), `${TEMP_PREFIX}pids`);

/** Where every harness server goes. */
export const HARNESS_PLACEMENT: Placement = Object.freeze({
  dirPrefix: TEMP_PREFIX,
  pidsDir: PIDS_DIR,
});

export type ServerOptions<T> = Omit<ProductServerOptions<T>, keyof Placement>;

export function startServer<T>(options: ServerOptions<T>): Promise<ServerProcess<T>> {
  return startProductServer({ ...options, ...HARNESS_PLACEMENT });
}

/**
 * Kills children whose owner process is dead (a test run that crashed or was SIGKILLed before
 * teardown) and removes their pid files and temp dirs. Returns the pids it killed.
 */
export function reapStaleServers(): number[] {
  return reapIn(PIDS_DIR);
}
