/*
 * Variance and standard deviation rolled up two levels (5-minute rows -> hourly -> daily ->
 * monthly aggregates) against the raw `var_samp`/`stddev_samp` and an exact two-pass reference
 * computed here: to 1e-9 relative on ordinary data, and within the bound of docs/toolkit.md on
 * data with a mean of 1e6 and a spread of 1e-2, where a sum of squares loses every digit (shown
 * beside it). Then `buckets` of a declared table routed to the monthly level with a variance,
 * OHLC measures, and the percentile and histogram query helpers on every target.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { doublePrecision, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { routedBuckets, routePlans } from '../../src/repository/aggregate-route.ts'
import { checkBucketQuery } from '../../src/repository/bucket-rows.ts'
import { tableShape } from '../../src/repository/table-shape.ts'
import { timescale } from '../../src/repository/timescale.ts'
import { continuousAggregate, histogram, hypertable, measure, percentileCont, percentileDisc } from '../../src/toolkit/index.ts'
import { applyDeclarations } from '../support/apply-declarations.ts'
import { hasTsl, targets } from '../support/targets.ts'

const samples = pgTable(
  'var_samples',
  {
    series: text('series').notNull(),
    time: timestamp('time', { withTimezone: true, mode: 'string' }).notNull(),
    x: doublePrecision('x').notNull(),
  },
  (t) => [primaryKey({ columns: [t.series, t.time] })],
)
const samplesHypertable = hypertable(samples, { time: 'time', chunkInterval: '14 days' })
const spread = { n: measure.count(), total: measure.sum(samples.x), v: measure.variance(samples.x), sd: measure.stddev(samples.x) }
const hourly = continuousAggregate('var_samples_hourly', {
  from: samplesHypertable,
  bucket: '1 hour',
  groupBy: ['series'],
  measures: { ...spread, ...measure.ohlc(samples.x) },
})
// The daily level keeps the standard deviation only: the monthly variance is merged from it.
const daily = continuousAggregate('var_samples_daily', {
  from: hourly,
  bucket: '1 day',
  groupBy: ['series'],
  measures: { n: spread.n, total: spread.total, sd: spread.sd, ...measure.ohlc(samples.x) },
})
const monthly = continuousAggregate('var_samples_monthly', {
  from: daily,
  bucket: '1 month',
  groupBy: ['series'],
  measures: { ...spread, ...measure.ohlc(samples.x) },
})

/** A deterministic generator in [0, 1) (a 32-bit LCG), so every target sees the same rows. */
function uniform(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
}
const START = Date.parse('2025-01-01T00:00:00Z')
const STEP = 5 * 60_000
const COUNT = (59 * 86_400_000) / STEP // January and February 2025
const iso = (ms: number) => new Date(ms).toISOString()
const ordinary = uniform(7)
const needle = uniform(11)
const rows = Array.from({ length: COUNT }, (_, i) => [
  { series: 'ordinary', time: iso(START + i * STEP), x: 20 + 10 * ordinary() + (i % 288) / 100 },
  { series: 'large-mean', time: iso(START + i * STEP), x: 1e6 + 1e-2 * needle() },
]).flat()

/** The sample variance by two passes (the mean, then the squared deviations from it): exact to ~1e-15 here. */
function twoPassVariance(values: readonly number[]): number {
  const mean = values.reduce((s, x) => s + x, 0) / values.length
  return values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1)
}
const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b)
/** The bound docs/toolkit.md states for the merged variance: 64 eps |mean| / stddev relative, and never under 1e-9. */
const bound = (mean: number, sd: number) => Math.max(1e-9, 64 * Number.EPSILON * (Math.abs(mean) / sd))

for (const target of targets.filter(hasTsl)) {
  describe(`variance rolled up two levels on ${target.name}`, () => {
    let db: AnyPgDatabase
    let close: () => Promise<void>
    beforeAll(async () => {
      const t = await target.open({ migrate: false })
      db = t.db as AnyPgDatabase
      close = t.close
      await db.execute(sql`create extension if not exists timescaledb`)
      await db.execute(
        sql`create table var_samples (series text not null, time timestamptz not null, x double precision not null, primary key (series, time))`,
      )
      await applyDeclarations(db, [samplesHypertable, hourly, daily, monthly])
      await timescale(db, samplesHypertable).insertMany(rows)
      for (const name of ['var_samples_hourly', 'var_samples_daily', 'var_samples_monthly']) {
        await db.execute(sql.raw(`call refresh_continuous_aggregate('${name}', null, null)`))
      }
    }, 120_000)
    afterAll(() => close())

    test('monthly variance and stddev equal the raw var_samp/stddev_samp and the exact value', async () => {
      const monthlyRows = (await db.select().from(monthly.view)) as { series: string; bucket: string; n: number; v: number; sd: number }[]
      const raw = (await db.execute(
        sql`select series, to_char(time_bucket('1 month', time) at time zone 'UTC', 'YYYY-MM') as month,
              var_samp(x) as v, stddev_samp(x) as sd from var_samples group by 1, 2`,
      )) as unknown as { series: string; month: string; v: number; sd: number }[]
      const rawRows = Array.isArray(raw) ? raw : ((raw as { rows: typeof raw }).rows ?? [])
      expect(monthlyRows).toHaveLength(4)
      for (const m of monthlyRows) {
        const month = new Date(m.bucket).toISOString().slice(0, 7)
        const values = rows.filter((r) => r.series === m.series && r.time.startsWith(month)).map((r) => r.x)
        expect(m.n).toBe(values.length)
        const exact = twoPassVariance(values)
        const r = rawRows.find((x) => x.series === m.series && x.month === month)
        expect(r).toBeDefined()
        const mean = values.reduce((s, x) => s + x, 0) / values.length
        const limit = m.series === 'ordinary' ? 1e-9 : bound(mean, Math.sqrt(exact))
        expect(relative(m.v, Number(r?.v))).toBeLessThan(limit)
        expect(relative(m.v, exact)).toBeLessThan(limit)
        expect(relative(m.sd, Number(r?.sd))).toBeLessThan(limit)
        expect(relative(m.sd, Math.sqrt(exact))).toBeLessThan(limit)
      }
    })

    test('a sum of squares over the same daily rows loses the large-mean variance (what the merge avoids)', async () => {
      const result = (await db.execute(
        sql`select (sum(power(sd, 2) * (n - 1) + power(total, 2) / n) - power(sum(total), 2) / sum(n)) / (sum(n) - 1) as naive
            from var_samples_daily where series = 'large-mean' and bucket < '2025-02-01'`,
      )) as unknown
      const [row] = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { naive: number }[]
      const january = rows.filter((r) => r.series === 'large-mean' && r.time.startsWith('2025-01')).map((r) => r.x)
      expect(relative(Number(row?.naive), twoPassVariance(january))).toBeGreaterThan(1e-3)
    })

    test('buckets with a variance are routed to the monthly aggregate and equal the raw query', async () => {
      const query = {
        width: '1 month',
        from: '2025-01-01T00:00:00Z',
        to: '2025-03-01T00:00:00Z',
        groupBy: ['series'] as 'series'[],
        measures: { n: measure.count(), v: measure.variance(samples.x), sd: measure.stddev(samples.x), ...measure.ohlc(samples.x) },
        order: 'asc' as const,
      }
      const shape = tableShape(samplesHypertable)
      const q = checkBucketQuery(shape, samples, query)
      const plan = await routedBuckets(db, shape, routePlans(shape, [hourly, daily, monthly], q), q)
      expect(plan?.aggregate.spec.name).toBe('var_samples_monthly')
      const routed = await timescale(db, samplesHypertable, { aggregates: [hourly, daily, monthly] }).buckets(query)
      const raw = await timescale(db, samplesHypertable).buckets(query)
      expect(routed).toHaveLength(4)
      for (const [i, b] of routed.entries()) {
        const r = raw[i] as (typeof raw)[number]
        expect([b.bucket, b.series, b.n, b.open, b.high, b.low, b.close]).toEqual([r.bucket, r.series, r.n, r.open, r.high, r.low, r.close])
        const limit = b.series === 'ordinary' ? 1e-9 : 1e-6
        expect(relative(b.v as number, r.v as number)).toBeLessThan(limit)
        expect(relative(b.sd as number, r.sd as number)).toBeLessThan(limit)
      }
    })
  })
}

for (const target of targets) {
  describe(`percentiles and histograms on ${target.name}`, () => {
    let db: AnyPgDatabase
    let close: () => Promise<void>
    beforeAll(async () => {
      const t = await target.open({ migrate: false })
      db = t.db as AnyPgDatabase
      close = t.close
      await db.execute(sql`create extension if not exists timescaledb`)
      await db.execute(sql`create table var_samples (series text not null, time timestamptz not null, x double precision not null)`)
      await db.execute(
        sql`insert into var_samples select 'a', '2025-01-01'::timestamptz + make_interval(mins => i), i from generate_series(1, 100) i`,
      )
    })
    afterAll(() => close())

    test('percentileCont, percentileDisc and histogram', async () => {
      const [row] = await db
        .select({
          p50: percentileCont(samples.x, 0.5),
          p95: percentileCont(samples.x, 0.95),
          d90: percentileDisc(samples.x, 0.9),
          bins: histogram(samples.x, 0, 100, 4),
        })
        .from(samples)
      expect(row).toEqual({ p50: 50.5, p95: 95.05, d90: 90, bins: [0, 24, 25, 25, 25, 1] })
      expect(() => percentileCont(samples.x, 1.5)).toThrow(/fraction/)
      expect(() => histogram(samples.x, 5, 5, 4)).toThrow(/min < max/)
    })
  })
}
