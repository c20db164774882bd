// `flotilla local up`: the whole fleet on one machine. Starts the local cluster, Redis and
// ClickHouse; migrates the ledger; installs the chart and the example fleet; feeds synthetic
// ticks with live progress; prints the summary and writes the report; stops everything it
// started, also when interrupted.
import { relative } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { Redis } from 'ioredis';
import { ledgerClient } from '../../runtime/src/forensics/ledger-client.ts';
import { migrateLedger } from '../../runtime/src/ledger/migrate.ts';
import { REPO_ROOT } from '../local-kube.ts';
import type { LocalUpConfig } from './config.ts';
import { readFleet } from './example-fleet.ts';
import { feedWithProgress } from './feed-ticks.ts';
import { summaryLines } from './fleet-summary.ts';
import { applyFleet, FLEET_DIR, installChart, NAMESPACE, waitForReady } from './install-fleet.ts';
import { helmIn, kubectlIn } from './kube-clients.ts';
import { lookAroundLines } from './look-around.ts';
import { progressDisplay } from './progress/display.ts';
import { readProgress } from './progress/snapshot.ts';
import { readResults, writeReport } from './report/write-report.ts';
import { settle } from './settle.ts';
import { reapLeftovers, startServers } from './start-servers.ts';
import { formatCount } from './text-table.ts';

export const LEDGER_DATABASE = 'flotilla';
const READY_TIMEOUT_MS = 300_000;
const SETTLE_TIMEOUT_MS = 30_000;

export interface LocalUpIo {
  out: NodeJS.WriteStream;
  /** Aborted on SIGINT/SIGTERM: setup stops, a feed in progress ends early and is reported. */
  signal: AbortSignal;
}

export interface LocalUpResult {
  /** Set when the run was cut short by the signal. */
  interrupted: boolean;
  reportPath?: string;
}

export async function runLocalUp(config: LocalUpConfig, io: LocalUpIo): Promise<LocalUpResult> {
  const log = (line = '') => io.out.write(`${line}\n`);
  const fleet = readFleet(FLEET_DIR);
  const stops: { name: string; stop: () => Promise<void> }[] = [];
  let redis: Redis | undefined;
  let clickhouse: ClickHouseClient | undefined;
  try {
    const reaped = reapLeftovers(config.dir);
    if (reaped.length > 0)
      log(`Killed servers an earlier run left behind: pids ${reaped.join(', ')}`);
    const servers = await startServers(config.dir, (stop, name) => stops.push({ name, stop }), log);
    if (io.signal.aborted) return { interrupted: true };

    clickhouse = ledgerClient(servers.clickhouse.url);
    const migration = await migrateLedger(clickhouse, LEDGER_DATABASE);
    log(`Ledger: database ${LEDGER_DATABASE} at schema version ${migration.version}`);

    const kubectl = kubectlIn(config.dir, io.signal);
    log('Installing the chart with helm (operator pod, runner RBAC) ...');
    log('');
    for (const line of lookAroundLines(
      flotillaCommand(),
      config.dir,
      fleet.strategies[0]?.name ?? 'NAME',
    ))
      log(line);
    log('');
    const ledgerWired = await installChart({
      dir: config.dir,
      helm: helmIn(config.dir, io.signal),
      podRedisUrl: servers.podRedisUrl,
      podClickHouseUrl: servers.podClickHouseUrl,
    });
    if (!ledgerWired)
      log('Note: this chart has no clickhouse.url value yet, so the runners write no ledger.');
    log(
      `Applying the example fleet (${fleet.strategies.length} strategies on ${fleet.instruments.join(', ')}) ...`,
    );
    await applyFleet(kubectl);
    log('Waiting for every Strategy to be Ready (runner pods started, models loaded) ...');
    const names = fleet.strategies.map((s) => s.name);
    redis = new Redis(servers.redis.url);
    await waitForReady(kubectl, redis, names, { timeoutMs: READY_TIMEOUT_MS, signal: io.signal });
    if (io.signal.aborted) return { interrupted: true };

    const sources = { redis, clickhouse, database: LEDGER_DATABASE, namespace: NAMESPACE, fleet };
    log(
      `Feeding seeded synthetic ticks (seed ${config.seed}, planted edge ${config.edge}) at ${config.rate}/s for ${config.durationMs / 1000} s:`,
    );
    const fed = await feedWithProgress({
      redis,
      instruments: fleet.instruments,
      durationMs: config.durationMs,
      rate: config.rate,
      edge: config.edge,
      seed: config.seed,
      signal: io.signal,
      display: progressDisplay(io.out),
      readProgress: (counts) => readProgress(sources, counts),
    });

    // Let the runners finish the ticks fed and ship their ledger rows before counting.
    const settled = await settle(redis, {
      instruments: fleet.instruments,
      namespace: NAMESPACE,
      timeoutMs: SETTLE_TIMEOUT_MS,
    });
    if (!settled.settled)
      log(`(still processing after ${SETTLE_TIMEOUT_MS / 1000} s: ${settled.waiting.join(', ')})`);
    const results = await readResults(clickhouse, LEDGER_DATABASE, names);
    log('');
    log(
      `Summary (from the ledger, ${formatCount(fed.ticksFed)} ticks fed in ${(fed.elapsedMs / 1000).toFixed(1)} s):`,
    );
    for (const line of summaryLines(results.summary)) log(`  ${line}`);
    const reportPath = await writeReport(
      config.outDir,
      {
        startedAt: new Date(fed.startedAt).toISOString(),
        finishedAt: new Date().toISOString(),
        durationMs: Math.round(fed.elapsedMs),
        ticksFed: fed.ticksFed,
        rate: config.rate,
        edge: config.edge,
        seed: config.seed,
        ledgerWired,
        summary: results.summary,
        curves: results.curves,
      },
      results.equityPoints,
    );
    log('');
    log(`Report: ${reportPath}`);
    return { interrupted: fed.stoppedBy === 'signal', reportPath };
  } catch (err) {
    // A step the signal cut short fails as a side effect; the interruption is the news.
    if (io.signal.aborted) return { interrupted: true };
    throw err;
  } finally {
    redis?.disconnect();
    await clickhouse?.close();
    await stopAll(stops, log);
  }
}

/** Stops the cluster first (its pods use Redis and ClickHouse), then the servers. */
async function stopAll(
  stops: readonly { name: string; stop: () => Promise<void> }[],
  log: (line: string) => void,
): Promise<void> {
  if (stops.length === 0) return;
  log('');
  log(`Stopping ${stops.map((s) => s.name).join(', ')} ...`);
  const [first, ...rest] = stops;
  const failures: string[] = [];
  const attempt = (s: (typeof stops)[number]) =>
    s.stop().catch((err: unknown) => {
      failures.push(`${s.name}: ${err instanceof Error ? err.message : String(err)}`);
    });
  if (first) await attempt(first);
  await Promise.all(rest.map(attempt));
  log(failures.length === 0 ? 'Stopped.' : `Stopped, with problems:\n  ${failures.join('\n  ')}`);
}

/** How to run this checkout's flotilla command from the current directory. */
function flotillaCommand(): string {
  return `node ${relative(process.cwd(), `${REPO_ROOT}/cli/bin/flotilla.js`)}`;
}
