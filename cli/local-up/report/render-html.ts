// The demo's report as one self-contained HTML page: when and how it ran, the summary table,
// and one equity-curve chart per strategy drawn by Chart.js, inlined so the file works offline.
// Pure: data in, HTML out.
import type { FleetSummary } from '../fleet-summary.ts';
import { formatCount, formatMoney } from '../text-table.ts';
import type { SeriesPoint } from './equity-series.ts';

export interface ReportData {
  /** When the feed started and when the run finished, ISO 8601. */
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  ticksFed: number;
  rate: number;
  edge: number;
  seed: number;
  /** False when the installed chart could not hand the runners a ClickHouse URL. */
  ledgerWired: boolean;
  summary: FleetSummary;
  /** One per strategy, in the summary's order. */
  curves: readonly { strategy: string; points: readonly SeriesPoint[] }[];
}

/** Colours the e2e test looks for in a screenshot: the curve, and the grid Chart.js draws. */
export const LINE_COLOUR = '#1d4ed8';
export const GRID_COLOUR = '#cbd5e1';

export function renderReport(data: ReportData, chartJs: string): string {
  const charts = data.curves.map((c, i) => ({ id: `equity-${i}`, ...c }));
  const config = { lineColour: LINE_COLOUR, gridColour: GRID_COLOUR, charts };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Flotilla local up: ${escapeHtml(data.startedAt)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; color: #111827; margin: 24px; background: #fff; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  h2 { font-size: 15px; margin: 0 0 6px; }
  .ran { color: #4b5563; margin: 0 0 16px; }
  .note { color: #92400e; }
  table { border-collapse: collapse; margin-bottom: 20px; }
  th, td { padding: 3px 10px; border-bottom: 1px solid #e5e7eb; }
  th { text-align: left; font-weight: 600; }
  td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
  tr.total td { font-weight: 600; border-top: 2px solid #6b7280; }
  .charts { display: grid; grid-template-columns: repeat(2, 560px); gap: 16px 24px; }
  .empty { color: #6b7280; font-size: 12px; margin: 2px 0 0; }
</style>
</head>
<body>
<h1>Flotilla local up</h1>
<p class="ran">${ranLine(data)}</p>
${data.ledgerWired ? '' : '<p class="note">The installed chart has no <code>clickhouse.url</code> value, so the runners wrote no ledger: the figures below are zeros.</p>\n'}${summaryTable(data.summary)}
<div class="charts">
${charts.map((c) => chartSection(c.id, c.strategy, c.points.length)).join('\n')}
</div>
<script>${inlineScript(chartJs)}</script>
<script>${inlineScript(drawCharts(config))}</script>
</body>
</html>
`;
}

function ranLine(d: ReportData): string {
  const parts = [
    `ran ${escapeHtml(readableTime(d.startedAt))} to ${escapeHtml(readableTime(d.finishedAt))}`,
    `${(d.durationMs / 1000).toFixed(1)} s of synthetic ticks`,
    `${formatCount(d.ticksFed)} ticks at ${formatCount(d.rate)}/s`,
    `seed ${d.seed}, planted edge ${d.edge}`,
  ];
  return parts.join(' &middot; ');
}

const NUMBER_HEADERS = [
  'decisions',
  'signals',
  'trades',
  'net P&amp;L',
  'high-water',
  'max drawdown',
  'average net',
];

/** 2026-01-02T09:30:00.123Z -> 2026-01-02 09:30:00 UTC; anything else as given. */
export function readableTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

function summaryTable(s: FleetSummary): string {
  const head = NUMBER_HEADERS.map((h) => `<th class="n">${h}</th>`).join('');
  const row = (cells: string[], cls = '') =>
    `<tr${cls ? ` class="${cls}"` : ''}>${cells.map((c, i) => (i === 0 ? `<td>${c}</td>` : `<td class="n">${c}</td>`)).join('')}</tr>`;
  const rows = s.rows.map((r) =>
    row([
      escapeHtml(r.strategy),
      formatCount(r.decisions),
      formatCount(r.signals),
      formatCount(r.trades),
      formatMoney(r.net),
      formatMoney(r.high_water),
      formatMoney(r.max_drawdown),
      formatMoney(r.average_net),
    ]),
  );
  const t = s.totals;
  const total = row(
    [
      `fleet (${t.strategies})`,
      formatCount(t.decisions),
      formatCount(t.signals),
      formatCount(t.trades),
      formatMoney(t.net),
      '',
      '',
      formatMoney(t.average_net),
    ],
    'total',
  );
  return `<table>
<thead><tr><th>strategy</th>${head}</tr></thead>
<tbody>
${[...rows, total].join('\n')}
</tbody>
</table>`;
}

function chartSection(id: string, strategy: string, points: number): string {
  const empty = points === 0 ? '\n  <p class="empty">no equity points in the ledger</p>' : '';
  return `<section>
  <h2>${escapeHtml(strategy)}</h2>
  <canvas id="${id}" width="560" height="240"></canvas>${empty}
</section>`;
}

/**
 * The page's own script: one line chart per canvas, no animation so a screenshot sees it. The
 * data's `<` are written as \u003c, so no name in it can read as markup.
 */
function drawCharts(config: unknown): string {
  return `
const config = ${JSON.stringify(config).replaceAll('<', '\\u003c')};
for (const c of config.charts) {
  new Chart(document.getElementById(c.id), {
    type: 'line',
    data: { datasets: [{ label: 'equity', data: c.points, borderColor: config.lineColour,
      borderWidth: 2, pointRadius: 0, fill: false }] },
    options: {
      animation: false, responsive: false, parsing: false,
      plugins: { legend: { display: false } },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'market time (minutes)' },
          grid: { color: config.gridColour } },
        y: { title: { display: true, text: 'equity' }, grid: { color: config.gridColour } },
      },
    },
  });
}`;
}

/** Text for inside <script>: nothing in it may close the element early. */
export function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
