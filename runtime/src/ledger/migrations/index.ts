// Every ledger migration, in version order. Add a new file and append it here; never edit or
// reorder a released one.
import type { Migration } from '../migration-plan.ts';
import { initial } from './001-initial.ts';
import { decisionBlendWeight } from './002-decision-blend-weight.ts';

export const MIGRATIONS: readonly Migration[] = [initial, decisionBlendWeight];

/** The schema version this program builds and reads. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
