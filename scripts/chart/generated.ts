// The chart's generated files: byte-identical copies of the CRDs (Helm installs a chart's
// crds/ folder) and the values table of its README. scripts/generate.ts writes them; the unit
// tests regenerate them and fail on any difference.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile } from '../../operator/src/api/generate.ts';
import {
  renderValuesTable,
  type ValuesSchema,
  valueRows,
  withValuesTable,
} from './values-table.ts';

export const CHART_DIR = 'charts/flotilla';

/** charts/flotilla/crds/* for every crds/* among the generated files. */
export function chartCrdCopies(files: GeneratedFile[]): GeneratedFile[] {
  return files
    .filter((file) => file.path.startsWith('crds/'))
    .map((file) => ({ path: `${CHART_DIR}/${file.path}`, content: file.content }));
}

/** The chart README with its values table rendered from values.yaml and values.schema.json. */
export function chartReadme(root: string): GeneratedFile {
  const read = (name: string) => readFileSync(join(root, CHART_DIR, name), 'utf8');
  const schema = JSON.parse(read('values.schema.json')) as ValuesSchema;
  const table = renderValuesTable(valueRows(read('values.yaml'), schema));
  return { path: `${CHART_DIR}/README.md`, content: withValuesTable(read('README.md'), table) };
}
