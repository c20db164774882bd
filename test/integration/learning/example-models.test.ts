// `make models` is reproducible: regenerating the example models into a temporary directory
// gives byte for byte the committed artifacts and examples/fleet/models.yaml (whose sha256 is
// each committed .onnx file's own digest). Runs the real trainer (trainer/.venv).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'flotilla-example-models-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const committedManifest = join(root, 'examples/fleet/models.yaml');
const committedModels = join(root, 'examples/models');
const models = () =>
  parseAllDocuments(readFileSync(committedManifest, 'utf8')).map(
    (d) => d.toJS() as { metadata: { name: string }; spec: { uri: string; sha256: string } },
  );
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

beforeAll(async () => {
  await run(
    process.execPath,
    [
      join(root, 'scripts/models.ts'),
      '--out',
      join(scratch, 'models'),
      '--manifest',
      join(scratch, 'models.yaml'),
    ],
    { maxBuffer: 1 << 24 },
  );
}, 120_000);

describe('the example models', () => {
  it('are what examples/fleet/models.yaml says: one directory per Model, digest of its .onnx', () => {
    const names = models().map((m) => m.metadata.name);
    expect(names.sort()).toEqual(readdirSync(committedModels).sort());
    for (const m of models()) {
      const name = m.metadata.name;
      expect(m.spec.sha256).toBe(sha256(join(committedModels, name, `${name}.onnx`)));
      expect(m.spec.uri).toBe(`file:///var/lib/flotilla/models/${name}/${name}.onnx`);
    }
  });

  it('regenerate byte for byte (make models)', () => {
    expect(readFileSync(join(scratch, 'models.yaml'), 'utf8')).toBe(
      readFileSync(committedManifest, 'utf8'),
    );
    for (const name of readdirSync(committedModels)) {
      const files = readdirSync(join(committedModels, name)).sort();
      expect(readdirSync(join(scratch, 'models', name)).sort()).toEqual(files);
      for (const file of files)
        expect(sha256(join(scratch, 'models', name, file)), `${name}/${file}`).toBe(
          sha256(join(committedModels, name, file)),
        );
    }
  });

  it('stay small enough to commit', () => {
    for (const m of models()) {
      const size = readFileSync(
        join(committedModels, m.metadata.name, `${m.metadata.name}.onnx`),
      ).byteLength;
      expect(size, m.metadata.name).toBeLessThan(64 * 1024);
    }
  });
});
