import type postgres from 'postgres'
import type { TimescaleClient } from '../../src/client/index.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import type { Check, Comparison, Database, Metric } from '../results.ts'
import { log, timed } from '../timing.ts'
import { QUERY_END, type QueryDataShape, queryStart, SAMPLE_ENTITY } from './load-query-data.ts'
import { runQueryPair } from './run-query-pair.ts'

const DAY_MS = 86_400_000
const MB = 1024 * 1024

/**
 * Compresses the older half of the query data's chunks (what the 7-day policy does in
 * production), reports the compression ratio (`chunk_compression_stats`), then reads one day of
 * one entity from the compressed half and the same day-long span from the uncompressed half,
 * side by side: the data is generated evenly, so both days hold the same number of rows.
 */
export async function compressedReads(
  database: Database,
  sql: postgres.Sql,
  client: TimescaleClient<AnyPgDatabase>,
  shape: QueryDataShape,
  repeats: number,
): Promise<{ comparisons: Comparison[]; metrics: Metric[] }> {
  const start = Date.parse(queryStart(shape))
  const mid = new Date(start + Math.ceil(shape.days / 2) * DAY_MS).toISOString()
  log(`compressing the chunks before ${mid}`)
  let chunks = 0
  const compressMs = await timed(async () => {
    const [row] = await sql.unsafe(
      `select count(compress_chunk(c))::int as n from show_chunks('time_series_data', older_than => '${mid}'::timestamptz) c`,
    )
    chunks = Number(row?.n)
    await sql.unsafe('analyze time_series_data')
  })
  const [stats] =
    await sql.unsafe(`select sum(before_compression_total_bytes)::float8 as before, sum(after_compression_total_bytes)::float8 as after
    from chunk_compression_stats('time_series_data') where compression_status = 'Compressed'`)
  const before = Number(stats?.before)
  const after = Number(stats?.after)
  const metrics: Metric[] = [
    {
      id: `queries.${database}.compression`,
      database,
      title: `Compression of the query data's older half (${chunks} chunks: segment by entity_id, order by time DESC): space saved`,
      value: (1 - after / before) * 100,
      unit: '%',
      note: `${(before / MB).toFixed(1)} MB before, ${(after / MB).toFixed(1)} MB after (${(before / after).toFixed(1)}x), compress_chunk took ${(compressMs / 1000).toFixed(1)} s`,
    },
  ]
  const day = (from: number) => ({ from: new Date(from).toISOString(), to: new Date(from + DAY_MS).toISOString() })
  const cold = day(start)
  const hot = day(Date.parse(QUERY_END) - DAY_MS)
  const [state] = await sql.unsafe(`select
      bool_and(is_compressed) filter (where range_start < '${cold.to}'::timestamptz and range_end > '${cold.from}'::timestamptz) as cold,
      bool_or(is_compressed) filter (where range_start < '${hot.to}'::timestamptz and range_end > '${hot.from}'::timestamptz) as hot
    from timescaledb_information.chunks where hypertable_name = 'time_series_data'`)
  const layout: Check = {
    name: 'the first day is in compressed chunks, the last in uncompressed ones',
    ok: state?.cold === true && state?.hot === false,
    detail: `first day compressed: ${state?.cold}, last day compressed: ${state?.hot}`,
  }
  // Evenly spaced rows: two day-long spans hold the same count, give or take the one on a boundary.
  const sameCount = (a: unknown[], b: unknown[]): Check => ({
    name: 'the same number of rows, within one (evenly generated days)',
    ok: a.length > 0 && Math.abs(a.length - b.length) <= 1,
    detail: `${a.length} vs ${b.length}`,
  })
  const base = { database, baseline: { name: 'uncompressed', label: '' } }
  const comparisons: Comparison[] = []
  comparisons.push(
    await runQueryPair(
      {
        ...base,
        id: `queries.${database}.compressed-records`,
        title: `getRecords, one entity, one day: from compressed chunks vs from uncompressed ones`,
        params: { entity: SAMPLE_ENTITY, limit: 10_000 },
        ours: {
          label: `getRecords over ${cold.from.slice(0, 10)} (compressed)`,
          run: () => client.getRecords(SAMPLE_ENTITY, { ...cold, limit: 10_000 }),
        },
        baseline: {
          ...base.baseline,
          label: `getRecords over ${hot.from.slice(0, 10)} (uncompressed)`,
          run: () => client.getRecords(SAMPLE_ENTITY, { ...hot, limit: 10_000 }),
        },
        same: sameCount,
        note: 'More than 1x: the compressed read is faster.',
      },
      repeats,
    ),
  )
  comparisons.push(
    await runQueryPair(
      {
        ...base,
        id: `queries.${database}.compressed-buckets`,
        title: `getTimeBuckets 15 minutes (read from the table), every entity, one day (the newest 10,000 buckets): compressed chunks vs uncompressed ones`,
        params: { interval: '15 minutes', limit: 10_000 },
        ours: {
          label: `getTimeBuckets(null, '15 minutes') over ${cold.from.slice(0, 10)} (compressed)`,
          run: () => client.getTimeBuckets(null, '15 minutes', cold, { limit: 10_000 }),
        },
        baseline: {
          ...base.baseline,
          label: `getTimeBuckets(null, '15 minutes') over ${hot.from.slice(0, 10)} (uncompressed)`,
          run: () => client.getTimeBuckets(null, '15 minutes', hot, { limit: 10_000 }),
        },
        same: sameCount,
        note: 'More than 1x: the compressed read is faster.',
      },
      repeats,
    ),
  )
  for (const c of comparisons) c.checks.push(layout)
  return { comparisons, metrics }
}
