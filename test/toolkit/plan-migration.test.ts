/*
 * planMigration and the DDL builders as SQL text (no database): only what changed, in an order
 * that works (coarser aggregates dropped before what they read, created after), and the changes
 * TimescaleDB cannot make in place refused.
 */
import { describe, expect, test } from 'bun:test'
import { ValidationError } from '../../src/errors.ts'
import { createHypertableSql } from '../../src/toolkit/ddl/hypertable-sql.ts'
import { continuousAggregate, EMPTY_STATE, hypertable, measure, planMigration, renderMigration, stateOf } from '../../src/toolkit/index.ts'
import { sqlText } from '../../src/toolkit/sql-text.ts'
import { daily, hourly, readings, readingsHypertable } from './device-schema.ts'

const base = stateOf([daily])
const texts = (plan: ReturnType<typeof planMigration>) => plan.steps.map((s) => sqlText(s.statement))

describe('the DDL builders', () => {
  test('create_hypertable and add_dimension, idempotent, names quoted', () => {
    const table = hypertable(readings, { time: 'time', chunkInterval: '6 hours', dimensions: [{ column: 'deviceId', partitions: 4 }] })
    expect(createHypertableSql(table.spec).map(sqlText)).toEqual([
      `SELECT create_hypertable('"public"."device_readings"', by_range('time', INTERVAL '6 hours'), create_default_indexes => TRUE, if_not_exists => TRUE, migrate_data => TRUE)`,
      `SELECT add_dimension('"public"."device_readings"', by_hash('device_id', 4), if_not_exists => TRUE)`,
    ])
  })

  test('the first migration: every object, the aggregates in dependency order, TSL parts guarded', () => {
    const plan = planMigration(EMPTY_STATE, base)
    expect(plan.steps.map((s) => s.comment)).toEqual([
      'public.device_readings becomes a hypertable: chunks of 1 day on time',
      'public.device_readings: columnstore segmented by device_id, ordered by time DESC',
      'public.device_readings: chunks older than 7 days go to the columnstore',
      'public.device_readings: chunks older than 2 years are dropped',
      'public.device_readings_hourly: a continuous aggregate of public.device_readings in buckets of 1 hour, refreshed every 1 hour from 1 day to 1 hour ago',
      'public.device_readings_daily: a continuous aggregate of public.device_readings_hourly in buckets of 1 day, refreshed every 1 day from 7 days to 1 day ago',
    ])
    const [, columnstore, policy, retention, aggregate] = texts(plan)
    for (const guarded of [columnstore, policy, retention, aggregate]) {
      expect(guarded).toContain(`IF coalesce(current_setting('timescaledb.license', true), 'apache') <> 'timescale' THEN`)
    }
    expect(columnstore).toContain(
      `timescaledb.enable_columnstore = true, timescaledb.segmentby = '"device_id"', timescaledb.orderby = '"time" DESC'`,
    )
    expect(columnstore).toContain(`timescaledb.compress, timescaledb.compress_segmentby = '"device_id"'`)
    expect(columnstore).toContain('>= ARRAY[2, 18]')
    expect(policy).not.toContain('remove_') // a new hypertable has no policy to replace
    expect(aggregate).toContain('WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS')
    expect(aggregate).toContain('WITH NO DATA')
    expect(aggregate).toContain("start_offset => INTERVAL '1 day',")
    expect(renderMigration(plan).split('--> statement-breakpoint')).toHaveLength(6)
  })

  test('no change, no statement', () => {
    expect(planMigration(base, stateOf([daily])).steps).toEqual([])
  })

  test('a changed aggregate is dropped and created again with every aggregate on it, with a warning', () => {
    const hourly2 = continuousAggregate('device_readings_hourly', {
      from: readingsHypertable,
      bucket: '1 hour',
      groupBy: ['deviceId'],
      measures: { ...hourly.measures, min_temp: measure.min(readings.temperature) },
      realTime: true,
      refresh: { startOffset: '1 day', endOffset: '1 hour', every: '1 hour' },
    })
    const daily2 = continuousAggregate('device_readings_daily', {
      from: hourly2,
      bucket: '1 day',
      groupBy: ['deviceId'],
      measures: {
        avg_temp: measure.avg(readings.temperature),
        max_temp: measure.max(readings.temperature),
        min_battery: measure.min(readings.battery),
        last_battery: measure.last(readings.battery),
        readings: measure.count(),
      },
      refresh: { startOffset: '7 days', endOffset: '1 day', every: '1 day' },
    })
    const plan = planMigration(base, stateOf([daily2]))
    expect(texts(plan).map((t) => t.split('\n')[0])).toEqual([
      'DROP MATERIALIZED VIEW IF EXISTS "public"."device_readings_daily"',
      'DROP MATERIALIZED VIEW IF EXISTS "public"."device_readings_hourly"',
      'DO $dts$',
      'DO $dts$',
    ])
    expect(texts(plan)[2]).toContain('min("device_readings"."temperature") AS "min_temp"')
    expect(plan.warnings).toHaveLength(2)
    expect(plan.warnings[0]).toContain('public.device_readings_daily is dropped and created again WITH NO DATA')
    expect(renderMigration(plan)).toContain('-- WARNING: public.device_readings_hourly is dropped and created again')
  })

  test('policies and real-time change in place; dimensions are added or re-partitioned; an aggregate removed is dropped', () => {
    const table = hypertable(readings, {
      time: 'time',
      chunkInterval: '1 day',
      dimensions: [{ column: 'deviceId', partitions: 8 }],
      compression: { segmentBy: ['deviceId'], after: '30 days' },
    })
    const plan = planMigration(stateOf([readingsHypertable, hourly]), stateOf([table]))
    expect(plan.steps.map((s) => s.comment)).toEqual([
      'public.device_readings_hourly is no longer declared: dropped',
      'public.device_readings: 8 hash partitions on device_id (TimescaleDB refuses a new dimension while the table has rows)',
      'public.device_readings: chunks older than 30 days go to the columnstore',
      'public.device_readings: retention policy removed',
    ])
    const repartitioned = hypertable(readings, {
      time: 'time',
      chunkInterval: '1 day',
      dimensions: [{ column: 'deviceId', partitions: 2 }],
      compression: { segmentBy: ['deviceId'], after: '30 days' },
    })
    expect(texts(planMigration(stateOf([table]), stateOf([repartitioned])))).toEqual([
      `SELECT set_number_partitions('"public"."device_readings"', 2, 'device_id')`,
    ])
    const realTime = continuousAggregate('device_readings_hourly', {
      from: readingsHypertable,
      bucket: '1 hour',
      groupBy: ['deviceId'],
      measures: hourly.measures,
      refresh: null,
    })
    expect(planMigration(stateOf([hourly]), stateOf([realTime])).steps.map((s) => s.comment)).toEqual([
      'public.device_readings_hourly: materialized rows only',
      'public.device_readings_hourly: refresh policy removed',
    ])
  })

  test('what TimescaleDB cannot change in place is refused', () => {
    const other = hypertable(readings, { time: 'time', chunkInterval: '1 day' })
    const withDimension = hypertable(readings, {
      time: 'time',
      chunkInterval: '1 day',
      dimensions: [{ column: 'deviceId', partitions: 4 }],
    })
    expect(() => planMigration(stateOf([withDimension]), stateOf([other]))).toThrow(ValidationError)
    const moved = stateOf([other])
    const spec = moved.hypertables['public.device_readings']
    if (spec) moved.hypertables['public.device_readings'] = { ...spec, time: 'created_at' }
    expect(() => planMigration(stateOf([other]), moved)).toThrow(/cannot change from time to created_at/)
  })
})
