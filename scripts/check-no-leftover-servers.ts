// Run by `make test` after the whole suite: fails if a test server outlived it. Servers started
// by test/harness run in a `flotilla-test-*` temp dir named on their command line (redis's
// --dir, clickhouse's --config-file).
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, PIDS_DIR, readPidRecord, TEMP_PREFIX } from '../test/harness/server-process.ts';

const marker = join(tmpdir(), TEMP_PREFIX);
const leftovers: string[] = [];
for (const entry of readdirSync('/proc')) {
  const pid = Number(entry);
  if (!Number.isInteger(pid) || pid === process.pid) continue;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    continue; // exited while we looked
  }
  if (!cmdline.includes(marker)) continue;
  // Another test run on this machine may still be going: its servers are not leftovers.
  const owner = readPidRecord(join(PIDS_DIR, entry))?.owner;
  if (owner !== undefined && isAlive(owner)) continue;
  leftovers.push(`  pid ${pid}: ${cmdline}`);
}

if (leftovers.length > 0) {
  console.error(`test servers outlived the test run:\n${leftovers.join('\n')}`);
  process.exitCode = 1;
} else {
  console.log('no leftover test servers');
}
