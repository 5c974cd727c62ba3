/*
 * The query helpers in a project's own Drizzle queries on every target: timeBucket (time zone,
 * origin, offset) in select and groupBy, gap filling with locf and interpolate, first/last, and
 * latestPerKey against DISTINCT ON. Expected values are computed independently (in JS or by
 * plain SQL), never by the helper under test.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { and, asc, count, gte, lt, sql } from 'drizzle-orm'
import { ValidationError } from '../../src/errors.ts'
import type { AnyPgDatabase } from '../../src/internal/query-rows.ts'
import { toTimescaleError } from '../../src/to-timescale-error.ts'
import { first, hypertable, interpolate, last, latestPerKey, locf, timeBucket, timeBucketGapfill } from '../../src/toolkit/index.ts'
import { applyDeclarations } from '../support/apply-declarations.ts'
import { targets } from '../support/targets.ts'

// The table without the fixture's policies: the data is dated 2024, and on a server whose
// scheduler runs, a retention policy would drop it while the tests read it.
const readingsHypertable = hypertable(readings, { time: 'time', chunkInterval: '1 day' })

import { readings } from './device-schema.ts'

for (const target of targets) {
  describe(`query helpers on ${target.name}`, () => {
    let db: AnyPgDatabase
    let close: () => Promise<void>
    beforeAll(async () => {
      const t = await target.open()
      db = t.db as AnyPgDatabase
      close = t.close
      await db.execute(sql`create table device_readings (device_id text not null, time timestamptz not null,
        temperature double precision, battery integer not null, primary key (device_id, time))`)
      await applyDeclarations(db, [readingsHypertable])
      // Every 20 minutes on 2024-03-30/31 (Europe/Berlin's DST switch: 2024-03-31 02:00 local), 3 devices;
      // device d2 has no rows from 10:00 to 14:00 UTC on the 30th.
      await db.execute(sql`insert into device_readings
        select 'd' || d, t, extract(epoch from t) / 3600 + d, 100 - d
        from generate_series(0, 2) d, generate_series('2024-03-30T00:00:00Z'::timestamptz, '2024-03-31T23:40:00Z', interval '20 minutes') t
        where not (d = 2 and t >= '2024-03-30T10:00:00Z' and t < '2024-03-30T14:00:00Z')`)
    })
    afterAll(() => close())

    test('timeBucket in a time zone gives local days, the DST day 23 hours long', async () => {
      const day = timeBucket(readings.time, '1 day', { timeZone: 'Europe/Berlin' })
      const rows = await db.select({ day, n: count() }).from(readings).groupBy(day).orderBy(day)
      // Local midnights: 2024-03-29T23:00Z (UTC+1), 2024-03-30T23:00Z (UTC+2 after the switch), 2024-03-31T22:00Z.
      const perDay = (from: string, to: string) => {
        let n = 0
        for (let t = Date.parse('2024-03-30T00:00:00Z'); t <= Date.parse('2024-03-31T23:40:00Z'); t += 20 * 60_000) {
          if (t < Date.parse(from) || t >= Date.parse(to)) continue
          const gap = t >= Date.parse('2024-03-30T10:00:00Z') && t < Date.parse('2024-03-30T14:00:00Z')
          n += gap ? 2 : 3
        }
        return n
      }
      expect(rows.map((r) => [new Date(String(r.day)).toISOString(), r.n])).toEqual([
        ['2024-03-29T23:00:00.000Z', perDay('2024-03-29T23:00:00Z', '2024-03-30T23:00:00Z')],
        ['2024-03-30T23:00:00.000Z', perDay('2024-03-30T23:00:00Z', '2024-03-31T22:00:00Z')],
        ['2024-03-31T22:00:00.000Z', perDay('2024-03-31T22:00:00Z', '2024-04-01T22:00:00Z')],
      ])
    })

    test('origin and offset shift the buckets', async () => {
      const from = '2024-03-30T00:00:00Z'
      const to = '2024-03-30T03:00:00Z'
      const inRange = and(gte(readings.time, from), lt(readings.time, to))
      const byOrigin = timeBucket(readings.time, '1 hour', { origin: '2024-01-01T00:30:00Z' })
      const a = await db.select({ b: byOrigin }).from(readings).where(inRange).groupBy(byOrigin).orderBy(byOrigin)
      expect(a.map((r) => new Date(String(r.b)).toISOString())).toEqual([
        '2024-03-29T23:30:00.000Z',
        '2024-03-30T00:30:00.000Z',
        '2024-03-30T01:30:00.000Z',
        '2024-03-30T02:30:00.000Z',
      ])
      const byOffset = timeBucket(readings.time, '1 hour', { offset: '15 minutes' })
      const b = await db.select({ b: byOffset }).from(readings).where(inRange).groupBy(byOffset).orderBy(byOffset)
      expect(new Date(String(b[0]?.b)).toISOString()).toBe('2024-03-29T23:15:00.000Z')
      expect(() => timeBucket(readings.time, '1 hour', { offset: "1 hour'; --" })).toThrow(ValidationError)
    })

    test('gap filling: every hour has a row; locf carries the last value, interpolate draws the line', async () => {
      const from = '2024-03-30T08:00:00Z'
      const to = '2024-03-30T16:00:00Z'
      const hour = timeBucketGapfill(readings.time, '1 hour', { start: from, finish: to })
      const avgTemp = sql<number>`avg(${readings.temperature})`
      const query = db
        .select({ hour, raw: sql<number | null>`avg(${readings.temperature})`, carried: locf(avgTemp), line: interpolate(avgTemp) })
        .from(readings)
        .where(and(sql`${readings.deviceId} = 'd2'`, gte(readings.time, from), lt(readings.time, to)))
        .groupBy(hour)
        .orderBy(hour)
      if (target.license !== 'timescale') {
        // Gap filling is a TSL function: the Apache edition refuses it, and the package's error
        // mapping makes that FEATURE_NOT_LICENSED.
        const error = await query.then(
          () => null,
          (e: unknown) => e,
        )
        expect(toTimescaleError(error).code).toBe('FEATURE_NOT_LICENSED')
        return
      }
      const rows = await query
      expect(rows).toHaveLength(8)
      // Hourly average of d2 at hour h (UTC, from the epoch): h + 1/3 + 2 (readings at :00, :20, :40).
      const hoursOf = (iso: string) => Date.parse(iso) / 3_600_000
      const at = (i: number) => hoursOf(from) + i + 1 / 3 + 2
      const gap = rows.slice(2, 6)
      expect(gap.map((r) => r.raw)).toEqual([null, null, null, null])
      for (const r of gap) expect(Number(r.carried)).toBeCloseTo(at(1), 9)
      gap.forEach((r, i) => {
        expect(Number(r.line)).toBeCloseTo(at(i + 2), 9)
      })
    })

    test('first and last by time, per device', async () => {
      const rows = await db
        .select({
          device: readings.deviceId,
          opening: first(readings.battery, readings.time),
          closing: last(readings.temperature, readings.time),
        })
        .from(readings)
        .groupBy(readings.deviceId)
        .orderBy(asc(readings.deviceId))
      const lastHour = Date.parse('2024-03-31T23:40:00Z') / 3_600_000
      expect(rows.map((r) => [r.device, r.opening])).toEqual([
        ['d0', 100],
        ['d1', 99],
        ['d2', 98],
      ])
      rows.forEach((r, d) => {
        expect(Number(r.closing)).toBeCloseTo(lastHour + d, 9)
      })
    })

    test('latestPerKey gives what DISTINCT ON gives, in the order of the keys, typed as the table', async () => {
      const latest = await latestPerKey(db, readingsHypertable, 'deviceId', ['d2', 'missing', 'd0', 'd2'])
      const want = await db.execute(sql`select distinct on (device_id) device_id, time, temperature, battery
        from device_readings order by device_id, time desc`)
      const rows = (Array.isArray(want) ? want : (want as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[]
      const byId = new Map(rows.map((r) => [r.device_id, r]))
      expect(latest.map((r) => r.deviceId)).toEqual(['d2', 'd0'])
      for (const row of latest) {
        expect(row.battery).toBe(Number(byId.get(row.deviceId)?.battery))
        expect(Date.parse(String(row.time))).toBe(Date.parse('2024-03-31T23:40:00Z'))
      }
      expect(await latestPerKey(db, readingsHypertable, 'deviceId', [])).toEqual([])
    })
  })
}
