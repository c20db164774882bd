// `flotilla local ...`: the embedded single-machine Kubernetes (local/kube).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { FlotillaError } from '../../operator/src/errors.ts';
import { defaultClusterDir, kubeBinary, kubeUpArgs } from '../local-kube.ts';
import { helloCommand } from './hello.ts';
import { localUpCommand } from './local-up.ts';

/** Runs the kube binary in the foreground, forwarding SIGINT/SIGTERM; resolves its exit code. */
function runKube(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const child = spawn(kubeBinary(), args, { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward).on('SIGTERM', forward);
  return new Promise((done) => {
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      done(code ?? (signal ? 128 : 1));
    });
  });
}

const dirOption = [
  '--dir <dir>',
  'cluster directory (state, certificates, kubeconfig, logs)',
] as const;

function clusterCommand() {
  const cluster = new Command('cluster').description('The local Kubernetes cluster alone.');
  cluster
    .command('up')
    .description(
      'Start etcd, the API server, controller manager, scheduler and node agent; stays in the foreground.',
    )
    .option(...dirOption)
    .action(async (opts) => {
      const dir = resolve(opts.dir ?? defaultClusterDir());
      process.exitCode = await runKube(kubeUpArgs(dir));
    });
  cluster
    .command('down')
    .description('Stop the cluster running in a directory.')
    .option(...dirOption)
    .action(async (opts) => {
      process.exitCode = await runKube(['down', '--dir', resolve(opts.dir ?? defaultClusterDir())]);
    });
  return cluster;
}

/** kubectl or helm from the cluster's own Kubernetes release, pointed at its kubeconfig. */
function clientCommand(name: 'kubectl' | 'helm') {
  return new Command(name)
    .description(
      `Run the cluster's own ${name} with its kubeconfig (flotilla local ${name} [--dir D] -- ARGS).`,
    )
    .option(...dirOption)
    .argument('[args...]')
    .helpOption(false)
    .allowUnknownOption()
    .passThroughOptions()
    .action(async (args, opts) => {
      const dir = resolve(opts.dir ?? defaultClusterDir());
      const kubeconfig = join(dir, 'kubeconfig');
      if (!existsSync(kubeconfig)) {
        throw new FlotillaError(
          'FLT_LOCAL_NO_CLUSTER',
          `no cluster in ${dir} (no kubeconfig); start one with \`flotilla local cluster up --dir ${dir}\``,
        );
      }
      process.exitCode = await runKube([name, ...args], { ...process.env, KUBECONFIG: kubeconfig });
    });
}

export function localCommand() {
  return new Command('local')
    .description(
      'Flotilla on one machine: the whole fleet (up), the embedded Kubernetes cluster and its clients.',
    )
    .enablePositionalOptions()
    .addCommand(localUpCommand())
    .addCommand(clusterCommand())
    .addCommand(clientCommand('kubectl'))
    .addCommand(clientCommand('helm'))
    .addCommand(helloCommand());
}
