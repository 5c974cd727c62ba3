/*
 * The declarations alone (no database): what they accept, what they refuse with a typed error
 * naming the option, the SQL of an aggregate's definition and its rollup rules, and the types of
 * the aggregate's view.
 */
import { describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { doublePrecision, getMaterializedViewConfig, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'
import { ValidationError } from '../../src/errors.ts'
import { continuousAggregate, hypertable, measure, stateOf } from '../../src/toolkit/index.ts'
import { daily, hourly, readings, readingsHypertable } from './device-schema.ts'

function refused(fn: () => unknown): ValidationError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError)
    return error as ValidationError
  }
  throw new Error('expected a ValidationError')
}

describe('hypertable()', () => {
  test('normalizes the declaration to SQL names and canonical intervals, with TimescaleDB defaults', () => {
    expect(readingsHypertable.spec).toEqual({
      schema: 'public',
      name: 'device_readings',
      time: 'time',
      chunkInterval: '1 day',
      dimensions: [],
      createDefaultIndexes: true,
      compression: { segmentBy: ['device_id'], orderBy: ['time DESC'], after: '7 days' },
      retention: '2 years',
    })
    const bare = hypertable(readings, { time: 'time' })
    expect(bare.spec.chunkInterval).toBe('7 days')
    expect(bare.spec.compression).toBeNull()
  })

  test('refuses what TimescaleDB would refuse, naming the option', () => {
    // @ts-expect-error: not a column key of the table (a compile error too)
    expect(refused(() => hypertable(readings, { time: 'tim' })).details.field).toBe('time')
    expect(refused(() => hypertable(readings, { time: 'deviceId' })).message).toContain('must be a timestamp')
    expect(refused(() => hypertable(readings, { time: 'time', chunkInterval: '1 fortnight' })).details.field).toBe('chunkInterval')
    expect(refused(() => hypertable(readings, { time: 'time', retention: "1 year'; drop table x; --" })).details.field).toBe('retention')
    expect(refused(() => hypertable(readings, { time: 'time', dimensions: [{ column: 'deviceId', partitions: 0 }] })).details.field).toBe(
      'dimensions[0].partitions',
    )
    // @ts-expect-error: not a column key
    expect(refused(() => hypertable(readings, { time: 'time', compression: { segmentBy: ['device'] } })).details.field).toBe(
      'compression.segmentBy[0]',
    )
    const keyed = pgTable('keyed', { id: text('id').primaryKey(), time: timestamp('time', { withTimezone: true }).notNull() })
    const e = refused(() => hypertable(keyed, { time: 'time' }))
    expect(e.details.field).toBe('table')
    expect(e.message).toContain('primary key (id) without time')
    // TimescaleDB counts a month as 30 days: '1 year' would be 360-day chunks without a word.
    const yearly = refused(() => hypertable(readings, { time: 'time', chunkInterval: '1 year' }))
    expect(yearly.details.field).toBe('chunkInterval')
    expect(yearly.message).toContain("'1 year' would be 360 days")
    expect(hypertable(readings, { time: 'time', chunkInterval: '365 days' }).spec.chunkInterval).toBe('365 days')
  })
})

describe('continuousAggregate()', () => {
  test('a first level aggregates the hypertable; the coarser one rolls each measure up exactly', () => {
    expect(hourly.spec.definition).toBe(
      'SELECT time_bucket(INTERVAL \'1 hour\', "device_readings"."time") AS "bucket", "device_readings"."device_id", ' +
        'avg("device_readings"."temperature") AS "avg_temp", sum("device_readings"."temperature") AS "sum_temp", ' +
        'count("device_readings"."temperature") AS "n_temp", max("device_readings"."temperature") AS "max_temp", ' +
        'min("device_readings"."battery") AS "min_battery", last("device_readings"."battery", "device_readings"."time") AS "last_battery", ' +
        'count(*) AS "readings" FROM "device_readings" GROUP BY 1, 2',
    )
    expect(daily.spec.definition).toBe(
      'SELECT time_bucket(INTERVAL \'1 day\', "bucket") AS "bucket", "device_id", ' +
        'sum("sum_temp") / nullif(sum("n_temp"), 0) AS "avg_temp", max("max_temp") AS "max_temp", min("min_battery") AS "min_battery", ' +
        'last("last_battery", "bucket") AS "last_battery", sum("readings")::bigint AS "readings" FROM "public"."device_readings_hourly" GROUP BY 1, 2',
    )
    expect(daily.spec.source).toBe('public.device_readings_hourly')
    expect(daily.spec.hypertable).toBe('public.device_readings')
    expect(daily.spec.materializedOnly).toBe(true)
    expect(hourly.spec.materializedOnly).toBe(false)
  })

  test('an average of averages is refused: the coarser average needs the finer sum and count', () => {
    const onlyAvg = continuousAggregate('h', {
      from: readingsHypertable,
      bucket: '1 hour',
      measures: { t: measure.avg(readings.temperature) },
    })
    const e = refused(() =>
      continuousAggregate('d', { from: onlyAvg, bucket: '1 day', measures: { t: measure.avg(readings.temperature) } }),
    )
    expect(e.details.field).toBe('measures.t')
    expect(e.message).toContain('needs sum(temperature) and count(temperature) in h: an average of averages is not an average')
    // A NOT NULL column's count(*) counts its values: enough for the average.
    const battery = continuousAggregate('hb', {
      from: readingsHypertable,
      bucket: '1 hour',
      measures: { s: measure.sum(readings.battery), n: measure.count() },
    })
    const days = continuousAggregate('db', { from: battery, bucket: '1 day', measures: { avg: measure.avg(readings.battery) } })
    expect(days.spec.definition).toContain('sum("s") / nullif(sum("n"), 0) AS "avg"')
  })

  test('refuses a group-by the finer level lacks, a bucket that is not a multiple, an sql measure to roll up, a short refresh window', () => {
    const group = refused(() =>
      continuousAggregate('x', {
        from: continuousAggregate('y', { from: readingsHypertable, bucket: '1 hour', measures: { n: measure.count() } }),
        bucket: '1 day',
        groupBy: ['deviceId'],
        measures: { n: measure.count() },
      }),
    )
    expect(group.details.field).toBe('groupBy[0]')
    expect(
      refused(() => continuousAggregate('x', { from: hourly, bucket: '90 minutes', measures: { readings: measure.count() } })).details
        .field,
    ).toBe('bucket')
    const p95 = continuousAggregate('p', {
      from: readingsHypertable,
      bucket: '1 hour',
      measures: {
        p95: measure.sql<number>(sql`percentile_cont(0.95) within group (order by ${readings.temperature})`, 'double precision'),
      },
    })
    expect(
      refused(() => continuousAggregate('q', { from: p95, bucket: '1 day', measures: { p95: p95.measures.p95 as never } })).message,
    ).toContain('cannot be rolled up')
    const window = refused(() =>
      continuousAggregate('w', {
        from: readingsHypertable,
        bucket: '1 hour',
        measures: { n: measure.count() },
        refresh: { startOffset: '90 minutes', endOffset: '1 hour', every: '1 hour' },
      }),
    )
    expect(window.details.field).toBe('refresh.startOffset')
    const other = pgTable('other', { v: doublePrecision('v') })
    expect(
      refused(() => continuousAggregate('o', { from: readingsHypertable, bucket: '1 hour', measures: { v: measure.max(other.v) } })).details
        .field,
    ).toBe('measures.v')
    expect(
      refused(() => continuousAggregate('has"quote', { from: readingsHypertable, bucket: '1 hour', measures: { n: measure.count() } }))
        .details.field,
    ).toBe('name')
  })

  test('the view is typed from the table: group keys keep their TypeScript names, measures their types', () => {
    type Row = typeof daily.view.$inferSelect
    const row: Row = {
      bucket: '2024-01-01 00:00:00+00',
      deviceId: 'd-1',
      avg_temp: 1.5,
      max_temp: null,
      min_battery: 80,
      last_battery: 79,
      readings: 24,
    }
    // @ts-expect-error: readings is a count, a number
    const wrong: Row = { ...row, readings: 'many' }
    void wrong
    expect(Object.keys(getMaterializedViewConfig(daily.view).selectedFields)).toEqual([
      'bucket',
      'deviceId',
      'avg_temp',
      'max_temp',
      'min_battery',
      'last_battery',
      'readings',
    ])
    expect(daily.view.deviceId.name).toBe('device_id')
  })

  test('stateOf collects the declarations of a module, sources first, and refuses two different ones of one name', () => {
    const state = stateOf([daily]) // hourly and the hypertable come with it
    expect(Object.keys(state.hypertables)).toEqual(['public.device_readings'])
    expect(Object.keys(state.aggregates)).toEqual(['public.device_readings_hourly', 'public.device_readings_daily'])
    const again = hypertable(readings, { time: 'time', chunkInterval: '2 days' })
    expect(refused(() => stateOf([readingsHypertable, again])).details.field).toBe('declarations')
    const keyed = pgTable('k2', { id: text('id'), time: timestamp('time').notNull() }, (t) => [primaryKey({ columns: [t.id, t.time] })])
    expect(stateOf([hypertable(keyed, { time: 'time' }), 'not a declaration', 42]).hypertables['public.k2']?.time).toBe('time')
  })
})
