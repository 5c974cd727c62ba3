/*
 * Reads never let PostgreSQL plan a statement on the hypertable generically: a generic plan opens
 * every chunk, and with thousands of them the lock table overflows ("out of shared memory" from the
 * sixth run of a prepared read, reproduced on 2.19 with 8,000 chunks; DTS_LONG=1 in long-spans
 * reads 14,612). The package's own pools run with plan_cache_mode = force_custom_plan and prepare
 * their reads; on a pool of the user's, reads go unnamed (never prepared).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { ClientFactory } from '../../src/client/index.ts'
import { getRecords } from '../../src/repository/index.ts'
import { type TestDatabase, targets } from '../support/targets.ts'

for (const target of targets.filter((t) => t.kind === 'native')) {
  describe(`plan_cache_mode and prepared reads on ${target.name}`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await target.open()
    }, 60_000)
    afterAll(() => t?.close(), 60_000)
    const range = { from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z' }

    test("the package's pool: force_custom_plan, and its reads are prepared", async () => {
      const client = await ClientFactory.fromConnectionString(t.url as string, { maxConnections: 1 })
      try {
        for (let i = 0; i < 7; i++) await client.getRecords('pcm-1', range)
        const [mode] = await client.db.$client`show plan_cache_mode`
        expect(mode?.plan_cache_mode).toBe('force_custom_plan')
        const [prepared] = await client.db
          .$client`select count(*)::int as n from pg_prepared_statements where statement ilike '%from time_series_data%' and statement not ilike '%pg_prepared_statements%'`
        expect(Number(prepared?.n)).toBeGreaterThan(0)
      } finally {
        await client.close()
      }
    })

    test('a plan_cache_mode in the URL wins', async () => {
      const url = new URL(t.url as string)
      url.searchParams.set('plan_cache_mode', 'auto')
      const client = await ClientFactory.fromConnectionString(url.href, { maxConnections: 1 })
      try {
        const [mode] = await client.db.$client`show plan_cache_mode`
        expect(mode?.plan_cache_mode).toBe('auto')
      } finally {
        await client.close()
      }
    })

    test("a pool of the user's: reads are never prepared", async () => {
      const pool = postgres(t.url as string, { max: 1, onnotice: () => {} })
      try {
        const db = drizzle(pool)
        for (let i = 0; i < 7; i++) await getRecords(db, 'pcm-1', range)
        const [prepared] =
          await pool`select count(*)::int as n from pg_prepared_statements where statement ilike '%from time_series_data%' and statement not ilike '%pg_prepared_statements%'`
        expect(Number(prepared?.n)).toBe(0)
      } finally {
        await pool.end()
      }
    })
  })
}
