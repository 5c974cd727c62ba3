/*
 * `insertMany(rows, { directCompress: true })` on an append-only table (no key) whose hypertable
 * has the columnstore: with the Timescale license the rows land in compressed chunks in the same
 * call (a plain insertMany of the same rows leaves every chunk uncompressed), every row there
 * (count and sums per source computed here), on PGlite, postgres.js and node-postgres (a Pool and
 * a Client, through pg-copy-streams). Refused, with nothing written, for a table with a key, a
 * table without the columnstore, a driver without COPY, and on the Apache edition.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { SQL } from 'bun'
import { sql } from 'drizzle-orm'
import { drizzle as bunSqlDrizzle } from 'drizzle-orm/bun-sql'
import { drizzle as nodePgDrizzle } from 'drizzle-orm/node-postgres'
import { doublePrecision, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { ErrorCodes, QueryError, ValidationError } from '../../src/errors.ts'
import { type AnyPgDatabase, queryRows } from '../../src/internal/query-rows.ts'
import { timescale } from '../../src/repository/timescale.ts'
import { hypertable } from '../../src/toolkit/index.ts'
import { applyDeclarations } from '../support/apply-declarations.ts'
import { hasTsl, targets } from '../support/targets.ts'

const columns = () => ({
  time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
  source: text('source').notNull(),
  value: doublePrecision('value'),
})
const logs = pgTable('dc_logs', columns())
const logsHypertable = hypertable(logs, {
  time: 'time',
  chunkInterval: '1 day',
  compression: { segmentBy: ['source'], orderBy: ['time DESC'] },
})
const plainLogs = pgTable('dc_plain_logs', columns())
const plainHypertable = hypertable(plainLogs, { time: 'time', chunkInterval: '1 day' })
const keyed = pgTable('dc_keyed', columns(), (t) => [primaryKey({ columns: [t.source, t.time] })])
const keyedHypertable = hypertable(keyed, { time: 'time', chunkInterval: '1 day', compression: { segmentBy: ['source'] } })

const start = Date.parse('2025-06-01T00:00:00Z')
const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.000000Z`
/** Five days of a reading a minute from three sources, every tenth value null. */
const rows = Array.from({ length: 5 * 1440 * 3 }, (_, i) => ({
  time: iso(start + Math.floor(i / 3) * 60_000),
  source: `s${i % 3}`,
  value: i % 10 === 0 ? null : (i % 97) / 4,
}))
const expected = ['s0', 's1', 's2'].map((source) => {
  const mine = rows.filter((r) => r.source === source)
  return { source, n: mine.length, total: mine.reduce((s, r) => s + (r.value ?? 0), 0) }
})

for (const target of targets) {
  describe(`insertMany with directCompress on ${target.name}`, () => {
    let db: AnyPgDatabase
    let url: string | undefined
    let close: () => Promise<void>
    const chunkStates = async (table: string) =>
      (
        await queryRows<{ compressed: boolean }>(
          db,
          sql`select is_compressed as compressed from timescaledb_information.chunks where hypertable_name = ${table} order by range_start`,
        )
      ).map((c) => c.compressed)
    const perSource = async (table: string) =>
      queryRows<{ source: string; n: number; total: number }>(
        db,
        sql`select source, count(*)::int as n, coalesce(sum(value), 0)::float8 as total from ${sql.identifier(table)} group by 1 order by 1`,
      )
    beforeAll(async () => {
      const t = await target.open({ migrate: false })
      db = t.db as AnyPgDatabase
      url = t.url
      close = t.close
      await db.execute(sql`create extension if not exists timescaledb`)
      for (const table of ['dc_logs', 'dc_plain_logs'])
        await db.execute(sql.raw(`create table ${table} (time timestamptz not null, source text not null, value double precision)`))
      await db.execute(
        sql`create table dc_keyed (time timestamptz not null, source text not null, value double precision, primary key (source, time))`,
      )
      await applyDeclarations(db, hasTsl(target) ? [logsHypertable, plainHypertable, keyedHypertable] : [plainHypertable])
      if (!hasTsl(target)) await applyDeclarations(db, [hypertable(logs, { time: 'time', chunkInterval: '1 day' })])
    })
    afterAll(() => close())

    test.skipIf(!hasTsl(target))(
      'the rows land compressed in the same call; a plain insertMany leaves the chunks in the rowstore',
      async () => {
        const result = await timescale(db, logsHypertable).insertMany(rows, { directCompress: true })
        expect(result).toMatchObject({ total: rows.length, written: rows.length, failed: 0 })
        expect(await chunkStates('dc_logs')).toEqual([true, true, true, true, true])
        expect(await perSource('dc_logs')).toEqual(expected)
        await timescale(db, plainHypertable).insertMany(rows)
        expect(await chunkStates('dc_plain_logs')).toEqual([false, false, false, false, false])
        expect(await perSource('dc_plain_logs')).toEqual(expected)
        // More rows into the compressed chunks: they land compressed too, and every row is there.
        await timescale(db, logsHypertable).insertMany(rows.slice(0, 300), { directCompress: true })
        const again = await perSource('dc_logs')
        expect(again.map((s) => s.n)).toEqual(expected.map((s) => s.n + 100))
      },
    )

    test('refused before anything is written: a table with a key, a table without the columnstore, a driver without COPY; the Apache edition', async () => {
      const refused = async (write: () => Promise<unknown>) =>
        write().then(
          () => undefined,
          (e: unknown) => e,
        )
      const onKeyed = await refused(() => timescale(db, keyedHypertable).insertMany(rows.slice(0, 10), { directCompress: true }))
      expect(onKeyed).toBeInstanceOf(ValidationError)
      expect((onKeyed as ValidationError).details.field).toBe('directCompress')
      const onPlain = await refused(() => timescale(db, plainHypertable).insertMany(rows.slice(0, 10), { directCompress: true }))
      if (hasTsl(target)) {
        expect(onPlain).toBeInstanceOf(ValidationError)
        expect((onPlain as ValidationError).message).toContain('columnstore')
      } else {
        expect(onPlain).toBeInstanceOf(QueryError)
        expect((onPlain as QueryError).code).toBe(ErrorCodes.LICENSE)
      }
      await db.transaction(async (tx) => {
        const inTransaction = await refused(() =>
          timescale(tx as unknown as AnyPgDatabase, logsHypertable).insertMany(rows.slice(0, 10), { directCompress: true }),
        )
        expect(inTransaction).toBeInstanceOf(hasTsl(target) ? ValidationError : QueryError)
      })
      expect((await queryRows<{ n: number }>(db, sql`select count(*)::int as n from dc_keyed`))[0]?.n).toBe(0)
    })

    test.skipIf(!hasTsl(target) || target.kind !== 'native')(
      'node-postgres, a Pool and a Client (pg-copy-streams); Bun SQL refused',
      async () => {
        const pool = new pg.Pool({ connectionString: url, max: 2 })
        const client = new pg.Client({ connectionString: url })
        await client.connect()
        const bun = new SQL(url as string)
        try {
          await db.execute(sql`truncate dc_logs`)
          const day = rows.filter((r) => r.time < iso(start + 86_400_000))
          await timescale(nodePgDrizzle(pool) as unknown as AnyPgDatabase, logsHypertable).insertMany(day, { directCompress: true })
          const next = rows.filter((r) => r.time >= iso(start + 86_400_000) && r.time < iso(start + 2 * 86_400_000))
          await timescale(nodePgDrizzle(client) as unknown as AnyPgDatabase, logsHypertable).insertMany(next, { directCompress: true })
          expect(await chunkStates('dc_logs')).toEqual([true, true])
          expect((await perSource('dc_logs')).reduce((n, s) => n + s.n, 0)).toBe(day.length + next.length)
          const onBun = await timescale(bunSqlDrizzle({ client: bun }) as unknown as AnyPgDatabase, logsHypertable)
            .insertMany(day, { directCompress: true })
            .catch((e: unknown) => e)
          expect(onBun).toBeInstanceOf(ValidationError)
          expect((onBun as ValidationError).details.field).toBe('directCompress')
        } finally {
          await pool.end()
          await client.end()
          await bun.close()
        }
      },
    )
  })
}
