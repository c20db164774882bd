// `flotilla validate PATH...`: check manifests offline against the CRD schemas, the CEL
// rules and the references between objects, with one line per problem.
import { Command } from '@commander-js/extra-typings';

export function validateCommand() {
  return new Command('validate')
    .description(
      'Validate Flotilla manifests (files or directories of YAML) as the API server would.',
    )
    .argument('<paths...>', 'YAML files or directories')
    .option('--strict', 'treat missing or mismatched references between the objects as errors')
    .action(async (paths, opts) => {
      // Loaded on use: every flotilla subcommand starts faster when the others' modules stay unloaded.
      const { validateFleet } = await import('../../operator/src/api/fleet.ts');
      const { readManifests } = await import('../../operator/src/api/manifests.ts');
      const report = validateFleet(readManifests(paths));
      let failed = 0;
      for (const doc of report.documents) {
        if (doc.errors.length === 0) continue;
        failed++;
        console.log(`${doc.source} ${doc.object}: FLT_INVALID_SPEC`);
        for (const e of doc.errors) console.log(`  ${e.path}: ${e.message}`);
      }
      for (const r of report.references)
        console.log(
          `${opts.strict ? 'error' : 'warning'} FLT_REFERENCE: ${r.object} ${r.path}: ${r.message}`,
        );
      const refFailures = opts.strict ? report.references.length : 0;
      const valid = report.documents.length - failed;
      console.log(
        `${valid} valid, ${failed} invalid, ${report.references.length} reference problems, ${report.skipped.length} skipped (not flotilla.dev)`,
      );
      if (failed > 0 || refFailures > 0) process.exitCode = 1;
    });
}
