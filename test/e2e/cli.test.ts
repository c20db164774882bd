// Drives the real `flotilla` command as a user would.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const bin = join(root, 'cli/bin/flotilla.js');
const scratch = mkdtempSync(join(tmpdir(), 'flotilla-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function flotilla(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('flotilla', () => {
  it('validates the example fleet', async () => {
    const r = await flotilla('validate', '--strict', 'examples/');
    expect(r.stdout).toMatch(/^12 valid, 0 invalid, 0 reference problems/m);
    expect(r.code).toBe(0);
  });

  it('rejects a bad manifest with the file, the object and each field path, and exits 1', async () => {
    const dir = mkdtempSync(join(scratch, 'case-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'apiVersion: flotilla.dev/v1alpha1\nkind: Experiment\nmetadata: {name: bad}\nspec:\n  strategyRef: {name: s}\n  champion: {modelRef: {name: a}}\n  challenger: {modelRef: {name: a}}\n  mode: canary\n  trafficPercent: 140\n',
    );
    const r = await flotilla('validate', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}#1 Experiment/bad: FLT_INVALID_SPEC`);
    expect(r.stdout).toContain('spec.trafficPercent: 140 is above the maximum 100');
    expect(r.stdout).toContain(
      'spec.challenger.modelRef.name: challenger must be a different model from champion',
    );
  });

  it('warns about a missing model and fails on it with --strict', async () => {
    const file = join(root, 'examples/fleet/strategies.yaml');
    const loose = await flotilla('validate', file);
    expect(loose.code).toBe(0);
    expect(loose.stdout).toContain(
      'warning FLT_REFERENCE: Strategy/momentum-btc spec.modelRef.name: Model "direction-lr" not found',
    );
    expect((await flotilla('validate', '--strict', file)).code).toBe(1);
  });

  it('prints the four CRDs', async () => {
    const r = await flotilla('crds');
    const names = parseAllDocuments(r.stdout).map(
      (d) => (d.toJS() as { metadata: { name: string } }).metadata.name,
    );
    expect(names).toEqual([
      'strategies.flotilla.dev',
      'models.flotilla.dev',
      'experiments.flotilla.dev',
      'circuitbreakers.flotilla.dev',
    ]);
  });

  it('reports the Node it runs on', async () => {
    expect((await flotilla('version')).stdout).toMatch(
      /^flotilla \d+\.\d+\.\d+ \(api flotilla\.dev\/v1alpha1, node 2[2-9]\./,
    );
  });

  // The machine's own Node (20 here) is older than supported: the command must refuse clearly.
  it.runIf(existsSync('/usr/bin/node'))(
    'refuses to run on an old system Node with a clear message',
    async () => {
      const version = (await run('/usr/bin/node', ['-p', 'process.versions.node'])).stdout.trim();
      const major = Number(version.split('.')[0]);
      const r = await run('/usr/bin/node', [bin, 'version']).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      if (major >= 22) expect(r.code).toBe(0);
      else {
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(
          `FLT_UNSUPPORTED_NODE: flotilla is running on Node.js ${version}`,
        );
      }
    },
  );
});

describe('flotilla validate on broken YAML', () => {
  it('names the file, document and position, without a stack trace', async () => {
    const dir = mkdtempSync(join(scratch, 'case-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'apiVersion: flotilla.dev/v1alpha1\nkind: Model\n---\nspec: [unclosed\n');
    const r = await flotilla('validate', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`flotilla: FLT_MANIFEST_PARSE: ${file}#2:`);
    expect(r.stderr).not.toContain('    at ');
  });
});
