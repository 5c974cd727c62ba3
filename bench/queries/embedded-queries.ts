import { ClientFactory } from '../../src/client/index.ts'
import { createEmbeddedDatabase } from '../../src/embedded/index.ts'
import type { BenchOptions } from '../bench-options.ts'
import { fmt } from '../ingest/native-ingest.ts'
import type { Comparison, Metric } from '../results.ts'
import { runChild } from '../support/run-child.ts'
import { log, median, timed } from '../timing.ts'
import { pgliteQueries } from './hand-written.ts'
import {
  loadStatements,
  QUERY_END,
  type QueryDataShape,
  queryStart,
  SECONDARY_INDEXES_SQL,
  STREAM_ENTITY,
  TAIL_HOURS,
} from './load-query-data.ts'
import { streamCheck, streamMetrics } from './native-queries.ts'
import { querySuite } from './query-suite.ts'
import { addRoutedChecks } from './routed-checks.ts'
import { measureStream } from './stream-memory.ts'

/** Cold start and migrate (fresh processes), then the query set on the embedded database. */
export async function embeddedQueries(o: BenchOptions): Promise<{ comparisons: Comparison[]; metrics: Metric[] }> {
  const starts: Array<{ startMs: number; migrateMs: number }> = []
  for (let i = 0; i < o.coldStarts; i++) starts.push(await runChild('embedded/cold-start-child.ts'))
  const metrics: Metric[] = [
    {
      id: 'embedded.cold-start',
      database: 'embedded',
      title: 'Cold start (fresh process: load the WASM build, initdb, CREATE EXTENSION timescaledb)',
      value: median(starts.map((s) => s.startMs)),
      unit: 'ms',
      note: `median of ${starts.length}: ${starts.map((s) => Math.round(s.startMs)).join(', ')} ms`,
    },
    {
      id: 'embedded.migrate',
      database: 'embedded',
      title: "migrate(db): the package's migrations on a new embedded database",
      value: median(starts.map((s) => s.migrateMs)),
      unit: 'ms',
      note: `median of ${starts.length}: ${starts.map((s) => Math.round(s.migrateMs)).join(', ')} ms`,
    },
  ]

  const shape: QueryDataShape = { rows: o.embeddedQueryRows, entities: o.entities, days: o.days, streamRows: o.embeddedStreamRows }
  const tsdb = await createEmbeddedDatabase()
  try {
    const exec = async (text: string) => void (await tsdb.pglite.exec(text))
    const indexes = (await tsdb.pglite.query<{ indexname: string; indexdef: string }>(SECONDARY_INDEXES_SQL)).rows
    log(`embedded: loading ${fmt(shape.rows)} rows (generate_series, not timed)`)
    const loadMs = await timed(async () => {
      for (const statement of loadStatements(
        shape,
        indexes.map((r) => r.indexdef),
        indexes.map((r) => r.indexname),
      ))
        await exec(statement)
    })
    const materializeUntil = new Date(Date.parse(QUERY_END) - TAIL_HOURS * 3_600_000).toISOString()
    // A refresh of this size spills its sort to disk with the default 4 MB work_mem: over 10x slower in WASM.
    const refreshMs = await timed(async () => {
      await exec(`set work_mem = '512MB'`)
      await exec(`call refresh_continuous_aggregate('hourly_metrics', null, '${materializeUntil}')`)
      await exec('reset work_mem')
      await exec('analyze')
    })
    metrics.push(
      {
        id: 'embedded.load',
        database: 'embedded',
        title: `Loading the query data (${fmt(shape.rows)} rows, indexes, analyze; not a comparison)`,
        value: loadMs / 1000,
        unit: 's',
      },
      {
        id: 'embedded.refresh',
        database: 'embedded',
        title: `Materializing hourly_metrics up to ${TAIL_HOURS} h before the end (refresh_continuous_aggregate, work_mem 512MB, analyze)`,
        value: refreshMs / 1000,
        unit: 's',
      },
    )
    const client = await ClientFactory.fromDrizzle(tsdb.db)
    const note = `Ours reads hourly_metrics (materialized up to ${TAIL_HOURS} h before the end) plus the raw rows after its watermark; the baseline aggregates the hypertable.`
    const comparisons = await querySuite('embedded', client, pgliteQueries(tsdb.pglite), shape, o.repeats, note)
    await addRoutedChecks(tsdb.db, 'embedded', shape, comparisons)
    log(`embedded: streaming ${fmt(shape.streamRows)} rows of ${STREAM_ENTITY} (in process)`)
    const stream = await measureStream(client, STREAM_ENTITY, { from: queryStart(shape), to: QUERY_END })
    const [rate, rss] = streamMetrics('embedded', stream, shape.streamRows)
    metrics.push(rate as Metric, {
      ...(rss as Metric),
      note: `${rss?.note}; in the benchmark's own process, the database's WASM memory included`,
    })
    comparisons.push(streamCheck('embedded', stream, shape.streamRows))
    return { comparisons, metrics }
  } finally {
    await tsdb.close()
  }
}
