// Writes every generated file (CRDs, CRD reference, the chart's CRD copies and values table,
// the Grafana dashboards and alert rules).
// Run: make generate
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dashboardFiles } from '../dashboards/src/generate.ts';
import { generatedFiles } from '../operator/src/api/generate.ts';
import { chartCrdCopies, chartReadme } from './chart/generated.ts';

const root = join(import.meta.dirname, '..');
const files = generatedFiles();
for (const file of [...files, ...chartCrdCopies(files), chartReadme(root), ...dashboardFiles()]) {
  mkdirSync(dirname(join(root, file.path)), { recursive: true });
  writeFileSync(join(root, file.path), file.content);
  console.log(`wrote ${file.path}`);
}
