import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART, helm, ROOT } from './helm.ts';

describe('helm lint --strict', () => {
  it.each([
    ['the default values', undefined],
    [
      'the local-cluster values',
      {
        redis: { url: 'redis://10.244.7.1:6379' },
        models: { hostPath: join(ROOT, 'examples/models') },
      },
    ],
    ['one replica without leader election', { operator: { replicas: 1, leaderElect: false } }],
    [
      'the dashboards and alert rules on',
      { dashboards: { enabled: true }, alerts: { enabled: true } },
    ],
  ])('is clean with %s', (_name, values) => {
    const run = helm(['lint', '--strict', CHART], values);
    expect(run.stdout + run.stderr).not.toMatch(/\[(WARNING|ERROR)\]/);
    expect(run.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(run.status).toBe(0);
  });

  it('fails on values the schema refuses (so the clean runs above mean something)', () => {
    const run = helm(['lint', '--strict', CHART], { operator: { replicas: -1 } });
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toContain('/operator/replicas');
  });
});
