// A throwaway clickhouse-server for tests: the product's launcher in a flotilla-test-* temp dir.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ClickHouseServer,
  type ClickHouseOptions as ProductOptions,
  startClickHouse as startProductClickHouse,
} from '../../cli/local-up/servers/clickhouse.ts';
import { HARNESS_PLACEMENT, TEMP_PREFIX } from './server-process.ts';

export type { ClickHouseServer };
export type ClickHouseOptions = Omit<ProductOptions, 'placement'>;

/**
 * A throwaway clickhouse-server (Debian 18.16) whose config, data and logs all live in its temp
 * dir (data in `dataDir` when given).
 */
export function startClickHouse(options: ClickHouseOptions = {}): Promise<ClickHouseServer> {
  return startProductClickHouse({ ...options, placement: HARNESS_PLACEMENT });
}

/** A directory for `dataDir` that the harness's leftover sweep recognises by its name. */
export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}clickhouse-data-`));
}
