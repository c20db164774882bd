import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../../runtime/src/server/app.ts';
import { RunnerMetrics } from '../../../../runtime/src/server/metrics.ts';

const EXPECTED_METRICS = [
  'flotilla_ticks_processed_total',
  'flotilla_tick_latency_seconds',
  'flotilla_tick_to_signal_seconds',
  'flotilla_inference_seconds',
  'flotilla_inference_batch_size',
  'flotilla_feature_cache_hit_ratio',
  'flotilla_history_ring_utilization_ratio',
  'flotilla_drops_total',
  'flotilla_strategy_quarantined',
  'flotilla_model_load_seconds',
  'flotilla_consumer_lag_entries',
  'flotilla_shard_config_generation',
  'flotilla_dead_letters_total',
];

describe('runner HTTP app', () => {
  it('serves Prometheus metrics with the flotilla_ names', async () => {
    const metrics = new RunnerMetrics();
    metrics.ticks.inc({ instrument: 'BTC-USD' }, 3);
    metrics.addFeatureWork(10, 4);
    const app = buildApp({
      registry: metrics.registry,
      readiness: { missing: () => [], details: () => ({}) },
    });
    const res = await app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    for (const name of EXPECTED_METRICS) expect(res.body).toContain(`# TYPE ${name} `);
    expect(res.body).toContain('flotilla_ticks_processed_total{instrument="BTC-USD"} 3');
    expect(res.body).toContain('flotilla_feature_cache_hit_ratio 0.6');
    await app.close();
  });

  it('answers /readyz 503 with what is missing, then 200', async () => {
    let missing = ['shard config (ConfigMap ns/flotilla-shard-0)', 'redis'];
    const app = buildApp({
      registry: new RunnerMetrics().registry,
      readiness: { missing: () => missing, details: () => ({ generation: 4 }) },
    });
    const notReady = await app.inject('/readyz');
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({ ready: false, missing, generation: 4 });
    missing = [];
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    await app.close();
  });
});
