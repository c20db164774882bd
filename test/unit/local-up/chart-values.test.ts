import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../cli/local-kube.ts';
import { chartTakesClickHouse, chartValues } from '../../../cli/local-up/chart-values.ts';

const input = {
  redisUrl: 'redis://10.244.3.1:6390',
  clickhouseUrl: 'http://10.244.3.1:8123',
  modelsHostPath: '/repo/examples/models',
};

describe('chartValues', () => {
  it('points the chart at the servers as pods reach them and at the example models', () => {
    const values = chartValues({ ...input, schema: { properties: { clickhouse: {} } } });
    expect(values).toMatchObject({
      redis: { url: 'redis://10.244.3.1:6390' },
      clickhouse: { url: 'http://10.244.3.1:8123' },
      models: { hostPath: '/repo/examples/models' },
    });
  });

  it('leaves clickhouse out for a chart whose schema does not take it', () => {
    const schema = { properties: { redis: {} } };
    expect(chartValues({ ...input, schema })).not.toHaveProperty('clickhouse');
    expect(chartTakesClickHouse(schema)).toBe(false);
  });

  it('uses only top-level values the real chart schema knows', () => {
    const schema = JSON.parse(
      readFileSync(join(REPO_ROOT, 'charts/flotilla/values.schema.json'), 'utf8'),
    ) as { properties: Record<string, unknown> };
    for (const key of Object.keys(chartValues({ ...input, schema })))
      expect(Object.keys(schema.properties)).toContain(key);
  });
});
