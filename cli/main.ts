// The `flotilla` command: one program, one subcommand per job (operator, runner, local
// cluster, feed, dataset, train, ...).
import { Command } from '@commander-js/extra-typings';
import { FlotillaError } from '../operator/src/errors.ts';
import { crdsCommand } from './commands/crds.ts';
import { datasetCommand } from './commands/dataset.ts';
import { decisionCommand } from './commands/decision.ts';
import { feedCommand } from './commands/feed.ts';
import { localCommand } from './commands/local.ts';
import { operatorCommand } from './commands/operator.ts';
import { runnerCommand } from './commands/runner.ts';
import { trainCommand } from './commands/train.ts';
import { validateCommand } from './commands/validate.ts';
import { versionCommand } from './commands/version.ts';

const program = new Command('flotilla')
  .description('Run a fleet of ML trading strategies on Kubernetes.')
  .showHelpAfterError()
  .enablePositionalOptions()
  .addCommand(validateCommand())
  .addCommand(crdsCommand())
  .addCommand(localCommand())
  .addCommand(operatorCommand())
  .addCommand(runnerCommand())
  .addCommand(feedCommand())
  .addCommand(datasetCommand())
  .addCommand(trainCommand())
  .addCommand(decisionCommand())
  .addCommand(versionCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Our own errors are for people: code and message, no stack trace.
  if (!(err instanceof FlotillaError)) throw err;
  console.error(`flotilla: ${err.code}: ${err.message}`);
  process.exitCode = 1;
}
