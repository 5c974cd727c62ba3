import { SQL } from 'bun'
import { drizzle as bunSqlDrizzle } from 'drizzle-orm/bun-sql'
import { drizzle as nodePgDrizzle } from 'drizzle-orm/node-postgres'
import { drizzle } from 'drizzle-orm/postgres-js'
import pg from 'pg'
import { ClientFactory } from '../../src/client/index.ts'
import { insertManyRecords } from '../../src/repository/index.ts'
import type { InsertManyOptions, TimeSeriesRecord } from '../../src/types.ts'
import type { BenchOptions } from '../bench-options.ts'
import { binaryCopy } from '../contenders/binary-copy.ts'
import { designValues } from '../contenders/design-values.ts'
import { drizzleNaive } from '../contenders/drizzle-naive.ts'
import { rawCopy } from '../contenders/raw-copy.ts'
import { batchesOf, generateRecords } from '../generate-records.ts'
import type { NativeServer, ScratchDatabase } from '../native-server.ts'
import type { Comparison } from '../results.ts'
import { emptyTable, type RawQuery, tableDigest } from '../support/table-digest.ts'
import { type IngestContender, runIngest } from './run-ingest.ts'

const START = Date.parse('2024-01-01T00:00:00Z')
/** One reading per entity every 10 seconds: a live feed. */
const STEP_MS = 10_000

type Kind =
  | 'ours'
  | 'ours-staging'
  | 'ours-unnest'
  | 'raw-copy'
  | 'drizzle-naive'
  | 'design-values'
  | 'raw-copy-sorted'
  | 'binary-copy-sorted'
  | 'node-pg'
  | 'node-pg-unnest'
  | 'bun-sql'
const LABELS: Record<Kind, string> = {
  ours: 'insertManyRecords (ours)',
  'ours-staging': "insertManyRecords, method 'copy' (staging upsert, the previous default)",
  'ours-unnest': "insertManyRecords, method 'unnest' (the portable path)",
  'raw-copy': 'raw postgres.js COPY (no upsert)',
  'drizzle-naive': 'Drizzle insert().values().onConflictDoUpdate()',
  'design-values': "the design's multi-row VALUES upsert (postgres.js)",
  'raw-copy-sorted': 'raw COPY, each batch sorted by (entity_id, time)',
  'binary-copy-sorted': 'raw COPY in binary format, each batch sorted by (entity_id, time)',
  'node-pg': 'insertManyRecords on node-postgres (pg Pool; COPY through pg-copy-streams)',
  'node-pg-unnest': "insertManyRecords on node-postgres, method 'unnest'",
  'bun-sql': "insertManyRecords on Bun's SQL (the portable unnest path: no COPY API)",
}

/**
 * The native ingest comparisons: main, batch sizes, 50% conflicts, parallel writers, path
 * variants on the Apache server (`native`); the main and the conflict comparisons on the
 * full-license one (`native-tsl`), whose ids carry its name (`ingest.native-tsl.main`).
 */
export async function nativeIngest(
  server: NativeServer,
  o: BenchOptions,
  database: 'native' | 'native-tsl' = 'native',
): Promise<Comparison[]> {
  const full = database === 'native'
  const idOf = (name: string) => (full ? `ingest.${name}` : `ingest.${database}.${name}`)
  const serverName = full ? 'Native server' : 'Full-license server'
  const slots = new Map<
    Kind,
    { db: ScratchDatabase; query: RawQuery; client: Awaited<ReturnType<typeof ClientFactory.fromConnectionString>> }
  >()
  const slot = async (kind: Kind) => {
    let s = slots.get(kind)
    const open = (url: string) => ClientFactory.fromConnectionString(url, { maxConnections: Math.max(4, ...o.writers) })
    if (!s) {
      const db = await server.scratch(kind)
      s = { db, query: (text, params) => db.sql.unsafe(text, params as never), client: await open(db.url) }
      slots.set(kind, s)
    } else {
      // A new pool for every comparison: after a conflict the default path skips the plain COPY
      // for the next calls on that pool, which must not carry over into the next comparison.
      await s.client.close()
      s.client = await open(s.db.url)
    }
    await emptyTable(s.query)
    return s
  }
  // The other drivers' pools, opened once per slot and closed at the end.
  const drivers = new Map<Kind, { db: Parameters<typeof insertManyRecords>[0]; close: () => Promise<void> }>()
  const driverDb = (kind: Kind, url: string) => {
    let d = drivers.get(kind)
    if (!d) {
      if (kind === 'bun-sql') {
        const client = new SQL(url, { max: 4 })
        d = { db: bunSqlDrizzle({ client }), close: () => client.close() }
      } else {
        const pool = new pg.Pool({ connectionString: url, max: 4 })
        d = { db: nodePgDrizzle(pool), close: () => pool.end() }
      }
      drivers.set(kind, d)
    }
    return d.db
  }
  const contender = async (kind: Kind, options: InsertManyOptions = {}, writers = 1): Promise<IngestContender> => {
    const s = await slot(kind)
    const naive = drizzle(s.db.sql)
    const write: Record<Kind, (batch: readonly TimeSeriesRecord[]) => Promise<unknown>> = {
      ours: (b) => s.client.insertManyRecords(b, options),
      'ours-staging': (b) => s.client.insertManyRecords(b, { ...options, method: 'copy' }),
      'ours-unnest': (b) => s.client.insertManyRecords(b, { ...options, method: 'unnest' }),
      'raw-copy': (b) => Promise.all(split(b, writers).map((part) => rawCopy(s.db.sql, batchesOf(part, o.batchSize)))),
      'drizzle-naive': (b) => drizzleNaive(naive, [b]),
      'design-values': (b) => designValues(s.db.sql, [b]),
      'raw-copy-sorted': (b) => rawCopy(s.db.sql, [byKey(b)]),
      'binary-copy-sorted': (b) => binaryCopy(s.db.sql, [byKey(b)]),
      'node-pg': (b) => insertManyRecords(driverDb(kind, s.db.url), b, options),
      'node-pg-unnest': (b) => insertManyRecords(driverDb(kind, s.db.url), b, { ...options, method: 'unnest' }),
      'bun-sql': (b) => insertManyRecords(driverDb(kind, s.db.url), b, options),
    }
    return {
      name: kind,
      label: writers > 1 && kind === 'raw-copy' ? `${LABELS[kind]}, ${writers} connections` : LABELS[kind],
      write: async (batch) => void (await write[kind](batch)),
      digest: () => tableDigest(s.query),
    }
  }
  const load = (rows: number, salt = 0) => generateRecords({ rows, entities: o.entities, start: START, stepMs: STEP_MS, salt })
  const out: Comparison[] = []
  const base = { database }

  out.push(
    await runIngest({
      ...base,
      id: idOf('main'),
      title: `${serverName}: ${fmt(o.ingestRows)} rows, ${fmt(o.entities)} entities, calls of ${fmt(o.batchSize)} rows`,
      params: { entities: o.entities, batchSize: o.batchSize },
      contenders: [
        await contender('ours'),
        await contender('raw-copy'),
        await contender('drizzle-naive'),
        await contender('design-values'),
      ],
      batches: batchesOf(load(o.ingestRows), o.batchSize),
      expectedRows: o.ingestRows,
      ratios: [
        ['ours', 'raw-copy'],
        ['ours', 'drizzle-naive'],
        ['ours', 'design-values'],
        ['raw-copy', 'drizzle-naive'],
      ],
    }),
  )

  for (const size of full ? o.batchSizes : []) {
    out.push(
      await runIngest({
        ...base,
        id: `ingest.batch-${size}`,
        title: `Batch size ${fmt(size)}: ${fmt(o.sweepRows)} rows`,
        params: { entities: o.entities, batchSize: size },
        contenders: [await contender('ours'), await contender('raw-copy')],
        batches: batchesOf(load(o.sweepRows), size),
        expectedRows: o.sweepRows,
        ratios: [['ours', 'raw-copy']],
      }),
    )
  }

  // Half of the keys exist already (every other record, written untimed), with other values.
  const conflictKinds: Kind[] = ['ours', 'ours-staging', 'drizzle-naive', 'design-values']
  const conflictContenders = await Promise.all(conflictKinds.map((k) => contender(k)))
  const existing = load(o.conflictRows).filter((_, i) => i % 2 === 0)
  for (const kind of conflictKinds) await rawCopy((await slotOf(slots, kind)).db.sql, batchesOf(existing, 10_000))
  out.push(
    await runIngest({
      ...base,
      id: idOf('conflicts'),
      title: `Upsert with 50% existing keys: ${fmt(o.conflictRows)} rows`,
      params: { entities: o.entities, batchSize: o.batchSize, existingKeys: existing.length },
      contenders: conflictContenders,
      batches: batchesOf(load(o.conflictRows, 1), o.batchSize),
      expectedRows: o.conflictRows,
      ratios: [
        ['ours', 'drizzle-naive'],
        ['ours', 'design-values'],
        ['ours', 'ours-staging'],
      ],
      note: 'Raw COPY cannot upsert (it fails on the first existing key), so it is not a contender here.',
    }),
  )

  if (!full) {
    for (const s of slots.values()) await s.client.close()
    for (const d of drivers.values()) await d.close()
    return out
  }

  // One call per segment; ours spreads a call's chunks over `parallel` connections.
  for (const writers of o.writers) {
    const segment = Math.ceil(o.parallelRows / 4)
    out.push(
      await runIngest({
        ...base,
        id: `ingest.parallel-${writers}`,
        title: `${writers} writer${writers > 1 ? 's' : ''}: ${fmt(o.parallelRows)} rows`,
        params: { entities: o.entities, writers, callRows: segment, chunkSize: o.batchSize },
        contenders: [await contender('ours', { parallel: writers, chunkSize: o.batchSize }), await contender('raw-copy', {}, writers)],
        batches: batchesOf(load(o.parallelRows), segment),
        expectedRows: o.parallelRows,
        ratios: [['ours', 'raw-copy']],
        note: `ours: insertManyRecords(${fmt(segment)} rows, { parallel: ${writers} }); raw COPY: the same rows split over ${writers} connection(s).`,
      }),
    )
  }

  out.push(
    await runIngest({
      ...base,
      id: 'ingest.paths',
      title: `insertManyRecords paths: ${fmt(o.sweepRows)} rows, calls of ${fmt(o.batchSize)} rows`,
      params: { entities: o.entities, batchSize: o.batchSize },
      contenders: [await contender('ours'), await contender('ours-staging'), await contender('ours-unnest'), await contender('raw-copy')],
      batches: batchesOf(load(o.sweepRows), o.batchSize),
      expectedRows: o.sweepRows,
      ratios: [
        ['ours', 'raw-copy'],
        ['ours-staging', 'raw-copy'],
        ['ours-unnest', 'raw-copy'],
        ['ours', 'ours-staging'],
      ],
    }),
  )

  // The drivers a Drizzle user brings, each on its fastest path, side by side.
  out.push(
    await runIngest({
      ...base,
      id: 'ingest.drivers',
      title: `insertManyRecords per driver: ${fmt(o.sweepRows)} rows, calls of ${fmt(o.batchSize)} rows`,
      params: { entities: o.entities, batchSize: o.batchSize },
      contenders: [await contender('ours'), await contender('node-pg'), await contender('node-pg-unnest'), await contender('bun-sql')],
      batches: batchesOf(load(o.sweepRows), o.batchSize),
      expectedRows: o.sweepRows,
      ratios: [
        ['ours', 'node-pg'],
        ['node-pg', 'node-pg-unnest'],
        ['ours', 'bun-sql'],
      ],
      note: 'ours is postgres.js (the plain COPY of new keys). node-postgres writes the same COPY through pg-copy-streams; Bun SQL has no COPY API, so it takes the unnest upsert.',
    }),
  )

  // What the COPY path gains from sorting each batch by key, and from the binary format.
  out.push(
    await runIngest({
      ...base,
      id: 'ingest.copy-formats',
      title: `COPY variants: ${fmt(o.sweepRows)} rows, batches of ${fmt(o.batchSize)} rows (no upsert)`,
      params: { entities: o.entities, batchSize: o.batchSize },
      contenders: [await contender('raw-copy'), await contender('raw-copy-sorted'), await contender('binary-copy-sorted')],
      batches: batchesOf(load(o.sweepRows), o.batchSize),
      expectedRows: o.sweepRows,
      ratios: [
        ['raw-copy-sorted', 'raw-copy'],
        ['binary-copy-sorted', 'raw-copy-sorted'],
      ],
      note: "Rows arrive time-major (every entity at one instant, then the next instant); sorted, each entity's rows are consecutive.",
    }),
  )

  for (const s of slots.values()) await s.client.close()
  for (const d of drivers.values()) await d.close()
  return out
}

async function slotOf<T>(slots: Map<Kind, T>, kind: Kind): Promise<T> {
  const s = slots.get(kind)
  if (!s) throw new Error(`no slot ${kind}`)
  return s
}

/** A batch sorted by (entity_id, time), as insertManyRecords sorts its rows. */
function byKey(batch: readonly TimeSeriesRecord[]): TimeSeriesRecord[] {
  const time = (r: TimeSeriesRecord) => (typeof r.time === 'string' ? r.time : r.time.toISOString())
  return [...batch].sort((a, b) => (a.entity_id < b.entity_id ? -1 : a.entity_id > b.entity_id ? 1 : time(a) < time(b) ? -1 : 1))
}

/** `items` in `n` nearly equal consecutive parts. */
function split<T>(items: readonly T[], n: number): T[][] {
  const size = Math.ceil(items.length / n)
  return Array.from({ length: n }, (_, i) => items.slice(i * size, (i + 1) * size)).filter((part) => part.length > 0)
}

/** 1000000 as 1,000,000. */
export function fmt(n: number): string {
  return n.toLocaleString('en-US')
}
