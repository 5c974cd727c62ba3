/*
 * A project's own hypertable through `timescale(db, declaration)`, against what its owner would
 * write by hand on the same database, same data, same run: ingest (the engine's insertMany vs raw
 * COPY vs Drizzle's insert().onConflictDoUpdate()), `latest` of every key vs DISTINCT ON, `buckets`
 * routed to a declared hourly aggregate vs a raw time_bucket query (one key of a dense series, and
 * every key), and `range` vs a hand-written select.
 */
import { sql } from 'drizzle-orm'
import { doublePrecision, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { compressChunks } from '../../src/operations/index.ts'
import { timescale } from '../../src/repository/timescale.ts'
import {
  continuousAggregate,
  EMPTY_STATE,
  hypertable,
  measure,
  planMigration,
  renderMigration,
  STATEMENT_BREAKPOINT,
  stateOf,
} from '../../src/toolkit/index.ts'
import { fmt } from '../ingest/native-ingest.ts'
import { runQueryPair } from '../queries/run-query-pair.ts'
import { type Comparison, type Database, type Entry, ratio, rowsPerSecond } from '../results.ts'
import { log, median, rotated, timed } from '../timing.ts'

export const readings = pgTable(
  'bench_readings',
  {
    device: text('device').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    temperature: doublePrecision('temperature').notNull(),
    humidity: doublePrecision('humidity'),
  },
  (t) => [primaryKey({ columns: [t.device, t.time] })],
)
export const readingsHypertable = hypertable(readings, { time: 'time', chunkInterval: '1 day' })
export const readingsHourly = continuousAggregate('bench_readings_hourly', {
  from: readingsHypertable,
  bucket: '1 hour',
  groupBy: ['device'],
  measures: {
    n: measure.count(),
    total: measure.sum(readings.temperature),
    low: measure.min(readings.temperature),
    high: measure.max(readings.temperature),
  },
})

/** The same readings without a key (append-only), with the columnstore: for direct compress. */
export const logs = pgTable('bench_logs', {
  device: text('device').notNull(),
  time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
  temperature: doublePrecision('temperature').notNull(),
  humidity: doublePrecision('humidity'),
})
export const logsHypertable = hypertable(logs, {
  time: 'time',
  chunkInterval: '1 day',
  compression: { segmentBy: ['device'], orderBy: ['time DESC'] },
})

const TABLE_SQL = `create table bench_readings (device text not null, time timestamptz not null,
  temperature double precision not null, humidity double precision, primary key (device, time))`

/** What the comparisons need of a database: Drizzle for ours, the driver's own COPY and queries for the hand-written side. */
export interface DeclaredDatabase {
  database: Database
  /** The package's Drizzle database (a pool the package opened, where it has one). */
  db: AnyPgDatabase
  /** Drizzle on the user's own pool, for Drizzle's insert. */
  userDb: AnyPgDatabase
  /** Runs a hand-written statement on the user's own pool; rows. */
  query(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>
  /** A hand-written COPY of COPY-text rows into bench_readings. */
  copy(text: string): Promise<void>
  tsl: boolean
}

/** Sizes: rows written per ingest run, and devices x minutes loaded for the queries. */
export interface DeclaredSizes {
  ingestRows: number
  devices: number
  days: number
  /** Days of the one dense key (a reading a minute). */
  denseDays: number
  repeats: number
  /** Rounds of the ingest comparison (more where a round is short and the database noisy: embedded). */
  ingestRepeats: number
}

const END = '2026-11-01T00:00:00Z'
const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000000Z`
const device = (i: number) => `d-${String(i).padStart(4, '0')}`

export async function declaredTable(d: DeclaredDatabase, sizes: DeclaredSizes): Promise<Comparison[]> {
  const plan = planMigration(EMPTY_STATE, stateOf(d.tsl ? [readingsHypertable, readingsHourly] : [readingsHypertable]))
  await d.query(TABLE_SQL)
  for (const statement of renderMigration(plan).split(STATEMENT_BREAKPOINT)) await d.query(statement)
  const comparisons = [await ingest(d, sizes)]
  if (d.tsl) comparisons.push(await directCompressIngest(d, sizes))
  comparisons.push(...(await queries(d, sizes)))
  return comparisons
}

async function ingest(d: DeclaredDatabase, sizes: DeclaredSizes): Promise<Comparison> {
  const devices = 500
  const rows = ingestRows(sizes.ingestRows)
  const handle = timescale(d.db, readingsHypertable)
  const contenders: Record<string, { label: string; run: () => Promise<unknown> }> = {
    ours: { label: 'timescale(db, declaration).insertMany (plain COPY, upsert on a conflict)', run: () => handle.insertMany(rows) },
    'raw-copy': {
      label: 'hand-written COPY ... FROM STDIN, no upsert',
      run: () =>
        d.copy(rows.map((r) => `${r.device}\t${r.time}\t${r.temperature}\t${r.humidity === null ? '\\N' : r.humidity}\n`).join('')),
    },
    'drizzle-insert': {
      label: "Drizzle's insert().values(5,000 rows).onConflictDoUpdate()",
      run: async () => {
        for (let i = 0; i < rows.length; i += 5000) {
          await d.userDb
            .insert(readings)
            .values(rows.slice(i, i + 5000))
            .onConflictDoUpdate({
              target: [readings.device, readings.time],
              set: { temperature: sql`excluded.temperature`, humidity: sql`excluded.humidity` },
            })
        }
      },
    },
  }
  const names = Object.keys(contenders)
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
  const counts: Record<string, number> = {}
  log(`declared table ingest (${d.database}): ${fmt(rows.length)} new keys, ${names.length} contenders x ${sizes.ingestRepeats}`)
  // Round -1 warms every contender up (the JIT, the server's caches) and is not timed, as the query pairs' first run.
  for (let round = -1; round < sizes.ingestRepeats; round++) {
    for (const name of rotated(names, Math.max(0, round))) {
      await d.query('truncate bench_readings')
      const ms = await timed(() => (contenders[name] as { run: () => Promise<unknown> }).run())
      if (round >= 0) samples[name]?.push(ms)
      counts[name] = Number((await d.query('select count(*)::int as n from bench_readings'))[0]?.n)
    }
  }
  const comparison: Comparison = {
    id: `declared.${d.database}.ingest`,
    group: 'ingest',
    database: d.database,
    title: `A declared table (${fmt(rows.length)} rows, new keys): the engine vs raw COPY vs Drizzle's insert`,
    unit: 'rows/s',
    params: { rows: rows.length, devices, runs: sizes.ingestRepeats, 'untimed warm-up runs': 1 },
    entries: rowsEntries(contenders, samples, rows.length),
    ratios: [],
    checks: [
      { name: 'every contender wrote every row', ok: names.every((n) => counts[n] === rows.length), detail: JSON.stringify(counts) },
    ],
  }
  comparison.ratios = [ratio(comparison, 'ours', 'raw-copy'), ratio(comparison, 'ours', 'drizzle-insert')]
  return comparison
}

/** The ingest rows: `count` new keys over minutes of 500 devices. */
function ingestRows(count: number) {
  const devices = 500
  const start = Date.parse(END) - 7 * 86_400_000
  return Array.from({ length: count }, (_, i) => ({
    device: device(i % devices),
    time: iso(start + Math.floor(i / devices) * 60_000),
    temperature: 20 + (i % 97) / 10,
    humidity: i % 5 === 0 ? null : 40 + (i % 31),
  }))
}

/*
 * An append-only table with the columnstore, written three ways to the end state a bulk load
 * wants: `insertMany` with direct compress (the rows land compressed), a plain `insertMany` then
 * `compressChunks` (what the compression policy would do later), and a plain `insertMany` left in
 * the rowstore. Rows per second to the end state, and what each takes on disk.
 */
async function directCompressIngest(d: DeclaredDatabase, sizes: DeclaredSizes): Promise<Comparison> {
  const rows = ingestRows(sizes.ingestRows)
  await d.query(`create table bench_logs (device text not null, time timestamptz not null,
    temperature double precision not null, humidity double precision)`)
  for (const statement of renderMigration(planMigration(EMPTY_STATE, stateOf([logsHypertable]))).split(STATEMENT_BREAKPOINT))
    await d.query(statement)
  const handle = timescale(d.db, logsHypertable)
  const contenders: Record<string, { label: string; run: () => Promise<unknown> }> = {
    direct: { label: 'insertMany(rows, { directCompress: true })', run: () => handle.insertMany(rows, { directCompress: true }) },
    'plain-compress': {
      label: 'insertMany(rows), then compressChunks',
      run: async () => {
        await handle.insertMany(rows)
        await compressChunks(d.db, logsHypertable)
      },
    },
    plain: { label: 'insertMany(rows) (rowstore, for the policy to compress later)', run: () => handle.insertMany(rows) },
  }
  const names = Object.keys(contenders)
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]))
  const bytes: Record<string, number> = {}
  const compressed: Record<string, string> = {}
  const counts: Record<string, number> = {}
  log(`declared append-only ingest (${d.database}): ${fmt(rows.length)} rows, ${names.length} contenders x ${sizes.repeats}`)
  for (let round = -1; round < sizes.repeats; round++) {
    for (const name of rotated(names, Math.max(0, round))) {
      await d.query('truncate bench_logs')
      const ms = await timed(() => (contenders[name] as { run: () => Promise<unknown> }).run())
      if (round >= 0) samples[name]?.push(ms)
      const [row] =
        await d.query(`select count(*)::int as n, (select total_bytes from hypertable_detailed_size('bench_logs'))::float8 as bytes,
        (select count(*) filter (where is_compressed) || '/' || count(*) from timescaledb_information.chunks where hypertable_name = 'bench_logs') as compressed
        from bench_logs`)
      counts[name] = Number(row?.n)
      bytes[name] = Number(row?.bytes)
      compressed[name] = String(row?.compressed)
    }
  }
  const mb = (n: number | undefined) => `${((n ?? 0) / 1_048_576).toFixed(1)} MB`
  const comparison: Comparison = {
    id: `declared.${d.database}.direct-compress`,
    group: 'ingest',
    database: d.database,
    title: `An append-only table with the columnstore (${fmt(rows.length)} rows): direct compress vs insert then compress`,
    unit: 'rows/s',
    params: { rows: rows.length, runs: sizes.repeats, 'untimed warm-up runs': 1 },
    entries: rowsEntries(contenders, samples, rows.length),
    ratios: [],
    checks: [
      { name: 'every contender wrote every row', ok: names.every((n) => counts[n] === rows.length), detail: JSON.stringify(counts) },
      {
        name: 'direct compress and compressChunks left every chunk compressed',
        ok: [compressed.direct, compressed['plain-compress']].every((c) => c !== undefined && c.split('/')[0] === c.split('/')[1]),
        detail: JSON.stringify(compressed),
      },
    ],
    note: `On disk after each: direct compress ${mb(bytes.direct)}, insert then compress ${mb(bytes['plain-compress'])}, rowstore ${mb(bytes.plain)} (hypertable_detailed_size; chunks compressed: ${JSON.stringify(compressed)}).`,
  }
  comparison.ratios = [ratio(comparison, 'direct', 'plain-compress'), ratio(comparison, 'direct', 'plain')]
  return comparison
}

/** Each contender's rows per second (the median of its runs), with its runs in ms. */
function rowsEntries(contenders: Record<string, { label: string }>, samples: Record<string, number[]>, rows: number): Entry[] {
  return Object.entries(contenders).map(([name, { label }]) => ({
    name,
    label,
    value: rowsPerSecond(rows, median(samples[name] ?? [])),
    samples: (samples[name] ?? []).map((ms) => Math.round(ms)),
  }))
}

async function queries(d: DeclaredDatabase, sizes: DeclaredSizes): Promise<Comparison[]> {
  await d.query('truncate bench_readings')
  const start = Date.parse(END) - sizes.days * 86_400_000
  log(`declared table queries (${d.database}): loading ${sizes.devices} devices x a reading a minute x ${sizes.days} days (not timed)`)
  await d.query(`insert into bench_readings
    select 'd-' || lpad(dev::text, 4, '0'), t, 20 + 5 * sin(extract(epoch from t) / 3600 + dev), case when dev % 5 = 0 then null else 50 end
    from generate_series(0, ${sizes.devices - 1}) dev,
      generate_series('${iso(start)}'::timestamptz, '${iso(Date.parse(END) - 60_000)}'::timestamptz, interval '1 minute') t`)
  // One dense key besides: a reading a minute for `denseDays` days (its daily buckets read 1,440 rows each).
  const denseStart = Date.parse(END) - sizes.denseDays * 86_400_000
  await d.query(`insert into bench_readings
    select 'dense', t, 20 + 5 * sin(extract(epoch from t) / 3600), 50
    from generate_series('${iso(denseStart)}'::timestamptz, '${iso(Date.parse(END) - 60_000)}'::timestamptz, interval '1 minute') t
    on conflict do nothing`)
  if (d.tsl) await d.query(`call refresh_continuous_aggregate('bench_readings_hourly', null, null)`)
  // As autovacuum would have by the time such a table is queried: the visibility map set, statistics read
  // (of the aggregate's materialization too: without them its chunks were read by bitmap scans and sorts).
  await d.query('vacuum analyze bench_readings')
  if (d.tsl) {
    const [mat] = await d.query(`select format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name) as name
      from timescaledb_information.continuous_aggregates where view_name = 'bench_readings_hourly'`)
    await d.query(`vacuum analyze ${String(mat?.name)}`)
  }
  const aggregates = d.tsl ? [readingsHourly] : []
  const handle = timescale(d.db, readingsHypertable, { aggregates })
  const from = iso(start)
  const to = END
  const key = device(1)
  const params = { devices: sizes.devices, days: sizes.days, rows: sizes.devices * sizes.days * 1440 }
  const latestSince = iso(Date.parse(END) - 86_400_000)
  const comparisons: Comparison[] = []
  const same = (a: unknown, b: unknown) => ({ name: 'same answer', ok: JSON.stringify(a) === JSON.stringify(b), detail: '' })

  comparisons.push(
    await runQueryPair(
      {
        id: `declared.${d.database}.latest-all`,
        title: `latest(): the newest row of every key (${sizes.devices} keys) vs DISTINCT ON`,
        database: d.database,
        params,
        ours: { label: 'latest() (recursive skip + LATERAL)', run: () => handle.latest() },
        baseline: {
          name: 'distinct-on',
          label: 'select distinct on (device) * order by device, time desc',
          run: () => d.query('select distinct on (device) device, time from bench_readings order by device, time desc'),
        },
        same: (ours, base) =>
          same(
            ours.map((r) => r.device),
            base.map((r) => r.device),
          ),
      },
      sizes.repeats,
    ),
  )

  comparisons.push(
    await runQueryPair(
      {
        id: `declared.${d.database}.latest-since`,
        title: `latest({ since: a day ago }): the newest row of every key, reading the last day's chunks, vs DISTINCT ON over the same day`,
        database: d.database,
        params,
        ours: { label: 'latest({ since })', run: () => handle.latest({ since: latestSince }) },
        baseline: {
          name: 'distinct-on',
          label: 'select distinct on (device) ... where time >= $since order by device, time desc',
          run: () =>
            d.query(
              `select distinct on (device) device, time from bench_readings where time >= '${latestSince}' order by device, time desc`,
            ),
        },
        same: (ours, base) =>
          same(
            ours.map((r) => r.device),
            base.map((r) => r.device),
          ),
      },
      sizes.repeats,
    ),
  )

  const measures = { n: measure.count(), high: measure.max(readings.temperature), low: measure.min(readings.temperature) }
  const rawBuckets = (where: string, group: string) =>
    `select time_bucket('1 day', time) as bucket${group ? `, ${group}` : ''}, count(*) as n, max(temperature) as high, min(temperature) as low
     from bench_readings where ${where} time >= '${from}' and time < '${to}' group by 1${group ? ', 2' : ''} order by 1${group ? ', 2' : ''}`
  const bucketTotals = (rows: Record<string, unknown>[]) => rows.reduce((s, r) => s + Number(r.n) + Number(r.high), 0)
  comparisons.push(
    await runQueryPair(
      {
        id: `declared.${d.database}.buckets-one-key`,
        title: `buckets(): daily max/min/count of one key over ${sizes.days} days of a reading a minute${d.tsl ? ', routed to the hourly aggregate' : ''}`,
        database: d.database,
        params,
        ours: {
          label: d.tsl ? 'buckets() from bench_readings_hourly' : 'buckets()',
          run: () => handle.buckets({ width: '1 day', from, to, where: { device: key }, measures, order: 'asc' }),
        },
        baseline: { name: 'raw', label: 'time_bucket over the rows', run: () => d.query(rawBuckets(`device = '${key}' and`, '')) },
        same: (ours, base) => same(bucketTotals(ours as never), bucketTotals(base)),
      },
      sizes.repeats,
    ),
  )
  comparisons.push(
    await runQueryPair(
      {
        id: `declared.${d.database}.buckets-all-keys`,
        title: `buckets(): daily max/min/count of every key (${sizes.devices})${d.tsl ? ', routed to the hourly aggregate' : ''}`,
        database: d.database,
        params,
        ours: {
          label: d.tsl ? 'buckets() from bench_readings_hourly' : 'buckets()',
          run: () => handle.buckets({ width: '1 day', from, to, groupBy: ['device'], measures, order: 'asc', limit: 10_000 }),
        },
        baseline: { name: 'raw', label: 'time_bucket over the rows', run: () => d.query(rawBuckets('', 'device')) },
        same: (ours, base) => same(bucketTotals(ours as never), bucketTotals(base)),
      },
      sizes.repeats,
    ),
  )
  const denseFrom = iso(denseStart)
  comparisons.push(
    await runQueryPair(
      {
        id: `declared.${d.database}.buckets-dense-key`,
        title: `buckets(): daily max/min/count of one key with a reading a minute for ${sizes.denseDays} days${d.tsl ? ', routed to the hourly aggregate' : ''}`,
        database: d.database,
        params: { ...params, denseDays: sizes.denseDays, denseRows: sizes.denseDays * 1440 },
        ours: {
          label: d.tsl ? 'buckets() from bench_readings_hourly' : 'buckets()',
          run: () => handle.buckets({ width: '1 day', from: denseFrom, to, where: { device: 'dense' }, measures, order: 'asc' }),
        },
        baseline: {
          name: 'raw',
          label: 'time_bucket over the rows',
          run: () =>
            d.query(
              `select time_bucket('1 day', time) as bucket, count(*) as n, max(temperature) as high, min(temperature) as low
               from bench_readings where device = 'dense' and time >= '${denseFrom}' and time < '${to}' group by 1 order by 1`,
            ),
        },
        same: (ours, base) => same(bucketTotals(ours as never), bucketTotals(base)),
      },
      sizes.repeats,
    ),
  )
  const rangeFrom = iso(Date.parse(to) - 1000 * 60_000)
  comparisons.push(
    await runQueryPair(
      {
        id: `declared.${d.database}.range`,
        title: 'range(): 1,000 rows of one key, newest first, vs a hand-written select',
        database: d.database,
        params,
        ours: { label: 'range({ where, from, to })', run: () => handle.range({ where: { device: key }, from: rangeFrom, to }) },
        baseline: {
          name: 'hand-written',
          label: 'select * where device = $1 and time >= $2 and time < $3 order by time desc limit 1000',
          run: () =>
            d.query('select * from bench_readings where device = $1 and time >= $2 and time < $3 order by time desc limit 1000', [
              key,
              rangeFrom,
              to,
            ]),
        },
        same: (ours, base) => same(ours.length, base.length),
      },
      sizes.repeats,
    ),
  )
  return comparisons
}
