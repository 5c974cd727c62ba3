import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { ValidationError } from '../../src/errors.ts'
import { queryRows } from '../../src/internal/query-rows.ts'
import * as repo from '../../src/repository/index.ts'
import { type TestDatabase, targets } from '../support/targets.ts'
import { snapshot } from './support.ts'

const range = { from: '2024-01-15T00:00:00Z', to: '2024-01-16T00:00:00Z' }
// Entity ids are data: each is stored and queried literally.
const hostileIds = [
  "x'; drop table time_series_data; --",
  "x'); delete from time_series_data where ('1'='1",
  'x" or 1=1 --',
  "'; select pg_sleep(5); --",
  '$1',
  "\\x00\\'; --",
  "%' or entity_id like '%",
  "{a,b}'::text[]) --",
]

async function tables(db: TestDatabase['db']): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(db, sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`)
  return rows.map((r) => r.name)
}

async function expectValidationError(call: () => Promise<unknown> | unknown, field: string): Promise<void> {
  let caught: unknown
  try {
    await call()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(ValidationError)
  expect((caught as ValidationError).details.field).toBe(field)
}

for (const target of targets) {
  describe(`injection attempts on ${target.name}`, () => {
    let t: TestDatabase
    let sentinel: Awaited<ReturnType<typeof snapshot>>
    let tablesBefore: string[]
    beforeAll(async () => {
      t = await target.open()
      await repo.insertManyRecords(
        t.db,
        Array.from({ length: 20 }, (_, i) => ({
          entity_id: `sentinel-${i % 2}`,
          time: `2024-01-15T00:00:${String(i).padStart(2, '0')}Z`,
          value: i,
        })),
      )
      await repo.upsertEntity(t.db, { entity_id: 'sentinel-entity', entity_type: 'sensor' })
      sentinel = await snapshot(t.db, ['sentinel-0', 'sentinel-1'])
      tablesBefore = await tables(t.db)
    })
    afterAll(() => t.close())

    test('hostile entity ids are stored and read back literally by every operation', async () => {
      for (const [i, id] of hostileIds.entries()) {
        await repo.insertRecord(t.db, { entity_id: id, time: '2024-01-15T01:00:00Z', value: i })
        await repo.insertManyRecords(t.db, [
          { entity_id: id, time: '2024-01-15T02:00:00Z', value: i + 0.5 },
          { entity_id: id, time: '2024-01-15T03:00:00Z', value: i + 0.75 },
        ])
        const rows = await repo.getRecords(t.db, id, { ...range, order: 'asc' })
        expect(rows.map((r) => [r.entity_id, r.value])).toEqual([
          [id, i],
          [id, i + 0.5],
          [id, i + 0.75],
        ])
        expect(await repo.getAggregate(t.db, id, 'count', 'value', range)).toBe(3)
        const buckets = await repo.getTimeBuckets(t.db, id, '1 day', range)
        expect(buckets.map((b) => [b.entity_id, b.count])).toEqual([[id, 3]])
        const streamed = []
        for await (const r of repo.streamRecords(t.db, id, range, { pageSize: 1 })) streamed.push(r.value)
        expect(streamed).toEqual([i, i + 0.5, i + 0.75])
        const entity = await repo.upsertEntity(t.db, { entity_id: id, entity_type: id, name: id })
        expect(entity).toMatchObject({ entity_id: id, entity_type: id, name: id })
        expect((await repo.getEntity(t.db, id))?.entity_id).toBe(id)
        expect((await repo.listEntities(t.db, { entityType: id })).map((e) => e.entity_id)).toEqual([id])
        expect(await repo.deactivateEntity(t.db, id)).toBe(true)
      }
      const latest = await repo.getLatestValues(t.db, hostileIds)
      expect(latest.map((r) => [r.entity_id, r.value])).toEqual(hostileIds.map((id, i) => [id, i + 0.75]))
    })

    test('hostile metadata keys and strings are stored as data', async () => {
      const metadata = {
        "a'); drop table time_series_data; --": "'); drop table entities; --",
        '"quoted key"': { '\\': '$$ select 1 $$' },
        '{a,b}': ['NULL', '"', "'"],
      }
      await repo.insertRecord(t.db, { entity_id: 'inj-meta', time: '2024-01-15T00:00:00Z', value: 1, metadata })
      await repo.insertManyRecords(t.db, [{ entity_id: 'inj-meta', time: '2024-01-15T00:00:01Z', value: 2, metadata }])
      const rows = await repo.getRecords(t.db, 'inj-meta', range)
      expect(rows.map((r) => r.metadata)).toEqual([metadata, metadata])
    })

    test('hostile intervals, function names, columns, orders, time zones and times are refused', async () => {
      const id = 'sentinel-0'
      await expectValidationError(() => repo.getTimeBuckets(t.db, id, "1 hour'); select pg_sleep(1); --", range), 'interval')
      await expectValidationError(() => repo.getTimeBuckets(t.db, id, "1 hour'::interval, time) from entities; --", range), 'interval')
      await expectValidationError(() => repo.getAggregate(t.db, id, 'avg(value)); drop table x; --' as never, 'value', range), 'func')
      await expectValidationError(
        () => repo.getAggregate(t.db, id, 'avg', 'value); drop table time_series_data; --' as never, range),
        'column',
      )
      await expectValidationError(
        () => repo.getTimeBuckets(t.db, id, '1 hour', range, { aggregateFunction: 'pg_sleep' as never }),
        'aggregateFunction',
      )
      await expectValidationError(
        () => repo.getTimeBuckets(t.db, id, '1 hour', range, { aggregateColumn: '"value"' as never }),
        'aggregateColumn',
      )
      await expectValidationError(
        () => repo.getTimeBuckets(t.db, id, '1 hour', range, { timeZone: "UTC'); drop table time_series_data; --" }),
        'timeZone',
      )
      await expectValidationError(() => repo.getRecords(t.db, id, { ...range, order: 'asc; drop table entities' as never }), 'range.order')
      await expectValidationError(() => repo.getTimeBuckets(t.db, id, '1 hour', range, { order: 'asc, pg_sleep(1)' as never }), 'order')
      await expectValidationError(
        () => repo.getRecords(t.db, id, { from: "2024-01-15T00:00:00Z'::timestamptz or true --", to: range.to }),
        'range.from',
      )
      await expectValidationError(() => repo.getRecords(t.db, id, { ...range, limit: '1; drop table x' as never }), 'range.limit')
      await expectValidationError(() => repo.streamRecords(t.db, id, range, { order: 'desc --' as never }), 'order')
      await expectValidationError(() => repo.insertRecord(t.db, { entity_id: id, time: "now()'); drop table x; --", value: 1 }), 'time')
      await expectValidationError(
        () => repo.insertRecord(t.db, { entity_id: id, time: range.from, value: '1); drop table x; --' as never }),
        'value',
      )
    })

    test('afterwards every table still exists and the sentinel rows are unchanged', async () => {
      expect(await tables(t.db)).toEqual(tablesBefore)
      expect(tablesBefore).toContain('time_series_data')
      expect(tablesBefore).toContain('entities')
      expect(await snapshot(t.db, ['sentinel-0', 'sentinel-1'])).toEqual(sentinel)
      expect(sentinel.rows).toBe(20)
      expect((await repo.getEntity(t.db, 'sentinel-entity'))?.is_active).toBe(true)
    })
  })
}
