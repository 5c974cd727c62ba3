/*
 * The embedded database's default ingest path: one plain COPY from a Blob when every key is new,
 * the portable unnest upsert when one exists (the failed COPY wrote nothing), and the upsert
 * directly for the next calls on that database.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import { QueryError } from '../../src/errors.ts'
import { insertManyRecords } from '../../src/repository/index.ts'
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.ts'
import type { TimeSeriesRecord } from '../../src/types.ts'
import { at, snapshot } from './support.ts'

const awkward = ['tab\there', 'new\nline', 'back\\slash', '\\.', '\\N', 'quote"\'', 'ünïcödé ✓', 'crlf\r\n']

function load(prefix: string, n: number, salt = 0): TimeSeriesRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    entity_id: `${prefix}-${awkward[i % awkward.length]}`,
    time: at('2024-06-01T00:00:00Z', i * 60, i % 1000),
    value: i + salt,
    value2: i % 3 === 0 ? null : -0,
    value3: i % 5 === 0 ? 1e-300 : i / 8,
    metadata: i % 2 === 0 ? { text: awkward[i % awkward.length], salt, nested: [1, 'two', null] } : null,
  }))
}

const ids = (records: TimeSeriesRecord[]) => [...new Set(records.map((r) => r.entity_id))]

describe('insertManyRecords on the embedded database: plain COPY from a Blob, upsert on a conflict', () => {
  let t: TestDatabase
  const queries: string[] = []
  let db: ReturnType<typeof drizzle>
  beforeAll(async () => {
    t = await createTestDatabase()
    // The same PGlite, its writing statements recorded (first words); reads (insertManyRecords
    // reads the hypertable's layout to size its transactions) are not.
    const spied = new Proxy(t.pglite, {
      get(target, prop) {
        const value = Reflect.get(target, prop)
        if (typeof value !== 'function') return value
        if (prop === 'query') {
          return (text: string, ...rest: unknown[]) => {
            if (!/^(with|select)\b/i.test(text.trim())) queries.push(text.trim().split(/\s+/).slice(0, 2).join(' ').toLowerCase())
            return value.call(target, text, ...rest)
          }
        }
        return value.bind(target)
      },
    })
    db = drizzle(spied)
  })
  afterAll(() => t.close())

  test('new keys: one COPY, the same rows as the unnest upsert writes, awkward text included', async () => {
    queries.length = 0
    const viaCopy = load('copy', 3000)
    expect((await insertManyRecords(db, viaCopy, { chunkSize: 700 })).written).toBe(3000)
    expect(queries).toEqual(['copy time_series_data'])
    await insertManyRecords(t.db, load('unnest', 3000), { method: 'unnest', chunkSize: 700 })
    const read = async (prefix: string) =>
      (
        await t.pglite.query<Record<string, unknown>>(
          `select substr(entity_id, ${prefix.length + 1}) as id, time::text, value, value2::text, value3, value4, metadata::text
           from time_series_data where entity_id like '${prefix}-%' order by entity_id, time`,
        )
      ).rows
    const copied = await read('copy')
    expect(copied).toHaveLength(3000)
    expect(copied).toEqual(await read('unnest'))
  })

  test('an existing key: the COPY writes nothing, the upsert writes all, and the next calls skip the COPY', async () => {
    const first = load('conflict', 2000)
    await insertManyRecords(db, first.slice(0, 500))
    const second = load('conflict', 2000, 0.5)
    queries.length = 0
    expect((await insertManyRecords(db, second)).written).toBe(2000)
    expect(queries[0]).toBe('copy time_series_data')
    expect(queries.length).toBeGreaterThan(1)
    queries.length = 0
    await insertManyRecords(db, load('conflict-next', 10))
    expect(queries.some((q) => q.startsWith('copy'))).toBe(false)
    const viaCopy = await snapshot(t.db, ids(second))
    await insertManyRecords(t.db, first, { method: 'unnest' })
    await insertManyRecords(t.db, second, { method: 'unnest' })
    expect(await snapshot(t.db, ids(second))).toEqual(viaCopy)
  })

  test('a row refused by a trigger fails the call and leaves nothing written', async () => {
    await t.db.execute(sql`create function refuse_blob() returns trigger language plpgsql as $$
      begin if new.entity_id = 'blob-refused' then raise exception 'refused row'; end if; return new; end $$`)
    await t.db.execute(sql`create trigger refuse_blob before insert on time_series_data for each row execute function refuse_blob()`)
    try {
      const rows = [...load('blob-atomic', 500), { entity_id: 'blob-refused', time: '2024-06-01T00:00:00Z', value: 1 }]
      const error = await insertManyRecords(drizzle(t.pglite), rows).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(QueryError)
      expect((error as QueryError).message).toContain('refused row')
      expect((await snapshot(t.db, ids(rows))).rows).toBe(0)
    } finally {
      await t.db.execute(sql`drop trigger refuse_blob on time_series_data`)
      await t.db.execute(sql`drop function refuse_blob()`)
    }
  })
})
