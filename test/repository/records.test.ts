import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { ValidationError } from '../../src/errors.ts'
import { queryRows } from '../../src/internal/query-rows.ts'
import { getRecords, insertRecord } from '../../src/repository/index.ts'
import { type TestDatabase, targets } from '../support/targets.ts'
import { countRows } from './support.ts'

const day = { from: '2024-01-15T00:00:00Z', to: '2024-01-16T00:00:00Z' }

for (const target of targets) {
  describe(`insertRecord and getRecords on ${target.name}`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await target.open()
    })
    afterAll(() => t.close())

    test('microseconds survive the round trip', async () => {
      await insertRecord(t.db, { entity_id: 'rec-micro', time: '2024-01-15T10:30:00.123456Z', value: 23.5 })
      const rows = await getRecords(t.db, 'rec-micro', day)
      expect(rows).toEqual([
        {
          entity_id: 'rec-micro',
          time: '2024-01-15T10:30:00.123456Z',
          value: 23.5,
          value2: null,
          value3: null,
          value4: null,
          metadata: null,
        },
      ])
      const [stored] = await queryRows<{ us: string }>(
        t.db,
        sql`select to_char(time, 'US') as us from time_series_data where entity_id = 'rec-micro'`,
      )
      expect(stored?.us).toBe('123456')
    })

    test('an offset input is stored as the same instant and read back in UTC', async () => {
      await insertRecord(t.db, { entity_id: 'rec-offset', time: '2024-01-15T16:00:00.000001+05:30', value: 1 })
      await insertRecord(t.db, { entity_id: 'rec-offset', time: '2024-01-15T02:00:00-0800', value: 2 })
      await insertRecord(t.db, { entity_id: 'rec-offset', time: new Date('2024-01-15T12:00:00.250Z'), value: 3 })
      const rows = await getRecords(t.db, 'rec-offset', { ...day, order: 'asc' })
      expect(rows.map((r) => [r.time, r.value])).toEqual([
        ['2024-01-15T10:00:00.000000Z', 2],
        ['2024-01-15T10:30:00.000001Z', 1],
        ['2024-01-15T12:00:00.250000Z', 3],
      ])
      const [row] = await queryRows<{ ok: boolean }>(
        t.db,
        sql`select bool_and(time = any(array['2024-01-15 10:00:00+00', '2024-01-15 10:30:00.000001+00', '2024-01-15 12:00:00.25+00']::timestamptz[])) as ok
            from time_series_data where entity_id = 'rec-offset'`,
      )
      expect(row?.ok).toBe(true)
    })

    test('every column round-trips: numbers as numbers, metadata exactly', async () => {
      const metadata = {
        quote: 'he said "hi"',
        backslash: 'C:\\temp\\new',
        unicode: 'Zürich ✓ 😀 \u2028 \t\n',
        nested: { list: [1, null, -2.5e-7, true, { deep: ['x'] }], empty: {}, none: [] },
        looksLikeSql: "'); drop table time_series_data; --",
        big: 1.7976931348623157e308,
      }
      const record = { entity_id: 'rec-all', time: '2024-01-15T01:00:00Z', value: -0.1, value2: 0, value3: 5e-324, value4: -1e21, metadata }
      await insertRecord(t.db, record)
      const [row] = await getRecords(t.db, 'rec-all', day)
      expect(row).toEqual({ ...record, time: '2024-01-15T01:00:00.000000Z' })
      expect(typeof row?.value3).toBe('number')
    })

    test('a second insert with the same entity and instant replaces the record (upsert)', async () => {
      await insertRecord(t.db, { entity_id: 'rec-upsert', time: '2024-01-15T03:00:00Z', value: 1, value2: 2, metadata: { v: 1 } })
      await insertRecord(t.db, { entity_id: 'rec-upsert', time: '2024-01-15T04:00:00+01:00', value: 10 })
      expect(await getRecords(t.db, 'rec-upsert', day)).toEqual([
        {
          entity_id: 'rec-upsert',
          time: '2024-01-15T03:00:00.000000Z',
          value: 10,
          value2: null,
          value3: null,
          value4: null,
          metadata: null,
        },
      ])
    })

    test('the range is half-open: from included, to excluded', async () => {
      for (const [time, value] of [
        ['2024-01-15T05:59:59.999999Z', 0],
        ['2024-01-15T06:00:00Z', 1],
        ['2024-01-15T06:59:59.999999Z', 2],
        ['2024-01-15T07:00:00Z', 3],
      ] as const) {
        await insertRecord(t.db, { entity_id: 'rec-bounds', time, value })
      }
      const rows = await getRecords(t.db, 'rec-bounds', { from: '2024-01-15T06:00:00Z', to: '2024-01-15T07:00:00Z', order: 'asc' })
      expect(rows.map((r) => r.value)).toEqual([1, 2])
    })

    test('newest first by default, oldest first with asc, limit applies after ordering', async () => {
      for (let i = 0; i < 5; i++) await insertRecord(t.db, { entity_id: 'rec-order', time: `2024-01-15T0${i}:00:00Z`, value: i })
      expect((await getRecords(t.db, 'rec-order', day)).map((r) => r.value)).toEqual([4, 3, 2, 1, 0])
      expect((await getRecords(t.db, 'rec-order', { ...day, order: 'asc' })).map((r) => r.value)).toEqual([0, 1, 2, 3, 4])
      expect((await getRecords(t.db, 'rec-order', { ...day, limit: 2 })).map((r) => r.value)).toEqual([4, 3])
      expect((await getRecords(t.db, 'rec-order', { ...day, limit: 2, order: 'asc' })).map((r) => r.value)).toEqual([0, 1])
    })

    test('an empty range (from = to) and a range without data return []', async () => {
      await insertRecord(t.db, { entity_id: 'rec-empty', time: '2024-01-15T08:00:00Z', value: 1 })
      expect(await getRecords(t.db, 'rec-empty', { from: '2024-01-15T08:00:00Z', to: '2024-01-15T08:00:00Z' })).toEqual([])
      expect(await getRecords(t.db, 'rec-empty', { from: '2024-01-16T00:00:00Z', to: '2024-01-17T00:00:00Z' })).toEqual([])
      expect(await getRecords(t.db, 'rec-empty-none', day)).toEqual([])
    })

    test("reads and writes do not depend on the session's TimeZone or DateStyle", async () => {
      await t.db.transaction(async (tx) => {
        await tx.execute(sql`set local time zone 'Asia/Kathmandu'`)
        await tx.execute(sql`set local datestyle = 'SQL, DMY'`)
        await insertRecord(tx, { entity_id: 'rec-tz', time: '2024-01-15T10:30:00.5Z', value: 1 })
        const rows = await getRecords(tx, 'rec-tz', day)
        expect(rows.map((r) => r.time)).toEqual(['2024-01-15T10:30:00.500000Z'])
      })
      const [row] = await queryRows<{ ok: boolean }>(
        t.db,
        sql`select time = '2024-01-15 10:30:00.5+00' as ok from time_series_data where entity_id = 'rec-tz'`,
      )
      expect(row?.ok).toBe(true)
    })

    test('an invalid record is refused before anything is sent', async () => {
      const bad = [
        { entity_id: 'rec-bad', time: '2024-01-15T10:30:00', value: 1 },
        { entity_id: 'rec-bad', time: '2024-01-15T10:30:00Z', value: Number.NaN },
        { entity_id: 'rec-bad', time: '2024-01-15T10:30:00Z', value: 1, metadata: { n: 1n } },
      ]
      const fields = []
      for (const record of bad) {
        const error = await insertRecord(t.db, record as never).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(ValidationError)
        fields.push((error as ValidationError).details.field)
      }
      expect(fields).toEqual(['time', 'value', 'metadata.n'])
      expect(await countRows(t.db, 'rec-bad')).toBe(0)
    })

    test('getRecords refuses bad arguments', async () => {
      const fields = []
      for (const call of [
        () => getRecords(t.db, '', day),
        () => getRecords(t.db, 'x', { from: day.to, to: day.from }),
        () => getRecords(t.db, 'x', { ...day, limit: 10_001 }),
        () => getRecords(t.db, 'x', { ...day, order: 'sideways' as never }),
        () => getRecords(t.db, 'x', { from: '2024-01-15', to: day.to }),
      ]) {
        fields.push(((await call().catch((e: unknown) => e)) as ValidationError).details.field)
      }
      expect(fields).toEqual(['entityId', 'range', 'range.limit', 'range.order', 'range.from'])
    })
  })
}
