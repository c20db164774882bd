// The chart's optional dashboards (ConfigMaps for a Grafana sidecar) and alert rules (a
// PrometheusRule): off by default; when on, exactly the generated dashboards and rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertRules } from '../../../dashboards/src/alerts.ts';
import { dashboardModels } from '../../../dashboards/src/generate.ts';
import { ROOT, render } from './helm.ts';

const dashboardMaps = (manifests: Record<string, any>[]) =>
  manifests.filter((m) => m.kind === 'ConfigMap' && m.metadata.name.endsWith('-dashboard'));

describe('dashboards and alert rules in the chart', () => {
  it('are off by default', () => {
    const manifests = render();
    expect(dashboardMaps(manifests)).toEqual([]);
    expect(manifests.filter((m) => m.kind === 'PrometheusRule')).toEqual([]);
  });

  it('render one ConfigMap per dashboard, labelled for the Grafana sidecar', () => {
    const maps = dashboardMaps(
      render({
        dashboards: { enabled: true, label: 'grafana.io/dashboard', labelValue: 'flotilla' },
      }),
    );
    const files = Object.keys(dashboardModels());
    expect(maps.map((m) => Object.keys(m.data)[0]).sort()).toEqual([...files].sort());
    for (const map of maps) {
      expect(map.metadata.labels['grafana.io/dashboard']).toBe('flotilla');
      const [file, json] = Object.entries(map.data)[0] as [string, string];
      expect(JSON.parse(json)).toEqual(
        JSON.parse(readFileSync(join(ROOT, 'dashboards', file), 'utf8')),
      );
    }
  });

  it('render the alert rules as a PrometheusRule, templates untouched', () => {
    const [rule, ...more] = render({
      alerts: { enabled: true, labels: { release: 'kps' } },
    }).filter((m) => m.kind === 'PrometheusRule');
    expect(more).toEqual([]);
    expect(rule?.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule?.metadata.labels.release).toBe('kps');
    expect(rule?.spec.groups).toEqual(alertRules().groups);
    expect(JSON.stringify(rule?.spec)).toContain('{{ $labels.pod }}');
  });
});
