import { describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import { openPglite } from '../src/embedded/embedded-database.ts'
import { MigrationError } from '../src/errors.ts'
import { queryRows } from '../src/internal/query-rows.ts'
import { migrate } from '../src/migrate.ts'
import { targets } from './support/targets.ts'

describe('migrate on a PostgreSQL without TimescaleDB', () => {
  test('fails with TIMESCALEDB_MISSING, says how to install it, and applies nothing', async () => {
    const pglite = await openPglite({ timescaledb: false })
    try {
      const db = drizzle(pglite)
      const error = await migrate(db).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(MigrationError)
      expect((error as MigrationError).code).toBe('TIMESCALEDB_MISSING')
      expect((error as MigrationError).message).toContain('needs the TimescaleDB extension')
      expect((error as MigrationError).message).toContain('shared_preload_libraries')
      const tables = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from pg_tables where tablename in ('time_series_data', 'entities', '__drizzle_timescale_migrations')`,
      )
      expect(tables[0]?.n).toBe(0)
    } finally {
      await pglite.close()
    }
  })
})

for (const target of targets) {
  describe(`migrate on ${target.name} where the extension already exists`, () => {
    test('applies everything', async () => {
      const t = await target.open({ migrate: false })
      try {
        await t.db.execute(sql`create extension if not exists timescaledb`)
        const { applied } = await migrate(t.db)
        expect(applied).toHaveLength(5)
        const [row] = await queryRows<{ n: number }>(
          t.db,
          sql`select count(*)::int as n from timescaledb_information.hypertables where hypertable_name = 'time_series_data'`,
        )
        expect(row?.n).toBe(1)
      } finally {
        await t.close()
      }
    })

    test('two concurrent migrate() calls apply each migration once', async () => {
      const t = await target.open({ migrate: false })
      try {
        const results = await Promise.all([migrate(t.db), migrate(t.db)])
        expect(results.map((r) => r.applied.length).sort()).toEqual([0, 5])
      } finally {
        await t.close()
      }
    })
  })
}
