// Decisions as the runner records them, scored by the runner's own inference code on the example
// models' golden rows, in a fresh migrated ledger database; and a model cache holding the
// artifacts under their digests.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { REPO_ROOT } from '../../../cli/local-kube.ts';
import type { ResolvedModel } from '../../../operator/src/api/shard/shard-config.ts';
import { sha256Hex } from '../../../runtime/src/inference/artifact.ts';
import { ModelRegistry } from '../../../runtime/src/inference/registry.ts';
import type { DecisionRow } from '../../../runtime/src/ledger/records.ts';
import { decisionId } from '../../../runtime/src/strategy/decision-id.ts';
import { blendScores } from '../../../runtime/src/strategy/scores.ts';

export const EXAMPLES = ['direction-lr', 'direction-gbt'] as const;
export type ExampleModel = (typeof EXAMPLES)[number];

export interface Golden {
  featureKeys: string[];
  rows: { entryId: string; instrument: string; tsMs: number; features: number[] }[];
}

export const artifactPath = (name: ExampleModel) =>
  join(REPO_ROOT, 'examples/models', name, `${name}.onnx`);

export const golden = (name: ExampleModel): Golden =>
  JSON.parse(
    readFileSync(join(REPO_ROOT, 'examples/models', name, `${name}.golden.json`), 'utf8'),
  ) as Golden;

export function exampleSpec(name: ExampleModel): ResolvedModel {
  const path = artifactPath(name);
  return {
    name,
    uri: pathToFileURL(path).href,
    sha256: sha256Hex(new Uint8Array(readFileSync(path))),
    inputs: golden(name).featureKeys,
    outputs: { name: 'probabilities', column: 1, kind: 'probability' },
  };
}

/** A directory laid out as the runner's artifact cache, with the given example models. */
export function modelCache(models: readonly ExampleModel[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-forensics-cache-'));
  for (const m of models) copyFileSync(artifactPath(m), join(dir, `${exampleSpec(m).sha256}.onnx`));
  return dir;
}

export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

export interface ScoredDecision {
  row: DecisionRow;
  /** How the runner scored it: linear path (small calls) or onnxruntime (large batches). */
  path: 'default' | 'onnx';
}

/**
 * Decisions on golden rows, each scored through a ModelRegistry as the runner scores them. The
 * features are stored in a strategy order unlike the model's (reversed, with one extra key), as
 * a strategy that declares more features than its model takes would store them.
 */
export async function scoredDecisions(
  name: ExampleModel,
  count: number,
  path: 'default' | 'onnx' = 'default',
): Promise<DecisionRow[]> {
  const spec = exampleSpec(name);
  const g = golden(name);
  const cacheDir = mkdtempSync(join(tmpdir(), 'flotilla-forensics-score-'));
  const registry = new ModelRegistry({
    cacheDir,
    workers: 1,
    ...(path === 'onnx' ? { linearMaxRows: 0 } : {}),
  });
  try {
    registry.sync([spec]);
    await registry.settled();
    const rows: DecisionRow[] = [];
    for (const [i, r] of g.rows.slice(0, count).entries()) {
      const { scores } = await registry.score(spec, Float32Array.from(r.features), 1);
      const ml = scores[0] as number;
      const rule = 0.3 + i / 100;
      const blendWeight = 0.7;
      const final = blendScores(rule, ml, blendWeight);
      rows.push({
        id: decisionId(`ticks:${r.instrument}`, r.entryId, `${name}-${path}`, spec.sha256),
        ts_ms: r.tsMs,
        strategy: `${name}-${path}`,
        instrument: r.instrument,
        generation: 4,
        model_digest: spec.sha256,
        feature_set: 'd79da123d82d2621',
        feature_keys: ['volume_20', ...[...g.featureKeys].reverse()],
        feature_values: [1234.5, ...[...r.features].reverse()],
        rules_version: '5f0c2a9e11d3b7a4',
        rule_score: rule,
        ml_score: ml,
        final_score: final,
        blend_weight: blendWeight,
        arm: '',
        action: final >= 0.5 ? 'long' : 'short',
        units: 1,
        correlation_id: `cid-${i}`,
        entry_id: r.entryId,
      });
    }
    return rows;
  } finally {
    await registry.close();
    removeDir(cacheDir);
  }
}

/** A decision made on the rule score alone (no model, or the model fell back). */
export function ruleOnlyDecision(): DecisionRow {
  return {
    id: decisionId('ticks:SPY', '1700000000000-0', 'rules-only', ''),
    ts_ms: 1_700_000_000_000,
    strategy: 'rules-only',
    instrument: 'SPY',
    generation: 1,
    model_digest: '',
    feature_set: '0123456789abcdef',
    feature_keys: ['ema_20'],
    feature_values: [0.25],
    rules_version: 'aaaaaaaaaaaaaaaa',
    rule_score: 0.71,
    ml_score: null,
    final_score: 0.71,
    blend_weight: 0.5,
    arm: '',
    action: 'long',
    units: 1,
    correlation_id: 'cid-rules',
    entry_id: '1700000000000-0',
  };
}

export async function insertDecisions(
  client: ClickHouseClient,
  database: string,
  rows: readonly DecisionRow[],
): Promise<void> {
  await client.insert({ table: `${database}.decisions`, values: rows, format: 'JSONEachRow' });
}
