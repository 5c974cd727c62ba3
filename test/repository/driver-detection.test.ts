/*
 * Which driver a Drizzle database runs on is read from Drizzle's own session class, in one place
 * (src/internal/driver.ts): a Bun SQL client has the methods of a postgres.js pool, and duck
 * typing took it for one (insertManyRecords then tried postgres.js's COPY on it and failed with
 * `writable.destroy is not a function`).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { SQL } from 'bun'
import { sql } from 'drizzle-orm'
import { drizzle as bunSqlDrizzle } from 'drizzle-orm/bun-sql'
import { drizzle as postgresJsDrizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { driverOf } from '../../src/internal/driver.ts'
import { queryRows } from '../../src/internal/query-rows.ts'
import { getRecords, insertManyRecords } from '../../src/repository/index.ts'
import { type TestDatabase, targets } from '../support/targets.ts'

test('driverOf names the embedded PGlite, and a transaction as one', async () => {
  const embedded = targets.find((t) => t.kind === 'embedded')
  const t = await embedded?.open({ migrate: false })
  try {
    expect(driverOf(t?.db as never)).toMatchObject({ name: 'pglite', inTransaction: false })
    await t?.db.transaction(async (tx) => {
      expect(driverOf(tx as never)).toMatchObject({ name: 'pglite', inTransaction: true, client: undefined })
    })
  } finally {
    await t?.close()
  }
})

for (const target of targets.filter((t) => t.kind === 'native')) {
  describe(`drivers on ${target.name}`, () => {
    let t: TestDatabase
    let bun: SQL
    beforeAll(async () => {
      t = await target.open()
      bun = new SQL(t.url as string)
    })
    afterAll(async () => {
      await bun.close()
      await t.close()
    })

    test('postgres.js and Bun SQL are told apart', () => {
      const pool = postgres(t.url as string)
      expect(driverOf(postgresJsDrizzle(pool))).toMatchObject({ name: 'postgres-js', inTransaction: false })
      expect(driverOf(bunSqlDrizzle({ client: bun }))).toMatchObject({ name: 'bun-sql', inTransaction: false })
      void pool.end()
    })

    test('insertManyRecords on Bun SQL (outside a transaction) writes through the portable path, and reads back', async () => {
      const db = bunSqlDrizzle({ client: bun })
      const records = Array.from({ length: 1000 }, (_, i) => ({
        entity_id: `bun-${i % 5}`,
        time: new Date(Date.parse('2024-05-01T00:00:00Z') + i * 60_000).toISOString(),
        value: i,
        metadata: { i },
      }))
      expect((await insertManyRecords(db, records)).written).toBe(1000)
      expect(
        (
          await insertManyRecords(
            db,
            records.map((r) => ({ ...r, value: -r.value })),
          )
        ).written,
      ).toBe(1000)
      const [row] = await queryRows<{ n: number; sum: number }>(
        t.db,
        sql`select count(*)::int as n, sum(value)::float8 as sum from time_series_data where entity_id like 'bun-%'`,
      )
      expect(row).toEqual({ n: 1000, sum: -499_500 })
      expect(await getRecords(db, 'bun-0', { from: '2024-05-01T00:00:00Z', to: '2024-05-02T00:00:00Z', limit: 3 })).toHaveLength(3)
    })
  })
}
