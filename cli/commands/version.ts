// `flotilla version`: the product version and the runtime it runs on.
import { readFileSync } from 'node:fs';
import { Command } from '@commander-js/extra-typings';

export function versionCommand() {
  return new Command('version')
    .description('Print the Flotilla, API and Node.js versions.')
    .action(async () => {
      const { API_VERSION } = await import('../../operator/src/api/v1alpha1/common.ts');
      const pkg = JSON.parse(
        readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
      ) as { version: string };
      console.log(`flotilla ${pkg.version} (api ${API_VERSION}, node ${process.versions.node})`);
    });
}
