import postgres from 'postgres'
import { ClientFactory } from '../../src/client/index.ts'
import type { BenchOptions } from '../bench-options.ts'
import { fmt } from '../ingest/native-ingest.ts'
import type { NativeServer } from '../native-server.ts'
import type { Comparison, Metric } from '../results.ts'
import { runChild } from '../support/run-child.ts'
import { log, timed } from '../timing.ts'
import { postgresJsQueries } from './hand-written.ts'
import { QUERY_END, type QueryDataShape, SECONDARY_INDEXES_SQL, STREAM_ENTITY, loadStatements, queryStart } from './load-query-data.ts'
import { querySuite } from './query-suite.ts'
import type { StreamMeasurement } from './stream-memory.ts'

const MB = 1024 * 1024

/** The query comparisons on the native server, and the streamRecords measurement (in a fresh process). */
export async function nativeQueries(server: NativeServer, o: BenchOptions): Promise<{ comparisons: Comparison[]; metrics: Metric[] }> {
  const shape: QueryDataShape = { rows: o.queryRows, entities: o.entities, days: o.days, streamRows: o.streamRows }
  const db = await server.scratch('queries')
  const indexes = await db.sql.unsafe(SECONDARY_INDEXES_SQL)
  log(`loading ${fmt(shape.rows)} rows server-side (generate_series, not timed)`)
  const loadMs = await timed(async () => {
    for (const statement of loadStatements(shape, indexes.map((r) => String(r.indexdef)), indexes.map((r) => String(r.indexname)))) {
      await db.sql.unsafe(statement)
    }
  })
  const metrics: Metric[] = [
    { id: 'queries.native.load', database: 'native', title: `Loading the query data (${fmt(shape.rows)} rows, indexes, analyze; not a comparison)`, value: loadMs / 1000, unit: 's' },
  ]
  const client = await ClientFactory.fromConnectionString(db.url, { maxConnections: 2 })
  // A plain postgres.js pool, as a user would open one (Drizzle changes the date serializers of
  // the pools it wraps).
  const plain = postgres(db.url, { max: 2, onnotice: () => {} })
  try {
    const tsl = server.versions.license === 'timescale'
    const note = tsl
      ? 'Ours reads whole hours from hourly_metrics (materialized part + raw tail).'
      : `This server is the Apache edition (no continuous aggregates): getTimeBuckets runs time_bucket on the hypertable like the baseline; the aggregate is compared on the embedded database.`
    const comparisons = await querySuite('native', client, postgresJsQueries(plain), shape, o.repeats, note)
    log(`streaming ${fmt(shape.streamRows)} rows of ${STREAM_ENTITY} in a fresh process`)
    const stream = await runChild<StreamMeasurement>('queries/stream-child.ts', [db.url, STREAM_ENTITY, queryStart(shape), QUERY_END])
    metrics.push(...streamMetrics('native', stream, shape.streamRows))
    comparisons.push(streamCheck('native', stream, shape.streamRows))
    return { comparisons, metrics }
  } finally {
    await client.close()
    await plain.end({ timeout: 5 })
  }
}

/** rows/s and peak RSS growth of a stream measurement. */
export function streamMetrics(database: 'native' | 'embedded', s: StreamMeasurement, expected: number): Metric[] {
  return [
    { id: `queries.${database}.stream.rate`, database, title: `streamRecords over ${fmt(expected)} rows: rows/s`, value: (s.rows * 1000) / s.ms, unit: 'rows/s' },
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
export function streamCheck(database: 'native' | 'embedded', s: StreamMeasurement, expected: number): Comparison {
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
