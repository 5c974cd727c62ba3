/*
 * Eight years of daily chunks (2,920), compressed: the one `drop_chunks` call over all of them
 * fails on a default server (53200, max_locks_per_transaction = 64; mapped to SERVER_LIMIT with
 * its cure, nothing dropped), while dropChunks, in calls sized for the lock table, drops them all.
 * compressChunks takes them one per transaction. A heavy test (test/support/heavy.ts), on the
 * full-license native server, where compression exists and the lock table is PostgreSQL's default.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { doublePrecision, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import { ErrorCodes } from '../../src/errors.ts'
import { type AnyPgDatabase, queryRows } from '../../src/internal/query-rows.ts'
import { setJobsScheduled } from '../../src/jobs/set-jobs-scheduled.ts'
import { compressChunks, dropChunks, listChunks } from '../../src/operations/index.ts'
import { timescale } from '../../src/repository/timescale.ts'
import { toTimescaleError } from '../../src/to-timescale-error.ts'
import { hypertable } from '../../src/toolkit/index.ts'
import { applyDeclarations } from '../support/apply-declarations.ts'
import { heavyOn } from '../support/heavy.ts'
import { targets } from '../support/targets.ts'

const samples = pgTable('many_chunks', {
  series: text('series').notNull(),
  time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
  value: doublePrecision('value').notNull(),
})
const samplesHypertable = hypertable(samples, { time: 'time', chunkInterval: '1 day', compression: { segmentBy: ['series'] } })
const DAYS = 8 * 365
const START = Date.parse('2017-01-01T00:00:00Z')

for (const target of targets.filter((t) => t.license === 'timescale' && t.kind === 'native' && heavyOn(t))) {
  describe(`${DAYS} compressed chunks on ${target.name}`, () => {
    let db: AnyPgDatabase
    let close: () => Promise<void>
    beforeAll(async () => {
      const t = await target.open({ migrate: false })
      db = t.db as AnyPgDatabase
      close = t.close
      await db.execute(sql`create extension if not exists timescaledb`)
      await db.execute(sql`create table many_chunks (series text not null, time timestamptz not null, value double precision not null)`)
      await applyDeclarations(db, [samplesHypertable])
      await setJobsScheduled(db, false)
      const rows = Array.from({ length: DAYS }, (_, d) => ({ series: 's', time: new Date(START + d * 86_400_000).toISOString(), value: d }))
      await timescale(db, samplesHypertable).insertMany(rows)
    }, 120_000)
    afterAll(() => close())

    test('compressChunks takes every chunk; one drop_chunks call fails with SERVER_LIMIT; dropChunks drops them all', async () => {
      const run = await compressChunks(db, samplesHypertable, { olderThan: '1 day' })
      expect(run.chunks).toHaveLength(DAYS)
      expect((await listChunks(db, samplesHypertable)).filter((c) => !c.compressed)).toEqual([])

      const [locks] = await queryRows<{ n: number }>(db, sql`select current_setting('max_locks_per_transaction')::int as n`)
      expect(locks?.n).toBe(64)
      const single = await db.execute(sql`select count(*) from drop_chunks('many_chunks', older_than => now())`).then(
        () => undefined,
        (e: unknown) => toTimescaleError(e),
      )
      expect(single?.code).toBe(ErrorCodes.SERVER_LIMIT)
      expect(single?.message).toContain('max_locks_per_transaction')
      expect(await listChunks(db, samplesHypertable)).toHaveLength(DAYS)

      const dropped = await dropChunks(db, samplesHypertable, { olderThan: '1 day' })
      expect(dropped.chunks).toHaveLength(DAYS)
      expect(await listChunks(db, samplesHypertable)).toEqual([])
      const [left] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from many_chunks`)
      expect(left?.n).toBe(0)
    }, 300_000)
  })
}
