import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ValidationError } from '../../src/errors.ts'
import { getAggregate, insertManyRecords } from '../../src/repository/index.ts'
import { AGGREGATE_FUNCTIONS, type AggregateFunction, type TimeSeriesRecord, VALUE_COLUMNS, type ValueColumn } from '../../src/types.ts'
import { type TestDatabase, targets } from '../support/targets.ts'
import { at } from './support.ts'

const base = '2024-02-01T00:00:00Z'
// Deterministic pseudo-random values; value2 is null for every third record, value4 always null.
const records: TimeSeriesRecord[] = Array.from({ length: 60 }, (_, i) => ({
  entity_id: 'agg',
  time: at(base, i * 60, i),
  value: Math.round(Math.sin(i + 1) * 1000) / 10,
  value2: i % 3 === 0 ? null : (i * 37) % 101,
  value3: i - 30.5,
  value4: null,
}))
// Inserted in shuffled order: first/last must follow time, not insertion order.
const shuffled = [...records].sort((a, b) => ((Number(a.value) * 7919) % 13) - ((Number(b.value) * 7919) % 13))

/** The aggregate computed in JS over the records whose time is in [from, to). */
function expected(func: AggregateFunction, column: ValueColumn, from: string, to: string): number | null {
  const rows = records.filter((r) => String(r.time) >= from && String(r.time) < to)
  const values = rows.map((r) => r[column]).filter((v): v is number => typeof v === 'number')
  if (func === 'count') return values.length
  if (values.length === 0) return null
  const sum = values.reduce((a, b) => a + b, 0)
  const mean = sum / values.length
  const variance = values.length < 2 ? null : values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)
  const withValue = rows.filter((r) => typeof r[column] === 'number')
  switch (func) {
    case 'avg':
      return mean
    case 'sum':
      return sum
    case 'min':
      return Math.min(...values)
    case 'max':
      return Math.max(...values)
    case 'variance':
      return variance
    case 'stddev':
      return variance === null ? null : Math.sqrt(variance)
    case 'first':
      return withValue[0]?.[column] ?? null
    case 'last':
      return withValue.at(-1)?.[column] ?? null
  }
}

for (const target of targets) {
  describe(`getAggregate on ${target.name}`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await target.open()
      await insertManyRecords(t.db, shuffled)
    })
    afterAll(() => t.close())

    const from = at(base, 10 * 60)
    const to = at(base, 50 * 60, 50)

    for (const func of AGGREGATE_FUNCTIONS) {
      test(`${func} of every column matches the value computed in JS`, async () => {
        for (const column of VALUE_COLUMNS) {
          const want = expected(func, column, from, to)
          const got = await getAggregate(t.db, 'agg', func, column, { from, to })
          if (want === null) expect(got).toBeNull()
          else expect(got).toBeCloseTo(want, 9)
        }
      })
    }

    test('first and last follow time, whatever the insertion order', async () => {
      // Records 10..49: record 50 sits exactly on `to`, which is excluded.
      expect(await getAggregate(t.db, 'agg', 'first', 'value3', { from, to })).toBe(10 - 30.5)
      expect(await getAggregate(t.db, 'agg', 'last', 'value3', { from, to })).toBe(49 - 30.5)
    })

    test('count counts the non-null values of the column', async () => {
      const all = { from: base, to: at(base, 3600) }
      expect(await getAggregate(t.db, 'agg', 'count', 'value', all)).toBe(60)
      expect(await getAggregate(t.db, 'agg', 'count', 'value2', all)).toBe(40)
      expect(await getAggregate(t.db, 'agg', 'count', 'value4', all)).toBe(0)
    })

    test('an empty range gives null for every function but count, which gives 0', async () => {
      for (const range of [
        { from, to: from },
        { from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z' },
      ]) {
        for (const func of AGGREGATE_FUNCTIONS) {
          expect(await getAggregate(t.db, 'agg', func, 'value', range)).toBe(func === 'count' ? 0 : null)
        }
      }
      expect(await getAggregate(t.db, 'agg-nobody', 'avg', 'value', { from, to })).toBeNull()
    })

    test('the range is half-open', async () => {
      // Exactly two records: minutes 10 and 11 (minute 12 sits on `to`).
      const range = { from: at(base, 10 * 60, 10), to: at(base, 12 * 60, 12) }
      expect(await getAggregate(t.db, 'agg', 'count', 'value', range)).toBe(2)
      expect(await getAggregate(t.db, 'agg', 'sum', 'value3', range)).toBe(-20.5 + -19.5)
    })

    test('stddev and variance are the sample statistics; one row gives null', async () => {
      const one = { from: at(base, 0), to: at(base, 1) }
      expect(await getAggregate(t.db, 'agg', 'stddev', 'value', one)).toBeNull()
      expect(await getAggregate(t.db, 'agg', 'variance', 'value', one)).toBeNull()
      const two = { from: at(base, 0), to: at(base, 120) }
      expect(await getAggregate(t.db, 'agg', 'variance', 'value3', two)).toBeCloseTo(0.5, 12)
    })

    test('function and column names outside the allow-lists are refused', async () => {
      const range = { from, to }
      const attempts: Array<[() => Promise<unknown>, string]> = [
        [() => getAggregate(t.db, 'agg', 'median' as never, 'value', range), 'func'],
        [() => getAggregate(t.db, 'agg', 'avg(value)); drop table time_series_data; --' as never, 'value', range), 'func'],
        [() => getAggregate(t.db, 'agg', 'avg', 'time' as never, range), 'column'],
        [() => getAggregate(t.db, 'agg', 'avg', 'value) from entities; --' as never, range), 'column'],
        [() => getAggregate(t.db, 'agg', 'avg', 'value', { from: to, to: from }), 'range'],
      ]
      for (const [call, field] of attempts) {
        const error = await call().catch((e: unknown) => e)
        expect(error).toBeInstanceOf(ValidationError)
        expect((error as ValidationError).details.field).toBe(field)
      }
    })
  })
}
