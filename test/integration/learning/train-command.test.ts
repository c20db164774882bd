// `flotilla train` wraps the Python trainer: flags pass through, its exit code comes back, and
// a missing venv is a clear error that says how to make it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const train = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(root, 'cli/main.ts'), 'train', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

describe('flotilla train', () => {
  it('passes --help through to the trainer', () => {
    const r = train(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: flotilla-trainer train');
    expect(r.stdout).toContain('--n-estimators');
  });

  it.each([
    [['--algorithm', 'svm'], 2, "argument --algorithm: invalid choice: 'svm'"],
    [
      ['--dataset', '/nonexistent/d.arrow', '--algorithm', 'gbt', '--out', '/tmp', '--name', 'm'],
      1,
      'flotilla-trainer: FLT_TRAIN_DATASET: /nonexistent/d.arrow: cannot read the dataset',
    ],
  ])('exits with the trainer’s code: %j', (args, status, message) => {
    const r = train(args);
    expect(r.status).toBe(status);
    expect(r.stderr).toContain(message);
  });

  it('says to run make trainer-setup when the venv is missing', () => {
    const r = train(['--dataset', 'd.arrow'], { FLOTILLA_TRAINER_PYTHON: '/nonexistent/python' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      "flotilla: FLT_TRAINER_NOT_INSTALLED: /nonexistent/python does not exist; run `make trainer-setup` to create the trainer's Python environment (or set FLOTILLA_TRAINER_PYTHON)",
    );
  });
});
