/*
 * `latest()` for every key without being told the keys, on every target, where keys come and go
 * across chunks: series that live through all ten daily chunks, one that stopped on the first
 * day, one that lived one day in the middle. Every answer is compared with the newest row per key
 * computed here from the rows written: by the whole key (two columns: the keys are found chunk by
 * chunk), by one column (SkipScan with the Timescale license), with `since` (chunks wholly before
 * it are not read), with `where`; on a hypertable with compressed chunks (the skip over the
 * hypertable as a whole); and when a chunk is dropped between the listing of the chunks and the
 * read (listed again).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { doublePrecision, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { readChunkTables } from '../../src/catalog/index.ts'
import { ClientFactory } from '../../src/client/index.ts'
import { postgresJsClientOf } from '../../src/internal/driver.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { timescale } from '../../src/repository/timescale.ts'
import { hypertable } from '../../src/toolkit/index.ts'
import { applyDeclarations } from '../support/apply-declarations.ts'
import { tapStatements } from '../support/tap-statements.ts'
import { hasTsl, targets } from '../support/targets.ts'

const readings = pgTable(
  'latest_readings',
  {
    site: text('site').notNull(),
    sensor: integer('sensor').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    value: doublePrecision('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.site, t.sensor, t.time] })],
)
const readingsHypertable = hypertable(readings, { time: 'time', chunkInterval: '1 day' })
type Row = typeof readings.$inferSelect

const HOUR = 3_600_000
const start = Date.parse('2026-03-01T00:00:00Z')
const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000000Z`

/** Ten days: three series every two hours throughout, 'old'/1 on the first day only, 'mid'/7 on the sixth only. */
function rows(): Row[] {
  const out: Row[] = []
  const series = (site: string, sensor: number, fromHour: number, toHour: number) => {
    for (let h = fromHour; h < toHour; h += 2)
      out.push({ site, sensor, time: iso(start + h * HOUR), value: sensor * 1000 + h + site.length / 10 })
  }
  series('a', 1, 0, 240)
  series('a', 2, 1, 240)
  series('b', 1, 0, 239)
  series('old', 1, 0, 24)
  series('mid', 7, 120, 144)
  return out
}

/** The newest row per `by` key of `data`, ordered by key (text then number), computed here. */
function newest(data: Row[], by: (keyof Row)[]): Row[] {
  const best = new Map<string, Row>()
  for (const r of data) {
    const key = JSON.stringify(by.map((k) => r[k]))
    const seen = best.get(key)
    if (!seen || r.time > seen.time) best.set(key, r)
  }
  return [...best.values()].sort((x, y) => {
    for (const k of by) {
      if (x[k] < y[k]) return -1
      if (x[k] > y[k]) return 1
    }
    return 0
  })
}

for (const target of targets) {
  describe(`latest() of every key on ${target.name}`, () => {
    let db: AnyPgDatabase
    let close: () => Promise<void>
    let url: string | undefined
    const data = rows()
    const handle = () => timescale(db, readingsHypertable)
    beforeAll(async () => {
      const t = await target.open({ migrate: false })
      db = t.db as AnyPgDatabase
      close = t.close
      url = t.url
      await db.execute(sql`create extension if not exists timescaledb`)
      await db.execute(
        sql`create table latest_readings (site text not null, sensor integer not null, time timestamptz not null,
          value double precision not null, primary key (site, sensor, time))`,
      )
      await applyDeclarations(db, [readingsHypertable])
      await handle().insertMany(data)
    })
    afterAll(() => close())

    test('by the whole key, by one column, since, where: each the newest row per key computed here', async () => {
      // Without compression the keys are found chunk by chunk, over every chunk table.
      expect(await readChunkTables(db, 'latest_readings')).toMatchObject({ compression: false })
      expect((await readChunkTables(db, 'latest_readings')).chunks).toHaveLength(10)
      expect(await handle().latest()).toEqual(newest(data, ['site', 'sensor']))
      expect(await handle().latest({ by: ['site'] })).toEqual(newest(data, ['site']))
      const since = iso(start + 125 * HOUR)
      expect(await handle().latest({ since })).toEqual(
        newest(
          data.filter((r) => r.time >= since),
          ['site', 'sensor'],
        ),
      )
      expect(await handle().latest({ by: ['site'], since })).toEqual(
        newest(
          data.filter((r) => r.time >= since),
          ['site'],
        ),
      )
      expect(await handle().latest({ since: iso(start + 300 * HOUR) })).toEqual([])
      expect(await handle().latest({ where: { sensor: 1 } })).toEqual(
        newest(
          data.filter((r) => r.sensor === 1),
          ['site', 'sensor'],
        ),
      )
      expect(await handle().latest({ limit: 2 })).toEqual(newest(data, ['site', 'sensor']).slice(0, 2))
    })

    test.skipIf(target.kind !== 'native')("on the package's pool: planned once per connection, its plan reused", async () => {
      // Without `where` or `since` the statement has no parameters: prepared (not sent by the simple
      // protocol, which postgres.js uses for a statement without parameters), its one plan reused.
      const client = await ClientFactory.fromConnectionString(url as string, { maxConnections: 1 })
      try {
        const own = timescale(client.db as unknown as AnyPgDatabase, readingsHypertable)
        for (let i = 0; i < 3; i++) expect(await own.latest()).toEqual(newest(data, ['site', 'sensor']))
        const pool = postgresJsClientOf(client.db as unknown as AnyPgDatabase) as NonNullable<ReturnType<typeof postgresJsClientOf>>
        const plans = await pool.unsafe(
          `select generic_plans::int as generic, custom_plans::int as custom from pg_prepared_statements
           where statement like 'with k as (select distinct * from%'`,
        )
        expect(plans.map((p) => ({ generic: p.generic, custom: p.custom }))).toEqual([{ generic: 3, custom: 0 }])
      } finally {
        await client.close()
      }
    })

    test('a chunk dropped between the listing of the chunks and the read: listed again', async () => {
      // The first statement of the call is the listing; the oldest chunk is dropped right after it.
      const tap = tapStatements(db, async (n, run) => {
        if (n === 1) await run(`select drop_chunks('latest_readings', older_than => '${iso(start + 24 * HOUR)}'::timestamptz)`)
      })
      try {
        const after = await handle().latest()
        expect(tap.count).toBeGreaterThan(2)
        expect(after).toEqual(
          newest(
            data.filter((r) => r.time >= iso(start + 24 * HOUR)),
            ['site', 'sensor'],
          ),
        )
        expect(after.some((r) => r.site === 'old')).toBe(false)
      } finally {
        tap.restore()
      }
    })

    test.skipIf(!hasTsl(target))('with compressed chunks (Timescale license): the same answers', async () => {
      await db.execute(sql`alter table latest_readings set (timescaledb.compress, timescaledb.compress_segmentby = 'site, sensor')`)
      // Seen as enabled on every version (2.29 moved the flag in its catalog): the skip goes over the hypertable.
      expect(await readChunkTables(db, 'latest_readings')).toMatchObject({ compression: true })
      await db.execute(
        sql`select compress_chunk(c) from show_chunks('latest_readings', older_than => '2026-03-08T00:00:00Z'::timestamptz) c`,
      )
      const left = data.filter((r) => r.time >= iso(start + 24 * HOUR))
      expect(await handle().latest()).toEqual(newest(left, ['site', 'sensor']))
      expect(await handle().latest({ by: ['site'] })).toEqual(newest(left, ['site']))
      const since = iso(start + 125 * HOUR)
      expect(await handle().latest({ since })).toEqual(
        newest(
          left.filter((r) => r.time >= since),
          ['site', 'sensor'],
        ),
      )
    })
  })
}
