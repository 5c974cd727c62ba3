import { and, asc, count, eq, gte, lt, max, min, sql } from 'drizzle-orm'
import {
  type AnyPgDatabase,
  type BatchResult,
  getLatestValues,
  insertManyRecords,
  type LatestValue,
  type TimeSeriesInsert,
} from 'drizzle-timescale'
import { hourlyMetrics, timeSeriesData } from 'drizzle-timescale/schema'
import { devices, meterDaily, meterHourly, meterReadings, type NewDevice } from './schema.ts'

/*
 * The app's queries: its own table (`devices`) with drizzle-timescale's typed tables and its
 * continuous aggregate in ordinary Drizzle queries, plus the package's repository functions.
 * Every function takes any Drizzle PostgreSQL database (postgres.js in production, the embedded
 * PGlite in tests) or a transaction.
 */

/** A half-open time range `[from, to)`, ISO 8601 with an offset. */
export interface TimeRange {
  from: string
  to: string
}

/** Registers devices, or updates their site and label. */
export async function registerDevices(db: AnyPgDatabase, list: NewDevice[]): Promise<void> {
  await db
    .insert(devices)
    .values(list)
    .onConflictDoUpdate({
      target: devices.device_id,
      set: { site: sql`excluded.site`, label: sql`excluded.label` },
    })
}

/** Stores readings through the package's fast upsert path (one transaction, idempotent). */
export function recordReadings(db: AnyPgDatabase, readings: TimeSeriesInsert[]): Promise<BatchResult> {
  return insertManyRecords(db, readings)
}

/**
 * The readings of every device of a site in a range, oldest first: a join of the package's
 * hypertable with the app's table. Readings of entities that are not devices are left out.
 */
export function siteReadings(db: AnyPgDatabase, site: string, range: TimeRange) {
  return db
    .select({
      device_id: devices.device_id,
      label: devices.label,
      time: timeSeriesData.time,
      value: timeSeriesData.value,
    })
    .from(timeSeriesData)
    .innerJoin(devices, eq(devices.device_id, timeSeriesData.entity_id))
    .where(and(eq(devices.site, site), gte(timeSeriesData.time, range.from), lt(timeSeriesData.time, range.to)))
    .orderBy(asc(timeSeriesData.time), asc(devices.device_id))
}

/** Per site: how many readings, their average and their maximum, over a range (join + group by). */
export function siteSummary(db: AnyPgDatabase, range: TimeRange) {
  return db
    .select({
      site: devices.site,
      devices: sql<number>`count(distinct ${devices.device_id})`.mapWith(Number),
      readings: count(),
      avg_value: sql<number>`avg(${timeSeriesData.value})`.mapWith(Number),
      max_value: max(timeSeriesData.value),
    })
    .from(timeSeriesData)
    .innerJoin(devices, eq(devices.device_id, timeSeriesData.entity_id))
    .where(and(gte(timeSeriesData.time, range.from), lt(timeSeriesData.time, range.to)))
    .groupBy(devices.site)
    .orderBy(asc(devices.site))
}

/** One device's rows of the `hourly_metrics` continuous aggregate, oldest hour first. */
export function deviceHours(db: AnyPgDatabase, deviceId: string, range: TimeRange) {
  return db
    .select()
    .from(hourlyMetrics)
    .where(and(eq(hourlyMetrics.entity_id, deviceId), gte(hourlyMetrics.hour, range.from), lt(hourlyMetrics.hour, range.to)))
    .orderBy(asc(hourlyMetrics.hour))
}

/**
 * A site's hours, from the continuous aggregate joined with the app's devices: the average
 * weighted by each device's number of readings, the extremes, and the readings counted.
 */
export function siteHours(db: AnyPgDatabase, site: string, range: TimeRange) {
  return db
    .select({
      hour: hourlyMetrics.hour,
      devices: count(),
      data_points: sql<number>`sum(${hourlyMetrics.data_points})`.mapWith(Number),
      avg_value: sql<number>`sum(${hourlyMetrics.avg_value} * ${hourlyMetrics.data_points}) / sum(${hourlyMetrics.data_points})`.mapWith(
        Number,
      ),
      min_value: min(hourlyMetrics.min_value),
      max_value: max(hourlyMetrics.max_value),
    })
    .from(hourlyMetrics)
    .innerJoin(devices, eq(devices.device_id, hourlyMetrics.entity_id))
    .where(and(eq(devices.site, site), gte(hourlyMetrics.hour, range.from), lt(hourlyMetrics.hour, range.to)))
    .groupBy(hourlyMetrics.hour)
    .orderBy(asc(hourlyMetrics.hour))
}

/** The newest reading of each device of a site, by the package's `getLatestValues`. */
export async function latestBySite(db: AnyPgDatabase, site: string): Promise<LatestValue[]> {
  const rows = await db.select({ device_id: devices.device_id }).from(devices).where(eq(devices.site, site)).orderBy(asc(devices.device_id))
  return getLatestValues(
    db,
    rows.map((row) => row.device_id),
  )
}

/** Records meter readings (upserts on `(meter_id, time)`): the app's own hypertable, written with Drizzle. */
export async function recordMeterReadings(db: AnyPgDatabase, rows: (typeof meterReadings.$inferInsert)[]): Promise<void> {
  await db
    .insert(meterReadings)
    .values(rows)
    .onConflictDoUpdate({ target: [meterReadings.meterId, meterReadings.time], set: { kwh: sql`excluded.kwh` } })
}

/** A meter's days from the daily aggregate (rolled up from the hourly one), oldest first. */
export function meterDays(db: AnyPgDatabase, meterId: string, range: TimeRange) {
  const day = meterDaily.view
  return db
    .select()
    .from(day)
    .where(and(eq(day.meterId, meterId), gte(day.bucket, range.from), lt(day.bucket, range.to)))
    .orderBy(asc(day.bucket))
}

/** A meter's hours from the hourly aggregate, oldest first. */
export function meterHours(db: AnyPgDatabase, meterId: string, range: TimeRange) {
  const hour = meterHourly.view
  return db
    .select({ hour: hour.bucket, total_kwh: hour.total_kwh, readings: hour.readings })
    .from(hour)
    .where(and(eq(hour.meterId, meterId), gte(hour.bucket, range.from), lt(hour.bucket, range.to)))
    .orderBy(asc(hour.bucket))
}
