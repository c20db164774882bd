import { describe, expect, it } from 'vitest';
import { emptySummary, fleetSummary } from '../../../cli/local-up/fleet-summary.ts';
import {
  escapeHtml,
  inlineScript,
  LINE_COLOUR,
  type ReportData,
  readableTime,
  renderReport,
} from '../../../cli/local-up/report/render-html.ts';

const CHART_JS = 'window.Chart = function Chart() {};';

function data(over: Partial<ReportData> = {}): ReportData {
  return {
    startedAt: '2026-01-02T09:30:00.123Z',
    finishedAt: '2026-01-02T09:31:02.000Z',
    durationMs: 60_000,
    ticksFed: 59_990,
    rate: 1_000,
    edge: 0.3,
    seed: 7,
    ledgerWired: true,
    summary: fleetSummary(
      ['momentum-btc', 'meanrev-crypto'],
      [{ ...emptySummary('momentum-btc'), decisions: 1_234, trades: 3, net: 42.5, high_water: 50 }],
    ),
    curves: [
      { strategy: 'meanrev-crypto', points: [] },
      {
        strategy: 'momentum-btc',
        points: [
          { x: 0, y: 0 },
          { x: 0.5, y: 42.5 },
        ],
      },
    ],
    ...over,
  };
}

/** The JSON the page's own script draws from. */
function chartConfig(html: string) {
  const m = /const config = (.*);\n/.exec(html);
  return JSON.parse(m?.[1] ?? 'null') as {
    lineColour: string;
    charts: { id: string; strategy: string; points: { x: number; y: number }[] }[];
  };
}

describe('renderReport', () => {
  it('inlines Chart.js, so the page needs no network', () => {
    const html = renderReport(data(), CHART_JS);
    expect(html).toContain(`<script>${CHART_JS}</script>`);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('draws one chart per strategy from its equity points', () => {
    const html = renderReport(data(), CHART_JS);
    const config = chartConfig(html);
    expect(config.lineColour).toBe(LINE_COLOUR);
    expect(config.charts.map((c) => [c.id, c.strategy, c.points.length])).toEqual([
      ['equity-0', 'meanrev-crypto', 0],
      ['equity-1', 'momentum-btc', 2],
    ]);
    for (const c of config.charts) expect(html).toContain(`<canvas id="${c.id}"`);
    expect(html.match(/no equity points in the ledger/g)).toHaveLength(1);
  });

  it('has the summary table with a fleet line, and when and how it ran', () => {
    const html = renderReport(data(), CHART_JS);
    expect(html).toContain(
      '<tr><td>momentum-btc</td><td class="n">1,234</td><td class="n">0</td><td class="n">3</td><td class="n">42.50</td><td class="n">50.00</td>',
    );
    expect(html).toContain('<tr class="total"><td>fleet (2)</td><td class="n">1,234</td>');
    expect(html).toContain('ran 2026-01-02 09:30:00 UTC to 2026-01-02 09:31:02 UTC');
    expect(html).toContain('59,990 ticks at 1,000/s');
    expect(html).toContain('seed 7, planted edge 0.3');
    expect(html).not.toContain('wrote no ledger');
  });

  it('says so when the runners could not write a ledger', () => {
    expect(renderReport(data({ ledgerWired: false }), CHART_JS)).toContain('wrote no ledger');
  });

  it('escapes strategy names in the markup and keeps them intact in the chart data', () => {
    const name = '<img src=x onerror=alert(1)></script>';
    const html = renderReport(
      data({ summary: fleetSummary([name], []), curves: [{ strategy: name, points: [] }] }),
      CHART_JS,
    );
    expect(html).not.toContain('<img src=x');
    expect(html).toContain(escapeHtml(name));
    expect(html.match(/<\/script>/g)).toHaveLength(2); // only the two script elements close
    expect(chartConfig(html).charts[0]?.strategy).toBe(name);
  });
});

describe('inlineScript', () => {
  it('keeps a script from closing its element or opening a comment', () => {
    expect(inlineScript('a = "</SCRIPT>"; b = "<!--";')).toBe('a = "<\\/SCRIPT>"; b = "<\\!--";');
  });
});

describe('readableTime', () => {
  it.each([
    ['2026-01-02T09:30:00.123Z', '2026-01-02 09:30:00 UTC'],
    ['2026-01-02T09:30:00Z', '2026-01-02 09:30:00 UTC'],
    ['yesterday', 'yesterday'],
  ])('%s -> %s', (iso, text) => {
    expect(readableTime(iso)).toBe(text);
  });
});
