// `flotilla decision ID`: a stored decision, re-scored from its stored features and model digest
// through the runner's inference code. Exit 0 when the scores are reproduced, 1 otherwise.
import { Command, Option } from '@commander-js/extra-typings';
import type { ModelSource } from '../../runtime/src/forensics/index.ts';

export function decisionCommand() {
  return new Command('decision')
    .description(
      'Show a decision from the ledger and re-score it from its stored features and model digest (exit 0 when both scores are reproduced, 1 otherwise).',
    )
    .argument('<id>', 'decision id: 32 hex characters, as in the signal and the ledger')
    .option('--clickhouse-url <url>', 'ClickHouse of the ledger (default: $CLICKHOUSE_URL)')
    .option('--database <name>', 'ledger database (default: flotilla)')
    .option(
      '--model-cache <dir>',
      'directory of verified <sha256>.onnx artifacts (default: $FLOTILLA_MODEL_CACHE or <tmpdir>/flotilla-models)',
    )
    .option(
      '--namespace <ns>',
      'first look for the Model with the decision digest in this Kubernetes namespace',
    )
    .option(
      '--kubeconfig <file>',
      'kubeconfig for --namespace (default: in-cluster, $KUBECONFIG or ~/.kube/config)',
    )
    .addOption(
      new Option('--output <format>', 'output format').choices(['text', 'json']).default('text'),
    )
    .action(async (id, opts) => {
      // Loaded on use: every flotilla subcommand starts faster when the others' modules stay unloaded.
      const { ValidationError } = await import('../../operator/src/errors.ts');
      const forensics = await import('../../runtime/src/forensics/index.ts');
      const { defaultCacheDir, resolveInferenceOptions } = await import(
        '../../runtime/src/inference/index.ts'
      );
      const url = opts.clickhouseUrl ?? process.env.CLICKHOUSE_URL;
      if (!url)
        throw new ValidationError('flotilla decision', [
          { path: '--clickhouse-url', message: 'is required: pass it or set CLICKHOUSE_URL' },
        ]);
      const cacheDir = opts.modelCache ?? defaultCacheDir();
      const models: ModelSource[] = [];
      if (opts.namespace !== undefined) {
        const { loadKubeConfig } = await import('../../operator/src/kube/config.ts');
        const { KubeClient } = await import('../../operator/src/kube/client.ts');
        const client = new KubeClient(loadKubeConfig({ kubeconfig: opts.kubeconfig }), {
          userAgent: 'flotilla-decision',
        });
        const { fetchTimeoutMs, maxModelBytes } = resolveInferenceOptions({ cacheDir });
        models.push(
          forensics.kubeModelSource({
            client,
            namespace: opts.namespace,
            artifact: { cacheDir, fetchTimeoutMs, maxModelBytes },
          }),
        );
      }
      models.push(forensics.cacheModelSource(cacheDir));
      const client = forensics.ledgerClient(url);
      try {
        const explanation = await forensics.explainDecision(
          { client, database: opts.database ?? 'flotilla', models },
          id,
        );
        console.log(
          opts.output === 'json'
            ? JSON.stringify(explanation, null, 2)
            : forensics.formatExplanation(explanation),
        );
        const mismatch = forensics.mismatchSummary(explanation);
        if (mismatch) {
          console.error(`flotilla: FLT_DECISION_MISMATCH: ${mismatch}`);
          process.exitCode = 1;
        }
      } finally {
        await client.close();
      }
    });
}
