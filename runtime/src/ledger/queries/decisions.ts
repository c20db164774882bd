// Reads of decisions: one by id (forensics) and decisions joined with their outcomes (the
// training set). FINAL collapses rows a replay wrote twice.
import type { ClickHouseClient } from '@clickhouse/client';
import { DECISION_COLUMNS, OUTCOME_COLUMNS, selectList } from '../columns.ts';
import type { DecisionRow, OutcomeRow } from '../records.ts';
import { sqlIdentifier, sqlNumber, sqlString } from '../sql.ts';
import { readRows, whereClause } from './read.ts';

export async function getDecision(
  client: ClickHouseClient,
  database: string,
  id: string,
): Promise<DecisionRow | undefined> {
  const db = sqlIdentifier(database);
  const rows = await readRows<DecisionRow>(
    client,
    `SELECT ${selectList(DECISION_COLUMNS)} FROM ${db}.decisions FINAL WHERE id = ${sqlString(id)} LIMIT 1`,
    `reading decision ${id}`,
  );
  return rows[0];
}

/** The outcome's labels, without the keys the decision already has. */
export const LABEL_COLUMNS = OUTCOME_COLUMNS.filter(
  (c) => c !== 'decision_id' && c !== 'ts_ms' && c !== 'strategy' && c !== 'instrument',
) as readonly Exclude<
  (typeof OUTCOME_COLUMNS)[number],
  'decision_id' | 'ts_ms' | 'strategy' | 'instrument'
>[];

/** A labelled decision: the decision exactly as scored, with its realized outcome. */
export type TrainingExample = DecisionRow & Pick<OutcomeRow, (typeof LABEL_COLUMNS)[number]>;

export interface TrainingSetQuery {
  strategy?: string;
  /** Decisions at or after this time, epoch ms. */
  fromMs?: number;
  /** Decisions before this time, epoch ms. */
  toMs?: number;
}

/** Decisions that have an outcome, with its labels, in decision time order. */
export async function trainingSet(
  client: ClickHouseClient,
  database: string,
  q: TrainingSetQuery = {},
): Promise<TrainingExample[]> {
  const db = sqlIdentifier(database);
  const where: string[] = [];
  if (q.strategy !== undefined) where.push(`strategy = ${sqlString(q.strategy)}`);
  if (q.fromMs !== undefined) where.push(`ts_ms >= ${sqlNumber(q.fromMs)}`);
  if (q.toMs !== undefined) where.push(`ts_ms < ${sqlNumber(q.toMs)}`);
  // One JOIN per SELECT, USING a shared name, aliased subqueries: the form both engines accept.
  const query = `SELECT ${selectList(DECISION_COLUMNS)}, ${selectList(LABEL_COLUMNS)}
FROM (SELECT ${selectList(DECISION_COLUMNS)} FROM ${db}.decisions FINAL ${whereClause(where)}) AS d
INNER JOIN (SELECT decision_id AS id, ${selectList(LABEL_COLUMNS)} FROM ${db}.outcomes FINAL) AS o
USING (id)
ORDER BY ts_ms, id`;
  return readRows<TrainingExample>(client, query, 'reading the training set');
}
