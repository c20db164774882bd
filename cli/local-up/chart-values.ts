// The Helm values local up installs the chart with: the servers it started, reached by the pods
// at the node bridge's address, and the example models from this checkout.

export interface ChartValuesInput {
  /** Redis as the pods reach it: redis://<bridge>:<port>. */
  redisUrl: string;
  /** ClickHouse's HTTP interface as the pods reach it. */
  clickhouseUrl: string;
  /** Host directory of the example models (examples/models). */
  modelsHostPath: string;
  /** The chart's values.schema.json, to leave out what this chart version does not accept. */
  schema: { properties?: Record<string, unknown> };
}

export function chartValues(input: ChartValuesInput): Record<string, unknown> {
  return {
    redis: { url: input.redisUrl },
    // A chart without the value refuses it (the schema forbids unknown keys); its runners then
    // write no ledger, which the summary shows as zeros.
    ...(chartTakesClickHouse(input.schema) ? { clickhouse: { url: input.clickhouseUrl } } : {}),
    models: { hostPath: input.modelsHostPath },
    // One operator replica is enough on one machine; leader election stays on.
    operator: { replicas: 1 },
    // Counters reach Redis (and so the live progress) twice a second.
    runner: { extraArgs: ['--report-interval-ms=500'] },
  };
}

/** Whether the chart takes `clickhouse.url` (so the runners write the ledger). */
export function chartTakesClickHouse(schema: ChartValuesInput['schema']): boolean {
  return 'clickhouse' in (schema.properties ?? {});
}
