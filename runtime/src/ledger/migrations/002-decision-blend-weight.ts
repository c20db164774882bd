// Decisions carry the blend weight they were scored with, so forensics can recompute the final
// score (final = blendWeight x ml + (1 - blendWeight) x rule) from the row alone. Rows written
// before this migration read back 0.
//
// `ADD COLUMN IF NOT EXISTS` is a syntax error on ClickHouse 18.16 and a second `ADD COLUMN`
// fails (Code 44), so the statement is not idempotent by itself: migrate.ts skips an
// `ALTER TABLE db.t ADD COLUMN c` whose column already exists.
import type { Migration } from '../migration-plan.ts';

export const decisionBlendWeight: Migration = {
  version: 2,
  name: 'decision-blend-weight',
  statements: (db) => [
    `ALTER TABLE ${db}.decisions ADD COLUMN blend_weight Float64 DEFAULT 0 AFTER final_score`,
  ],
};
