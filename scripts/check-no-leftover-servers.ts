// Run by `make test` after the whole suite: fails if a test server outlived it. Servers started
// by test/harness run in a `flotilla-test-*` temp dir named on their command line (redis's
// --dir, clickhouse's --config-file; a local cluster's `kube up --dir`). Pod networks (bridges
// and network namespaces named flt*) must be gone too unless some node agent still runs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, PIDS_DIR, readPidRecord, TEMP_PREFIX } from '../test/harness/server-process.ts';

const marker = join(tmpdir(), TEMP_PREFIX);
const leftovers: string[] = [];
let nodeAgentRunning = false;
for (const entry of readdirSync('/proc')) {
  const pid = Number(entry);
  if (!Number.isInteger(pid) || pid === process.pid) continue;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    continue; // exited while we looked
  }
  if (/\bkube node\b/.test(cmdline)) nodeAgentRunning = true;
  if (!cmdline.includes(marker)) continue;
  // Another test run on this machine may still be going: its servers are not leftovers.
  const owner = readPidRecord(join(PIDS_DIR, entry))?.owner;
  if (owner !== undefined && isAlive(owner)) continue;
  leftovers.push(`  pid ${pid}: ${cmdline}`);
}

if (!nodeAgentRunning) {
  const netns = existsSync('/var/run/netns')
    ? readdirSync('/var/run/netns').filter((n) => n.startsWith('flt-'))
    : [];
  const links = readdirSync('/sys/class/net').filter((n) => n.startsWith('flt'));
  for (const n of netns) leftovers.push(`  network namespace ${n}`);
  for (const l of links) leftovers.push(`  network interface ${l}`);
}

if (leftovers.length > 0) {
  console.error(`test servers or pod networks outlived the test run:\n${leftovers.join('\n')}`);
  process.exitCode = 1;
} else {
  console.log('no leftover test servers');
}
