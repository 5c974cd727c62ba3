import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { BatchError, ValidationError } from '../../src/errors.ts'
import { insertManyRecords } from '../../src/repository/index.ts'
import type { TimeSeriesRecord } from '../../src/types.ts'
import { type TestDatabase, targets } from '../support/targets.ts'
import { snapshot } from './support.ts'

/** `n` records of `prefix` entities, one minute apart, with awkward text in ids and metadata. */
function load(prefix: string, n: number, salt = 0): TimeSeriesRecord[] {
  const awkward = ['tab\there', 'new\nline', 'back\\slash', '\\.', '\\N', 'quote"\'', 'ünïcödé ✓', 'crlf\r\n']
  return Array.from({ length: n }, (_, i) => ({
    entity_id: `${prefix}-${awkward[i % awkward.length]}`,
    time: new Date(Date.UTC(2024, 4, 1) + i * 60_000).toISOString(),
    value: i + salt,
    value2: i % 3 === 0 ? null : -0,
    value3: i % 5 === 0 ? 1e-300 : 123456.789,
    value4: null,
    metadata: i % 2 === 0 ? { text: awkward[i % awkward.length], nested: { list: [1, 'two', null, true] } } : null,
  }))
}

for (const target of targets) {
  describe(`insertManyRecords paths on ${target.name}`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await target.open()
    })
    afterAll(() => t.close())

    if (target.kind === 'embedded') {
      test("method 'copy' needs postgres.js: refused on PGlite before anything is sent", async () => {
        const error = await insertManyRecords(t.db, load('refused', 3), { method: 'copy' }).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(ValidationError)
        expect((error as ValidationError).details.field).toBe('method')
        expect(
          (
            await snapshot(
              t.db,
              load('refused', 3).map((r) => r.entity_id),
            )
          ).rows,
        ).toBe(0)
      })
    }

    if (target.kind === 'native') {
      test('COPY and unnest write exactly the same rows, awkward text included', async () => {
        const viaCopy = load('copy', 4000)
        const viaUnnest = load('unnest', 4000)
        await insertManyRecords(t.db, viaCopy, { method: 'copy', chunkSize: 1000 })
        await insertManyRecords(t.db, viaUnnest, { method: 'unnest', chunkSize: 1000 })
        const strip = (rows: { entity_id: string }[], prefix: string) =>
          rows.map((r) => ({ ...r, entity_id: r.entity_id.slice(prefix.length) }))
        const read = async (prefix: string) =>
          strip(
            (await t.db.execute(sql`select entity_id, time::text, value, value2, value3, value4, metadata::text
              from time_series_data where entity_id like ${`${prefix}-%`} order by entity_id, time`)) as unknown as { entity_id: string }[],
            prefix,
          )
        const [a, b] = [await read('copy'), await read('unnest')]
        expect(a).toHaveLength(4000)
        expect(a).toEqual(b)
        const minusZero = (await t.db.execute(sql`select count(*)::int as n from time_series_data
          where entity_id like 'copy-%' and value2::text = '-0'`)) as unknown as { n: number }[]
        expect(minusZero[0]?.n).toBe(2666)
      })

      test('inside a transaction the rows go through unnest and roll back with it', async () => {
        const rows = load('tx', 10)
        await t.db
          .transaction(async (tx) => {
            expect((await insertManyRecords(tx, rows)).written).toBe(10)
            tx.rollback()
          })
          .catch(() => {})
        expect(
          (
            await snapshot(
              t.db,
              rows.map((r) => r.entity_id),
            )
          ).rows,
        ).toBe(0)
        const error = await t.db.transaction((tx) => insertManyRecords(tx, rows, { method: 'copy' })).catch((e: unknown) => e)
        expect((error as ValidationError).details?.field).toBe('method')
        const parallelError = await t.db.transaction((tx) => insertManyRecords(tx, rows, { parallel: 2 })).catch((e: unknown) => e)
        expect((parallelError as ValidationError).details?.field).toBe('parallel')
      })

      test('parallel writers on 4 connections write every row once; an upsert re-run changes values only', async () => {
        const rows = load('par', 20_000)
        const result = await insertManyRecords(t.db, rows, { parallel: 4, chunkSize: 1000 })
        expect(result).toMatchObject({ total: 20_000, written: 20_000 })
        const ids = [...new Set(rows.map((r) => r.entity_id))]
        const first = await snapshot(t.db, ids)
        expect(first.rows).toBe(20_000)
        await insertManyRecords(t.db, load('par', 20_000, 0.5), { parallel: 4, chunkSize: 1000 })
        const second = await snapshot(t.db, ids)
        expect(second.rows).toBe(20_000)
        expect(second.md5).not.toBe(first.md5)
        await insertManyRecords(t.db, rows, { method: 'unnest', chunkSize: 7000 })
        expect(await snapshot(t.db, ids)).toEqual(first)
      })

      test('a parallel batch that fails part-way says what was written, and the same call again converges', async () => {
        await t.db.execute(sql`create or replace function fail_poison() returns trigger language plpgsql as $$
          begin if new.value = 15000 and new.entity_id like 'poison-%' then raise exception 'poisoned row'; end if; return new; end $$`)
        await t.db.execute(sql`create trigger fail_poison before insert on time_series_data for each row execute function fail_poison()`)
        const rows = load('poison', 20_000)
        const ids = [...new Set(rows.map((r) => r.entity_id))]
        try {
          const error = await insertManyRecords(t.db, rows, { parallel: 2, chunkSize: 1000 }).catch((e: unknown) => e)
          expect(error).toBeInstanceOf(BatchError)
          const { written, notWritten } = (error as BatchError).details as { written: number; notWritten: number }
          expect(written + notWritten).toBe(20_000)
          expect(notWritten).toBeGreaterThanOrEqual(1000)
          expect((await snapshot(t.db, ids)).rows).toBe(written)
        } finally {
          await t.db.execute(sql`drop trigger fail_poison on time_series_data`)
        }
        await insertManyRecords(t.db, rows, { parallel: 2, chunkSize: 1000 })
        expect((await snapshot(t.db, ids)).rows).toBe(20_000)
      })
    }
  })
}
