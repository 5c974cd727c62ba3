import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ValidationError } from '../../src/errors.ts'
import { getLatestValues, insertManyRecords } from '../../src/repository/index.ts'
import type { TimeSeriesRecord } from '../../src/types.ts'
import { type TestDatabase, targets } from '../support/targets.ts'
import { at, counting } from './support.ts'

for (const target of targets) {
  describe(`getLatestValues on ${target.name}`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await target.open()
    })
    afterAll(() => t.close())

    test('one row per entity with data, the newest by time, in the order asked', async () => {
      await insertManyRecords(t.db, [
        { entity_id: 'lv-a', time: '2024-01-15T10:00:00Z', value: 1 },
        { entity_id: 'lv-a', time: '2024-01-15T12:00:00.000001Z', value: 3, metadata: { newest: true } },
        { entity_id: 'lv-a', time: '2024-01-15T12:00:00Z', value: 2 },
        { entity_id: 'lv-b', time: '2023-06-01T00:00:00Z', value: 10, value2: 20 },
        { entity_id: 'lv-c', time: '2025-01-01T00:00:00+14:00', value: 7 },
        { entity_id: 'lv-c', time: '2024-12-31T09:59:59Z', value: 6 },
      ])
      const rows = await getLatestValues(t.db, ['lv-c', 'lv-missing', 'lv-a', 'lv-b', 'lv-a'])
      expect(rows).toEqual([
        { entity_id: 'lv-c', time: '2024-12-31T10:00:00.000000Z', value: 7, value2: null, value3: null, value4: null, metadata: null },
        {
          entity_id: 'lv-a',
          time: '2024-01-15T12:00:00.000001Z',
          value: 3,
          value2: null,
          value3: null,
          value4: null,
          metadata: { newest: true },
        },
        { entity_id: 'lv-b', time: '2023-06-01T00:00:00.000000Z', value: 10, value2: 20, value3: null, value4: null, metadata: null },
      ])
    })

    test('an empty list returns [] without a query', async () => {
      const probe = counting(t.db)
      expect(await getLatestValues(probe.db, [])).toEqual([])
      expect(probe.statements).toBe(0)
    })

    test('2,000 entities in one query', async () => {
      const records: TimeSeriesRecord[] = []
      for (let e = 0; e < 2000; e++) {
        for (let k = 0; k < 5; k++)
          records.push({ entity_id: `lv-many-${e}`, time: at('2024-01-01T00:00:00Z', k * 60 + e), value: e * 10 + k })
      }
      await insertManyRecords(t.db, records)
      const ids = Array.from({ length: 2000 }, (_, e) => `lv-many-${1999 - e}`)
      const probe = counting(t.db)
      const started = performance.now()
      const rows = await getLatestValues(probe.db, ids)
      console.log(`[${target.name}] latest values of 2,000 entities in ${(performance.now() - started).toFixed(0)} ms`)
      expect(probe.statements).toBe(1)
      expect(rows.map((r) => r.entity_id)).toEqual(ids)
      expect(rows.every((r, i) => r.value === (1999 - i) * 10 + 4)).toBe(true)
    })

    test('bad ids are refused before anything is sent', async () => {
      const attempts: Array<[unknown, string]> = [
        ['lv-a', 'entityIds'],
        [['lv-a', ''], 'entityIds[1]'],
        [['lv-a', null], 'entityIds[1]'],
        [['x\u0000'], 'entityIds[0]'],
        [Array.from({ length: 10_001 }, (_, i) => `id-${i}`), 'entityIds'],
      ]
      for (const [ids, field] of attempts) {
        const probe = counting(t.db)
        const error = await getLatestValues(probe.db, ids as never).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(ValidationError)
        expect((error as ValidationError).details.field).toBe(field)
        expect(probe.statements).toBe(0)
      }
    })
  })
}
