// `flotilla crds`: the CustomResourceDefinitions, for `flotilla crds | kubectl apply -f -`.
import { Command } from '@commander-js/extra-typings';

export function crdsCommand() {
  return new Command('crds')
    .description('Print the four CustomResourceDefinitions as YAML.')
    .action(async () => {
      const { generatedFiles } = await import('../../operator/src/api/generate.ts');
      const crds = generatedFiles().filter((f) => f.path.startsWith('crds/'));
      process.stdout.write(crds.map((f) => f.content).join('---\n'));
    });
}
