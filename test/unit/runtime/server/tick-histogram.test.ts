import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TickHistogram } from '../../../../runtime/src/server/tick-histogram.ts';

const BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.1, 1];

/** The JSON form without prom-client's empty exemplar slots. */
const json = (metrics: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) =>
  metrics.map(({ values, ...m }) => ({
    ...m,
    values: values.map((v) => ({
      labels: v.labels,
      value: v.value,
      metricName: (v as { metricName?: string }).metricName,
    })),
  }));

/** Both histograms after the same observations, rendered by a registry with default labels. */
async function rendered(values: number[]) {
  const ours = new Registry();
  const theirs = new Registry();
  for (const r of [ours, theirs]) r.setDefaultLabels({ shard: '2' });
  const o = new TickHistogram({
    name: 'x_seconds',
    help: 'h',
    buckets: BUCKETS,
    registers: [ours],
  });
  const t = new Histogram({ name: 'x_seconds', help: 'h', buckets: BUCKETS, registers: [theirs] });
  for (const v of values) {
    o.observe(v);
    t.observe(v);
  }
  return {
    ours: await ours.metrics(),
    theirs: await theirs.metrics(),
    oursJson: json(await ours.getMetricsAsJSON()),
    theirsJson: json(await theirs.getMetricsAsJSON()),
    reset: () => {
      ours.resetMetrics();
      theirs.resetMetrics();
      t.zero({});
      return Promise.all([ours.metrics(), theirs.metrics()]);
    },
  };
}

describe('TickHistogram', () => {
  it('renders what a prom-client Histogram renders for the same observations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(fc.constantFrom(...BUCKETS, 0, 5), fc.double({ min: 0, max: 3, noNaN: true })),
          { maxLength: 50 },
        ),
        async (values) => {
          const r = await rendered(values);
          expect(r.ours).toBe(r.theirs);
          expect(r.oursJson).toEqual(r.theirsJson);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('counts a value on a bound into that bound, and starts over after a reset', async () => {
    const r = await rendered([0.001, 0.001, 7]);
    expect(r.ours).toContain('x_seconds_bucket{le="0.0005",shard="2"} 0');
    expect(r.ours).toContain('x_seconds_bucket{le="0.001",shard="2"} 2');
    expect(r.ours).toContain('x_seconds_bucket{le="+Inf",shard="2"} 3');
    expect(r.ours).toContain('x_seconds_count{shard="2"} 3');
    const [ours, theirs] = await r.reset();
    expect(ours).toBe(theirs);
    expect(ours).toContain('x_seconds_count{shard="2"} 0');
  });
});
