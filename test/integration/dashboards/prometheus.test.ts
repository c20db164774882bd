// The dashboards and alert rules in a real Prometheus (Debian's): promtool accepts the rule file
// and its alerts fire, with their annotations expanded, on the series they are about; and
// Prometheus's own engine evaluates every dashboard query (types included: a rate over an instant
// vector or a histogram_quantile without `le` is an error there, not a parse error) while it
// scrapes a runner's and an operator's real registries.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type AlertRule, alertRules } from '../../../dashboards/src/alerts.ts';
import { dashboardModels } from '../../../dashboards/src/generate.ts';
import { operatorRegistry } from '../../../operator/src/operator-registry.ts';
import { RunnerMetrics } from '../../../runtime/src/server/metrics.ts';
import { type PrometheusServer, startPrometheus } from '../../harness/prometheus.ts';
import { findBinary } from '../../harness/server-process.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../../..');
const promtool = () => findBinary('promtool', ['/usr/bin'], 'apt-get install -y prometheus');

const rules = new Map<string, AlertRule>(
  alertRules().groups.flatMap((g) => g.rules.map((r) => [r.alert, r] as const)),
);

/** An alert's annotations as Prometheus expands them for `labels` (and `value`). */
function expanded(alert: string, labels: Record<string, string>, value = '') {
  const expand = (text: string) =>
    text
      .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, l: string) => labels[l] ?? '')
      .replaceAll('{{ $value }}', value);
  const { summary, description } = rules.get(alert)?.annotations ?? {
    summary: '',
    description: '',
  };
  return { summary: expand(summary), description: expand(description) };
}

/** `promtool test rules` of the rule file with `tests` (its unit-test format). */
function promtoolTest(dir: string, name: string, tests: object[]) {
  const file = join(dir, `${name}.test.yaml`);
  const rule_files = [join(ROOT, 'dashboards/alerts.yaml')];
  writeFileSync(file, stringify({ rule_files, evaluation_interval: '1m', tests }));
  return run(promtool(), ['test', 'rules', file]);
}

describe('alert rules in promtool', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-test-rules-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts the rule file', async () => {
    const { stdout } = await run(promtool(), [
      'check',
      'rules',
      join(ROOT, 'dashboards/alerts.yaml'),
    ]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('fires each alert on the series it is about, and not before its hold time', async () => {
    const pod = { namespace: 'fleet', pod: 'flotilla-runner-0' };
    const tests = [
      {
        interval: '1m',
        input_series: [
          {
            series: 'flotilla_ledger_backpressure{namespace="fleet",pod="flotilla-runner-0"}',
            values: '0 1x10',
          },
          { series: 'flotilla_operator_leader{namespace="fleet",pod="op-0"}', values: '1 1 0x10' },
          {
            series: 'flotilla_operator_strategies_left_out{namespace="fleet",reason="ShardLimit"}',
            values: '3x20',
          },
          {
            series:
              'flotilla_strategy_quarantined{namespace="fleet",pod="flotilla-runner-0",strategy="momo"}',
            values: '0 0 1x5',
          },
          {
            series:
              'flotilla_ledger_insert_failures_total{namespace="fleet",pod="flotilla-runner-0"}',
            values: '0+2x20',
          },
        ],
        alert_rule_test: [
          { eval_time: '2m', alertname: 'FlotillaLedgerBackpressure', exp_alerts: [] },
          {
            eval_time: '4m',
            alertname: 'FlotillaLedgerBackpressure',
            exp_alerts: [
              {
                exp_labels: { severity: 'critical', ...pod },
                exp_annotations: expanded('FlotillaLedgerBackpressure', pod),
              },
            ],
          },
          { eval_time: '3m', alertname: 'FlotillaOperatorNoLeader', exp_alerts: [] },
          {
            eval_time: '8m',
            alertname: 'FlotillaOperatorNoLeader',
            exp_alerts: [
              {
                exp_labels: { severity: 'critical', namespace: 'fleet' },
                exp_annotations: expanded('FlotillaOperatorNoLeader', { namespace: 'fleet' }),
              },
            ],
          },
          {
            eval_time: '15m',
            alertname: 'FlotillaStrategiesLeftOut',
            exp_alerts: [
              {
                exp_labels: { severity: 'warning', namespace: 'fleet', reason: 'ShardLimit' },
                exp_annotations: expanded(
                  'FlotillaStrategiesLeftOut',
                  { namespace: 'fleet', reason: 'ShardLimit' },
                  '3',
                ),
              },
            ],
          },
          {
            eval_time: '4m',
            alertname: 'FlotillaStrategyQuarantined',
            exp_alerts: [
              {
                exp_labels: { severity: 'warning', namespace: 'fleet', strategy: 'momo' },
                exp_annotations: expanded('FlotillaStrategyQuarantined', {
                  namespace: 'fleet',
                  strategy: 'momo',
                }),
              },
            ],
          },
          {
            eval_time: '15m',
            alertname: 'FlotillaLedgerInsertsFailing',
            exp_alerts: [
              {
                exp_labels: { severity: 'warning', ...pod },
                exp_annotations: expanded('FlotillaLedgerInsertsFailing', pod),
              },
            ],
          },
        ],
      },
    ];
    const { stdout } = await promtoolTest(dir, 'alerts', tests);
    expect(stdout).toContain('SUCCESS');
  });

  it('fails a test whose alert does not fire (the check can fail)', async () => {
    const tests = [
      {
        interval: '1m',
        input_series: [
          { series: 'flotilla_ledger_backpressure{namespace="fleet",pod="p"}', values: '0x10' },
        ],
        alert_rule_test: [
          {
            eval_time: '5m',
            alertname: 'FlotillaLedgerBackpressure',
            exp_alerts: [{ exp_labels: { severity: 'critical', namespace: 'fleet', pod: 'p' } }],
          },
        ],
      },
    ];
    await expect(promtoolTest(dir, 'silent', tests)).rejects.toThrow(/FAILED/);
  });
});

describe('dashboard queries in Prometheus', () => {
  let prometheus: PrometheusServer;
  const servers: Server[] = [];

  /** Serves `registry` on /metrics; returns host:port. */
  async function serve(registry: Registry): Promise<string> {
    const server = createServer(async (_req, res) => {
      res.setHeader('content-type', registry.contentType);
      res.end(await registry.metrics());
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    const runner = new RunnerMetrics();
    runner.ticks.inc({ instrument: 'AAPL' }, 10);
    runner.tickLatency.observe(0.002);
    const targets = [await serve(runner.registry), await serve(operatorRegistry().registry)];
    prometheus = await startPrometheus(targets);
    // Wait for both scrapes, so queries run over real series.
    const deadline = Date.now() + 20_000;
    while ((await query('sum(up)')).data?.result?.[0]?.value?.[1] !== '2') {
      if (Date.now() > deadline)
        throw new Error('Prometheus did not scrape both registries in 20 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    for (const s of servers) s.close();
  });

  async function query(expr: string): Promise<{
    status: string;
    error?: string;
    data?: { result?: { value?: [number, string] }[] };
  }> {
    const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await res.json()) as { status: string; error?: string };
  }

  /** Grafana's variables as Prometheus sees them once Grafana has put in "All". */
  const resolved = (expr: string) =>
    expr
      .replaceAll('$__rate_interval', '1m')
      .replaceAll('$namespace', '.*')
      .replaceAll('$pod', '.*');

  const queries = Object.entries(
    dashboardModels() as Record<
      string,
      { panels: { title: string; targets?: { expr: string }[] }[] }
    >,
  ).flatMap(([file, model]) =>
    model.panels.flatMap((p) => (p.targets ?? []).map((t) => [file, p.title, t.expr] as const)),
  );

  it.each(queries)('%s, %s: evaluates', async (_file, _title, expr) => {
    const reply = await query(resolved(expr));
    expect(reply.error).toBeUndefined();
    expect(reply.status).toBe('success');
  });

  it('scraped the series the overview reads, under the names the dashboards use', async () => {
    const ticks = await query(
      resolved('sum(flotilla_ticks_processed_total{namespace=~"$namespace", pod=~"$pod"})'),
    );
    expect(ticks.data?.result?.[0]?.value?.[1]).toBe('10');
    const operatorCpu = await query('count(flotilla_operator_process_cpu_seconds_total)');
    expect(operatorCpu.data?.result?.[0]?.value?.[1]).toBe('1');
  });

  it('reports an error for a query Prometheus cannot evaluate (the check can fail)', async () => {
    const reply = await query('rate(flotilla_ticks_processed_total)');
    expect(reply.status).toBe('error');
  });
});
