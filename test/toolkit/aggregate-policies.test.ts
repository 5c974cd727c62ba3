/*
 * A continuous aggregate's own columnstore and retention, declared in `continuousAggregate(...)`:
 * generated with it, changed by a small migration of its own, drift-checked, and working (its
 * compression policy, run now, compresses the materialization's old chunks and the aggregate
 * still answers the same). On the Apache edition the migration skips them with a notice.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { doublePrecision, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import { ValidationError } from '../../src/errors.ts'
import { type AnyPgDatabase, queryRows } from '../../src/internal/query-rows.ts'
import { setJobsScheduled } from '../../src/jobs/set-jobs-scheduled.ts'
import { listChunks, listJobs, refreshContinuousAggregate, runJob } from '../../src/operations/index.ts'
import {
  type ContinuousAggregateOptions,
  checkDrift,
  continuousAggregate,
  EMPTY_STATE,
  hypertable,
  measure,
  planMigration,
  stateOf,
  type TimescaleState,
} from '../../src/toolkit/index.ts'
import { applyDeclarations } from '../support/apply-declarations.ts'
import { targets } from '../support/targets.ts'

const meters = pgTable('agg_meters', {
  meter: text('meter').notNull(),
  time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
  kwh: doublePrecision('kwh').notNull(),
})
const metersHypertable = hypertable(meters, { time: 'time', chunkInterval: '7 days' })
type Options = Partial<ContinuousAggregateOptions<typeof meters, 'meter', Record<string, never>, 'bucket'>>
const dailyOf = (options: Options) =>
  continuousAggregate('agg_meters_daily', {
    from: metersHypertable,
    bucket: '1 day',
    groupBy: ['meter'],
    measures: { n: measure.count(), kwh: measure.sum(meters.kwh) },
    refresh: { startOffset: '30 days', endOffset: '1 day', every: '1 hour' },
    ...options,
  })
const v1 = stateOf([metersHypertable, dailyOf({ compression: { after: '60 days' }, retention: '3 years' })])
const v2 = stateOf([metersHypertable, dailyOf({ compression: { after: '90 days' } })])

test('the columnstore must reach further back than the refresh window', () => {
  expect(() => dailyOf({ compression: { after: '7 days' } })).toThrow(ValidationError)
  expect(() => dailyOf({ compression: { after: '7 days' } })).toThrow(/^compression.after must be older than refresh.startOffset/)
  expect(() => dailyOf({ compression: { after: '60 days' }, refresh: { startOffset: null, endOffset: '1 day', every: '1 hour' } })).toThrow(
    /^compression.after needs a refresh.startOffset/,
  )
})

test('a change of the columnstore or retention is one step each; a snapshot from before they existed plans nothing', () => {
  const plan = planMigration(v1, v2)
  expect(plan.steps.map((s) => s.comment)).toEqual([
    'public.agg_meters_daily: its chunks older than 90 days go to the columnstore',
    'public.agg_meters_daily: retention policy removed',
  ])
  const old = JSON.parse(JSON.stringify(stateOf([metersHypertable, dailyOf({})]))) as TimescaleState
  for (const spec of Object.values(old.aggregates)) {
    delete spec.compression
    delete spec.retention
  }
  expect(planMigration(old, stateOf([metersHypertable, dailyOf({})])).steps).toEqual([])
})

for (const target of targets) {
  const tsl = target.license === 'timescale'
  describe(`an aggregate's own columnstore and retention on ${target.name}`, () => {
    let db: AnyPgDatabase
    let close: () => Promise<void>
    const apply = (from: TimescaleState, to: TimescaleState) => applyDeclarations(db, to, from)
    beforeAll(async () => {
      const t = await target.open({ migrate: false })
      db = t.db as AnyPgDatabase
      close = t.close
      await db.execute(sql`create extension if not exists timescaledb`)
      await db.execute(sql`create table agg_meters (meter text not null, time timestamptz not null, kwh double precision not null)`)
      await apply(EMPTY_STATE, v1)
      await setJobsScheduled(db, false)
    })
    afterAll(() => close())

    if (!tsl) {
      test('Apache: skipped, and check says what it did not compare', async () => {
        const report = await checkDrift(db, v1)
        expect(report.drift).toEqual([])
        expect(report.notChecked).toContain('public.agg_meters_daily: continuous aggregates need the Timescale license')
      })
      return
    }

    test('generated with its policies; a change is drift until migrated', async () => {
      expect((await checkDrift(db, v1)).drift).toEqual([])
      const jobs = await listJobs(db, { target: 'agg_meters_daily' })
      expect(jobs.map((j) => [j.procName, j.config?.compress_after ?? j.config?.drop_after ?? j.config?.start_offset]).sort()).toEqual([
        ['policy_compression', '60 days'],
        ['policy_refresh_continuous_aggregate', '30 days'],
        ['policy_retention', '3 years'],
      ])
      expect((await checkDrift(db, v2)).drift.map((d) => `${d.what}: ${d.actual} -> ${d.declared}`)).toEqual([
        'columnstore after: 60 days -> 90 days',
        'retention: 3 years -> none',
      ])
      await apply(v1, v2)
      expect((await checkDrift(db, v2)).drift).toEqual([])
    })

    test('its compression policy compresses the old buckets; the aggregate answers the same', async () => {
      await db.execute(
        sql`insert into agg_meters select m, '2025-01-01'::timestamptz + make_interval(hours => h), h % 7 from unnest(array['m1', 'm2']) m, generate_series(0, 24 * 60 - 1) h`,
      )
      await refreshContinuousAggregate(db, 'agg_meters_daily')
      const read = () =>
        queryRows<{ n: number; kwh: number }>(db, sql`select sum(n)::int as n, sum(kwh)::float8 as kwh from agg_meters_daily`)
      const before = await read()
      const [policy] = (await listJobs(db, { target: 'agg_meters_daily' })).filter((j) => j.procName === 'policy_compression')
      await runJob(db, policy?.id as number)
      // An aggregate's chunks are those of its materialization hypertable.
      const chunks = await listChunks(db, 'agg_meters_daily')
      expect(chunks.length).toBeGreaterThan(0)
      expect(chunks.every((c) => c.compressed)).toBe(true)
      expect(await read()).toEqual(before)
      expect(before[0]?.n).toBe(2 * 24 * 60)
    })
  })
}
