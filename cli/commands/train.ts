// `flotilla train`: runs the Python trainer (`python -m flotilla_trainer train ...`) from
// trainer/.venv with the same flags, passing its output through and exiting with its code.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from '@commander-js/extra-typings';

/** The trainer's Python: $FLOTILLA_TRAINER_PYTHON, else trainer/.venv of this checkout. */
export function trainerPython(env: Record<string, string | undefined> = process.env): string {
  return (
    env.FLOTILLA_TRAINER_PYTHON ??
    join(resolve(import.meta.dirname, '../..'), 'trainer/.venv/bin/python')
  );
}

export function trainCommand() {
  return new Command('train')
    .description(
      'Train a model on a `flotilla dataset` file and export ONNX, metadata, golden rows and a Model manifest (runs the Python trainer; `flotilla train --help` lists its flags).',
    )
    .usage('--dataset F --algorithm logreg|gbt|mlp --out DIR --name NAME [options]')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .passThroughOptions()
    .argument('[args...]', 'the trainer flags')
    .action(async (args) => {
      const { DatasetError } = await import('../../runtime/src/dataset/errors.ts');
      const python = trainerPython();
      if (!existsSync(python))
        throw new DatasetError(
          'FLT_TRAINER_NOT_INSTALLED',
          `${python} does not exist; run \`make trainer-setup\` to create the trainer's Python environment (or set FLOTILLA_TRAINER_PYTHON)`,
        );
      const child = spawn(python, ['-m', 'flotilla_trainer', 'train', ...args], {
        stdio: 'inherit',
      });
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.on('SIGINT', forward).on('SIGTERM', forward);
      try {
        const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
          (done, fail) => {
            child.once('error', fail);
            child.once('exit', (c, s) => done([c, s]));
          },
        );
        process.exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
      } catch (err) {
        throw new DatasetError(
          'FLT_TRAINER_NOT_INSTALLED',
          `cannot run ${python}: ${(err as Error).message}; run \`make trainer-setup\``,
          { cause: err },
        );
      } finally {
        process.off('SIGINT', forward).off('SIGTERM', forward);
      }
    });
}
