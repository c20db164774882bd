// Reads the run's results from the ledger and writes them: out/report.html (the page, with
// Chart.js inlined) and out/summary.json (the same figures for scripts).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { equityCurve, strategySummaries } from '../../../runtime/src/ledger/queries.ts';
import { type FleetSummary, fleetSummary } from '../fleet-summary.ts';
import { equitySeries } from './equity-series.ts';
import { type ReportData, renderReport } from './render-html.ts';

export interface Results {
  summary: FleetSummary;
  curves: ReportData['curves'];
  /** Equity points in the ledger per strategy (before the chart's thinning). */
  equityPoints: Record<string, number>;
}

export async function readResults(
  client: ClickHouseClient,
  database: string,
  strategies: readonly string[],
): Promise<Results> {
  const summary = fleetSummary(strategies, await strategySummaries(client, database));
  const curves: { strategy: string; points: ReturnType<typeof equitySeries> }[] = [];
  const equityPoints: Record<string, number> = {};
  for (const { strategy } of summary.rows) {
    const points = await equityCurve(client, database, strategy);
    equityPoints[strategy] = points.length;
    curves.push({ strategy, points: equitySeries(points) });
  }
  return { summary, curves, equityPoints };
}

/** The minified UMD build of the installed chart.js, found through Node's resolution. */
export async function chartJsSource(): Promise<string> {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFile(join(dirname(main), 'chart.umd.min.js'), 'utf8');
}

/** Writes report.html and summary.json into `outDir`; returns the report's path. */
export async function writeReport(
  outDir: string,
  data: ReportData,
  equityPoints: Record<string, number>,
): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const report = join(outDir, 'report.html');
  await writeFile(report, renderReport(data, await chartJsSource()));
  const { curves: _, summary, ...run } = data;
  const json = {
    ...run,
    totals: summary.totals,
    strategies: summary.rows.map((r) => ({ ...r, equity_points: equityPoints[r.strategy] ?? 0 })),
  };
  await writeFile(join(outDir, 'summary.json'), `${JSON.stringify(json, null, 2)}\n`);
  return report;
}
