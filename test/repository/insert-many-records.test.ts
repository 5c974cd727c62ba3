import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { QueryError, ValidationError } from '../../src/errors.ts'
import { queryRows } from '../../src/internal/query-rows.ts'
import { getRecords, insertManyRecords } from '../../src/repository/index.ts'
import type { RecordError, TimeSeriesRecord } from '../../src/types.ts'
import { type TestDatabase, targets } from '../support/targets.ts'
import { at, counting, countRows } from './support.ts'

const all = { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', order: 'asc' as const, limit: 10_000 }

for (const target of targets) {
  describe(`insertManyRecords on ${target.name}`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await target.open()
    })
    afterAll(() => t.close())

    test('100,000 records in one call: every row written, checked by count and checksum', async () => {
      const base = '2024-03-01T00:00:00Z'
      const records: TimeSeriesRecord[] = []
      for (let i = 0; i < 100_000; i++) {
        records.push({
          entity_id: `bulk-${i % 10}`,
          time: at(base, i, i % 1_000_000),
          value: i,
          value2: i % 7 === 0 ? null : i / 4,
          metadata: i % 1000 === 0 ? { i, tag: `t"${i}\\` } : undefined,
        })
      }
      const started = performance.now()
      const result = await insertManyRecords(t.db, records)
      const seconds = (performance.now() - started) / 1000
      console.log(`[${target.name}] 100,000 records in ${seconds.toFixed(2)} s (${Math.round(100_000 / seconds)} rows/s)`)
      expect(result).toMatchObject({ total: 100_000, written: 100_000, duplicates: 0, failed: 0, errors: [] })

      // Checksum of every row but its metadata, computed independently in JS and by the server.
      const line = (r: TimeSeriesRecord) => [r.entity_id, r.time, String(r.value), r.value2 == null ? '' : String(r.value2)].join('|')
      const sorted = [...records].sort((a, b) =>
        a.entity_id < b.entity_id ? -1 : a.entity_id > b.entity_id ? 1 : String(a.time) < String(b.time) ? -1 : 1,
      )
      const expectedMd5 = createHash('md5').update(sorted.map(line).join('\n')).digest('hex')
      const [row] = await queryRows<{ n: number; total: number; md5: string }>(
        t.db,
        sql`select count(*)::int as n, sum(value)::float8 as total,
              md5(string_agg(concat_ws('|', entity_id, to_char(time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                value::text, coalesce(value2::text, '')), E'\n' order by entity_id collate "C", time)) as md5
            from time_series_data where entity_id like 'bulk-%'`,
      )
      expect(row?.n).toBe(100_000)
      expect(row?.total).toBe((99_999 * 100_000) / 2)
      expect(row?.md5).toBe(expectedMd5)
      const meta = await queryRows<{ metadata: string }>(
        t.db,
        sql`select metadata::text as metadata from time_series_data where entity_id like 'bulk-%' and metadata is not null order by (metadata->>'i')::int`,
      )
      expect(meta.map((m) => JSON.parse(m.metadata))).toEqual(records.filter((r) => r.metadata).map((r) => r.metadata))
    })

    test('the same key twice in one call: collapsed in JS, the last one wins, counted as duplicates', async () => {
      const result = await insertManyRecords(t.db, [
        { entity_id: 'dup', time: '2024-01-15T10:00:00Z', value: 1 },
        { entity_id: 'dup', time: '2024-01-15T11:00:00Z', value: 2 },
        { entity_id: 'dup', time: '2024-01-15T11:00:00+01:00', value: 3, metadata: { last: false } },
        { entity_id: 'dup', time: new Date('2024-01-15T10:00:00Z'), value: 4, value2: 4 },
        { entity_id: 'dup', time: '2024-01-15T10:00:00.000000+00:00', value: 5, metadata: { last: true } },
      ])
      expect(result).toMatchObject({ total: 5, written: 2, duplicates: 3, failed: 0 })
      const rows = await getRecords(t.db, 'dup', all)
      expect(rows.map((r) => [r.time, r.value, r.value2, r.metadata])).toEqual([
        ['2024-01-15T10:00:00.000000Z', 5, null, { last: true }],
        ['2024-01-15T11:00:00.000000Z', 2, null, null],
      ])
    })

    test('duplicates spread over chunks are collapsed too; chunks are written in order', async () => {
      const records = Array.from({ length: 10 }, (_, i) => ({ entity_id: 'dup-chunks', time: at('2024-01-15T00:00:00Z', i % 4), value: i }))
      const result = await insertManyRecords(t.db, records, { chunkSize: 3 })
      expect(result).toMatchObject({ total: 10, written: 4, duplicates: 6 })
      expect((await getRecords(t.db, 'dup-chunks', all)).map((r) => r.value)).toEqual([8, 9, 6, 7])
    })

    test('an existing row is updated (upsert), not duplicated', async () => {
      await insertManyRecords(t.db, [{ entity_id: 'upsert-many', time: '2024-01-15T00:00:00Z', value: 1, value2: 1, metadata: { a: 1 } }])
      await insertManyRecords(t.db, [{ entity_id: 'upsert-many', time: '2024-01-15T00:00:00Z', value: 2 }])
      expect(await getRecords(t.db, 'upsert-many', all)).toEqual([
        {
          entity_id: 'upsert-many',
          time: '2024-01-15T00:00:00.000000Z',
          value: 2,
          value2: null,
          value3: null,
          value4: null,
          metadata: null,
        },
      ])
    })

    test('array parameters carry nulls, awkward entity ids and metadata exactly', async () => {
      const ids = ['arr,comma', 'arr{brace}', 'arr"quote"', 'arr\\backslash', 'NULL', ' arr spaced ', "arr'single", 'arr😀']
      const metadatas = [
        { q: 'he said "hi"', b: 'a\\b\\\\c', u: 'ü ✓ 😀 \u2028', n: [null, 1, { k: 'NULL' }] },
        { arrayish: '{a,b}', quoted: '"NULL"', empty: '' },
        null,
        {},
        { nested: { deeper: { list: ['"', '\\', ',', '{', '}'] } } },
      ]
      const records = ids.flatMap((entity_id, i) =>
        Array.from({ length: 5 }, (_, j) => ({
          entity_id,
          time: at('2024-01-15T00:00:00Z', j),
          value: i + j / 10,
          value2: j % 2 === 0 ? null : -j,
          value3: j === 3 ? 1e-300 : null,
          value4: j === 4 ? 123456789.125 : undefined,
          metadata: metadatas[j],
        })),
      )
      expect((await insertManyRecords(t.db, records, { chunkSize: 7 })).written).toBe(40)
      for (const entity_id of ids) {
        const expected = records
          .filter((r) => r.entity_id === entity_id)
          .map((r) => ({ ...r, value4: r.value4 ?? null, metadata: r.metadata ?? null }))
        expect(await getRecords(t.db, entity_id, all)).toEqual(expected)
      }
    })

    test('by default one invalid record rejects the batch and nothing is written', async () => {
      const records = [
        { entity_id: 'reject', time: '2024-01-15T00:00:00Z', value: 1 },
        { entity_id: 'reject', time: '2024-01-15T00:00:01Z', value: Number.POSITIVE_INFINITY },
        { entity_id: 'reject', time: '2024-01-15T00:00:02', value: 3 },
      ]
      const error = (await insertManyRecords(t.db, records).catch((e: unknown) => e)) as ValidationError
      expect(error).toBeInstanceOf(ValidationError)
      expect(error.details).toMatchObject({ index: 1, field: 'value', invalidCount: 2 })
      expect((error.details.errors as RecordError[]).map((e) => [e.index, e.field])).toEqual([
        [1, 'value'],
        [2, 'time'],
      ])
      expect(await countRows(t.db, 'reject')).toBe(0)
    })

    test('skipInvalid writes the valid records and reports the others', async () => {
      const records = [
        { entity_id: 'skip', time: '2024-01-15T00:00:00Z', value: 1 },
        { entity_id: 'skip', time: '2024-01-15T00:00:01Z', value: '2' },
        { entity_id: 'skip', time: '2024-01-15T00:00:02Z', value: 3, valu2: 1 },
        { entity_id: 'skip', time: '2024-01-15T00:00:03Z', value: 4 },
      ]
      const result = await insertManyRecords(t.db, records as never, { skipInvalid: true })
      expect(result).toMatchObject({ total: 4, written: 2, duplicates: 0, failed: 2 })
      expect(result.errors.map((e) => [e.index, e.field, e.code])).toEqual([
        [1, 'value', 'VALIDATION_ERROR'],
        [2, 'valu2', 'VALIDATION_ERROR'],
      ])
      expect((await getRecords(t.db, 'skip', all)).map((r) => r.value)).toEqual([1, 4])
    })

    test('an empty array returns zeros without touching the database', async () => {
      const probe = counting(t.db)
      const result = await insertManyRecords(probe.db, [])
      expect(result).toMatchObject({ total: 0, written: 0, duplicates: 0, failed: 0, errors: [] })
      expect(probe.statements).toBe(0)
    })

    test('all chunks run in one transaction: a failure in a later chunk leaves nothing written', async () => {
      await t.db.execute(sql`create function reject_poison() returns trigger language plpgsql as $$
        begin if new.entity_id = 'atomic-poison' then raise exception 'poisoned row'; end if; return new; end $$`)
      await t.db.execute(sql`create trigger reject_poison before insert on time_series_data
        for each row execute function reject_poison()`)
      try {
        const records = Array.from({ length: 9 }, (_, i) => ({
          entity_id: i === 8 ? 'atomic-poison' : 'atomic',
          time: at('2024-01-15T00:00:00Z', i),
          value: i,
        }))
        const probe = counting(t.db)
        const error = await insertManyRecords(probe.db, records, { chunkSize: 3 }).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(QueryError)
        expect((error as QueryError).message).toContain('poisoned row')
        expect((error as QueryError).details.operation).toBe('insertManyRecords')
        expect(await countRows(t.db, 'atomic')).toBe(0)
      } finally {
        await t.db.execute(sql`drop trigger reject_poison on time_series_data`)
        await t.db.execute(sql`drop function reject_poison()`)
      }
    })

    test("inside the caller's transaction: rolled back with it", async () => {
      const rollback = new Error('rollback')
      const outcome = await t.db
        .transaction(async (tx) => {
          const result = await insertManyRecords(
            tx,
            [
              { entity_id: 'caller-tx', time: '2024-01-15T00:00:00Z', value: 1 },
              { entity_id: 'caller-tx', time: '2024-01-15T00:00:01Z', value: 2 },
            ],
            { chunkSize: 1 },
          )
          expect(result.written).toBe(2)
          expect(await countRows(tx, 'caller-tx')).toBe(2)
          throw rollback
        })
        .catch((e: unknown) => e)
      expect(outcome).toBe(rollback)
      expect(await countRows(t.db, 'caller-tx')).toBe(0)
    })

    test('bad arguments are refused', async () => {
      const fields = []
      for (const call of [
        () => insertManyRecords(t.db, 'records' as never),
        () => insertManyRecords(t.db, [], { chunkSize: 0 }),
        () => insertManyRecords(t.db, [], { skipInvalid: 1 as never }),
        () => insertManyRecords(t.db, [], { chunksize: 10 } as never),
      ]) {
        fields.push(((await call().catch((e: unknown) => e)) as ValidationError).details.field)
      }
      expect(fields).toEqual(['records', 'chunkSize', 'skipInvalid', 'chunksize'])
    })
  })
}
