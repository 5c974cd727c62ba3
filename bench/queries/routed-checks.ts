import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { hourlyMetricsQuery } from '../../src/repository/hourly-metrics-route.ts'
import { validateInterval, validateRange, validateTimeBucketOptions } from '../../src/validation/index.ts'
import type { Comparison, Database } from '../results.ts'
import { QUERY_END, type QueryDataShape, queryStart, SAMPLE_ENTITY } from './load-query-data.ts'

/** Adds to each bucket comparison a check that ours was answered from hourly_metrics. */
export async function addRoutedChecks(
  db: AnyPgDatabase,
  database: Database,
  shape: QueryDataShape,
  comparisons: Comparison[],
): Promise<void> {
  for (const [entityId, id] of [
    [SAMPLE_ENTITY, 'buckets-one'],
    [null, 'buckets-all'],
  ] as const) {
    const request = {
      entityId,
      width: validateInterval('1 hour'),
      range: validateRange({ from: queryStart(shape), to: QUERY_END }),
      options: validateTimeBucketOptions({ limit: entityId === null ? 10_000 : 1000 }),
    }
    const routed = (await hourlyMetricsQuery(db, request)) !== undefined
    comparisons
      .find((c) => c.id === `queries.${database}.${id}`)
      ?.checks.push({ name: 'answered from hourly_metrics', ok: routed, detail: routed ? 'routed' : 'not routed' })
  }
}
