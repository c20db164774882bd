// The YAML in the docs is held to the API like the examples are, so guides stay true.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../operator/src/api/manifests.ts';
import { describeErrors, validateManifest } from '../../../operator/src/api/validation/validate.ts';

const docs = join(import.meta.dirname, '../../../docs');
const markdown = readdirSync(docs, { recursive: true, encoding: 'utf8' }).filter((f) =>
  f.endsWith('.md'),
);
const blocks = markdown.flatMap((file) =>
  [...readFileSync(join(docs, file), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map(
    (m, i) => [`${file} block ${i + 1}`, m[1] ?? ''] as const,
  ),
);

describe('YAML in docs', () => {
  it('exists', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks)('%s is valid', (name, yaml) => {
    for (const doc of parseManifests(yaml, name))
      expect(describeErrors(validateManifest(doc.object).errors)).toBe('');
  });
});
