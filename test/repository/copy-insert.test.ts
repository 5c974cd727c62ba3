/*
 * The default ingest path on postgres.js ('auto'): one plain COPY when every key is new, the
 * staging upsert when one exists (the failed COPY wrote nothing), and the staging upsert directly
 * for the next calls on that pool. Native server only: the path needs postgres.js.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { QueryError } from '../../src/errors.ts'
import { insertManyRecords } from '../../src/repository/index.ts'
import type { TimeSeriesRecord } from '../../src/types.ts'
import { type TestDatabase, targets } from '../support/targets.ts'
import { at, snapshot } from './support.ts'

const native = targets.find((t) => t.kind === 'native')

function load(prefix: string, n: number, salt = 0): TimeSeriesRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    entity_id: `${prefix}-${i % 7}`,
    time: at('2024-06-01T00:00:00Z', i * 60, i % 1000),
    value: i + salt,
    value2: i % 3 === 0 ? null : i / 8,
    metadata: i % 2 === 0 ? { i, salt, text: 'tab\there \\ "q"' } : null,
  }))
}

/** A postgres.js pool whose statements are recorded (first words only), as a Drizzle database. */
function recordingDatabase(url: string) {
  const statements: string[] = []
  const pool = postgres(url, { max: 1, onnotice: () => {} })
  // Writing statements only: insertManyRecords also reads the hypertable's layout (a select) to size its transactions.
  const record = (text: unknown) => {
    if (!/^(with|select)\b/i.test(String(text).trim()))
      statements.push(String(text).trim().split(/\s+/).slice(0, 3).join(' ').toLowerCase())
  }
  const spy = <T extends object>(sql: T): T =>
    new Proxy(sql, {
      get(target, prop) {
        const value = Reflect.get(target, prop)
        if (typeof value !== 'function') return value
        if (prop === 'unsafe') {
          return (text: string, ...rest: unknown[]) => {
            record(text)
            return value.call(target, text, ...rest)
          }
        }
        if (prop === 'begin') {
          return (...args: unknown[]) => {
            record('begin')
            return value.apply(target, args)
          }
        }
        if (prop === 'reserve') return async () => spy(await value.call(target))
        return value.bind(target)
      },
    })
  const spied = spy(pool)
  return { db: drizzle(spied), pool, statements }
}

describe.if(native !== undefined)('insertManyRecords on postgres.js: plain COPY, staging upsert on a conflict', () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await (native as NonNullable<typeof native>).open()
  })
  afterAll(() => t?.close())

  test('new keys: one plain COPY statement for every chunk, no transaction, no staging table', async () => {
    const { db, pool, statements } = recordingDatabase(t.url as string)
    try {
      const rows = load('fresh', 5000)
      expect((await insertManyRecords(db, rows, { chunkSize: 1000 })).written).toBe(5000)
      expect(statements).toEqual(['copy time_series_data (entity_id,'])
      expect((await snapshot(t.db, [...new Set(rows.map((r) => r.entity_id))])).rows).toBe(5000)
    } finally {
      await pool.end()
    }
  })

  test('an existing key: the COPY writes nothing, the staging upsert writes all, and the next calls skip the COPY', async () => {
    const { db, pool, statements } = recordingDatabase(t.url as string)
    try {
      const first = load('conflict', 3000)
      await insertManyRecords(db, first.slice(0, 1000))
      statements.length = 0
      const second = load('conflict', 3000, 0.25)
      expect((await insertManyRecords(db, second, { chunkSize: 1000 })).written).toBe(3000)
      expect(statements[0]).toBe('copy time_series_data (entity_id,')
      expect(statements).toContain('begin')
      statements.length = 0
      await insertManyRecords(db, load('conflict-next', 10))
      expect(statements[0]).toBe('begin')
      expect(statements.some((s) => s.startsWith('copy time_series_data'))).toBe(false)

      // The same end state as the portable upsert of the same batch.
      const ids = [...new Set(second.map((r) => r.entity_id))]
      const viaCopy = await snapshot(t.db, ids)
      await insertManyRecords(t.db, first, { method: 'unnest' })
      await insertManyRecords(t.db, second, { method: 'unnest' })
      expect(await snapshot(t.db, ids)).toEqual(viaCopy)
      // The pool's only connection is usable and idle, not stuck in the failed COPY.
      expect([...(await pool`select 1 as ok`)]).toEqual([{ ok: 1 }])
    } finally {
      await pool.end()
    }
  })

  test('concurrent calls on a 2-connection pool: no query of another call lands inside a COPY', async () => {
    const pool = postgres(t.url as string, { max: 2, onnotice: () => {} })
    try {
      const db = drizzle(pool)
      const batches = Array.from({ length: 12 }, (_, i) => load(`busy-${i}`, 2000))
      const reads = Array.from({ length: 24 }, () => pool`select count(*)::int as n from time_series_data where entity_id = 'none'`)
      const writes = batches.map((batch) => insertManyRecords(db, batch, { chunkSize: 500 }))
      expect((await Promise.all(writes)).map((r) => r.written)).toEqual(batches.map(() => 2000))
      expect((await Promise.all(reads)).map((r) => r[0]?.n)).toEqual(reads.map(() => 0))
      expect(
        (
          await snapshot(
            t.db,
            batches.flatMap((b) => [...new Set(b.map((r) => r.entity_id))]),
          )
        ).rows,
      ).toBe(24_000)
    } finally {
      await pool.end()
    }
  })

  test('duplicates in the batch collapse before the COPY, the last one winning', async () => {
    const rows = load('dup', 10)
    const result = await insertManyRecords(t.db, [...rows, { ...rows[3], value: 99 } as TimeSeriesRecord])
    expect(result).toMatchObject({ written: 10, duplicates: 1 })
    const [row] = (await t.db.execute(
      `select value from time_series_data where entity_id = '${rows[3]?.entity_id}' and time = '${rows[3]?.time}'`,
    )) as unknown as { value: number }[]
    expect(row?.value).toBe(99)
  })

  test('a row refused in the last chunk leaves nothing of the earlier chunks (one statement)', async () => {
    await t.db.execute(`create function refuse_last() returns trigger language plpgsql as $$
      begin if new.entity_id = 'atomic-copy-last' then raise exception 'refused last row'; end if; return new; end $$;
      create trigger refuse_last before insert on time_series_data for each row execute function refuse_last()`)
    try {
      const rows = [...load('atomic-copy', 4000), { entity_id: 'atomic-copy-last', time: '2024-06-01T00:00:00Z', value: 1 }]
      const error = await insertManyRecords(t.db, rows, { chunkSize: 500 }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(QueryError)
      expect((error as QueryError).message).toContain('refused last row')
      expect((await snapshot(t.db, [...new Set(rows.map((r) => r.entity_id))])).rows).toBe(0)
    } finally {
      await t.db.execute('drop trigger refuse_last on time_series_data; drop function refuse_last()')
    }
  })
})
