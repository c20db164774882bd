// Writes every generated file (CRDs, CRD reference). Run: make generate
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedFiles } from '../operator/src/api/generate.ts';

const root = join(import.meta.dirname, '..');
for (const file of generatedFiles()) {
  mkdirSync(dirname(join(root, file.path)), { recursive: true });
  writeFileSync(join(root, file.path), file.content);
  console.log(`wrote ${file.path}`);
}
