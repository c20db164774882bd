// The dashboards and alert rules against what the programs export: every PromQL query parses
// (the Prometheus project's own grammar) and names only metrics the runner's or the operator's
// registry serves; the generated files are the committed ones; uids are stable.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { alertRules } from '../../../dashboards/src/alerts.ts';
import { dashboardFiles, dashboardModels } from '../../../dashboards/src/generate.ts';
import { DATASOURCE } from '../../../dashboards/src/panels.ts';
import { operatorRegistry } from '../../../operator/src/operator-registry.ts';
import { RunnerMetrics } from '../../../runtime/src/server/metrics.ts';

const ROOT = join(import.meta.dirname, '../../..');

interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: { expr: string }[];
  gridPos?: { x: number; y: number; w: number; h: number };
}
interface Model {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: string | { query: string } }[] };
}

/** Every series name a registry serves: a histogram's as Prometheus stores them. */
async function exported(): Promise<Set<string>> {
  const names = new Set<string>();
  const registries = [new RunnerMetrics().registry, operatorRegistry().registry];
  for (const registry of registries) {
    for (const m of await registry.getMetricsAsJSON()) {
      const type = String(m.type);
      if (type === 'histogram' || type === 'summary')
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(m.name + suffix);
      else names.add(m.name);
    }
  }
  return names;
}

/** Grafana's range variables as a duration, so the query is plain PromQL. */
const plain = (expr: string) =>
  expr.replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '1m');

/** The metric names a query selects; throws when it does not parse. */
function selected(expr: string): string[] {
  const text = plain(expr);
  const tree = parser.parse(text);
  const names: string[] = [];
  let error: number | undefined;
  tree.iterate({
    enter(node) {
      if (node.type.isError) error ??= node.from;
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) names.push(text.slice(id.from, id.to));
      }
    },
  });
  if (error !== undefined) throw new Error(`does not parse at ${error}: ${text}`);
  return names;
}

const models = dashboardModels() as Record<string, Model>;
const queries = Object.entries(models).flatMap(([file, m]) =>
  m.panels.flatMap((p) => (p.targets ?? []).map((t) => [file, p.title, t.expr] as const)),
);
const rules = alertRules().groups.flatMap((g) => g.rules);

describe('dashboards', () => {
  it('are the committed files (run make generate after changing dashboards/src)', () => {
    for (const f of dashboardFiles())
      expect(readFileSync(join(ROOT, f.path), 'utf8'), f.path).toBe(f.content);
  });

  it('keep their uids, and every panel reads the data source variable and has a query', () => {
    expect(Object.values(models).map((m) => m.uid)).toEqual([
      'flotilla-runners',
      'flotilla-operator',
    ]);
    for (const m of Object.values(models)) {
      const panels = m.panels.filter((p) => p.type !== 'row');
      expect(panels.length).toBeGreaterThan(5);
      for (const p of panels) {
        expect(p.datasource, p.title).toEqual(DATASOURCE);
        expect(p.targets?.length, p.title).toBeGreaterThan(0);
      }
      const titles = m.panels.map((p) => p.title);
      expect(new Set(titles).size, 'titles are unique within a dashboard').toBe(titles.length);
    }
  });

  it('lay out panels without overlaps', () => {
    for (const m of Object.values(models)) {
      const cells = new Set<string>();
      for (const p of m.panels) {
        const g = p.gridPos;
        expect(g, p.title).toBeDefined();
        if (!g) continue;
        expect(g.x + g.w, p.title).toBeLessThanOrEqual(24);
        for (let x = g.x; x < g.x + g.w; x++)
          for (let y = g.y; y < g.y + g.h; y++) {
            expect(cells.has(`${x},${y}`), `${m.title}: ${p.title} overlaps at ${x},${y}`).toBe(
              false,
            );
            cells.add(`${x},${y}`);
          }
      }
    }
  });

  it.each(queries)('%s, %s: the query parses and names exported metrics', async (_f, _t, expr) => {
    const names = selected(expr);
    expect(names.length).toBeGreaterThan(0);
    const known = await exported();
    for (const name of names) expect(known, `${name} in ${expr}`).toContain(name);
  });

  it('variables read a metric the programs export', async () => {
    const known = await exported();
    for (const m of Object.values(models))
      for (const v of m.templating.list.filter((v) => v.type === 'query')) {
        const query = typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
        const metric = /^label_values\(([a-z_]+)/.exec(query)?.[1];
        expect(metric, `${m.title}: $${v.name}`).toBeDefined();
        expect(known).toContain(metric);
      }
  });

  it('the check fails on a metric nobody exports and on a query that does not parse', async () => {
    const known = await exported();
    expect(known).not.toContain('flotilla_ticks_total'); // the real one is ..._processed_total
    expect(selected('rate(flotilla_ticks_total[1m])')).toEqual(['flotilla_ticks_total']);
    expect(() => selected('sum(rate(flotilla_ticks_processed_total[1m])')).toThrow(
      /does not parse/,
    );
  });
});

describe('alert rules', () => {
  it('have unique names, a severity, a hold time and a summary', () => {
    expect(rules.length).toBeGreaterThan(5);
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const r of rules) {
      expect(['critical', 'warning'], r.alert).toContain(r.labels.severity);
      expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
      expect(r.annotations.summary.length, r.alert).toBeGreaterThan(10);
    }
  });

  it.each(rules.map((r) => [r.alert, r.expr]))(
    '%s: the query parses and names exported metrics',
    async (_a, expr) => {
      const known = await exported();
      const names = selected(expr);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(known, `${name} in ${expr}`).toContain(name);
    },
  );
});
