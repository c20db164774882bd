// `flotilla local up` as a user runs it: a child process that starts its own cluster, Redis and
// ClickHouse, installs the chart, feeds ticks for 20 s, prints the summary, writes the report,
// and stops everything. Then the report is opened in headless Chromium from Debian and the
// screenshot checked for a drawn chart, and /proc checked for anything left running.
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../cli/local-kube.ts';
import { GRID_COLOUR, LINE_COLOUR } from '../../cli/local-up/report/render-html.ts';
import { TEMP_PREFIX } from '../harness/server-process.ts';

const CHROMIUM = '/usr/bin/chromium';
const STRATEGIES = [
  'breakout-aapl',
  'meanrev-crypto',
  'meanrev-index',
  'momentum-alts',
  'momentum-btc',
  'trend-equities',
  'vwap-revert-sol',
];

// Named like every harness temp dir, so the leftover check of `make test` also sees this run.
const scratch = mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}local-up-`));
const dir = join(scratch, 'cluster');
const out = join(scratch, 'out');
let run: Run;
/** What ran in the cluster directory while ticks were fed. */
let duringFeed: string[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Summary {
  ticksFed: number;
  ledgerWired: boolean;
  totals: { decisions: number; signals: number };
  strategies: { strategy: string; equity_points: number }[];
}

/** Runs `flotilla local up ARGS`; `onFeeding` is called once, when the feed starts. */
function localUp(args: string[], onFeeding: (child: ChildProcess) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'cli/main.ts'), 'local', 'up', ...args],
      {
        cwd: scratch,
        stdio: ['ignore', 'pipe', 'pipe'],
        // A group of its own, as a shell gives a foreground job: Ctrl-C signals the whole group.
        detached: true,
      },
    );
    let stdout = '';
    let stderr = '';
    let feeding = false;
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      if (!feeding && /^feeding ticks: /m.test(stdout)) {
        feeding = true;
        onFeeding(child);
      }
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  run = await localUp(['--duration', '20s', '--dir', dir, '--out', out], () => {
    duringFeed = processesUsing(dir);
  });
}, 600_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('flotilla local up --duration 20s', () => {
  it('exits 0 after printing the summary of every strategy and the fleet', () => {
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const summary = run.stdout.slice(run.stdout.indexOf('Summary (from the ledger'));
    expect(summary).toMatch(
      /^\s+strategy\s+decisions\s+signals\s+trades\s+net P&L\s+high-water\s+max drawdown\s+average net$/m,
    );
    for (const name of STRATEGIES)
      expect(summary).toMatch(new RegExp(`^\\s+${name}\\s+[\\d,]+\\s`, 'm'));
    expect(summary).toMatch(/^\s+fleet \(7\)\s+[\d,]+\s/m);
    expect(run.stdout).toContain(`local kubectl --dir ${dir} get strategies`);
    expect(run.stdout).toMatch(/Stopped\.\n$/);
  });

  it('shows live progress per strategy while it feeds', () => {
    expect(run.stdout).toMatch(/^feeding ticks: [\d.]+ s of 20\.0 s, [\d,]+ ticks$/m);
    expect(run.stdout).toMatch(/^\s+strategy\s+ticks fed\s+scored\s+signals\s+trades\s+net P&L$/m);
  });

  it('writes out/report.html, whose chart renders in headless Chromium', async () => {
    const report = join(out, 'report.html');
    expect(existsSync(report)).toBe(true);
    const png = join(scratch, 'report.png');
    await screenshot(report, png);
    const pixels = countPixels(PNG.sync.read(readFileSync(png)));
    // The grid Chart.js draws in every chart (with or without points) is on the page.
    expect(pixels.grid).toBeGreaterThan(2_000);
    expect(pixels.distinct).toBeGreaterThan(100);
    expect(pixels.nonWhite / pixels.total).toBeGreaterThan(0.02);
  });

  it('leaves no process it started running', () => {
    // While it ran, the check saw the cluster, the servers and the pods.
    for (const what of ['kube up', 'redis-server', 'clickhouse-server', ' runner'])
      expect(
        duringFeed.some((p) => p.includes(what)),
        `${what} in\n${duringFeed.join('\n')}`,
      ).toBe(true);
    expect(processesUsing(dir)).toEqual([]);
  });

  it('fills the ledger: decisions were recorded and any equity curve is drawn', async () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.ticksFed).toBeGreaterThan(0);
    expect(summary.ledgerWired).toBe(true);
    expect(summary.totals.decisions).toBeGreaterThan(0);
    if (summary.strategies.some((s) => s.equity_points > 0)) {
      const png = join(scratch, 'report-ledger.png');
      await screenshot(join(out, 'report.html'), png);
      expect(countPixels(PNG.sync.read(readFileSync(png))).line).toBeGreaterThan(100);
    }
  });
});

describe('flotilla local up with a bad option', () => {
  it('fails before starting anything, naming the flag and the limit', () => {
    const bad = join(scratch, 'never-started');
    const r = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'cli/main.ts'), 'local', 'up', '--duration', '25h', '--dir', bad],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'flotilla: FLT_LOCAL_UP_CONFIG: --duration: "25h" is above the maximum 24h\n',
    );
    expect(existsSync(bad)).toBe(false);
  });
});

describe('flotilla local up interrupted by Ctrl-C while it feeds', () => {
  it('stops feeding, still reports, stops everything and exits 130', async () => {
    const interrupted = join(scratch, 'interrupted');
    const r = await localUp(
      ['--duration', '10m', '--dir', interrupted, '--out', join(interrupted, 'out')],
      // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group.
      (child) => process.kill(-(child.pid as number), 'SIGINT'),
    );
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(130);
    expect(r.stdout).toContain('SIGINT: stopping');
    expect(r.stdout).toMatch(/^\s+fleet \(7\)\s/m);
    expect(existsSync(join(interrupted, 'out', 'report.html'))).toBe(true);
    expect(r.stdout).toMatch(/Stopped\.\n$/);
    expect(processesUsing(interrupted)).toEqual([]);
  }, 600_000);
});

function screenshot(html: string, png: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      CHROMIUM,
      [
        ...[
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          `--user-data-dir=${join(scratch, 'chromium')}`,
        ],
        ...[`--screenshot=${png}`, '--window-size=1200,900', `file://${html}`],
      ],
      { timeout: 120_000 },
      (err, _stdout, stderr) =>
        err || !existsSync(png)
          ? reject(
              new Error(`${CHROMIUM} failed (install it: make system): ${err?.message}\n${stderr}`),
            )
          : resolve(),
    );
  });
}

const rgb = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));

function countPixels(png: PNG) {
  const line = rgb(LINE_COLOUR);
  const grid = rgb(GRID_COLOUR);
  const near = (d: Buffer, i: number, c: number[], t: number) =>
    c.every((v, k) => Math.abs((d[i + k] ?? 0) - v) <= t);
  const colours = new Set<number>();
  const counts = { line: 0, grid: 0, nonWhite: 0, distinct: 0, total: png.width * png.height };
  for (let i = 0; i < png.data.length; i += 4) {
    const [r = 0, g = 0, b = 0] = png.data.subarray(i, i + 3);
    colours.add((r << 16) | (g << 8) | b);
    if (r < 250 || g < 250 || b < 250) counts.nonWhite++;
    if (near(png.data, i, line, 12)) counts.line++;
    if (near(png.data, i, grid, 6)) counts.grid++;
  }
  counts.distinct = colours.size;
  return counts;
}

/** Processes whose command line, working directory or output names `path` (pods log there). */
function processesUsing(path: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const links = ['cwd', 'fd/1', 'fd/2'].map((l) => {
        try {
          return readlinkSync(`/proc/${entry}/${l}`);
        } catch {
          return '';
        }
      });
      if (cmdline.includes(path) || links.some((l) => l.startsWith(path)))
        found.push(`${entry}: ${cmdline.trim()}`);
    } catch {} // exited while we looked
  }
  return found;
}
