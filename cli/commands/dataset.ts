// `flotilla dataset`: replay ticks through the runtime's feature store and write a training
// dataset (Arrow IPC file) with forward-return labels; or, with --from-ledger, write the same
// dataset contract from the ledger's decisions labelled by their outcomes. The summary goes to
// stdout.
import { Command } from '@commander-js/extra-typings';

export function datasetCommand() {
  return new Command('dataset')
    .description(
      'Replay ticks (a CSV file or the seeded synthetic market) through the feature store, or read the ledger’s decisions and outcomes (--from-ledger), and write a labelled training dataset (.arrow) for `flotilla train`.',
    )
    .option('--ticks <file.csv>', 'replay this CSV file (header: instrument,ts,price,volume[,cid])')
    .option('--synthetic', 'replay the seeded synthetic market (as `flotilla feed` generates it)')
    .option(
      '--instruments <list>',
      'synthetic instruments, comma-separated (default: BTC-USD,ETH-USD)',
    )
    .option('--ticks-per-instrument <n>', 'synthetic ticks per instrument (default: 10000)')
    .option('--seed <n>', 'seed of the synthetic market, an integer (default: 1)')
    .option('--edge <x>', 'strength of the planted momentum edge, 0 to 2 (default: 0 = none)')
    .option(
      '--start-ts <time>',
      'time of the first synthetic tick: ms since the epoch or ISO 8601 (default: 2023-11-14T22:13:20Z)',
    )
    .option(
      '--features <keys|manifest>',
      'feature keys in column order (return_5,ema_20,...), or a Strategy/Model manifest: FILE.yaml or FILE.yaml#NAME',
    )
    .option('--horizon <ticks>', 'label horizon H: fwd_return = ln(p[t+H] / p[t]) (default: 20)')
    .option('--cost <x>', 'label = fwd_return > cost, a log return (default: 0)')
    .option(
      '--from-ledger',
      'export the ledger’s decisions (features as scored) labelled by their positions’ outcomes',
    )
    .option(
      '--clickhouse-url <url>',
      'with --from-ledger: the ledger ClickHouse (default: $CLICKHOUSE_URL)',
    )
    .option('--database <name>', 'with --from-ledger: the ledger database (default: flotilla)')
    .option('--strategy <name>', 'with --from-ledger: only this strategy’s decisions')
    .option(
      '--from <time>',
      'with --from-ledger: decisions at or after this time (ms since the epoch or ISO 8601)',
    )
    .option('--to <time>', 'with --from-ledger: decisions before this time')
    .option('--out <file.arrow>', 'the dataset file to write (replaced only when complete)')
    .option('--batch-rows <n>', 'rows per record batch (default: 65536)')
    .option('--json', 'print the summary as one JSON line')
    .action(async (opts) => {
      // Loaded on use: every flotilla subcommand starts faster when the others' modules stay unloaded.
      const ledger = await import('../../runtime/src/dataset/ledger-config.ts');
      if (opts.fromLedger) {
        const { formatLedgerSummary, ledgerSummaryJson, runLedgerDataset } = await import(
          '../../runtime/src/dataset/ledger-dataset.ts'
        );
        const config = ledger.ledgerDatasetConfig(opts);
        const summary = await runLedgerDataset(config);
        console.log(config.json ? ledgerSummaryJson(summary) : formatLedgerSummary(summary));
        return;
      }
      ledger.checkNoLedgerFlags(opts);
      const { datasetConfig } = await import('../../runtime/src/dataset/config.ts');
      const { formatSummary, runDataset, summaryJson } = await import(
        '../../runtime/src/dataset/dataset.ts'
      );
      const config = datasetConfig(opts);
      const summary = await runDataset(config, {
        log: (line) => process.stderr.write(`${line}\n`),
      });
      console.log(config.json ? summaryJson(summary) : formatSummary(summary));
    });
}
