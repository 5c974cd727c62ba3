import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ValidationError } from '../../src/errors.ts'
import { insertManyRecords, streamRecords } from '../../src/repository/index.ts'
import type { StoredRecord } from '../../src/types.ts'
import { type TestDatabase, targets } from '../support/targets.ts'
import { at, counting } from './support.ts'

const base = '2024-05-01T00:00:00Z'
const all = { from: base, to: '2024-06-01T00:00:00Z' }

async function collect(iterable: AsyncIterable<StoredRecord>): Promise<StoredRecord[]> {
  const out: StoredRecord[] = []
  for await (const record of iterable) out.push(record)
  return out
}

for (const target of targets) {
  describe(`streamRecords on ${target.name}`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await target.open()
      // 25,000 rows, some only a microsecond apart, so the keyset cursor must keep microseconds.
      const records = Array.from({ length: 25_000 }, (_, i) => ({
        entity_id: 'stream',
        time: at(base, Math.floor(i / 3), i % 3),
        value: i,
      }))
      await insertManyRecords(t.db, records)
      await insertManyRecords(t.db, [{ entity_id: 'stream-other', time: base, value: -1 }])
    })
    afterAll(() => t.close())

    test('25,000 rows with pageSize 1000: all of them, oldest first, no duplicates, in 26 queries of at most 1000 rows', async () => {
      const probe = counting(t.db)
      const rows = await collect(streamRecords(probe.db, 'stream', all, { pageSize: 1000 }))
      expect(rows).toHaveLength(25_000)
      expect(rows.map((r) => r.value)).toEqual(Array.from({ length: 25_000 }, (_, i) => i))
      expect(new Set(rows.map((r) => r.time)).size).toBe(25_000)
      expect(rows.every((r) => r.entity_id === 'stream')).toBe(true)
      expect(probe.statements).toBe(26)
      expect(Math.max(...probe.rowsPerStatement)).toBe(1000)
    })

    test('newest first with order desc', async () => {
      const rows = await collect(streamRecords(t.db, 'stream', all, { pageSize: 999, order: 'desc' }))
      expect(rows.map((r) => r.value)).toEqual(Array.from({ length: 25_000 }, (_, i) => 24_999 - i))
    })

    test('the range is half-open and pages can split rows a microsecond apart', async () => {
      // From the row 3000 (second 1000, µs 0) up to, not including, row 3007 (second 1002, µs 1).
      const range = { from: at(base, 1000, 0), to: at(base, 1002, 1) }
      for (const order of ['asc', 'desc'] as const) {
        const rows = await collect(streamRecords(t.db, 'stream', range, { pageSize: 2, order }))
        const values = [3000, 3001, 3002, 3003, 3004, 3005, 3006]
        expect(rows.map((r) => r.value)).toEqual(order === 'asc' ? values : values.reverse())
      }
    })

    test('breaking out early stops fetching pages', async () => {
      const probe = counting(t.db)
      let seen = 0
      for await (const _ of streamRecords(probe.db, 'stream', all, { pageSize: 100 })) {
        if (++seen === 250) break
      }
      expect(probe.statements).toBe(3)
    })

    test('an empty range yields nothing', async () => {
      expect(await collect(streamRecords(t.db, 'stream', { from: base, to: base }))).toEqual([])
      expect(await collect(streamRecords(t.db, 'stream-nobody', all))).toEqual([])
    })

    test('bad arguments throw a ValidationError when called, before any query', () => {
      const attempts: Array<[() => unknown, string]> = [
        [() => streamRecords(t.db, '', all), 'entityId'],
        [() => streamRecords(t.db, 'stream', { from: all.to, to: all.from }), 'range'],
        [() => streamRecords(t.db, 'stream', all, { pageSize: 0 }), 'pageSize'],
        [() => streamRecords(t.db, 'stream', all, { order: 'random' as never }), 'order'],
      ]
      for (const [call, field] of attempts) {
        let caught: unknown
        try {
          call()
        } catch (error) {
          caught = error
        }
        expect(caught).toBeInstanceOf(ValidationError)
        expect((caught as ValidationError).details.field).toBe(field)
      }
    })
  })
}
