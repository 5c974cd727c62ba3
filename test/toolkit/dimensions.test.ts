/*
 * Dimensions besides time on every target: a hash dimension and a range dimension on an integer
 * column, declared, generated, applied and checked; a changed range interval is one
 * set_chunk_time_interval for that dimension; a change by hand is drift.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { doublePrecision, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import { ValidationError } from '../../src/errors.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { checkDrift, hypertable, planMigration, stateOf } from '../../src/toolkit/index.ts'
import { sqlText } from '../../src/toolkit/sql-text.ts'
import { applyDeclarations } from '../support/apply-declarations.ts'
import { targets } from '../support/targets.ts'

const sites = pgTable('site_readings', {
  site: integer('site').notNull(),
  sensor: text('sensor').notNull(),
  time: timestamp('time', { withTimezone: true }).notNull(),
  v: doublePrecision('v'),
})
const declared = hypertable(sites, {
  time: 'time',
  chunkInterval: '1 day',
  dimensions: [
    { column: 'sensor', partitions: 2 },
    { column: 'site', interval: 100 },
  ],
})

test('a range dimension: an interval for a timestamp column, a positive integer for an integer one', () => {
  expect(declared.spec.dimensions).toEqual([
    { column: 'sensor', partitions: 2 },
    { column: 'site', interval: 100 },
  ])
  expect(() => hypertable(sites, { time: 'time', dimensions: [{ column: 'site', interval: '1 day' }] })).toThrow(ValidationError)
  expect(() => hypertable(sites, { time: 'time', dimensions: [{ column: 'sensor', interval: 10 }] })).toThrow(
    /timestamp, date or integer column/,
  )
  const wider = hypertable(sites, {
    time: 'time',
    chunkInterval: '1 day',
    dimensions: [
      { column: 'sensor', partitions: 2 },
      { column: 'site', interval: 1000 },
    ],
  })
  expect(planMigration(stateOf([declared]), stateOf([wider])).steps.map((s) => sqlText(s.statement))).toEqual([
    `SELECT set_chunk_time_interval('"public"."site_readings"', 1000, dimension_name => 'site')`,
  ])
  const hashed = hypertable(sites, {
    time: 'time',
    chunkInterval: '1 day',
    dimensions: [
      { column: 'sensor', partitions: 2 },
      { column: 'site', partitions: 4 },
    ],
  })
  expect(() => planMigration(stateOf([declared]), stateOf([hashed]))).toThrow(/cannot change between hash and range/)
})

for (const target of targets) {
  describe(`dimensions on ${target.name}`, () => {
    let db: AnyPgDatabase
    let close: () => Promise<void>
    beforeAll(async () => {
      const t = await target.open()
      db = t.db as AnyPgDatabase
      close = t.close
      await db.execute(sql`create table site_readings (site int not null, sensor text not null, time timestamptz not null, v float8)`)
      await applyDeclarations(db, [declared])
    })
    afterAll(() => close())

    test('generated, applied, no drift; rows land in chunks per site range', async () => {
      expect((await checkDrift(db, stateOf([declared]))).drift).toEqual([])
      await db.execute(
        sql`insert into site_readings select s, 'x' || (s % 3), '2024-01-01T00:00:00Z'::timestamptz, s from generate_series(1, 350) s`,
      )
      const result = await db.execute(sql`select count(*)::int as n from show_chunks('site_readings')`)
      const rows = (Array.isArray(result) ? result : (result as { rows: { n: number }[] }).rows) as { n: number }[]
      // 4 ranges of 100 sites (1-99, 100-199, 200-299, 300-350) x up to 2 hash partitions, one day.
      expect(rows[0]?.n).toBeGreaterThanOrEqual(4)
    })

    test('a range interval changed by hand is drift', async () => {
      await db.execute(sql`select set_chunk_time_interval('site_readings', 50, dimension_name => 'site')`)
      const { drift } = await checkDrift(db, stateOf([declared]))
      expect(drift.map((d) => `${d.what}: ${d.actual} (declared ${d.declared})`)).toEqual(['range interval of site: 50 (declared 100)'])
    })
  })
}
