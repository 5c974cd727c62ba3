import postgres from 'postgres'
import { ClientFactory } from '../../src/client/index.ts'
import type { BenchOptions } from '../bench-options.ts'
import { fmt } from '../ingest/native-ingest.ts'
import type { NativeServer } from '../native-server.ts'
import type { Comparison, Database, Metric } from '../results.ts'
import { runChild } from '../support/run-child.ts'
import { log, timed } from '../timing.ts'
import { compressedReads } from './compressed-reads.ts'
import { postgresJsQueries } from './hand-written.ts'
import {
  loadStatements,
  QUERY_END,
  type QueryDataShape,
  queryStart,
  SECONDARY_INDEXES_SQL,
  STREAM_ENTITY,
  TAIL_HOURS,
} from './load-query-data.ts'
import { querySuite } from './query-suite.ts'
import { addRoutedChecks } from './routed-checks.ts'
import type { StreamMeasurement } from './stream-memory.ts'

const MB = 1024 * 1024

/**
 * The query comparisons on a native server, and the streamRecords measurement (in a fresh
 * process). On a full-license server (`native-tsl`) hourly_metrics is refreshed first, as its
 * policy would, and afterwards the older half of the chunks is compressed: the compression ratio
 * and reads of compressed against uncompressed chunks.
 */
export async function nativeQueries(
  server: NativeServer,
  o: BenchOptions,
  database: 'native' | 'native-tsl' = 'native',
): Promise<{ comparisons: Comparison[]; metrics: Metric[] }> {
  const shape: QueryDataShape = { rows: o.queryRows, entities: o.entities, days: o.days, streamRows: o.streamRows }
  const db = await server.scratch('queries')
  const indexes = await db.sql.unsafe(SECONDARY_INDEXES_SQL)
  log(`loading ${fmt(shape.rows)} rows server-side (generate_series, not timed)`)
  const loadMs = await timed(async () => {
    for (const statement of loadStatements(
      shape,
      indexes.map((r) => String(r.indexdef)),
      indexes.map((r) => String(r.indexname)),
    )) {
      await db.sql.unsafe(statement)
    }
  })
  const metrics: Metric[] = [
    {
      id: `queries.${database}.load`,
      database,
      title: `Loading the query data (${fmt(shape.rows)} rows, indexes, analyze; not a comparison)`,
      value: loadMs / 1000,
      unit: 's',
    },
  ]
  const tsl = server.versions.license === 'timescale'
  if (tsl) {
    const materializeUntil = new Date(Date.parse(QUERY_END) - TAIL_HOURS * 3_600_000).toISOString()
    const refreshMs = await timed(async () => {
      await db.sql.unsafe(`call refresh_continuous_aggregate('hourly_metrics', null, '${materializeUntil}')`)
      await db.sql.unsafe('analyze')
    })
    metrics.push({
      id: `queries.${database}.refresh`,
      database,
      title: `Materializing hourly_metrics up to ${TAIL_HOURS} h before the end (refresh_continuous_aggregate, analyze)`,
      value: refreshMs / 1000,
      unit: 's',
    })
  }
  const client = await ClientFactory.fromConnectionString(db.url, { maxConnections: 2 })
  // A plain postgres.js pool, as a user would open one (Drizzle changes the date serializers of
  // the pools it wraps).
  const plain = postgres(db.url, { max: 2, onnotice: () => {} })
  try {
    const note = tsl
      ? `Ours reads hourly_metrics (materialized up to ${TAIL_HOURS} h before the end) plus the raw rows after its watermark; the baseline aggregates the hypertable.`
      : `This server is the Apache edition (no continuous aggregates): getTimeBuckets runs time_bucket on the hypertable like the baseline; the aggregate is compared on the full-license server and the embedded database.`
    const comparisons = await querySuite(database, client, postgresJsQueries(plain), shape, o.repeats, note)
    if (tsl) await addRoutedChecks(client.db, database, shape, comparisons)
    log(`streaming ${fmt(shape.streamRows)} rows of ${STREAM_ENTITY} in a fresh process`)
    const stream = await runChild<StreamMeasurement>('queries/stream-child.ts', [db.url, STREAM_ENTITY, queryStart(shape), QUERY_END])
    metrics.push(...streamMetrics(database, stream, shape.streamRows))
    comparisons.push(streamCheck(database, stream, shape.streamRows))
    if (tsl) {
      const compressed = await compressedReads(database, db.sql, client, shape, o.repeats)
      comparisons.push(...compressed.comparisons)
      metrics.push(...compressed.metrics)
    }
    return { comparisons, metrics }
  } finally {
    await client.close()
    await plain.end({ timeout: 5 })
  }
}

/** rows/s and peak RSS growth of a stream measurement. */
export function streamMetrics(database: Database, s: StreamMeasurement, expected: number): Metric[] {
  return [
    {
      id: `queries.${database}.stream.rate`,
      database,
      title: `streamRecords over ${fmt(expected)} rows: rows/s`,
      value: (s.rows * 1000) / s.ms,
      unit: 'rows/s',
    },
    {
      id: `queries.${database}.stream.rss`,
      database,
      title: `streamRecords over ${fmt(expected)} rows: peak RSS growth`,
      value: (s.rssPeak - s.rssBefore) / MB,
      unit: 'MB',
      note: `RSS ${(s.rssBefore / MB).toFixed(0)} MB before, ${(s.rssPeak / MB).toFixed(0)} MB at its peak`,
    },
  ]
}

/** The stream's correctness: every row once, in order (a comparison with no contender but its checks). */
export function streamCheck(database: Database, s: StreamMeasurement, expected: number): Comparison {
  return {
    id: `queries.${database}.stream`,
    group: 'queries',
    database,
    title: `streamRecords over ${fmt(expected)} rows of one entity`,
    unit: 'rows/s',
    params: { rows: expected },
    entries: [{ name: 'ours', label: 'streamRecords (keyset pages of 1,000)', value: (s.rows * 1000) / s.ms }],
    ratios: [],
    checks: [
      { name: 'every row streamed once', ok: s.rows === expected, detail: `${s.rows} of ${expected}` },
      { name: 'oldest first, strictly increasing times', ok: s.ordered, detail: s.ordered ? 'ordered' : 'out of order' },
    ],
  }
}
